"""The graph is a function of its inputs (issue 27): any order of articles and lists, any split
into several runs, and a run stopped at any write (then run again) give the graph of one clean
run, on every backend (the store fixtures).

The corpus exercises the knowledge-aware re-scan the way real news does: a ship first named
with no cue, typed by a later article (a cue) or by a sanctions list (an IMO number); a company
named bare before an article gives its legal form; a person named by surname alone before an
article gives the full name (the id is re-keyed: graph/rekey.py). Every text and list entry is made up here.

A stop is a process killed between two atomic writes (each write is one batch; a SIGKILL lands
between two, never inside one): the Nth write raises `Killed`, which nothing catches, as a
kill cannot be caught. Then the same command is run again, and the rest of the schedule.

Examples: EXAMPLES per test (stated in the test ids' docstring below and printed by pytest
with -v); SANCTIONS_KG_FUZZ=1 runs 200 (SANCTIONS_KG_FUZZ=N runs N).
"""

from __future__ import annotations

import os

import pytest

hypothesis = pytest.importorskip("hypothesis", reason="hypothesis is a dev dependency: uv sync")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from reliability_helpers import Killed, Writes, diff, snapshot  # noqa: E402
from stores import clear  # noqa: E402

_FUZZ = os.environ.get("SANCTIONS_KG_FUZZ", "")
EXAMPLES = (int(_FUZZ) if _FUZZ.isdigit() and int(_FUZZ) > 1 else 200) if _FUZZ else 8
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize=not _FUZZ, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

IMO = "9312341"  # check digit 1
# Real-shaped: a news wire's dateline habits, a port agent's report, a registry's phrasing.
ARTICLES = {
    "a1-bare.txt": "Published: 2025-02-03\nPort agents in Fujairah said Amber Kestrel took on fuel oil on Monday "
                   "before heading east.\nBrokers expect the cargo to reach buyers in Asia within weeks.\n",
    "a2-cue.txt": "Published: 2025-02-10\nThe tanker Amber Kestrel switched off its transponder near the Strait "
                  "of Hormuz, analysts said.\nRecords show the ship is managed by Kestrel Line Shipping LLC, "
                  "a firm registered in Dubai.\n",
    "a3-company.txt": "Published: 2025-02-14\nKestrel Line Shipping did not answer questions about Amber Kestrel, "
                      "according to two people familiar with the matter.\n",
    "a4-listed.txt": "Published: 2025-03-01\nHarbour officials said Dusk Plover anchored off Nakhodka for two days "
                     "in February before leaving without a pilot.\n",
    "a5-listed-cue.txt": "Published: 2025-03-05\nThe bulk carrier Dusk Plover called at Vostochny in March, port "
                         "records show.\nIts owner was not named in the filing.\n",
    "a6-unrelated.txt": "Published: 2025-03-07\nThe coast guard inspected a fishing trawler near Galle and found "
                        "nothing unusual, a spokesman said.\n",
    # A person named by surname alone, then in full: the node is re-keyed from person:lisberg to
    # person:anika-lisberg whenever the full name comes (ingest/resolve.py, graph/rekey.py).
    "a7-surname.txt": "Published: 2025-03-09\nFleet plans\n\nLisberg told reporters in the capital that the "
                      "tanker fleet would grow this year.\n",
    "a8-full-name.txt": "Published: 2025-03-11\nPort fees\n\nAnika Lisberg, the deputy minister for shipping, said "
                        "on Friday that port fees would rise. Lisberg did not give a figure.\n",
}
SDN = (
    f'97101,"DUSK PLOVER","vessel","RUSSIA-EO14024","-0- ","-0- ","Bulk Carrier","-0- ","-0- ","Palau",'
    f'"-0- ","Vessel Registration Identification IMO {IMO}."\n'
)
LIST = "sdn.csv"
ITEMS = [*ARTICLES, LIST]


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("one-graph")
    for name, text in ARTICLES.items():
        (folder / name).write_text(text)
    (folder / LIST).write_text(SDN)
    return folder


def _step(store, folder, group: list[str]) -> None:
    from ingest.lists.importer import import_sanctions
    from ingest.pipeline import ingest_paths

    if group == [LIST]:
        import_sanctions(store, folder / LIST)
    else:
        ingest_paths(store, [str(folder / name) for name in group])


def _run(store, folder, groups: list[list[str]], kill_at: int | None = None) -> int:
    """Run the schedule; a killed step is run again (as a user would). Returns the writes made."""
    with Writes(store, kill_at) as writes:
        for group in groups:
            try:
                _step(store, folder, group)
            except Killed:
                _step(store, folder, group)
    return writes.n


@pytest.fixture
def reference(store, backend, inputs):
    """The graph of one clean run: every article in one ingest, then the list."""
    clear(backend, store)
    writes = _run(store, inputs, [[n for n in ITEMS if n != LIST], [LIST]])
    snap = snapshot(store)
    clear(backend, store)
    return snap, writes


def _schedules():
    """A random order of the items, split at random into runs (the list always alone)."""

    @st.composite
    def build(draw):
        order = draw(st.permutations(ITEMS))
        cuts = draw(st.lists(st.booleans(), min_size=len(order) - 1, max_size=len(order) - 1))
        groups: list[list[str]] = [[order[0]]]
        for name, cut in zip(order[1:], cuts):
            if cut or name == LIST or groups[-1] == [LIST]:
                groups.append([name])
            else:
                groups[-1].append(name)
        return groups

    return build()


def _check(store, backend, inputs, reference, groups, kill_at) -> None:
    clear(backend, store)
    _run(store, inputs, groups, kill_at)
    snap = snapshot(store)
    assert snap == reference, f"schedule {groups}, killed at write {kill_at}:\n{diff(snap, reference)}"


@SETTINGS
@given(groups=_schedules())
def test_any_order_and_split_gives_the_graph_of_one_clean_run(store, backend, inputs, reference, groups):
    _check(store, backend, inputs, reference[0], groups, None)


@SETTINGS
@given(groups=_schedules(), kill=st.floats(0, 1))
def test_a_run_killed_at_any_write_and_run_again_gives_the_clean_graph(store, backend, inputs, reference, groups, kill):
    # The kill point: one of the writes a clean run of the schedule makes (about as many as the reference's).
    _check(store, backend, inputs, reference[0], groups, 1 + int(kill * reference[1]))


def test_the_reference_run_kills_at_every_write_and_still_gives_the_clean_graph(store, backend, inputs, reference):
    """The single schedule of the reference, killed at each of its writes in turn."""
    snap, writes = reference
    groups = [[n for n in ITEMS if n != LIST], [LIST]]
    for at in range(1, writes + 1):
        _check(store, backend, inputs, snap, groups, at)


def test_which_aliases_the_name_index_keeps_does_not_depend_on_their_stored_order(store, backend):
    """A ship with more names than the index keeps per entity (a list's many a.k.a.s, articles'
    spellings): the same names stored in two orders (the order articles and lists came in) give
    the same index."""
    from ingest.knowledge import MAX_ALIASES, load_index

    names = [f"Amber Kestrel {word}" for word in ("North", "South", "East", "West", "Star", "Moon", "Sun", "Dawn",
                                                   "Dusk", "Gale", "Tide", "Reef", "Cape", "Bay", "Isle", "Crest",
                                                   "Ridge", "Vale", "Glen", "Ford", "Marsh", "Heath", "Moor", "Fell")]
    assert len(names) > MAX_ALIASES
    kept = []
    for order in (names, names[::-1]):
        clear(backend, store)
        store.run("CREATE (n:Entity:Vessel {id: $id, name: $name, aliases: $aliases, imo: $imo})",
                  {"id": f"imo:{IMO}", "name": "Amber Kestrel", "aliases": order, "imo": IMO}, write=True)
        [entry] = [e for e in load_index(store) if e.id == f"imo:{IMO}"]
        kept.append(set(entry.aliases))
    clear(backend, store)
    assert kept[0] == kept[1]

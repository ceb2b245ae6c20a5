"""A 600-vessel list import into a store holding articles that name some of the ships (issue 27:
"a 600-name list import dies after 68 s (did not answer in time) and its re-scan is lost").

The list is generated here: invented two-word ship names and valid-checksum IMO numbers, in OFAC's
SDN CSV shape. Twelve articles (our own words) name one listed ship each with no cue a model would
type it by, so only the list's names make them ships: the re-scan the import calls for. On each
backend: the import completes and the re-scan links each article to its listed ship; an import
stopped at a write (a SIGKILL lands between two atomic writes) leaves its re-scan recorded in the
store (the Rescan node), and the next run finishes it, giving the graph of one clean import.
"""

from __future__ import annotations

import pytest

from reliability_helpers import Killed, Writes, diff, snapshot

FIRST = ["Amber", "Brisk", "Cobalt", "Dusky", "Ember", "Frosty", "Gilded", "Hollow", "Ivory", "Jade",
         "Kindly", "Lunar", "Misty", "Noble", "Opal", "Pale", "Quiet", "Russet", "Silent", "Tawny"]
SECOND = ["Heron", "Lark", "Osprey", "Plover", "Tern", "Wren", "Finch", "Gannet", "Petrel", "Curlew",
          "Egret", "Kite", "Merlin", "Puffin", "Robin", "Shrike", "Swift", "Thrush", "Warbler", "Avocet",
          "Bittern", "Crake", "Dunlin", "Eider", "Godwit", "Harrier", "Ibis", "Jacana", "Knot", "Linnet"]
N = 600
NAMED = range(0, N, 50)  # the twelve listed ships an article names


def imo(serial: int) -> str:
    """A 7-digit IMO number with a valid check digit (digits times 7..2, sum mod 10)."""
    head = f"{9_100_000 // 10 + serial:06d}"
    check = sum(int(d) * w for d, w in zip(head, range(7, 1, -1))) % 10
    return head + str(check)


def ships() -> list[tuple[str, str]]:
    names = [f"{a} {b}" for b in SECOND for a in FIRST]  # 600 distinct names
    return [(names[i], imo(i)) for i in range(N)]


def sdn_csv() -> str:
    rows = []
    for i, (name, number) in enumerate(ships()):
        rows.append(f'{80000 + i},"{name.upper()}","vessel","RUSSIA-EO14024","-0- ","-0- ","Crude Oil Tanker",'
                    f'"-0- ","-0- ","Panama","-0- ","Vessel Registration Identification IMO {number}."')
    return "\n".join(rows) + "\n"


def article(i: int, name: str) -> str:
    return (f"Published: 2025-04-{1 + i % 28:02d}\nHarbour staff in Fujairah said {name} stayed at the outer "
            f"anchorage for three days last week before leaving at night.\nNobody at the port would say where "
            f"it was bound.\n")


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("list600")
    texts = folder / "articles"
    texts.mkdir()
    listed = ships()
    for k, i in enumerate(NAMED):
        (texts / f"report-{k:02d}.txt").write_text(article(k, listed[i][0]))
    (folder / "sdn.csv").write_text(sdn_csv())
    return folder


def _ingest(store, inputs) -> None:
    from ingest.pipeline import ingest_paths

    store.run("MATCH (n) DETACH DELETE n", write=True)
    ingest_paths(store, [str(inputs / "articles")])


def _linked(store) -> dict[str, str]:
    """Article id -> IMO of the listed ship it mentions."""
    rows = store.run("MATCH (a:Article)-[:MENTIONS]->(v:Vessel) WHERE v.imo IS NOT NULL "
                     "RETURN a.id AS a, v.imo AS imo").rows
    return {r["a"]: r["imo"] for r in rows}


def _owed(store) -> int:
    return store.run("MATCH (r:Rescan) RETURN count(r) AS c").rows[0]["c"]


def test_a_600_vessel_list_import_completes_and_its_rescan_links_the_articles(store, inputs):
    from ingest.lists.importer import import_sanctions

    _ingest(store, inputs)
    assert _linked(store) == {}  # no cue in the articles: no ship yet
    summary = import_sanctions(store, inputs / "sdn.csv")
    assert summary.entities == N and summary.sanctions == N
    assert summary.rescanned >= len(NAMED)
    listed = ships()
    assert sorted(_linked(store).values()) == sorted(listed[i][1] for i in NAMED)
    assert store.run("MATCH (v:Vessel) WHERE v.imo IS NOT NULL RETURN count(v) AS c").rows[0]["c"] == N
    assert _owed(store) == 0


def test_an_import_stopped_midway_finishes_its_rescan_on_the_next_run(store, inputs):
    """Stopped at its first write after the list's nodes (the re-scan owed is in the store then),
    the import run again gives the graph of one clean import."""
    from ingest.lists.importer import import_sanctions

    _ingest(store, inputs)
    with Writes(store, None) as count:
        import_sanctions(store, inputs / "sdn.csv")
    clean = snapshot(store)
    writes = count.n
    assert writes >= 3
    for at in sorted({writes - 1, writes // 2}):  # late (in the re-scan) and half-way
        _ingest(store, inputs)
        with Writes(store, at), pytest.raises(Killed):
            import_sanctions(store, inputs / "sdn.csv")
        assert _owed(store) == 1, f"stopped at write {at} of {writes}: no re-scan recorded"
        import_sanctions(store, inputs / "sdn.csv")
        assert _owed(store) == 0
        snap = snapshot(store)
        assert snap == clean, f"stopped at write {at} of {writes}:\n{diff(snap, clean)}"

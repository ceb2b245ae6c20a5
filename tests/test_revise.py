"""graph/writer.py Writer.revise_many: a re-scanned article written as the difference between
its old and new facts leaves the graph a full rewrite (add_article(new, replace=True)) leaves,
on every backend (lists compared as sets, as tests/test_one_graph.py compares graphs).

Facts are built by hand (no spaCy), drawn by hypothesis: which entities the article names
before and after (a ship under two names and flags, AIS-dark sightings, a port, an owner, a
person whose shown name is derived from every article's name for it, a firm only this article
names), which relations it states (a call whose activity is a single value kept with its
sources, an ownership with one of two sentences, a denial) and how many times it mentions each.
Two other articles share the ship, the port, the owner and the person, one written before the
article and one after it (so a scalar the article set was changed by a later writer).
"""

from __future__ import annotations

import pytest

hypothesis = pytest.importorskip("hypothesis", reason="hypothesis is a dev dependency: uv sync")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from graph import identity  # noqa: E402
from graph.writer import ArticleFacts, ArticleRecord, EntityFacts, RelationFacts, Sighting  # noqa: E402
from reliability_helpers import diff, snapshot  # noqa: E402
from stores import clear  # noqa: E402

SHIP_ID, PORT_ID, OWNER_ID, PERSON_ID, LONE_ID = ("imo:9312341", "port:harrowgate", "company:fenmark-holdings",
                                                  "person:oda-vintry", "company:lone-reed-trading")


def ship(aid: str, name: str = "Fen Heron", flag: str | None = None, mentions: int = 1, dark: bool = False) -> EntityFacts:
    props = {"imo": "9312341", IDENTITY: identity.article_items(aid, name, (), flag)}
    if flag:
        props["flag"] = flag
    return EntityFacts(SHIP_ID, "Vessel", name, (name,), (name.lower(),), props, mentions,
                       (Sighting(f"{name} went dark.", "2025-01-02", "went dark"),) if dark else ())


IDENTITY = "identity"


def port(mentions: int = 1) -> EntityFacts:
    return EntityFacts(PORT_ID, "Port", "Harrowgate", ("Harrowgate",), ("harrowgate",), mentions=mentions)


def owner(name: str = "Fenmark Holdings") -> EntityFacts:
    return EntityFacts(OWNER_ID, "Company", name, (name,), (name.lower(),), mentions=1)


def person(name: str) -> EntityFacts:
    return EntityFacts(PERSON_ID, "Person", name, (name,), (name.lower(),), mentions=1)


def lone() -> EntityFacts:
    return EntityFacts(LONE_ID, "Company", "Lone Reed Trading", ("Lone Reed Trading",), ("lone reed trading",),
                       mentions=1)


def call(activity: str) -> RelationFacts:
    return RelationFacts("CALLED_AT", SHIP_ID, PORT_ID, f"The ship {activity} at Harrowgate.", key="2025-01-05",
                         date="2025-01-05", properties={"activity": activity})


def owned(sentence: str, certainty: str = "stated") -> RelationFacts:
    return RelationFacts("OWNED_BY", SHIP_ID, OWNER_ID, sentence, certainty=certainty)


def facts(aid: str, entities, relations=()) -> ArticleFacts:
    ids = {e.id for e in entities}
    rels = tuple(r for r in relations if r.start in ids and r.end in ids)
    return ArticleFacts(ArticleRecord(aid, title=aid, path=f"{aid}.txt", text=f"text of {aid}"), tuple(entities), rels)


OFTEN = st.sampled_from([True, True, True, False])  # most draws keep a piece, so old and new share most


@st.composite
def versions(draw, aid: str = "a1") -> ArticleFacts:
    """One extraction of the article: a draw of what it names and states."""
    entities = []
    if draw(OFTEN):
        entities.append(ship(aid, draw(st.sampled_from(["Fen Heron", "Fen Heron II"])),
                             draw(st.sampled_from([None, "Palau", "Togo"])), draw(st.integers(1, 2)), draw(st.booleans())))
    if draw(OFTEN):
        entities.append(port(draw(st.integers(1, 2))))
    if draw(OFTEN):
        entities.append(owner(draw(st.sampled_from(["Fenmark Holdings", "Fenmark Holdings Ltd"]))))
    if draw(OFTEN):
        entities.append(person(draw(st.sampled_from(["Oda Vintry", "Vintry"]))))
    if draw(OFTEN):
        entities.append(lone())
    relations = []
    if draw(OFTEN):
        relations.append(call(draw(st.sampled_from(["docked", "loaded"]))))
    if draw(OFTEN):
        relations.append(owned(draw(st.sampled_from(["Fenmark Holdings owns the ship.", "The ship belongs to Fenmark."]))))
    if draw(OFTEN):
        relations.append(owned("Fenmark denied owning the ship.", certainty="denied"))
    return facts(aid, entities, relations)


BEFORE = facts("a0", [ship("a0", "Fen Heron", "Palau"), port(), owner(), person("Oda Vintry")],
               [call("docked"), owned("Fenmark Holdings owns the ship.")])
AFTER = facts("a2", [ship("a2", "Fen Heron II", "Togo"), port(), person("Vintry")], [call("loaded")])

SETTINGS = settings(max_examples=40, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def _graph(store, backend, old: ArticleFacts, new: ArticleFacts, revise: bool) -> dict:
    clear(backend, store)
    w = store.writer()
    for f in (BEFORE, old, AFTER):
        w.add_article(f)
    if revise:
        assert w.revise_many([(old, new)]) == 1
    else:
        w.add_article(new, replace=True)
    return snapshot(store)


@SETTINGS
@given(old=versions(), new=versions())
def test_a_revision_leaves_the_graph_a_full_rewrite_leaves(store, backend, old, new):
    full = _graph(store, backend, old, new, revise=False)
    revised = _graph(store, backend, old, new, revise=True)
    assert revised == full, diff(revised, full)


def test_several_revisions_in_one_batch_end_as_rewriting_one_after_the_other(store, backend):
    """Revisions of two articles in one batch, each later one over the other's writes: the same
    graph as the two full rewrites in that order; a pair that re-keys stops the batch there."""
    one_old = facts("a1", [ship("a1", "Fen Heron"), port()], [call("docked")])
    one_new = facts("a1", [ship("a1", "Fen Heron"), port(), owner()], [call("docked"), owned("Fenmark owns it.")])
    two_old = facts("a3", [ship("a3", "Fen Heron II", "Togo"), lone()])
    two_new = facts("a3", [ship("a3", "Fen Heron II", "Palau"), port()], [call("loaded")])

    def graph(revise: bool) -> dict:
        clear(backend, store)
        w = store.writer()
        for f in (BEFORE, one_old, two_old):
            w.add_article(f)
        if revise:
            assert w.revise_many([(one_old, one_new), (two_old, two_new)]) == 2
        else:
            w.add_article(one_new, replace=True)
            w.add_article(two_new, replace=True)
        return snapshot(store)

    full = graph(False)
    assert graph(True) == full
    assert LONE_ID not in full["nodes"]  # only the old extraction named it: gone with it
    w = store.writer()
    rekeyed = ArticleFacts(two_new.article, two_new.entities, two_new.relations, rekeys=(("person:vintry", PERSON_ID),))
    assert w.revise_many([(one_new, one_new), (two_old, rekeyed), (one_new, one_new)]) == 1


def test_an_ingest_whose_rescans_change_its_articles_gives_the_graph_of_full_rewrites(store, backend, tmp_path,
                                                                                      monkeypatch):
    """The re-scan bench's corpus in small (bench/rescan_bench.py: each one-line article names
    the next one's ship bare, which that article types): every article but the first is
    re-scanned and changed (the bare name becomes the ship), and revised, not rewritten; the
    graph is the one full rewrites leave."""
    import ingest.pipeline
    from bench.rescan_bench import write_corpus
    from ingest.pipeline import ingest_paths

    write_corpus(12, tmp_path / "corpus")

    def run() -> tuple:
        clear(backend, store)
        summary = ingest_paths(store, [str(tmp_path / "corpus")])
        return summary.rescan, snapshot(store)

    fast, revised = run()
    assert fast.rescanned == 11 and fast.revised == 11

    class Full(ingest.pipeline.Shares):
        def same(self, facts):
            return False

        def facts(self, aid):
            return None

    monkeypatch.setattr(ingest.pipeline, "Shares", Full)
    full, rewritten = run()
    assert full.rescanned == 11 and full.revised == 0
    assert revised == rewritten, diff(revised, rewritten)

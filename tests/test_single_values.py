"""Single values and their sources (graph/sources.py; issues 24 and 27): a scalar property that
articles and lists fill in keeps each value with its source, shows the value the most sources
give (the smallest on a tie), whatever order they came in, and loses what a withdrawn article
alone gave. Evidence past the cap is chosen the same way in any order. On a store of each
backend (tests/stores.py); the articles here are made up, and the real news reports of the
shared corpus are read where they are at test time, never copied.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from graph import evidence as ev
from graph import sources
from graph.writer import ArticleFacts, ArticleRecord, EntityFacts, RelationFacts
from ingest.lifecycle import remove_article
from ingest.pipeline import ingest_paths
from reliability_helpers import diff, snapshot
from stores import clear

CORPUS = Path("/work/shared/corpus")

IMO = "9312341"  # check digit 1
# Two reports on one ship that disagree on its flag, its type and the year it was designated.
FIRST = ("Published: 2025-05-02\nThe Panama-flagged tanker Grey Heron (IMO 9312341) loaded fuel at Fujairah in "
         "April, port records show.\nThe United States sanctioned Grey Heron in 2023, the Treasury said.\n")
SECOND = ("Published: 2025-05-09\nThe Liberia-flagged bulk carrier Grey Heron (IMO 9312341) anchored off Sohar on "
          "Friday, officials said.\nThe United States sanctioned Grey Heron in 2024.\n")


# -- the real corpus: remove the last report ------------------------------------------------------
@pytest.mark.skipif(not CORPUS.is_dir() or len(list(CORPUS.glob("*.txt"))) < 3,
                    reason=f"the shared corpus ({CORPUS}: three real news reports) is not on this machine")
def test_real_corpus_ingest_three_remove_the_last_is_the_graph_of_the_first_two(store, backend, tmp_path):
    """Before: a flag and a designation year only the removed report gave stayed on two ships."""
    texts = sorted(CORPUS.glob("*.txt"))[:3]
    first_two = tmp_path / "two"
    first_two.mkdir()
    for t in texts[:2]:
        shutil.copy(t, first_two / t.name)
    ingest_paths(store, [first_two])
    only_two = snapshot(store)
    clear(backend, store)

    last = tmp_path / "last"
    last.mkdir()
    shutil.copy(texts[2], last / texts[2].name)
    ingest_paths(store, [first_two, last])
    with_last = snapshot(store)
    assert with_last != only_two
    removal = remove_article(store, str(last / texts[2].name))
    assert len(removal.articles) == 1
    after = snapshot(store)
    assert after == only_two, diff(after, only_two)


# -- order ----------------------------------------------------------------------------------------
def _vessel(store) -> dict:
    [row] = store.run("MATCH (v:Vessel {id: $id}) RETURN v.flag AS flag, v.vessel_type AS type, "
                      "v.prop_sources AS items", {"id": f"imo:{IMO}"}).rows
    [year] = store.run("MATCH (:Vessel {id: $id})-[r:SANCTIONED_BY]->() RETURN r.year AS y", {"id": f"imo:{IMO}"}).values()
    return {**row, "year": year}


def test_two_reports_that_disagree_give_one_graph_in_either_order(store, backend, tmp_path):
    (tmp_path / "first.txt").write_text(FIRST, "utf-8")
    (tmp_path / "second.txt").write_text(SECOND, "utf-8")
    graphs = []
    for order in (["first.txt", "second.txt"], ["second.txt", "first.txt"]):
        clear(backend, store)
        for name in order:
            ingest_paths(store, [tmp_path / name])
        graphs.append(snapshot(store))
        ship = _vessel(store)
        # One source each: the smaller value (Liberia < Panama, bulk carrier < tanker, 2023 < 2024).
        assert (ship["flag"], ship["type"], ship["year"]) == ("Liberia", "bulk carrier", 2023), order
        assert ship["items"] == sorted(ship["items"])
        assert {sources.parse(x)[2] for x in ship["items"] if x.startswith("flag\t")} == {"Liberia", "Panama"}
    assert graphs[0] == graphs[1], diff(graphs[0], graphs[1])
    # Withdrawing one report leaves the other's values.
    remove_article(store, str(tmp_path / "second.txt"))
    ship = _vessel(store)
    assert (ship["flag"], ship["type"], ship["year"]) == ("Panama", "tanker", 2023)
    assert not any(x.startswith(("flag\t", "vessel_type\t")) and "Liberia" in x for x in ship["items"])
    remove_article(store, str(tmp_path / "first.txt"))
    assert store.run("MATCH (v:Vessel) RETURN count(v) AS n").rows == [{"n": 0}]


SHIP = "imo:1234567"
PORT = "port:exampleton"


def _ship_article(aid: str, flag: str | None, relations: tuple[RelationFacts, ...] = ()) -> ArticleFacts:
    props = {"imo": "1234567", **({"flag": flag} if flag else {})}
    return ArticleFacts(
        ArticleRecord(aid, title=aid, path=f"{aid}.txt", text="t"),
        (EntityFacts(SHIP, "Vessel", "Sea Example", ("Sea Example",), ("sea example",), props, mentions=1),
         EntityFacts(PORT, "Port", "Exampleton", ("Exampleton",), ("exampleton",), mentions=1)),
        relations)


@pytest.mark.parametrize("flags, shown", [
    (["Examplia"], "Examplia"),
    (["Otherland", "Examplia"], "Examplia"),  # a tie: the smaller
    (["Otherland", "Examplia", "Otherland"], "Otherland"),  # the most sources
    (["Zed", "Ay", "Zed", "Ay", "Mid"], "Ay"),
])
def test_the_value_shown_is_the_one_most_sources_give_and_the_store_agrees_with_choose(store, backend, flags, shown):
    w = store.writer()
    for i, flag in enumerate(flags):
        w.add_article(_ship_article(f"a{i}", flag))
    [row] = store.run("MATCH (v:Vessel) RETURN v.flag AS flag, v.prop_sources AS items").rows
    assert row["flag"] == shown == sources.choose(row["items"], "flag")
    # The same in reverse order, item for item.
    clear(backend, store)
    for i, flag in reversed(list(enumerate(flags))):
        w.add_article(_ship_article(f"a{i}", flag))
    assert store.run("MATCH (v:Vessel) RETURN v.flag AS flag, v.prop_sources AS items").rows == [row]


def test_remove_and_replace_derive_the_value_again(store):
    w = store.writer()
    for aid, flag in (("a1", "Examplia"), ("a2", "Otherland"), ("a3", "Otherland")):
        w.add_article(_ship_article(aid, flag))
    flag = "MATCH (v:Vessel) RETURN v.flag AS f"
    assert store.run(flag).values() == ["Otherland"]
    w.remove_articles(["a3"])
    assert store.run(flag).values() == ["Examplia"]  # a tie now: the smaller
    w.add_article(_ship_article("a2", None), replace=True)  # a2 again, now giving no flag
    assert store.run(flag).values() == ["Examplia"]
    w.remove_articles(["a1"])
    assert store.run(flag).values() == [None]
    assert store.run("MATCH (v:Vessel) RETURN v.prop_sources AS p").values() == [None]  # no source left: no list


def test_a_value_stored_before_sources_were_kept_stays_until_a_source_gives_one(store):
    """A database written before this change holds values without items: they read as they are,
    and stay through writes and removals that do not give the property."""
    w = store.writer()
    w.add_article(_ship_article("a1", None))
    store.run("MATCH (v:Vessel) SET v.flag = 'Oldland', v.vessel_type = 'tanker' REMOVE v.prop_sources", write=True)
    w.add_article(_ship_article("a2", None))
    w.remove_articles(["a2"])
    row = "MATCH (v:Vessel) RETURN v.flag AS f, v.vessel_type AS t"
    assert store.run(row).rows == [{"f": "Oldland", "t": "tanker"}]
    entity = store.view().entity_by_id(SHIP)
    assert entity is not None and entity.properties.get("flag") == "Oldland"
    w.add_article(_ship_article("a3", "Newland"))  # a source for the flag: it decides
    assert store.run(row).rows == [{"f": "Newland", "t": "tanker"}]


# -- the evidence cap -----------------------------------------------------------------------------
def test_past_the_evidence_cap_the_same_items_stay_in_any_order(store, backend):
    cap = store.ontology.evidence_cap
    per_article = cap // 2 + 5  # two articles together go past the cap

    def article(aid: str) -> ArticleFacts:
        calls = tuple(RelationFacts("CALLED_AT", SHIP, PORT, f"Sea Example was seen at Exampleton ({aid}, note {i}).")
                      for i in range(per_article))
        return _ship_article(aid, None, calls)

    one, two = article("b1"), article("b2")
    kept = []
    for order in ((one, two), (two, one)):
        clear(backend, store)
        for facts in order:
            store.writer().add_article(facts)
        [items] = store.run("MATCH ()-[r:CALLED_AT]->() RETURN r.evidence AS e").values()
        kept.append(sorted(items))
    every = sorted(ev.encode(f.article.id, r.sentence, r.method, certainty=r.certainty) for f in (one, two)
                   for r in f.relations)
    assert len(every) > cap
    assert kept[0] == kept[1] == every[:cap]


# -- a list entry is one source ---------------------------------------------------------------------
SDN = (f'97201,"GREY HERON","vessel","RUSSIA-EO14024","-0- ","-0- ","Crude Oil Tanker","-0- ","-0- ","Palau",'
       f'"-0- ","Vessel Registration Identification IMO {IMO}."\n')


def test_a_list_entry_and_an_article_give_one_graph_in_either_order(store, backend, tmp_path):
    from ingest.lists.importer import import_sanctions

    (tmp_path / "first.txt").write_text(FIRST, "utf-8")
    (tmp_path / "sdn.csv").write_text(SDN, "utf-8")
    graphs = []
    for list_first in (False, True):
        clear(backend, store)
        steps = [lambda: ingest_paths(store, [tmp_path / "first.txt"]), lambda: import_sanctions(store, tmp_path / "sdn.csv")]
        for step in (reversed(steps) if list_first else steps):
            step()
        graphs.append(snapshot(store))
        [flag] = store.run("MATCH (v:Vessel {id: $id}) RETURN v.flag AS f", {"id": f"imo:{IMO}"}).values()
        assert flag == "Palau"  # one source each: the smaller
    assert graphs[0] == graphs[1], diff(graphs[0], graphs[1])
    remove_article(store, str(tmp_path / "first.txt"))
    [row] = store.run("MATCH (v:Vessel {id: $id}) RETURN v.flag AS f, v.prop_sources AS p", {"id": f"imo:{IMO}"}).rows
    assert row["f"] == "Palau" and {sources.parse(x)[1] for x in row["p"]} == {"us-ofac-sdn:97201"}

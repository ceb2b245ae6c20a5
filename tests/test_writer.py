"""graph/writer.py and graph/names.py: articles and their facts in domain terms, on every backend.

Facts are built by hand (no spaCy): the writer's contract is what a given ArticleFacts becomes in
the store, and what a replace takes out again.
"""

from __future__ import annotations

import dataclasses
import re

import pytest
import yaml

from graph import evidence as ev
from graph import names
from graph.errors import OntologyError
from graph.ontology import load
from graph.writer import ArticleFacts, ArticleRecord, EntityFacts, RelationFacts, Sighting, Writer, statements

SHIP = EntityFacts("imo:1234567", "Vessel", "Sea Example", ("Sea Example", "Sea Exampel"), ("sea example",),
                   {"imo": "1234567", "flag": "Examplia"}, mentions=2)
PORT = EntityFacts("port:exampleton", "Port", "Exampleton", ("Exampleton",), ("exampleton",), mentions=1)
OWNER = EntityFacts("company:example-holdings", "Company", "Example Holdings", ("Example Holdings",),
                    ("example holdings",), mentions=1)


def _article(aid: str, *entities: EntityFacts, relations: tuple[RelationFacts, ...] = (), text: str = "t") -> ArticleFacts:
    return ArticleFacts(ArticleRecord(aid, title=f"title {aid}", path=f"{aid}.txt", text=text, name_keys=("sea example",)),
                        entities, relations)


def _owned(sentence: str = "Sea Example is owned by Example Holdings.", method: str = "rule") -> RelationFacts:
    return RelationFacts("OWNED_BY", SHIP.id, OWNER.id, sentence, method)


def _edges(store) -> dict[str, dict]:
    res = store.run("MATCH (a)-[r]->(b) WHERE type(r) <> 'MENTIONS' "
                    "RETURN type(r) AS t, a.id AS a, b.id AS b, r.key AS key, r.articles AS arts, r.evidence AS evs, "
                    "r.methods AS methods, r.date AS date, r.activity AS activity")
    return {f"{r['t']} {r['a']} {r['b']} {r['key']}": r for r in res}


def test_an_article_becomes_nodes_mentions_and_merged_edges(store):
    calls = (RelationFacts("CALLED_AT", SHIP.id, PORT.id, "Sea Example docked at Exampleton on 3 May.", key="2024-05-03",
                           date="2024-05-03", properties={"date": "2024-05-03", "activity": "docked"}),
             RelationFacts("CALLED_AT", SHIP.id, PORT.id, "It left Exampleton later.", method="model", key="2024-05-03",
                           date="2024-05-03", properties={"activity": "departed"}))
    facts = _article("a1", SHIP, PORT, OWNER, relations=(*calls, _owned(), _owned(), _owned(method="model")))
    w = Writer(store)
    w.add_article(facts)

    art = store.run("MATCH (a:Article) RETURN a.id AS id, a.complete AS c, a.name_keys AS k, a.title AS t").rows
    assert art == [{"id": "a1", "c": True, "k": ["sea example"], "t": "title a1"}]
    ship = store.run("MATCH (n:Vessel) RETURN n.id AS id, n.imo AS imo, n.flag AS flag, n.aliases AS al, n.source AS s").rows
    assert ship == [{"id": SHIP.id, "imo": "1234567", "flag": "Examplia", "al": ["Sea Exampel", "Sea Example"],
                     "s": "article"}]
    counts = store.run("MATCH (:Article)-[m:MENTIONS]->(n) RETURN n.id AS id, m.count AS c ORDER BY id").rows
    assert counts == [{"id": OWNER.id, "c": 1}, {"id": SHIP.id, "c": 2}, {"id": PORT.id, "c": 1}]

    edges = _edges(store)
    assert sorted(edges) == [f"CALLED_AT {SHIP.id} {PORT.id} 2024-05-03", f"OWNED_BY {SHIP.id} {OWNER.id} "]
    call = edges[f"CALLED_AT {SHIP.id} {PORT.id} 2024-05-03"]
    assert call["activity"] == "docked"  # the first value of a property wins
    assert call["methods"] == ["model", "rule"] and len(call["evs"]) == 2  # stored sorted
    owned = edges[f"OWNED_BY {SHIP.id} {OWNER.id} "]
    # one evidence item per distinct (sentence, method), the article once
    assert owned["arts"] == ["a1"] and len(owned["evs"]) == 2
    assert {ev.decode(x)["method"] for x in owned["evs"]} == {"rule", "model"}

    assert w.complete_articles(["a1", "nope"]) == {"a1"} == w.stored_articles(["a1", "nope"])
    assert w.entity_count() == 3
    assert w.relationship_count() == 5  # 3 MENTIONS, 1 CALLED_AT, 1 OWNED_BY
    assert w.mentioned("a1") == sorted([SHIP.id, PORT.id, OWNER.id])


def test_replace_takes_out_only_the_articles_share(store):
    w = Writer(store)
    dark = (Sighting("Sea Example went dark.", date="2024-01-02", cue="went dark"),)
    ship = EntityFacts(SHIP.id, "Vessel", SHIP.name, SHIP.aliases, SHIP.keys, SHIP.properties, 1, dark)
    w.add_article(_article("a1", ship, PORT, OWNER, relations=(
        _owned(), RelationFacts("CALLED_AT", SHIP.id, PORT.id, "Sea Example called at Exampleton.", key=""))))
    w.add_article(_article("a2", ship, OWNER, relations=(_owned("Example Holdings owns Sea Example."),)))
    assert sorted(_edges(store)[f"OWNED_BY {SHIP.id} {OWNER.id} "]["arts"]) == ["a1", "a2"]

    # a1 again, now stating nothing: its port call, its port and its AIS-dark item go, a2's stay
    w.add_article(_article("a1", SHIP), replace=True)
    edges = _edges(store)
    assert sorted(edges) == [f"OWNED_BY {SHIP.id} {OWNER.id} "]
    owned = edges[f"OWNED_BY {SHIP.id} {OWNER.id} "]
    assert owned["arts"] == ["a2"] and [ev.decode(x)["article"] for x in owned["evs"]] == ["a2"]
    ids = store.run("MATCH (n:Entity) RETURN n.id AS id ORDER BY id").values()
    assert ids == [OWNER.id, SHIP.id]  # the port only a1 named is gone; the owner a2 names stays
    dark_items = store.run("MATCH (n:Vessel) RETURN n.ais_dark AS d").rows[0]["d"]
    assert [ev.decode(x)["article"] for x in dark_items] == ["a2"]
    assert w.mentioned("a1") == [SHIP.id]


def test_a_rewritten_article_has_the_name_keys_of_its_new_text_only(store):
    # name_keys are set, not merged like other list properties: keys the old text had go
    w = Writer(store)
    w.add_article(_article("a1", SHIP))
    first = store.run("MATCH (a:Article) RETURN a.name_keys AS k").rows
    again = _article("a1", SHIP)
    w.add_article(dataclasses.replace(again, article=dataclasses.replace(again.article, name_keys=("exampleton", "new"))),
                  replace=True)
    second = store.run("MATCH (a:Article) RETURN a.name_keys AS k, a.complete AS c").rows
    assert first == [{"k": ["sea example"]}] and second == [{"k": ["exampleton", "new"], "c": True}]


def test_replace_keeps_a_listed_entity_the_article_alone_named(store):
    w = Writer(store)
    w.add_article(_article("a1", SHIP, OWNER, relations=(_owned(),)))
    store.run("MATCH (n:Entity {id: $id}) SET n.listed = true", {"id": OWNER.id}, write=True)
    w.add_article(_article("a1", SHIP), replace=True)
    assert store.run("MATCH (n:Entity) RETURN n.id AS id ORDER BY id").values() == [OWNER.id, SHIP.id]
    assert _edges(store) == {}


def test_the_name_index_and_the_resolvers_keys(store):
    w = Writer(store)
    person = EntityFacts("person:jo-example", "Person", "Jo Example", ("Jo Example",), ("jo example",), mentions=1)
    plain = EntityFacts("vessel:plain", "Vessel", "Plain Boat", ("Plain Boat",), ("plain boat",), mentions=1)
    w.add_article(_article("a1", plain, SHIP, PORT, OWNER, person))
    index = names.name_index(store, ("Vessel", "Company"), ("Person", "Organization", "Agency"), cap=10)
    # the vessel with an IMO number first, then by id; ports and unlisted people left out
    assert [(n.id, n.label, n.imo) for n in index] == [
        (SHIP.id, "Vessel", "1234567"), (OWNER.id, "Company", None), ("vessel:plain", "Vessel", None)]
    assert index[0].aliases == ("Sea Exampel", "Sea Example") and index[0].name == "Sea Example"
    store.run("MATCH (n:Entity {id: $id}) SET n.listed = true", {"id": person.id}, write=True)
    listed = names.name_index(store, ("Vessel",), ("Person",), cap=2)
    assert [(n.id, n.listed) for n in listed] == [(SHIP.id, None), (person.id, True)]

    keys = {k.id: k for k in names.resolution_index(store)}
    assert keys[SHIP.id] == names.NodeKeys(SHIP.id, "Vessel", ("sea example",), "1234567")
    assert keys[PORT.id] == names.NodeKeys(PORT.id, "Port", ("exampleton",), None)
    store.run("MATCH (n:Entity {id: $id}) SET n.source = 'list:example'", {"id": person.id}, write=True)
    assert names.ids_sourced_from(store, "list:") == {person.id}


def test_articles_that_may_mention_a_name_they_do_not_link(store):
    class Name:
        def __init__(self, key, id, name, local):
            self.key, self.id, self.name, self.local = key, id, name, local

    w = Writer(store)
    w.add_article(_article("a1", SHIP, text="Sea Example again."))
    w.add_article(_article("a2", PORT, text="Sea Example at Exampleton."))
    # a3 gave the ship's number to another name: "Sea Example" there may be typed wrongly.
    other = dataclasses.replace(SHIP, name="Tide Example", aliases=("Tide Example",), keys=("tide example",))
    w.add_article(_article("a3", other, text="Tide Example (IMO 1234567) and Sea Example."))
    found = names.unmentioned(store, [Name("sea example", SHIP.id, "Sea Example", "sea example")])
    # a1 mentions the ship under that name already
    assert sorted(found, key=lambda c: c.article_id) == [names.Candidate("a2", ("Sea Example",)),
                                                         names.Candidate("a3", ("Sea Example",))]
    texts = names.stored_texts(store, ["a2", "missing"])
    assert texts == [names.StoredArticle("a2", "Sea Example at Exampleton.", "title a2", None, None, None, "a2.txt")]


def test_the_writer_needs_its_names_in_the_ontology(tmp_path):
    from graph.ontology import _packaged
    from graph.writer import _statements

    raw = yaml.safe_load(open(_packaged(), encoding="utf-8"))
    del raw["relationships"]["MATCH_CANDIDATE"]
    copy = tmp_path / "ontology.yaml"
    copy.write_text(yaml.safe_dump(raw, sort_keys=False), "utf-8")
    with pytest.raises(OntologyError, match="MATCH_CANDIDATE"):
        _statements(load(copy))


def test_statements_name_only_what_the_ontology_declares():
    onto = load()
    declared = {*onto.labels, onto.entity_label, *onto.relationships}
    texts = statements(onto) + names.statements(onto)
    used = {m for t in texts for m in re.findall(r"[(\[]\w*:(\w+)", t)}
    assert used and used <= declared, used - declared
    assert any(":Vessel" in t and "ais_dark" in t for t in texts)


def test_settle_sets_back_only_the_scalars_later_writes_changed(store):
    call = RelationFacts("CALLED_AT", SHIP.id, PORT.id, "Sea Example docked at Exampleton.", key="2024-05-03",
                         properties={"activity": "docked"})
    first = _article("a1", SHIP, PORT, OWNER, relations=(call, _owned()))
    w = store.writer()
    w.add_article(first)
    # A later article names the ship otherwise (the last writer's name wins), and gives it another
    # flag and the call another activity (single values: the most sources win, then the smallest).
    later_ship = EntityFacts(SHIP.id, "Vessel", "Sea Exampel", ("Sea Exampel",), ("sea exampel",),
                             {"imo": "1234567", "flag": "Otherland"}, mentions=1)
    later_call = RelationFacts("CALLED_AT", SHIP.id, PORT.id, "It left Exampleton.", key="2024-05-03",
                               properties={"activity": "departed"})
    w.add_article(_article("a2", later_ship, PORT, relations=(later_call,)))
    ship = "MATCH (n:Vessel) RETURN n.name AS name, n.flag AS flag"
    assert store.run(ship).rows == [{"name": "Sea Exampel", "flag": "Examplia"}]
    before = _edges(store)
    assert w.settle(first) is True
    after = _edges(store)
    # as add_article(first, replace=True) would leave them: its name back, the single values as they were
    assert store.run(ship).rows == [{"name": "Sea Example", "flag": "Examplia"}]
    key = f"CALLED_AT {SHIP.id} {PORT.id} 2024-05-03"
    assert after[key]["activity"] == before[key]["activity"] == "departed"
    assert after[key]["evs"] == before[key]["evs"] and after[key]["arts"] == before[key]["arts"]  # lists untouched
    # A fact whose edge is gone cannot be settled: nothing is written, the caller rewrites in full.
    store.run("MATCH ()-[r:OWNED_BY]->() DELETE r", write=True)
    store.run("MATCH (n:Vessel) SET n.name = 'Thirdname'", write=True)
    assert w.settle(first) is False
    assert store.run("MATCH (n:Vessel) RETURN n.name AS f").rows[0]["f"] == "Thirdname"


def test_settle_many_ends_as_settling_one_after_the_other(store):
    """One read and one write for several articles: each article's values count in order, so a
    later article's value that the graph already holds still wins over an earlier one's. Single
    values (the flag, the activity) follow their sources, not the order: settling leaves them."""
    def ship(name, flag):
        return EntityFacts(SHIP.id, "Vessel", name, (name,), (name.lower(),), {"imo": "1234567", "flag": flag},
                           mentions=1)

    def call(activity, aid):
        return RelationFacts("CALLED_AT", SHIP.id, PORT.id, f"Sea Example at Exampleton ({aid}).", key="2024-05-03",
                             properties={"activity": activity})

    a1 = _article("a1", ship("Sea Example", "Examplia"), PORT, relations=(call("docked", "a1"),))
    a2 = _article("a2", ship("Sea Exampel", "Thirdland"), PORT, relations=(call("departed", "a2"),))
    a3 = _article("a3", ship("Sea Exampel", "Thirdland"), PORT, relations=(call("departed", "a3"),))
    gone = _article("a0", ship("Sea Example", None), OWNER, relations=(_owned(),))
    w = store.writer()
    for facts in (gone, a1, a2, a3):
        w.add_article(facts)
    key = f"CALLED_AT {SHIP.id} {PORT.id} 2024-05-03"

    def values():
        row = store.run("MATCH (n:Vessel) RETURN n.name AS n, n.flag AS f").rows[0]
        return row["n"], row["f"], _edges(store)[key]["activity"]

    # Thirdland: a2 and a3 against a1 (Examplia); departed: a2 and a3 against a1.
    assert values() == ("Sea Exampel", "Thirdland", "departed")
    # a1 alone sets its name back.
    assert w.settle_many([a1]) == 1
    assert values() == ("Sea Example", "Thirdland", "departed")
    # a1 then a2: a2's name is the last, as settle(a1); settle(a2) leaves it, though a2
    # alone would find nothing to change before a1's was set.
    store.run("MATCH (n:Vessel) SET n.name = 'Sea Exampel'", write=True)
    assert w.settle_many([a1, a2]) == 2
    assert values() == ("Sea Exampel", "Thirdland", "departed")
    # An article whose edge is gone stops the batch there: those before it are settled, it and
    # those after it are not.
    store.run("MATCH ()-[r:OWNED_BY]->() DELETE r", write=True)
    assert w.settle_many([a1, gone, a2]) == 1
    assert values() == ("Sea Example", "Thirdland", "departed")


def test_a_shown_name_is_derived_from_all_its_articles_names_in_any_order(store):
    """A person or body articles name shows the longest of the names its articles give it, then
    the one most articles give, then the smallest text: the same in any order of writes, derived
    again when an article is withdrawn or re-extracted."""
    def person(name):
        return EntityFacts("person:ilvo-brand", "Person", name, (name,), (name.lower(),), mentions=1)

    def body(name):
        return EntityFacts("agency:example-board", "Agency", name, (name,), (name.lower(),), mentions=1)

    arts = [_article("p1", person("Brand"), body("E.B. Example Board")), _article("p2", person("Ilvo Brand"), body("EB Example Board")),
            _article("p3", person("Brand"), body("EB Example Board")), _article("p4", person("Ilva Brand"))]
    shown = "MATCH (n:Entity) WHERE n:Person OR n:Agency RETURN n.id AS id, n.name AS name ORDER BY id"
    seen = []
    for order in (arts, arts[::-1], [arts[1], arts[3], arts[0], arts[2]]):
        store.run("MATCH (n) DETACH DELETE n", write=True)
        w = store.writer()
        for a in order:
            w.add_article(a)
        seen.append(store.run(shown).rows)
    # "Ilva Brand" and "Ilvo Brand" are as long and one article each: the smaller text; the two
    # spellings of the board are as long too, and two articles give "EB ...".
    assert seen[0] == seen[1] == seen[2] == [{"id": "agency:example-board", "name": "E.B. Example Board"},
                                             {"id": "person:ilvo-brand", "name": "Ilva Brand"}]
    w.remove_articles(["p4", "p1"])
    assert store.run(shown).rows == [{"id": "agency:example-board", "name": "EB Example Board"},
                                     {"id": "person:ilvo-brand", "name": "Ilvo Brand"}]
    # A re-extraction of p2 that names the person by surname alone: the longest left is p3's.
    w.add_article(_article("p2", person("Brand"), body("EB Example Board")), replace=True)
    assert store.run(shown).rows[1] == {"id": "person:ilvo-brand", "name": "Brand"}

"""graph/listings.py on every backend: list entries, matchable entities, candidate links, merge and
review, in domain terms. Names below are invented."""

from __future__ import annotations

import re

import pytest
import yaml

from graph import evidence
from graph import ontology as ontology_module
from graph.errors import LookupFailed, OntologyError
from graph.listings import CandidateEnds, CandidateLink, Listings, MatchRecord, StoredNode, statements

ARTICLE = "b" * 64
AGENCY = "agency:ministry-of-examples"


def seed(store) -> None:
    """Two extracted entities, two listed ones, a port and an article."""
    store.upsert_nodes("Article", [{"id": ARTICLE, "title": "Ships and firms"}])
    store.upsert_nodes("Vessel", [
        {"id": "imo:9074729", "name": "Norvik Star", "imo": "9074729", "source": "article", "aliases": ["Norvik Star"]},
        {"id": "imo:9179842", "name": "NORVIK STAR II", "imo": "9179842", "source": "list:test", "listed": True,
         "aliases": ["NORVIK STAR II", "NORVIK 2"], "list_ids": ["test:2"]},
    ])
    store.upsert_nodes("Company", [
        {"id": "company:bellmar-trading", "name": "Bellmar Trading", "source": "article",
         "aliases": ["Bellmar Trading"], "keys": ["bellmar trading"]},
        {"id": "test:1", "name": "BELLMAR TRADING LLC", "source": "list:test", "listed": True, "legal_form": "LLC",
         "aliases": ["BELLMAR TRADING LLC", "OOO BELLMAR"], "keys": ["bellmar trading"], "list_ids": ["test:1"]},
    ])
    store.upsert_nodes("Agency", [{"id": AGENCY, "name": "Ministry of Examples", "source": "article"}])
    store.upsert_nodes("Port", [{"id": "port:exampleton", "name": "Exampleton", "source": "article"}])
    store.upsert_nodes("Person", [{"id": "person:nameless", "source": "article"}])  # no name: never matched
    store.upsert_relationships("MENTIONS", [{"start": ARTICLE, "end": e} for e in ("company:bellmar-trading", AGENCY)])
    store.upsert_relationships("SANCTIONED_BY", [{
        "start": "test:1", "end": AGENCY, "key": "test:PROG", "program": "PROG", "methods": ["list"],
        "evidence": [evidence.encode("", "test:1", "list", entry="test:1")],
    }])
    store.upsert_relationships("OWNED_BY", [{"start": "imo:9179842", "end": "test:1", "methods": ["list"]}])


def node(store, node_id: str) -> StoredNode | None:
    return Listings(store).nodes([node_id]).get(node_id)


def test_nodes_give_the_own_label_and_properties_and_leave_out_unknown_ids(store):
    seed(store)
    found = Listings(store).nodes(["test:1", "port:exampleton", "nothing:here"])
    assert set(found) == {"test:1", "port:exampleton"}
    assert found["test:1"].label == "Company" and found["port:exampleton"].label == "Port"
    assert found["test:1"].props["list_ids"] == ["test:1"] and found["test:1"].props["legal_form"] == "LLC"


def test_holders_find_the_node_naming_a_list_entry_across_chunks(store):
    seed(store)
    store.upsert_nodes("Company", [{"id": "a:first", "name": "Other", "list_ids": ["test:1"]}])
    listings = Listings(store)
    expected = {"test:1": "a:first", "test:2": "imo:9179842"}  # two holders: the first by id
    assert listings.holders(["test:1", "test:2", "test:none"]) == expected
    assert listings.holders(["test:2", "test:none", "test:1"], chunk=1) == expected
    assert listings.holders([]) == {}


def test_by_identifier_finds_vessels_by_imo_and_refuses_a_non_identifier(store):
    seed(store)
    store.upsert_nodes("Vessel", [{"id": "vessel:norvik-star", "name": "Norvik Star", "imo": "9074729"}])
    listings = Listings(store)
    assert listings.by_identifier("Vessel", "imo", ["9074729", "9179842", "1234567"]) == {
        "9074729": ["imo:9074729", "vessel:norvik-star"], "9179842": ["imo:9179842"]}
    with pytest.raises(OntologyError, match="'flag' is not an identifier of Vessel"):
        listings.by_identifier("Vessel", "flag", ["Panama"])
    with pytest.raises(OntologyError, match="Unknown label 'Ship'"):
        listings.by_identifier("Ship", "imo", ["9074729"])


def test_add_writes_entries_and_edges_in_one_commit(store):
    seed(store)
    listings = Listings(store)
    listings.add(nodes=[("Company", [{"id": "test:3", "name": "Ostrova Marine", "list_ids": ["test:3"]}])],
                 relationships=[("SANCTIONED_BY", [{"start": "test:3", "end": AGENCY, "program": "PROG"}])])
    assert node(store, "test:3").props["name"] == "Ostrova Marine"
    with pytest.raises(OntologyError):  # a bad edge row: the node of the same call is not written either
        listings.add(nodes=[("Company", [{"id": "test:4", "name": "Quillon Ltd"}])],
                     relationships=[("SANCTIONED_BY", [{"start": "test:4", "end": AGENCY, "colour": "red"}])])
    assert node(store, "test:4") is None


@pytest.mark.parametrize("page", [1, 2, 5000])
def test_matchable_pages_by_id_through_the_match_labels_only(store, page):
    seed(store)
    listings = Listings(store)
    assert list(listings.matchable(listed=True, page=page)) == [
        MatchRecord("imo:9179842", "Vessel", ("NORVIK STAR II", "NORVIK 2", "NORVIK STAR II"), "9179842",
                    ("test:2",), True),
        MatchRecord("test:1", "Company", ("BELLMAR TRADING LLC", "BELLMAR TRADING LLC", "OOO BELLMAR"), None,
                    ("test:1",), True),
    ]
    # Ports are not matched (no match_group), nor entities without a name.
    assert [r.id for r in listings.matchable(listed=False, page=page)] == [
        AGENCY, "company:bellmar-trading", "imo:9074729"]


def test_candidate_links_are_stored_pending_refreshed_and_rejected(store):
    seed(store)
    listings = Listings(store)
    link = CandidateLink("imo:9074729", "imo:9179842", "mtest1", 0.9, "name 'norvik star' ~ 'norvik star ii'")
    assert listings.add_candidates([link]) == 1
    [row] = listings.candidates()
    assert (row.candidate_id, row.score, row.status, row.extracted_label, row.listed_name, row.list_ids) == (
        "mtest1", 0.9, "pending", "Vessel", "NORVIK STAR II", ["test:2"])
    assert listings.find("mtest1") == CandidateEnds("imo:9074729", "imo:9179842", "pending")
    assert listings.find("mnone") is None
    assert listings.reject("mtest1") is True and listings.reject("mnone") is False
    assert listings.rejected() == {"mtest1"}
    assert listings.candidates() == []
    # storing the same pair again refreshes score and reason, not the reviewer's status
    listings.add_candidates([CandidateLink("imo:9074729", "imo:9179842", "mtest1", 0.87, "again")])
    [row] = listings.candidates(None)
    assert (row.status, row.score, row.reason) == ("rejected", 0.87, "again")


def test_candidates_come_best_score_first(store):
    seed(store)
    listings = Listings(store)
    listings.add_candidates([
        CandidateLink("imo:9074729", "imo:9179842", "mb", 0.86, "x"),
        CandidateLink("company:bellmar-trading", "test:1", "ma", 0.95, "y"),
    ], page=1)
    assert [r.candidate_id for r in listings.candidates()] == ["ma", "mb"]


def test_merge_moves_the_listed_facts_onto_the_extracted_node_and_deletes_the_other(store):
    seed(store)
    listings = Listings(store)
    listings.add_candidates([CandidateLink("company:bellmar-trading", "test:1", "mc", 0.95, "y")])
    assert listings.merge("company:bellmar-trading", "test:1") == "company:bellmar-trading"
    assert node(store, "test:1") is None
    kept = node(store, "company:bellmar-trading").props
    assert (kept["name"], kept["source"], kept["listed"], kept["legal_form"]) == (
        "Bellmar Trading", "article", True, "LLC")
    assert set(kept["aliases"]) == {"Bellmar Trading", "BELLMAR TRADING LLC", "OOO BELLMAR"}
    assert kept["list_ids"] == ["test:1"]
    rels = store.run(
        "MATCH (a:Entity)-[r]->(b:Entity) RETURN a.id AS a, type(r) AS t, b.id AS b, r.program AS program ORDER BY a, t"
    ).rows
    assert [(r["a"], r["t"], r["b"], r["program"]) for r in rels] == [
        ("company:bellmar-trading", "SANCTIONED_BY", AGENCY, "PROG"),  # moved; the candidate link is gone
        ("imo:9179842", "OWNED_BY", "company:bellmar-trading", None),
    ]
    assert listings.candidates(None) == []


def test_merge_keeps_a_listed_node_that_came_from_articles(store):
    seed(store)
    # The listed vessel's node is an extracted one (an earlier merge): it stays, the other goes.
    store.upsert_nodes("Vessel", [{"id": "imo:9179842", "source": "article"}])
    assert Listings(store).merge("imo:9074729", "imo:9179842") == "imo:9179842"
    assert node(store, "imo:9074729") is None
    assert "Norvik Star" in node(store, "imo:9179842").props["aliases"]


def test_merge_and_accept_of_what_is_not_there(store):
    seed(store)
    listings = Listings(store)
    with pytest.raises(LookupFailed, match="Cannot merge: no entity with id 'test:9'"):
        listings.merge("company:bellmar-trading", "test:9")
    assert listings.accept("mnone") is None
    listings.add_candidates([CandidateLink("company:bellmar-trading", "test:1", "md", 0.95, "y")])
    assert listings.accept("md") == "company:bellmar-trading" and node(store, "test:1") is None


# -- the statement texts ---------------------------------------------------------------------------


def test_statements_name_only_declared_properties():
    onto = ontology_module.load()
    entity_props = {p for name in onto.entity_labels for p in onto.label(name).properties}
    rel_props = set(onto.rel_type("MATCH_CANDIDATE").properties)
    for name, text in statements(onto).items():
        for var, prop in re.findall(r"\b([nabd]|r)\.(\w+)", text):
            declared = rel_props if var == "r" else entity_props
            assert prop in declared, f"{name}: {var}.{prop} is not declared in graph/ontology.yaml"


def test_statements_are_built_from_the_ontology_in_use(tmp_path):
    raw = yaml.safe_load(ontology_module.path().read_text("utf-8"))
    raw["entity_label"] = "Thing"
    for rel in raw["relationships"].values():
        rel["from"] = ["Thing" if x == "Entity" else x for x in rel["from"]]
        rel["to"] = ["Thing" if x == "Entity" else x for x in rel["to"]]
    copy = tmp_path / "ontology.yaml"
    copy.write_text(yaml.safe_dump(raw), "utf-8")
    texts = statements(ontology_module.load(copy))
    assert all(":Entity" not in t for t in texts.values())
    # every statement that matches entity nodes by label does so by the copy's entity label
    assert [name for name, t in texts.items() if ":Thing" not in t] == [
        "rejected", "by_keys[Agency]", "by_keys[Person]", "by_identifier[Vessel]"]
    assert "(n:Vessel {imo: v})" in texts["by_identifier[Vessel]"]


def test_statements_parse_on_neo4j():
    import bootstrap
    from test_cypher_lint import errors_of, lint

    bootstrap.ensure_node_packages(print)  # as a run selecting tests/test_cypher_lint.py does
    texts = statements(ontology_module.load())
    results = lint([{"name": name, "query": text} for name, text in texts.items()])
    failures = {name: errors_of(r) for name, r in zip(texts, results, strict=True) if errors_of(r)}
    assert not failures

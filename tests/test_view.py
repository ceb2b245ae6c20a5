"""graph/view.py: the typed read view, on every backend (tests/stores.py), over a small invented
graph: two ships run by one company, owned by a holding, one ship sanctioned by a country."""

from __future__ import annotations

import pytest

from graph.errors import ConfigError, OntologyError
from graph.evidence import encode
from graph.ontology import load as load_ontology
from graph.view import (
    Article,
    Entity,
    Ref,
    View,
    exposure_query,
    is_node,
    is_relationship,
    node_label,
)

A1, A2 = "art:one", "art:two"
S_RUN = "The Sea Example is run by Examplecorp."
S_CALL = "The Sea Example called at Portexample on 2024-03-01."


@pytest.fixture
def view(store):
    store.upsert_nodes("Article", [
        {"id": A1, "title": "Ships of Examplecorp", "source": "Example News", "published": "2024-03-05",
         "url": "https://example.org/1"},
        {"id": A2, "title": "A second look", "source": "Example Weekly", "published": "2024-04-01"},
    ])
    store.upsert_nodes("Vessel", [
        {"id": "imo:1234567", "name": "Sea Example", "aliases": ["Sea Example", "Example One"],
         "keys": ["sea example"], "imo": "1234567", "flag": "Exampleland"},
        {"id": "vessel:other", "name": "Other Example", "aliases": ["Other Example"], "keys": ["other example"]},
    ])
    store.upsert_nodes("Company", [
        {"id": "company:examplecorp", "name": "Examplecorp", "keys": ["examplecorp"]},
        {"id": "company:holding", "name": "Example Holding", "keys": ["example holding"]},
    ])
    store.upsert_nodes("Port", [{"id": "port:p", "name": "Portexample"}])
    store.upsert_nodes("Country", [{"id": "country:x", "name": "Exampleland"}])
    run = [encode(A1, S_RUN, "rule")]
    store.upsert_relationships("OPERATED_BY", [
        {"start": "imo:1234567", "end": "company:examplecorp", "evidence": run},
        {"start": "vessel:other", "end": "company:examplecorp", "evidence": run},
    ])
    store.upsert_relationships("OWNED_BY", [{"start": "company:examplecorp", "end": "company:holding"}])
    store.upsert_relationships("SANCTIONED_BY", [
        {"start": "vessel:other", "end": "country:x", "year": 2024,
         "evidence": [encode("", "", "list", entry="xx-list:42")]},
    ])
    store.upsert_relationships("CALLED_AT", [
        {"start": "imo:1234567", "end": "port:p", "key": "2024-03-01", "date": "2024-03-01",
         "evidence": [encode(A1, S_CALL, "rule")]},
        {"start": "imo:1234567", "end": "port:p", "key": "2024-03-20", "date": "2024-03-20",
         "evidence": [encode(A2, "It called again on 20 March.", "model")]},
    ])
    store.upsert_relationships("MENTIONS", [
        {"start": A1, "end": "imo:1234567"}, {"start": A2, "end": "imo:1234567"}, {"start": A1, "end": "vessel:other"},
    ])
    return View(store)


# -- entities ----------------------------------------------------------------------------------
def test_entity_by_id_has_its_label_aliases_and_every_property(view):
    ship = view.entity_by_id("imo:1234567")
    assert isinstance(ship, Entity)
    assert (ship.id, ship.label, ship.name) == ("imo:1234567", "Vessel", "Sea Example")
    assert ship.aliases == ("Example One", "Sea Example")  # stored sorted
    assert ship.properties["imo"] == "1234567" and ship.properties["flag"] == "Exampleland"
    assert view.entity_by_id("imo:7654321") is None
    assert view.entity_by_id("art:one") is None  # an article is no entity


def test_entities_by_lookup_keys_and_by_name_or_alias(view):
    assert [e.id for e in view.entities_by_keys(["examplecorp", "nothing"])] == ["company:examplecorp"]
    assert view.entities_by_keys(["nothing"]) == []
    assert [e.id for e in view.entities_named("EXAMPLE ONE")] == ["imo:1234567"]  # an alias, any case
    assert view.entities_named("example") == []


def test_names_and_count_cover_every_entity(view):
    named = {n.id: n for n in view.names()}
    assert len(named) == view.entity_count() == 6
    assert named["imo:1234567"].label == "Vessel" and "Vessel" in named["imo:1234567"].labels
    assert named["port:p"].aliases == ()


def test_nodes_finds_entities_and_articles(view):
    nodes = {n.id: n for n in view.nodes(["imo:1234567", A2, "nothing"])}
    assert set(nodes) == {"imo:1234567", A2}
    assert (nodes["imo:1234567"].label, nodes["imo:1234567"].name) == ("Vessel", "Sea Example")
    assert (nodes[A2].label, nodes[A2].name) == ("Article", "A second look")  # an article is called by its title


# -- relationships -----------------------------------------------------------------------------
def test_neighbours_by_type_and_direction_newest_first_capped_with_the_total(view):
    groups = {(g.type, g.outgoing): g for g in view.neighbours("imo:1234567", cap=1)}
    assert set(groups) == {("OPERATED_BY", True), ("CALLED_AT", True), ("MENTIONS", False)}
    calls = groups[("CALLED_AT", True)]
    assert calls.total == 2 and len(calls.items) == 1
    assert calls.items[0].properties["date"] == "2024-03-20"  # the newest
    assert calls.items[0].other == Ref("port:p", "Portexample", "Port")
    everything = {(g.type, g.outgoing): g for g in view.neighbours("imo:1234567", cap=10)}
    assert [i.properties["date"] for i in everything[("CALLED_AT", True)].items] == ["2024-03-20", "2024-03-01"]
    company = {(g.type, g.outgoing): g for g in view.neighbours("company:examplecorp", cap=10)}
    assert {i.other.id for i in company[("OPERATED_BY", False)].items} == {"imo:1234567", "vessel:other"}


def test_sanctioners_of_the_entities_that_have_one(view):
    assert view.sanctioners(["imo:1234567", "vessel:other"]) == {
        "vessel:other": [Ref("country:x", "Exampleland", "Country")]
    }


def test_ownership_chain_goes_upwards_by_depth(view):
    chain = view.ownership_chain("imo:1234567")
    assert [(c.depth, c.link.type, c.link.source.id, c.link.target.id) for c in chain] == [
        (0, "OPERATED_BY", "imo:1234567", "company:examplecorp"),
        (1, "OWNED_BY", "company:examplecorp", "company:holding"),
    ]
    assert view.ownership_chain("company:holding") == []


def test_exposure_finds_the_sanctioned_entity_with_its_path(view):
    near = view.exposure("imo:1234567", 2, limit=10)
    assert [(x.sanctioned, x.hops, x.by) for x in near] == [("vessel:other", 2, ("country:x",))]
    assert [n.id for n in near[0].nodes] == ["imo:1234567", "company:examplecorp", "vessel:other"]
    assert [(s.type, s.start) for s in near[0].steps] == [("OPERATED_BY", "imo:1234567"), ("OPERATED_BY", "vessel:other")]
    assert view.exposure("imo:1234567", 1, limit=10) == []


def test_the_types_followed_are_the_store_ontology_roles(view, tmp_path, monkeypatch):
    """A copy of the ontology in which operation carries no control and no exposure (its `roles`),
    and a port call does: the view follows that, with no other change."""
    import yaml

    from graph import ontology

    raw = yaml.safe_load(ontology.path().read_text("utf-8"))
    raw["relationships"]["OPERATED_BY"]["roles"] = []
    raw["relationships"]["CALLED_AT"]["roles"] = ["port_call", "exposure"]
    (tmp_path / "ontology.yaml").write_text(yaml.safe_dump(raw, sort_keys=False), "utf-8")
    monkeypatch.setattr(view.store, "ontology", ontology.load(tmp_path / "ontology.yaml"))
    view = View(view.store)
    assert view.ownership_chain("imo:1234567") == []
    assert [(c.link.type, c.link.source.id) for c in view.ownership_chain("company:examplecorp")] == [
        ("OWNED_BY", "company:examplecorp")]
    assert view.exposure("imo:1234567", 3, limit=10) == []  # the other ship called at no port
    view.store.upsert_relationships("CALLED_AT", [{"start": "vessel:other", "end": "port:p", "key": "k"}])
    [near] = view.exposure("imo:1234567", 3, limit=10)
    assert [n.id for n in near.nodes] == ["imo:1234567", "port:p", "vessel:other"]


@pytest.mark.parametrize("hops", [0, 7, "2", 2.0, True, None])
def test_exposure_hops_must_be_a_whole_number_in_range(view, hops):
    with pytest.raises(ConfigError, match="hops must be a whole number from 1 to 6"):
        view.exposure("imo:1234567", hops, limit=10)
    with pytest.raises(ConfigError):
        exposure_query(load_ontology(), hops, 10)


def test_edge_joins_the_evidence_of_parallel_relationships_with_their_articles(view):
    edge = view.edge("imo:1234567", "CALLED_AT", "port:p")
    assert (edge.start.label, edge.start.name, edge.end.name) == ("Vessel", "Sea Example", "Portexample")
    assert "evidence" not in edge.properties
    assert sorted((e["sentence"], e["title"]) for e in edge.evidence) == [
        ("It called again on 20 March.", "A second look"), (S_CALL, "Ships of Examplecorp")]
    one = view.edge("imo:1234567", "CALLED_AT", "port:p", "2024-03-01")
    assert [e["sentence"] for e in one.evidence] == [S_CALL]
    assert view.edge("imo:1234567", "CALLED_AT", "port:p", "1999-01-01") is None
    with pytest.raises(OntologyError, match="Unknown relationship type"):
        view.edge("imo:1234567", "SAILED_TO", "port:p")


# -- evidence ----------------------------------------------------------------------------------
def test_evidence_items_carry_their_article_the_list_entry_and_a_citation(view):
    items = view.evidence([encode(A1, S_RUN, "rule"), encode("", "", "list", entry="xx-list:42"),
                           encode("art:gone", "A sentence.", "rule")])
    article, listed, missing = items
    assert article["title"] == "Ships of Examplecorp" and article["url"] == "https://example.org/1"
    assert article["cite"] == "Ships of Examplecorp (Example News, 2024-03-05)"
    assert (listed["list_name"], listed["list_entry"]) == ("xx-list", "42") and "entry" not in listed
    assert listed["cite"] == "sanctions list xx-list, entry 42"
    assert missing["title"] is None and missing["cite"] == "art:gone"
    assert view.evidence(None) == []


def test_an_evidence_join_fetches_its_articles_once_for_everything_added(view, monkeypatch):
    sent: list[str] = []
    run = view.store.run

    def counting(query, *args, **kwargs):  # the real store answers; only the statements are counted
        sent.append(query)
        return run(query, *args, **kwargs)

    monkeypatch.setattr(view.store, "run", counting)
    join = view.evidence_join()
    first = join.add([encode(A1, S_RUN, "rule")])
    second = join.add([encode(A2, "Again.", "model")])
    assert "title" not in first[0]  # filled in at fetch
    found = join.fetch(["art:one"])
    assert len(sent) == 1
    assert set(found) == {A1, A2} and isinstance(found[A2], Article) and found[A2].url is None
    assert (first[0]["title"], second[0]["title"]) == ("Ships of Examplecorp", "A second look")
    assert view.articles([]) == {} and len(sent) == 1  # nothing asked, no round trip


# -- listings and counts -------------------------------------------------------------------------
def test_listing_by_label_sanctioned_and_limited(view):
    ships = view.listing("Vessel")
    assert [(x.name, x.mentions, x.sanctioned_by) for x in ships] == [
        ("Other Example", 1, ("Exampleland",)), ("Sea Example", 2, ())]
    assert [x.id for x in view.listing(sanctioned=True)] == ["vessel:other"]
    assert [x.name for x in view.listing(limit=2)] == ["Example Holding", "Examplecorp"]
    with pytest.raises(OntologyError, match="Unknown label 'Ship'"):
        view.listing("Ship")  # an undeclared label never reaches a query


def test_stats_count_labels_types_sanctioned_and_dark(view):
    got = view.stats()
    assert got.nodes["Vessel"] == 2 and got.nodes["Article"] == 2
    assert got.relationships["CALLED_AT"] == 2 and got.relationships["MENTIONS"] == 3
    assert (got.sanctioned, got.went_dark) == (1, 0)


# -- result values -------------------------------------------------------------------------------
def test_nodes_and_relationships_in_results_are_recognised_by_one_rule(view):
    row = view.store.run(
        "MATCH (v:Vessel {id: $id})-[r:OPERATED_BY]->(c) RETURN v, r, c.name AS name, "
        "{id: v.id, labels: labels(v), properties: properties(v), extra: 1} AS lookalike",
        {"id": "imo:1234567"},
    ).rows[0]
    assert is_node(row["v"]) and not is_relationship(row["v"])
    assert is_relationship(row["r"]) and not is_node(row["r"])
    assert not is_node(row["name"]) and not is_node(row["lookalike"])
    assert not is_node({"id": "x", "labels": []}) and not is_relationship([])


@pytest.mark.parametrize(
    "labels, expected",
    [(["Entity", "Vessel"], "Vessel"), (["Vessel", "Entity"], "Vessel"), (["Article"], "Article"),
     (["Entity"], "Entity"), ([], ""), (None, "")],
)
def test_node_label_is_the_own_label_else_the_first(labels, expected):
    onto = load_ontology()
    assert node_label(labels, onto) == expected
    if expected not in ("Entity", ""):
        assert onto.label_of(labels) == expected


# -- Neo4j ---------------------------------------------------------------------------------------
def test_every_statement_the_view_sends_parses_on_neo4j(view, monkeypatch):
    """The view builds its statements from the ontology, so tests/test_cypher_lint.py's scan of
    string literals cannot see them: record what it sends here and give that to the same check."""
    import bootstrap
    from test_cypher_lint import errors_of, lint

    sent: list[str] = []
    run = view.store.run

    def recording(query, *args, **kwargs):
        sent.append(query)
        return run(query, *args, **kwargs)

    monkeypatch.setattr(view.store, "run", recording)
    view.entity_by_id("imo:1234567")
    view.entities_by_keys(["examplecorp"])
    view.entities_named("Examplecorp")
    view.names()
    view.entity_count()
    view.nodes(["imo:1234567", A1])
    view.neighbours("imo:1234567", cap=5)
    view.sanctioners(["vessel:other"])
    view.ownership_chain("imo:1234567")
    view.exposure("imo:1234567", 3, limit=51)
    view.edge("imo:1234567", "CALLED_AT", "port:p")  # and the articles of its evidence
    view.listing("Vessel", limit=3)
    view.listing(sanctioned=True)
    view.stats()
    statements = list(dict.fromkeys(q for q in sent if "RETURN" in q))
    assert len(statements) >= 15
    bootstrap.ensure_node_packages(print)
    results = lint([{"name": str(i), "query": q} for i, q in enumerate(statements)])
    failures = [f"{q}\n    " + "\n    ".join(errors_of(r)) for q, r in zip(statements, results, strict=True) if errors_of(r)]
    assert not failures, "Neo4j would reject:\n" + "\n".join(failures)

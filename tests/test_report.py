"""Entity lookup, the relationship report, paths between entities and listings, on a store of each
backend (tests/stores.py): the sample graph, or a small graph a test builds in an empty `store`."""

from __future__ import annotations


import pytest

import sample_graph
from graph import evidence
from graph.errors import ConfigError, LookupFailed
from queries import render
from queries.report import build_report, find_path, list_entities, resolve_entity, stats

EV_KEYS = {"article", "sentence", "method", "title", "source", "published", "url", "cite"}


@pytest.fixture(scope="module")
def sample_graph_of_module(graph_of):
    """The sample graph, once per backend; built again on Neo4j after a test emptied the database
    for its own `store` (which is why this module reads it through graph_of, not sample_store)."""
    return graph_of(sample_graph.build)


@pytest.fixture
def sample(sample_graph_of_module):
    """The store holding the sample graph, for tests that only read it."""
    return sample_graph_of_module.store


@pytest.fixture(scope="module")
def lady_r(sample_graph_of_module):
    return build_report(sample_graph_of_module.store, "Lady R")


# -- lookup ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "ref, expected",
    [
        ("imo:9161003", "imo:9161003"),
        ("lady r", "imo:9161003"),
        ("LADY R", "imo:9161003"),
        ("  Lady R ", "imo:9161003"),
        ("Maia", "vessel:maia-1"),                    # alias
        ("Najin", "port:rason"),                      # one port, three names
        ("Rason port", "port:rason"),                 # port words dropped
        ("Oboronlogistika", "company:oboronlogistika-ooo"),
        ("Russian Ministry of Defense", "agency:russian-ministry-of-defence"),
        ("U.S.", "country:us"),
    ],
)
def test_resolve_entity(sample, ref, expected):
    assert resolve_entity(sample, ref)["id"] == expected


def test_resolve_falls_back_to_names_without_keys(store):
    sample_graph.build(store)  # its own copy: it adds a node the other tests do not expect
    store.upsert_nodes("Person", [{"id": "person:choe-son-hui", "name": "Choe Son-hui"}])  # no keys
    assert resolve_entity(store, "choe son-hui")["id"] == "person:choe-son-hui"


def test_ambiguous_name_lists_candidates(sample):
    with pytest.raises(LookupFailed) as err:
        resolve_entity(sample, "angara")
    assert str(err.value) == (
        "'angara' matches 2 entities: Angara (Location, location:angara); Angara (Vessel, vessel:angara). "
        "Use an id to pick one."
    )
    assert [c["id"] for c in err.value.candidates] == ["location:angara", "vessel:angara"]


def test_unknown_name_suggests_close_matches(sample):
    with pytest.raises(LookupFailed) as err:
        resolve_entity(sample, "Lady Rr")
    assert str(err.value) == "No entity matches 'Lady Rr' by id, name or alias. Did you mean: Lady R (Vessel, imo:9161003)?"
    assert err.value.candidates[0]["id"] == "imo:9161003"
    with pytest.raises(LookupFailed, match=r"^No entity matches 'Qwxyz' by id, name or alias\.$"):
        resolve_entity(sample, "Qwxyz")


def test_empty_graph_says_so(store):
    with pytest.raises(LookupFailed, match="the graph is empty. Ingest some articles first."):
        resolve_entity(store, "Lady R")


# -- the report -----------------------------------------------------------------------------
def test_report_entity(lady_r):
    assert lady_r["entity"] == {
        "id": "imo:9161003", "label": "Vessel", "name": "Lady R", "aliases": ["Lady R"],
        "identifiers": {"imo": "9161003"},
        "properties": {"flag": "Russia", "mention_count": 3, "source": "article", "vessel_type": "cargo ship"},
    }


def test_report_direct_sanctions(lady_r):
    [direct] = lady_r["sanctions"]["direct"]
    assert direct["by"] == {"id": "country:us", "name": "United States", "label": "Country"}
    assert (direct["year"], direct["date"], direct["program"], direct["list_name"]) == (
        2022, "2022-05-08", "RUSSIA-EO14024", "SDN")
    assert direct["evidence"] == [{
        "article": sample_graph.TREASURY, "sentence": sample_graph.S_SANCTIONED, "method": "rule",
        "title": "Treasury designates Russian military shipping", "source": "US Treasury",
        "published": "2022-05-08", "url": "https://example.org/treasury/2022",
        "cite": "Treasury designates Russian military shipping (US Treasury, 2022-05-08)",
    }]


def test_report_indirect_sanctions_with_paths(sample):
    mod = build_report(sample, "Ministry of Defence", hops=2)
    assert mod["sanctions"]["direct"] == []
    indirect = mod["sanctions"]["indirect"]
    assert {i["sanctioned"]["id"] for i in indirect} == set(sample_graph.SHIPS)
    lady = next(i for i in indirect if i["sanctioned"]["id"] == "imo:9161003")
    assert lady["hops"] == 2
    assert [(s["from"]["name"], s["type"], s["direction"], s["to"]["name"]) for s in lady["path"]] == [
        ("Russian Ministry of Defence", "OWNED_BY", "in", "Oboronlogistika OOO"),
        ("Oboronlogistika OOO", "OPERATED_BY", "in", "Lady R"),
    ]
    assert lady["path"][0]["evidence"][0]["sentence"] == sample_graph.S_OWNED
    assert build_report(sample, "Russia", hops=2)["sanctions"]["indirect"] == []
    assert len(build_report(sample, "Russia", hops=3)["sanctions"]["indirect"]) == 4


def test_report_ownership_chain(lady_r):
    chain = [(o["from"]["name"], o["type"], o["to"]["name"]) for o in lady_r["ownership"]]
    assert chain == [
        ("Lady R", "OPERATED_BY", "Oboronlogistika OOO"),
        ("Oboronlogistika OOO", "OWNED_BY", "Russian Ministry of Defence"),
        ("Russian Ministry of Defence", "PART_OF", "Russia"),
    ]
    assert all(o["evidence"] and set(o["evidence"][0]) == EV_KEYS for o in lady_r["ownership"])


def test_report_port_calls_in_date_order(sample, lady_r):
    calls = lady_r["port_calls"]
    assert [(c["date"], c["port"]["name"], c["activity"]) for c in calls] == [
        ("2023-08-20", "Rason", "loaded"), ("2023-08-23", "Vostochny", "docked")]
    assert calls[1]["evidence"][0]["sentence"] == sample_graph.S_VOST
    assert calls[1]["evidence"][0]["source"] == "NK Pro"
    angara = build_report(sample, "vessel:angara")["port_calls"]
    assert [c["date"] for c in angara] == ["2023-09-02", None]  # undated last


def test_report_other_relationships(sample, lady_r):
    assert list(lady_r["relationships"]) == ["ASSOCIATED_WITH"]
    [tie] = lady_r["relationships"]["ASSOCIATED_WITH"]
    assert tie["direction"] == "in" and tie["other"]["name"] == "RUSI" and tie["properties"] == {"cue": "tracked"}
    company = build_report(sample, "Oboronlogistika OOO")
    operated = company["relationships"]["OPERATED_BY"]
    assert [(r["direction"], r["other"]["name"]) for r in operated] == [
        ("in", "Angara"), ("in", "Lady R"), ("in", "Maia-1"), ("in", "Maria")]
    port = build_report(sample, "Vostochny")
    assert "CALLED_AT" not in port["relationships"]  # listed as the port's incoming calls
    assert port["relationships"]["LOCATED_IN"][0]["other"]["name"] == "Russia"


def test_report_ais_dark_and_articles(lady_r):
    [dark] = lady_r["ais_dark"]
    assert dark["date"] == "2023-08-22" and dark["title"] == "Lady R: a sanctioned ship's trips to Rason"
    assert [a["published"] for a in lady_r["articles"]] == ["2023-10-13", "2023-08-30", "2022-05-08"]
    assert set(lady_r["articles"][0]) == {"id", "title", "source", "published", "url"}


def test_every_evidence_item_has_its_article(lady_r):
    items = [e for d in lady_r["sanctions"]["direct"] for e in d["evidence"]]
    items += [e for i in lady_r["sanctions"]["indirect"] for s in i["path"] for e in s["evidence"]]
    items += [e for c in lady_r["port_calls"] for e in c["evidence"]] + lady_r["ais_dark"]
    assert items and all(EV_KEYS <= set(e) and e["title"] and e["published"] for e in items)


@pytest.mark.parametrize("hops", [0, 7, "2", True])
def test_report_rejects_bad_hops(sample, hops):
    with pytest.raises(ConfigError, match="hops must be a whole number from 1 to 6"):
        build_report(sample, "Lady R", hops=hops)


def test_renderings_carry_every_evidence_line(lady_r):
    md = render.report_markdown(lady_r)
    assert md.startswith("# Lady R (Vessel)\n")
    assert ("| 2023-08-23 | Vostochny (Port) | docked | [reported by 1 source since 2023-10] · "
            "“Satellite images show the Lady R docked at Vostochny on "
            "August 23.” — Russian ships ferry North Korean containers to Vostochny (NK Pro, 2023-10-13) |") in md
    assert "| sanctioned directly | by United States (Country) | 2022-05-08 | RUSSIA-EO14024 / SDN |" in md
    _, sections = render.report_sections(lady_r)
    assert [s.title for s in sections] == [
        "Entity", "Sanctions", "Ownership and operation chain", "Port calls", "Identity over time", "Other relationships",
        "AIS dark (transponder off)", "Articles mentioning it"]
    assert "| status | Sanctioned by United States |" in md


# -- paths ----------------------------------------------------------------------------------
def test_find_path_undirected_with_evidence(sample):
    # Through the operator; not through the state that sanctioned both unless asked.
    [op] = find_path(sample, "Lady R", "Maria", max_hops=4)
    assert [s["type"] for s in op["steps"]] == ["OPERATED_BY", "OPERATED_BY"]
    both = find_path(sample, "Lady R", "Maria", max_hops=4, via_sanctioners=True)
    assert {tuple(s["type"] for s in p["steps"]) for p in both} == {
        ("OPERATED_BY", "OPERATED_BY"), ("SANCTIONED_BY", "SANCTIONED_BY")}
    assert [n["name"] for n in op["nodes"]] == ["Lady R", "Oboronlogistika OOO", "Maria"]
    assert [s["direction"] for s in op["steps"]] == ["out", "in"]
    assert [(s["source"]["name"], s["target"]["name"]) for s in op["steps"]] == [
        ("Lady R", "Oboronlogistika OOO"), ("Maria", "Oboronlogistika OOO")]
    assert op["steps"][0]["evidence"][0]["sentence"] == sample_graph.S_OPERATED
    assert op["steps"][0]["evidence"][0]["title"] == "Russian ships ferry North Korean containers to Vostochny"


def test_find_path_respects_hops_and_types(sample):
    assert find_path(sample, "Lady R", "Russia", max_hops=1) == []
    [p] = find_path(sample, "Maria", "Russia", max_hops=3, rel_types=["operated_by", "OWNED_BY", "PART_OF"])
    assert [s["type"] for s in p["steps"]] == ["OPERATED_BY", "OWNED_BY", "PART_OF"]
    assert render.paths_text([p], "Maria", "Russia", 3).splitlines()[0] == (
        "Path 1 (3 hops): Maria -OPERATED_BY-> Oboronlogistika OOO -OWNED_BY-> Russian Ministry of Defence "
        "-PART_OF-> Russia")
    assert render.paths_text([], "A", "B", 2) == "No connection between A and B within 2 hops."


def test_find_path_errors(sample):
    with pytest.raises(ConfigError, match="are the same entity"):
        find_path(sample, "Lady R", "imo:9161003")
    with pytest.raises(ConfigError, match="max_hops must be a whole number from 1 to 6"):
        find_path(sample, "Lady R", "Russia", max_hops=9)
    with pytest.raises(Exception, match="Unknown relationship type 'SAILED_WITH'"):
        find_path(sample, "Lady R", "Russia", rel_types=["SAILED_WITH"])


# -- listings -------------------------------------------------------------------------------
def test_list_entities(sample):
    vessels = list_entities(sample, "vessel")
    assert [v["name"] for v in vessels] == ["Angara", "Lady R", "Maia-1", "Maria"]
    assert vessels[1] == {"id": "imo:9161003", "label": "Vessel", "name": "Lady R", "aliases": ["Lady R"],
                          "mentions": 3, "sanctioned_by": ["United States"]}
    assert [e["id"] for e in list_entities(sample, sanctioned=True)] == [
        "vessel:angara", "imo:9161003", "vessel:maia-1", "vessel:maria"]
    assert list_entities(sample, "Company", sanctioned=True) == []
    assert len(list_entities(sample, limit=3)) == 3
    with pytest.raises(ConfigError, match="Unknown entity type 'Ship'. Use one of: Vessel, Company"):
        list_entities(sample, "Ship")


def test_stats(sample):
    s = stats(sample)
    assert s["nodes"]["Vessel"] == 4 and s["articles"] == 3
    assert s["relationships"]["OPERATED_BY"] == 4 and s["sanctioned"] == 4 and s["went_dark"] == 1
    assert s["entities"] == sum(n for label, n in s["nodes"].items() if label != "Article")


def test_find_path_matches_networkx_on_a_random_graph(store):
    """The bidirectional ring search finds exactly the shortest paths a full-graph search finds."""
    import random

    import networkx as nx

    rng = random.Random(3)
    n = 60
    ids = [f"company:c{i}" for i in range(n)]
    edges = {(rng.randrange(n), rng.randrange(n)) for _ in range(75)}
    edges = {(u, v) for u, v in edges if u != v}
    full = nx.Graph()
    full.add_nodes_from(range(n))
    full.add_edges_from(edges)
    store.upsert_nodes("Company", [{"id": i, "name": i.split(":")[1]} for i in ids])
    store.upsert_relationships("OWNED_BY", [{"start": ids[u], "end": ids[v]} for u, v in edges])
    for _ in range(40):
        a, b = rng.sample(range(n), 2)
        hops = rng.randint(1, 5)
        got = find_path(store, ids[a], ids[b], max_hops=hops, limit=1000)
        try:
            want = {tuple(p) for p in nx.all_shortest_paths(full, a, b)}
        except nx.NetworkXNoPath:
            want = set()
        if want and len(next(iter(want))) - 1 > hops:
            want = set()
        assert {tuple(int(x["id"].split(":c")[1]) for x in p["nodes"]) for p in got} == want


def test_indirect_sanctions_list_the_nearest_and_say_when_there_are_more(store):
    from queries.report import MAX_INDIRECT

    ships = [f"vessel:s{i:03d}" for i in range(MAX_INDIRECT + 5)]
    store.upsert_nodes("Company", [{"id": "company:fleet", "name": "Fleet Co"}])
    store.upsert_nodes("Country", [{"id": "country:us", "name": "United States"}])
    store.upsert_nodes("Vessel", [{"id": v, "name": v} for v in ships])
    store.upsert_relationships("OPERATED_BY", [{"start": v, "end": "company:fleet"} for v in ships])
    store.upsert_relationships("SANCTIONED_BY", [{"start": v, "end": "country:us", "year": 2024} for v in ships])
    fleet = build_report(store, "Fleet Co")
    assert len(fleet["sanctions"]["indirect"]) == MAX_INDIRECT and fleet["sanctions"]["indirect_truncated"]
    assert {i["hops"] for i in fleet["sanctions"]["indirect"]} == {1}
    assert f"only the nearest {MAX_INDIRECT} sanctioned entities are listed" in render.report_markdown(fleet)
    one = build_report(store, ships[0], hops=1)
    assert one["sanctions"]["indirect"] == [] and not one["sanctions"]["indirect_truncated"]


def test_busy_entities_list_the_newest_relationships_and_count_all(sample, monkeypatch):
    import queries.report as report_mod

    monkeypatch.setattr(report_mod, "MAX_PER_GROUP", 1)
    rason = build_report(sample, "Rason")
    assert [c["vessel"]["name"] for c in rason["incoming_calls"]] == ["Angara"]  # 2023-09-02, newest
    assert rason["status"]["text"].startswith("Not sanctioned itself; at least 1 sanctioned vessel called here")
    assert rason["relationship_totals"] == {"CALLED_AT": 2, "LOCATED_IN": 1, "MENTIONS": 2}
    assert "| relationships | CALLED_AT 2, LOCATED_IN 1, MENTIONS 2 |" in render.report_markdown(rason)


# -- what analysts read (issue 13) ------------------------------------------------------------
def test_port_report_lists_incoming_calls_with_sanctioned_vessels_flagged(sample):
    rason = build_report(sample, "Rason")
    calls = [(c["date"], c["vessel"]["name"], c["activity"], [x["name"] for x in c["sanctioned_by"]])
             for c in rason["incoming_calls"]]
    assert calls == [("2023-09-02", "Angara", "called", ["United States"]),
                     ("2023-08-20", "Lady R", "loaded", ["United States"])]
    assert rason["incoming_calls"][1]["evidence"][0]["sentence"] == sample_graph.S_RASON_LOAD
    assert rason["status"] == {
        "level": "exposed",
        "text": "Not sanctioned itself; 2 sanctioned vessels called here (2 vessels, 2 calls recorded)"}
    md = render.report_markdown(rason)
    assert "## Calls here" in md and "## Port calls" not in md
    assert ("| 2023-08-20 | Lady R (Vessel) | loaded | yes, by United States | [reported by 1 source since 2023-08] · “"
            + sample_graph.S_RASON_LOAD) in md


def test_port_without_sanctioned_callers_says_so(store):
    store.upsert_nodes("Port", [{"id": "port:p", "name": "Quietport"}])
    store.upsert_nodes("Vessel", [{"id": "vessel:v", "name": "Plain Ship"}])
    store.upsert_relationships("CALLED_AT", [{"start": "vessel:v", "end": "port:p", "date": "2024-01-02"}])
    port = build_report(store, "Quietport")
    assert port["status"]["level"] == "clear"
    assert port["status"]["text"] == (
        "No sanction recorded for it or within 2 hops of it; none of the 1 vessel recorded calling here is sanctioned")


def test_directly_sanctioned_ship_lists_no_sister_ships(sample):
    lady = build_report(sample, "Lady R")
    # Angara, Maia-1 and Maria share Lady R's operator and the body that sanctioned it.
    assert lady["sanctions"]["indirect"] == []
    assert lady["sanctions"]["indirect_omitted"] == 3
    rows = [r for r in render.report_sections(lady)[1][1].rows]
    assert [r[0] for r in rows] == ["sanctioned directly", "…"]
    assert "3 more sanctioned entities nearby" in rows[1][1]
    # ... and says which (issue 24), in JSON and in the text
    named = [(o["sanctioned"]["name"], o["hops"], o["sanctioned_by"], o["via"]) for o in lady["sanctions"]["indirect_omitted_entities"]]
    assert sorted(named) == [("Angara", 2, ["country:us"], None), ("Maia-1", 2, ["country:us"], None),
                             ("Maria", 2, ["country:us"], None)]
    for name in ("Angara (Vessel), 2 hops", "Maia-1 (Vessel), 2 hops", "Maria (Vessel), 2 hops"):
        assert name in rows[1][1]


def test_exposure_through_others_lists_what_adds_something(store):
    """A sanctioned ship lists a sister sanctioned by another body, not one sanctioned by the
    same; an unsanctioned owner lists its sanctioned subsidiary once, not each ship behind it
    that the same body sanctioned."""
    store.upsert_nodes("Country", [{"id": "country:us", "name": "United States"}, {"id": "country:gb", "name": "UK"}])
    store.upsert_nodes("Company", [{"id": "company:hold", "name": "Holdco"}, {"id": "company:op", "name": "Opco"}])
    store.upsert_nodes("Vessel", [{"id": f"vessel:{n}", "name": n} for n in ("one", "two", "three")])
    store.upsert_relationships("OPERATED_BY", [{"start": f"vessel:{n}", "end": "company:op"} for n in ("one", "two", "three")])
    store.upsert_relationships("OWNED_BY", [{"start": "company:op", "end": "company:hold"}])
    store.upsert_relationships("SANCTIONED_BY", [
        {"start": "vessel:one", "end": "country:us"}, {"start": "vessel:two", "end": "country:us"},
        {"start": "vessel:three", "end": "country:gb"}, {"start": "company:op", "end": "country:us"}])
    one = build_report(store, "vessel:one")
    assert [i["sanctioned"]["name"] for i in one["sanctions"]["indirect"]] == ["three"]
    assert one["sanctions"]["indirect"][0]["sanctioned_by"] == ["country:gb"]
    hold = build_report(store, "Holdco")
    assert [(i["sanctioned"]["name"], i["hops"]) for i in hold["sanctions"]["indirect"]] == [("Opco", 1), ("three", 2)]
    assert hold["sanctions"]["indirect_omitted"] == 2
    assert sorted((o["sanctioned"]["name"], o["hops"], o["via"]["name"]) for o in hold["sanctions"]["indirect_omitted_entities"]) == [
        ("one", 2, "Opco"), ("two", 2, "Opco")]
    assert "2 more sanctioned entities nearby, sanctioned by the same bodies as this one or as an entity listed above: " \
        "one (Vessel), 2 hops via Opco (Company); two (Vessel), 2 hops via Opco (Company)" in render.report_markdown(hold)


def test_list_evidence_names_the_list_and_the_entry(store):
    store.upsert_nodes("Vessel", [{"id": "vessel:x", "name": "Listed Ship"}])
    store.upsert_nodes("Agency", [{"id": "agency:ofac", "name": "OFAC"}])
    store.upsert_relationships("SANCTIONED_BY", [{
        "start": "vessel:x", "end": "agency:ofac", "program": "IRAN", "list_name": "us-ofac-sdn",
        "list_id": "4711", "evidence": [evidence.encode("", "Listed Ship (vessel), IRAN", "list",
                                                        entry="us-ofac-sdn:4711")]}])
    report = build_report(store, "Listed Ship")
    [ev] = report["sanctions"]["direct"][0]["evidence"]
    assert (ev["list_name"], ev["list_entry"]) == ("us-ofac-sdn", "4711")
    assert ev["cite"] == "sanctions list us-ofac-sdn, entry 4711"
    md = render.report_markdown(report)
    assert "“Listed Ship (vessel), IRAN” — sanctions list us-ofac-sdn, entry 4711" in md
    assert "IRAN / us-ofac-sdn entry 4711" in md
    assert "unknown article" not in md


def test_path_parallel_edges_of_one_type_are_one_hop(store):
    store.upsert_nodes("Vessel", [{"id": "vessel:a", "name": "Alpha"}, {"id": "vessel:b", "name": "Bravo"}])
    store.upsert_nodes("Port", [{"id": "port:p", "name": "Portus"}])
    store.upsert_relationships("CALLED_AT", [
        {"start": "vessel:a", "end": "port:p", "key": d, "date": d,
         "evidence": [evidence.encode("", f"Alpha called on {d}.", "rule")]}
        for d in ("2024-01-01", "2024-02-01", "2024-03-01")])
    store.upsert_relationships("CALLED_AT", [{"start": "vessel:b", "end": "port:p", "key": "k", "date": "2024-04-01"}])
    [p] = find_path(store, "Alpha", "Bravo", max_hops=3)
    first = p["steps"][0]
    assert first["properties"]["count"] == 3
    assert first["properties"]["dates"] == ["2024-01-01", "2024-02-01", "2024-03-01"]
    assert len(first["evidence"]) == 3


def test_path_avoids_sanctioners_and_countries_unless_asked(store):
    store.upsert_nodes("Vessel", [{"id": "vessel:a", "name": "Alpha"}, {"id": "vessel:b", "name": "Bravo"}])
    store.upsert_nodes("Agency", [{"id": "agency:x", "name": "Designator"}])
    store.upsert_nodes("Country", [{"id": "country:z", "name": "Zland"}])
    store.upsert_nodes("Company", [{"id": "company:c", "name": "Carrier Co"}])
    store.upsert_relationships("SANCTIONED_BY", [{"start": v, "end": "agency:x"} for v in ("vessel:a", "vessel:b")])
    store.upsert_relationships("OWNED_BY", [{"start": "vessel:a", "end": "country:z"},
                                            {"start": "vessel:b", "end": "company:c"}])
    store.upsert_relationships("LOCATED_IN", [{"start": "company:c", "end": "country:z"}])
    assert find_path(store, "Alpha", "Bravo") == []
    asked = find_path(store, "Alpha", "Bravo", via_sanctioners=True)
    assert [[n["name"] for n in p["nodes"]] for p in asked] == [["Alpha", "Designator", "Bravo"]]
    # The sanctioner and the country can still be an end.
    [direct] = find_path(store, "Alpha", "Designator")
    assert [st["type"] for st in direct["steps"]] == ["SANCTIONED_BY"]
    [owned] = find_path(store, "Bravo", "Zland")
    assert [st["type"] for st in owned["steps"]] == ["OWNED_BY", "LOCATED_IN"]


def test_path_meets_at_a_hub_without_expanding_it(store):
    from graph import analysis

    ships = [f"vessel:s{i}" for i in range(12)]
    store.upsert_nodes("Port", [{"id": "port:big", "name": "Bigport"}])
    store.upsert_nodes("Company", [{"id": "company:c", "name": "Owner Co"}])
    store.upsert_nodes("Vessel", [{"id": v, "name": v} for v in ships])
    store.upsert_relationships("CALLED_AT", [{"start": v, "end": "port:big"} for v in ships])
    store.upsert_relationships("OWNED_BY", [{"start": ships[0], "end": "company:c"}])
    sub = analysis.connect(store, "company:c", ships[5], 4, hub_degree=5)
    assert set(sub.nodes) == {"company:c", ships[0], "port:big", ships[5]}  # Bigport's calls not fetched
    [p] = find_path(store, "Owner Co", ships[5])
    assert [n["name"] for n in p["nodes"]] == ["Owner Co", ships[0], "Bigport", ships[5]]


# -- the commands (click's CliRunner) ---------------------------------------------------------
def _cli(db: str, *args: str):
    from click.testing import CliRunner

    from cli import main

    return CliRunner().invoke(main, ["--db", db, *args], catch_exceptions=False)


@pytest.fixture
def sample_db(sample_graph_of_module) -> str:
    """The `--db` value of the sample graph's store."""
    return sample_graph_of_module.db


def test_cli_port_report_lists_incoming_calls(sample_db):
    result = _cli(sample_db, "report", "Rason", "--format", "markdown")
    assert result.exit_code == 0, result.output
    md = result.stdout
    assert "| status | Not sanctioned itself; 2 sanctioned vessels called here (2 vessels, 2 calls recorded) |" in md
    assert "## Calls here" in md
    assert ("| 2023-09-02 | Angara (Vessel) | called | yes, by United States | [reported by 1 source since 2023-10] · “"
            + sample_graph.S_ANGARA) in md
    assert "no port calls recorded" not in md


def test_cli_sanctions_of_a_directly_sanctioned_ship_have_no_sister_ships(sample_db):
    md = _cli(sample_db, "report", "vessel:angara", "--format", "markdown").stdout
    section = md.split("## Sanctions")[1].split("## ")[0]
    rows = [line for line in section.splitlines() if line.startswith("| ") and "---" not in line][1:]
    assert rows[0].startswith("| sanctioned directly | by United States (Country) |")
    listed = [r for r in rows if not r.startswith("| … |")]
    assert not any("hop" in r for r in listed)  # Lady R, Maia-1, Maria: same sanctioner, not listed
    named = " ".join(r.split(" | ")[1] for r in listed)  # the "by / via" cells
    assert not any(name in named for name in ("Lady R", "Maia-1", "Maria"))
    # ... only named in the note that counts them (issue 24: "N more nearby" says which)
    [note] = [r for r in rows if r.startswith("| … |")]
    assert all(f"{name} (Vessel), 2 hops" in note for name in ("Lady R", "Maia-1", "Maria"))


def test_cli_path_has_no_duplicates_and_no_sanctioner_only_path_unless_asked(sample_db):
    out = _cli(sample_db, "path", "Lady R", "vessel:angara").stdout
    heads = [line.split(": ", 1)[1] for line in out.splitlines() if line.startswith("Path ")]
    assert heads == ["Lady R -CALLED_AT-> Rason <-CALLED_AT- Angara",
                     "Lady R -OPERATED_BY-> Oboronlogistika OOO <-OPERATED_BY- Angara"]
    asked = _cli(sample_db, "path", "Lady R", "vessel:angara", "--via-sanctioners").stdout
    heads = [line.split(": ", 1)[1] for line in asked.splitlines() if line.startswith("Path ")]
    assert heads == ["Lady R -CALLED_AT-> Rason <-CALLED_AT- Angara",
                     "Lady R -OPERATED_BY-> Oboronlogistika OOO <-OPERATED_BY- Angara",
                     "Lady R -SANCTIONED_BY-> United States <-SANCTIONED_BY- Angara"]


@pytest.mark.parametrize("db", ["ftp://x", "http://localhost:7474", "redis://localhost:6379", "file:///tmp/x.db"])
def test_db_that_is_neither_a_file_nor_a_neo4j_uri_is_one_clear_error(db):
    result = _cli(db, "report", "Lady R")
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        f"Error: Cannot open database {db}: {db.split(':')[0]}:// is not supported. Give --db (or SANCTIONS_KG_DB) "
        "a file path (embedded database), or a bolt://, bolt+s://, neo4j:// or neo4j+s:// URI (Neo4j server)."]


@pytest.mark.parametrize("command", ["stop", "repair"])
def test_commands_that_do_not_open_the_store_refuse_a_foreign_uri_too(command):
    result = _cli("ftp://x", command)
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        "Error: Cannot open database ftp://x: ftp:// is not supported. Give --db (or SANCTIONS_KG_DB) "
        "a file path (embedded database), or a bolt://, bolt+s://, neo4j:// or neo4j+s:// URI (Neo4j server)."]


@pytest.mark.parametrize("db", ["graph.db", "/tmp/a/b.db", "C:\\graphs\\kg.db", "bolt://h:7687", "bolt+s://h",
                                "neo4j://h", "neo4j+s://h:7687", "NEO4J://h"])
def test_accepted_db_forms(db):
    from graph.uri import check_db

    assert check_db(db) == db


def test_markdown_report_has_no_html_entities_or_line_break_tags(sample):
    """Arrows stay "<-" and a cell's lines are joined with " · " (issue 24): a case file reads
    the same as raw text and in a viewer; "<" before a letter is still written &lt; (see
    tests/test_hostile.py)."""
    md = render.report_markdown(build_report(sample, "Oboronlogistika"))
    assert "&lt;" not in md and "<br>" not in md
    assert "| OPERATED_BY | <- | Angara (Vessel) | role: operator | [reported by 1 source since 2023-10] · “The Lady R, Angara" in md
    # a hop and its evidence in one cell, on one line
    assert ("| Oboronlogistika OOO <-OPERATED_BY- Lady R |  |  | Lady R (Vessel) -OPERATED_BY-> Oboronlogistika OOO "
            "(Company): “The Lady R, Angara, Maia-1 and Maria are operated by Oboronlogistika OOO.” — ") in md

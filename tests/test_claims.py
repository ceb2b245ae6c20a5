"""Claims (graph/claims.py): independent sources, hedges, denials and dates of every fact, in
the report, the named queries and the CLI, on each backend (tests/stores.py).

examples/claims: one ownership fact reported by three outlets (two copies of one wire story
from the same outlet, a registry report, a hedged report) and denied by a fourth; a sanction
denied by that fourth outlet that no source states; a sanction stated by one outlet only.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import pytest

from graph import claims
from graph.errors import ConfigError
from queries import library, render
from queries.report import build_report

DATA = Path(__file__).resolve().parents[1] / "examples" / "claims"


def _ingest(store) -> None:
    from ingest.pipeline import ingest_paths

    # The first article ingested twice (a second file, the same text): one article, one source.
    with tempfile.TemporaryDirectory() as tmp:
        for path in DATA.glob("*.txt"):
            shutil.copy(path, Path(tmp) / path.name)
        shutil.copy(DATA / "01_harbour_gazette.txt", Path(tmp) / "01_again.txt")
        assert ingest_paths(store, [tmp]).ok


@pytest.fixture(scope="module")
def claims_graph(graph_of):
    return graph_of(_ingest)


# -- counting, without a store ----------------------------------------------------------------
def _item(article, source, published, certainty="stated", **extra):
    return {"article": article, "source": source, "published": published, "certainty": certainty,
            "method": "rule", **extra}


def test_a_publisher_counts_once_and_a_list_entry_on_its_own():
    got = claims.claim([
        _item("a1", "Harbour Gazette", "2023-09-14"),
        _item("a2", " harbour  gazette", "2023-09-15"),  # a second copy of the wire story
        _item("a1", "Harbour Gazette", "2023-09-14"),  # the same article again
        _item("a3", "Sea Lane Review", "2024-03-02", "hedged"),
        {"method": "list", "list_name": "us-ofac-sdn", "list_entry": "123", "date": "2022-02-01", "sentence": "x"},
        {"method": "list", "list_name": "us-ofac-sdn", "list_entry": "123", "sentence": "x"},
        _item("a4", None, None),  # no publisher: the article counts on its own
    ], [_item("d1", "Nordic Freight Post", "2024-04-11", "denied")])
    assert (got.sources, got.hedged, got.denied, got.first, got.last) == (4, 1, 1, "2022-02-01", "2024-03-02")
    assert got.contradicted
    assert got.summary() == "corroborated by 4 sources (1 hedged) since 2022-02; denied by 1 source; contradicted"


def test_a_source_hedges_only_when_all_it_says_is_hedged():
    got = claims.claim([_item("a1", "X", "2024-01-01", "hedged"), _item("a2", "X", "2024-02-01")])
    assert (got.sources, got.hedged) == (1, 0)
    assert got.summary() == "reported by 1 source since 2024-01"
    assert claims.claim([], [_item("d", "Y", "2024-01-01", "denied")]).summary() == "no source states it; denied by 1 source"


# -- on the store -----------------------------------------------------------------------------
def test_report_weighs_the_ownership_fact(claims_graph):
    report = build_report(claims_graph.store, "Marlow Star")
    (link,) = [o for o in report["ownership"] if o["type"] == "OWNED_BY"]
    c = link["claim"]
    # Harbour Gazette (three files, two texts), Coastal Ledger, Sea Lane Review (hedged); Nordic Freight Post denies.
    assert (c["sources"], c["hedged"], c["denied"], c["first"], c["last"]) == (3, 1, 1, "2023-09-14", "2024-03-02")
    assert c["contradicted"] is True
    assert c["summary"] == "corroborated by 3 sources (1 hedged) since 2023-09; denied by 1 source; contradicted"
    assert [d["source"] for d in link["denials"]] == ["Nordic Freight Post"]
    assert {e["certainty"] for e in link["evidence"]} == {"stated", "hedged"}


def test_a_denial_alone_is_no_fact(claims_graph):
    store = claims_graph.store
    report = build_report(store, "Marlow Star")
    assert [d["by"]["name"] for d in report["sanctions"]["direct"]] == ["United Kingdom"]
    (denied,) = report["denied"]
    assert (denied["type"], denied["other"]["name"]) == ("SANCTIONED_BY", "European Union")
    assert denied["claim"]["sources"] == 0 and denied["claim"]["denied"] == 1
    rows = store.run("MATCH (:Vessel)-[r:SANCTIONED_BY]->(b) RETURN b.name AS name").rows
    assert [r["name"] for r in rows] == ["United Kingdom"]
    md = render.report_markdown(report)
    assert "[corroborated by 3 sources (1 hedged) since 2023-09; denied by 1 source; contradicted]" in md
    assert "## Denied, and stated by no source" in md


def test_min_sources_and_sort(claims_graph):
    report = build_report(claims_graph.store, "Marlow Star", min_sources=2, sort="sources")
    assert report["sanctions"]["direct"] == []  # the UK sanction rests on one outlet
    assert report["status"]["text"] == "Sanctioned by United Kingdom"  # the verdict still weighs every fact
    assert [o["type"] for o in report["ownership"]] == ["OWNED_BY"]
    assert (report["min_sources"], report["below_min_sources"]) == (2, 1)
    assert "| shown | facts with at least 2 sources; 1 with fewer left out |" in render.report_markdown(report)
    with pytest.raises(ConfigError, match="min_sources must be a whole number"):
        build_report(claims_graph.store, "Marlow Star", min_sources=-1)
    with pytest.raises(ConfigError, match="Unknown sort 'newest'"):
        build_report(claims_graph.store, "Marlow Star", sort="newest")


def test_named_queries(claims_graph):
    store = claims_graph.store
    rows = library.run_named(store, "contradictions", {}).rows
    assert [(r["from"], r["type"], r["to"], r["denying"]) for r in rows] == [
        ("Marlow Star", "OWNED_BY", "Brackwater Holdings Ltd", 1)]
    assert rows[0]["denials"][0]["certainty"] == "denied"
    assert library.run_named(store, "contradictions", {"type": "SANCTIONED_BY"}).rows == []
    rows = library.run_named(store, "single_source_sanctions", {}).rows
    assert [(r["name"], r["sanctioned_by"], r["publishers"]) for r in rows] == [
        ("Marlow Star", "United Kingdom", ["coastal ledger"])]


def test_cli_report_json_and_min_sources(claims_graph):
    from click.testing import CliRunner

    from cli import main

    run = CliRunner().invoke(main, ["--db", claims_graph.db, "report", "Marlow Star", "--format", "json",
                                    "--min-sources", "3"], catch_exceptions=False)
    assert run.exit_code == 0, run.output
    data = json.loads(run.output)
    assert [o["claim"]["sources"] for o in data["ownership"]] == [3]
    bad = CliRunner().invoke(main, ["--db", claims_graph.db, "report", "Marlow Star", "--min-sources", "-1"])
    assert bad.exit_code == 2 and "--min-sources" in bad.output


def test_exports_carry_the_claims(claims_graph, tmp_path):
    import networkx as nx

    from graph.export import export

    export(claims_graph.store, "ftm", tmp_path / "kg.ftm.json")
    lines = [json.loads(x) for x in (tmp_path / "kg.ftm.json").read_text("utf-8").splitlines()]
    (own,) = [x for x in lines if x["schema"] == "Ownership"]
    assert own["properties"]["publisher"] == ["Coastal Ledger", "Harbour Gazette", "Sea Lane Review", "harbour gazette"]
    assert own["properties"]["description"] == [
        "corroborated by 3 sources (1 hedged) since 2023-09; denied by 1 source; contradicted"]
    assert (own["first_seen"], own["last_seen"]) == ("2023-09-14", "2024-03-02")
    export(claims_graph.store, "graphml", tmp_path / "kg.graphml")
    g = nx.read_graphml(tmp_path / "kg.graphml")
    (edge,) = [d for _, _, d in g.edges(data=True) if d.get("rel_type") == "OWNED_BY"]
    assert (edge["claim_sources"], edge["claim_hedged"], edge["claim_denied"], edge["claim_contradicted"]) == (3, 1, 1, True)
    assert edge["claim_first"] == "2023-09-14"


def test_json_api_weighs_and_filters(claims_graph):
    from test_web_api import client_for

    with client_for(claims_graph.store) as c:
        data = c.get("/api/entity/imo:9300013").json()
        assert data["ownership"][0]["claim"]["summary"].startswith("corroborated by 3 sources (1 hedged) since 2023-09")
        assert [d["other"]["name"] for d in data["denied"]] == ["European Union"]
        assert c.get("/api/entity/imo:9300013?min_sources=2&sort=sources").json()["sanctions"]["direct"] == []
        bad = c.get("/api/entity/imo:9300013?min_sources=many")
        assert bad.status_code == 400 and "min_sources must be a whole number" in bad.text
        assert c.get("/api/entity/imo:9300013?sort=newest").status_code == 400


def test_writer_keeps_a_denial_off_the_edges_and_a_rescan_takes_it_back(store):
    from graph.writer import ArticleFacts, ArticleRecord, EntityFacts, RelationFacts, Writer

    ship = EntityFacts("imo:9300013", "Vessel", "Marlow Star", mentions=1)
    firm = EntityFacts("company:brackwater", "Company", "Brackwater Holdings Ltd", mentions=1)
    said = "A spokesman denied that the tanker Marlow Star was owned by Brackwater Holdings Ltd."
    denial = RelationFacts("OWNED_BY", ship.id, firm.id, said, certainty="denied")
    article = ArticleRecord("a1", source="Nordic Freight Post", published="2024-04-11")
    writer = Writer(store)
    writer.add_article(ArticleFacts(article, (ship, firm), (denial,)))
    assert writer.relationship_count() == 2  # the two MENTIONS, no OWNED_BY
    (row,) = store.run("MATCH (v:Vessel) RETURN v.denials AS d").rows
    assert [(x["type"], x["target"], x["sentence"]) for x in map(claims.ev.decode, row["d"])] == [
        ("OWNED_BY", "company:brackwater", said)]
    writer.add_article(ArticleFacts(article, (ship, firm), ()), replace=True)
    assert store.run("MATCH (v:Vessel) RETURN v.denials AS d").rows[0]["d"] == []

"""Certainty in every view (issue 24): evidence a source hedges is marked, with a legend, in the
table and markdown reports, `path` output (full and --brief) and the web pages; JSON carries
`certainty`; `--stated-only` on report and path leaves hedged evidence and the facts only it
supports out. On a store of each backend holding a small graph written here through the writer."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from cli import main
from graph.writer import ArticleFacts, ArticleRecord, EntityFacts, RelationFacts
from queries import render
from queries.report import build_report, stated_only

OWNS = "The tanker Pale Comet is owned by Quillon Marine Ltd, registry filings show."
CALL = "The Pale Comet is believed to have loaded crude at Primorsk in March."
SANCTION = "Quillon Marine Ltd is reportedly under United States sanctions."
LEGEND = render.LEGEND


def _build(store) -> None:
    ents = (
        EntityFacts("vessel:pale-comet", "Vessel", "Pale Comet", keys=("pale comet",), mentions=2),
        EntityFacts("company:quillon-marine", "Company", "Quillon Marine Ltd", keys=("quillon marine",), mentions=2),
        EntityFacts("port:primorsk", "Port", "Primorsk", keys=("primorsk",), mentions=1),
        EntityFacts("country:us", "Country", "United States", keys=("united states",), mentions=1),
    )
    rels = (
        RelationFacts("OWNED_BY", "vessel:pale-comet", "company:quillon-marine", OWNS),
        RelationFacts("CALLED_AT", "vessel:pale-comet", "port:primorsk", CALL, key="2024-03", date="2024-03",
                      certainty="hedged"),
        RelationFacts("SANCTIONED_BY", "company:quillon-marine", "country:us", SANCTION, certainty="hedged"),
    )
    art = ArticleRecord("a" * 64, title="A tanker and its owner", source="sanctions-kg tests", published="2024-04-01")
    store.writer().add_article(ArticleFacts(art, ents, rels))


@pytest.fixture(scope="module")
def graph(graph_of):
    return graph_of(_build)


def run(db: str, *args: str) -> str:
    result = CliRunner().invoke(main, ["--db", db, *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_json_carries_certainty(graph):
    data = json.loads(run(graph.db, "report", "Pale Comet", "--format", "json"))
    [call] = data["port_calls"]
    assert [ev["certainty"] for ev in call["evidence"]] == ["hedged"]
    [owner] = data["ownership"]
    assert owner["evidence"][0].get("certainty", "stated") == "stated"


def test_table_report_marks_hedged_evidence_and_has_the_legend(graph):
    out = run(graph.db, "report", "Pale Comet")
    assert f"[hedged] “{CALL}”" in " ".join(out.split())
    assert f"“{OWNS}”" in " ".join(out.split()) and f"[hedged] “{OWNS}”" not in " ".join(out.split())
    assert " ".join(out.split()).endswith(LEGEND)


def test_markdown_report_marks_hedged_evidence_and_has_the_legend(graph):
    md = run(graph.db, "report", "Pale Comet", "--format", "markdown")
    # Each evidence cell opens with its claim ("reported by 1 source (1 hedged) since ..."), then
    # the sentences, a hedged one marked.
    assert f"[hedged] “{CALL}” — A tanker and its owner (sanctions-kg tests, 2024-04-01) |" in md
    assert f"“{OWNS}” — A tanker and its owner" in md and f"[hedged] “{OWNS}”" not in md
    assert md.rstrip().endswith(f"_{LEGEND}_")


def test_no_legend_without_hedged_evidence(graph):
    # Quillon's report holds a hedged sanction; the port's only a hedged call; --stated-only: none.
    md = run(graph.db, "report", "Pale Comet", "--format", "markdown", "--stated-only")
    assert "[hedged]" not in md and LEGEND not in md


def test_stated_only_report_leaves_out_what_only_hedged_evidence_supports(graph):
    data = json.loads(run(graph.db, "report", "Quillon Marine Ltd", "--format", "json", "--stated-only"))
    assert data["stated_only"] is True
    assert data["sanctions"]["direct"] == []
    assert data["status"]["level"] == "clear"
    assert [r["other"]["name"] for r in data["relationships"]["OWNED_BY"]] == ["Pale Comet"]
    full = json.loads(run(graph.db, "report", "Quillon Marine Ltd", "--format", "json"))
    assert full["status"]["level"] == "sanctioned" and len(full["sanctions"]["direct"]) == 1
    vessel = stated_only(build_report(graph.store, "Pale Comet"))
    assert vessel["port_calls"] == [] and len(vessel["ownership"]) == 1


def test_path_marks_hedged_hops_full_and_brief(graph):
    out = run(graph.db, "path", "Pale Comet", "Primorsk")
    assert f"    [hedged] “{CALL}” — A tanker and its owner (sanctions-kg tests, 2024-04-01)" in out
    assert out.rstrip().endswith(LEGEND)
    brief = run(graph.db, "path", "Pale Comet", "Primorsk", "--brief")
    lines = brief.splitlines()
    assert lines[0] == "Path 1 (1 hop): Pale Comet -CALLED_AT-> Primorsk [hedged]"
    assert lines[-1].startswith("[hedged]: a hop of the path only hedged evidence supports")
    owned = run(graph.db, "path", "Pale Comet", "Quillon Marine Ltd", "--brief")
    assert owned.splitlines() == ["Path 1 (1 hop): Pale Comet -OWNED_BY-> Quillon Marine Ltd"]


def test_path_stated_only(graph):
    assert run(graph.db, "path", "Pale Comet", "Primorsk", "--stated-only").strip() == (
        "No connection between Pale Comet and Primorsk within 4 hops.")
    data = json.loads(run(graph.db, "path", "Pale Comet", "Quillon Marine Ltd", "--stated-only", "--format", "json"))
    assert [p["length"] for p in data] == [1]


def test_web_entity_api_sends_certainty(graph):
    from starlette.testclient import TestClient

    from web.app import console_headers, create_app

    store = graph.store
    app = create_app(store.settings, store=store)
    with TestClient(app, base_url="http://127.0.0.1", headers=console_headers(app)) as c:
        report = c.get("/api/entity/port:primorsk").json()
        assert report["incoming_calls"][0]["evidence"][0]["certainty"] == "hedged"
        edge = c.get("/api/edge", params={"start": "vessel:pale-comet", "type": "CALLED_AT", "end": "port:primorsk"}).json()
        assert edge["evidence"][0]["certainty"] == "hedged"
        page = c.get("/static/app.js").text
    # The pages draw the mark and the legend from `certainty` (tests/test_web_browser.py renders them).
    assert 'ev.certainty === "hedged"' in page and "hedgedLegend" in page

"""Watchlists and alerts (graph/watch.py) through the CLI, on a store of each backend.

The articles are written here; the list is examples/lists/ofac (a made-up list)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import sample_graph
import stores
from click.testing import CliRunner

from cli import main

ROOT = Path(__file__).resolve().parents[1]
OFAC = ROOT / "examples" / "lists" / "ofac"

FIRST = """Tanker seen off the Gulf coast
Published: 2024-02-10

The tanker Sea Juniper (IMO 9234563) is managed by Meridian Tanker Management LLC, a firm based in Dubai.
Analysts following the ship said its owners rarely answer questions about its cargoes.
"""

SECOND = """Tanker returns to Fujairah
Published: 2024-05-20

The tanker Sea Juniper called at the port of Fujairah on 12 May 2024, tracking data showed.
"""


def invoke(db: str, *args: str):
    return CliRunner().invoke(main, ["--db", db, *args], catch_exceptions=False)


def ok(db: str, *args: str) -> str:
    result = invoke(db, *args)
    assert result.exit_code == 0, result.output
    return result.output


def alerts_json(db: str, *args: str) -> list[dict]:
    return json.loads(ok(db, "alerts", "--format", "json", *args))


@pytest.fixture
def articles(tmp_path: Path) -> Path:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "first.txt").write_text(FIRST, "utf-8")
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "second.txt").write_text(SECOND, "utf-8")
    return tmp_path


def test_watched_ship_gains_alerts_for_a_port_call_and_its_owners_designation(db_arg, articles):
    db = db_arg
    ok(db, "ingest", str(articles / "a"))
    out = ok(db, "watch", "add", "IMO 9234563", "--by", "tester")
    assert "watching entity Sea Juniper (imo:9234563)" in out and "added by tester" in out
    # What the graph held when it was added is the baseline: no alerts yet.
    assert alerts_json(db) == []

    # An article adds a port call: one port_call alert with the sentence, said at the end of ingest.
    out = ok(db, "ingest", str(articles / "b"))
    assert "alerts: " in out and "raised for watched items" in out
    found = alerts_json(db)
    calls = [a for a in found if a["kind"] == "port_call"]
    assert len(calls) == 1, found
    assert calls[0]["date"] == "2024-05-12" and "Fujairah" in calls[0]["summary"]
    assert "called at the port of Fujairah on 12 May 2024" in calls[0]["evidence"][0]["sentence"]
    assert {a["kind"] for a in found} <= {"port_call", "article"}

    # A list import designates its manager: a designation alert for the chain, with the list entry.
    out = ok(db, "import-sanctions", str(OFAC))
    assert "raised for watched items" in out
    found = alerts_json(db)
    owner = [a for a in found if a["kind"] == "designation" and a["subject"] != "imo:9234563"]
    assert owner, found
    assert "ownership/operation chain of Sea Juniper" in owner[0]["summary"]
    assert any(e.get("list_entry") for e in owner[0]["evidence"])
    own = [a for a in found if a["kind"] == "designation" and a["subject"] == "imo:9234563"]
    assert own and "IRAN-EO13846" in own[0]["summary"]

    # Re-ingesting and re-importing raise nothing; the JSON is the same each time.
    before = ok(db, "alerts", "--format", "json")
    out = ok(db, "ingest", "--reprocess", str(articles / "a"), str(articles / "b"))
    assert "alerts:" not in out
    out = ok(db, "import-sanctions", str(OFAC))
    assert "alerts:" not in out
    assert ok(db, "alerts", "--format", "json") == before
    ids = [a["id"] for a in json.loads(before)]
    assert len(ids) == len(set(ids))

    # Marking seen empties the unseen list; --all still shows them.
    ok(db, "alerts", "--mark-seen")
    assert alerts_json(db) == []
    assert [a["id"] for a in alerts_json(db, "--all")] == ids
    assert all(a["seen"] for a in alerts_json(db, "--all"))


def test_alert_ids_do_not_depend_on_the_order_of_the_input(backend, store, db_arg, articles):
    """The alerts after the second article and the list are the same in either order.

    Both orders run in the same database (Neo4j's test server has one), emptied in between."""
    db = db_arg

    def alerts_after(*steps: tuple[str, ...]) -> set[tuple[str, str, str]]:
        ok(db, "ingest", str(articles / "a"))
        ok(db, "watch", "add", "Sea Juniper")
        for step in steps:
            ok(db, *step)
        return {(a["id"], a["kind"], a["summary"]) for a in alerts_json(db)}

    import_list, second_article = ("import-sanctions", str(OFAC)), ("ingest", str(articles / "b"))
    first = alerts_after(import_list, second_article)
    assert {k for _, k, _ in first} >= {"port_call", "designation"}
    # The other order, from an empty database: nothing of the first run is left to compare with.
    stores.clear(backend, store)
    assert store.run("MATCH (n) RETURN count(n) AS n").rows[0]["n"] == 0
    assert alerts_json(db, "--all") == []
    second = alerts_after(second_article, import_list)
    assert first == second


def test_watch_list_remove_and_programmes(db_arg, articles):
    db = db_arg
    ok(db, "ingest", str(articles / "a"))
    ok(db, "watch", "add", "Sea Juniper", "--by", "ana")
    assert "already watching" in ok(db, "watch", "add", "imo:9234563")
    ok(db, "watch", "add", "--program", "iran-eo13846", "--by", "ana")
    listed = json.loads(ok(db, "watch", "list", "--format", "json"))
    assert [(w["kind"], w["target"], w["by"]) for w in listed] == [
        ("entity", "imo:9234563", "ana"), ("program", "IRAN-EO13846", "ana")]
    assert all(w["added_at"] for w in listed)
    # A programme watch raises an alert per new designation under it.
    ok(db, "import-sanctions", str(OFAC))
    prog = [a for a in alerts_json(db) if a["watch"] == "watch:program:IRAN-EO13846"]
    assert {a["kind"] for a in prog} == {"designation"} and len(prog) >= 2
    assert "stopped watching program IRAN-EO13846" in ok(db, "watch", "remove", "IRAN-EO13846")
    assert [a for a in alerts_json(db) if a["watch"] == "watch:program:IRAN-EO13846"] == []
    ok(db, "watch", "remove", "Sea Juniper")
    assert "Nothing is watched" in ok(db, "watch", "list")


@pytest.mark.parametrize("args, message", [
    (("watch", "add", "No Such Ship"), "No Such Ship"),
    (("watch", "add", "IMO 9234564"), "not a valid IMO number"),
    (("watch", "remove", "Nothing"), "is not on the watchlist"),
    (("alerts", "--since", "May 2024"), "is not a date"),
])
def test_bad_input_is_one_line(db_arg, args, message):
    result = invoke(db_arg, *args)
    assert result.exit_code != 0
    assert message in result.output


def test_web_api_lists_alerts_and_marks_them_seen(store):
    """The explorer's alerts endpoints (web/watch_api.py) over a watched port that gains a call."""
    from graph.watch import list_alerts, raise_alerts
    from queries.watchlist import watch as add_watch

    sample_graph.build(store)
    add_watch(store, "port:rason", by="tester")
    store.run("MATCH (v:Vessel {id: 'imo:9161003'}), (p:Port {id: 'port:rason'}) "
              "MERGE (v)-[c:CALLED_AT {key: '2024-01-05'}]->(p) SET c.date = '2024-01-05', "
              "c.evidence = ['{\"article\":\"x\",\"method\":\"rule\",\"sentence\":\"A later call.\"}'], c.articles = ['x']",
              write=True)
    raised = raise_alerts(store)
    assert [a.kind for a in raised] == ["port_call"]
    assert raise_alerts(store) == []  # each fact once
    assert list_alerts(store, since="2999-01-01") == [] and len(list_alerts(store, since="2000-01-01")) == 1
    from web.app import console_headers, create_app
    from starlette.testclient import TestClient

    app = create_app(store.settings, store=store)
    with TestClient(app, base_url="http://127.0.0.1", headers=console_headers(app)) as c:
        body = c.get("/api/alerts").json()
        assert [a["id"] for a in body["alerts"]] == [raised[0].id]
        assert body["alerts"][0]["evidence"][0]["sentence"] == "A later call."
        assert body["watches"][0]["target"] == "port:rason"
        assert c.post("/api/alerts/seen", json={"ids": "x"}).status_code == 400
        assert c.post("/api/alerts/seen", json={"ids": [raised[0].id]}).json() == {"marked": 1}
        assert c.get("/api/alerts").json()["alerts"] == []
        assert len(c.get("/api/alerts?all=1").json()["alerts"]) == 1
    assert list_alerts(store) == []


def test_watch_and_alerts_do_not_import_spacy(store, db_arg):
    import subprocess
    import sys
    import textwrap

    sample_graph.build(store)
    code = textwrap.dedent(f"""
        import sys
        from click.testing import CliRunner
        from cli import main
        for args in (["watch", "add", "Lady R"], ["watch", "add", "--program", "DPRK3"], ["watch", "list"],
                     ["alerts", "--format", "json"], ["alerts", "--mark-seen"], ["watch", "remove", "Lady R"]):
            result = CliRunner().invoke(main, ["--db", {db_arg!r}, *args])
            assert result.exit_code == 0, (args, result.output)
        print(sorted(m for m in sys.modules if m.split(".")[0] in ("spacy", "thinc", "torch")))
    """)
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == "[]"

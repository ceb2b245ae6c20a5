"""The explorer's JSON API over a real store of each backend holding the sample graph (tests/stores.py:
sample_store; every test here only reads it)."""

from __future__ import annotations

import socket
from dataclasses import replace

import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

import sample_graph
from graph.errors import ConfigError
from web.api import check_read_only
from web.app import console_headers, create_app, is_loopback, resolve_token

LOCAL = "http://127.0.0.1"


def client_for(store, **settings) -> TestClient:
    app = create_app(replace(store.settings, **settings), store=store)
    return TestClient(app, base_url=LOCAL, headers=console_headers(app))


@pytest.fixture(scope="module")
def client(sample_store):
    with client_for(sample_store) as c:
        yield c


def node_count(store) -> int:
    return store.run("MATCH (n) RETURN count(n) AS c").rows[0]["c"]


# -- /api/query ---------------------------------------------------------------------------
def test_query_returns_rows_and_graph(client):
    res = client.post(
        "/api/query",
        json={
            "query": "MATCH (v:Vessel {imo: $imo})-[r:CALLED_AT]->(p:Port) RETURN v, r, p ORDER BY r.date",
            "params": {"imo": "9161003"},
        },
    )
    assert res.status_code == 200, res.text
    body = res.json()
    assert body["columns"] == ["v", "r", "p"]
    assert [row["p"]["properties"]["name"] for row in body["rows"]] == ["Rason", "Vostochny"]
    assert {n["id"] for n in body["graph"]["nodes"]} == {"imo:9161003", "port:rason", "port:vostochny"}
    edges = {(e["source"], e["type"], e["target"]) for e in body["graph"]["edges"]}
    assert ("imo:9161003", "CALLED_AT", "port:rason") in edges


def test_relationship_endpoints_are_fetched_for_the_graph(client):
    # Only relationships returned: the graph still needs their end nodes to draw them.
    res = client.post("/api/query", json={"query": "MATCH (:Company)-[r:OWNED_BY]->() RETURN r"})
    assert res.status_code == 200, res.text
    nodes = {n["id"]: n for n in res.json()["graph"]["nodes"]}
    assert nodes["agency:russian-ministry-of-defence"]["name"] == "Russian Ministry of Defence"
    assert nodes["agency:russian-ministry-of-defence"]["context"] is True


@pytest.mark.parametrize(
    "query",
    [
        "CREATE (n:Vessel {id: 'x', name: 'Ghost'}) RETURN n",
        "MATCH (v:Vessel) SET v.name = 'renamed'",
        "MATCH (n) DETACH DELETE n",
        "MERGE (n:Entity {id: 'y'})",
    ],
)
def test_write_is_refused_and_nothing_written(client, sample_store, query):
    before = node_count(sample_store)
    res = client.post("/api/query", json={"query": query})
    assert res.status_code == 403
    assert res.json()["error"]["kind"] == "read_only"
    assert "read-only" in res.json()["error"]["message"]
    assert node_count(sample_store) == before
    assert sample_store.run("MATCH (v:Vessel {id: 'imo:9161003'}) RETURN v.name AS n").rows[0]["n"] == "Lady R"


# A write procedure of each backend (no write keyword for the statement check to see), and a read
# that shows whether it wrote.
WRITE_PROCEDURE = {
    "embedded": ("CALL db.idx.fulltext.createNodeIndex('Vessel', 'flag')",
                 "CALL db.indexes() YIELD label, properties RETURN label, properties"),
    "neo4j": ("CALL db.createLabel('Flag')", "CALL db.labels() YIELD label RETURN label, [] AS properties"),
}


def test_write_the_statement_check_misses_is_refused_by_the_database(client, sample_store, backend):
    # No write keyword for the check to see: the store's read-only mode must refuse it.
    query, written = WRITE_PROCEDURE[backend]
    check_read_only(query)  # passes the first layer
    res = client.post("/api/query", json={"query": query})
    assert res.status_code == 403, res.text
    assert res.json()["error"]["kind"] == "read_only"
    after = sample_store.run(written).rows
    if backend == "embedded":
        vessel = next(i for i in after if i["label"] == "Vessel")
        assert "flag" not in vessel["properties"]
    else:
        assert "Flag" not in {i["label"] for i in after}


@pytest.mark.parametrize(
    "query",
    ["MATCH (n) RETURN n.set AS s", "RETURN 'CREATE' AS word", "MATCH (n) RETURN n // DELETE later", "RETURN $set"],
)
def test_statement_check_lets_reads_through(query):
    check_read_only(query)


def test_row_limit_names_the_limit_and_the_setting(sample_store):
    with client_for(sample_store, max_rows=3) as c:
        res = c.post("/api/query", json={"query": "MATCH (n:Entity) RETURN n.id"})
    assert res.status_code == 422
    err = res.json()["error"]
    assert err["kind"] == "row_limit" and err["limit"] == "rows" and err["value"] == 3
    assert "row limit of 3" in err["message"]
    assert "SANCTIONS_KG_MAX_ROWS" in err["message"] and "--max-rows" in err["message"]


def test_timeout_names_the_limit_and_the_setting(sample_store):
    with client_for(sample_store, query_timeout=0.05) as c:
        res = c.post(
            "/api/query",
            # Long enough on both backends to outlast Neo4j's check of transaction time limits,
            # which runs every 2 s by default (db.transaction.monitor.check.interval).
            json={"query": "UNWIND range(1, 30000) AS a UNWIND range(1, 30000) AS b RETURN count(*) AS n"},
        )
    assert res.status_code == 422, res.text
    err = res.json()["error"]
    assert err["kind"] == "timeout" and err["limit"] == "time"
    assert "time limit of 0.05 s" in err["message"]
    assert "SANCTIONS_KG_QUERY_TIMEOUT" in err["message"] and "--timeout" in err["message"]


@pytest.mark.parametrize(
    "body, message",
    [
        ({"params": {}}, '{"query"'),
        ({"query": "RETURN 1", "params": [1]}, "params must be a JSON object"),
    ],
)
def test_bad_requests_say_what_to_send(client, body, message):
    res = client.post("/api/query", json=body)
    assert res.status_code == 400
    assert message in res.json()["error"]["message"]


def test_cypher_error_is_reported(client):
    res = client.post("/api/query", json={"query": "MATCH (n RETURN n"})
    assert res.status_code == 400
    assert res.json()["error"]["kind"] == "query"


# -- /api/search --------------------------------------------------------------------------
@pytest.mark.parametrize("q", ["lady r", "Lady R", "lady rr", "ldy r", "lady-r"])
def test_search_is_typo_tolerant(client, q):
    res = client.get("/api/search", params={"q": q})
    assert res.status_code == 200
    results = res.json()["results"]
    assert results and results[0]["id"] == "imo:9161003", results
    assert results[0]["name"] == "Lady R" and results[0]["label"] == "Vessel"


def test_search_matches_aliases(client):
    results = client.get("/api/search", params={"q": "rajn"}).json()["results"]
    assert results[0]["id"] == "port:rason"
    assert results[0]["matched"] == "Rajin"


def test_search_finds_nothing_for_unrelated_text(client):
    assert client.get("/api/search", params={"q": "zzqxw"}).json()["results"] == []


# -- /api/entity, /api/edge ---------------------------------------------------------------
def test_entity_report_has_the_port_call_with_its_evidence(client):
    res = client.get("/api/entity/imo:9161003")
    assert res.status_code == 200, res.text
    report = res.json()
    assert report["entity"]["name"] == "Lady R"
    rason = next(c for c in report["port_calls"] if c["port"]["id"] == "port:rason")
    assert rason["date"] == "2023-08-20"
    assert rason["evidence"][0]["sentence"] == sample_graph.S_RASON_LOAD
    assert rason["evidence"][0]["url"] == "https://example.org/rusi/lady-r"
    assert report["sanctions"]["direct"][0]["by"]["id"] == "country:us"


def test_api_relationships_carry_the_stored_direction(client, sample_store):
    """Every relationship the entity API sends names its stored start and end (source,
    target), whichever side the report is about: the pages draw arrows from those."""
    stored = {(r["s"], r["t"], r["e"]) for r in sample_store.run(
        "MATCH (a:Entity)-[r]->(b:Entity) RETURN a.id AS s, type(r) AS t, b.id AS e").rows}
    seen = 0
    for ref in ("company:oboronlogistika-ooo", "agency:russian-ministry-of-defence", "port:rason", "imo:9161003"):
        report = client.get(f"/api/entity/{ref}").json()
        steps = [s for x in report["sanctions"]["indirect"] for s in x["path"]] + report["ownership"]
        steps += [{**x, "type": t} for t, items in report["relationships"].items() for x in items]
        for s in steps:
            assert (s["source"]["id"], s["type"], s["target"]["id"]) in stored
            seen += 1
    assert seen >= 8


def test_port_entity_lists_incoming_calls_and_its_exposure(client):
    report = client.get("/api/entity/port:rason").json()
    assert [c["vessel"]["id"] for c in report["incoming_calls"]] == ["vessel:angara", "imo:9161003"]
    assert all(c["sanctioned_by"] and c["evidence"] for c in report["incoming_calls"])
    assert report["status"]["level"] == "exposed"
    assert report["status"]["text"].startswith("Not sanctioned itself; 2 sanctioned vessels called here")


def test_unknown_entity_is_404_with_candidates(client):
    res = client.get("/api/entity/Lady%20Rr")
    assert res.status_code == 404
    err = res.json()["error"]
    assert err["kind"] == "not_found"
    assert any(c["id"] == "imo:9161003" for c in err["candidates"])


def test_edge_evidence_with_articles(client):
    res = client.get("/api/edge", params={"start": "imo:9161003", "type": "CALLED_AT", "end": "port:rason"})
    assert res.status_code == 200, res.text
    edge = res.json()
    assert edge["start"]["name"] == "Lady R" and edge["end"]["name"] == "Rason"
    assert edge["evidence"] == [
        {
            "article": sample_graph.RUSI,
            "method": "rule",
            "sentence": sample_graph.S_RASON_LOAD,
            "title": "Lady R: a sanctioned ship's trips to Rason",
            "source": "RUSI",
            "published": "2023-08-30",
            "url": "https://example.org/rusi/lady-r",
            "cite": "Lady R: a sanctioned ship's trips to Rason (RUSI, 2023-08-30)",
        }
    ]


def test_edge_type_must_be_in_the_ontology(client):
    res = client.get("/api/edge", params={"start": "a", "type": "KNOWS]->() DELETE x //", "end": "b"})
    assert res.status_code == 400
    assert "Unknown relationship type" in res.json()["error"]["message"]


# -- named queries ------------------------------------------------------------------------
def test_named_queries_are_listed_with_params(client):
    queries = {q["name"]: q for q in client.get("/api/queries").json()["queries"]}
    assert "port_call_timeline" in queries
    vessel = queries["port_call_timeline"]["params"][0]
    assert vessel["name"] == "vessel" and vessel["required"] is True


def test_named_query_runs_with_a_name_for_an_entity(client):
    res = client.post("/api/queries/port_call_timeline", json={"params": {"vessel": "lady r"}})
    assert res.status_code == 200, res.text
    rows = res.json()["rows"]
    assert [r["port"] for r in rows] == ["Rason", "Vostochny"]
    assert rows[0]["evidence"][0]["sentence"] == sample_graph.S_RASON_LOAD


def test_named_query_missing_param_is_400(client):
    res = client.post("/api/queries/port_call_timeline", json={"params": {}})
    assert res.status_code == 400
    assert "vessel" in res.json()["error"]["message"]


def test_unknown_named_query_is_404(client):
    assert client.post("/api/queries/no_such_query", json={}).status_code == 404


def test_openapi_documents_every_endpoint(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    for path in ("/api/query", "/api/entity/{ref}", "/api/search", "/api/queries", "/api/queries/{name}", "/api/edge"):
        assert path in paths, path


def test_pages_are_served(client):
    for path in ("/", "/search", "/queries", "/entity/imo:9161003", "/static/vendor/cytoscape-3.34.4.min.js"):
        assert client.get(path).status_code == 200, path


def test_every_page_has_the_shared_frame_its_title_and_its_script(client):
    pages = {"/": ("Cypher console", "console"), "/search": ("Search", "search"),
             "/queries": ("Named queries", "queries"), "/entity/imo:9161003": ("Entity", "entity")}
    for path, (title, script) in pages.items():
        html = client.get(path).text
        assert html.startswith("<!doctype html>"), path
        assert f"<title>{title} · sanctions-kg</title>" in html, path
        assert '<a href="/queries">Named queries</a>' in html and html.count("<main") == 1, path
        assert html.rstrip().endswith(f'<script src="/static/{script}.js"></script>\n</body>\n</html>'), path
        assert "{" + "main}" not in html and "{" + "title}" not in html, path


# -- safety: binding and the token --------------------------------------------------------
def test_token_required_when_not_loopback(sample_store):
    app = create_app(sample_store.settings, token="s3cret-token", host="0.0.0.0", store=sample_store)
    with TestClient(app, base_url="http://203.0.113.5:8765") as c:
        res = c.get("/api/search", params={"q": "lady r"})
        assert res.status_code == 401
        assert "token" in res.json()["error"]["message"]
        assert c.get("/").status_code == 401
        assert c.get("/api/search", params={"q": "x"}, headers={"Authorization": "Bearer wrong"}).status_code == 401
        ok = c.get("/api/search", params={"q": "lady r"}, headers={"Authorization": "Bearer s3cret-token"})
        assert ok.status_code == 200
        # A browser opens the printed address once; a cookie carries the token afterwards.
        first = c.get("/?token=s3cret-token", follow_redirects=False)
        assert first.status_code == 303 and first.headers["location"] == "/"
        assert "samesite=strict" in first.headers["set-cookie"].lower()
        assert c.get("/api/search", params={"q": "lady r"}).status_code == 200


def test_no_open_server_beyond_loopback(sample_store):
    with pytest.raises(ConfigError, match="--token"):
        create_app(sample_store.settings, token=None, host="0.0.0.0", store=sample_store)


@pytest.mark.parametrize("host, loopback", [("127.0.0.1", True), ("localhost", True), ("::1", True), ("0.0.0.0", False), ("192.168.1.4", False)])
def test_token_generated_only_beyond_loopback(host, loopback):
    assert is_loopback(host) is loopback
    token, generated = resolve_token(host, None)
    assert (token is None) is loopback and generated is (not loopback)
    assert resolve_token(host, "given") == ("given", False)


def test_loopback_server_refuses_foreign_host_names(client):
    # DNS rebinding: a page on evil.example resolving to 127.0.0.1 must not reach the API.
    res = client.get("/api/search", params={"q": "lady r"}, headers={"Host": "evil.example"})
    assert res.status_code == 400


def test_serve_refuses_a_busy_port(sample_store):
    from cli import main

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = CliRunner().invoke(main, ["--db", sample_store.settings.db, "serve", "--port", str(port)])
    assert result.exit_code == 1
    assert f"Cannot listen on 127.0.0.1:{port}" in result.output
    assert "--port" in result.output


def test_pages_only_run_scripts_from_the_server(client):
    csp = client.get("/").headers["content-security-policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp


# -- timeline, map and alerts (web/watch_api.py) ----------------------------------------------
def test_events_are_dated_and_ports_placed(client):
    body = client.get("/api/events/imo:9161003").json()
    events = body["events"]
    dated = [e["date"] for e in events if e["date"]]
    assert dated == sorted(dated) and dated
    rason = [e for e in events if e["port"] and e["port"]["id"] == "port:rason"]
    assert rason and rason[0]["kind"] == "loading"
    assert "The Lady R loaded containers at Rason on August 20." in [x["sentence"] for x in rason[0]["evidence"]]
    assert body["places"]["port:rason"]["lat"] == 42.2 and body["places"]["port:rason"]["lon"] == 130.3
    assert client.get("/api/events/no-such-thing").status_code == 404


def test_places_only_for_ports_the_package_places(client):
    got = client.get("/api/places", params=[("id", "port:rason"), ("id", "imo:9161003"), ("id", "nothing")]).json()
    assert list(got["places"]) == ["port:rason"]
    assert client.get("/api/places", params=[("id", str(i)) for i in range(501)]).status_code == 400


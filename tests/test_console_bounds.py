"""What one web console request may cost (issue 27): rows the database stops at instead of this
process reading them all, a memory bound per console query that another command's settings on a
shared server cannot lift, huge range() lists refused before they run, reports past two hops only
with the console token, and one time limit per request however many queries it runs."""

from __future__ import annotations

import time
import tracemalloc
from dataclasses import replace

import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from graph import limits as limits_module
from graph.errors import QueryTimeout, RowLimitError
from graph.store import deadline
from web.app import console_headers, create_app

LOCAL = "http://127.0.0.1"


def client_for(store, headers: bool = True, **settings) -> TestClient:
    app = create_app(replace(store.settings, **settings), store=store)
    return TestClient(app, base_url=LOCAL, headers=console_headers(app) if headers else {})


@pytest.fixture
def console_memory(monkeypatch):
    """SANCTIONS_KG_CONSOLE_MEMORY set for one test (MB)."""

    def set_to(mb: int) -> None:
        monkeypatch.setenv("SANCTIONS_KG_CONSOLE_MEMORY", str(mb))
        limits_module.limits.cache_clear()

    yield set_to
    monkeypatch.delenv("SANCTIONS_KG_CONSOLE_MEMORY", raising=False)
    limits_module.limits.cache_clear()


# -- rows: the database stops, this process never reads the rest ----------------------------------
def test_a_bounded_read_stops_one_row_past_the_limit_on_the_server(store):
    with pytest.raises(RowLimitError) as err:
        store.run("UNWIND range(1, 50000) AS i RETURN i", max_rows=10, memory_mb=256)
    # "more rows than": the backend stopped at 11 rows and does not know how many there were.
    assert "more rows than the row limit of 10" in str(err.value)
    assert store.run("UNWIND range(1, 10) AS i RETURN i", max_rows=10, memory_mb=256).values() == list(range(1, 11))


def test_a_console_query_for_many_rows_reads_no_more_than_the_limit(sample_store):
    rows = 400_000
    with client_for(sample_store, max_rows=100) as c:
        tracemalloc.start()
        try:
            res = c.post("/api/query", json={"query": f"UNWIND range(1, {rows}) AS i RETURN i, 'row' AS kind"})
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert res.status_code == 422 and res.json()["error"]["kind"] == "row_limit", res.text
    # Reading every row takes well over 100 MB of Python objects; stopping at 101 takes a few.
    assert peak < 20 * 1024 * 1024, f"{peak / 2**20:.0f} MB allocated for a 100-row answer"


# -- memory: a per-query bound, refused ranges ---------------------------------------------------
def test_a_range_too_large_for_the_console_is_refused_before_it_runs(sample_store, console_memory):
    console_memory(32)  # 2,097,152 numbers
    with client_for(sample_store) as c:
        for body in ({"query": "UNWIND range(1, 5000000) AS i RETURN count(i) AS n"},
                     {"query": "RETURN size(range(0, $n * 1000)) AS n", "params": {"n": 4000}},
                     {"query": "UNWIND range(1, 4e8) AS i RETURN count(i) AS n"}):
            res = c.post("/api/query", json=body)
            assert res.status_code == 422, res.text
            err = res.json()["error"]
            assert err["kind"] == "memory_limit" and err["setting"] == "SANCTIONS_KG_CONSOLE_MEMORY" and err["value"] == 32
            assert "\n" not in err["message"] and "smaller range" in err["message"]
        # Small ranges, and ranges over what only the data tells, run as before.
        res = c.post("/api/query", json={"query": "UNWIND range(1, 100000) AS i RETURN count(i) AS n"})
        assert res.status_code == 200 and res.json()["rows"] == [{"n": 100000}], res.text
        res = c.post("/api/query", json={"query": "WITH [1, 2, 3] AS xs RETURN range(0, size(xs) - 1) AS r"})
        assert res.json()["rows"] == [{"r": [0, 1, 2]}]


UNSIZED = "UNWIND range(1, 2000) AS i WITH collect(i) AS xs UNWIND range(1, size(xs) * 1500) AS j RETURN count(j) AS n"


def _memory_refused(c) -> dict:
    res = c.post("/api/query", json={"query": UNSIZED})
    assert res.status_code == 422, res.text
    return res.json()["error"]


def test_a_console_query_past_its_memory_bound_is_stopped_by_the_server(sample_store, backend, console_memory):
    if backend != "embedded":
        pytest.skip("Neo4j bounds a transaction's memory server-wide (db.memory.transaction.max), not per query")
    console_memory(32)  # the list of 3,000,000 numbers needs 48 MB; the store's own bound is 1024 MB
    with client_for(sample_store) as c:
        err = _memory_refused(c)
    assert err["kind"] == "memory_limit" and "32 MB" in err["message"] and "SANCTIONS_KG_CONSOLE_MEMORY" in err["message"]
    assert "\n" not in err["message"]
    # The bound held for that one query only: the store's other reads keep their own.
    assert sample_store.run(UNSIZED).rows == [{"n": 3_000_000}]


def test_another_command_with_other_limits_does_not_lift_the_console_bound(sample_store, backend, console_memory, monkeypatch):
    if backend != "embedded":
        pytest.skip("the embedded server is shared by every command; Neo4j's limits are its operator's")
    from cli import main

    console_memory(32)
    with client_for(sample_store) as c:
        _memory_refused(c)
        # A later command, run with higher limits, sets them on the server all clients share.
        monkeypatch.setenv("SANCTIONS_KG_QUERY_MEMORY", "2048")
        monkeypatch.setenv("SANCTIONS_KG_RESULT_ROWS_MAX", "3000000")
        monkeypatch.setenv("SANCTIONS_KG_KEEP_SERVER", "0")
        out = CliRunner().invoke(main, ["--db", sample_store.settings.db, "query", "RETURN 1 AS one"])
        assert out.exit_code == 0, out.output
        client = sample_store._db.client
        assert client.execute_command("GRAPH.CONFIG", "GET", "QUERY_MEM_CAPACITY")[1] == 2048 * 2**20
        err = _memory_refused(c)
        assert err["kind"] == "memory_limit"
        # The command's settings stand for everyone else after the console's query.
        assert client.execute_command("GRAPH.CONFIG", "GET", "QUERY_MEM_CAPACITY")[1] == 2048 * 2**20
        assert client.execute_command("GRAPH.CONFIG", "GET", "RESULTSET_SIZE")[1] == 3_000_000
    client.execute_command("GRAPH.CONFIG", "SET", "QUERY_MEM_CAPACITY", sample_store.settings.query_memory_mb * 2**20)
    client.execute_command("GRAPH.CONFIG", "SET", "RESULTSET_SIZE", sample_store.settings.result_rows_max)


# -- reports: hops past two need the token; one time limit per request ----------------------------
def test_a_report_past_two_hops_needs_the_console_token(sample_store):
    with client_for(sample_store, headers=False) as c:
        assert c.get("/api/entity/imo:9161003?hops=2").status_code == 200
        res = c.get("/api/entity/imo:9161003?hops=3")
        assert res.status_code == 403, res.text
        err = res.json()["error"]
        assert err["kind"] == "console_token" and "X-Sanctions-KG-Console" in err["message"]
        token = c.app.state.console_token
        assert c.get("/api/entity/imo:9161003?hops=3", headers={"X-Sanctions-KG-Console": token}).status_code == 200
        assert c.get("/api/entity/imo:9161003?hops=3", headers={"X-Sanctions-KG-Console": "wrong"}).status_code == 403


def test_reads_inside_a_deadline_share_its_time(store):
    with deadline(0.05):
        store.run("RETURN 1 AS one")
        time.sleep(0.06)
        with pytest.raises(QueryTimeout) as err:
            store.run("RETURN 1 AS one")
    assert "time limit of 0.05 s" in str(err.value) and "SANCTIONS_KG_QUERY_TIMEOUT" in str(err.value)
    assert store.run("RETURN 1 AS one").rows == [{"one": 1}]  # outside it, the usual limit


def test_a_report_of_many_queries_is_held_to_one_time_limit(sample_store):
    # Each of the report's queries is quick; together they take longer than a millisecond.
    with client_for(sample_store, query_timeout=0.001) as c:
        res = c.get("/api/entity/imo:9161003")
    assert res.status_code == 422, res.text
    assert res.json()["error"]["kind"] == "timeout"

"""Holes the second hostile-input pass found (issue 27), each with the behaviour that closes it:
no outbound connection from any query path; `repair` never loses data; what a list says never
overrides what an article's own text establishes; and the smaller findings. Every name and text
here is made up for these tests."""

from __future__ import annotations

import socket
import threading
from dataclasses import replace

import pytest
from click.testing import CliRunner

from cli import main
from graph.errors import OutboundRefused


# -- no outbound connections -------------------------------------------------------------------
class _Listener:
    """A TCP listener on 127.0.0.1 that counts the connections it receives (never answers)."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self):
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self):
        self._stop.set()
        self._thread.join(2)
        self.sock.close()


@pytest.fixture
def listener():
    lst = _Listener()
    yield lst
    lst.close()


FETCHES = [
    "LOAD CSV FROM 'http://127.0.0.1:{port}/x.csv' AS row RETURN row",
    "load  csv with headers from 'https://127.0.0.1:{port}/x.csv' AS row RETURN count(row)",
    "MATCH (n) WITH n LIMIT 1 LOAD CSV FROM 'file:///etc/hostname' AS row RETURN row",
    "CALL apoc.load.json('http://127.0.0.1:{port}/x.json') YIELD value RETURN value",
]


@pytest.mark.parametrize("query", FETCHES)
def test_a_statement_that_fetches_is_refused_on_every_path_and_no_connection_is_made(store, listener, query):
    query = query.format(port=listener.port)
    for write in (False, True):
        with pytest.raises(OutboundRefused) as err:
            store.run(query, write=write)
        assert "\n" not in str(err.value) and "refused" in str(err.value) and "ingest" in str(err.value)
    with pytest.raises(OutboundRefused):
        with store.batch() as b:
            b.run(query)
    assert listener.connections == 0


def test_the_words_load_csv_in_a_string_or_a_name_are_not_refused(store):
    rows = store.run("RETURN 'LOAD CSV FROM x' AS `load csv`, 1 AS n // LOAD CSV").rows
    assert rows == [{"load csv": "LOAD CSV FROM x", "n": 1}]


def test_cli_query_and_web_console_refuse_load_csv_in_one_line(store, db_arg, listener):
    from starlette.testclient import TestClient

    from web.app import console_headers, create_app

    query = f"LOAD CSV FROM 'http://127.0.0.1:{listener.port}/x.csv' AS row RETURN row"
    for extra in ([], ["--write"]):
        res = CliRunner().invoke(main, ["--db", db_arg, "query", query, *extra])
        assert res.exit_code == 1, res.output
        lines = [line for line in res.output.splitlines() if line.strip()]
        assert len(lines) == 1 and "LOAD CSV was refused" in lines[0], res.output
    app = create_app(replace(store.settings), store=store)
    with TestClient(app, base_url="http://127.0.0.1", headers=console_headers(app)) as client:
        res = client.post("/api/query", json={"query": query})
    assert res.status_code == 403, res.text
    assert "LOAD CSV was refused" in res.json()["error"]["message"]
    assert listener.connections == 0

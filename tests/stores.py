"""Store fixtures shared by every test file (a pytest plugin: tests/conftest.py loads it).

Each is parametrised over the backends, so a test that asks for a store runs on each:
the embedded FalkorDB always, Neo4j when NEO4J_URI is set (CI's neo4j:5 service container,
or `docker compose up -d`), skipped with that reason otherwise.

- `backend`      "embedded" or "neo4j" (session scope: the tests of one backend run together)
- `db_path`      a fresh embedded database file; servers left running for it are killed after
- `opener`       opens this backend's store, again and again (close/reopen tests)
- `store`        an empty store, closed after the test
- `sample_store` tests/sample_graph.py's graph, built once per module, for tests that only read

Neo4j is one shared server: each fixture empties its database before use, so tests of one
module share it and must not run in parallel with another module's.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import sample_graph
from graph.backends import open_store
from graph.settings import from_env
from graph.store import GraphStore
from reliability_helpers import servers_in

NEO4J_URI = os.environ.get("NEO4J_URI")
NEO4J_REASON = "set NEO4J_URI (and NEO4J_USERNAME/NEO4J_PASSWORD) to run against Neo4j"
BACKENDS = ["embedded", pytest.param("neo4j", marks=pytest.mark.skipif(not NEO4J_URI, reason=NEO4J_REASON))]


def _open(backend: str, path: Path) -> GraphStore:
    if backend == "embedded":
        return open_store(str(path))
    return open_store(settings=from_env(db=NEO4J_URI))


def _empty(backend: str, store: GraphStore) -> GraphStore:
    if backend == "neo4j":
        store.run("MATCH (n) DETACH DELETE n", write=True)  # one shared server: start empty
    return store


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture
def db_path(tmp_path: Path) -> Iterator[Path]:
    """A fresh embedded database file; any server left running for it is killed afterwards."""
    yield tmp_path / "kg.db"
    # Crash tests leave orphan servers on purpose; don't let them outlive the test.
    for proc in servers_in(tmp_path):
        proc.kill()


@pytest.fixture
def opener(backend: str, db_path: Path) -> Callable[[], GraphStore]:
    """Opens the store of this backend (again and again, for close/reopen tests)."""
    return lambda: _open(backend, db_path)


@pytest.fixture
def store(backend: str, opener) -> Iterator[GraphStore]:
    """An empty store of each backend."""
    s = _empty(backend, opener())
    yield s
    s.close()


@pytest.fixture(scope="module")
def sample_store(backend: str, tmp_path_factory) -> Iterator[GraphStore]:
    """The sample graph (tests/sample_graph.py) in a store of each backend, for reading."""
    with _open(backend, tmp_path_factory.mktemp("sample") / "graph.db") as s:
        sample_graph.build(_empty(backend, s))
        yield s

"""Store fixtures shared by every test file (a pytest plugin: tests/conftest.py loads it).

Each is parametrised over the backends, so a test that asks for a store runs on each:
the embedded FalkorDB and Neo4j. Neo4j is the server NEO4J_URI names when the user sets it
(CI's neo4j:5 service container, `docker compose up -d`, Aura), otherwise the one
tests/bootstrap.py starts for the session (Neo4j Community from Maven Central).

- `backend`      "embedded" or "neo4j" (session scope: the tests of one backend run together)
- `db_path`      a fresh embedded database file; servers left running for it are killed after
- `opener`       opens this backend's store, again and again (close/reopen tests)
- `store`        an empty store, closed after the test
- `db_arg`       the `--db` value of that same store, for CLI tests: its file path, or NEO4J_URI
- `sample_store` tests/sample_graph.py's graph, built once per module, for tests that only read
- `graph_of`     for a module's own graph: `graph_of(build)` fills a store once per module and
                 backend and gives a ModuleGraph; its `.store` / `.db` build it again first when a
                 test in between emptied the shared Neo4j database

A test module defines none of these itself (tests/test_fixtures.py checks), and opens a store on
a path of its own only to test the embedded server (its process, files, locks, keeper, AOF).

Neo4j is one shared server: each fixture empties its database before use (`clear`, which a test
that needs a second database calls to run its second case in the same one), so tests of one
module share it and must not run in parallel with another module's. A module graph notices
when it was emptied under it (`_Neo4jFills`) and builds itself again; `sample_store` does not
(its users alias it in module-scoped fixtures), so a module that reads it asks for no `store`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import bootstrap
import sample_graph
from graph.backends import open_store
from graph.settings import from_env
from graph.store import GraphStore
from reliability_helpers import servers_in

BACKENDS = ["embedded", "neo4j"]


class _Neo4jFills:
    """How many times the one shared Neo4j database has been emptied so far."""

    count = 0


def _open(backend: str, path: Path) -> GraphStore:
    if backend == "embedded":
        return open_store(str(path))
    return open_store(settings=from_env(db=bootstrap.neo4j_env()["NEO4J_URI"]))


def clear(backend: str, store: GraphStore) -> GraphStore:
    """Delete everything in `store`, e.g. to run a second case in the same database mid-test
    (Neo4j's test server has one); on Neo4j, module graphs notice and build themselves again."""
    store.run("MATCH (n) DETACH DELETE n", write=True)
    if backend == "neo4j":
        _Neo4jFills.count += 1
    return store


def _empty(backend: str, store: GraphStore) -> GraphStore:
    # One shared Neo4j server: start empty. An embedded store has a fresh file of its own.
    return clear(backend, store) if backend == "neo4j" else store


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


@pytest.fixture
def db_arg(store: GraphStore) -> str:
    """The `--db` value of `store` (a file path, or the bolt URI on Neo4j), for CLI tests.

    The store stays open meanwhile: each command attaches to its embedded server instead of
    starting one; a test may close it first (`store.close()`) to let a command find none."""
    return store.settings.db


class ModuleGraph:
    """A graph one test module builds once per backend and its tests share."""

    def __init__(self, backend: str, store: GraphStore, build: Callable[[GraphStore], object]):
        self.backend, self._store, self._build = backend, store, build
        self._fill: int | None = None
        self._ensure()

    def _ensure(self) -> GraphStore:
        # Built at first use; on Neo4j again whenever a test emptied the shared database since.
        if self._fill is None or (self.backend == "neo4j" and self._fill != _Neo4jFills.count):
            _empty(self.backend, self._store)
            self._build(self._store)
            self._fill = _Neo4jFills.count
        return self._store

    @property
    def store(self) -> GraphStore:
        """The store holding the graph, open until the module ends."""
        return self._ensure()

    @property
    def db(self) -> str:
        """Its `--db` value, for CLI tests."""
        return self._ensure().settings.db


@pytest.fixture(scope="module")
def graph_of(backend: str, tmp_path_factory) -> Iterator[Callable[[Callable[[GraphStore], object]], ModuleGraph]]:
    """`graph_of(build)`: a ModuleGraph of this backend filled by `build(store)`, closed at module end.

    Call it from a module-scoped fixture; on Neo4j, one module graph at a time holds the database,
    and asking another for its store builds that one again."""
    opened: list[GraphStore] = []

    def make(build: Callable[[GraphStore], object]) -> ModuleGraph:
        opened.append(_open(backend, tmp_path_factory.mktemp("graph") / "graph.db"))
        return ModuleGraph(backend, opened[-1], build)

    yield make
    for s in opened:
        s.close()


@pytest.fixture(scope="module")
def sample_store(backend: str, tmp_path_factory) -> Iterator[GraphStore]:
    """The sample graph (tests/sample_graph.py) in a store of each backend, for reading."""
    with _open(backend, tmp_path_factory.mktemp("sample") / "graph.db") as s:
        sample_graph.build(_empty(backend, s))
        yield s

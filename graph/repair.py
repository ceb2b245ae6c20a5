"""`sanctions-kg repair`: make a damaged append-only log of the embedded database loadable
again, never losing data (graph/aof.py cuts the log; this module proves the cut log holds at
least what the snapshot held before it is applied).

Above graph/server.py and graph/backends.py: it opens the copies it checks as stores of their
own, which the server module cannot do without importing the store modules that import it.
"""

from __future__ import annotations

import os
from pathlib import Path

from graph import aof
from graph.errors import StoreError
from graph.server import one_line, open_lock, read_registry


def repair_aof(db: str | os.PathLike) -> str:
    """Make a damaged append-only log loadable again (graph/aof.py); says what was done.

    Never loses data: the repair runs on a copy of the log, the copy is loaded in a server of
    its own and counted, and it replaces the log only when it holds at least as many nodes and
    relationships as the snapshot (`db`, loaded alone the same way); the old log and the
    snapshot are kept beside the database (`<db>.before-repair-<time>`, `<db>.aof.before-repair-<time>`).
    Otherwise it is refused (StoreError, nothing changed), saying what each holds. Refused while
    a server runs for `db`.
    """
    import shutil
    import time

    path = Path(db).expanduser().resolve()
    folder = aof.aof_dir(path)
    if not folder.is_dir():
        return f"Nothing to repair: {path} has no append-only log ({folder})."
    with open_lock(path):
        server = read_registry(path)
        if server is not None and server.alive():
            raise StoreError(f"A database server is running for {path} (pid {server.pid}): "
                             "stop it first (`uv run sanctions-kg stop`), then repair.")
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
            repaired = _held(check, "the repaired log")
            held = (0, 0)
            if path.is_file() and path.stat().st_size > 0:
                alone = work / "snapshot" / path.name
                alone.parent.mkdir()
                shutil.copy2(path, alone)
                held = _held(alone, "the snapshot")
            if repaired[0] < held[0] or repaired[1] < held[1]:
                raise StoreError(
                    f"Repair refused: the log cut back would hold {repaired[0]} nodes and {repaired[1]} relationships, "
                    f"fewer than the snapshot {path} ({held[0]} nodes, {held[1]} relationships), so applying it would "
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
            f"held {held[0]} and {held[1]}). The old log is kept in {kept_log}.")


def _held(db: Path, what: str) -> tuple[int, int]:
    """(nodes, relationships) a database file with its log (or its snapshot alone) loads, in a
    server of its own stopped at once; StoreError when it does not load."""
    from dataclasses import replace

    from graph.backends import open_store
    from graph.settings import from_env

    try:
        with open_store(settings=replace(from_env(db=str(db)), keep_server=0)) as store:
            nodes = int(store.run("MATCH (n) RETURN count(n) AS c", timeout=600).rows[0]["c"])
            rels = int(store.run("MATCH ()-[r]->() RETURN count(r) AS c", timeout=600).rows[0]["c"])
    except StoreError as exc:
        raise StoreError(f"Repair refused: {what} does not load ({one_line(exc)}); nothing was changed. "
                         f"Restore {aof.aof_dir(db).name} from a backup.") from None
    return nodes, rels

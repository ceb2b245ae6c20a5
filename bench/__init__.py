"""Benchmarks of sanctions-kg: corpus and graph generators, ingest, writes and queries.

Each module runs with `uv run python -m bench.<name>`; results and how to read them are in
bench/RESULTS.md. Generated corpora, databases and JSON results go to bench/out/ (gitignored).
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def provenance() -> dict:
    """What a result was measured on: machine, load, and the code (commit plus uncommitted files)."""

    def git(*args: str) -> str:
        try:
            # rstrip only: porcelain lines start with a status column that may be a space.
            return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=10).stdout.rstrip()
        except (OSError, subprocess.SubprocessError):
            return ""

    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = ""
    try:
        import psutil

        ram = f"{psutil.virtual_memory().total / 2**30:.1f} GiB"
    except ImportError:
        pass
    dirty = [line[3:] for line in git("status", "--porcelain", "--", "graph", "ingest", "queries", "cli.py").splitlines()]
    return {
        "commit": git("rev-parse", "--short", "HEAD").strip(),
        "uncommitted": dirty,
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "ram": ram,
        "python": platform.python_version(),
        "loadavg": [round(x, 2) for x in os.getloadavg()],
    }


def emit(result: dict, path: Path | None) -> None:
    """Print a bench result as JSON, and keep it at `path` (the benches' --json) when given."""
    text = json.dumps(result, indent=2)
    print(text)
    if path:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text + "\n")

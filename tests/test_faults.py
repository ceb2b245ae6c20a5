"""Store-side faults (issue 14): nothing acknowledged lost, nothing hung.

Every test runs on a real embedded FalkorDB and checks one clear error (one line, no
traceback) and the stored graph equal (reliability_helpers.snapshot) to what it was before, or
to a clean run. Heavier variants run with SANCTIONS_KG_HEAVY_FAULTS=1.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from graph.store import open_store
from ingest.model import Document
from reliability_helpers import diff, servers_in, snapshot

ROOT = Path(__file__).resolve().parents[1]
CLI = str(Path(sys.executable).with_name("sanctions-kg"))
HEAVY = os.environ.get("SANCTIONS_KG_HEAVY_FAULTS") == "1"

ARTICLE = (
    "The tanker {name} (IMO 9000010) loaded cargo at Nampo on February 3, 2024. "
    "{name} is owned by Zenith Shipping LLC. The United States sanctioned {name} in 2023.\n"
)


def _kill_servers(folder: Path) -> None:
    for proc in servers_in(folder):
        proc.kill()


@pytest.fixture
def db(tmp_path):
    yield tmp_path / "kg.db"
    _kill_servers(tmp_path)


def cli(db: Path, *args: str, env: dict | None = None, timeout: float = 120, **kw) -> subprocess.CompletedProcess:
    full = dict(os.environ, SANCTIONS_KG_KEEP_SERVER="0", **(env or {}))
    return subprocess.run([CLI, "--db", str(db), *args], capture_output=True, text=True, env=full,
                          timeout=timeout, cwd=ROOT, **kw)


def one_clear_line(stderr: str, *fragments: str) -> str:
    lines = [ln for ln in stderr.strip().splitlines() if ln.strip()]
    assert "Traceback" not in stderr, stderr
    assert len(lines) == 1, stderr
    for f in fragments:
        assert f in lines[0], lines[0]
    return lines[0]


# -- 2. a NUL byte never breaks "the whole article or nothing" ------------------------------
def test_an_article_with_a_nul_byte_is_refused_whole_and_stays_incomplete(db):
    from ingest.pipeline import ingest_documents

    good = Document(text=ARTICLE.format(name="Golden Harmony"), path="good.txt")
    bad = Document(text=ARTICLE.format(name="Nul\x00Star"), path="bad.txt")
    with open_store(str(db)) as store:
        ingest_documents(store, [good])
        before = snapshot(store)
        summary = ingest_documents(store, [bad])
        assert summary.new == 0 and [f.path for f in summary.failed] == ["bad.txt"]
        assert "NUL byte" in summary.failed[0].reason
        assert snapshot(store) == before, diff(snapshot(store), before)
        # Not "unchanged" on a re-run: the article was never marked complete.
        again = ingest_documents(store, [bad])
        assert again.unchanged == 0 and len(again.failed) == 1

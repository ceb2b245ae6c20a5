"""What `uv run pytest` needs beyond Python, installed before the first test runs.

Loaded by tests/conftest.py as a pytest plugin. After collection, before any test runs:

- tests/test_cypher_lint.py selected: Neo4j's Cypher front end from npm. `npm ci` runs when
  node_modules/ is missing or holds other versions than package-lock.json. Without node and
  npm the run stops with the command that installs them.
- tests/test_web_browser.py selected: Debian's chromium. As root, `apt-get update && apt-get
  install -y chromium` runs; otherwise the run stops with that command to type.

Nothing is skipped for a missing tool: it is installed, or the run stops at once with one line
that says how. What the installers print is shown as it comes.

The artefact check: the `git status --porcelain` lines at the start of the session are kept;
at the end, any line that was not there (a file a test created or changed in the tree) fails
the run, named, so a developer's own uncommitted work does not count. Set
SANCTIONS_KG_SKIP_ARTEFACT_CHECK=1 to switch it off (e.g. while editing tracked files during
a run).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path(os.environ.get("SANCTIONS_KG_CHROMIUM", "/usr/bin/chromium"))
SCREENSHOTS = ROOT / "build" / "screenshots"
APT = "apt-get update && apt-get install -y chromium"


# -- Node packages ---------------------------------------------------------------------------------


def node_packages_stale(root: Path = ROOT) -> str | None:
    """Why node_modules/ does not match package-lock.json (None when it does)."""
    lock_path = root / "package-lock.json"
    if not lock_path.exists():
        return None
    lock = json.loads(lock_path.read_text("utf-8"))
    for where, meta in lock.get("packages", {}).items():
        if not where.startswith("node_modules/") or meta.get("optional") or meta.get("link"):
            continue
        manifest = root / where / "package.json"
        if not manifest.exists():
            return f"{where} is missing"
        version = json.loads(manifest.read_text("utf-8")).get("version")
        if version != meta.get("version"):
            return f"{where} is {version}, package-lock.json says {meta.get('version')}"
    return None


def ensure_node_packages(say) -> None:
    why = node_packages_stale()
    if why is None:
        return
    if not (shutil.which("node") and shutil.which("npm")):
        pytest.exit("The Cypher check (tests/test_cypher_lint.py) needs Node.js 18.18+ and npm, which are not "
                    "installed: run `apt-get install -y nodejs npm` (as root), then `uv run pytest` again.",
                    returncode=4)
    say(f"bootstrap: {why}: running `npm ci` for the offline Cypher check (tests/test_cypher_lint.py)")
    done = subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=ROOT)
    if done.returncode != 0 or node_packages_stale() is not None:
        pytest.exit(f"`npm ci` failed in {ROOT} (exit {done.returncode}, output above): fix that, "
                    "then run `uv run pytest` again.", returncode=4)


# -- chromium --------------------------------------------------------------------------------------


def ensure_chromium(say) -> None:
    if CHROMIUM.exists() and os.access(CHROMIUM, os.X_OK):
        return
    custom = "SANCTIONS_KG_CHROMIUM" in os.environ
    if custom or os.geteuid() != 0 or not shutil.which("apt-get"):
        where = f"SANCTIONS_KG_CHROMIUM={CHROMIUM} is not an executable" if custom else f"{CHROMIUM} is missing"
        pytest.exit(f"The browser tests (tests/test_web_browser.py) need Debian's chromium and {where}: "
                    f"run `sudo sh -c '{APT}'`, then `uv run pytest` again.", returncode=4)
    say(f"bootstrap: {CHROMIUM} is missing: running `{APT}` for the browser tests (tests/test_web_browser.py)")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    done = subprocess.run(["sh", "-c", APT], env=env, stdin=subprocess.DEVNULL)
    if done.returncode != 0 or not CHROMIUM.exists():
        pytest.exit(f"`{APT}` failed (exit {done.returncode}, output above): install Debian's chromium, "
                    "then run `uv run pytest` again.", returncode=4)


# -- artefact check --------------------------------------------------------------------------------


def git_status(root: Path = ROOT) -> set[str] | None:
    """`git status --porcelain` lines (untracked files listed one by one); None outside git."""
    if not shutil.which("git") or not (root / ".git").exists():
        return None
    done = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=root,
                          capture_output=True, text=True)
    return set(done.stdout.splitlines()) if done.returncode == 0 else None


# -- pytest hooks ----------------------------------------------------------------------------------


def _say(config):
    capture = config.pluginmanager.getplugin("capturemanager")
    reporter = config.pluginmanager.getplugin("terminalreporter")

    def say(line: str) -> None:
        if reporter is not None:
            reporter.write_line(line)
        else:
            print(line, flush=True)

    # The installers' own output must reach the terminal, not pytest's capture.
    return say, (capture.global_and_fixture_disabled() if capture else contextlib.nullcontext())


def pytest_sessionstart(session):
    session.config._skg_status_before = None
    if not os.environ.get("SANCTIONS_KG_SKIP_ARTEFACT_CHECK"):
        session.config._skg_status_before = git_status()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)


def pytest_collection_finish(session):
    """After collection and deselection (-k, file names), before the first test."""
    files = {Path(str(item.path)).name for item in session.items}
    say, uncaptured = _say(session.config)
    with uncaptured:
        if "test_cypher_lint.py" in files:
            ensure_node_packages(say)
        if "test_web_browser.py" in files:
            ensure_chromium(say)


def pytest_sessionfinish(session, exitstatus):
    before = getattr(session.config, "_skg_status_before", None)
    if before is None or exitstatus not in (0, 1):  # outside git, switched off, or interrupted
        return
    new = sorted((git_status() or set()) - before)
    session.config._skg_new_artefacts = new
    if new:
        session.exitstatus = 1


def pytest_terminal_summary(terminalreporter, config):
    new = getattr(config, "_skg_new_artefacts", None)
    if new:
        tr = terminalreporter
        tr.section("artefact check", red=True)
        tr.write_line("The test run left files in the tree that `git status` shows (not there before the run):")
        for line in new:
            tr.write_line(f"  {line}")
        tr.write_line("Write them under a temporary folder or build/, remove them, or add them to .gitignore.")

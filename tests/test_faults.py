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

from graph.backends import open_store
from ingest.model import Document
from reliability_helpers import diff, kill_servers, servers_in, snapshot

ROOT = Path(__file__).resolve().parents[1]
CLI = str(Path(sys.executable).with_name("sanctions-kg"))
HEAVY = os.environ.get("SANCTIONS_KG_HEAVY_FAULTS") == "1"

ARTICLE = (
    "The tanker {name} (IMO 9000010) loaded cargo at Nampo on February 3, 2024. "
    "{name} is owned by Zenith Shipping LLC. The United States sanctioned {name} in 2023.\n"
)


@pytest.fixture
def db(tmp_path):
    yield tmp_path / "kg.db"
    for folder in (tmp_path, *tmp_path.glob("try*")):  # the Ctrl+C test's attempts
        kill_servers(folder)


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


# -- 1. a full disk: a live server is never taken for a dead one ----------------------------
@pytest.fixture
def small_disk(tmp_path):
    """A 6 MB tmpfs (root only); skipped, with the reason, where mounting is refused."""
    mnt = tmp_path / "small"
    mnt.mkdir()
    res = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=6m", "tmpfs", str(mnt)], capture_output=True, text=True)
    if res.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here (needs root): {res.stderr.strip() or res.returncode}")
    try:
        yield mnt
    finally:
        kill_servers(mnt)
        subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


def _fill(folder: Path) -> Path:
    filler = folder / "filler.bin"
    with open(filler, "wb") as fh:
        try:
            while True:
                fh.write(b"\0" * 65536)
                fh.flush()
        except OSError:
            pass
    return filler


def test_full_disk_refuses_writes_starts_no_second_server_and_loses_nothing(small_disk):
    from graph import errors

    db = small_disk / "kg.db"
    store = open_store(str(db))
    try:
        def batch(i: int) -> list[dict]:
            return [{"id": f"imo:{i}-{j}", "name": f"Vessel {i}-{j} " + "x" * 500} for j in range(20)]

        store.upsert_nodes("Vessel", batch(0))
        acknowledged = 1
        filler = _fill(small_disk)
        refused = None
        for i in range(1, 200):
            try:
                store.upsert_nodes("Vessel", batch(i))
                acknowledged += 1
            except errors.StoreUnavailable as exc:
                refused = exc
                break
        assert refused is not None, "writes to a full disk were all acknowledged"
        assert "\n" not in str(refused) and "nothing of it was stored" in str(refused)

        # Another command meets the same server (alive, refusing): one line, no second server.
        for args in (["stats"], ["query", "--write", "CREATE (:Port {id: 'port:late', name: 'Late'})"]):
            res = cli(db, *args)
            assert res.returncode == 1, res
            one_clear_line(res.stderr, "cannot write", "Free space")
            assert len(servers_in(small_disk)) == 1

        filler.unlink()  # space again: the server writes what it holds, and takes writes again
        for _ in range(50):
            try:
                store.upsert_nodes("Vessel", batch(1000))
                break
            except errors.StoreUnavailable:
                import time

                time.sleep(0.2)
        else:
            pytest.fail("the server never took writes again after space was freed")
        expected = {f"imo:{i}-{j}" for i in [*range(acknowledged), 1000] for j in range(20)}
    finally:
        store.close()
    assert servers_in(small_disk) == []  # stopped at the last close, its AOF written
    with open_store(str(db)) as again:  # a fresh server, from the files alone
        ids = set(again.run("MATCH (v:Vessel) RETURN v.id AS id").values())
        assert ids == expected
        assert again.run("MATCH (p:Port) RETURN count(p) AS c").values() == [0]


# -- 3. every read query is bounded on the server ---------------------------------------------
def _limited(db: Path, **limits):
    from graph.settings import from_env

    return open_store(settings=from_env(db=str(db), **limits))


def test_server_limits_are_set_from_our_settings(db):
    with _limited(db, query_timeout=1.0, query_timeout_max=2.0, query_memory_mb=48, result_rows_max=500) as store:
        client = store._db.client
        got = {k: client.execute_command("GRAPH.CONFIG", "GET", k)[1]
               for k in ("TIMEOUT_MAX", "QUERY_MEM_CAPACITY", "RESULTSET_SIZE")}
        assert got == {"TIMEOUT_MAX": 2000, "QUERY_MEM_CAPACITY": 48 * 1024 * 1024, "RESULTSET_SIZE": 500}


def test_a_query_allocating_past_the_memory_limit_is_stopped_and_named(db):
    from graph import errors

    with _limited(db, query_memory_mb=32) as store:
        store.upsert_nodes("Vessel", [{"id": "imo:1", "name": "One"}])
        before = snapshot(store)
        with pytest.raises(errors.QueryError, match="SANCTIONS_KG_QUERY_MEMORY") as info:
            store.run("UNWIND range(1, 10000000) AS x RETURN count(x) AS n")
        assert "\n" not in str(info.value)
        assert store.run("RETURN 1 AS one").rows == [{"one": 1}]  # the server is still up
        assert snapshot(store) == before


def test_a_query_over_the_servers_time_cap_is_stopped_even_without_our_timeout(db):
    from graph import errors

    slow = "UNWIND range(1, 5000) AS x UNWIND range(1, 5000) AS y WITH x, y WHERE (x * y) % 7 = 0 RETURN count(*) AS c"
    with _limited(db, query_timeout=0.5, query_timeout_max=0.5) as store:
        with pytest.raises(Exception, match="(?i)timed out"):
            store.graph.ro_query(slow)  # as any other client of the server would, no TIMEOUT given
        with pytest.raises(errors.ConfigError, match="SANCTIONS_KG_QUERY_TIMEOUT_MAX"):
            store.run("RETURN 1", timeout=1e308)


def test_rows_past_the_servers_row_cap_are_an_error_never_a_silent_cut(db):
    from graph import errors

    with _limited(db, result_rows_max=100) as store:
        assert len(store.run("UNWIND range(1, 99) AS x RETURN x")) == 99
        with pytest.raises(errors.RowLimitError, match="SANCTIONS_KG_RESULT_ROWS_MAX"):
            store.run("UNWIND range(1, 100000) AS x RETURN x")


def test_the_issues_query_bomb_ends_in_one_line_and_the_graph_survives(db):
    """`UNWIND range(1, 100000000)` builds a 1.6 GB list before FalkorDB checks the query's
    memory; under SANCTIONS_KG_SERVER_MEMORY (the server's RLIMIT_AS, here 1 GB) the
    allocation fails, the server stops, and the next command starts it again from its AOF."""
    with open_store(str(db)) as store:
        store.upsert_nodes("Vessel", [{"id": "imo:1", "name": "One"}])
        before = snapshot(store)
    res = cli(db, "query", "UNWIND range(1,100000000) AS x RETURN x",
              env={"SANCTIONS_KG_SERVER_MEMORY": "1024", "SANCTIONS_KG_QUERY_MEMORY": "1024"})
    assert res.returncode == 1, res
    one_clear_line(res.stderr, "SANCTIONS_KG_SERVER_MEMORY")
    with open_store(str(db)) as store:
        assert snapshot(store) == before


# -- 4. interrupted multi-process ingest: workers die with it, nothing hangs ---------------------
N_CORPUS = 240  # long enough after the workers start (~2 s) for the faults below to land inside the run


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    from reliability_helpers import articles, write_corpus

    folder = tmp_path_factory.mktemp("corpus") / "articles"
    write_corpus(folder, articles(N_CORPUS))
    return folder


@pytest.fixture(scope="module")
def reference(tmp_path_factory, corpus) -> dict:
    """The graph of one clean ingest of the corpus (in this process, one extraction process)."""
    from ingest.pipeline import ingest_paths

    folder = tmp_path_factory.mktemp("reference")
    with open_store(str(folder / "kg.db")) as store:
        summary = ingest_paths(store, [str(corpus)])
        assert summary.new == N_CORPUS and summary.ok
        snap = snapshot(store)
    kill_servers(folder)
    return snap


def _workers(proc) -> list:
    import psutil

    try:
        return [c for c in psutil.Process(proc.pid).children(recursive=True) if "redis" not in c.name()]
    except psutil.NoSuchProcess:
        return []


def _delay(seed: int) -> float:
    import random

    return random.Random(seed).uniform(0, 3)


def _start_ingest(db: Path, corpus: Path, delay: float, processes: int = 2):
    """`ingest --processes N`, in its own process group (as a terminal's foreground job); back
    once its workers run (N > 1) or its store is open (N = 1), and `delay` seconds more."""
    import time

    proc = subprocess.Popen([CLI, "--db", str(db), "ingest", "--processes", str(processes), str(corpus)], cwd=ROOT,
                            env=dict(os.environ, SANCTIONS_KG_KEEP_SERVER="0"), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    workers: list = []
    for _ in range(1200):
        workers = _workers(proc)
        if proc.poll() is not None or (len(workers) >= 2 if processes > 1 else servers_in(db.parent)):
            break
        time.sleep(0.05)
    assert proc.poll() is None, f"ingest ended before the fault: {proc.returncode} {proc.stderr.read()}"
    assert processes == 1 or len(workers) >= 2, "no workers started"
    time.sleep(delay)
    return proc, workers


def _all_gone(procs, within: float = 15) -> list:
    import psutil

    _, alive = psutil.wait_procs(procs, timeout=within)
    alive = [p for p in alive if p.status() != psutil.STATUS_ZOMBIE]
    for p in alive:  # reported by the caller; not left behind
        p.kill()
    return alive


def _rerun_gives_the_clean_graph(db: Path, corpus: Path, reference: dict) -> None:
    """The ingest lock is free (no process of the stopped run holds it), and running the same
    ingest again (in this process: the model is loaded once) gives the clean graph."""
    import fcntl

    from ingest.pipeline import ingest_paths

    with open(db.with_name("kg.db.ingest.lock"), "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)  # BlockingIOError: held by a survivor
        fcntl.flock(fh, fcntl.LOCK_UN)
    with open_store(str(db)) as store:
        summary = ingest_paths(store, [str(corpus)])
        assert summary.ok and summary.new + summary.unchanged == N_CORPUS
        snap = snapshot(store)
    assert snap == reference, diff(snap, reference)


# (processes, seed): the default run tries one point of each kind; SANCTIONS_KG_HEAVY_FAULTS=1 more.
# Seeds whose delay (0.4-1.4 s) lands inside a 240-article run on these machines (120 were too few once re-scans got cheap).
KILLS = [(2, 1), *([(2, 3), (2, 7), (1, 8), (1, 11)] if HEAVY else [])]
INTERRUPTS = [(2, 1), (1, 3), *([(2, 4), (2, 8), (1, 7), (1, 11)] if HEAVY else [])]


@pytest.mark.parametrize("processes,seed", KILLS)
def test_kill_9_of_an_ingest_takes_its_workers_and_its_lock(db, corpus, reference, processes, seed):
    import signal

    proc, workers = _start_ingest(db, corpus, _delay(seed), processes)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(30)
    assert _all_gone(workers) == [], "extraction workers outlived the killed ingest"
    kill_servers(db.parent)  # as after a reboot too: the next run starts its own server
    _rerun_gives_the_clean_graph(db, corpus, reference)


@pytest.mark.parametrize("processes,seed", INTERRUPTS)
def test_ctrl_c_of_an_ingest_ends_cleanly_with_130(db, corpus, reference, processes, seed):
    import signal

    delay = _delay(seed)
    for attempt in range(4):
        # A run that ended before the interrupt landed proves nothing: try again, sooner, on a
        # database of its own (ingest got faster than the seeded delays more than once).
        here = db.parent / f"try{attempt}" / db.name
        here.parent.mkdir()
        proc, workers = _start_ingest(here, corpus, delay, processes)
        os.killpg(proc.pid, signal.SIGINT)  # what Ctrl+C in a terminal does: the whole process group
        try:
            out, stderr = proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            pytest.fail("ingest hung after Ctrl+C")
        if proc.returncode in (0, -signal.SIGINT) and "articles:" in out:
            # Past the run's end: done, or in the interpreter's own teardown, where Python has
            # given SIGINT its default action back (the shell shows 130 for -2 too).
            kill_servers(here.parent)
            delay /= 4
            continue
        assert proc.returncode == 130, stderr
        one_clear_line(stderr, "Interrupted")
        assert _all_gone(workers) == []
        assert servers_in(here.parent) == []  # the store was closed on the way out
        _rerun_gives_the_clean_graph(here, corpus, reference)
        return
    pytest.skip(f"four runs finished before the interrupt landed, the last {delay * 4:.2f} s after the workers started")


# -- 5. storage faults: refuse, never load part of the graph or replace what is not ours ---------
def _sample_db(db: Path) -> dict:
    with open_store(str(db)) as store:
        for i in range(12):
            store.upsert_nodes("Vessel", [{"id": f"imo:{i}-{j}", "name": f"Ship {i}-{j}"} for j in range(40)])
        return snapshot(store)


def _files(db: Path) -> dict[str, bytes]:
    """The database's files on disk (snapshot and log), by name."""
    out = {db.name: db.read_bytes()}
    for p in sorted(db.with_name(db.name + ".aof").iterdir()):
        out[p.name] = p.read_bytes()
    return out


def test_a_truncated_log_is_refused_with_one_line_and_repair_cuts_it_back(db):
    full = _sample_db(db)
    db.unlink()  # a server killed before it saved a snapshot: the log is all there is
    incr = next(db.with_name("kg.db.aof").glob("*.incr.aof"))
    incr.write_bytes(incr.read_bytes()[: incr.stat().st_size // 2])
    before = _files_of_log(db)
    res = cli(db, "stats")
    assert res.returncode == 1, res.stdout
    one_clear_line(res.stderr, "damaged", "repair")
    assert _files_of_log(db) == before  # nothing loaded, nothing rewritten
    assert servers_in(db.parent) == []
    res = cli(db, "repair")
    assert res.returncode == 0 and "cut the log back" in res.stdout, res
    kept = list(db.parent.glob("kg.db.aof.before-repair-*"))
    assert len(kept) == 1 and {p.name: p.read_bytes() for p in kept[0].iterdir()} == before  # the old log, kept
    with open_store(str(db)) as store:
        part = snapshot(store)
    # What the log held up to its last whole write: a part of the graph, every node whole.
    assert 0 < len(part["nodes"]) < len(full["nodes"])
    assert all(full["nodes"][k] == v for k, v in part["nodes"].items())


def _files_of_log(db: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(db.with_name(db.name + ".aof").iterdir())}


def test_repair_never_cuts_a_log_back_below_what_the_snapshot_holds(db):
    """A log of random bytes: cut back, it would hold nothing while the snapshot holds the graph.
    repair refuses in one line and changes nothing; following its advice loads the snapshot."""
    import random

    full = _sample_db(db)
    incr = next(db.with_name("kg.db.aof").glob("*.incr.aof"))
    incr.write_bytes(random.Random(5).randbytes(incr.stat().st_size))
    before = _files(db)
    res = cli(db, "repair")
    assert res.returncode == 1, res.stdout
    line = one_clear_line(res.stderr, "Repair refused", "snapshot", "nothing was changed")
    assert "fewer than the snapshot" in line
    assert _files(db) == before
    assert servers_in(db.parent) == []
    db.with_name("kg.db.aof").rename(db.with_name("kg.db.aof.damaged"))  # what the line says to do
    with open_store(str(db)) as store:
        assert snapshot(store) == full


def test_repair_rebuilds_a_garbage_manifest_and_loses_nothing(db):
    full = _sample_db(db)
    manifest = db.with_name("kg.db.aof").joinpath("appendonly.aof.manifest")
    manifest.write_bytes(b"\x00garbage \xff\nfile nowhere seq x type q\n")
    assert cli(db, "stats").returncode == 1
    res = cli(db, "repair")
    assert res.returncode == 0 and "rebuilt the unreadable manifest" in res.stdout, res
    with open_store(str(db)) as store:
        assert snapshot(store) == full
    res = cli(db, "repair")
    assert res.returncode == 0 and "nothing to repair" in res.stdout, res


def test_a_deleted_manifest_is_refused_and_the_snapshot_is_never_overwritten(db):
    full = _sample_db(db)
    db.with_name("kg.db.aof").joinpath("appendonly.aof.manifest").unlink()
    before = _files(db)
    for args in (["stats"], ["query", "--write", "CREATE (:Port {id: 'port:x', name: 'X'})"]):
        res = cli(db, *args)
        assert res.returncode == 1, res.stdout
        one_clear_line(res.stderr, "no manifest", "repair")
        assert _files(db) == before
    res = cli(db, "repair")
    assert res.returncode == 0 and "rebuilt the missing manifest" in res.stdout, res
    with open_store(str(db)) as store:
        assert snapshot(store) == full


def test_a_log_folder_deleted_whole_loads_the_snapshot(db):
    full = _sample_db(db)
    import shutil

    shutil.rmtree(db.with_name("kg.db.aof"))
    with open_store(str(db)) as store:
        assert snapshot(store) == full
        store.upsert_nodes("Port", [{"id": "port:after", "name": "After"}])  # the log is on again
    with open_store(str(db)) as store:
        assert len(snapshot(store)["nodes"]) == len(full["nodes"]) + 1


def _special(tmp_path: Path, kind: str) -> Path:
    import stat

    path = tmp_path / f"not-a-db-{kind}"
    if kind == "chardev":
        try:
            os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # what /dev/null is
        except PermissionError as exc:
            pytest.skip(f"cannot make a character device here (needs root): {exc}")
    elif kind == "fifo":
        os.mkfifo(path)
    else:
        path.mkdir()
    return path


@pytest.mark.parametrize("kind", ["chardev", "fifo", "directory"])
def test_a_db_path_that_is_not_a_file_is_refused_and_left_alone(tmp_path, kind):
    import stat

    path = _special(tmp_path, kind)
    mode = path.stat().st_mode
    res = cli(path, "query", "--write", "CREATE (:Port {id: 'port:x', name: 'X'})", timeout=60)
    assert res.returncode == 1
    one_clear_line(res.stderr, str(path))
    assert stat.S_IFMT(path.stat().st_mode) == stat.S_IFMT(mode)
    assert servers_in(tmp_path) == []


def test_a_planted_registry_never_makes_us_delete_the_folder_it_names(db, tmp_path):
    import json
    import tempfile

    victims = [tmp_path / "victim"]
    victims.append(Path(tempfile.mkdtemp(dir=tempfile.gettempdir())))  # looks like a server's folder
    try:
        for i, victim in enumerate(victims):
            victim.mkdir(exist_ok=True)
            (victim / "redis.config").write_text("dbfilename other.db\ndir /elsewhere\n")
            (victim / "redis.pid").write_text("999999999\n")  # no such process
            (victim / "precious.txt").write_text("keep me")
            db.with_name("kg.db.settings").write_text(json.dumps({
                "pidfile": str(victim / "redis.pid"), "unixsocket": str(victim / "redis.socket"),
                "dbdir": str(db.parent), "dbfilename": db.name}))
            res = cli(db, "stats")
            assert res.returncode == 0, res.stderr
            assert (victim / "precious.txt").read_text() == "keep me"
            assert (victim / "redis.config").exists()
    finally:
        import shutil

        shutil.rmtree(victims[1], ignore_errors=True)


# -- 6. `stop` while `serve` runs: the explorer re-opens its store ------------------------------
def test_the_explorer_answers_again_after_its_server_was_stopped(db):
    from starlette.testclient import TestClient

    from graph.server import stop_server
    from graph.settings import from_env
    from web.app import create_app

    with open_store(str(db)) as store:
        store.upsert_nodes("Vessel", [{"id": "imo:1", "name": "Amber Falcon"}])
    app = create_app(from_env(db=str(db)))
    with TestClient(app, base_url="http://127.0.0.1:8765") as client:
        assert client.get("/api/entity/imo:1").status_code == 200
        assert stop_server(db, force=True)  # `sanctions-kg stop --force` while it serves
        assert servers_in(db.parent) == []
        answers = [client.get("/api/entity/imo:1") for _ in range(2)]
        assert answers[-1].status_code == 200, answers[-1].text
        assert "imo:1" in answers[-1].text
        assert len(servers_in(db.parent)) == 1


def test_a_server_killed_a_moment_ago_is_waited_for_not_refused(db):
    """Right after SIGKILL the server's process can still exist for a moment while its socket
    refuses connections: the next open waits for it to go instead of calling it alive."""
    import signal

    for _ in range(3):
        with open_store(str(db)) as store:
            store.upsert_nodes("Vessel", [{"id": f"imo:{_}", "name": f"Ship {_}"}])
            os.kill(store._db.client.pid, signal.SIGKILL)  # and open again at once
        with open_store(str(db)) as again:
            assert len(again.run("MATCH (v:Vessel) RETURN v.id AS id").rows) == _ + 1

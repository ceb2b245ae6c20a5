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
        _kill_servers(mnt)
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

"""Several `sanctions-kg ingest` processes into one store, and an ingest killed with -9 (issue 23).

Users who outgrow one machine run several ingest processes against one Neo4j. Two and three
concurrent runs over parts of one corpus must give the graph one run over the whole corpus
gives: entities are MERGEd on their id under a uniqueness constraint, relationships on
(start, type, key, end), and a transaction that meets a deadlock or another transient error
is retried (graph/neo4j_server.py, Neo4jStore._commit). On the embedded store the runs take
turns (its ingest lock); the result must be the same.

The corpus is generated here: ships whose kind, owner and number every article agrees on.
Where articles disagree on a single-valued property (one says tanker, another bulk carrier),
the value kept is the last one written, which depends on the order the runs write in; see
the README's "Several ingest processes" section.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import pytest

import bootstrap
from graph.backends import open_store
from graph.settings import from_env
from reliability_helpers import diff, snapshot

ROOT = Path(__file__).resolve().parents[1]
CLI = str(Path(sys.executable).with_name("sanctions-kg"))

SHIPS = [  # name, IMO number, kind, owner: the same in every article that names the ship
    ("Larkspur Dawn", "9100005", "tanker", "Brightwater Shipping LLC"),
    ("Copper Wren", "9100017", "bulk carrier", "Halvard Maritime Ltd"),
    ("Juniper Gale", "9100029", "cargo ship", "Brightwater Shipping LLC"),
    ("Onyx Meridian", "9100031", "tanker", "Severn Logistics OOO"),
    ("Quill Aster", "9100043", "container ship", "Halvard Maritime Ltd"),
]
PORTS = ["Rason", "Nampo", "Kozmino", "Primorsk", "Tartus"]
N_ARTICLES = 12


def _articles(n: int = N_ARTICLES) -> list[str]:
    day0 = date(2024, 3, 1)
    out = []
    for i in range(n):
        name, imo, kind, owner = SHIPS[i % len(SHIPS)]
        other = SHIPS[(i * 2 + 1) % len(SHIPS)]
        port, seen = PORTS[i % len(PORTS)], day0 + timedelta(days=5 * i)
        text = [f"Published: {(seen + timedelta(days=2)).isoformat()}", f"{name} reported at {port}", "",
                f"The {kind} {name} (IMO {imo}) called at {port} on {seen.strftime('%B')} {seen.day}, {seen.year}. "
                f"{name} is owned by {owner}."]
        if i % 3 == 0 and other[0] != name:
            text.append(f"Port records also list the {other[2]} {other[0]} (IMO {other[1]}) at {port} that week.")
        if i % 4 == 1:
            text.append(f"The United States sanctioned {name} in 2023.")
        out.append("\n".join(text) + "\n")
    return out


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> list[str]:
    folder = tmp_path_factory.mktemp("corpus")
    paths = []
    for i, text in enumerate(_articles()):
        p = folder / f"report-{i:02d}.txt"
        p.write_text(text, encoding="utf-8")
        paths.append(str(p))
    return paths


def _fresh(backend: str, path: Path) -> str:
    """The --db value of an empty store: a new file, or the one Neo4j database emptied."""
    if backend == "embedded":
        return str(path)
    uri = bootstrap.neo4j_env()["NEO4J_URI"]
    with open_store(settings=from_env(db=uri)) as store:
        store.run("MATCH (n) DETACH DELETE n", write=True)
    return uri


def _graph(db: str) -> dict:
    with open_store(db) as store:
        return snapshot(store)  # list properties as stored (sorted: graph/cypher.py)


def _ingest(db: str, paths: list[str]) -> subprocess.Popen:
    return subprocess.Popen([CLI, "--db", db, "ingest", "--processes", "1", *paths], cwd=ROOT,
                            env=dict(os.environ, SANCTIONS_KG_KEEP_SERVER="0"), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)


def _finish(proc: subprocess.Popen) -> str:
    out, err = proc.communicate(timeout=900)
    assert proc.returncode == 0, err
    assert ", 0 failed" in out, out
    return out


@pytest.fixture(scope="module")
def reference(corpus, backend, tmp_path_factory) -> dict:
    """The graph of one run over the whole corpus, on this backend."""
    db = _fresh(backend, tmp_path_factory.mktemp("one") / "kg.db")
    _finish(_ingest(db, corpus))
    return _graph(db)


@pytest.mark.parametrize("runs", [2, 3])
def test_concurrent_ingests_over_parts_give_the_graph_of_one_run(corpus, reference, backend, db_path, runs):
    db = _fresh(backend, db_path)
    procs = [_ingest(db, corpus[k::runs]) for k in range(runs)]  # all at once, each a share of the files
    outs = [_finish(p) for p in procs]
    assert sum(int(o.split("articles: ", 1)[1].split(" new")[0]) for o in outs) == N_ARTICLES
    got = _graph(db)
    assert got == reference, diff(got, reference)
    assert len(reference["nodes"]) > N_ARTICLES and len(reference["rels"]) > N_ARTICLES  # a real graph


@pytest.mark.parametrize("backend", ["neo4j"], indirect=True)
def test_kill_9_of_an_ingest_into_neo4j_then_running_it_again_gives_the_clean_graph(corpus, reference, backend,
                                                                                     db_path):
    """tests/test_faults.py kills an embedded ingest (with its workers, lock and server); here
    the process writing into Neo4j dies between two articles' transactions."""
    db = _fresh(backend, db_path)
    proc = _ingest(db, corpus)
    written = 0
    with open_store(db) as store:
        for _ in range(6000):  # wait, at most ~10 minutes, until some articles but not all are in
            written = store.run("MATCH (a:Article) WHERE a.complete RETURN count(a) AS n").rows[0]["n"]
            if written >= 2 or proc.poll() is not None:
                break
            time.sleep(0.1)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGKILL and 0 < written < N_ARTICLES, (proc.returncode, written)
    partial = _graph(db)
    assert partial != reference  # the kill landed inside the run
    _finish(_ingest(db, corpus))
    got = _graph(db)
    assert got == reference, diff(got, reference)

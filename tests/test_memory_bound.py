"""A query past the server's memory bound for one query ends in one line, on each backend (issue
27: "Neo4j has no per-query memory bound"). Embedded: FalkorDB's QUERY_MEM_CAPACITY
(SANCTIONS_KG_QUERY_MEMORY, set low here). Neo4j: our test server sets db.memory.transaction.max
(256m, tests/neo4j-launcher/Launcher.java, as docker-compose.yml does for users); without it the
query would take the server's heap."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import bootstrap

ROOT = Path(__file__).resolve().parents[1]
EXE = str(Path(sys.executable).with_name("sanctions-kg"))
BIG = "UNWIND range(1, 12000000) AS i WITH collect(i) AS xs RETURN size(xs) AS n"


def test_a_query_past_the_memory_bound_is_one_line(store, db_arg, backend):
    store.run("CREATE (:Vessel {id: 'kept'})", write=True)  # so the database exists for a read
    env = {**os.environ, "SANCTIONS_KG_QUERY_MEMORY": "64", "SANCTIONS_KG_KEEP_SERVER": "0"}
    if backend == "neo4j":
        env.update(bootstrap.neo4j_env())
    res = subprocess.run([EXE, "--db", db_arg, "query", BIG, "--timeout", "120"], capture_output=True, text=True,
                         timeout=300, cwd=ROOT, env=env)
    lines = [line for line in res.stderr.splitlines() if line.strip()]
    assert res.returncode == 1 and len(lines) == 1 and "Traceback" not in res.stderr, res.stderr
    assert "memory" in lines[0] and "Narrow the query" in lines[0], lines[0]
    if backend == "neo4j":
        assert "db.memory.transaction.max" in lines[0], lines[0]
    # the server is still there and answers
    assert store.run("MATCH (v:Vessel) RETURN count(v) AS c").rows == [{"c": 1}]

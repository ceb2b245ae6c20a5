"""One store behaviour suite, run against every backend.

`store` is parametrized over the embedded FalkorDB (always, real server on a temp file) and
Neo4j (only when NEO4J_URI is set: CI's neo4j:5 service container, or `docker compose up -d`).
Crash and sharing tests at the bottom are embedded-only: they are about our own server
management. Error-message tests for the Neo4j backend that need no server run everywhere.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import psutil
import pytest

from graph import errors
from graph.backends import open_store
from graph.dialect import NEO4J
from graph.store import GraphStore
from reliability_helpers import servers_in

ROOT = Path(__file__).resolve().parents[1]
# Fixtures (backend, db_path, opener, store) come from tests/stores.py, for every backend.


def snapshot(store: GraphStore) -> dict:
    """The whole graph as comparable plain data."""
    nodes = store.run("MATCH (n) RETURN n.id AS id, labels(n) AS labels, properties(n) AS props ORDER BY id")
    rels = store.run(
        "MATCH (a)-[r]->(b) RETURN a.id AS a, type(r) AS t, b.id AS b, properties(r) AS props "
        "ORDER BY a, t, b, r.key"
    )
    return {
        "nodes": [{**row, "labels": sorted(row["labels"])} for row in nodes],
        "rels": rels.rows,
    }


def node(store: GraphStore, id_: str) -> dict:
    return store.run("MATCH (n {id: $id}) RETURN properties(n) AS p", {"id": id_}).rows[0]["p"]


VESSELS = [
    {"id": "imo:9161003", "name": "Lady R", "aliases": ["Lady R", "LADY R"], "imo": "9161003", "flag": "Russia"},
    {"id": "imo:9314935", "name": "Angara", "aliases": ["Angara"], "imo": "9314935"},
]
PORTS = [{"id": "port:rason", "name": "Rason", "aliases": ["Rason", "Rajin"]}, {"id": "port:vostochny", "name": "Vostochny"}]
CALLS = [
    {"start": "imo:9161003", "end": "port:rason", "key": "2023-08-01", "date": "2023-08-01", "articles": ["art:1"]},
    {"start": "imo:9314935", "end": "port:vostochny", "articles": ["art:1"], "activity": "unloaded"},
]


def write_sample(store: GraphStore) -> None:
    with store.batch() as b:
        b.upsert_nodes("Vessel", VESSELS)
        b.upsert_nodes("Port", PORTS)
        b.upsert_relationships("CALLED_AT", CALLS)


# -- upserts ------------------------------------------------------------------------------
def test_same_batch_twice_gives_the_same_graph(store):
    write_sample(store)
    first = snapshot(store)
    write_sample(store)
    assert snapshot(store) == first
    assert store.counts()["nodes"]["Vessel"] == 2
    assert store.counts()["relationships"]["CALLED_AT"] == 2
    assert sorted(first["nodes"][0]["labels"]) == ["Entity", "Vessel"]


def test_scalar_properties_and_alias_lists_merge(store):
    store.upsert_nodes("Vessel", [{"id": "v", "name": "Lady R", "aliases": ["Lady R"], "flag": "Russia"}])
    store.upsert_nodes("Vessel", [{"id": "v", "name": "LADY R", "aliases": ["LADY R", "Lady R"], "imo": "9161003", "flag": None}])
    props = node(store, "v")
    assert props["name"] == "LADY R"  # newer scalar wins
    assert props["imo"] == "9161003"  # new scalar added
    assert props["flag"] == "Russia"  # None does not erase
    assert props["aliases"] == ["LADY R", "Lady R"]  # union, sorted (whatever order they came in), no duplicates


def test_a_row_that_restates_a_node_changes_nothing_and_any_difference_is_still_written(store):
    # A row that re-states a node as stored changes nothing; any difference is written.
    store.upsert_nodes("Vessel", [{"id": "v", "name": "Sea Example", "aliases": ["Sea Example"], "mention_count": 1},
                                  {"id": "w", "name": "Other"}])
    before = node(store, "v")
    store.upsert_nodes("Vessel", [{"id": "v", "name": "Sea Example", "aliases": ["Sea Example"], "mention_count": 1}])
    assert node(store, "v") == before
    store.upsert_nodes("Vessel", [
        {"id": "v", "name": "Sea Example", "aliases": ["Sea Example"], "mention_count": 1.0},  # same value, a float
        {"id": "w", "name": "Other", "aliases": []},  # a list where there was none: set, empty
    ])
    v, w = node(store, "v"), node(store, "w")
    # the float is written as a plain SET writes it (FalkorDB keeps an equal int, Neo4j takes the float)
    plain = store.run("CREATE (n:Probe {c: 1}) SET n += $p RETURN n.c AS c", {"p": {"c": 1.0}}, write=True).rows[0]["c"]
    assert v["mention_count"] == 1 and type(v["mention_count"]) is type(plain)
    assert w["aliases"] == [] and w["name"] == "Other"
    store.upsert_nodes("Vessel", [{"id": "v", "aliases": ["Sea Example", "Sea Exampel"]}, {"id": "w", "flag": "Examplia"}])
    assert node(store, "v")["aliases"] == ["Sea Exampel", "Sea Example"] and node(store, "w")["flag"] == "Examplia"


def test_relationships_upsert_and_key_separates_port_calls(store):
    write_sample(store)
    call = {"start": "imo:9161003", "end": "port:rason", "articles": ["art:2", "art:1"], "methods": ["rule"]}
    store.upsert_relationships("CALLED_AT", [{**call, "key": "2023-08-01"}])
    store.upsert_relationships("CALLED_AT", [{**call, "key": "2023-09-15", "date": "2023-09-15"}])
    rows = store.run(
        "MATCH (:Vessel {id: 'imo:9161003'})-[r:CALLED_AT]->(:Port {id: 'port:rason'}) "
        "RETURN r.key AS key, r.articles AS articles, r.methods AS methods ORDER BY key"
    ).rows
    assert rows == [
        {"key": "2023-08-01", "articles": ["art:1", "art:2"], "methods": ["rule"]},
        {"key": "2023-09-15", "articles": ["art:1", "art:2"], "methods": ["rule"]},  # stored sorted
    ]


def test_relationship_to_a_missing_node_is_not_created(store):
    write_sample(store)
    store.upsert_relationships("CALLED_AT", [{"start": "imo:9161003", "end": "port:nowhere"}])
    assert store.counts()["relationships"]["CALLED_AT"] == 2


# -- safety -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "query",
    [
        "CREATE (:Vessel {id: 'x'})",
        "MERGE (n:Vessel {id: 'x'}) RETURN n",
        "MATCH (n:Vessel) SET n.name = 'x' RETURN n",
        "MATCH (n) DETACH DELETE n",
    ],
)
def test_read_only_query_that_writes_is_refused_and_writes_nothing(store, query):
    write_sample(store)
    before = snapshot(store)
    with pytest.raises(errors.ReadOnlyError, match="Use --write"):
        store.run(query)
    assert snapshot(store) == before


HOSTILE = [
    "O'Brien \"the\" `ship`",
    "{braces} [brackets] (parens)",
    "}) DETACH DELETE n //",
    "'}) MATCH (n) DETACH DELETE n //",
    "$param and $rows",
    "back\\slash \\\" \\n literal",
    "line one\nline two\r\nthree\ttab",
    "Ждановск 朝鮮 كوريا 🚢",
    "",
]


@pytest.mark.parametrize("value", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_values_are_stored_verbatim(store, value):
    write_sample(store)
    store.upsert_nodes("Company", [{"id": "c:" + value, "name": value, "aliases": [value, "plain"]}])
    store.upsert_relationships("OPERATED_BY", [{"start": "imo:9161003", "end": "c:" + value, "role": value}])
    got = store.run("MATCH (c:Company {id: $id}) RETURN c.name AS name, c.aliases AS aliases", {"id": "c:" + value}).rows
    assert got == [{"name": value, "aliases": sorted([value, "plain"])}]
    role = store.run("MATCH ()-[r:OPERATED_BY]->() RETURN r.role AS role").values()
    assert role == [value]
    # The rest of the graph is untouched.
    assert store.counts()["nodes"]["Vessel"] == 2
    assert store.counts()["relationships"]["CALLED_AT"] == 2


@pytest.mark.parametrize(
    "write",
    [
        lambda s: s.upsert_nodes("Ship", [{"id": "x"}]),
        lambda s: s.upsert_nodes("Vessel", [{"id": "x", "colour": "red"}]),
        lambda s: s.upsert_nodes("Vessel", [{"id": "x", "aliases": "not a list"}]),
        lambda s: s.upsert_nodes("Vessel", [{"id": "x", "name": {"nested": "map"}}]),
        lambda s: s.upsert_nodes("Vessel", [{"name": "no id"}]),
        lambda s: s.upsert_relationships("LIKES", [{"start": "a", "end": "b"}]),
        lambda s: s.upsert_relationships("CALLED_AT", [{"start": "a", "end": "b", "speed": 3}]),
    ],
    ids=["label", "property", "list-type", "nested-value", "no-id", "rel-type", "rel-property"],
)
def test_undeclared_names_and_bad_values_raise_ontology_error(store, write):
    with pytest.raises(errors.OntologyError):
        write(store)
    assert sum(store.counts()["nodes"].values()) == 0


def test_dates_are_stored_as_iso_strings(store):
    import datetime

    write_sample(store)
    store.upsert_relationships(
        "CALLED_AT", [{"start": "imo:9161003", "end": "port:rason", "key": "d", "date": datetime.date(2023, 8, 1)}]
    )
    assert store.run("MATCH ()-[r:CALLED_AT {key: 'd'}]->() RETURN r.date AS d").values() == ["2023-08-01"]


def test_parameter_values_that_are_not_plain_data_are_refused(store):
    class Sneaky:
        def __str__(self) -> str:  # what falkordb-py would paste into the query text
            return "1 MATCH (n) DETACH DELETE n WITH 1 AS x"

    write_sample(store)
    with pytest.raises(errors.QueryError):
        store.run("RETURN $v AS v", {"v": Sneaky()}, write=True)
    assert store.counts()["nodes"]["Vessel"] == 2


# -- results ------------------------------------------------------------------------------
def test_result_shapes_are_plain_values(store):
    write_sample(store)
    row = store.run(
        "MATCH (v:Vessel {id: 'imo:9161003'})-[r:CALLED_AT]->(p:Port) RETURN v, r, p"
    ).rows[0]
    assert row["v"] == {
        "id": "imo:9161003",
        "labels": ["Entity", "Vessel"],
        "properties": {**VESSELS[0], "aliases": sorted(VESSELS[0]["aliases"])},  # lists stored sorted
    }
    assert row["r"] == {
        "type": "CALLED_AT",
        "start": "imo:9161003",
        "end": "port:rason",
        "properties": {"key": "2023-08-01", "date": "2023-08-01", "articles": ["art:1"]},
    }
    assert row["p"]["id"] == "port:rason"

    # Relationship alone: its end nodes are not in the result and are looked up by id.
    rel = store.run("MATCH (:Vessel {id: 'imo:9314935'})-[r]->() RETURN r").rows[0]["r"]
    assert (rel["start"], rel["end"]) == ("imo:9314935", "port:vostochny")

    path = store.run("MATCH p = (:Vessel {id: 'imo:9314935'})-[:CALLED_AT]->(:Port) RETURN p").rows[0]["p"]
    assert [x.get("id") or x["type"] for x in path] == ["imo:9314935", "CALLED_AT", "port:vostochny"]

    nested = store.run("MATCH (v:Vessel) RETURN collect(v.id) AS ids, {n: count(v)} AS m").rows[0]
    assert sorted(nested["ids"]) == ["imo:9161003", "imo:9314935"] and nested["m"] == {"n": 2}


def test_the_schema_makes_ids_unique_and_setting_it_up_again_changes_nothing(store):
    store.ensure_schema()  # again, on a store already set up: the dialect's statements are idempotent
    store.upsert_nodes("Vessel", VESSELS[:1])
    with pytest.raises(errors.QueryError):
        store.run("CREATE (:Vessel {id: $id})", {"id": "imo:9161003"}, write=True)
    with pytest.raises(errors.QueryError):
        store.run("CREATE (:Article {id: $id})-[:MENTIONS]->(:Article {id: $id})", {"id": "art:1"}, write=True)
    assert store.run("MATCH (n {id: 'imo:9161003'}) RETURN count(n) AS c").rows[0]["c"] == 1
    assert store.run("MATCH (n:Article) RETURN count(n) AS c").rows[0]["c"] == 0


def test_falkordb_schema_statements_create_exactly_the_missing_indexes(tmp_path):
    from graph.dialect import FALKORDB, for_backend

    dialect = for_backend(FALKORDB)
    with open_store(str(tmp_path / "kg.db")) as store:
        onto = store.ontology
        have = {(r["label"], p) for r in store.run(dialect.indexes_query).rows for p in r["properties"]}
        unique = {(r["label"], tuple(r["properties"])) for r in store.run(dialect.constraints_query).rows}
    wanted = {(label, "id") for label in dialect.unique_id_targets(onto)} | set(onto.indexes)
    assert wanted <= have
    assert {(label, ("id",)) for label in dialect.unique_id_targets(onto)} <= unique
    assert dialect.schema_statements(onto, have) == []
    fresh = dialect.schema_statements(onto)
    assert len(fresh) == len(wanted) and "CREATE INDEX FOR (n:Vessel) ON (n.id)" in fresh
    assert dialect.schema_statements(onto, have - {("Vessel", "id")}) == ["CREATE INDEX FOR (n:Vessel) ON (n.id)"]


def test_timeout_raises_query_timeout(store):
    # Many rows from small lists: FalkorDB checks its time limit between rows, not inside one
    # function call, so `range(1, 50000000)` alone would run ~8 s past a 0.05 s limit.
    slow = "UNWIND range(1, 5000) AS x UNWIND range(1, 5000) AS y WITH x, y WHERE (x * y) % 7 = 0 RETURN count(*) AS c"
    started = time.monotonic()
    with pytest.raises(errors.QueryTimeout, match="SANCTIONS_KG_QUERY_TIMEOUT"):
        store.run(slow, timeout=0.05)
    assert time.monotonic() - started < 5


def test_max_rows_raises_row_limit_error(store):
    assert len(store.run("UNWIND range(1, 10) AS x RETURN x", max_rows=10)) == 10
    with pytest.raises(errors.RowLimitError, match="SANCTIONS_KG_MAX_ROWS"):
        store.run("UNWIND range(1, 11) AS x RETURN x", max_rows=10)


def test_syntax_error_is_a_query_error(store):
    with pytest.raises(errors.QueryError) as info:
        store.run("MATCH (n) RETRUN n")
    assert "\n" not in str(info.value)


# -- atomic batches -----------------------------------------------------------------------
def test_a_batch_with_a_statement_that_does_not_compile_writes_nothing(store):
    with pytest.raises(errors.QueryError):
        with store.batch() as b:
            b.upsert_nodes("Vessel", VESSELS)
            b.run("MATCH (n) SET m.x = 1")  # `m` is not defined
    assert store.counts()["nodes"]["Vessel"] == 0


def test_a_batch_with_a_bad_value_writes_nothing(store):
    with pytest.raises(errors.OntologyError):
        with store.batch() as b:
            b.upsert_nodes("Vessel", VESSELS)
            b.upsert_nodes("Port", [{"id": "p", "name": ["not", "a", "string"]}])
    assert store.counts()["nodes"]["Vessel"] == 0


def test_a_batch_whose_block_raises_writes_nothing(store):
    with pytest.raises(RuntimeError):
        with store.batch() as b:
            b.upsert_nodes("Vessel", VESSELS)
            raise RuntimeError("caller failed halfway")
    assert store.counts()["nodes"]["Vessel"] == 0


def test_a_batch_with_a_runtime_error_in_a_callers_statement(store):
    """Neo4j rolls the whole transaction back; the embedded store sends the batch as one
    query (each statement in CALL {}), which FalkorDB undoes as a whole when it fails."""
    with pytest.raises(errors.QueryError, match="Nothing in the batch was written"):
        with store.batch() as b:
            b.upsert_nodes("Vessel", VESSELS)
            b.run("UNWIND [1, 0] AS x CREATE (:Port {id: 'p' + toString(x), n: 1 / x})")
    assert store.counts()["nodes"]["Port"] == 0
    assert store.counts()["nodes"]["Vessel"] == 0


def test_a_batch_with_a_nul_byte_anywhere_writes_nothing(store):
    """A NUL byte cannot be sent to FalkorDB as a value: refused before anything is sent,
    whether in a node property, a list item, an id or a caller's parameter."""
    bad = [
        lambda b: b.upsert_nodes("Vessel", [{"id": "imo:1", "name": "Nul\x00Ship"}]),
        lambda b: b.upsert_nodes("Vessel", [{"id": "imo:1", "name": "x", "aliases": ["a\x00"]}]),
        lambda b: b.upsert_nodes("Port", [{"id": "port:\x00", "name": "x"}]),
        lambda b: b.upsert_relationships("CALLED_AT", [{"start": "imo:9314935", "end": "port:x", "key": "k",
                                                        "evidence": ["seen\x00"]}]),
        lambda b: b.run("CREATE (:Port {id: $id})", {"id": "p\x00"}),
    ]
    for add in bad:
        with pytest.raises((errors.QueryError, errors.OntologyError), match="NUL byte"):
            with store.batch() as b:
                b.upsert_nodes("Vessel", VESSELS)
                add(b)
        counts = store.counts()
        assert sum(counts["nodes"].values()) == 0 and sum(counts["relationships"].values()) == 0


def test_a_batch_of_many_statements_is_one_unit(store):
    write_sample(store)
    with store.batch() as b:
        b.upsert_nodes("Vessel", [{"id": "imo:1000019", "name": "Extra One"}])
        b.run("MATCH (v:Vessel {id: $id}) SET v.flag = $flag", {"id": "imo:1000019", "flag": "PA"})
        b.run("MATCH (v:Vessel {id: $id}) RETURN v.id AS id", {"id": "imo:1000019"})  # a RETURN inside is fine
        b.upsert_nodes("Port", [{"id": "port:extra", "name": "Extra"}])
    assert node(store, "imo:1000019")["flag"] == "PA"
    assert node(store, "port:extra")["name"] == "Extra"


# -- persistence --------------------------------------------------------------------------
def test_data_survives_close_and_reopen(store, opener):
    write_sample(store)
    before = snapshot(store)
    store.close()
    again = opener()
    try:
        assert snapshot(again) == before
    finally:
        again.close()


# -- errors at open -----------------------------------------------------------------------
@pytest.mark.parametrize(
    "make_path, fragment",
    [
        (lambda t: t / "missing" / "kg.db", "does not exist"),
        (lambda t: t, "is a directory"),
        (lambda t: (t / "afile").write_text("x") and t / "afile" / "kg.db", "does not exist"),
        (lambda t: Path("/proc/kg.db"), "Cannot open database /proc/kg.db"),
    ],
    ids=["missing-folder", "directory", "under-a-file", "unwritable-proc"],
)
def test_unusable_db_path_gives_one_clear_line(tmp_path, make_path, fragment):
    with pytest.raises(errors.StoreUnavailable) as info:
        open_store(str(make_path(tmp_path)))
    message = str(info.value)
    assert fragment in message and "--db" in message and "\n" not in message


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere: permission checks do not apply")
def test_read_only_folder_gives_one_clear_line(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir(mode=0o500)
    with pytest.raises(errors.StoreUnavailable, match="no permission"):
        open_store(str(folder / "kg.db"))


def test_unreachable_neo4j_fails_fast_with_one_clear_line():
    started = time.monotonic()
    with pytest.raises(errors.StoreUnavailable) as info:
        open_store("bolt://127.0.0.1:1")
    assert time.monotonic() - started < 10
    assert str(info.value) == (
        "Cannot reach Neo4j at bolt://127.0.0.1:1: [Errno 111] Connection refused. "
        "Start it with `docker compose up -d` or check --db."
    )


def _server_error(code: str, message: str):
    """A driver exception as the driver builds it from a server FAILURE message."""
    from neo4j.exceptions import Neo4jError

    return Neo4jError._hydrate_neo4j(code=code, message=message)


def test_neo4j_error_translation():
    """What the Neo4j backend says for each server error, without a server (see the
    NEO4J_URI suite for the real thing): one line that names the fix."""
    from neo4j.exceptions import AuthError

    from graph.neo4j_server import translate_error

    uri = "bolt://localhost:7687"
    auth = translate_error(AuthError("The client is unauthorized due to authentication failure."), uri=uri)
    assert isinstance(auth, errors.StoreAuthError)
    assert str(auth) == (
        "Neo4j at bolt://localhost:7687 refused the credentials: The client is unauthorized due to "
        "authentication failure. Set NEO4J_USERNAME / NEO4J_PASSWORD (or --user / --password); "
        "with docker compose the default is neo4j / sanctions-kg."
    )
    from_server = translate_error(
        _server_error("Neo.ClientError.Security.Unauthorized", "The client is unauthorized due to authentication failure."),
        uri=uri,
    )
    assert isinstance(from_server, errors.StoreAuthError)

    cases = [
        ("Neo.ClientError.Statement.SyntaxError",
         "Invalid input 'RETRUN': expected ... (line 1, column 11 (offset: 10))\n\"MATCH (n) RETRUN n\"\n           ^",
         errors.QueryError, "Neo4j rejected the query: Invalid input 'RETRUN': expected ... (line 1, column 11 (offset: 10))"),
        ("Neo.ClientError.Statement.AccessMode", "Writing in read access mode not allowed.",
         errors.ReadOnlyError, "Use --write (CLI) or write=True (library) to allow writes."),
        ("Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration", "The transaction has been terminated.",
         errors.QueryTimeout, "raise the limit (--timeout / SANCTIONS_KG_QUERY_TIMEOUT)"),
        ("Neo.TransientError.Transaction.Terminated",
         "The transaction has been terminated. Retry your operation in a new transaction, and you should see a "
         "successful result. The transaction has not completed within the specified timeout (dbms.transaction.timeout).",
         errors.QueryTimeout, "time limit of 10 s"),
        ("Neo.ClientError.Database.DatabaseNotFound", "Database does not exist. Database name: 'nope'.",
         errors.StoreUnavailable, "Set NEO4J_DATABASE"),
    ]
    for code, message, kind, fragment in cases:
        err = translate_error(_server_error(code, message), uri=uri, timeout=10)
        assert type(err) is kind, code
        assert fragment in str(err) and "\n" not in str(err), str(err)

    # Newer servers send GQL statuses; a write in a read session is 08N03.
    from neo4j.exceptions import Neo4jError

    gql = Neo4jError._hydrate_gql(
        gql_status="08N03", message="Failed to write to graph 'neo4j'.", neo4j_code="Neo.ClientError.Statement.AccessMode",
        description="error: connection exception - failed to write to graph.",
    )
    assert isinstance(translate_error(gql, uri=uri), errors.ReadOnlyError)
    # The driver refuses values it cannot send.
    assert isinstance(translate_error(TypeError("Values of type <class 'object'> are not supported"), uri=uri), errors.QueryError)


def test_cli_prints_one_line_for_store_errors(tmp_path):
    """Through the real console script: exit 1, one line on stderr, no traceback."""
    from cli import main

    if "stats" not in main.commands:
        pytest.skip("the `stats` command is not in cli.py yet")
    cases = [
        (["--db", str(tmp_path / "missing" / "kg.db"), "stats"], "folder"),
        (["--db", "bolt://127.0.0.1:1", "stats"], "Cannot reach Neo4j at bolt://127.0.0.1:1"),
    ]
    for args, fragment in cases:
        proc = subprocess.run(
            [str(Path(sys.executable).with_name("sanctions-kg")), *args],
            capture_output=True, text=True, timeout=60, cwd=tmp_path,
        )
        assert proc.returncode == 1, proc.stderr
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1 and fragment in lines[0], proc.stderr
        assert "Traceback" not in proc.stderr


# -- embedded only: crashes and sharing ----------------------------------------------------
WRITER = textwrap.dedent(
    """
    import sys
    from graph.backends import open_store

    store = open_store(sys.argv[1])
    i = 0
    while True:
        with store.batch() as b:  # two statements: the MULTI/EXEC path
            b.upsert_nodes("Vessel", [{"id": f"v{i}-{j}", "name": f"batch {i}"} for j in range(10)])
            b.upsert_nodes("Port", [{"id": f"p{i}"}])
        print(i, flush=True)  # acknowledged: the batch call returned
        i += 1
    """
)


def _server_pid(path: Path) -> int:
    settings = json.loads(path.with_name(path.name + ".settings").read_text())
    return int(Path(settings["pidfile"]).read_text())


@pytest.mark.parametrize("kill_server", [False, True], ids=["writer", "writer-and-server"])
def test_kill_9_keeps_every_acknowledged_batch(db_path, kill_server):
    acked_before_kill = 30
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(db_path)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        last = -1
        for line in writer.stdout:
            last = int(line)
            if last + 1 >= acked_before_kill:
                break
        assert last + 1 >= acked_before_kill, writer.stderr.read()
        server = _server_pid(db_path)
        if kill_server:
            os.kill(server, signal.SIGKILL)
        writer.kill()  # SIGKILL, mid-way through the next batch
        for line in writer.stdout:  # acknowledgements still in the pipe
            last = int(line)
        writer.wait(10)
    finally:
        writer.kill()
    if kill_server:
        psutil.Process(server).wait(10) if psutil.pid_exists(server) else None

    store = open_store(str(db_path))
    try:
        ids = [f"v{i}-{j}" for i in range(last + 1) for j in range(10)]
        missing = store.run(
            "UNWIND $ids AS id OPTIONAL MATCH (v:Vessel {id: id}) WITH id, v WHERE v IS NULL RETURN collect(id) AS m",
            {"ids": ids},
        ).rows[0]["m"]
        assert missing == [], f"{len(missing)} acknowledged nodes lost"
        counts = store.counts()["nodes"]
        # Atomic batches: never the nodes of half a batch.
        assert counts["Vessel"] == 10 * counts["Port"] and counts["Port"] in (last + 1, last + 2)
    finally:
        store.close()
    if kill_server:
        assert servers_in(db_path.parent) == []  # the fresh server shut down on close


OPENER = textwrap.dedent(
    """
    import sys, time
    from graph.backends import open_store

    path, start, name = sys.argv[1], float(sys.argv[2]), sys.argv[3]
    time.sleep(max(0.0, start - time.time()))  # both processes open at the same instant
    store = open_store(path)
    store.upsert_nodes("Vessel", [{"id": name}])
    print("ready", flush=True)
    sys.stdin.readline()
    print(store.counts()["nodes"]["Vessel"], flush=True)
    store.close()
    """
)


def test_two_processes_opening_one_file_at_once_share_one_server(db_path):
    start = time.time() + 3  # time for both interpreters to import before the shared instant
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", OPENER, str(db_path), str(start), name],
            cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for name in ("a", "b")
    ]
    try:
        for p in procs:
            assert p.stdout.readline().strip() == "ready", p.stderr.read()
        assert len(servers_in(db_path.parent)) == 1
        for p in procs:  # one after the other: the last to close shuts the server down
            p.stdin.write("\n")
            p.stdin.flush()
            assert p.stdout.readline().strip() == "2", p.stderr.read()
            assert p.wait(30) == 0, p.stderr.read()
    finally:
        for p in procs:
            p.kill()
    assert servers_in(db_path.parent) == []


def test_stale_settings_after_a_server_kill_are_cleaned_up(db_path):
    store = open_store(str(db_path))
    store.upsert_nodes("Vessel", VESSELS)
    server = _server_pid(db_path)
    os.kill(server, signal.SIGKILL)
    psutil.Process(server).wait(10)
    store.close()  # must not raise although its server is gone

    again = open_store(str(db_path))  # right away: the registry still names the dead server
    try:
        assert again.counts()["nodes"]["Vessel"] == 2
        assert _server_pid(db_path) != server
    finally:
        again.close()


def test_settings_naming_a_vanished_server_directory_are_cleaned_up(db_path):
    store = open_store(str(db_path))
    store.upsert_nodes("Vessel", VESSELS)
    store.close()
    # As after a reboot that emptied /tmp, where the server kept its socket and pid file.
    db_path.with_name("kg.db.settings").write_text(
        json.dumps({"pidfile": "/nonexistent/redis.pid", "unixsocket": "/nonexistent/redis.socket",
                    "dbdir": str(db_path.parent), "dbfilename": db_path.name})
    )
    again = open_store(str(db_path))
    try:
        assert again.counts()["nodes"]["Vessel"] == 2
    finally:
        again.close()


def test_neo4j_values_become_the_same_plain_values():
    """Driver values, hydrated as the driver does from Bolt structures, convert to the shapes
    the embedded backend gives (the NEO4J_URI suite checks the same against a server)."""
    from neo4j import time as ntime
    from neo4j._codec.hydration.bolt.v1.hydration_handler import _GraphHydrator

    from graph.dialect import for_backend
    from graph.neo4j_server import Neo4jStore

    h = _GraphHydrator()
    vessel = h.hydrate_node(1, ["Vessel", "Entity"], {"id": "imo:1", "name": "Lady R"}, "4:x:1")
    port = h.hydrate_node(2, ["Port", "Entity"], {"id": "port:rason"}, "4:x:2")
    call = h.hydrate_relationship(7, 1, 2, "CALLED_AT", {"key": "", "date": ntime.Date(2023, 8, 1)}, "5:x:7", "4:x:1", "4:x:2")
    # A relationship whose end node is not in the result: the driver knows only its element id.
    owned = h.hydrate_relationship(8, 1, 3, "OWNED_BY", {}, "5:x:8", "4:x:1", "4:x:3")
    path = h.hydrate_path([vessel, port], [call], [1, 1])

    class Session:  # answers the id lookup the way the server would
        def __init__(self):
            self.asked = []

        def run(self, query, params):
            self.asked.append((query, params))
            return [{"internal": "4:x:3", "id": "company:oboron"}]

    store = Neo4jStore.__new__(Neo4jStore)  # conversion only: no connection
    session = Session()
    rows = store._plain_rows(
        ["v", "r", "o", "p", "t", "d"],
        [[vessel, call, owned, path, ntime.DateTime(2023, 8, 1, 12, 30), [ntime.Date(2024, 1, 2)]]],
        session,
    )
    v = {"id": "imo:1", "labels": ["Entity", "Vessel"], "properties": {"id": "imo:1", "name": "Lady R"}}
    r = {"type": "CALLED_AT", "start": "imo:1", "end": "port:rason", "properties": {"key": "", "date": "2023-08-01"}}
    assert rows == [{
        "v": v,
        "r": r,
        "o": {"type": "OWNED_BY", "start": "imo:1", "end": "company:oboron", "properties": {}},
        "p": [v, r, {"id": "port:rason", "labels": ["Entity", "Port"], "properties": {"id": "port:rason"}}],
        "t": "2023-08-01T12:30:00.000000000",
        "d": ["2024-01-02"],
    }]
    assert session.asked == [(for_backend(NEO4J).ids_query(), {"ids": ["4:x:3"]})]


def test_the_store_hands_out_its_typed_view_writer_and_listings(store):
    from graph.listings import Listings
    from graph.view import View
    from graph.writer import Writer

    assert isinstance(store.view(), View) and store.view() is store.view()
    assert isinstance(store.writer(), Writer) and store.writer() is store.writer()
    assert isinstance(store.listings(), Listings) and store.listings() is store.listings()
    store.upsert_nodes("Vessel", [{"id": "imo:1234567", "name": "Sea Example", "imo": "1234567"}])
    found = store.view().entity_by_id("imo:1234567")
    assert (found.label, found.name) == ("Vessel", "Sea Example")

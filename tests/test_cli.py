"""The report/query commands through click's CliRunner (and a few real subprocesses), on a store of
each backend (tests/stores.py): the sample graph, then the example articles ingested end to end."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

import sample_graph
from cli import main
from queries import library
from queries.report import build_report

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def sample_module_graph(graph_of):
    return graph_of(sample_graph.build)


@pytest.fixture
def sample(sample_module_graph):
    """(--db value, open store) with the sample graph, on each backend. Holding the store open
    keeps the embedded server up, so each command attaches to it instead of starting its own."""
    return sample_module_graph.db, sample_module_graph.store


def invoke(db: str, *args: str):
    return CliRunner().invoke(main, ["--db", db, *args], catch_exceptions=False)


def ok(db: str, *args: str) -> str:
    result = invoke(db, *args)
    assert result.exit_code == 0, result.output
    return result.stdout


# -- report ---------------------------------------------------------------------------------
def test_report_json_is_the_library_report(sample):
    db, store = sample
    data = json.loads(ok(db, "report", "lady r", "--format", "json"))
    assert data == json.loads(json.dumps(build_report(store, "imo:9161003")))
    assert data["sanctions"]["direct"][0]["by"]["name"] == "United States"


def test_report_markdown(sample):
    db, _ = sample
    md = ok(db, "report", "Maia", "--format", "markdown", "--hops", "1")
    assert md.startswith("# Maia-1 (Vessel)\n\n## Entity\n")
    assert ("| 2023-10-05 | Vostochny (Port) | unloaded | [reported by 1 source since 2023-10] · "
            "“Maia-1 unloaded at Vostochny on October 5.” — "
            "Russian ships ferry North Korean containers to Vostochny (NK Pro, 2023-10-13) |") in md
    assert "| Oboronlogistika OOO (Company) | OWNED_BY | Russian Ministry of Defence (Agency) |" in md


def test_report_table(sample):
    db, _ = sample
    out = ok(db, "report", "imo:9161003")
    assert out.startswith("Lady R (Vessel)\n")
    for text in ("Sanctions", "sanctioned directly", "Ownership and operation chain", "Port calls",
                 "2023-08-20", "Rason (Port)", "AIS dark", "(RUSI, 2023-08-30)",
                 "“The Lady R loaded containers at Rason on August 20.”"):
        assert text in out


def test_report_of_an_unsanctioned_entity_says_so(sample):
    db, _ = sample
    md = ok(db, "report", "Rason", "--format", "markdown")
    assert "## Sanctions\n\n_not sanctioned, and no sanctioned entity within 2 hops_" in md


# -- query ----------------------------------------------------------------------------------
def test_query_json_rows_keyed_by_column(sample):
    db, _ = sample
    out = ok(db, "query", "MATCH (v:Vessel) RETURN v.name AS name, v.imo AS imo ORDER BY name", "--format", "json")
    assert json.loads(out) == [
        {"name": "Angara", "imo": None}, {"name": "Lady R", "imo": "9161003"},
        {"name": "Maia-1", "imo": None}, {"name": "Maria", "imo": None},
    ]


def test_query_json_nodes_and_relationships_as_the_store_returns_them(sample):
    db, _ = sample
    out = ok(db, "query", "MATCH (v:Vessel {id: $id})-[r:SANCTIONED_BY]->(c) RETURN v, r",
             "-p", "id=imo:9161003", "--format", "json")
    [row] = json.loads(out)
    assert row["v"]["id"] == "imo:9161003" and row["v"]["labels"] == ["Entity", "Vessel"]
    assert row["v"]["properties"]["name"] == "Lady R"
    assert (row["r"]["type"], row["r"]["start"], row["r"]["end"]) == ("SANCTIONED_BY", "imo:9161003", "country:us")


def test_query_csv(sample):
    db, _ = sample
    out = ok(db, "query", "MATCH (p:Port) RETURN p.name AS port, p.aliases AS aliases ORDER BY port", "--format", "csv")
    assert out == ('port,aliases\nDunay,"[""Dunay""]"\nRason,"[""Najin"", ""Rajin"", ""Rason""]"\n'
                   'Vostochny,"[""Vostochny""]"\n')


def test_query_param_values_are_typed(sample):
    db, _ = sample
    out = ok(db, "query", "RETURN $a AS a, $b AS b, $c AS c, $d AS d, $e AS e, $f AS f", "--format", "json",
             "-p", "a=2", "-p", "b=1.5", "-p", "c=true", "-p", "d=[1, 2]", "-p", "e=Lady R", "-p", "f=a=b")
    assert json.loads(out) == [{"a": 2, "b": 1.5, "c": True, "d": [1, 2], "e": "Lady R", "f": "a=b"}]


def test_query_table(sample):
    db, _ = sample
    out = ok(db, "query", "MATCH (v:Vessel) WHERE v.imo IS NOT NULL RETURN v")
    assert "Lady R (Vessel, imo:9161003)" in out and out.rstrip().endswith("1 row")


def test_query_named_and_file(sample, tmp_path):
    db, _ = sample
    out = ok(db, "query", "--name", "vessels_at_port", "-p", "port=Najin", "-p", "from=2023-09-01", "--format", "csv")
    assert out.splitlines()[0] == "vessel_id,vessel,imo,date,activity,articles"
    assert [line.split(",")[1] for line in out.splitlines()[1:]] == ["Angara"]
    cypher = tmp_path / "q.cypher"
    cypher.write_text("// my query\nMATCH (c:Country) RETURN c.name AS name ORDER BY name\n")
    assert ok(db, "query", "--file", str(cypher), "--format", "csv") == "name\nNorth Korea\nRussia\nUnited States\n"


def test_query_write_needs_the_flag_and_then_writes(sample):
    db, store = sample
    result = invoke(db, "query", "MERGE (n:Entity:Person {id: 'person:test'}) SET n.name = 'Test Person'", "--write")
    assert result.exit_code == 0, result.output
    assert "nodes created: 1" in result.stderr
    assert store.run("MATCH (n:Entity {id: 'person:test'}) RETURN n.name AS name").rows == [{"name": "Test Person"}]
    ok(db, "query", "MATCH (n:Entity {id: 'person:test'}) DELETE n", "--write")


def test_queries_lists_and_shows(sample):
    db, _ = sample
    out = ok(db, "queries")
    for name in library.load_all():
        assert f"\n{name} " in "\n" + out
    shown = ok(db, "queries", "ownership_chain")
    assert "Example: uv run sanctions-kg query --name ownership_chain" in shown
    assert library.get("ownership_chain").text().strip() in shown


# -- path, entities, stats ------------------------------------------------------------------
def test_path(sample):
    db, _ = sample
    out = ok(db, "path", "Maria", "Russia", "--via", "OPERATED_BY", "--via", "OWNED_BY", "--via", "PART_OF")
    assert out.splitlines() == [
        "Path 1 (3 hops): Maria -OPERATED_BY-> Oboronlogistika OOO -OWNED_BY-> Russian Ministry of Defence -PART_OF-> Russia",
        "  Maria (Vessel) -OPERATED_BY-> Oboronlogistika OOO (Company) [role: operator]",
        f"    “{sample_graph.S_OPERATED}” — Russian ships ferry North Korean containers to Vostochny (NK Pro, 2023-10-13)",
        "  Oboronlogistika OOO (Company) -OWNED_BY-> Russian Ministry of Defence (Agency)",
        f"    “{sample_graph.S_OWNED}” — Treasury designates Russian military shipping (US Treasury, 2022-05-08)",
        "  Russian Ministry of Defence (Agency) -PART_OF-> Russia (Country)",
        "    “the Russian Ministry of Defence” — Treasury designates Russian military shipping (US Treasury, 2022-05-08)",
    ]
    assert ok(db, "path", "Maria", "Russia", "--max-hops", "2").strip() == "No connection between Maria and Russia within 2 hops."
    assert json.loads(ok(db, "path", "Lady R", "Maria", "--format", "json"))[0]["length"] == 2


def test_entities(sample):
    db, _ = sample
    out = ok(db, "entities", "--type", "vessel", "--sanctioned", "--format", "csv")
    assert out.splitlines() == [
        "id,label,name,aliases,mentions,sanctioned_by",
        "vessel:angara,Vessel,Angara,Angara,2,United States",
        "imo:9161003,Vessel,Lady R,Lady R,3,United States",
        'vessel:maia-1,Vessel,Maia-1,"Maia, Maia-1",1,United States',  # aliases stored sorted
        "vessel:maria,Vessel,Maria,Maria,1,United States",
    ]
    assert len(json.loads(ok(db, "entities", "--format", "json", "--limit", "5"))) == 5


def test_stats(sample):
    db, _ = sample
    data = json.loads(ok(db, "stats", "--format", "json"))
    assert (data["articles"], data["sanctioned"], data["went_dark"]) == (3, 4, 1)
    assert data["nodes"]["Port"] == 3
    table = ok(db, "stats")
    assert "relationships total" in table and "SANCTIONED_BY" in table


# -- errors a user can cause ----------------------------------------------------------------
@pytest.mark.parametrize(
    "args, code, message",
    [
        (["report", "Lady X"], 1,
         "Error: No entity matches 'Lady X' by id, name or alias. Did you mean: Lady R (Vessel, imo:9161003)?"),
        (["report", "Angara"], 1,
         "Error: 'Angara' matches 2 entities: Angara (Location, location:angara); Angara (Vessel, vessel:angara). "
         "Use an id to pick one."),
        (["report", "Lady R", "--hops", "9"], 2,
         "Error: Invalid value for '--hops': 9 is not in the range 1<=x<=6."),
        # The server's own words, which differ between the backends (a dict: one per backend).
        (["query", "MATCH (n RETURN n"], 1, {
            "embedded": "Error: FalkorDB rejected the query: errMsg: Invalid input 'R': expected a label, '{', "
                        "a parameter or ')' line: 1, column: 10, offset: 9 errCtx: MATCH (n RETURN n errCtxOffset: 9",
            "neo4j": "Error: Neo4j rejected the query: Invalid input 'RETURN': expected a graph pattern, a parameter, "
                     "')', ':', 'IS', 'WHERE' or '{' (line 1, column 10 (offset: 9))"}),
        (["query", "MATCH (n) RETURN nosuch"], 1, {
            "embedded": "Error: FalkorDB rejected the query: 'nosuch' not defined",
            "neo4j": "Error: Neo4j rejected the query: Variable `nosuch` not defined (line 1, column 18 (offset: 17))"}),
        (["query", "CREATE (:Entity {id: 'x'})"], 1,
         "Error: This query writes to the graph and was refused: queries are read-only. "
         "Use --write (CLI) or write=True (library) to allow writes."),
        # Neo4j streams rows and stops fetching at the limit + 1: it does not know how many there were.
        (["query", "MATCH (n) RETURN n", "--max-rows", "3"], 1, {
            "embedded": "Error: The query returned 18 rows, more than the row limit of 3. Add a LIMIT to the query, "
                        "or raise the limit (--max-rows / SANCTIONS_KG_MAX_ROWS).",
            "neo4j": "Error: The query returned more rows than the row limit of 3. Add a LIMIT to the query, "
                     "or raise the limit (--max-rows / SANCTIONS_KG_MAX_ROWS)."}),
        (["query", "--file", "no/such/file.cypher"], 2,
         "Error: Invalid value for '--file' / '-f': File 'no/such/file.cypher' does not exist."),
        (["query", "RETURN 1", "-p", "x"], 2, "Error: Invalid value for '-p': 'x' is not KEY=VALUE, e.g. -p port=Rason."),
        (["query"], 2, "Error: Give exactly one of: CYPHER text, --name NAME or --file PATH."),
        (["query", "RETURN 1", "--name", "went_dark"], 2,
         "Error: Give exactly one of: CYPHER text, --name NAME or --file PATH."),
        (["query", "--name", "vessel_at_port"], 1,
         "Error: No named query 'vessel_at_port'. Did you mean vessels_at_port? Known: " + ", ".join(library.load_all()) + "."),
        (["query", "--name", "vessels_at_port"], 1,
         "Error: Named query 'vessels_at_port' needs parameter 'port' (id of the port), e.g. port=port:rason."),
        (["query", "--name", "vessels_at_port", "-p", "port=Rason", "-p", "from=last week"], 1,
         "Error: Parameter 'from' of 'vessels_at_port' must be a date as YYYY-MM-DD; got 'last week'."),
        (["query", "--name", "went_dark", "--write"], 2, "Error: Named queries only read; drop --write."),
        (["queries", "nope"], 1, "Error: No named query 'nope'. Known: " + ", ".join(library.load_all()) + "."),
        (["path", "Lady R", "imo:9161003"], 1,
         "Error: 'Lady R' and 'imo:9161003' are the same entity (imo:9161003); give two different ones."),
        (["path", "Lady R", "Atlantis"], 1, "Error: No entity matches 'Atlantis' by id, name or alias."),
        (["path", "Lady R", "Russia", "--via", "SAILED_WITH"], 1,
         "Error: Unknown relationship type 'SAILED_WITH'. Known types: " + ", ".join(
             __import__("graph.ontology", fromlist=["load"]).load().relationships) + "."),
        (["entities", "--type", "Ship"], 1,
         "Error: Unknown entity type 'Ship'. Use one of: Vessel, Company, Agency, Organization, Port, Country, "
         "Person, Location."),
    ],
)
def test_user_errors_are_one_clear_line(sample, backend, args, code, message):
    db, _ = sample
    result = invoke(db, *args)
    assert result.exit_code == code
    lines = result.stderr.strip().splitlines()
    assert lines[-1] == (message[backend] if isinstance(message, dict) else message)
    if code == 1:
        assert len(lines) == 1  # usage errors (2) print a usage line first, as click does
    assert "Traceback" not in result.output


# Embedded only: what a --db file path that cannot be a database says.
@pytest.mark.parametrize(
    "db, message",
    [
        ("/nonexistent/folder/graph.db",
         "Error: Cannot open database /nonexistent/folder/graph.db: folder /nonexistent/folder does not exist. "
         "Create it, or pick another path with --db or SANCTIONS_KG_DB."),
        ("{tmp}", "Error: Cannot open database {tmp}: it is a directory, not a file. "
                  "Pick another path with --db or SANCTIONS_KG_DB."),
    ],
)
def test_bad_db_is_one_clear_line(tmp_path, db, message):
    db = db.format(tmp=tmp_path)
    result = invoke(db, "report", "Lady R")
    assert result.exit_code == 1
    assert result.stderr.strip() == message.format(tmp=tmp_path)


# -- real processes: no spaCy, quiet pipes, timing ------------------------------------------
def _python(code: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, **kw)


def test_commands_without_nlp_do_not_import_spacy(sample, backend):
    db, _ = sample
    runs = f"""
        import sys
        from click.testing import CliRunner
        from cli import main
        runs = [["report", "Lady R"], ["report", "Rason", "--format", "json"], ["query", "MATCH (n) RETURN n"],
                ["query", "--name", "ownership_chain", "-p", "entity=Lady R"], ["queries"],
                ["path", "Lady R", "Russia"], ["entities"], ["stats"]]
        for args in runs:
            result = CliRunner().invoke(main, ["--db", {db!r}, *args])
            assert result.exit_code == 0, (args, result.output)
    """
    if backend == "embedded":
        stop = f"""
        # stop: refused here (the fixture's store is attached), and on a file with no server
        result = CliRunner().invoke(main, ["--db", {db!r}, "stop"])
        assert result.exit_code == 1 and "Not stopped" in result.output, result.output
        result = CliRunner().invoke(main, ["--db", {db!r} + ".other", "stop"])
        assert result.exit_code == 0 and result.output.startswith("no database server running"), result.output
        """
    else:  # sanctions-kg runs no Neo4j server, so there is none to stop
        stop = f"""
        result = CliRunner().invoke(main, ["--db", {db!r}, "stop"])
        assert result.exit_code == 0 and result.output.startswith("nothing to stop"), result.output
        """
    imported = 'print(sorted(m for m in sys.modules if m.split(".")[0] in ("spacy", "thinc", "torch")))\n'
    proc = _python(textwrap.dedent(runs) + textwrap.dedent(stop) + imported)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


def _cli(*args: str) -> list[str]:
    return [str(Path(sys.executable).with_name("sanctions-kg")), *args]


@pytest.mark.parametrize("fmt, first", [("csv", "i\n1\n"), ("json", "[\n  {\n"), ("table", None)])
def test_piping_into_head_ends_quietly(sample, fmt, first):
    db, _ = sample
    # A generous time limit: the point is how the pipe ends, not how fast 100,000 rows arrive
    # (Neo4j's server-side limit counts the whole stream, on a machine that may be busy).
    cmd = " ".join(_cli("--db", db, "query", "'UNWIND range(1, 100000) AS i RETURN i'", "--format", fmt,
                        "--max-rows", "300000", "--timeout", "600"))
    proc = subprocess.run(["bash", "-c", f"set -o pipefail; {cmd} | head -n 2"], capture_output=True, text=True,
                          timeout=900)  # a guard against a hang only
    if first:
        assert proc.stdout == first
    assert len(proc.stdout.splitlines()) == 2
    assert proc.stderr == ""
    assert proc.returncode == 0


def test_report_answers_from_the_shell_while_a_store_is_open(sample):
    """A report from a separate process attaches to the server this test holds open.

    How fast that is belongs to bench/query_bench.py (--cli), not to a timed assertion here.
    """
    db, _ = sample
    proc = subprocess.run(_cli("--db", db, "report", "Lady R", "--format", "json"), capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["entity"]["id"] == "imo:9161003"


# -- end to end: the example articles ---------------------------------------------------------
def _ingest_examples(store) -> None:
    result = invoke(store.settings.db, "ingest", str(ROOT / "examples" / "articles"))
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def examples_module_graph(graph_of):
    return graph_of(_ingest_examples)


@pytest.fixture
def examples(examples_module_graph):
    """(--db value, open store): the example articles ingested through the CLI into a fresh
    store of each backend."""
    return examples_module_graph.db, examples_module_graph.store


def named(db: str, name: str, *params: str) -> list[dict]:
    args = [a for p in params for a in ("-p", p)]
    return json.loads(ok(db, "query", "--name", name, *args, "--format", "json"))


def test_examples_report_in_every_format(examples):
    db, _ = examples
    data = json.loads(ok(db, "report", "Grey Heron", "--format", "json"))
    assert data["entity"]["identifiers"]["imo"] == "9188300"
    owners = {(o["from"]["name"], o["type"], o["to"]["name"]) for o in data["ownership"]}
    assert ("Grey Heron", "OWNED_BY", "Zenith Bulk Shipping LLC") in owners
    assert ("Zenith Bulk Shipping LLC", "OWNED_BY", "Caspian Holding JSC") in owners
    [call] = [c for c in data["port_calls"] if c["port"]["name"] == "Novorossiysk"]
    assert call["evidence"][0]["sentence"] == "Earlier this month the Grey Heron arrived at Novorossiysk, where it loaded fertiliser."
    assert call["evidence"][0]["title"] == "Behind a bulk carrier, a chain of shell companies"
    assert call["evidence"][0]["published"] == "2023-09-12"
    md = ok(db, "report", "grey heron", "--format", "markdown")
    assert md.startswith("# Grey Heron (Vessel)") and "Behind a bulk carrier, a chain of shell companies (2023-09-12)" in md
    assert "Novorossiysk (Port)" in ok(db, "report", "imo:9188300")
    mirela = json.loads(ok(db, "report", "Mirela", "--format", "json"))
    assert [(d["by"]["name"], d["year"]) for d in mirela["sanctions"]["direct"]] == [("Office of Foreign Assets Control", 2021)]


def test_examples_query_json_and_csv(examples):
    db, _ = examples
    names = [r["name"] for r in json.loads(ok(db, "query", "MATCH (v:Vessel) RETURN v.name AS name ORDER BY name",
                                              "--format", "json"))]
    assert {"Grey Heron", "Sea Juniper", "Tae Yang", "Nordic Crest", "Mirela"} <= set(names)
    csv_out = ok(db, "query", "MATCH (v:Vessel {imo: $imo}) RETURN v.name AS name, v.imo AS imo", "-p",
                 "imo=9188300", "--format", "csv")
    # -p guesses 9188300 is a number; IMO numbers are stored as text, so quote it as JSON.
    assert csv_out == "name,imo\n"
    csv_out = ok(db, "query", "MATCH (v:Vessel {imo: $imo}) RETURN v.name AS name, v.imo AS imo", "-p",
                 'imo="9188300"', "--format", "csv")
    assert csv_out == "name,imo\nGrey Heron,9188300\n"


def test_examples_path(examples):
    db, _ = examples
    paths = json.loads(ok(db, "path", "Nordic Crest", "Aurora Bay", "--format", "json"))
    assert any([n["name"] for n in p["nodes"]] == ["Nordic Crest", "Meridian Tanker Management LLC", "Aurora Bay"]
               for p in paths)
    text = ok(db, "path", "Grey Heron", "Caspian Holding JSC")
    assert text.startswith("Path 1 (2 hops): Grey Heron -OWNED_BY-> Zenith Bulk Shipping LLC -OWNED_BY-> Caspian Holding JSC")
    assert "“The bulk carrier Grey Heron (IMO 9188300) is owned by Zenith Bulk Shipping LLC" in text


def test_examples_every_named_query_returns_its_rows(examples):
    db, _ = examples
    chain = named(db, "ownership_chain", "entity=Grey Heron")
    assert chain[0]["chain"] == ["Grey Heron", "Zenith Bulk Shipping LLC", "Caspian Holding JSC"]
    assert chain[0]["top_owner"] == "Caspian Holding JSC"

    exposure = named(db, "sanctions_exposure", "max_hops=2")
    assert any(r["name"] == "Golden Pearl Shipping Co" and r["sanctioned"] == "Mirela" and r["hops"] == 1
               for r in exposure)
    sanctioned = {r["id"] for r in named(db, "sanctioned")}
    assert all(r["sanctioned_id"] in sanctioned and r["id"] not in sanctioned and r["hops"] <= 2 for r in exposure)

    rason = {r["vessel"] for r in named(db, "vessels_at_port", "port=Rajin")}
    assert {"Sunflower", "Ocean Maple"} <= rason

    timeline = named(db, "port_call_timeline", "vessel=Grey Heron")
    assert [r["port"] for r in timeline] == ["Novorossiysk"]
    assert "Novorossiysk" in timeline[0]["evidence"][0]["sentence"]

    shared = {r["owner"]: set(r["entities"]) for r in named(db, "shared_owner")}
    assert {"Nordic Crest", "Aurora Bay", "Kestrel Star"} <= shared["Meridian Tanker Management LLC"]

    [ev] = named(db, "evidence", "a=Grey Heron", "b=Zenith Bulk Shipping LLC")
    assert (ev["from"], ev["type"], ev["to"], ev["published"]) == (
        "Grey Heron", "OWNED_BY", "Zenith Bulk Shipping LLC", "2023-09-12")
    assert ev["evidence"][0]["sentence"].startswith("The bulk carrier Grey Heron (IMO 9188300) is owned by")

    top = named(db, "most_mentioned", "limit=5")
    assert len(top) == 5 and top == sorted(top, key=lambda r: -r["articles"]) and top[0]["articles"] >= 2

    dark = {r["vessel"] for r in named(db, "went_dark")}
    assert "Coral Dawn" in dark  # "The product tanker Coral Dawn (IMO 9503330) disabled its AIS"

    assert {"Mirela", "Tae Yang", "Nordic Crest"} <= {r["name"] for r in named(db, "sanctioned", "label=Vessel")}


# -- a mistyped --db on a command that only reads (issue 24) ----------------------------------------
@pytest.mark.parametrize("args", [["report", "Lady R"], ["path", "Lady R", "Rason"], ["entities"], ["stats"],
                                  ["query", "MATCH (n) RETURN count(n) AS n"], ["remove", "story.md"],
                                  ["export", "--format", "json", "out.json"]])
def test_mistyped_db_on_a_read_only_command_creates_nothing(tmp_path, args, monkeypatch):
    from reliability_helpers import servers_in

    monkeypatch.chdir(tmp_path)
    db = tmp_path / "sanctins-kg.db"  # a typo
    result = invoke(str(db), *args)
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        f"Error: No database at {db}: nothing was ingested there. Check the path given with --db (or SANCTIONS_KG_DB), "
        f"or ingest articles into it first: uv run sanctions-kg --db {db} ingest PATH.")
    assert list(tmp_path.iterdir()) == [] and not servers_in(tmp_path)

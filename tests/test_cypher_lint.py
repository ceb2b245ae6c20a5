"""Every Cypher statement the Neo4j backend can send, checked by Neo4j's own Cypher front end.

No Neo4j server runs here, so the npm package @neo4j-cypher/language-support (the parser and
semantic analysis behind Neo4j's tools) checks the text offline: a Neo4j-only syntax mistake
fails here, not at a user's. One node process lints all statements (tests/cypher_lint.mjs).

Checked: the Neo4j dialect's statements (schema, id lookup), every write
statement shape (cypher.all_write_statements), what the shared GraphStore code sends
(counts), the Neo4j text of every named query in queries/, and every Cypher string literal in
the library's Python source. Errors (severity 1) fail; unknown-$param messages are ignored,
since parameters are supplied at run time.
"""

from __future__ import annotations

import ast
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from graph import cypher
from graph.dialect import NEO4J, for_backend
from graph.ontology import load
from graph.settings import from_env
from graph.store import GraphStore, QueryResult

ROOT = Path(__file__).resolve().parents[1]
LINTER = ROOT / "tests" / "cypher_lint.mjs"
PACKAGE = ROOT / "node_modules" / "@neo4j-cypher" / "language-support"
UNKNOWN_PARAM = re.compile(r"^Parameter \$\S+ is not defined\.$")

# Python sources whose Cypher literals may reach Neo4j. graph/dialect.py and graph/cypher.py
# build statements from pieces and are checked through their APIs below. graph/embedded.py is
# scanned too: a FalkorDB-only text written there instead of in graph/dialect.py fails.
SOURCE_DIRS = ("graph", "ingest", "queries", "web")
NOT_SCANNED = {ROOT / "graph" / "dialect.py", ROOT / "graph" / "cypher.py"}
SENDS = ("run", "query", "ro_query")  # GraphStore.run; falkordb-py's Graph.query / ro_query
PLACEHOLDER = re.compile(r"\{\w*\}")  # str.format / f-string style, not Cypher
CLAUSE_START = re.compile(r"^\s*(MATCH|OPTIONAL MATCH|UNWIND|MERGE|CREATE|RETURN|WITH|CALL)\b", re.I)
# Names of FalkorDB procedures/functions that do not exist on Neo4j. The offline linter knows
# no procedure list, so it would let these through.
FALKORDB_NAMES = re.compile(r"\bdb\.idx\.|\balgo\.|\bdb\.indexes\(|\bdb\.constraints\(")


def lint(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if shutil.which("node") is None:
        pytest.fail("Node.js is not installed: install Node 20+ and run `npm ci` in the repository root.")
    if not PACKAGE.is_dir():
        pytest.fail(
            "node_modules/@neo4j-cypher/language-support is missing: run `npm ci` in the repository "
            "root (it installs Neo4j's Cypher front end for this offline check)."
        )
    proc = subprocess.run(
        ["node", str(LINTER)], input=json.dumps(items), capture_output=True, text=True, cwd=ROOT, timeout=300
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def errors_of(result: dict[str, Any]) -> list[str]:
    return [
        f"line {d['line']}:{d['column']}: {d['message']}"
        for d in result["diagnostics"]
        if d["severity"] == 1 and not UNKNOWN_PARAM.match(d["message"])
    ]


class _Recorder(GraphStore):
    """A GraphStore that records what the shared code would send, answering every query with
    a zero count. Not a database: it only shows which statement texts GraphStore builds."""

    dialect = for_backend(NEO4J)

    def __init__(self) -> None:
        super().__init__(from_env(db="bolt://localhost:7687"))
        self.sent: list[str] = []

    def _execute(self, query: str, params: dict[str, Any], *, write: bool, timeout: float | None) -> QueryResult:
        self.sent.append(query)
        return QueryResult(["c"], [{"c": 0}])

    def _commit(self, statements) -> None:
        self.sent.extend(q for q, _ in statements)

    def ensure_schema(self) -> None:
        pass

    def close(self) -> None:
        pass

    @property
    def location(self) -> str:
        return "recorder"


def source_literals() -> list[tuple[str, str]]:
    """(where, text) of each whole Cypher statement written as a literal in the library source.

    Whole means: the entire value of an assignment (`_BY_ID = "MATCH ..."`) or the query
    argument of a `.run(...)` call (or falkordb-py's `.query` / `.ro_query`). Pieces that code
    glues together (list items, `+` operands) and templates with `{placeholders}` are not
    statements on their own; the statements they build are covered through the APIs above
    where those are public.
    """
    found = []
    files = [ROOT / "cli.py"] + [p for d in SOURCE_DIRS for p in sorted((ROOT / d).rglob("*.py"))]
    for path in files:
        if path in NOT_SCANNED or not path.exists():
            continue
        tree = ast.parse(path.read_text("utf-8"), filename=str(path))
        candidates: list[ast.expr] = []
        for node in ast.walk(tree):
            if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
                candidates.append(node.value)
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in SENDS:
                candidates.extend(node.args[:1])
        for value in candidates:
            if (
                isinstance(value, ast.Constant)
                and isinstance(value.value, str)
                and CLAUSE_START.match(value.value)
                and not PLACEHOLDER.search(value.value)
            ):
                found.append((f"{path.relative_to(ROOT)}:{value.lineno}", value.value))
    return found


def named_queries() -> list[tuple[str, str]]:
    """The Neo4j text of every queries/*.cypher file (its .neo4j.cypher variant if any)."""
    files = sorted(p for p in (ROOT / "queries").glob("*.cypher") if p.name.count(".") == 1)
    try:
        from queries import library
    except ImportError:
        library = None
    out = []
    loaded = library.load_all() if library else {}
    by_path = {q.path.resolve(): q for q in loaded.values()}
    for path in files:
        q = by_path.get(path.resolve())
        if q is not None:
            text = q.text(NEO4J)
        else:  # not (yet) loadable by the library: send the file as Neo4j would see it
            variant = path.with_name(path.stem + ".neo4j.cypher")
            text = (variant if variant.exists() else path).read_text("utf-8")
        out.append((f"queries/{path.name}", text))
    return out


def statements() -> list[tuple[str, str]]:
    onto = load()
    dialect = for_backend(NEO4J)
    items = [(f"dialect.schema_statements[{i}]", t) for i, t in enumerate(dialect.schema_statements(onto))]
    items.append(("dialect.ids_query", dialect.ids_query()))
    items += [(f"cypher.all_write_statements[{i}]", t) for i, t in enumerate(cypher.all_write_statements(onto))]
    recorder = _Recorder()
    recorder.counts()
    items += [(f"GraphStore.counts[{i}]", t) for i, t in enumerate(recorder.sent)]
    from graph import listings, names, rekey, watch, writer

    for module in (writer, names, listings, watch, rekey):  # statements built from the ontology with f-strings
        found = module.statements(onto)
        named = found.items() if isinstance(found, dict) else enumerate(found)
        items += [(f"{module.__name__}.statements[{key}]", t) for key, t in named]
    items += named_queries()
    items += source_literals()
    return items


def test_every_statement_the_neo4j_backend_can_send_parses_on_neo4j():
    items = statements()
    assert len(items) > 40  # the statement collection itself works
    results = lint([{"name": name, "query": text} for name, text in items])
    failures = []
    for (name, text), result in zip(items, results, strict=True):
        problems = errors_of(result)
        if FALKORDB_NAMES.search(text):
            problems.append("uses a FalkorDB-only procedure or function: put the variant in graph/dialect.py")
        if problems:
            failures.append(f"{name}:\n    " + "\n    ".join(problems) + "\n    " + text.replace("\n", "\n    "))
    assert not failures, "Neo4j would reject:\n" + "\n".join(failures)


def test_named_queries_are_all_checked():
    """A new queries/*.cypher file is picked up without touching this test."""
    names = {name for name, _ in named_queries()}
    on_disk = {f"queries/{p.name}" for p in (ROOT / "queries").glob("*.cypher") if p.name.count(".") == 1}
    assert names == on_disk


def test_the_linter_catches_neo4j_errors():
    """The check can fail: a mistake and FalkorDB-only syntax are reported as errors."""
    results = lint(
        [
            {"name": "undefined", "query": "MATCH (n) RETURN m"},
            {"name": "syntax", "query": "MATCH (n) RETRUN n"},
            {"name": "fine", "query": "MATCH (n:Vessel {id: $id}) RETURN n"},
        ]
    )
    assert errors_of(results[0]) == ["line 1:18: Variable `m` not defined"]
    assert errors_of(results[1])
    assert errors_of(results[2]) == []  # $id unknown to the linter: ignored

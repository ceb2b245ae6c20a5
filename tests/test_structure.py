"""The project's structure: the layers import only downwards (graph <- ingest <- queries <- web,
bench <- cli), no module imports itself back through others, and Cypher that names the domain
lives in graph/ alone.

Every import statement in a project module counts, at module level and inside functions alike:
a function-level import defers the cost of loading, it does not remove the dependency (a cycle
through one still means neither module can be read, tested or moved without the other). Only
imports under `if TYPE_CHECKING:` are left out, since they never run. `from a import b` counts
as an import of a.b when a/b.py exists, else of a.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("graph", "ingest", "queries", "web", "bench")
TOP_MODULES = ("cli",)


def project_modules(root: Path = ROOT) -> dict[str, Path]:
    """Dotted module name -> file, for every Python file of the project (tests excluded)."""
    mods: dict[str, Path] = {}
    for pkg in PACKAGES:
        for path in sorted((root / pkg).rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            mods[".".join(parts)] = path
    for name in TOP_MODULES:
        if (root / f"{name}.py").exists():
            mods[name] = root / f"{name}.py"
    return mods


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _import_nodes(tree: ast.AST):
    """Import statements anywhere in the tree, except in `if TYPE_CHECKING:` bodies."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            stack.extend(node.orelse)
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        stack.extend(ast.iter_child_nodes(node))


def imports_of(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The project modules that module `name` (at `path`) imports."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: set[str] = set()
    for node in _import_nodes(ast.parse(path.read_text("utf-8"), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        else:
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base for alias in node.names]
        for target in targets:
            # "import a.b.c" of a project module; a name inside a module counts as the module
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target and target != name:
                out.add(target)
    return out


def import_graph(root: Path = ROOT) -> dict[str, set[str]]:
    modules = project_modules(root)
    return {name: imports_of(name, path, modules) for name, path in modules.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0

    def visit(v: str) -> None:
        nonlocal counter
        index[v] = low[v] = counter
        counter += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted(found)


def test_cycle_finder_sees_a_loop_through_a_function_level_import(tmp_path):
    (tmp_path / "graph").mkdir()
    (tmp_path / "graph" / "__init__.py").write_text("")
    (tmp_path / "graph" / "a.py").write_text("from graph.b import thing\n")
    (tmp_path / "graph" / "b.py").write_text("def thing():\n    from graph import a\n")
    (tmp_path / "graph" / "c.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from graph.d import X\n"
    )
    (tmp_path / "graph" / "d.py").write_text("from graph import c\n")
    graph = import_graph(tmp_path)
    assert graph["graph.b"] == {"graph.a"}
    assert graph["graph.c"] == set()  # TYPE_CHECKING imports never run
    assert cycles(graph) == [["graph.a", "graph.b"]]


def test_the_import_graph_reads_the_real_tree():
    graph = import_graph()
    assert "graph.store" in graph["graph.embedded"]
    assert "graph.ontology" in graph["graph.store"]
    assert "cli" in graph and "web.api" in graph


def test_no_import_cycle_between_project_modules():
    found = cycles(import_graph())
    assert found == [], "import cycles (module groups that import each other): " + "; ".join(
        " <-> ".join(c) for c in found
    )


# The layers, lowest first: a module may import its own layer and the ones below it.
LAYERS = (("graph",), ("ingest",), ("queries",), ("web", "bench"), ("cli",))


def layer_of(module: str) -> int:
    top = module.split(".")[0]
    return next(i for i, names in enumerate(LAYERS) if top in names)


def upward_imports(graph: dict[str, set[str]]) -> list[str]:
    return sorted(f"{a} -> {b}" for a, targets in graph.items() for b in targets if layer_of(b) > layer_of(a))


def test_the_layer_check_sees_a_function_level_import_upwards(tmp_path):
    for pkg in ("graph", "ingest"):
        (tmp_path / pkg).mkdir()
        (tmp_path / pkg / "__init__.py").write_text("")
    (tmp_path / "ingest" / "loader.py").write_text("from graph import store\n")
    (tmp_path / "graph" / "store.py").write_text("def f():\n    from ingest.loader import x\n")
    assert upward_imports(import_graph(tmp_path)) == ["graph.store -> ingest.loader"]


def test_layers_import_only_downwards():
    found = upward_imports(import_graph())
    assert not found, "imports from a lower layer into a higher one (move the shared code down): " + "; ".join(found)


# -- Cypher that names the domain lives in graph/ ------------------------------------------------

# Only graph/ writes Cypher that names ontology labels or relationship types: everything else asks
# graph/'s typed view, writer, name lookups and listings. (The raw statements bench/ measures the
# backends with are text files, bench/cypher/*.cypher; user Cypher lives in queries/*.cypher.
# Docstrings, like the `query` command's example, are not code that sends Cypher.)
_CYPHER_WORD = re.compile(r"\b(MATCH|MERGE|CREATE|RETURN|WHERE|UNWIND|DETACH)\b")


def _docstrings(tree: ast.AST) -> set[int]:
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                out.add(id(body[0].value))
    return out


def domain_cypher_modules(root: Path = ROOT) -> dict[str, int]:
    """Project modules outside graph/ -> how many of their string literals are Cypher naming an
    ontology label or relationship type (`:Vessel`, `[:OWNED_BY]`); docstrings left out."""
    from graph.ontology import load

    onto = load()
    names = sorted({*onto.labels, onto.entity_label, *onto.relationships}, key=len, reverse=True)
    named = re.compile(r":`?(" + "|".join(names) + r")\b")
    out: dict[str, int] = {}
    for name, path in project_modules(root).items():
        if name == "graph" or name.startswith("graph."):
            continue
        tree = ast.parse(path.read_text("utf-8"), str(path))
        skip = _docstrings(tree)
        hits = sum(
            1
            for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip
            and _CYPHER_WORD.search(node.value) and named.search(node.value)
        )
        if hits:
            out[name] = hits
    return out


def test_the_domain_cypher_finder_sees_labels_and_types(tmp_path):
    (tmp_path / "web").mkdir()
    (tmp_path / "web" / "__init__.py").write_text("")
    (tmp_path / "web" / "a.py").write_text('Q = "MATCH (v:Vessel)-[:OWNED_BY]->(c) RETURN c"\n')
    (tmp_path / "web" / "b.py").write_text('"""Try MATCH (v:Vessel) RETURN v."""\nQ = f"MATCH (n:{LABEL}) RETURN n"\n')
    assert domain_cypher_modules(tmp_path) == {"web.a": 1}


def test_no_module_outside_graph_writes_domain_cypher():
    found = domain_cypher_modules()
    assert not found, (
        f"{', '.join(sorted(found))} writes Cypher naming ontology labels or types; add what it needs to graph/ "
        "(a view, writer or lookup function that takes and returns plain values) and call that instead."
    )
"""The store fixtures themselves (tests/stores.py): defined there only, and doing what they say on
each backend."""

from __future__ import annotations

import ast
from pathlib import Path

from click.testing import CliRunner

import stores
from cli import main
from stores import ModuleGraph, _empty

TESTS = Path(__file__).resolve().parent


def _is_fixture(decorator: ast.expr) -> bool:
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    return (isinstance(target, ast.Attribute) and target.attr == "fixture") or (
        isinstance(target, ast.Name) and target.id == "fixture"
    )


def fixtures_in(path: Path) -> set[str]:
    """The names of the pytest fixtures a file defines (a `name=` given to the decorator wins)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"), str(path))):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for dec in filter(_is_fixture, node.decorator_list):
            given = [k.value for k in getattr(dec, "keywords", []) if k.arg == "name"]
            names.add(given[0].value if given and isinstance(given[0], ast.Constant) else node.name)
    return names


STORE_FIXTURES = fixtures_in(TESTS / "stores.py")


def redefinitions(folder: Path = TESTS) -> dict[str, set[str]]:
    """Test modules -> the store fixtures of tests/stores.py they define again themselves."""
    out = {}
    for path in sorted(folder.glob("*.py")):
        if path.name != "stores.py" and (again := fixtures_in(path) & STORE_FIXTURES):
            out[path.stem] = again
    return out


def test_the_fixture_finder_sees_fixtures_however_decorated(tmp_path):
    (tmp_path / "test_a.py").write_text(
        "import pytest\nfrom pytest import fixture\n\n"
        "@pytest.fixture(scope='module')\ndef store(sample_store):\n    return sample_store\n\n"
        "@fixture\ndef opener():\n    pass\n\n"
        "@pytest.fixture(name='db_arg')\ndef _db():\n    pass\n\n"
        "def backend():\n    pass\n"
    )
    (tmp_path / "test_b.py").write_text("import pytest\n\n@pytest.fixture\ndef vessel(store):\n    return 1\n")
    assert redefinitions(tmp_path) == {"test_a": {"store", "opener", "db_arg"}}


def test_stores_py_defines_the_backend_fixtures():
    assert {"backend", "db_path", "opener", "store", "db_arg", "sample_store", "graph_of"} <= STORE_FIXTURES


def test_no_test_module_defines_a_store_fixture_again():
    found = {name: sorted(again) for name, again in redefinitions().items()}
    assert not found, (
        f"{found}: these fixtures come from tests/stores.py (one for every backend); ask for them there "
        "instead of defining them again (for a graph of the module's own, use graph_of)."
    )


def test_db_arg_is_the_store_for_the_cli(store, db_arg):
    store.upsert_nodes("Vessel", [{"id": "vessel:teal-wren", "name": "Teal Wren", "aliases": ["Teal Wren"],
                                   "keys": ["teal wren"], "source": "article"}])
    result = CliRunner().invoke(main, ["--db", db_arg, "query", "MATCH (v:Vessel) RETURN v.id AS id",
                                       "--format", "json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == '[\n  {\n    "id": "vessel:teal-wren"\n  }\n]'


def _count(store) -> int:
    return store.run("MATCH (n) RETURN count(n) AS n").rows[0]["n"]


def test_a_module_graph_on_neo4j_is_built_again_after_a_test_emptied_the_database(opener):
    """What ModuleGraph does on the one shared Neo4j database, on two handles to this backend's
    store: emptied through the other handle (as the `store` fixture does), it builds itself again."""
    builds = []

    def build(s):
        builds.append(s)
        s.upsert_nodes("Port", [{"id": "port:quill", "name": "Port Quill", "aliases": ["Port Quill"],
                                 "keys": ["port quill"], "source": "article"}])

    with opener() as held, opener() as other:
        graph = ModuleGraph("neo4j", held, build)
        assert graph.store is held and len(builds) == 1 and _count(held) == 1
        assert graph.db == held.settings.db and len(builds) == 1  # not built again while nobody emptied it

        _empty("neo4j", other)
        assert _count(other) == 0
        assert graph.store is held and len(builds) == 2 and _count(held) == 1


def test_a_module_graph_on_the_embedded_store_is_built_once(opener):
    """Each embedded module graph has a file of its own: emptying "the Neo4j database" is not about it."""
    builds = []
    with opener() as held:
        graph = ModuleGraph("embedded", held, builds.append)
        stores._Neo4jFills.count += 1  # as if a Neo4j test had emptied its database meanwhile
        assert graph.store is held and graph.db == held.settings.db and len(builds) == 1

"""docker-compose.yml: valid against the compose spec, and the Neo4j that docs/neo4j.md promises.

There is no Docker engine here, so `check-jsonschema --builtin-schema vendor.compose-spec`
validates the file against the published compose schema, and the rest is read from the YAML.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
COMPOSE = ROOT / "docker-compose.yml"


def neo4j_service() -> dict:
    return yaml.safe_load(COMPOSE.read_text("utf-8"))["services"]["neo4j"]


def test_compose_file_is_valid_against_the_compose_spec():
    exe = shutil.which("check-jsonschema", path=str(Path(sys.executable).parent)) or "check-jsonschema"
    proc = subprocess.run(
        [exe, "--builtin-schema", "vendor.compose-spec", str(COMPOSE)], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_neo4j_5_with_browser_and_bolt_ports():
    svc = neo4j_service()
    assert re.fullmatch(r"neo4j:5(\.[\d.]+)?(-community)?", svc["image"])
    assert {"7474:7474", "7687:7687"} <= {str(p) for p in svc["ports"]}


def test_auth_from_env_with_the_documented_default():
    auth = neo4j_service()["environment"]["NEO4J_AUTH"]
    assert auth == "neo4j/${NEO4J_PASSWORD:-sanctions-kg}"
    # The default must be what docs/neo4j.md and the error message for a refused login say.
    assert "neo4j / sanctions-kg" in (ROOT / "graph" / "neo4j_server.py").read_text("utf-8")
    # Neo4j 5 refuses passwords shorter than 8 characters at first start.
    default = re.search(r":-([^}]*)\}", auth).group(1)
    assert len(default) >= 8
    # sanctions-kg's own default is the same password (NEO4J_PASSWORD unset on both sides).
    from graph.settings import DEFAULT_NEO4J_PASSWORD

    assert DEFAULT_NEO4J_PASSWORD == default


def test_compose_runs_the_neo4j_version_the_tests_run():
    """docker-compose.yml's image, docs/neo4j.md and the test server (tests/neo4j-launcher/pom.xml)
    name one Neo4j version."""
    import neo4j_test_server

    version = neo4j_test_server.neo4j_version()
    assert neo4j_service()["image"] == f"neo4j:{version}-community"
    assert f"Neo4j {version}" in (ROOT / "docs" / "neo4j.md").read_text("utf-8")
    ci = yaml.safe_load((ROOT / ".github" / "workflows" / "ci.yml").read_text("utf-8"))["jobs"]["test"]
    assert ci["services"]["neo4j"]["image"] == f"neo4j:{version}-community"


def test_the_docs_examples_use_the_address_and_password_of_compose_and_ci():
    """docs/neo4j.md's examples run on `bolt://localhost:7687` with the default password
    (docs/generate.py maps both to the test server's): the Bolt port compose publishes, and the
    password compose and CI's service container set."""
    spec = importlib.util.spec_from_file_location("docs_generate_compose", ROOT / "docs" / "generate.py")
    generate = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = generate  # its dataclasses look their module up there
    spec.loader.exec_module(generate)

    port = generate.NEO4J_DOC_URI.rsplit(":", 1)[1]
    assert f"{port}:7687" in [str(p) for p in neo4j_service()["ports"]]
    ci = yaml.safe_load((ROOT / ".github" / "workflows" / "ci.yml").read_text("utf-8"))["jobs"]["test"]
    from graph.settings import DEFAULT_NEO4J_PASSWORD

    assert ci["env"]["NEO4J_URI"] == generate.NEO4J_DOC_URI
    assert ci["env"]["NEO4J_PASSWORD"] == DEFAULT_NEO4J_PASSWORD
    assert ci["services"]["neo4j"]["env"]["NEO4J_AUTH"] == f"neo4j/{DEFAULT_NEO4J_PASSWORD}"


def test_data_on_a_named_volume_and_a_healthcheck():
    doc = yaml.safe_load(COMPOSE.read_text("utf-8"))
    svc = doc["services"]["neo4j"]
    mounts = {v.split(":")[1]: v.split(":")[0] for v in svc["volumes"]}
    assert mounts["/data"] in doc["volumes"]  # named, so `docker compose down` keeps the graph
    check = svc["healthcheck"]
    assert check["test"][0] == "CMD-SHELL" and "cypher-shell" in check["test"][1]
    assert check["retries"] >= 3 and check["interval"]


def test_ci_workflow_is_valid_and_runs_against_neo4j():
    workflow = ROOT / ".github" / "workflows" / "ci.yml"
    exe = shutil.which("check-jsonschema", path=str(Path(sys.executable).parent)) or "check-jsonschema"
    proc = subprocess.run(
        [exe, "--builtin-schema", "vendor.github-workflows", str(workflow)], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    job = yaml.safe_load(workflow.read_text("utf-8"))["jobs"]["test"]
    assert job["services"]["neo4j"]["image"].startswith("neo4j:5")
    assert job["env"]["NEO4J_URI"] == "bolt://localhost:7687"  # the Neo4j store suite runs, not skips
    runs = [step.get("run", "") for step in job["steps"]]
    assert "npm ci" in runs and "uv run pytest" in runs


def test_one_transactions_memory_is_bounded_as_our_test_server_bounds_it():
    """Neo4j has no per-query memory bound: db.memory.transaction.max is the server's, so the
    compose file sets it (issue 27), the same as the test server that proves the one-line error
    (tests/test_memory_bound.py), and well under the heap."""
    env = neo4j_service()["environment"]
    bound = env["NEO4J_db_memory_transaction_max"]
    launcher = (ROOT / "tests" / "neo4j-launcher" / "Launcher.java").read_text()
    assert f'config.put("db.memory.transaction.max", "{bound}");' in launcher

    def mb(v: str) -> int:
        return int(v[:-1]) * (1024 if v.endswith("g") else 1)

    assert mb(bound) <= mb(env["NEO4J_server_memory_heap_max__size"]) // 2

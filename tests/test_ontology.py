"""The ontology declares behaviour once (graph/ontology.yaml, graph/ontology.py, graph/formats.py),
and the code reads it from there: a property added to one label in a copy of the file is stored,
exported and shown in reports with no other change."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

from graph import formats, ontology
from graph.errors import OntologyError

ROOT = Path(__file__).resolve().parents[1]
PACKAGED = ROOT / "graph" / "ontology.yaml"


def _copy(tmp_path: Path, change) -> Path:
    raw = yaml.safe_load(PACKAGED.read_text("utf-8"))
    change(raw)
    out = tmp_path / "ontology.yaml"
    out.write_text(yaml.safe_dump(raw, sort_keys=False), "utf-8")
    return out


# -- formats ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fmt, good, bad",
    [
        ("imo", ["1234567", "9000003"], ["1234568", "123456", "12345678", "abcdefg", "１２３４５６７", ""]),
        ("mmsi", ["273123456"], ["27312345", "2731234567", "27312345x"]),
        ("date", ["2024-02-29", "1999-12-31"], ["2023-02-29", "2024-13-01", "2024-1-1", "20240101", "yesterday"]),
        ("iso2", ["RU", "KP"], ["ru", "RUS", "R1", ""]),
    ],
)
def test_each_format_has_one_validator(fmt, good, bad):
    assert all(formats.valid(fmt, v) for v in good)
    assert not any(formats.valid(fmt, v) for v in bad)
    assert not formats.valid(fmt, None)


def test_imo_check_digit_is_the_weighted_sum_of_the_first_six_digits():
    # 1*7 + 2*6 + 3*5 + 4*4 + 5*3 + 6*2 = 77 -> 7
    assert formats.imo_check_digit("123456") == 7
    assert formats.valid_imo("1234567") and not formats.valid_imo("1234560")


def test_every_user_of_the_imo_check_calls_the_one_in_graph_formats():
    from bench import corpus
    from ingest.components import vessels
    from ingest.lists import ftm, ofac

    for module in (vessels, ofac, ftm, corpus):
        assert module.valid_imo is formats.valid_imo, module.__name__


# -- what the ontology declares ----------------------------------------------------------------


def test_the_ontology_declares_identifiers_formats_and_what_a_report_hides():
    onto = ontology.load()
    vessel = onto.label("Vessel")
    assert vessel.identifiers == ("imo", "mmsi", "call_sign")
    assert vessel.properties["imo"].format == "imo" and vessel.properties["mmsi"].format == "mmsi"
    assert vessel.attributes == ("flag", "vessel_type")
    assert onto.label("Company").attributes == ("legal_form",)
    assert onto.identifiers == ("imo", "mmsi", "call_sign")
    assert {"id", "name", "aliases", "keys", "ais_dark", "imo"} <= onto.hidden_properties
    assert not {"flag", "listed", "list_ids", "mention_count", "source"} & onto.hidden_properties
    assert onto.label("Article").properties["published"].format == "date"  # a date property's format
    assert onto.label_of(["Entity", "Port"]) == "Port" and onto.label_of(["Entity"]) is None


def test_the_ontology_declares_resolution_and_matching():
    onto = ontology.load()
    assert onto.label("Vessel").resolve_by == "imo"
    assert onto.label("Company").key_rules == ("strip_legal_form",)
    assert onto.label("Port").key_rules == ("strip_port_words",)
    assert onto.match_groups == {"Vessel": "vessel", "Company": "org", "Agency": "org", "Organization": "org", "Person": "person"}
    assert "Port" not in onto.match_labels and "Country" not in onto.match_labels
    sanctioned = onto.rel_type("SANCTIONED_BY")
    assert set(sanctioned.extract_from) < set(sanctioned.sources)
    assert onto.rel_type("OWNED_BY").extract_from == onto.rel_type("OWNED_BY").sources
    assert onto.rel_type("CALLED_AT").own == ("date", "activity")


def _loader_names(tree: ast.Module) -> tuple[set[str], set[str]]:
    """The names a module binds to graph.ontology's load(), and to the graph.ontology module itself."""
    loads, modules = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "graph.ontology":
            loads |= {a.asname or a.name for a in node.names if a.name == "load"}
        elif isinstance(node, ast.ImportFrom) and node.module == "graph":
            modules |= {a.asname or a.name for a in node.names if a.name == "ontology"}
        elif isinstance(node, ast.Import):
            modules |= {a.asname for a in node.names if a.name == "graph.ontology" and a.asname}
    return loads, modules


def _names_ontology(value: ast.expr, names: set[str]) -> bool:
    """A literal tuple, list or set (or set()/frozenset()/tuple() of one) of two or more label or
    relationship type names: a group of them written out again instead of declared."""
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id in ("set", "frozenset", "tuple"):
        return len(value.args) == 1 and _names_ontology(value.args[0], names)
    if not isinstance(value, (ast.Tuple, ast.List, ast.Set)):
        return False
    return len(value.elts) >= 2 and all(isinstance(x, ast.Constant) and x.value in names for x in value.elts)


def ontology_constants(root: Path = ROOT) -> dict[str, list[str]]:
    """Project modules outside graph/ -> the module-level names they assign from the ontology: a value
    that calls its loader (`load_ontology().identifiers`, `{... for ... in ontology.load().labels}`) or
    reads a name assigned so before it, or that spells out label or relationship type names. Such a constant repeats the declaration, and
    freezes it at import: a copy of the ontology given later (SANCTIONS_KG_ONTOLOGY) never reaches it."""
    from test_structure import project_modules

    onto = ontology.load()
    names = set(onto.labels) | set(onto.relationships)
    out: dict[str, list[str]] = {}
    for name, path in project_modules(root).items():
        if name == "graph" or name.startswith("graph."):
            continue
        tree = ast.parse(path.read_text("utf-8"), str(path))
        loads, modules = _loader_names(tree)

        found: list[str] = []

        def calls_loader(value: ast.expr) -> bool:  # or reads a constant that did
            for node in ast.walk(value):
                if isinstance(node, ast.Name) and node.id in found:
                    return True
                if isinstance(node, ast.Call):
                    f = node.func
                    if (isinstance(f, ast.Name) and f.id in loads) or (
                        isinstance(f, ast.Attribute) and f.attr == "load"
                        and isinstance(f.value, ast.Name) and f.value.id in modules
                    ):
                        return True
            return False

        for stmt in tree.body:
            if isinstance(stmt, ast.Assign):
                targets, value = stmt.targets, stmt.value
            elif isinstance(stmt, (ast.AnnAssign, ast.AugAssign)) and stmt.value is not None:
                targets, value = [stmt.target], stmt.value
            else:
                continue
            if calls_loader(value) or _names_ontology(value, names):
                found += [n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)]
        if found:
            out[name] = found
    return out


def test_the_constant_finder_sees_loader_calls_and_spelled_out_names(tmp_path):
    (tmp_path / "ingest").mkdir()
    (tmp_path / "ingest" / "__init__.py").write_text("")
    (tmp_path / "ingest" / "a.py").write_text(
        "from graph.ontology import load as load_ontology\n"
        "IDS = load_ontology().identifiers\n"
        "DARK = {n for n, lab in load_ontology().labels.items() if lab.is_entity}\n"
        "def inside():\n    return load_ontology().identifiers\n"
    )
    (tmp_path / "ingest" / "b.py").write_text(
        "from graph import ontology\n"
        "A, B = ontology.load().labels, 1\n"
        "C = set(A['Vessel'])\n"
        "OWN = frozenset({'OWNED_BY', 'OPERATED_BY'})\n"
        "SHARES = {'Vessel': 0.4, 'Company': 0.6}\n"  # a bench's workload mix declares nothing
        "WORDS = ('Vessel', 'ship')\n"  # not only ontology names
        "ONE = ('Vessel',)\n"
    )
    (tmp_path / "queries").mkdir()
    (tmp_path / "queries" / "c.py").write_text("TYPES = ['OWNED_BY', 'PART_OF']\n")
    (tmp_path / "graph").mkdir()
    (tmp_path / "graph" / "view.py").write_text("TYPES = ('OWNED_BY', 'PART_OF')\n")  # graph/ declares
    assert ontology_constants(tmp_path) == {
        "ingest.a": ["IDS", "DARK"], "ingest.b": ["A", "B", "C", "OWN"], "queries.c": ["TYPES"]}


def test_code_reads_the_declarations_instead_of_repeating_them():
    found = ontology_constants()
    assert not found, (
        f"{found}: module constants taken from (or spelling out) the ontology. Read it where it is used "
        "(store.ontology, or graph.ontology.load() inside the function), or add what is missing to "
        "graph/ontology.py as a property of Ontology."
    )


def test_the_labels_new_articles_recognise_are_declared(tmp_path, store):
    onto = ontology.load()
    assert onto.known_labels("always") == ("Vessel", "Company")
    assert onto.known_labels("listed") == ("Agency", "Organization", "Person")
    # A copy in which ports are known too: the name index then holds them.
    from ingest.knowledge import load_index

    copy = _copy(tmp_path, lambda raw: raw["labels"]["Port"].update(known="always"))
    store.upsert_nodes("Port", [{"id": "port:exampleton", "name": "Exampleton"}])
    store.upsert_nodes("Person", [{"id": "person:jane-example", "name": "Jane Example"}])
    assert [k.name for k in load_index(store)] == []
    store.ontology = ontology.load(copy)
    assert [k.name for k in load_index(store)] == ["Exampleton"]  # the unlisted person stays out


def test_the_reads_follow_the_declared_roles(tmp_path):
    from graph.view import exposure_query

    onto = ontology.load()
    assert onto.ownership_types == ("OWNED_BY", "OPERATED_BY", "PART_OF")
    assert onto.exposure_types == ("OWNED_BY", "OPERATED_BY", "PART_OF", "ASSOCIATED_WITH")
    assert onto.control_types == ("OWNED_BY", "OPERATED_BY")
    assert onto.role_groups == {"ownership": onto.ownership_types, "control": onto.control_types,
                                "exposure": onto.exposure_types}
    assert all(t in onto.relationships for types in onto.role_groups.values() for t in types)
    assert onto.role_pattern("control") == "OWNED_BY|OPERATED_BY" and onto.role_pattern("sanction") == "SANCTIONED_BY"
    assert (onto.sanction_type, onto.mention_type, onto.port_call_type) == ("SANCTIONED_BY", "MENTIONS", "CALLED_AT")
    assert onto.ais_dark == ("Vessel", "ais_dark")
    assert "-[:OWNED_BY|OPERATED_BY|PART_OF|ASSOCIATED_WITH*1..2]-" in exposure_query(onto, 2, 10)

    # A copy in which a place carries exposure, and a stated tie no longer does.
    def change(raw):
        raw["relationships"]["LOCATED_IN"]["roles"] = ["exposure"]
        raw["relationships"]["ASSOCIATED_WITH"]["roles"] = []

    copy = ontology.load(_copy(tmp_path, change))
    assert copy.exposure_types == ("OWNED_BY", "OPERATED_BY", "LOCATED_IN", "PART_OF")
    assert copy.ownership_types == onto.ownership_types
    assert "-[:OWNED_BY|OPERATED_BY|LOCATED_IN|PART_OF*1..2]-" in exposure_query(copy, 2, 10)


def test_the_code_applies_the_declared_rules():
    from ingest import resolve

    assert resolve.local_key("Port", "Port of Exampleton") == resolve.local_key("Port", "Exampleton")
    assert resolve.local_key("Company", "Examplecorp LLC") == resolve.local_key("Company", "Examplecorp")
    assert resolve.entity_id("Vessel", "Sea Example", "1234567") == "imo:1234567"
    assert resolve.entity_id("Company", "Sea Example", "1234567") == "company:sea-example"


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda raw: raw["labels"]["Vessel"]["properties"]["imo"].update(format="imo9"), "unknown format 'imo9'"),
        (lambda raw: raw["labels"]["Company"].update(resolve_by="legal_form"), "resolve_by 'legal_form'"),
        (lambda raw: raw["relationships"]["OWNED_BY"].update(extract_from=["Ship"]), "unknown label 'Ship'"),
        (lambda raw: raw["relationships"]["OWNED_BY"].update(roles=["owner"]),
         "Relationship OWNED_BY has unknown role 'owner'. Known roles: ownership, control, exposure"),
        (lambda raw: raw["relationships"].update({"OWNED BY": raw["relationships"]["OWNED_BY"]}),
         "Relationship type name 'OWNED BY' .* is not a plain identifier"),
        (lambda raw: raw["relationships"].update({"X]->(n) DETACH DELETE n//": raw["relationships"]["PART_OF"]}),
         "is not a plain identifier .* written into Cypher as it stands"),
        (lambda raw: raw["relationships"]["LOCATED_IN"].update(roles=["sanction"]),
         "exactly one relationship type; found 2: SANCTIONED_BY, LOCATED_IN"),
        (lambda raw: raw["relationships"]["MENTIONS"].pop("roles"), "Role 'mention' .* found 0"),
        (lambda raw: raw["labels"]["Vessel"]["properties"]["ais_dark"].update(role="dark"),
         "Property 'ais_dark' has unknown role 'dark'"),
        (lambda raw: raw["labels"]["Port"]["properties"].update(dark={"type": "list", "role": "ais_dark"}),
         "found 2: Port.dark, Vessel.ais_dark"),
        (lambda raw: raw["labels"]["Person"].update(known="sometimes"),
         "Label Person: known 'sometimes' is not one of always, listed"),
    ],
)
def test_a_wrong_declaration_is_refused_by_name(tmp_path, change, message):
    with pytest.raises(OntologyError, match=message):
        ontology.load(_copy(tmp_path, change))


def test_an_unreadable_ontology_file_names_the_setting(tmp_path):
    with pytest.raises(OntologyError, match="SANCTIONS_KG_ONTOLOGY"):
        ontology.load(tmp_path / "missing.yaml")


def test_the_ontology_file_comes_from_the_setting(tmp_path, monkeypatch):
    copy = _copy(tmp_path, lambda raw: raw["labels"]["Person"]["properties"].update(born={"type": "date"}))
    monkeypatch.setenv("SANCTIONS_KG_ONTOLOGY", str(copy))
    assert ontology.path() == copy
    assert ontology.load().label("Person").properties["born"].format == "date"
    monkeypatch.delenv("SANCTIONS_KG_ONTOLOGY")
    assert "born" not in ontology.load().label("Person").properties


# -- a new property needs no code change ---------------------------------------------------------

# Runs in a fresh interpreter, so every module reads the ontology that SANCTIONS_KG_ONTOLOGY names
# from the start, as a user's process would. Writes one article through the ingest writer, then
# prints what the store, the exports and the report hold of the vessel's gross tonnage.
_SCRIPT = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path

    from graph.backends import open_store
    from graph.export import export
    from ingest.model import Document, Entity, ExtractionResult, Span
    from ingest.pipeline import write_article
    from ingest.resolve import Resolver
    from queries.render import report_markdown
    from queries.report import build_report

    tmp = Path(sys.argv[1])
    text = "The bulk carrier Sea Example (IMO 1234567) has a gross tonnage of 51000."
    ship = Entity(label="Vessel", name="Sea Example", aliases=["Sea Example"], identifiers={"imo": "1234567"},
                  spans=[Span(17, 28, "Sea Example")], props={"vessel_type": "bulk carrier", "gross_tonnage": 51000})
    result = ExtractionResult(Document(text=text, title="An example"), [ship], [])
    Resolver().resolve(result.entities)
    out = {}
    with open_store(str(tmp / "kg.db")) as store:
        write_article(store, result)
        out["stored"] = store.run("MATCH (n:Vessel) RETURN n.gross_tonnage AS t").rows[0]["t"]
        export(store, "json", tmp / "graph.json")
        export(store, "neo4j-admin", tmp / "admin")
        report = build_report(store, "Sea Example")
    nodes = json.loads((tmp / "graph.json").read_text())["nodes"]
    out["json"] = next(n for n in nodes if "Vessel" in n["labels"])["properties"].get("gross_tonnage")
    out["csv_header"] = (tmp / "admin" / "nodes_Vessel.csv").read_text().splitlines()[0]
    out["report"] = report["entity"]["properties"].get("gross_tonnage")
    out["markdown"] = [line for line in report_markdown(report).splitlines() if "51000" in line]
    print(json.dumps(out))
    """
)


def _run(tmp_path: Path, ontology_file: Path | None) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "SANCTIONS_KG_ONTOLOGY"}
    if ontology_file is not None:
        env["SANCTIONS_KG_ONTOLOGY"] = str(ontology_file)
    proc = subprocess.run(
        [sys.executable, "-c", _SCRIPT, str(tmp_path)], capture_output=True, text=True, cwd=ROOT, env=env, timeout=300
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_a_property_added_to_one_label_is_stored_exported_and_shown(tmp_path):
    copy = _copy(
        tmp_path,
        lambda raw: raw["labels"]["Vessel"]["properties"].update(
            gross_tonnage={"type": "int", "doc": "gross tonnage, when the text gives it"}
        ),
    )
    (tmp_path / "with").mkdir()
    got = _run(tmp_path / "with", copy)
    assert got["stored"] == 51000
    assert got["json"] == 51000
    assert "gross_tonnage:long" in got["csv_header"].split(",")
    assert got["report"] == 51000
    assert got["markdown"] == ["| gross tonnage | 51000 |"]


def test_without_the_declaration_the_property_is_not_stored(tmp_path):
    got = _run(tmp_path, None)  # the packaged ontology: Vessel has no gross_tonnage
    assert got["stored"] is None and got["json"] is None and got["report"] is None
    assert "gross_tonnage" not in got["csv_header"] and got["markdown"] == []

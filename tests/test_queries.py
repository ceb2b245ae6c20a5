"""The named queries (queries/*.cypher): headers, parameter checks, and the rows each returns
on a store of each backend holding the sample graph (tests/stores.py: sample_store)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import sample_graph
from graph.errors import ConfigError, LookupFailed
from queries import library
from queries.report import EXPOSURE_TYPES, OWNERSHIP_TYPES

REQUIRED = {
    "ownership_chain", "sanctions_exposure", "vessels_at_port", "port_call_timeline",
    "shared_owner", "evidence", "most_mentioned", "went_dark",
}


def rows(store, name, **params):
    return library.run_named(store, name, params).rows


# -- headers --------------------------------------------------------------------------------
def test_every_required_query_exists():
    assert REQUIRED <= set(library.load_all())


@pytest.mark.parametrize("name", sorted(library.load_all()))
def test_header_is_complete(name):
    q = library.get(name)
    assert q.description and q.summary.endswith(".")
    assert q.example.startswith(f"sanctions-kg query --name {name}")
    for p in q.params:
        assert p.doc, f"${p.name} needs a description"
        assert p.example is not None, f"${p.name} needs an example value"
        assert p.required or p.name in q.browser, "the Neo4j Browser line must set every parameter"
    # Every $param the text uses is declared, and every declared one is used.
    used = set(re.findall(r"\$(\w+)", q.text()))
    assert used == {p.name for p in q.params}


@pytest.mark.parametrize("name", sorted(library.load_all()))
def test_example_command_runs(sample_store, name):
    """The header's example command line is valid: its -p values pass the parameter checks."""
    q = library.get(name)
    params = dict(re.findall(r'-p (\w+)=("[^"]*"|\S+)', q.example))
    params = {k: v.strip('"') for k, v in params.items()}
    library.run_named(sample_store, name, params)


def test_variant_files_are_checked(tmp_path, sample_store):
    (tmp_path / "q.cypher").write_text(
        "// name: q\n// A test query.\n//\n// Parameters:\n"
        '//   $n (int 1..3, default 1, example 2): how many\n//\n// Example: sanctions-kg query --name q\n'
        "RETURN $n AS n, 'shared' AS text\n"
    )
    (tmp_path / "q.falkordb.cypher").write_text("RETURN $n AS n, 'falkordb' AS text\n")
    q = library.get("q", tmp_path)
    assert "shared" in q.text("neo4j") and "falkordb" in q.text("falkordb")
    # Each backend gets its own variant, or the shared text when it has none.
    text = "falkordb" if sample_store.dialect_name == "falkordb" else "shared"
    assert library.run_named(sample_store, "q", {"n": "3"}, directory=tmp_path).rows == [{"n": 3, "text": text}]


def test_variant_with_undeclared_param_is_refused(tmp_path):
    (tmp_path / "r.cypher").write_text("// name: r\n// Test.\n//\n// Example: sanctions-kg query --name r\nRETURN 1\n")
    (tmp_path / "r.neo4j.cypher").write_text("RETURN $x\n")
    with pytest.raises(ConfigError, match=r"r.neo4j.cypher uses \$x but the header of r.cypher does not declare it"):
        library.load_all(tmp_path)


def test_bad_header_names_the_fix(tmp_path):
    (tmp_path / "s.cypher").write_text("// name: s\n// Test.\n//\n// Parameters:\n//   $x int\n// Example: x\nRETURN $x\n")
    with pytest.raises(ConfigError, match=r"cannot read parameter line '\$x int'; write it as"):
        library.load_all(tmp_path)


def test_exposure_query_follows_the_report_types():
    text = library.get("sanctions_exposure").text()
    assert "|".join(EXPOSURE_TYPES) in text
    assert "|".join(OWNERSHIP_TYPES) in library.get("ownership_chain").text()


# -- relationship roles: {{role}} filled in from the ontology -------------------------------
def _ontology_copy(tmp_path, change):
    import yaml

    from graph import ontology

    raw = yaml.safe_load(ontology.path().read_text("utf-8"))
    change(raw["relationships"])
    (tmp_path / "ontology.yaml").write_text(yaml.safe_dump(raw, sort_keys=False), "utf-8")
    return ontology.load(tmp_path / "ontology.yaml")


def test_the_queries_name_relationship_roles_not_their_types():
    """The queries that follow ownership, control or exposure write the role; no query spells out
    a role group's types (the ontology declares them once)."""
    from graph.ontology import GROUP_ROLES, load

    onto = load()
    used = {name: q.roles for name, q in library.load_all().items() if q.roles}
    assert used == {"ownership_chain": ("ownership",), "sanctions_exposure": ("exposure",), "shared_owner": ("control",)}
    for name, q in library.load_all().items():
        for raw in q.texts.values():
            for role in GROUP_ROLES:
                assert "|".join(onto.role_groups[role]) not in raw, f"{name} spells out the {role} types"
    assert "[r:OWNED_BY|OPERATED_BY]->" in library.get("shared_owner").text()
    assert "[:OWNED_BY|OPERATED_BY|PART_OF*1..8]->" in library.get("ownership_chain").text()
    assert "{{" not in library.get("sanctions_exposure").text("neo4j")


def test_a_role_changed_in_a_copy_of_the_ontology_changes_the_query(tmp_path, sample_store, monkeypatch):
    """A copy in which operation is not control nor part of the ownership chain, and a port call
    is exposure: the filled-in texts follow it, and so do the rows on each backend."""
    def change(rels):
        rels["OPERATED_BY"]["roles"] = ["exposure"]
        rels["CALLED_AT"]["roles"] = ["port_call", "exposure"]

    copy = _ontology_copy(tmp_path, change)
    assert "[r:OWNED_BY]->" in library.get("shared_owner").text("", copy)
    assert "[:OWNED_BY|PART_OF*1..8]->" in library.get("ownership_chain").text("", copy)
    assert "[:CALLED_AT|OWNED_BY|OPERATED_BY|PART_OF|ASSOCIATED_WITH*1..4]-" in library.get("sanctions_exposure").text("", copy)
    before = rows(sample_store, "ownership_chain", entity="imo:9161003")
    assert rows(sample_store, "sanctions_exposure", max_hops=1, label="Port") == []
    monkeypatch.setattr(sample_store, "ontology", copy)
    assert before and rows(sample_store, "ownership_chain", entity="imo:9161003") == []  # Lady R is only operated
    assert rows(sample_store, "shared_owner") == []  # the four ships share an operator, no owner
    assert {r["id"] for r in rows(sample_store, "sanctions_exposure", max_hops=1, label="Port")} >= {"port:rason"}


def test_a_role_no_type_plays_is_refused(tmp_path, sample_store, monkeypatch):
    """An empty alternation would follow every type: the query is not run."""
    from graph.errors import OntologyError

    def change(rels):
        for rel in rels.values():
            rel["roles"] = [r for r in rel.get("roles") or [] if r != "control"]

    copy = _ontology_copy(tmp_path, change)
    with pytest.raises(OntologyError, match="No relationship type declares the role 'control'"):
        library.get("shared_owner").text("", copy)
    monkeypatch.setattr(sample_store, "ontology", copy)
    with pytest.raises(OntologyError, match="Add it to the `roles:` of at least one type"):
        rows(sample_store, "shared_owner")


def test_the_printed_query_is_the_filled_in_text(tmp_path, monkeypatch):
    """`sanctions-kg queries NAME` prints the Cypher to paste into Neo4j Browser: the types of the
    ontology in use (SANCTIONS_KG_ONTOLOGY) in place of the role."""
    from click.testing import CliRunner

    from cli import main

    out = CliRunner().invoke(main, ["queries", "shared_owner"]).output
    assert "MATCH (e:Entity)-[r:OWNED_BY|OPERATED_BY]->(owner:Entity)" in out and "{{control}}\nWITH" not in out

    def change(rels):
        rels["OPERATED_BY"]["roles"] = ["ownership", "exposure"]

    copy = _ontology_copy(tmp_path, change)
    monkeypatch.setenv("SANCTIONS_KG_ONTOLOGY", str(tmp_path / "ontology.yaml"))
    assert copy.control_types == ("OWNED_BY",)
    out = CliRunner().invoke(main, ["queries", "shared_owner"]).output
    assert "MATCH (e:Entity)-[r:OWNED_BY]->(owner:Entity)" in out


def test_an_unknown_role_in_a_query_is_refused(tmp_path):
    (tmp_path / "t.cypher").write_text(
        "// name: t\n// Test.\n//\n// Example: sanctions-kg query --name t\nMATCH (a)-[:{{owners}}]->(b) RETURN a\n")
    with pytest.raises(ConfigError, match=r"t.cypher: \{\{owners\}\} names no relationship role; write one of \{\{ownership\}\}"):
        library.load_all(tmp_path)


# -- parameters -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "name, params, message",
    [
        ("vessels_at_port", {}, "Named query 'vessels_at_port' needs parameter 'port' (id of the port), e.g. port=port:rason."),
        ("vessels_at_port", {"port": "port:rason", "from": "August"},
         "Parameter 'from' of 'vessels_at_port' must be a date as YYYY-MM-DD; got 'August'."),
        ("sanctions_exposure", {"max_hops": "9"}, "Parameter 'max_hops' of 'sanctions_exposure' must be between 1 and 4; got '9'."),
        ("sanctions_exposure", {"max_hops": "two"}, "Parameter 'max_hops' of 'sanctions_exposure' must be a whole number; got 'two'."),
        ("most_mentioned", {"label": "Ship"}, "Parameter 'label' of 'most_mentioned' must be one of Vessel, Company"),
        ("most_mentioned", {"colour": "red"}, "Named query 'most_mentioned' has no parameter colour. Its parameters: label, limit."),
        ("evidence", {"a": "imo:9161003", "b": "country:us", "type": "SANCTIONS"},
         "Parameter 'type' of 'evidence' must be one of MENTIONS, CALLED_AT"),
    ],
)
def test_bad_parameters(sample_store, name, params, message):
    with pytest.raises(ConfigError) as err:
        library.run_named(sample_store, name, params)
    assert str(err.value).startswith(message)


def test_unknown_query_suggests_close_names(sample_store):
    with pytest.raises(LookupFailed, match=r"No named query 'vessel_at_port'. Did you mean vessels_at_port\?"):
        library.run_named(sample_store, "vessel_at_port", {})


def test_entity_parameters_accept_names(sample_store):
    by_name = rows(sample_store, "port_call_timeline", vessel="LADY R")
    assert by_name == rows(sample_store, "port_call_timeline", vessel="imo:9161003")
    with pytest.raises(LookupFailed, match="'Angara' matches 2 entities"):
        rows(sample_store, "ownership_chain", entity="Angara")


def test_parameters_are_typed(sample_store):
    assert [r["name"] for r in rows(sample_store, "most_mentioned", limit="2")] == ["Lady R", "Angara"]
    assert [r["name"] for r in rows(sample_store, "most_mentioned", label="vessel", limit=1)] == ["Lady R"]


# -- results --------------------------------------------------------------------------------
def test_ownership_chain_reaches_the_top_owner(sample_store):
    result = rows(sample_store, "ownership_chain", entity="imo:9161003")
    assert result == [{
        "top_owner_id": "country:ru", "top_owner": "Russia", "hops": 3,
        "chain": ["Lady R", "Oboronlogistika OOO", "Russian Ministry of Defence", "Russia"],
        "via": ["OPERATED_BY", "OWNED_BY", "PART_OF"],
        "chain_ids": ["imo:9161003", "company:oboronlogistika-ooo", "agency:russian-ministry-of-defence", "country:ru"],
    }]
    assert rows(sample_store, "ownership_chain", entity="country:ru") == []


def test_sanctions_exposure(sample_store):
    two = rows(sample_store, "sanctions_exposure")
    assert {(r["id"], r["hops"]) for r in two} == {
        ("company:oboronlogistika-ooo", 1), ("org:rusi", 1), ("agency:russian-ministry-of-defence", 2),
    }
    assert all(r["sanctioned_id"] in sample_graph.SHIPS for r in two)
    mod = next(r for r in two if r["id"] == "agency:russian-ministry-of-defence" and r["sanctioned"] == "Lady R")
    assert mod["path"] == ["Russian Ministry of Defence", "Oboronlogistika OOO", "Lady R"]
    assert mod["via"] == ["OWNED_BY", "OPERATED_BY"]
    three = rows(sample_store, "sanctions_exposure", max_hops=3, label="Country")
    assert {r["id"] for r in three} == {"country:ru"} and {r["hops"] for r in three} == {3}
    assert rows(sample_store, "sanctions_exposure", max_hops=1, label="Agency") == []


def test_vessels_at_port(sample_store):
    rason = rows(sample_store, "vessels_at_port", port="port:rason")
    assert [(r["vessel"], r["date"], r["activity"]) for r in rason] == [
        ("Lady R", "2023-08-20", "loaded"), ("Angara", "2023-09-02", "called")]
    assert rason[0]["imo"] == "9161003" and rason[0]["articles"] == [sample_graph.RUSI]
    assert [r["vessel"] for r in rows(sample_store, "vessels_at_port", port="Rajin", **{"from": "2023-09-01"})] == ["Angara"]
    assert [r["vessel"] for r in rows(sample_store, "vessels_at_port", port="vostochny", to="2023-09-30")] == ["Lady R"]
    # An undated call shows without a window and drops out of any window.
    assert [r["date"] for r in rows(sample_store, "vessels_at_port", port="port:dunay")] == [None]
    assert rows(sample_store, "vessels_at_port", port="port:dunay", to="2030-01-01") == []


def test_port_call_timeline(sample_store):
    result = rows(sample_store, "port_call_timeline", vessel="vessel:angara")
    assert [(r["date"], r["port"], r["country"]) for r in result] == [
        ("2023-09-02", "Rason", "North Korea"), (None, "Dunay", "Russia")]
    assert result[0]["evidence"] == [{"article": sample_graph.NKPRO, "sentence": sample_graph.S_ANGARA, "method": "rule"}]


def test_shared_owner(sample_store):
    result = rows(sample_store, "shared_owner")
    assert len(result) == 1
    assert result[0]["owner"] == "Oboronlogistika OOO" and result[0]["count"] == 4
    assert sorted(result[0]["entity_ids"]) == sorted(sample_graph.SHIPS)
    assert result[0]["via"] == ["OPERATED_BY"]
    assert rows(sample_store, "shared_owner", entity="Maria") == result
    assert rows(sample_store, "shared_owner", entity="company:oboronlogistika-ooo") == []


def test_evidence(sample_store):
    result = rows(sample_store, "evidence", a="Lady R", b="United States")
    assert result == [{
        "from": "Lady R", "type": "SANCTIONED_BY", "to": "United States",
        "article_id": sample_graph.TREASURY, "title": "Treasury designates Russian military shipping",
        "source": "US Treasury", "published": "2022-05-08", "url": "https://example.org/treasury/2022",
        "evidence": [{"article": sample_graph.TREASURY, "sentence": sample_graph.S_SANCTIONED, "method": "rule"}],
    }]
    # Either direction, and filtered by type.
    assert rows(sample_store, "evidence", a="country:us", b="imo:9161003")[0]["from"] == "Lady R"
    assert rows(sample_store, "evidence", a="imo:9161003", b="country:us", type="called_at") == []


def test_most_mentioned(sample_store):
    result = rows(sample_store, "most_mentioned", limit=3)
    assert [(r["name"], r["articles"]) for r in result] == [("Lady R", 3), ("Angara", 2), ("North Korea", 2)]
    assert result[0]["label"] == "Vessel"


def test_went_dark(sample_store):
    assert rows(sample_store, "went_dark") == [{
        "vessel_id": "imo:9161003", "vessel": "Lady R", "imo": "9161003", "reports": 1,
        "sanctioned_by": ["United States"],
        "evidence": [{"article": sample_graph.RUSI, "date": "2023-08-22", "method": "rule",
                      "sentence": "The Lady R did not turn on its AIS transponder between Rason and Vostochny."}],
    }]


def test_sanctioned(sample_store):
    result = rows(sample_store, "sanctioned", label="Vessel")
    assert [r["name"] for r in result] == ["Angara", "Lady R", "Maia-1", "Maria"]
    assert {(r["sanctioned_by"], r["year"], r["list_name"]) for r in result} == {("United States", 2022, "SDN")}
    assert rows(sample_store, "sanctioned", label="Company") == []


def test_queries_are_read_only(sample_store):
    """Named queries go through the read-only path: a write text is refused."""
    from graph.errors import ReadOnlyError

    path = Path(library.QUERY_DIR)
    assert all("MERGE" not in p.read_text() and "CREATE" not in p.read_text() for p in path.glob("*.cypher"))
    with pytest.raises(ReadOnlyError):
        sample_store.run("CREATE (:Entity {id: 'x'})")

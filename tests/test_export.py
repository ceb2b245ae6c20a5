"""Exports: JSON round trip, FtM that followthemoney validates and imports back, GraphML/GEXF
that networkx reads, neo4j-admin CSV headers."""

from __future__ import annotations

import csv
import json

import networkx as nx
import pytest
from click.testing import CliRunner

from _lists_fixtures import FTM, OFAC, open_tmp, seed_extracted, snapshot
from graph.errors import InputError
from graph.export import ARRAY_DELIMITER, export, ftm_id, load_json
from ingest.lists.importer import import_sanctions


@pytest.fixture
def graph(tmp_path):
    with open_tmp(tmp_path) as store:
        seed_extracted(store)
        import_sanctions(store, OFAC, "ofac")
        import_sanctions(store, FTM, "ftm")
        yield store


def test_json_export_then_load_gives_the_same_graph(graph, tmp_path):
    export(graph, "json", tmp_path / "g.json")
    with open_tmp(tmp_path, "copy.db") as copy:
        load_json(copy, tmp_path / "g.json")
        assert snapshot(copy) == snapshot(graph)
        load_json(copy, tmp_path / "g.json")  # loading twice changes nothing
        assert snapshot(copy) == snapshot(graph)


def test_pages_cover_everything(graph, tmp_path):
    from graph.export import iter_nodes, iter_relationships

    nodes = list(iter_nodes(graph, page=3))
    assert len(nodes) == len({n["id"] for n in nodes}) == len(list(iter_nodes(graph)))
    assert len(list(iter_relationships(graph, page=2))) == len(list(iter_relationships(graph)))


def test_ftm_export_validates_and_reimports_onto_the_same_nodes(graph, tmp_path):
    from followthemoney import model

    s = export(graph, "ftm", tmp_path / "g.ftm.json")
    lines = [json.loads(x) for x in (tmp_path / "g.ftm.json").read_text().splitlines()]
    assert len(lines) == s.nodes + sum(1 for x in lines if x["schema"] in ("Sanction", "Ownership", "UnknownLink"))
    for data in lines:
        proxy = model.get_proxy(data, cleaned=False)  # raises on an unknown schema or property
        assert proxy.to_dict()["properties"] == data["properties"], data["id"]
    lady = next(x for x in lines if x["id"] == ftm_id("imo:9161003"))
    assert lady["schema"] == "Vessel" and lady["properties"]["imoNumber"] == ["IMO9161003"]
    sanction = next(x for x in lines if x["schema"] == "Sanction" and x["properties"]["entity"] == [lady["id"]]
                    and x["properties"].get("authorityId") == ["36001"])
    assert sanction["properties"]["program"] == ["RUSSIA-EO14024"]
    # A fresh store importing the FtM file gets the same entities, names and list sanctions.
    with open_tmp(tmp_path, "ftm.db") as copy:
        import_sanctions(copy, tmp_path / "g.ftm.json", "ftm", match=False)

        def facts(store):
            ents = store.run("MATCH (n:Entity) WHERE NOT n:Country RETURN n.id AS id, n.name AS name ORDER BY id").rows
            sanc = store.run("MATCH (a)-[r:SANCTIONED_BY]->(b) WHERE r.program IS NOT NULL "
                             "RETURN a.id AS a, b.id AS b, r.program AS p, r.list_id AS l ORDER BY a, p, l").rows
            own = store.run("MATCH (a)-[r:OWNED_BY]->(b) RETURN a.id AS a, b.id AS b ORDER BY a, b").rows
            return ents, sanc, own

        ents, sanc, own = facts(copy)
        ents0, sanc0, own0 = facts(graph)
        assert {e["id"] for e in ents} == {e["id"] for e in ents0}
        assert sanc == sanc0 and own == own0


def test_graphml_and_gexf_read_by_networkx(graph, tmp_path):
    for fmt in ("graphml", "gexf"):
        path = tmp_path / f"g.{fmt}"
        s = export(graph, fmt, path)
        g = nx.read_graphml(path) if fmt == "graphml" else nx.read_gexf(path)
        assert (g.number_of_nodes(), g.number_of_edges()) == (s.nodes, s.relationships)
        lady = g.nodes["imo:9161003"]
        assert lady["label"] == "Lady R" and lady["kind"] == "Vessel"
        assert "us-ofac-sdn:36001" in json.loads(lady["list_ids"])  # lists travel as JSON strings
        types = {d.get("rel_type") for _, _, d in g.edges(data=True)}
        assert {"SANCTIONED_BY", "OWNED_BY", "MENTIONS"} <= types


def test_neo4j_admin_csv_layout_and_command(graph, tmp_path):
    out = tmp_path / "neo"
    s = export(graph, "neo4j-admin", out)
    with (out / "nodes_Vessel.csv").open(newline="") as fh:
        rows = list(csv.reader(fh))
    header = rows[0]
    assert header[:2] == ["id:ID", ":LABEL"]
    assert {"aliases:string[]", "listed:boolean", "mention_count:long", "imo:string"} <= set(header)
    lady = next(r for r in rows[1:] if r[0] == "imo:9161003")
    assert set(lady[1].split(ARRAY_DELIMITER)) == {"Entity", "Vessel"}
    with (out / "relationships_SANCTIONED_BY.csv").open(newline="") as fh:
        rheader = next(csv.reader(fh))
    assert rheader[:3] == [":START_ID", ":END_ID", ":TYPE"]
    assert {"year:long", "date:date", "evidence:string[]", "program:string"} <= set(rheader)
    assert s.command.startswith("neo4j-admin database import full neo4j ")
    assert "--array-delimiter=U+001F" in s.command
    assert f"--nodes={out / 'nodes_Vessel.csv'}" in s.command
    assert f"--relationships={out / 'relationships_SANCTIONED_BY.csv'}" in s.command
    assert s.command in (out / "import.sh").read_text().replace(" \\\n  ", " ")


def test_bad_export_targets(graph, tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        export(graph, "json", tmp_path / "no" / "such" / "g.json")
    with pytest.raises(InputError, match="is a folder"):
        export(graph, "graphml", tmp_path)


def test_cli_export(tmp_path):
    from cli import main

    db = str(tmp_path / "g.db")
    runner = CliRunner()
    assert runner.invoke(main, ["--db", db, "import-sanctions", str(OFAC)]).exit_code == 0
    result = runner.invoke(main, ["--db", db, "export", "--format", "neo4j-admin", str(tmp_path / "neo")])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1].startswith("neo4j-admin database import full neo4j")
    result = runner.invoke(main, ["--db", db, "export", "--format", "xml", str(tmp_path / "x")])
    assert result.exit_code == 2 and "'xml' is not one of" in result.output


@pytest.mark.parametrize("umask", [0o022, 0o077])
def test_exports_get_the_mode_a_plain_write_gives(graph, tmp_path, umask):
    """Files and folders as open() and mkdir() make them under the umask, not the owner-only
    0600/0700 of the temporary names they are written under (issue 24); a file written over
    keeps its own mode."""
    import os
    import stat

    old = os.umask(umask)
    try:
        for fmt in ("json", "graphml", "ftm"):
            export(graph, fmt, tmp_path / f"out.{fmt}")
            assert stat.S_IMODE((tmp_path / f"out.{fmt}").stat().st_mode) == 0o666 & ~umask, fmt
        export(graph, "neo4j-admin", tmp_path / "csv")
        assert stat.S_IMODE((tmp_path / "csv").stat().st_mode) == 0o777 & ~umask
        os.chmod(tmp_path / "out.json", 0o640)
        export(graph, "json", tmp_path / "out.json")
        assert stat.S_IMODE((tmp_path / "out.json").stat().st_mode) == 0o640
    finally:
        os.umask(old)

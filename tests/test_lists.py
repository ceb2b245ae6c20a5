"""Importing sanctions lists (OFAC SDN CSV, FollowTheMoney JSON lines) into a real embedded store."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from _lists_fixtures import FTM, OFAC, OFAC_ID, edges, node, open_tmp, seed_extracted, snapshot
from graph.errors import InputError
from ingest.lists import ftm, ofac
from ingest.lists.importer import import_sanctions


def test_ofac_reader_parses_programs_imo_aliases_and_null_markers():
    parsed = ofac.read(OFAC)
    lady = parsed.entities["us-ofac-sdn:36001"]
    assert (lady.label, lady.node_id, lady.props["imo"], lady.props["flag"]) == ("Vessel", "imo:9161003", "9161003", "Russia")
    assert "call_sign" not in lady.props  # "-0- " is empty
    oboron = parsed.entities["us-ofac-sdn:36003"]
    assert {"OBORONLOGISTICS LLC", "OOO OBORONLOGISTIKA"} <= set(oboron.aliases)
    assert [s.program for s in parsed.sanctions if s.entity == oboron.key] == ["RUSSIA-EO14024", "UKRAINE-EO13662"]
    assert parsed.entities["us-ofac-sdn:36004"].name == "Ivan Sergeyevich PETROV"
    assert parsed.skipped == {"SDN_Type aircraft": 1}


def test_ftm_reader_maps_schemata_and_sanctions():
    parsed = ftm.read(FTM)
    assert parsed.entities["ftm:os-vessel-lady-r"].node_id == "imo:9161003"
    assert parsed.entities["ftm:os-mod-ru"].label == "Agency"
    assert parsed.entities["ftm:os-le-1"].label == "Company"
    s = next(s for s in parsed.sanctions if s.entity == "ftm:os-vessel-lady-r")
    assert (s.program, s.date, s.list_name, s.entry_id) == ("RUSSIA-EO14024", "2022-05-08", "us_ofac_sdn", "36001")
    assert {(x.type, x.start, x.end) for x in parsed.links} >= {("OWNED_BY", "ftm:os-oboron", "ftm:os-mod-ru")}


def test_ofac_import_lands_on_extracted_vessel_and_keeps_article_evidence(tmp_path):
    with open_tmp(tmp_path) as store:
        seed_extracted(store)
        summary = import_sanctions(store, OFAC, "ofac")
        assert summary.entities == 5 and summary.sanctions == 6
        lady = node(store, "imo:9161003")
        assert lady["name"] == "Lady R" and lady["source"] == "article"  # the article's node, not replaced
        assert lady["listed"] is True and lady["list_ids"] == ["us-ofac-sdn:36001"]
        sanctions = edges(store, "imo:9161003", "SANCTIONED_BY")
        assert len(sanctions) == 2  # the article's edge and the list entry's edge, side by side
        article_edge = next(e for e in sanctions if e["key"] == "")
        list_edge = next(e for e in sanctions if e["key"])
        assert "rule" in article_edge["methods"] and article_edge["year"] == 2022
        assert list_edge["methods"] == ["list"] and list_edge["program"] == "RUSSIA-EO14024"
        assert list_edge["list_name"] == "us-ofac-sdn" and list_edge["list_id"] == "36001"
        assert not list_edge.get("articles")
        assert json.loads(list_edge["evidence"][0])["entry"] == "us-ofac-sdn:36001"
        assert edges(store, OFAC_ID, "PART_OF")[0]["end"] == "country:united-states"
        # vessel owner field -> OWNED_BY onto the company (which matching merged onto the extracted one)
        assert [e["end"] for e in edges(store, "imo:9161003", "OWNED_BY")] == ["company:oboronlogistics"]
        angara = node(store, "imo:9179842")
        assert angara["source"] == "list:us-ofac-sdn" and angara["name"] == "ANGARA"


def test_reimport_is_idempotent(tmp_path):
    with open_tmp(tmp_path) as store:
        seed_extracted(store)
        import_sanctions(store, OFAC, "ofac")
        import_sanctions(store, FTM, "ftm")
        before = snapshot(store)
        again = import_sanctions(store, OFAC, "ofac")
        import_sanctions(store, FTM, "ftm")
        assert again.created == 0 and again.matched == 0
        assert snapshot(store) == before


def test_ftm_import_ownership_chain(tmp_path):
    with open_tmp(tmp_path) as store:
        import_sanctions(store, FTM, "ftm")
        assert [e["end"] for e in edges(store, "ftm:os-oboron", "OWNED_BY")] == ["ftm:os-mod-ru"]
        assert [e["end"] for e in edges(store, "imo:9161003", "OWNED_BY")] == ["ftm:os-oboron"]
        un = edges(store, "ftm:os-le-1", "SANCTIONED_BY")
        assert un[0]["end"] == "agency:un-security-council" and un[0]["year"] == 2017
        maia = edges(store, "ftm:os-vessel-maia", "SANCTIONED_BY")[0]
        assert maia["year"] == 2022 and "date" not in maia  # a bare year is not a date


@pytest.mark.parametrize("content, fmt, message", [
    ("not json\n", "ftm", "line 1 is not JSON"),
    ('{"id": "x"}\n', "ftm", "not a FollowTheMoney entity"),
    ("1,2,3\n", "ofac", "3 columns, expected 12"),
])
def test_bad_files_fail_with_one_clear_line(tmp_path, content, fmt, message):
    path = tmp_path / ("sdn.csv" if fmt == "ofac" else "x.json")
    path.write_text(content)
    with pytest.raises(InputError, match=message):
        (ofac if fmt == "ofac" else ftm).read(path)
    from cli import main

    result = CliRunner().invoke(main, ["--db", str(tmp_path / "g.db"), "import-sanctions", str(path), "--format", fmt])
    assert result.exit_code == 1
    assert message in result.output and "Traceback" not in result.output


def test_cli_import_sanctions(tmp_path):
    from cli import main

    result = CliRunner().invoke(main, ["--db", str(tmp_path / "g.db"), "import-sanctions", str(OFAC)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == (
        "us-ofac-sdn: 5 listed entities (5 new, 0 onto existing nodes), 6 sanctions, 2 ownership/links")


def test_an_ftm_import_is_named_by_its_datasets_everywhere():
    """Issue 24: the import's name (summary, list-only nodes' source) is the datasets its
    sanctions are filed under, not a fixed 'ftm'."""
    parsed = ftm.read(FTM)
    datasets = {s.list_name for s in parsed.sanctions}
    assert parsed.name == "+".join(sorted(datasets)) and "ftm" not in parsed.name.split("+")

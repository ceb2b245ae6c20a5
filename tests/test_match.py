"""Matching extracted entities to listed ones: certain matches merge, near misses wait for review."""

from __future__ import annotations

from click.testing import CliRunner

from _lists_fixtures import OFAC, edges, node, open_tmp, seed_extracted
from ingest.lists import match
from ingest.lists.importer import import_sanctions
from ingest.lists.match import MatchRecord, Matcher, compare_form, match_records


def test_compare_form_drops_legal_forms_and_transliterates():
    assert compare_form("OBORONLOGISTIKA, OOO") == compare_form("Oboronlogistika LLC") == "oboronlogistika"
    assert compare_form("ООО Оборонлогистика") == "oboronlogistika"


def test_rules_in_memory():
    listed = [
        MatchRecord("imo:9161003", "Vessel", ("LADY R",), "9161003"),
        MatchRecord("ofac:1", "Company", ("OBORONLOGISTIKA, OOO", "OBORONLOGISTICS LLC")),
        MatchRecord("ofac:2", "Vessel", ("MARIA",), "9179842"),
        MatchRecord("ofac:3", "Person", ("Ivan Petrov",)),
    ]
    extracted = [
        MatchRecord("vessel:lady-r-x", "Vessel", ("Lady R",), "9161003"),  # IMO: certain
        MatchRecord("company:o", "Company", ("Oboronlogistics",)),  # alias: certain
        MatchRecord("vessel:maria", "Vessel", ("Maria",)),  # ship name alone: candidate only
        MatchRecord("vessel:other", "Vessel", ("Maria",), "9074729"),  # other IMO than MARIA's: no match to it
        MatchRecord("person:ivan-petrov", "Person", ("Ivan Petrov",)),  # namesakes: candidate only
        MatchRecord("company:planet", "Company", ("Planet Labs PBC",)),  # nothing
    ]
    found = {(c.extracted, c.listed): c for c in match_records(listed, extracted)}
    assert found[("vessel:lady-r-x", "imo:9161003")].certain
    assert found[("company:o", "ofac:1")].certain
    assert not found[("vessel:maria", "ofac:2")].certain
    assert ("vessel:other", "ofac:2") not in found
    assert not found[("person:ivan-petrov", "ofac:3")].certain
    assert not any(e == "company:planet" for e, _ in found)


def test_ambiguous_certain_match_is_downgraded():
    listed = [MatchRecord("ofac:1", "Company", ("Alpha Shipping LLC",)), MatchRecord("ofac:2", "Company", ("Alpha Shipping Ltd",))]
    found = match_records(listed, [MatchRecord("company:alpha", "Company", ("Alpha Shipping",))])
    assert len(found) == 2 and not any(c.certain for c in found)


def test_two_lists_naming_one_company_both_merge_and_one_list_twice_goes_to_review():
    """Issue 27: the entries of two lists that share a name are one entity, whatever came first; two
    entries of one list are two (review), also when the entity holds one of them already."""
    two_lists = [MatchRecord("ofac:1", "Company", ("Alpha Shipping LLC",), None, ("us-ofac-sdn:1",), True),
                 MatchRecord("ftm:a", "Company", ("Alpha Shipping Ltd", "Alpha Marine"), None, ("ftm:a",), True)]
    found = match_records(two_lists, [MatchRecord("company:alpha", "Company", ("Alpha Shipping",))])
    assert len(found) == 2 and all(c.certain for c in found)
    # the articles' company holds the FtM entry already (merged earlier): the OFAC entry still merges
    held = MatchRecord("company:alpha", "Company", ("Alpha Shipping", "Alpha Marine"), None, ("ftm:a",))
    found = match_records([two_lists[0], held], [held])
    assert [(c.listed, c.certain) for c in found] == [("ofac:1", True)]  # not compared with itself
    # ... but a second entry of the list it holds is a second entity: review
    again = MatchRecord("ftm:b", "Company", ("Alpha Shipping",), None, ("ftm:b",), True)
    found = match_records([again], [held])
    assert len(found) == 1 and not found[0].certain
    # an entity holding list entries is compared with list-only entities only
    other = MatchRecord("company:alpha-2", "Company", ("Alpha Shipping",), None, ("us-ofac-sdn:9",))
    assert match_records([other], [held]) == []


def test_blocking_skips_unrelated_names():
    m = Matcher([MatchRecord(f"l:{i}", "Company", (f"Zzyx{i:05d} Trading",)) for i in range(2000)])
    assert m.match(MatchRecord("e:1", "Company", ("Oboronlogistika",))) == []


def test_store_matching_merges_certain_and_keeps_candidates(tmp_path):
    with open_tmp(tmp_path) as store:
        seed_extracted(store)
        summary = import_sanctions(store, OFAC, "ofac")
        # company matched by alias: the list entry merged onto the extracted node
        assert summary.matched == 1
        assert node(store, "ofac:36003") is None
        company = node(store, "company:oboronlogistics")
        assert company["name"] == "Oboronlogistics LLC" and company["list_ids"] == ["us-ofac-sdn:36003"]
        assert "OBORONLOGISTIKA, OOO" in company["aliases"]
        assert {e["program"] for e in edges(store, "company:oboronlogistics", "SANCTIONED_BY")} == {
            "RUSSIA-EO14024", "UKRAINE-EO13662"}
        # near miss: a candidate, both nodes still there
        rows = match.list_candidates(store)
        assert [(r.extracted_id, r.listed_id, r.status) for r in rows] == [
            ("company:severnyi-marine-trading", "ofac:36005", "pending")]
        assert 0.85 <= rows[0].score < 1.0
        assert node(store, "company:severnyi-marine-trading")["source"] == "article"
        assert node(store, "company:severnyi-marine-trading").get("listed") is None
        # non-match left alone
        planet = node(store, "company:planet-labs-pbc")
        assert planet.get("listed") is None and not edges(store, "company:planet-labs-pbc", "MATCH_CANDIDATE")


def test_reject_then_rematch_does_not_propose_again(tmp_path):
    with open_tmp(tmp_path) as store:
        seed_extracted(store)
        import_sanctions(store, OFAC, "ofac")
        cid = match.list_candidates(store)[0].candidate_id
        match.reject(store, cid)
        assert match.list_candidates(store) == []
        import_sanctions(store, OFAC, "ofac")
        assert match.list_candidates(store) == []
        assert [r.status for r in match.list_candidates(store, None)] == ["rejected"]


def test_accept_merges_listed_facts_onto_extracted_node(tmp_path):
    with open_tmp(tmp_path) as store:
        seed_extracted(store)
        import_sanctions(store, OFAC, "ofac")
        cid = match.list_candidates(store)[0].candidate_id
        kept = match.accept(store, cid)
        assert kept == "company:severnyi-marine-trading"
        assert node(store, "ofac:36005") is None
        merged = node(store, kept)
        assert merged["listed"] is True and merged["list_ids"] == ["us-ofac-sdn:36005"]
        assert edges(store, kept, "SANCTIONED_BY")[0]["program"] == "DPRK3"
        assert not edges(store, kept, "MATCH_CANDIDATE")


def test_cli_matches_review(tmp_path):
    from cli import main

    db = str(tmp_path / "g.db")
    with open_tmp(tmp_path) as store:
        seed_extracted(store)
        import_sanctions(store, OFAC, "ofac")
        cid = match.list_candidates(store)[0].candidate_id
    runner = CliRunner()
    out = runner.invoke(main, ["--db", db, "matches"])
    assert out.exit_code == 0 and cid in out.output and "Severnyi Marine Trading" in out.output
    out = runner.invoke(main, ["--db", db, "matches", "--reject", "mnope"])
    assert out.exit_code == 1 and "No match candidate 'mnope'" in out.output
    out = runner.invoke(main, ["--db", db, "matches", "--accept", cid])
    assert out.exit_code == 0 and out.output.strip() == f"accepted {cid}: merged into company:severnyi-marine-trading"
    assert runner.invoke(main, ["--db", db, "matches"]).output.strip() == "No match candidates to review."


def test_cli_matches_table_is_aligned_and_import_names_what_it_merged(tmp_path):
    """Every row's cells start under their header, however long a name (issue 24); the import
    says which listed entities it merged onto which extracted ones."""
    from cli import main

    db = str(tmp_path / "g.db")
    with open_tmp(tmp_path) as store:
        seed_extracted(store)
        store.close()
    runner = CliRunner()
    imported = runner.invoke(main, ["--db", db, "import-sanctions", str(OFAC)])
    assert imported.exit_code == 0, imported.output
    lines = imported.output.splitlines()
    [counts] = [line for line in lines if line.startswith("matching: ")]
    n = int(counts.split()[1])
    merged = [line for line in lines if line.startswith("  merged: ")]
    assert n >= 1 and len(merged) == n
    assert all(" onto " in m and m.endswith(")") for m in merged)
    out = runner.invoke(main, ["--db", db, "matches"])
    assert out.exit_code == 0, out.output
    header, *rows = out.output.splitlines()
    assert rows
    starts = [header.index(col) for col in ("score", "status", "extracted", "listed", "reason")]
    for row in rows:
        for col, start in zip(("status", "extracted", "listed", "reason"), starts[1:]):
            assert row[start - 2:start] == "  " and row[start] != " ", (col, header, row)

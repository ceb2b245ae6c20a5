"""A ship's identity over time (graph/identity.py): names, flags, owners and managers as dated
facts, the timeline a report shows, the conflicts it flags and the `same_imo_new_name` query, on
each backend (tests/stores.py).

examples/identity: a tanker reported under one name and flag (2022), renamed and reflagged
(2023, "formerly known as"), then reported under its old flag again, and a second ship of the
same new name with another IMO number.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from graph import identity
from queries import library, render
from queries.report import build_report

DATA = Path(__file__).resolve().parents[1] / "examples" / "identity"


def _ingest(store) -> None:
    from ingest.pipeline import ingest_paths

    assert ingest_paths(store, [str(DATA)]).ok


@pytest.fixture(scope="module")
def ships(graph_of):
    return graph_of(_ingest)


def test_article_items_date_a_rename_by_its_sentence():
    items = [identity.ev.decode(x) for x in identity.article_items(
        "a1", "Sable Crest", [{"name": "Orchid Bay", "sentence": "The Sable Crest, formerly the Orchid Bay, was renamed in 2023."}],
        "Cameroon")]
    got = [(i["field"], i["value"], i["status"], i.get("date")) for i in items]
    assert got == [("name", "Sable Crest", "named", None), ("name", "Orchid Bay", "former", "2023"),
                   ("name", "Sable Crest", "current", "2023"), ("flag", "Cameroon", "named", None)]


def test_timeline_of_a_renamed_and_reflagged_ship(ships):
    report = build_report(ships.store, "imo:9300025")
    h = report["identity"]
    assert h["imo"] == "9300025"
    assert [(n["value"], n["status"]) for n in h["names"]] == [("Orchid Bay", "former"), ("Sable Crest", "current")]
    assert [(f["value"], f["first"], f["last"]) for f in h["flags"]] == [
        ("Liberia", "2022-03-10", "2023-07-15"), ("Cameroon", "2023-06-01", "2023-06-01")]
    assert [(o["type"], o["other"]["name"], o["first"]) for o in h["owners"]] == [
        ("OPERATED_BY", "Pellucid Shipmanagement LLC", "2023-06-01"), ("OWNED_BY", "Tessaly Marine Inc", "2022-03-10")]
    assert [(e["date"], e["what"]) for e in h["events"]] == [
        ("2022-03-10", "former name Orchid Bay (reported until 2023-06-01)"),
        ("2022-03-10", "reported under the flag Liberia (reported until 2023-07-15)"),
        ("2022-03-10", "OWNED_BY Tessaly Marine Inc"),
        ("2023", "renamed to Sable Crest (reported until 2023-07-15)"),
        ("2023-06-01", "reported under the flag Cameroon"),
        ("2023-06-01", "OPERATED_BY Pellucid Shipmanagement LLC"),
    ]
    assert {c["kind"]: c["text"] for c in h["conflicts"]} == {
        "same_imo_new_name": "IMO 9300025 under a new name: formerly Orchid Bay; reported as Sable Crest",
        "same_name_other_imo": "the name Sable Crest is also on IMO 9300037 (imo:9300037)",
        "two_flags": "two flags at once: Liberia (2022-03-10..2023-07-15) and Cameroon (2023-06-01..2023-06-01)",
    }
    md = render.report_markdown(report)
    assert "## Identity over time" in md and "| 2023 | renamed to Sable Crest (reported until 2023-07-15) |" in md


def test_a_ship_with_one_name_has_no_rename_conflict(ships):
    h = build_report(ships.store, "imo:9300037")["identity"]
    assert [n["value"] for n in h["names"]] == ["Sable Crest"]
    assert [c["kind"] for c in h["conflicts"]] == ["same_name_other_imo"]
    assert build_report(ships.store, "Tessaly Marine Inc")["identity"] is None


def test_same_imo_new_name_query(ships):
    rows = library.run_named(ships.store, "same_imo_new_name", {}).rows
    assert [(r["id"], r["former"], sorted(r["names"])) for r in rows] == [
        ("imo:9300025", ["Orchid Bay"], ["orchid bay", "sable crest"])]
    assert library.run_named(ships.store, "same_imo_new_name", {"imo": "9300037"}).rows == []


def test_ftm_export_holds_the_ship_history_and_reads_back(ships, tmp_path):
    import json

    from graph.export import export
    from ingest.lists import ftm

    export(ships.store, "ftm", tmp_path / "ships.ftm.json")
    lines = [json.loads(x) for x in (tmp_path / "ships.ftm.json").read_text("utf-8").splitlines()]
    (ship,) = [x for x in lines if x["id"] == "imo--9300025"]
    props = ship["properties"]
    assert (props["previousName"], props["nameChangeDate"], props["imoNumber"]) == (["Orchid Bay"], ["2023"], ["IMO9300025"])
    assert {props["flag"][0], *props["pastFlags"]} == {"lr", "cm"}
    # The import reads the same mapping (graph/ontology.yaml `ftm:`): the ship lands on its IMO id
    # with its former name as an alias, its manager as an OPERATED_BY link.
    parsed = ftm.read(tmp_path / "ships.ftm.json")
    listed = parsed.entities["ftm:imo--9300025"]
    assert listed.node_id == "imo:9300025" and "Orchid Bay" in listed.aliases
    assert ("OPERATED_BY", "ftm:company--pellucid-shipmanagement") in {(x.type, x.end) for x in parsed.links}


# -- a sanctions list's names, with the dates it gives ------------------------------------------
LISTS = Path(__file__).resolve().parent / "data" / "lists"


def _ingest_and_list(store) -> None:
    from ingest.lists.importer import import_sanctions

    _ingest(store)
    import_sanctions(store, DATA.parent / "lists" / "identity.ftm.json", "ftm")


@pytest.fixture(scope="module")
def listed_ships(graph_of):
    return graph_of(_ingest_and_list)


def test_stated_dates_of_list_remarks():
    from ingest.lists.records import stated_date

    assert [stated_date(x) for x in ("renamed 14 Jul 2021", "until 2021-07-14", "since 2019", "-0-", None,
                                     "2021-02-30 or 2020")] == ["2021-07-14", "2021-07-14", "2019", None, None, "2021"]


def test_the_readers_keep_a_ships_names_and_flags_as_the_list_states_them():
    from ingest.lists import ftm, ofac

    kestrel = ofac.read(LISTS / "identity_ofac").entities["us-ofac-sdn:39001"]
    assert [(x.field, x.value, x.status, x.date) for x in kestrel.identity] == [
        ("name", "KESTREL DAWN", "current", "2021-07-14"), ("flag", "Palau", "listed", None),
        ("flag", "Comoros", "former", None), ("flag", "Gabon", "former", None),
        ("name", "GREY LANTERN", "former", "2021-07-14"), ("name", "KESTREL D", "listed", None)]
    assert kestrel.identity[4].note == "OFAC SDN entry 39001: f.k.a. GREY LANTERN (renamed 14 Jul 2021)"
    listed = ftm.read(DATA.parent / "lists" / "identity.ftm.json").entities["ftm:os-kestrel-dawn"]
    assert [(x.field, x.value, x.status, x.date) for x in listed.identity] == [
        ("name", "KESTREL DAWN", "current", "2021-07-14"), ("name", "KESTREL D", "listed", None),
        ("name", "GREY LANTERN", "former", "2021-07-14"), ("flag", "Palau", "listed", None),
        ("flag", "Comoros", "former", None)]


def test_a_list_only_ship_has_its_list_names_with_their_dates(listed_ships):
    h = build_report(listed_ships.store, "imo:9315044")["identity"]
    assert [(n["value"], n["status"], n["first"], n["stated"]) for n in h["names"]] == [
        ("GREY LANTERN", "former", "2023-11-02", "2021-07-14"), ("KESTREL DAWN", "current", "2023-11-02", "2021-07-14"),
        ("KESTREL D", "listed", "2023-11-02", None)]
    entry = "(ftm:os-kestrel-dawn)"
    assert [(e["date"], e["what"]) for e in h["events"]] == [
        ("2021-07-14", f"former name GREY LANTERN {entry}"),
        ("2021-07-14", f"renamed to KESTREL DAWN {entry}"),
        ("2023-11-02", f"former flag Comoros {entry}"),
        ("2023-11-02", f"flag on a sanctions list Palau {entry}"),
        ("2023-11-02", f"name on a sanctions list KESTREL D {entry}"),
    ]
    assert [c["text"] for c in h["conflicts"]] == [
        "IMO 9315044 under a new name: formerly GREY LANTERN; reported as KESTREL DAWN, KESTREL D"]
    # Each list fact's evidence names the entry, as the report cites a list.
    (grey,) = [n for n in h["names"] if n["value"] == "GREY LANTERN"]
    assert [(x["method"], x["list_entry"], x["sentence"]) for x in grey["evidence"]] == [
        ("list", "os-kestrel-dawn", "us_ofac_sdn entity os-kestrel-dawn: previous name GREY LANTERN")]


def test_a_list_dates_the_rename_articles_report(listed_ships):
    """The renamed tanker of examples/identity, also on the list: its rename takes the list's
    date, the list's names join the articles' (written as the articles write them), and the
    articles' two flags at once stay a conflict (a listing date is no report of a flag flown)."""
    h = build_report(listed_ships.store, "imo:9300025")["identity"]
    assert [(n["value"], n["status"], n["stated"], n["listed"]) for n in h["names"]] == [
        ("Orchid Bay", "former", "2023-04-18", ["ftm:os-sable-crest"]),
        ("Sable Crest", "current", "2023-04-18", ["ftm:os-sable-crest"])]
    assert ("2023-04-18", "renamed to Sable Crest (reported until 2024-02-20)") in [(e["date"], e["what"]) for e in h["events"]]
    assert [c["kind"] for c in h["conflicts"]] == ["same_imo_new_name", "same_name_other_imo", "two_flags"]
    md = render.report_markdown(build_report(listed_ships.store, "imo:9315044"))
    assert "| 2021-07-14 | renamed to KESTREL DAWN (ftm:os-kestrel-dawn) |" in md


def test_same_imo_new_name_sees_list_names(listed_ships):
    rows = library.run_named(listed_ships.store, "same_imo_new_name", {}).rows
    assert [(r["id"], r["former"], sorted(r["listed"]), sorted(r["names"])) for r in rows] == [
        ("imo:9300025", ["Orchid Bay"], ["ORCHID BAY", "SABLE CREST"], ["orchid bay", "sable crest"]),
        ("imo:9315044", ["GREY LANTERN"], ["GREY LANTERN", "KESTREL D", "KESTREL DAWN"],
         ["grey lantern", "kestrel d", "kestrel dawn"]),
    ]


def test_ofac_names_with_their_dates_and_a_reimport_changes_nothing(store):
    from ingest.lists.importer import import_sanctions

    import_sanctions(store, LISTS / "identity_ofac", "ofac")
    h = build_report(store, "imo:9315044")["identity"]
    entry = "(us-ofac-sdn:39001)"
    assert [(e["date"], e["what"]) for e in h["events"]] == [
        ("2021-07-14", f"former name GREY LANTERN {entry}"),
        ("2021-07-14", f"renamed to KESTREL DAWN {entry}"),
        (None, f"former flag Comoros {entry}"),  # OFAC's CSV gives no listing date
        (None, f"former flag Gabon {entry}"),
        (None, f"flag on a sanctions list Palau {entry}"),
        (None, f"name on a sanctions list KESTREL D {entry}"),
    ]
    rows = library.run_named(store, "same_imo_new_name", {"imo": "9600217"}).rows
    assert [(r["former"], r["listed"]) for r in rows] == [(["MISTRAL HOLLOW"], ["NORTHWIND PALE", "MISTRAL HOLLOW"])]

    def stored():
        return sorted(store.run("MATCH (v:Vessel) RETURN v.id AS id, v.identity AS items").values())

    before = stored()
    import_sanctions(store, LISTS / "identity_ofac", "ofac")
    assert stored() == before

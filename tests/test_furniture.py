"""Page furniture is blanked before spaCy, offsets stay right, and no entity comes from it.

The page below is our own text in the shape of a pasted news page (invented names)."""

import pytest

from ingest.extract import build_result, explain_document, extract_document, pipeline_text
from ingest.furniture import clean, furniture
from ingest.model import Document
from ingest.nlp import load

PAGE = """Harbour officials hold a tanker in the northern port

Home | World | Business | Shipping
Share on Facebook

Port officials said on Monday that the tanker Nordlys Vega had been held at the port of Gdansk. The ship, which sails under a Gabon flag, was inspected by the Polish Border Guard.

Top Articles
Freight Rates Climb Again As Winter Storms Close Key Routes
Possibly Docked Ferries Wait Out The Gale Near Busy Harbour
Suspected Of Picking Up Fuel: Three Trawlers Questioned By Inspectors
Motor Yacht Owners Brace For New Levy On Mooring Fees
Read all articles by Harbour Daily on Google News, subscribe and follow.
https://example.org/harbour-daily/latest
Scroll to Top
"""


@pytest.fixture(scope="module")
def nlp():
    return load()


def test_clean_keeps_length_lines_and_article_text():
    cleaned = clean(PAGE)
    assert len(cleaned) == len(PAGE)
    assert cleaned.count("\n") == PAGE.count("\n")
    assert "tanker Nordlys Vega had been held" in cleaned
    assert cleaned.index("tanker Nordlys Vega") == PAGE.index("tanker Nordlys Vega")
    for gone in ("Top Articles", "Possibly Docked", "Suspected Of Picking", "Motor Yacht Owners", "Google News",
                 "Scroll to Top", "Share on Facebook", "Home | World", "https://"):
        assert gone not in cleaned


def test_a_title_alone_or_a_subtitle_is_not_furniture():
    text = ("Officials Seize Tanker In Night Raid\n\nCoast Guard Says Cargo Was Diesel\n\n"
            "The coast guard seized a tanker on Friday.\n")
    assert furniture(text) == []


def test_glued_field_label_loses_the_label_not_the_value():
    text = "Decision Date12 May 2021\nCourtU.S. District Court for the District of Maine\n\nThe court ruled.\n"
    cleaned = clean(text)
    assert "U.S. District Court for the District of Maine" in cleaned and "CourtU.S." not in cleaned
    assert {f.reason for f in furniture(text)} == {"a field label glued to its value"}


def test_page_with_a_sidebar_yields_no_entity_from_it(nlp):
    document = Document(text=PAGE)
    result = extract_document(document, nlp)
    found = {(e.label, e.name) for e in result.entities}
    assert ("Vessel", "Nordlys Vega") in found and ("Port", "Gdansk") in found
    sidebar_start = PAGE.index("Top Articles")
    for e in result.entities:
        for s in e.spans:
            assert s.start < sidebar_start, (e.label, e.name, s)
            assert PAGE[s.start:s.end] == s.text  # offsets hold in the original text
    for r in result.relations:
        assert r.evidence in " ".join(PAGE.split())


def test_without_cleaning_the_sidebar_would_give_junk(nlp):
    """The guard is what keeps the sidebar out: the raw page does yield entities there."""
    raw = build_result(Document(text=PAGE), nlp(PAGE))
    sidebar_start = PAGE.index("Top Articles")
    assert any(s.start >= sidebar_start for e in raw.entities for s in e.spans)
    assert pipeline_text(Document(text=PAGE)) == clean(PAGE)


def test_explain_names_each_furniture_line(nlp):
    _, dropped = explain_document(Document(text=PAGE), nlp)
    furn = {d["text"]: d["reason"] for d in dropped if d["stage"] == "furniture"}
    assert "sidebar" in furn["Possibly Docked Ferries Wait Out The Gale Near Busy Harbour"]
    assert "Google News" in furn["Read all articles by Harbour Daily on Google News, subscribe and follow."]
    assert furn["Scroll to Top"]


def test_counters_bylines_and_share_lines_go_but_sentences_stay():
    text = ("Tanker owners face a new levy\n- Posted on March 2, 2025\n- By The Harbour Times\n- 3 Views\n"
            "Like Like 0\nSharing Is Caring:\n"
            "Share prices of tanker owners rose on Monday after the announcement.\n"
            "Comments from the ministry were not available.\nLeave a Reply\n")
    gone = {f.text.strip() for f in furniture(text)}
    assert gone == {"- Posted on March 2, 2025", "- By The Harbour Times", "- 3 Views", "Like Like 0",
                    "Sharing Is Caring:", "Leave a Reply"}


def test_a_bullet_glued_to_a_word_becomes_a_space(nlp):
    text = "Partners:\n\u30fbRuritania (from May)\n\u30fbNew Zealand (from June)\n"
    assert clean(text) == text.replace("\u30fb", " ")
    found = {(e.label, e.name) for e in extract_document(Document(text=text), nlp).entities}
    assert ("Country", "New Zealand") in found


def test_extract_explain_through_the_cli(tmp_path):
    import json

    from click.testing import CliRunner

    from cli import main

    page = tmp_path / "page.txt"
    page.write_text(PAGE, "utf-8")
    res = CliRunner().invoke(main, ["extract", str(page), "--explain", "--format", "json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert {"Scroll to Top", "Top Articles"} <= {d["text"] for d in out["dropped"]}
    assert all(d["reason"] for d in out["dropped"])
    plain = json.loads(CliRunner().invoke(main, ["extract", str(page), "--format", "json"]).output)
    assert "dropped" not in plain and plain["entities"] == out["entities"]
    table = CliRunner().invoke(main, ["extract", str(page), "--explain"])
    assert table.exit_code == 0 and "sidebar" in table.output

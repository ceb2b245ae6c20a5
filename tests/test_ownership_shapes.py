"""Ownership and management in the shapes of annex reasons (issue 22): a field label the parse
takes for a second subject, and ships added with "as well as". All sentences are our own; the
names are invented.

The real model parses them (ingest.nlp.load, once per module).
"""

import pytest

from ingest.extract import build_result
from ingest.model import Document
from ingest.nlp import load


@pytest.fixture(scope="module")
def nlp():
    return load()


def found(nlp, text, rtype):
    result = build_result(Document(text=text), nlp(text))
    return {(r.type, r.source, r.target) for r in result.relations if r.type == rtype}


def test_field_label_is_not_the_holder(nlp):
    # The parse makes "Reasons" a subject of "is" beside the company (a name in quotes,
    # whose head word "Company" is also a back-reference word).
    holder = "Limited Liability Company \u2018NORTHWIND TANKERS\u2019"
    text = (f"Reasons: {holder} is a tanker firm registered in Kazakhstan and the commercial operator "
            "of the vessels Amber Crest, Baltic Heron and Cold Current.")
    assert found(nlp, text, "OPERATED_BY") == {("OPERATED_BY", v, holder) for v in ("Amber Crest", "Baltic Heron", "Cold Current")}


def test_as_well_as_adds_ships_of_the_same_role(nlp):
    text = ("Reasons: Frostline Marine LLC is a tanker firm registered in Kazakhstan. The company is also the technical "
            "manager of the vessel Amber Crest, as well as the bunkering tankers Baltic Heron and Cold Current.")
    assert found(nlp, text, "OPERATED_BY") == {("OPERATED_BY", v, "Frostline Marine LLC")
                                               for v in ("Amber Crest", "Baltic Heron", "Cold Current")}


def test_as_well_as_another_role_keeps_its_own_type(nlp):
    # "as well as the owner of the vessel D": D is owned, not operated.
    text = ("Reasons: Frostline Marine LLC is a tanker firm registered in Kazakhstan. It is the commercial operator "
            "of the vessels Amber Crest and Cold Current, as well as the owner of the vessel Dune Rider.")
    assert found(nlp, text, "OPERATED_BY") == {("OPERATED_BY", v, "Frostline Marine LLC") for v in ("Amber Crest", "Cold Current")}
    assert found(nlp, text, "OWNED_BY") == {("OWNED_BY", "Dune Rider", "Frostline Marine LLC")}


ENTRY = "3. Frostline Shipping Co\n\nAddress: Room 5, Harbour Road, Hong Kong, China\n\nReasons: {}\n"


def test_role_opening_the_reasons_belongs_to_the_entry(nlp):
    text = ENTRY.format("Registered owner of the tanker AMBER CREST, which is thought to have moved oil at sea.")
    assert found(nlp, text, "OWNED_BY") == {("OWNED_BY", "AMBER CREST", "Frostline Shipping Co")}


def test_role_after_other_words_is_not_the_entrys(nlp):
    text = ENTRY.format("Reports say that a broker acted as owner of the tanker AMBER CREST in 2019.")
    assert found(nlp, text, "OWNED_BY") == set()


def test_owner_listed_before_a_manager_role_shares_its_ships(nlp):
    text = ENTRY.format("Registered owner, ship manager and commercial manager of tanker AMBER CREST, which carried grain.")
    assert found(nlp, text, "OWNED_BY") == {("OWNED_BY", "AMBER CREST", "Frostline Shipping Co")}
    assert found(nlp, text, "OPERATED_BY") == {("OPERATED_BY", "AMBER CREST", "Frostline Shipping Co")}


def test_unnamed_ships_owned_by_a_company_are_not_the_names_before(nlp):
    text = ("The broker used its firms, Frostline Shipping Co and Northwind Lines Co, as well as tankers owned by "
            "Frostline Shipping Co, to move the oil.")
    assert found(nlp, text, "OWNED_BY") == set()


def test_owned_controlled_or_directed_by(nlp):
    text = ("Northwind Lines Co, which regulators named last week, is said to be owned, controlled, or directed "
            "by Piotr Halvorsen, a businessman.")
    assert ("OWNED_BY", "Northwind Lines Co", "Piotr Halvorsen") in found(nlp, text, "OWNED_BY")


def test_second_copula_whose_role_the_parse_takes_for_its_subject(nlp):
    text = ("Northwind Lines Co is a liner company that operates out of Oman, and is registered owner, technical "
            "manager, and commercial manager of the bulk vessels Amber Crest and Cold Current.")
    ships = ("Amber Crest", "Cold Current")
    assert found(nlp, text, "OWNED_BY") == {("OWNED_BY", v, "Northwind Lines Co") for v in ships}
    assert found(nlp, text, "OPERATED_BY") == {("OPERATED_BY", v, "Northwind Lines Co") for v in ships}

"""Ownership, management and ties said across a clause (issue 22): a relative clause or an
apposition that names the ships a firm operates or owns ("A Ltd, a company that operates two
tankers, the X and the Y"; "B, which owns a tanker named Z"). Every sentence is our own; the
names are invented. Each shape has its near-miss that must not give a relation.

The real model parses them (ingest.nlp.load, once per module).
"""

import pytest

from extraction_helpers import labelled, nlp, relations  # noqa: F401  (nlp: the model fixture)

TYPES = ("OWNED_BY", "OPERATED_BY", "ASSOCIATED_WITH", "PART_OF")


def found(nlp, text, types=TYPES):
    return relations(nlp, text, types)


def entities(nlp, text):
    return labelled(nlp, text)


# -- ships named in apposition to the object of "operates" ---------------------------------

@pytest.mark.parametrize("text, firm, ships", [
    ("Treasury designated Kelvara Trading Ltd., a Cyprus-based company that operates two tankers, the Sorrel and the Hawkmoth.",
     "Kelvara Trading Ltd", ("Sorrel", "Hawkmoth")),
    ("The ministry listed Dunmere Shipping LLC, a Dubai firm that operates three tankers, the Ardent Lark, the Pell and the Fenwick.",
     "Dunmere Shipping LLC", ("Ardent Lark", "Pell", "Fenwick")),
])
def test_operates_plural_noun_then_named_ships(nlp, text, firm, ships):
    got = found(nlp, text)
    for ship in ships:
        assert ("OPERATED_BY", ship, firm) in got, got


@pytest.mark.parametrize("text, firm, ships", [
    ("Treasury also designated Brenmoor Ltd, which operates the tankers Quillon and Verasca.", "Brenmoor Ltd", ("Quillon", "Verasca")),
    ("The EU listed Harrowgate Marine Ltd, which manages the tankers Solvig and Merrin.", "Harrowgate Marine Ltd", ("Solvig", "Merrin")),
])
def test_which_operates_the_tankers(nlp, text, firm, ships):
    got = found(nlp, text)
    for ship in ships:
        assert ("OPERATED_BY", ship, firm) in got, got


def test_operates_plural_noun_then_a_clause_is_no_ship(nlp):
    # near-miss: what follows the comma is no ship
    got = found(nlp, "Treasury designated Kelvara Trading Ltd., a company that operates two tankers, the ministry said.")
    assert not {r for r in got if r[0] == "OPERATED_BY"}, got


# -- "owns a tanker named X" ----------------------------------------------------------------

@pytest.mark.parametrize("text, firm, ship", [
    ("Treasury designated Ostrava Overseas, which owns a tanker named Tamsin.", "Ostrava Overseas", "Tamsin"),
    ("The council listed Pellham Seaways, which owns a vessel called Oriel Star.", "Pellham Seaways", "Oriel Star"),
])
def test_owns_a_ship_named(nlp, text, firm, ship):
    assert ("Company", firm) in entities(nlp, text)
    assert ("OWNED_BY", ship, firm) in found(nlp, text)


def test_owns_a_ship_named_after_a_person_is_no_ship(nlp):
    # near-miss: "named after" a person names no ship
    got = found(nlp, "Treasury designated Ostrava Overseas, which owns a tanker named after its founder.")
    assert not {r for r in got if r[0] == "OWNED_BY"}, got


# -- the owner named in the sentence after the ship -----------------------------------------

@pytest.mark.parametrize("text, ship, owner", [
    ("The agency identified the vessel Brava. It is the property of Marden Shipping Ltd.", "Brava", "Marden Shipping Ltd"),
    ("Officials boarded the tanker Gull Reach last week. It is the property of Tollan Maritime LLC.", "Gull Reach", "Tollan Maritime LLC"),
    ("Investigators said the tanker Polar Dawn moved the crude in June. The transfer vessel was owned by Dimitri Example.",
     "Polar Dawn", "Dimitri Example"),
    ("The cargo was loaded onto the vessel Kestrel Bay. The vessel was owned by Hallow Shipping Ltd.", "Kestrel Bay", "Hallow Shipping Ltd"),
])
def test_owner_in_the_next_sentence(nlp, text, ship, owner):
    assert ("OWNED_BY", ship, owner) in found(nlp, text)


def test_property_of_an_unnamed_state_is_no_owner(nlp):
    got = found(nlp, "The agency identified the vessel Brava. It is the property of the state.")
    assert not {r for r in got if r[0] == "OWNED_BY"}, got


def test_it_after_a_company_sentence_is_the_company(nlp):
    text = "The tanker Brava called at the port. Marden Shipping Ltd is based in Dubai. It is owned by Tollan Maritime LLC."
    got = found(nlp, text)
    assert ("OWNED_BY", "Brava", "Tollan Maritime LLC") not in got, got
    assert ("OWNED_BY", "Marden Shipping Ltd", "Tollan Maritime LLC") in got, got


def test_the_other_vessel_is_another_ship(nlp):
    got = found(nlp, "The tanker Polar Dawn moved the crude in June. The other vessel was owned by Dimitri Example.")
    assert ("OWNED_BY", "Polar Dawn", "Dimitri Example") not in got, got


# -- charter synonyms: a ship a firm contracted, hired or engaged is ASSOCIATED_WITH it ------

@pytest.mark.parametrize("text, ships, firm", [
    ("Satellite images showed the tankers Orrin, Talmay, Vesk and Corda near the coast. "
     "Officials said the four tankers were contracted by Mobex Ltd to carry fuel.", ("Orrin", "Talmay", "Vesk", "Corda"), "Mobex Ltd"),
    ("The tanker Ardent Fox was hired by Corvin Trading LLC last year.", ("Ardent Fox",), "Corvin Trading LLC"),
    ("Port records show the vessel Halden Star was engaged by Sarn Marine Ltd for the voyage.", ("Halden Star",), "Sarn Marine Ltd"),
    ("The tanker Lowick Dawn was contracted by Pryor Shipping Ltd in May.", ("Lowick Dawn",), "Pryor Shipping Ltd"),
])
def test_contracted_hired_engaged_by(nlp, text, ships, firm):
    got = found(nlp, text)
    for ship in ships:
        assert ("ASSOCIATED_WITH", ship, firm) in got, got
        assert ("OPERATED_BY", ship, firm) not in got, got


@pytest.mark.parametrize("text", [
    "The tanker Pell Rose was contracted to deliver fuel to the island.",
    "The vessel Marrow Bay was contracted by the government to carry grain.",
])
def test_contracted_without_a_named_firm(nlp, text):
    assert not found(nlp, text)

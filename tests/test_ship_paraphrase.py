"""Ship names in news wordings close to the lists of tests/test_ship_lists.py (issue 22): a
name between "the" and a singular ship noun ("the Kelso tanker"), a list whose plural ship
noun stands before a participle set off by a comma, and the near misses: a firm, a
nationality or a cargo word before the noun.

Every text here is our own; the ship, company and person names are invented.
"""

import pytest

from extraction_helpers import labelled, nlp, ships  # noqa: F401  (nlp: the model fixture)


# -- a name before a singular ship noun ------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("The Kelso tanker anchored outside the port on Monday.", {"Kelso"}),
    ("Greek media said the Kelso tanker was carrying Russian crude.", {"Kelso"}),
    ("The Liberian-flagged Kelso tanker was seized by coast guards.", {"Kelso"}),
    ("Port workers said the Varnel freighter had left without clearance.", {"Varnel"}),
    ("Inspectors boarded the Oskay tanker near the strait last week.", {"Oskay"}),
])
def test_name_before_singular_ship_noun(nlp, text, expected):
    assert ships(nlp, text) == expected


@pytest.mark.parametrize("text", [
    # a firm a gazetteer knows, a nationality, a cargo word
    "The Sovcomflot tanker anchored outside the port.",
    "The Iranian tanker anchored outside the port on Monday.",
    "The crude tanker anchored outside the port on Monday.",
    "Greek media said the Chinese tanker was carrying fuel oil.",
])
def test_no_ship_before_singular_noun(nlp, text):
    assert ships(nlp, text) == set()


# -- a plural ship noun, a comma, a participle, then the list -------------------------------

@pytest.mark.parametrize("text, expected", [
    ("Four ships, identified as the Bella, the Bering, the Pandi and the Luna, were seized.",
     {"Bella", "Bering", "Pandi", "Luna"}),
    ("Three tankers, named as the Corvo, the Arden and the Solan, left the gulf.", {"Corvo", "Arden", "Solan"}),
    ("Two vessels, identified as the Tamsin and the Orrel, were detained on Friday.", {"Tamsin", "Orrel"}),
])
def test_list_after_participle_with_comma(nlp, text, expected):
    assert ships(nlp, text) == expected


# -- a plural ship noun opening the sentence, then the names --------------------------------

@pytest.mark.parametrize("text, expected", [
    ("Tankers Arlen, Brisk Tern and Calder were seized last week.", {"Arlen", "Brisk Tern", "Calder"}),
    ("Vessels Corvo, Arden and Solan were added to the list on Friday.", {"Corvo", "Arden", "Solan"}),
    ("Ships Tamsin and Orrel left the port before dawn.", {"Tamsin", "Orrel"}),
])
def test_list_after_plural_noun_opening_sentence(nlp, text, expected):
    assert ships(nlp, text) == expected
    assert not any(label == "Company" for label, _ in labelled(nlp, text))


@pytest.mark.parametrize("text", [
    # a firm whose name opens with the noun
    "Tankers International said on Monday that it would appeal.",
    "Tankers International, Orwell Shipping Ltd and Calder Marine LLC denied the claims.",
])
def test_firm_opening_with_plural_noun_is_no_list(nlp, text):
    assert ships(nlp, text) == set()


# -- names each after "the", listed after a cargo noun and "aboard" / "on board" / "of" ------

@pytest.mark.parametrize("text, expected", [
    ("The fuel aboard the Corvo, the Arden, the Mistral and the Solan belongs to a Dubai trader.",
     {"Corvo", "Arden", "Mistral", "Solan"}),
    ("The petroleum cargo of the Corvo, the Arden and the Solan is subject to seizure.", {"Corvo", "Arden", "Solan"}),
    ("Officials said the oil on board the Corvo and the Arden was Iranian.", {"Corvo", "Arden"}),
    ("The crew of the Tamsin and the Orrel were released on Sunday.", {"Tamsin", "Orrel"}),
])
def test_names_after_cargo_aboard(nlp, text, expected):
    assert ships(nlp, text) == expected


@pytest.mark.parametrize("text", [
    # countries, bodies, firms, regions; "of" after a commodity
    "The cargo of the Netherlands and the United Kingdom was inspected.",
    "The crew aboard the Royal Navy and the Coast Guard vessels were safe.",
    "The cargo of the Orwell Group and the Calder Holdings was seized.",
    "The oil of the Gulf States and the Middle East is priced in dollars.",
])
def test_no_ship_after_cargo_for_countries_bodies_firms(nlp, text):
    assert ships(nlp, text) == set()

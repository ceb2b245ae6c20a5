"""Where a company is (LOCATED_IN) in the shapes news writing uses (issue 22): "three UAE-based
entities, A, B and C", "the Greece-based manager of the vessel, A", "Vietnam's A", "A LLC in
St. Petersburg"; and the near misses: the "-based" of a subsidiary is not its parent's, a state's
body is not placed in another state, a town is not placed in its region ("Dallas, Texas": the
gold counts no places within places that are neither ports nor states), and a city inside a
firm's name is no statement of where it is.

All texts are our own, with invented firms. The real model parses them, loaded once per module.
"""

import pytest

from extraction_helpers import nlp, pairs  # noqa: F401  (nlp: the model fixture)


def located(nlp, text):
    return pairs(nlp, text, "LOCATED_IN")


# -- "-based" with the names it is said of ---------------------------------------------------

def test_based_on_a_plural_noun_then_the_names_in_apposition(nlp):
    text = ("The Treasury designated three UAE-based entities, Quillon Shipping Inc, Marrow Navigation Ltd and "
            "Tessel Marine Co, for their role in the trade.")
    assert located(nlp, text) == {(c, "United Arab Emirates") for c in ("Quillon Shipping Inc", "Marrow Navigation Ltd", "Tessel Marine Co")}


def test_based_on_a_role_noun_then_the_name_in_apposition(nlp):
    # the main verb's negation is not the place's: "-based" is said of the firm all the same
    text = "The Greece-based manager of the vessel, Quillon Navigation, did not respond to requests for comment."
    assert located(nlp, text) == {("Quillon Navigation", "Greece")}


@pytest.mark.parametrize("text, firm, place", [
    ("Hong Kong-based Quillon Sea Ship Management Co. manages the tanker Grey Plover.", "Quillon Sea Ship Management Co", "Hong Kong"),
    ("Marrow Maritime DMCC, a Dubai-based firm, manages the tanker Grey Plover.", "Marrow Maritime DMCC", "Dubai"),
    ("Marrow Maritime DMCC, a Dubai-registered entity, manages the tanker Grey Plover.", "Marrow Maritime DMCC", "Dubai"),
])
def test_based_before_a_name_or_in_apposition(nlp, text, firm, place):
    assert located(nlp, text) == {(firm, place)}


def test_based_said_of_a_subsidiary_is_not_the_parents(nlp):
    text = "Quillon Shipping Lines and its China-based subsidiary, Tessel Sail Ltd, were designated."
    assert located(nlp, text) == {("Tessel Sail Ltd", "China")}
    # no name for the subsidiary: nothing, and never the parent
    assert not located(nlp, "Quillon Shipping Lines and its China-based subsidiary were designated.")
    assert not located(nlp, "The Treasury designated Quillon Trading LLC and two UAE-based firms.")


@pytest.mark.parametrize("text", [
    "A UAE-based firm, the Treasury said, bought the cargo.",
    "The Treasury designated two UAE-based firms, which bought the cargo from Quillon Trading LLC.",
])
def test_based_with_no_name_of_its_own(nlp, text):
    assert not located(nlp, text)


# -- a state's possessive, "in" ---------------------------------------------------------------

def test_a_firm_named_with_its_states_possessive(nlp):
    assert located(nlp, "Vietnam's Quillon Trading Joint Stock Company bought the tanker Grey Plover.") == {
        ("Quillon Trading Joint Stock Company", "Vietnam")}
    # a possessive on another noun places no firm
    assert not located(nlp, "China's purchases of oil from Quillon Trading LLC rose sharply.")


def test_a_firm_in_a_city(nlp):
    assert located(nlp, "The tanker Grey Plover is managed by Quillon Fleet LLC in St. Petersburg.") == {("Quillon Fleet LLC", "St. Petersburg")}
    assert located(nlp, "Quillon Trading LLC in Dubai and Marrow Shipping Ltd in Singapore bought the cargo.") == {
        ("Quillon Trading LLC", "Dubai"), ("Marrow Shipping Ltd", "Singapore")}
    # "in" a date is no place
    assert not located(nlp, "The tanker Grey Plover was sold to Quillon Trading LLC in May 2023.")


# -- near misses --------------------------------------------------------------------------------

def test_a_states_body_is_not_placed_in_another_state(nlp):
    # the modifier belongs to the officials; the body is the United States'
    assert not located(nlp, "UAE-based US Department of State officials tracked the tanker Grey Plover.")
    assert not located(nlp, "The US Department of State, operating out of the United Arab Emirates, tracked the ship.")


def test_a_town_in_its_region_is_not_placed(nlp):
    assert not located(nlp, "The meeting took place in Dallas, Texas, last week.")
    # a town in a state is
    assert located(nlp, "The meeting took place in Geneva, Switzerland, last week.") == {("Geneva", "Switzerland")}


def test_a_city_inside_a_firms_name_places_nothing(nlp):
    # README convention: company -> place from "X-based", "registered in X" or an address, not from its name
    assert not located(nlp, "Shanghai Quillon Shipping Company Limited owns the tanker Grey Plover.")


def test_a_firm_with_its_state_in_brackets(nlp):
    assert located(nlp, "Quillon Trading LLC (UAE) bought the cargo.") == {("Quillon Trading LLC", "United Arab Emirates")}
    # a ship's bracketed state is its flag, not a place; a bracket with more than a place names none
    assert not located(nlp, "The tanker Windrush Star (Panama) docked at Tartus.")
    assert not located(nlp, "The sanctions hit Quillon Trading LLC (UAE and Oman).")


def test_a_news_body_in_a_city_is_not_placed_there(nlp):
    # where a reporter or analyst is speaking from is no seat of the body
    got = located(nlp, "Analysts at the Quillon Institute in Dubai said the tanker Grey Plover was seen at Tartus.")
    assert not any(target == "Dubai" for _, target in got)


# -- where a port lies, in news wording ----------------------------------------------------------

@pytest.mark.parametrize("text, port, state", [
    ("The tanker Windrush Star docked at Baniyas in western Syria on Monday.", "Baniyas", "Syria"),
    ("The tanker Windrush Star loaded at Velmora, a port in southern Iran.", "Velmora", "Iran"),
    ("The tanker Windrush Star docked at Baniyas, on Syria's Mediterranean coast.", "Baniyas", "Syria"),
    # a capitalised "North" is part of the state's name, not a direction
    ("The tanker Windrush Star docked at Nampo in North Korea.", "Nampo", "North Korea"),
])
def test_a_port_in_a_part_of_a_state_or_on_its_coast(nlp, text, port, state):
    assert (port, state) in located(nlp, text)


def test_a_port_with_a_states_possessive_that_is_no_shore(nlp):
    assert not located(nlp, "The tanker Windrush Star docked at Velmora, on Syria's orders.")

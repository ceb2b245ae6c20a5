"""Where a company is (LOCATED_IN) in paraphrase families (issue 22): each shape in several
wordings (word order, "both"/"all", singular and plural, comma or colon, lists of two and three),
so a rule written for one wording holds for its neighbours; with near misses that must place
nothing: per-conjunct "-based" places each name only in its own place, a state's government or
ministry is not a firm "of" a state, a pronoun after "including" is no name.

All texts are our own, with invented firms. The real model parses them, loaded once per module.
"""

import pytest

from extraction_helpers import nlp, pairs  # noqa: F401  (nlp: the model fixture)


def located(nlp, text):
    return pairs(nlp, text, "LOCATED_IN")


TWO = ("Quillon Trading Inc", "Marrow Shipping Corp")
THREE = TWO + ("Tessel Marine SA",)


# -- 1. a place shared by every item of the list before it --------------------------------------

@pytest.mark.parametrize("text, firms, place", [
    ("Treasury also sanctioned Quillon Trading Inc and Marrow Shipping Corp, both based in Liberia.", TWO, "Liberia"),
    ("The Treasury designated Quillon Trading Inc, Marrow Shipping Corp and Tessel Marine SA, all registered in Panama.", THREE, "Panama"),
    ("The Treasury designated Quillon Trading Inc, Marrow Shipping Corp and Tessel Marine SA, all based in Panama.", THREE, "Panama"),
    ("Quillon Trading Inc and Marrow Shipping Corp, both registered in the Marshall Islands, own the tanker Grey Plover.", TWO, "Marshall Islands"),
    ("The Treasury designated Quillon Trading Inc and Marrow Shipping Corp, both Panama-based firms.", TWO, "Panama"),
    ("The Treasury designated Quillon Trading Inc and Marrow Shipping Corp, two Panama-based firms.", TWO, "Panama"),
    ("The Treasury designated Quillon Trading Inc and Marrow Shipping Corp, each registered in Panama.", TWO, "Panama"),
    ("The Treasury designated Quillon Trading Inc and Marrow Shipping Corp, both of which are based in Liberia.", TWO, "Liberia"),
    ("The Treasury designated Quillon Trading Inc and Marrow Shipping Corp, which are both based in Liberia.", TWO, "Liberia"),
])
def test_a_place_shared_by_a_list(nlp, text, firms, place):
    assert located(nlp, text) == {(f, place) for f in firms}


def test_a_shared_place_ends_with_its_list(nlp):
    text = "The Treasury designated Quillon Trading Inc and Marrow Shipping Corp, both based in Liberia, and Tessel Marine SA of Malta."
    assert located(nlp, text) == {(f, "Liberia") for f in TWO} | {("Tessel Marine SA", "Malta")}


def test_a_relative_clause_without_a_quantifier_is_the_last_items(nlp):
    # singular "is": the place is said of the name just before the comma
    text = "The Treasury designated Quillon Trading Inc and Marrow Shipping Corp, which is based in Liberia."
    assert located(nlp, text) == {("Marrow Shipping Corp", "Liberia")}


# -- 2. each conjunct with its own "-based" ------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("Sanctioned firms include Dubai-based Quillon Trading LLC and Oslo-based Marrow Shipping AS.",
     {("Quillon Trading LLC", "Dubai"), ("Marrow Shipping AS", "Oslo")}),
    ("The Treasury named Hong Kong-based Quillon Trading Ltd and Singapore-based Marrow Shipping Pte.",
     {("Quillon Trading Ltd", "Hong Kong"), ("Marrow Shipping Pte", "Singapore")}),
    ("Sanctioned firms include the Cyprus-based Quillon Trading Ltd and the Malta-based Marrow Shipping Ltd.",
     {("Quillon Trading Ltd", "Cyprus"), ("Marrow Shipping Ltd", "Malta")}),
    ("The Treasury designated Dubai-based Quillon Trading LLC as well as Oslo-based Marrow Shipping AS.",
     {("Quillon Trading LLC", "Dubai"), ("Marrow Shipping AS", "Oslo")}),
    # a name with no "-based" of its own in such a list gets neither place
    ("The Treasury named Hong Kong-based Quillon Trading Ltd, Singapore-based Marrow Shipping Pte and Tessel Marine SA.",
     {("Quillon Trading Ltd", "Hong Kong"), ("Marrow Shipping Pte", "Singapore")}),
])
def test_each_conjunct_its_own_based(nlp, text, expected):
    assert located(nlp, text) == expected


def test_one_based_before_a_list_is_every_items(nlp):
    text = "The Treasury designated UAE-based Quillon Trading LLC, Marrow Shipping FZE and Tessel Marine LLC."
    assert located(nlp, text) == {(f, "United Arab Emirates") for f in ("Quillon Trading LLC", "Marrow Shipping FZE", "Tessel Marine LLC")}


# -- 3. a list announced by a colon --------------------------------------------------------------

@pytest.mark.parametrize("text, firms, place", [
    ("The Treasury designated three Panama-based groups: Quillon Trading Inc, Marrow Shipping Corp and Tessel Marine SA.", THREE, "Panama"),
    ("OFAC also designated two Panama-based companies: Quillon Trading Inc and Marrow Shipping Corp.", TWO, "Panama"),
    ("The Treasury designated the following Cyprus-based companies: Quillon Trading Ltd, Marrow Shipping Ltd.",
     ("Quillon Trading Ltd", "Marrow Shipping Ltd"), "Cyprus"),
])
def test_a_list_after_a_colon(nlp, text, firms, place):
    assert located(nlp, text) == {(f, place) for f in firms}


def test_a_colon_list_after_based_in(nlp):
    text = ("The Treasury designated three companies based in the United Arab Emirates: Quillon Trading LLC, "
            "Marrow Shipping FZE and Tessel Marine LLC.")
    assert located(nlp, text) == {(f, "United Arab Emirates") for f in ("Quillon Trading LLC", "Marrow Shipping FZE", "Tessel Marine LLC")}


@pytest.mark.parametrize("text", [
    "The Treasury designated two Panama-based companies: the decision takes effect today.",
    "The Treasury designated three companies based in Panama: the decision takes effect today.",
])
def test_a_colon_after_a_based_noun_with_no_names(nlp, text):
    assert not located(nlp, text)


# -- 4. a firm "of" a state ----------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "The tanker is owned by Quillon Trading Ltd of Cyprus.",
    "Quillon Trading Ltd of Cyprus owns the tanker Grey Plover.",
])
def test_a_firm_of_a_state(nlp, text):
    assert located(nlp, text) == {("Quillon Trading Ltd", "Cyprus")}


def test_firms_of_states_set_off_by_commas(nlp):
    text = "The Treasury designated Quillon Trading Ltd, of Cyprus, and Marrow Shipping Ltd, of Malta."
    assert located(nlp, text) == {("Quillon Trading Ltd", "Cyprus"), ("Marrow Shipping Ltd", "Malta")}
    assert not located(nlp, "The Treasury designated Quillon Trading Ltd, of which Cyprus owns a stake.")


@pytest.mark.parametrize("text", [
    "The Government of Cyprus welcomed the decision.",
    "The Ministry of Defence of Russia bought the drones.",
    "The tanker Grey Plover left the port of Limassol last week.",
])
def test_a_government_or_a_port_of_a_state_is_no_firm_there(nlp, text):
    assert not located(nlp, text)


# -- 5. the members named after "including" --------------------------------------------------------

@pytest.mark.parametrize("text, firms, place", [
    ("The Treasury designated Cuba-based entities including Cuba's state-run oil company, Quillon Petroleos SA.",
     ("Quillon Petroleos SA",), "Cuba"),
    ("The Treasury designated UAE-based firms including Quillon Trading LLC and Marrow Shipping FZE.",
     ("Quillon Trading LLC", "Marrow Shipping FZE"), "United Arab Emirates"),
    ("The Treasury designated Cuba-based entities, including Quillon Petroleos SA and Marrow Naviera SA.",
     ("Quillon Petroleos SA", "Marrow Naviera SA"), "Cuba"),
    ("The Treasury designated UAE-based firms such as Quillon Trading LLC and Marrow Shipping FZE.",
     ("Quillon Trading LLC", "Marrow Shipping FZE"), "United Arab Emirates"),
])
def test_the_members_of_a_based_plural(nlp, text, firms, place):
    assert located(nlp, text) == {(f, place) for f in firms}


def test_including_a_pronoun_is_no_member(nlp):
    assert not located(nlp, "The Treasury designated two UAE-based firms including one that bought oil from Quillon Trading LLC.")


# -- 6. an apposition with a relative clause ------------------------------------------------------

@pytest.mark.parametrize("text", [
    "Quillon Shipping Ltd., a Cyprus-based company that operates two tankers, was designated.",
    "The Treasury designated Quillon Shipping Ltd, a Cyprus-based company that manages the tanker Grey Plover.",
])
def test_based_in_apposition_with_a_relative_clause(nlp, text):
    assert located(nlp, text) == {("Quillon Shipping Ltd", "Cyprus")}


@pytest.mark.parametrize("text, place", [
    ("The Treasury designated Quillon Trading LLC and Marrow Shipping FZE, both headquartered in the United Arab Emirates.",
     "United Arab Emirates"),
    ("The Treasury designated Quillon Trading LLC and Marrow Shipping FZE, both located in Hong Kong.", "Hong Kong"),
])
def test_a_shared_place_with_other_participles(nlp, text, place):
    assert located(nlp, text) == {("Quillon Trading LLC", place), ("Marrow Shipping FZE", place)}


@pytest.mark.parametrize("text", [
    "The tankers Grey Plover and Amber Finch, both registered in Panama, were designated.",
    "The Treasury designated the tankers Grey Plover and Amber Finch, both registered in Panama.",
])
def test_a_ship_is_not_placed_by_a_shared_place(nlp, text):
    # ships have flags, not seats
    assert not located(nlp, text)


def test_a_shared_place_skips_a_ship_in_the_list(nlp):
    text = "The Treasury designated Quillon Trading LLC and the tanker Grey Plover, both based in Dubai."
    assert located(nlp, text) == {("Quillon Trading LLC", "Dubai")}

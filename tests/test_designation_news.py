"""SANCTIONED_BY in the way news stories write designations (issue 22). Every sentence is our
own and every party is invented; each shape has a near neighbour that must not become an edge.

The real model parses them (ingest.nlp.load, once per module).
"""

import pytest

from extraction_helpers import nlp, pairs  # noqa: F401  (nlp: the model fixture)

OFAC = "Office of Foreign Assets Control"
TREASURY = "US Department of the Treasury"


def found(nlp, text):
    return pairs(nlp, text, "SANCTIONED_BY")


def subjects(nlp, text):
    return {s for s, _ in found(nlp, text)}


# -- a "<place>-based" modifier is never the designator -----------------------------------------

@pytest.mark.parametrize("text", [
    "UAE-based Gamma Trading LLC was sanctioned for selling Iranian oil.",
    "China-based Zhou Lark Ltd and UAE-based Gamma Trading LLC were sanctioned on Tuesday.",
    "Iran-based Kish Lark Shipping was also sanctioned.",
])
def test_a_place_before_based_is_not_the_designator(nlp, text):
    got = found(nlp, text)
    assert not any(t in ("United Arab Emirates", "China", "Iran") for _, t in got)


def test_a_based_modifier_leaves_the_body_of_the_sentence_before(nlp):
    text = ("The Treasury acted on Tuesday against an oil network. UAE-based Gamma Trading LLC was sanctioned for "
            "selling the oil.")
    assert found(nlp, text) == {("Gamma Trading LLC", TREASURY)}


def test_both_based_after_the_names_keeps_the_acting_body(nlp):
    text = ("The State Department on Thursday designated Alpha Petrochemical Co. and Beta Petrochemical Co., both "
            "UAE-based, for brokering Iranian oil.")
    got = found(nlp, text)
    assert {s for s, _ in got} == {"Alpha Petrochemical Co", "Beta Petrochemical Co"}
    assert {t for _, t in got} == {"US Department of State"}


# -- a country that plays another part in the sentence is not the designator --------------------

@pytest.mark.parametrize("text", [
    "Gamma Trading LLC, which ships oil to China, was sanctioned on Tuesday.",
    "Gamma Trading LLC sold Iranian oil to buyers in China and was later sanctioned.",
])
def test_a_destination_is_not_the_designator(nlp, text):
    assert not any(t == "China" for _, t in found(nlp, text))


# -- a speaker is not a designated party --------------------------------------------------------

def test_the_speaker_after_the_designation_is_not_a_party(nlp):
    got = found(nlp, "The United States sanctioned Alpha Shipping Ltd, Anthony Example said.")
    assert got == {("Alpha Shipping Ltd", "United States")}


def test_according_to_a_speaker(nlp):
    got = found(nlp, "According to Secretary Anthony Example, Alpha Shipping Ltd was sanctioned by the United States.")
    assert got == {("Alpha Shipping Ltd", "United States")}


def test_a_party_that_speaks_after_a_clause_about_its_designation_stays(nlp):
    # The cue is in the clause about the name: the name is the party, though it speaks.
    got = found(nlp, "Gamma Trading LLC, which the United States sanctioned in 2020, said it would appeal.")
    assert ("Gamma Trading LLC", "United States") in got


def test_the_body_that_is_quoted_designates(nlp):
    got = found(nlp, "Those sanctioned include Gamma Trading LLC and the tanker Northern Lark, the Treasury said.")
    assert got == {("Gamma Trading LLC", TREASURY), ("Northern Lark", TREASURY)}


# -- one word that names a kind of thing is no party ------------------------------------------

def test_a_bare_kind_word_is_not_a_party(nlp):
    got = found(nlp, "The United Kingdom sanctioned Alpha Fleet LLC and Beta Fleet LLC on Thursday.")
    assert got == {("Alpha Fleet LLC", "United Kingdom"), ("Beta Fleet LLC", "United Kingdom")}
    assert not any(s.lower() == "fleet" for s in subjects(nlp, "Britain sanctioned Alpha Fleet and Beta Fleet on Thursday."))


def test_agents_of_an_airline_do_not_make_the_airline_a_party(nlp):
    text = "OFAC also designated three general sales agents of the Iranian airline Kestrel Air, including Sky Lark Travel."
    assert "Kestrel Air" not in subjects(nlp, text)


# -- "impose sanctions on X, as well as Y and Z" ----------------------------------------------

def test_sanctions_on_a_ship_as_well_as_its_owner_and_operator(nlp):
    text = ("The US Treasury imposed sanctions on the Liberian-flagged tanker Alma Rosa, as well as the vessel's owner "
            "Costa Bay Shipping and its operator Helios Management.")
    assert found(nlp, text) == {(s, TREASURY) for s in ("Alma Rosa", "Costa Bay Shipping", "Helios Management")}


def test_a_role_phrase_with_of_still_ends_the_list(nlp):
    text = ("The US Treasury imposed sanctions on the tanker Alma Rosa, as well as on the owner of the tanker "
            "Northern Lark.")
    assert "Northern Lark" not in subjects(nlp, text)


# -- verbs of designation ------------------------------------------------------------------------

@pytest.mark.parametrize("verb", ["blacklisted", "sanctioned", "targeted", "took action against"])
def test_verbs_of_designation(nlp, verb):
    got = found(nlp, f"The US Treasury {verb} Rigel Shipping Ltd and Vega Navigation Inc on Tuesday.")
    assert got == {("Rigel Shipping Ltd", TREASURY), ("Vega Navigation Inc", TREASURY)}


@pytest.mark.parametrize("text", [
    "The Treasury added Rigel Shipping Ltd and Vega Navigation Inc to the SDN List.",
    "The Treasury placed Rigel Shipping Ltd and Vega Navigation Inc on the SDN list.",
    "The Treasury froze the assets of Rigel Shipping Ltd and Vega Navigation Inc.",
])
def test_list_and_asset_verbs(nlp, text):
    assert found(nlp, text) == {("Rigel Shipping Ltd", TREASURY), ("Vega Navigation Inc", TREASURY)}


def test_a_body_that_blocks_ships(nlp):
    got = found(nlp, "The Treasury blocked the tankers Northern Lark and Southern Gale.")
    assert got == {("Northern Lark", TREASURY), ("Southern Gale", TREASURY)}


@pytest.mark.parametrize("text", [
    "Storms blocked the tankers Northern Lark and Southern Gale for a week.",
    "The Royal Navy blocked the tankers Northern Lark and Southern Gale in the strait.",
    "Rigel Shipping Ltd froze the wages of its crew.",
])
def test_blocking_by_anyone_else_is_no_designation(nlp, text):
    assert found(nlp, text) == set()


def test_the_department_stands_for_the_body_named_before(nlp):
    text = ("The Office of Foreign Assets Control acted on Thursday against a network that ships Iranian oil. "
            "The department blacklisted Rigel Shipping Ltd and Vega Navigation Inc.")
    assert found(nlp, text) == {("Rigel Shipping Ltd", OFAC), ("Vega Navigation Inc", OFAC)}


@pytest.mark.parametrize("text,country", [
    ("Washington sanctioned Gamma Trading LLC in 2021.", "United States"),
    ("Gamma Trading LLC was sanctioned by Washington in 2021.", "United States"),
    ("London on Thursday sanctioned the tanker Northern Lark.", "United Kingdom"),
])
def test_a_capital_stands_for_its_government(nlp, text, country):
    assert {t for _, t in found(nlp, text)} == {country}


def test_a_capital_as_a_place_designates_nothing(nlp):
    text = "The tanker Northern Lark was sanctioned in 2021 after it sailed from London."
    assert not any(t == "United Kingdom" for _, t in found(nlp, text))


# -- a designation stated in the sentence after the body acts ---------------------------------

def test_the_listing_the_government_announced(nlp):
    text = ("The UK government announced new sanctions on Friday. Today's listing includes Rigel Shipping Ltd and "
            "Vega Navigation Inc.")
    assert found(nlp, text) == {("Rigel Shipping Ltd", "United Kingdom"), ("Vega Navigation Inc", "United Kingdom")}


def test_the_effort_sanctions_companies(nlp):
    text = ("The UK government announced new sanctions on Tuesday. The effort also sanctions two Russian insurers, "
            "Alfa Shield Insurance and Vega Navigation Inc, which insure the tankers.")
    got = found(nlp, text)
    assert ("Alfa Shield Insurance", "United Kingdom") in got


def test_the_sanctions_designated_a_national(nlp):
    text = ("The Office of Foreign Assets Control acted on Thursday against an oil network. The sanctions designated "
            "Iranian national Ali Rezaei, who runs the network.")
    assert found(nlp, text) == {("Ali Rezaei", OFAC)}


def test_announced_sanctions_too_long_ago_name_no_designator(nlp):
    text = ("The UK government announced new sanctions on Friday. The tankers sailed on. Prices rose. Markets fell. Rates held. "
            "Today's listing includes Rigel Shipping Ltd.")
    assert found(nlp, text) == set()


def test_designated_companies_include(nlp):
    text = ("The Office of Foreign Assets Control announced new measures on Thursday. The minister said the "
            "designated companies include the Orion Shipping Lines (OSL) and its China-based subsidiary, Sea Lark "
            "Shipping.")
    assert found(nlp, text) == {("Orion Shipping Lines", OFAC), ("Sea Lark Shipping", OFAC)}


def test_a_reduced_relative_after_a_list(nlp):
    text = ("The Treasury sanctioned three tankers on Monday. The tankers were controlled by Rigel Shipping Ltd and "
            "the Kestrel Trading Company \u2013 firms designated by the Office of Foreign Assets Control in 2019 "
            "and 2021.")
    assert found(nlp, text) == {("Rigel Shipping Ltd", OFAC), ("Kestrel Trading Company", OFAC)}


# -- near misses: no designation -------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "Rigel Shipping Ltd said it was not sanctioned by the Treasury.",
    "Lawmakers called on the Treasury to sanction Rigel Shipping Ltd.",
    "Rigel Shipping Ltd could face sanctions from the Treasury.",
    "The Treasury imposed new sanctions on Iran on Friday.",
    "A lawyer for Rigel Shipping Ltd, John Example, said the Treasury designation was unfair.",
    "Secretary of State Anthony Example said Alpha Shipping and Beta Marine were sanctioned for moving oil.",
])
def test_near_misses(nlp, text):
    assert found(nlp, text) == set()


# -- "and" inside a company's name -------------------------------------------------------------

def test_a_name_whose_second_conjunct_only_says_what_the_firm_does_is_one_name(nlp):
    text = "The Office of Foreign Assets Control designated Lotus Oil Gas and Real Estate Joint Stock Company on Thursday."
    assert found(nlp, text) == {("Lotus Oil Gas and Real Estate Joint Stock Company", OFAC)}


def test_two_named_firms_joined_by_and_stay_two(nlp):
    text = "The Office of Foreign Assets Control designated Alpha Shipping and Beta Marine Ltd on Thursday."
    assert found(nlp, text) == {("Alpha Shipping", OFAC), ("Beta Marine Ltd", OFAC)}


# -- "including (against) A, B and C" after an act the parse hangs it under ----------------------

def test_actions_including_against_a_list(nlp):
    text = ("OFAC has recently taken several actions to disrupt the network of oil brokers, including against Rigel "
            "Exchange, Vega Exchange, and Orion Exchange.")
    assert found(nlp, text) == {(s, OFAC) for s in ("Rigel Exchange", "Vega Exchange", "Orion Exchange")}


def test_including_inside_a_relative_clause_is_not_the_designation(nlp):
    text = "The UK sanctioned twenty tankers that carried oil for several traders, including Vega Trading LLC."
    assert found(nlp, text) == set()


# -- "hit with sanctions", "the sanctions cover X" ----------------------------------------------

NETWORK = "The Treasury acted against an oil network on Tuesday. "


@pytest.mark.parametrize("text,body", [
    (NETWORK + "Rigel Shipping Ltd and Vega Navigation Inc were also hit with sanctions.", TREASURY),
    ("The UK on Monday hit Rigel Shipping Ltd and Vega Navigation Inc with sanctions.", "United Kingdom"),
    ("Rigel Shipping Ltd and Vega Navigation Inc were hit with sanctions by the UK.", "United Kingdom"),
    (NETWORK + "The new sanctions cover Rigel Shipping Ltd and Vega Navigation Inc.", TREASURY),
])
def test_hit_with_sanctions_and_sanctions_that_cover(nlp, text, body):
    assert found(nlp, text) == {("Rigel Shipping Ltd", body), ("Vega Navigation Inc", body)}


@pytest.mark.parametrize("text", [
    "Officials from Rigel Shipping Ltd met with sanctions experts from the Treasury.",
    NETWORK + "Rigel Shipping Ltd was hit with a fine over its sanctions compliance.",
])
def test_with_and_sanctions_without_a_designation(nlp, text):
    assert found(nlp, text) == set()


# -- someone's owner is designated: the party is the owner --------------------------------------

@pytest.mark.parametrize("text", [
    "The tanker Northern Lark, whose owner was sanctioned by the US in 2020, docked in Syria.",
    "The tanker Northern Lark's owner was sanctioned by the US in 2020.",
])
def test_the_owner_of_a_named_ship_is_not_the_ship(nlp, text):
    assert found(nlp, text) == set()


def test_the_owner_named_in_apposition_is_the_party(nlp):
    text = "The tanker Northern Lark docked in Syria. Its owner, Rigel Shipping Ltd, was sanctioned by the US in 2020."
    assert found(nlp, text) == {("Rigel Shipping Ltd", "United States")}


def test_a_speaker_quoting_a_designation(nlp):
    text = "A Treasury spokesperson, Maria Example, said Rigel Shipping Ltd had been sanctioned."
    assert found(nlp, text) == {("Rigel Shipping Ltd", TREASURY)}


# -- a state named by its government or administration ----------------------------------------

@pytest.mark.parametrize("text,country", [
    ("The British government sanctioned Rigel Shipping Ltd on Tuesday.", "United Kingdom"),
    ("Rigel Shipping Ltd was sanctioned by the British government in 2022.", "United Kingdom"),
    ("The Example administration on Tuesday blacklisted Rigel Shipping Ltd.", "United States"),
])
def test_a_government_or_administration_stands_for_its_state(nlp, text, country):
    assert {t for _, t in found(nlp, text)} == {country}


def test_a_government_that_announced_sanctions_designates_the_listing(nlp):
    text = ("The British government announced new sanctions on Friday. Today's listing includes Rigel Shipping Ltd "
            "and Vega Navigation Inc.")
    assert found(nlp, text) == {("Rigel Shipping Ltd", "United Kingdom"), ("Vega Navigation Inc", "United Kingdom")}


def test_the_body_adds_to_its_own_list(nlp):
    text = "The European Union added the tankers Northern Lark and Southern Gale to its own list in February."
    assert found(nlp, text) == {("Northern Lark", "European Union"), ("Southern Gale", "European Union")}


# -- whoever condemns or lifts sanctions does not designate ------------------------------------

@pytest.mark.parametrize("text", [
    "The Iranian government condemned the sanctions on Rigel Shipping Ltd.",
    "Iran's foreign ministry condemned the sanctions on Rigel Shipping Ltd.",
    "The British government said it had no plans to sanction Rigel Shipping Ltd.",
])
def test_opposing_sanctions_is_no_designation(nlp, text):
    assert found(nlp, text) == set()


def test_the_body_that_modifies_the_condemned_sanctions_designates(nlp):
    assert found(nlp, "China condemned the US sanctions on Rigel Shipping Ltd.") == {("Rigel Shipping Ltd", "United States")}


# -- a relative clause with a plural verb after a coordination -----------------------------------

def test_which_were_both_sanctioned_reaches_every_conjunct(nlp):
    text = "The oil was carried by Rigel Shipping Ltd and Vega Navigation Inc, which were both sanctioned by the UK last year."
    assert found(nlp, text) == {("Rigel Shipping Ltd", "United Kingdom"), ("Vega Navigation Inc", "United Kingdom")}


def test_which_was_sanctioned_stays_with_the_last_name(nlp):
    text = "The oil was carried by Rigel Shipping Ltd and Vega Navigation Inc, which was sanctioned by the UK last year."
    assert found(nlp, text) == {("Vega Navigation Inc", "United Kingdom")}


@pytest.mark.parametrize("text", [
    "The Taliban administration sanctioned Rigel Shipping Ltd on Tuesday.",
    "The US blocked the sale of the tanker Northern Lark to Rigel Shipping Ltd.",
])
def test_no_state_behind_a_group_and_no_party_behind_a_blocked_sale(nlp, text):
    assert found(nlp, text) == set()


def test_one_of_the_companies_designated_beside_a_name(nlp):
    text = "Rigel Shipping Ltd, one of the companies sanctioned on Thursday by the Treasury, manages the tanker."
    assert found(nlp, text) == {("Rigel Shipping Ltd", TREASURY)}


def test_a_name_after_a_describing_apposition_is_in_the_list(nlp):
    text = "The Treasury also sanctioned Li Example, a Chinese national, and Rigel Shipping Ltd, a company he controls."
    assert found(nlp, text) == {("Li Example", TREASURY), ("Rigel Shipping Ltd", TREASURY)}


def test_a_name_inside_the_describing_apposition_is_not(nlp):
    text = "The Treasury also sanctioned Li Example, a director of Rigel Shipping Ltd, on Thursday."
    assert found(nlp, text) == {("Li Example", TREASURY)}

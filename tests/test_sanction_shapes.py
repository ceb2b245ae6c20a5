"""SANCTIONED_BY in the shapes of designation notices (issue 22). All sentences are our own;
the names are invented. Each case has a near neighbour that must not become an edge.

The real model parses them (ingest.nlp.load, once per module).
"""

import pytest

from ingest.extract import build_result
from ingest.model import Document
from ingest.nlp import load


@pytest.fixture(scope="module")
def nlp():
    return load()


def found(nlp, text):
    result = build_result(Document(text=text), nlp(text))
    return {(r.source, r.target) for r in result.relations if r.type == "SANCTIONED_BY"}


NOTICE = ("On Monday the Office of Foreign Assets Control (OFAC) designated a ring of fuel traders and their tankers. "
          "The following vessels carried fuel for the traders and are therefore being added to the SDN List, "
          "being property that a blocked person holds an interest in:\n\n")


def test_list_item_that_describes_its_ship_before_the_name(nlp):
    # "- The <flag>-flagged <type> NAME (IMO ...), ...": the words before the name describe it.
    text = NOTICE + ("- The Togo-flagged gas tanker NORTH WILLOW (IMO 9000001), which is owned by Delta Seaways "
                     "Limited, has carried oil since 2021.\n"
                     "- The Comoros-flagged tanker SILVER FERN (IMO 9000002) has carried gas since 2022.\n")
    got = found(nlp, text)
    assert ("NORTH WILLOW", "Office of Foreign Assets Control") in got
    assert ("SILVER FERN", "Office of Foreign Assets Control") in got
    # The owner named inside the item is not designated by it.
    assert not any(s == "Delta Seaways Limited" for s, _ in got)


def test_list_item_that_opens_with_a_clause_names_no_party(nlp):
    # The item opens with a sentence about someone else: its ship is not the item's party.
    text = NOTICE + "- Records show that a broker chartered the tanker SILVER FERN (IMO 9000002) in 2022.\n"
    assert not any(s == "SILVER FERN" for s, _ in found(nlp, text))


COUNTED = ("Today, the Office of Foreign Assets Control (OFAC) identified three vessels as blocked property of "
           "Redline Petroleum Company pursuant to Executive Order 13850.\n\n"
           "The move follows months of deliveries to Cuba.\n\n"
           "The following vessels are tankers of Redline Petroleum Company that recently carried fuel to Cuba:\n\n"
           "{items}\n"
           "In 2019 the tankers Kestrel Dawn, Mirabel and Ostrova Nueva each made several voyages to Cuba.\n")
SHIPS = ("Kestrel Dawn", "Mirabel", "Ostrova Nueva")


def test_a_count_in_the_opening_reaches_the_list_of_as_many_items(nlp):
    # "identified three vessels as blocked property" ... "The following vessels ...:" + 3 items.
    items = "".join(f"- {s} (IMO 910000{k})\n" for k, s in enumerate(SHIPS, 1))
    got = found(nlp, COUNTED.format(items=items))
    assert {(s, "Office of Foreign Assets Control") for s in SHIPS} <= got


def test_a_list_of_another_length_is_not_the_counted_one(nlp):
    # Two items where the opening counted three: the list is something else.
    items = "".join(f"- {s} (IMO 910000{k})\n" for k, s in enumerate(SHIPS[:2], 1))
    got = found(nlp, COUNTED.format(items=items))
    assert not any(s in SHIPS for s, _ in got)


FIRMS = ("Today, the Office of Foreign Assets Control (OFAC) is designating four shipping firms that carried oil "
         "above the price cap.\n\n"
         "Greece-based Brightwater Holdings Ltd (Brightwater) and Cyprus-based Corvane Shipping LLC (Corvane) "
         "chartered tankers together. Malta-based Lindqvist Marine Services Ltd (Lindqvist Marine) and Pelagic "
         "Trust Inc (Pelagic) managed them.\n\n")


def test_a_passive_subject_list_parsed_as_an_apposition(nlp):
    # "A, B, C, and D were designated ...": the parse hangs B, C and D on A as an apposition.
    text = FIRMS + ("Brightwater, Corvane, Lindqvist Marine, and Pelagic were designated pursuant to E.O. 14024 for "
                    "working in the maritime sector of the Russian economy.\n")
    got = {s.split()[0] for s, t in found(nlp, text) if t == "Office of Foreign Assets Control"}
    assert got == {"Brightwater", "Corvane", "Lindqvist", "Pelagic"}


def test_a_plain_apposition_adds_no_party(nlp):
    # "A, a firm run by B, was designated": B is not designated.
    text = FIRMS + ("Brightwater, a firm run by Corvane, was designated pursuant to E.O. 14024 for working in the "
                    "maritime sector of the Russian economy.\n")
    got = {s.split()[0] for s, t in found(nlp, text)}
    assert "Corvane" not in got


# Parties of different kinds designated together (issue 22): one list, firms and ships mixed.

def test_firms_and_ships_designated_in_one_list(nlp):
    text = ("On Friday the Office of Foreign Assets Control designated Harrow Bay Shipping Ltd, the tanker "
            "SILVER PIKE and Copperfield Maritime Inc for carrying fuel to the regime.")
    got = found(nlp, text)
    assert {(s, "Office of Foreign Assets Control") for s in ("Harrow Bay Shipping Ltd", "SILVER PIKE", "Copperfield Maritime Inc")} <= got


def test_ships_and_their_owner_designated_together(nlp):
    text = ("The United Kingdom sanctioned the tanker SILVER PIKE and its manager, Harrow Bay Shipping Ltd, on "
            "Tuesday.")
    got = found(nlp, text)
    assert {("SILVER PIKE", "United Kingdom"), ("Harrow Bay Shipping Ltd", "United Kingdom")} <= got


def test_a_ship_named_in_a_role_phrase_is_not_in_the_list(nlp):
    # "X, the manager of the tanker Y": Y is what X manages, not a second designated party.
    text = "On Friday the Office of Foreign Assets Control designated Harrow Bay Shipping Ltd, the manager of the tanker SILVER PIKE."
    got = found(nlp, text)
    assert ("Harrow Bay Shipping Ltd", "Office of Foreign Assets Control") in got
    assert not any(s == "SILVER PIKE" for s, _ in got)


# The designation stated in the sentence after the ship is named: a back-reference.

def test_it_after_the_sentence_that_names_the_ship(nlp):
    text = ("The Panama-flagged crude tanker SILVER PIKE (IMO 9000003) carried fuel to the coast of Syria in 2023. "
            "It was designated by the Office of Foreign Assets Control in March 2024.")
    assert ("SILVER PIKE", "Office of Foreign Assets Control") in found(nlp, text)


def test_the_vessel_after_the_sentence_that_names_it(nlp):
    text = ("Harrow Bay Shipping Ltd manages the tanker SILVER PIKE from an office in Dubai. "
            "The vessel was sanctioned by the European Union in June.")
    got = found(nlp, text)
    assert ("SILVER PIKE", "European Union") in got
    assert not any(s == "Harrow Bay Shipping Ltd" for s, _ in got)


def test_the_vessel_after_two_ships_names_neither(nlp):
    text = ("The tankers SILVER PIKE and RED HERON met off the coast of Malaysia in May. "
            "The vessel was sanctioned by the European Union in June.")
    assert not found(nlp, text)


def test_it_as_the_subject_of_a_blocked_property_passive(nlp):
    text = ("Today the Office of Foreign Assets Control designated Harrow Bay Shipping Ltd. The Panama-flagged tanker "
            "RED HERON (IMO 9300001) delivered diesel to another tanker at sea in May. It is being identified as "
            "property in which Harrow Bay Shipping Ltd has an interest.")
    assert ("RED HERON", "Office of Foreign Assets Control") in found(nlp, text)


# Near neighbours the designation rules must leave alone.

def test_a_dated_passive_in_a_relative_clause_takes_no_body_from_the_main_clause(nlp):
    # The firm was designated earlier, by a body the sentence does not name.
    text = ("Today the Office of Foreign Assets Control identified the tanker SILVER PIKE as blocked property of "
            "Harrow Bay Shipping Ltd, which was designated on 3 May 2021 pursuant to E.O. 13850.")
    got = found(nlp, text)
    assert ("SILVER PIKE", "Office of Foreign Assets Control") in got
    assert not any(s == "Harrow Bay Shipping Ltd" for s, _ in got)


def test_a_name_that_modifies_a_common_noun_is_not_designated(nlp):
    # "three Harrow Bay sales agents": the agents are designated, not Harrow Bay.
    text = ("The Office of Foreign Assets Control is also designating three Harrow Bay Shipping Ltd booking agents "
            "based in Dubai.")
    assert not any(s == "Harrow Bay Shipping Ltd" for s, _ in found(nlp, text))


def test_a_parenthesised_prefix_participle_names_the_name_after_it(nlp):
    # "the (EU-listed) X and the (EU-listed) Y": the parse loses the parentheses; each
    # participle describes the name right after it, and the person the sentence is about is not listed.
    text = ("Ivan Morrow works in the regime's shipping sector, in particular with the (EU-listed) Copperfield "
            "Maritime Inc (CMI) and the (EU-listed) Stellar Bay Holdings Ltd.")
    got = found(nlp, text)
    assert {("Copperfield Maritime Inc", "European Union"), ("Stellar Bay Holdings Ltd", "European Union")} <= got
    assert not any(s.startswith("Ivan") for s, _ in got)


def test_a_list_item_of_two_sentences_does_not_end_the_list(nlp):
    text = NOTICE + ("- The Togo-flagged gas tanker NORTH WILLOW (IMO 9000003) has carried gas since 2021.  In 2023 "
                     "Delta Seaways Limited used the NORTH WILLOW for deliveries to Bangladesh.\n"
                     "- The Comoros-flagged tanker SILVER FERN (IMO 9000015) has carried gas since 2022.\n")
    got = found(nlp, text)
    assert {("NORTH WILLOW", "Office of Foreign Assets Control"), ("SILVER FERN", "Office of Foreign Assets Control")} <= got
    assert not any(s == "Delta Seaways Limited" for s, _ in got)


# A heading that says who designates gives that body to the designations the text states.

HEADED = ("Treasury Sanctions Tankers Carrying Fuel to the Regime\n\n"
          "WASHINGTON - Today the U.S. Department of the Treasury took action against a network that ships fuel "
          "to the regime.\n\n")


def test_a_heading_names_the_body_behind_passive_designations(nlp):
    text = HEADED + ("Harrow Bay Shipping Ltd and Copperfield Maritime Inc are being designated pursuant to E.O. 13846 "
                     "for operating in the petroleum sector.\n")
    got = found(nlp, text)
    assert {s for s, _ in got} == {"Harrow Bay Shipping Ltd", "Copperfield Maritime Inc"}
    assert all("Treasury" in t for _, t in got)


def test_a_heading_designates_nothing_the_text_does_not(nlp):
    text = HEADED + "The tanker SILVER PIKE was seized in 2020. Harrow Bay Shipping Ltd manages the tanker RED HERON.\n"
    assert not found(nlp, text)


# "The following vessels:" with items that have no dash: numbered, or one name a line.

def test_items_one_name_a_line_after_the_following_vessels(nlp):
    text = ("OFAC today designated a network of traders. The following vessels were also identified as blocked "
            "property:\n\nSILVER PIKE (IMO 9000003)\nRED HERON (IMO 9000015)\nBLUE MARLIN (IMO 9300013)\n")
    got = found(nlp, text)
    assert {(s, "Office of Foreign Assets Control") for s in ("SILVER PIKE", "RED HERON", "BLUE MARLIN")} <= got


def test_numbered_items_after_the_following_vessels(nlp):
    text = "The United Kingdom sanctioned the following vessels:\n1. SILVER PIKE (IMO 9000003)\n2. RED HERON (IMO 9000015)\n"
    assert {("SILVER PIKE", "United Kingdom"), ("RED HERON", "United Kingdom")} <= found(nlp, text)


def test_a_line_with_a_statement_after_the_list_is_no_item(nlp):
    text = ("The Department of State is designating the following vessels:\n\nSILVER PIKE (IMO 9000003)\n\n"
            "The tanker RED HERON (IMO 9000015) was seized in 2020.\n")
    got = found(nlp, text)
    assert ("SILVER PIKE", "US Department of State") in got
    assert not any(s == "RED HERON" for s, _ in got)


# News wording that names a sanctions body or programme near a name without designating it.

def test_a_panel_on_a_countrys_sanctions_designates_nobody(nlp):
    # "a panel on <country> sanctions": the country is what the sanctions are on, not a designator,
    # and the person the apposition names is not their party.
    text = "The ban is broad, the head of a UN panel on North Korea sanctions, Hugo Grant, said on Monday."
    assert not found(nlp, text)


def test_a_body_named_in_a_clause_on_the_ships_is_not_their_party(nlp):
    # "a port ban on four ships it found violating Security Council (UNSC) sanctions": the body in
    # the relative clause is neither designated nor designating.
    text = ("The United Nations has put a port ban on four ships it found violating Security Council (UNSC) "
            "sanctions on North Korea, an official said.")
    assert not any(s in ("UNSC", "UN Security Council", "Security Council") for s, _ in found(nlp, text))


def test_a_firm_that_violated_sanctions_is_not_designated(nlp):
    assert not found(nlp, "Tarvos Shipping Ltd, which violated US sanctions, sold the tanker in 2022.")


def test_a_designation_in_a_scene_setting_clause_takes_no_body_from_the_text(nlp):
    # The group was designated earlier, by a body the sentence does not name; OFAC acts later.
    text = ("The Office of Foreign Assets Control sanctioned six ship captains on Friday. After the Greywater "
            "Brigade was designated as a terrorist group in March 2025, OFAC issued a licence for fuel deliveries.")
    assert not any(s == "Greywater Brigade" for s, _ in found(nlp, text))


def test_a_designation_dated_inside_its_reason_keeps_the_body(nlp):
    # The year belongs to the reason ("for delivering ... in July 2025"), not to the designation.
    text = ("The Office of Foreign Assets Control sanctioned six ship captains on Friday. Ahmad Brill, captain of "
            "the tanker ZEPHYR, was sanctioned for delivering oil to the port in July 2025.")
    assert ("Ahmad Brill", "Office of Foreign Assets Control") in found(nlp, text)


# Lists in news reports of a designation.

def test_the_x_company_is_a_name_not_a_modifier(nlp):
    got = found(nlp, "OFAC designated the Corvel Trading company and the Selkirk Marine company on Monday.")
    assert {("Corvel Trading", "Office of Foreign Assets Control"), ("Selkirk Marine", "Office of Foreign Assets Control")} <= got


def test_a_list_with_place_modifiers_of_two_words(nlp):
    # "A and Marshall Islands-registered B": the place modifier does not end the list.
    text = ("The UK sanctioned two firms on Monday. The sanctions also target Panama-registered Osprey Tide Shipping "
            "and Marshall Islands-registered Calder Run Shipping.")
    got = found(nlp, text)
    assert {("Osprey Tide Shipping", "United Kingdom"), ("Calder Run Shipping", "United Kingdom")} <= got


def test_designated_companies_included(nlp):
    text = ("OFAC designated six companies on Monday. Designated companies included Ferrand Oil Trading and "
            "Bellmere Shipping LLC. Vessels that were identified as blocked property included vessels named "
            "Corla Bay and Ivory Tern.")
    got = found(nlp, text)
    assert {(s, "Office of Foreign Assets Control") for s in ("Ferrand Oil Trading", "Bellmere Shipping LLC",
                                                           "Corla Bay", "Ivory Tern")} <= got


def test_among_the_sanctioned_tankers(nlp):
    got = found(nlp, "The EU listed 27 ships on Monday. Among the sanctioned tankers were the Corla Bay and the Ivory Tern.")
    assert {("Corla Bay", "European Union"), ("Ivory Tern", "European Union")} <= got


def test_a_delivery_to_sanctioned_firms_designates_none_of_them(nlp):
    # The sanctioned firms are the tanker's customers; the sentence does not say who designated them.
    text = ("OFAC designated six companies on Monday. The tanker Opal Rain delivered fuel to sanctioned entities "
            "including Tarvos Shipping Ltd. Banks that traded with sanctioned firms include Halden Bank.")
    assert not any(s in ("Tarvos Shipping Ltd", "Halden Bank", "Opal Rain") for s, _ in found(nlp, text))


# "added to the list", "targets": who owns the list, whose act targets.

def test_added_to_a_bodys_sanctions_list(nlp):
    text = ("The tanker SALT MEADOW sailed to China in May. It was added to the UK sanctions list in June. "
            "OFAC added Quillon Energy FZE and the tanker GREY HERON to the SDN List on Monday.")
    got = found(nlp, text)
    assert {("SALT MEADOW", "United Kingdom"), ("Quillon Energy FZE", "Office of Foreign Assets Control"),
            ("GREY HERON", "Office of Foreign Assets Control")} <= got
    assert ("SALT MEADOW", "Office of Foreign Assets Control") not in got


def test_added_to_a_watch_list_or_a_fleet_is_no_designation(nlp):
    text = ("OFAC sanctioned two firms on Monday. Analysts added the tanker SALT MEADOW to their watch list. "
            "The tanker GREY HERON was added to the fleet of Quillon Energy FZE in June.")
    assert not any(s in ("SALT MEADOW", "GREY HERON", "Quillon Energy FZE") for s, _ in found(nlp, text))


def test_a_bodys_action_targets_a_list_of_parties(nlp):
    got = found(nlp, "Treasury's action targets Quillon Energy FZE, Marlow Bay Shipping Ltd and the tanker SALT MEADOW.")
    assert {s for s, _ in got} == {"Quillon Energy FZE", "Marlow Bay Shipping Ltd", "SALT MEADOW"}


def test_attacks_that_target_a_tanker_designate_nothing(nlp):
    text = ("OFAC sanctioned two firms on Monday. Drone attacks targeted the tanker SALT MEADOW in the Red Sea. "
            "The rebels are targeting the tanker GREY HERON.")
    assert not any(s in ("SALT MEADOW", "GREY HERON") for s, _ in found(nlp, text))


# "under US sanctions", the prefix participle, "one of the ... designated by", "took action against".

def test_under_a_bodys_sanctions_through_a_relative_clause_and_the_ship(nlp):
    text = ("The tanker Ashgrove Pearl left port on Monday. Officials boarded the ship, which has been under US "
            "sanctions since July 2024. Korvath Shipping LLC is under sanctions imposed by the United Kingdom.")
    got = found(nlp, text)
    assert {("Ashgrove Pearl", "United States"), ("Korvath Shipping LLC", "United Kingdom")} <= got


def test_under_sanctions_with_no_body_or_never_gives_no_edge(nlp):
    text = ("OFAC sanctioned two firms on Monday. The tanker Ashgrove Pearl has been under sanctions since 2019. "
            "The tanker Brisa Azul has never been under US sanctions.")
    assert not any(s in ("Ashgrove Pearl", "Brisa Azul") for s, _ in found(nlp, text))


def test_an_all_capitals_prefix_before_a_ship_type(nlp):
    # "US" is a stop word in lower case; the parse hangs "tanker" on the name.
    assert ("PALE ORCHID", "United States") in found(nlp, "The US-sanctioned tanker PALE ORCHID loaded fuel at the terminal last week.")


def test_one_of_the_institutions_designated_by_two_bodies(nlp):
    text = "Vostok Credit Bank was one of the institutions designated by both the United States and the European Union."
    assert {("Vostok Credit Bank", "United States"), ("Vostok Credit Bank", "European Union")} <= found(nlp, text)


def test_one_of_the_lenders_that_dealt_with_designated_firms_is_not_designated(nlp):
    text = "Vostok Credit Bank was one of the lenders that traded with firms designated by the United States."
    assert not found(nlp, text)


def test_a_body_takes_action_against_a_party(nlp):
    got = found(nlp, "OFAC is also taking action today against the Dubai-based exchange house Corvane Exchange LLC.")
    assert ("Corvane Exchange LLC", "Office of Foreign Assets Control") in got


def test_enforcement_action_or_a_coast_guards_action_is_no_designation(nlp):
    text = ("OFAC took enforcement action against Corvane Exchange LLC for apparent violations. The Coast Guard took "
            "action against the tanker SALT MEADOW. OFAC took action today against three Corvane Exchange LLC agents.")
    assert not any(s in ("Corvane Exchange LLC", "SALT MEADOW") for s, _ in found(nlp, text))


def test_restrictive_measures_on_parties(nlp):
    text = ("The Council of the European Union decided to impose restrictive measures on Korvath Shipping LLC and the "
            "tanker NORDLIGHT. OFAC sanctioned a firm. Ports adopted new safety measures on the tanker GREY HERON.")
    got = found(nlp, text)
    assert {("Korvath Shipping LLC", "Council of the European Union"), ("NORDLIGHT", "Council of the European Union")} <= got
    assert not any(s == "GREY HERON" for s, _ in got)

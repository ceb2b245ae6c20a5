"""Port calls (CALLED_AT) and ports in the shapes real writing uses (issue 22): "the port of X",
"X port", "X Port", "the ports of X and Y", "the X oil terminal"; calls stated in the passive
or in a participle; lists of ports; a later sentence about "the vessel"; and what is no call: a
ship-to-ship transfer off a place that is no port, a destination, a call only planned, tried
or refused.

All texts are our own, with invented ships and invented ports ("Velmora", "Castrane") where
the shape alone must make the port. The real model parses them, loaded once per module.
"""

import pytest

from ingest.extract import build_result
from ingest.model import Document
from ingest.nlp import load


@pytest.fixture(scope="module")
def nlp():
    return load()


def result(nlp, text):
    return build_result(Document(text=text), nlp(text))


def called(nlp, text):
    return {(r.source, r.target) for r in result(nlp, text).relations if r.type == "CALLED_AT"}


def ports(nlp, text):
    return {e.name for e in result(nlp, text).entities if e.label == "Port"}


# -- ports from their shape --------------------------------------------------------------

@pytest.mark.parametrize("text, port", [
    ("The tanker Grey Plover called at the port of Velmora last spring.", "Velmora"),
    ("The tanker Grey Plover docked at Velmora port last spring.", "Velmora"),
    ("The tanker Grey Plover lifted a cargo at the Velmora oil terminal on 3 May 2024.", "Velmora"),
    ("The tanker Grey Plover was photographed in the harbour of Velmora.", "Velmora"),
    ("The tanker Grey Plover called at the seaport of Velmora in 2023.", "Velmora"),
    ("The tanker Grey Plover arrived in the port city of Velmora in 2023.", "Velmora"),
    ("The tanker Grey Plover anchored at the Velmora anchorage in 2023.", "Velmora"),
    ("The tanker Grey Plover visited Velmora's port in 2023.", "Velmora"),
    ("The tanker Grey Plover visited the port at Velmora in 2023.", "Velmora"),
])
def test_an_unknown_port_named_by_its_shape(nlp, text, port):
    assert ports(nlp, text) == {port}
    assert called(nlp, text) == {("Grey Plover", port)}


def test_each_of_the_ports_of_a_plural(nlp):
    text = "The cargo ship Dune Lark called at the ports of Velmora and Castrane in 2023."
    assert ports(nlp, text) == {"Velmora", "Castrane"}
    assert called(nlp, text) == {("Dune Lark", "Velmora"), ("Dune Lark", "Castrane")}


def test_a_port_whose_name_holds_a_state(nlp):
    # "Port Sudan" is a port, not the state Sudan.
    assert called(nlp, "The tanker Grey Plover stopped at Port Sudan in April 2023.") == {("Grey Plover", "Port Sudan")}


# -- calls in the passive, in a participle, in a clause ---------------------------------

@pytest.mark.parametrize("text, port, activity", [
    ("Fuel oil was loaded onto the tanker Grey Plover at Piraeus.", "Piraeus", "loaded"),
    ("Coal was loaded onto the cargo ship Grey Plover in Nampo.", "Nampo", "loaded"),
    ("After docking at the port of Tartus, the tanker Grey Plover switched off its transponder.", "Tartus", "docked"),
    ("Having loaded at Ust-Luga, the tanker Grey Plover sailed east.", "Ust-Luga", "loaded"),
    ("The tanker Grey Plover was photographed at Piraeus in April 2024.", "Piraeus", "seen"),
    ("The tanker Grey Plover was observed berthed at Tartus on 3 May 2024.", "Tartus", "docked"),
    ("The tanker Grey Plover, which had been docked in Tartus since January, was sold.", "Tartus", "docked"),
])
def test_a_call_in_the_passive_or_a_participle(nlp, text, port, activity):
    calls = [r for r in result(nlp, text).relations if r.type == "CALLED_AT"]
    assert [(r.source, r.target, r.props.get("activity")) for r in calls] == [("Grey Plover", port, activity)]


def test_a_call_keeps_its_day(nlp):
    calls = [r for r in result(nlp, "The tanker Grey Plover arrived in Piraeus on 4 July 2024.").relations if r.type == "CALLED_AT"]
    assert [(r.target, r.date) for r in calls] == [("Piraeus", "2024-07-04")]


def test_a_destination_after_a_call_is_none(nlp):
    assert called(nlp, "The tanker Grey Plover departed Piraeus bound for Port Said.") == {("Grey Plover", "Piraeus")}


def test_each_ship_calls_where_its_own_clause_says(nlp):
    text = "The tanker Grey Plover unloaded at Velmora Port, and the tanker Blue Heron loaded at Castrane Port."
    got = called(nlp, text)
    assert {s for s, _ in got} == {"Grey Plover", "Blue Heron"} and len(got) == 2
    assert all(t.startswith("Velmora") for s, t in got if s == "Grey Plover")


def test_each_port_of_a_list_with_its_state(nlp):
    text = "The tanker Grey Plover called at Piraeus, Greece, and Ceyhan, Turkey, in 2023."
    assert called(nlp, text) == {("Grey Plover", "Piraeus"), ("Grey Plover", "Ceyhan")}


def test_each_port_of_a_list_and_of_a_route(nlp):
    assert called(nlp, "The cargo ship Dune Lark called at Piraeus, Ceyhan and Port Said in 2023.") == {
        ("Dune Lark", p) for p in ("Piraeus", "Ceyhan", "Port Said")}
    assert called(nlp, "The cargo ship Dune Lark called at Nampo and then at Busan.") == {("Dune Lark", "Nampo"), ("Dune Lark", "Busan")}
    assert called(nlp, "The tanker Grey Plover sailed from Primorsk to Piraeus.") == {("Grey Plover", "Primorsk"), ("Grey Plover", "Piraeus")}


# -- the ship of the sentence before ------------------------------------------------------

def test_the_vessel_of_the_sentence_before(nlp):
    text = "The tanker Grey Plover left Primorsk on 2 May 2024. The vessel then sailed to Sikka."
    assert called(nlp, text) == {("Grey Plover", "Primorsk"), ("Grey Plover", "Sikka")}


def test_the_vessel_of_a_sentence_far_back_is_not_guessed(nlp):
    text = ("The tanker Grey Plover was sold in 2019. Its crew was replaced. Its flag changed twice. "
            "Its insurer left. Its name changed too. The vessel docked at Piraeus.")
    assert not called(nlp, text)


def test_the_vessel_is_the_ship_named_last(nlp):
    # Another ship named in between: "the vessel" is that one.
    text = ("The tanker Grey Plover loaded crude oil at Primorsk. Acme Shipping Ltd manages the tanker Blue Heron. "
            "The vessel then sailed to Sikka.")
    assert called(nlp, text) == {("Grey Plover", "Primorsk"), ("Blue Heron", "Sikka")}


# -- what is no call ------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "The tanker Grey Plover conducted a ship-to-ship transfer off the coast of Velmora in May 2024.",
    "The tanker Grey Plover received oil in a ship-to-ship transfer with the tanker Blue Heron in the Gulf of Velmora.",
    "The tanker Grey Plover tried to dock at Piraeus but was turned away.",
    "The tanker Grey Plover attempted to enter the port of Piraeus.",
    "The tanker Grey Plover was scheduled to call at Piraeus in May.",
    "The tanker Grey Plover transited the Suez Canal via Port Said.",
    "The tanker Grey Plover headed to Piraeus.",
    "The tanker Grey Plover was sailing to Piraeus when it was stopped.",
    "The tanker Grey Plover was heading for Piraeus.",
    "The tanker Grey Plover was refused permission to unload at Piraeus.",
])
def test_no_call(nlp, text):
    assert not called(nlp, text)


def test_a_transfer_at_or_off_a_port_is_a_call_there(nlp):
    # A ship-to-ship transfer near a place is no call, unless the place is a port.
    assert called(nlp, "The tanker Grey Plover conducted a ship-to-ship transfer at the port of Velmora.") == {("Grey Plover", "Velmora")}
    assert called(nlp, "The tanker Grey Plover anchored off Kalamata and took part in an STS transfer there.") == {("Grey Plover", "Kalamata")}


def test_a_destination_where_the_ship_then_unloaded_is_a_call(nlp):
    text = "The tanker Grey Plover moved its cargo to another ship before heading to Busan, where it discharged in May."
    assert called(nlp, text) == {("Grey Plover", "Busan")}


def test_a_noun_attempt_is_left_to_the_facts(nlp):
    # Only the verb "tried" / "attempted" makes a call undone; the noun is not read as one.
    text = "In 2015 the smugglers planned the attempt of the tanker Grey Plover to load fuel oil from the port of Velmora."
    assert called(nlp, text) == {("Grey Plover", "Velmora")}


# -- the ships a call is about ------------------------------------------------------------

def test_ships_listed_before_a_plural_type_then_a_call(nlp):
    # Names listed before ", <flag>-flagged vessels" (no article) are ships, so the call of the
    # next sentence has a ship; the flag written "St Kitts-Nevis" is the state.
    text = ("Reasons: Technical manager of SEA WREN 2 and SEA WREN 6, St Kitts-Nevis-flagged vessels. "
            "The SEA WREN 6 loaded coal at Nampo on 27 August 2017.")
    r = result(nlp, text)
    assert {e.name for e in r.entities if e.label == "Vessel"} == {"SEA WREN 2", "SEA WREN 6"}
    assert {e.name for e in r.entities if e.label == "Country"} == {"Saint Kitts and Nevis"}
    calls = [x for x in r.relations if x.type == "CALLED_AT"]
    assert [(x.source, x.target, x.date) for x in calls] == [("SEA WREN 6", "Nampo", "2017-08-27")]


def test_firms_before_a_plural_firm_noun_are_no_ships(nlp):
    # Firms listed before a plural noun of firms are no ships; names before "tankers" are.
    r = result(nlp, "Acme Shipping Ltd and Beta Marine LLC, Hong Kong-registered companies, own the tanker Grey Plover.")
    assert {e.name for e in r.entities if e.label == "Vessel"} == {"Grey Plover"}
    r = result(nlp, "It manages GREY PLOVER, BLUE HERON and RED KITE, Panama-flagged tankers.")
    assert {e.name for e in r.entities if e.label == "Vessel"} == {"GREY PLOVER", "BLUE HERON", "RED KITE"}


def test_the_main_port_of_a_country_in_apposition(nlp):
    # "X, the main port of Y": X is the port, Y the country it serves.
    text = "The tanker Grey Plover anchored off Velmora, the main port of Ruritania, and moved crude oil to two smaller ships."
    assert ports(nlp, text) == {"Velmora"}
    assert called(nlp, text) == {("Grey Plover", "Velmora")}


# -- whose call, and calls only planned (the sentence's other ships did not call) ------------

def test_the_ship_a_cargo_went_to_did_not_travel_on(nlp):
    got = called(nlp, "The ship Rapid Tern transferred oil to the Saebyol, a North Korean tanker, and later traveled "
                      "to Nampo.")
    assert got == {("Rapid Tern", "Nampo")}


def test_a_leg_in_a_plan_or_a_gerund_is_no_call(nlp):
    # Near misses of "sailed from A to B": a voyage ordered ("instructed ... and then sail to"),
    # or one the ship was about to make ("before sailing to").
    got = called(nlp, "The tanker Grey Gull was instructed by its manager to load coal at Nampo and then sail to "
                      "Castrane. The tanker Dune Lark loaded crude at Kozmino before sailing to Velmora.")
    assert ("Grey Gull", "Castrane") not in got
    assert ("Dune Lark", "Velmora") not in got
    assert ("Dune Lark", "Kozmino") in got

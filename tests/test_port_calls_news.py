"""Port calls (CALLED_AT) in the shapes news writing uses (issue 22): the port a voyage came from,
"drew up to P", "put in at P", "passed through P", a list of ships after "the tankers that
unloaded at P are ..."; and the near misses news writing is full of: a destination ("towards
P", "bound for P", "en route to P"), a ship-to-ship transfer off or near a port, and the call
of other, unnamed ships ("transferred coal to ships that later sailed to P").

All texts are our own, with invented ships; the ports are real places (a port is found by
name). The real model parses them, loaded once per module.
"""

import pytest

from ingest.extract import build_result
from ingest.model import Document
from ingest.nlp import load


@pytest.fixture(scope="module")
def nlp():
    return load()


def calls(nlp, text):
    return {(r.source, r.target) for r in build_result(Document(text=text), nlp(text)).relations if r.type == "CALLED_AT"}


def activities(nlp, text):
    return {(r.source, r.target, r.props.get("activity")) for r in build_result(Document(text=text), nlp(text)).relations
            if r.type == "CALLED_AT"}


# -- the ports of a voyage --------------------------------------------------------------

def test_the_port_a_voyage_came_from_is_called_at_too(nlp):
    text = ("A Togo-flagged crude tanker named Windrush Star (IMO: 9300009) arrived in the government-held port of "
            "Baniyas, from the port of Bandar Abbas in Iran.")
    assert activities(nlp, text) == {("Windrush Star", "Baniyas", "arrived"), ("Windrush Star", "Bandar Abbas", "departed")}


@pytest.mark.parametrize("text, port", [
    ("The Liberian-flagged tanker Windrush Star drew up to the port of Latakia on Friday.", "Latakia"),
    ("The tanker Windrush Star drew up alongside the oil pier at Baniyas on Friday.", "Baniyas"),
    ("The tanker Windrush Star put in at Tartus for repairs last week.", "Tartus"),
    ("The tanker Windrush Star pulled into Tartus late on Sunday.", "Tartus"),
    ("The tanker Windrush Star berthed at Tartus late on Sunday.", "Tartus"),
    ("The tanker Windrush Star stopped off at Tartus on its way north.", "Tartus"),
    ("The tanker Windrush Star made calls at Tartus in March.", "Tartus"),
])
def test_news_verbs_of_arrival(nlp, text, port):
    assert calls(nlp, text) == {("Windrush Star", port)}


def test_the_port_a_ship_was_sailing_from_in_a_participle(nlp):
    text = ("The Maltese-flagged oil tanker Windrush Star, sailing from the Rotterdam port in the Netherlands, drew up "
            "to the port of Latakia on Thursday.")
    assert calls(nlp, text) == {("Windrush Star", "Rotterdam"), ("Windrush Star", "Latakia")}


def test_a_port_passed_through_is_called_at(nlp):
    assert activities(nlp, "The tanker Windrush Star passed through Port Said on 3 May.") == {("Windrush Star", "Port Said", "called")}
    assert calls(nlp, "The tanker Windrush Star sailed through Port Said in May.") == {("Windrush Star", "Port Said")}


@pytest.mark.parametrize("text", [
    # a route named, not a port the ship was at; a verb that is no call without its particle
    "The tanker Windrush Star transited the Suez Canal via Port Said.",
    "The tanker Windrush Star drew attention in Tartus.",
    "Officials put pressure on the tanker Windrush Star in Tartus.",
])
def test_near_misses_of_the_particle_verbs(nlp, text):
    assert not calls(nlp, text)


# -- a list of ships after a clause with the call -----------------------------------------

def test_the_ships_listed_after_a_relative_clause_with_the_call(nlp):
    text = "The tankers that unloaded at Baniyas this month are the Quill, Sandpiper 12 and Tern Bay."
    assert activities(nlp, text) == {(s, "Baniyas", "unloaded") for s in ("Quill", "Sandpiper 12", "Tern Bay")}
    text = "Ships that called at Nampo in 2023 include the Quill and the Tern Bay."
    assert calls(nlp, text) == {("Quill", "Nampo"), ("Tern Bay", "Nampo")}


def test_a_ship_described_by_a_relative_clause_with_the_call(nlp):
    assert calls(nlp, "Windrush Star is an oil tanker that called at Nampo in May.") == {("Windrush Star", "Nampo")}
    assert calls(nlp, "Windrush Star, a tanker that called at Nampo in May, was sold.") == {("Windrush Star", "Nampo")}
    assert calls(nlp, "The tanker Windrush Star, which docked at Tartus on Monday, carried fuel oil.") == {("Windrush Star", "Tartus")}


@pytest.mark.parametrize("text", [
    # the call belongs to other, unnamed ships
    "The vessels Quill and Tern Bay transferred coal to other ships that later sailed to Nampo.",
    "The tanker Windrush Star met a ship that had loaded at Nampo.",
])
def test_the_call_of_other_ships_is_none_of_the_named(nlp, text):
    got = calls(nlp, text)
    assert ("Quill", "Nampo") not in got and ("Tern Bay", "Nampo") not in got and ("Windrush Star", "Nampo") not in got


# -- destinations and the waters off a port are no calls -----------------------------------

@pytest.mark.parametrize("text", [
    "The vessels Quill and Tern Bay transferred coal to ships headed for Nampo.",
    "The vessels Quill and Tern Bay transferred coal to ships bound for Nampo.",
    "The vessels Quill and Tern Bay transferred coal to vessels en route to Nampo.",
    "The tanker Windrush Star sailed towards Nampo.",
    "The tanker Windrush Star navigated towards Nampo.",
    "The tanker Windrush Star sailed toward the port of Nampo.",
    "The tanker Windrush Star was bound for Nampo.",
    "The tanker Windrush Star set sail for Nampo.",
    "The tanker Windrush Star was on its way to Nampo.",
    "The tanker Windrush Star conducted a ship-to-ship transfer near Nampo.",
    "The tanker Windrush Star conducted a ship-to-ship transfer off Nampo.",
    "The tanker Windrush Star transferred fuel to the tanker Quill off Nampo in May.",
    "The tanker Windrush Star was spotted near Nampo in May.",
])
def test_no_call_at_a_destination_or_off_a_port(nlp, text):
    assert not calls(nlp, text)


def test_a_ship_anchored_off_a_port_called_there(nlp):
    # the near miss of "a transfer off P": anchoring off a port is a call (its anchorage)
    assert activities(nlp, "The tanker Windrush Star anchored off Kalamata for a week.") == {("Windrush Star", "Kalamata", "docked")}


def test_a_destination_beside_a_loading(nlp):
    assert calls(nlp, "The tanker Windrush Star, destined for Nampo, loaded coal at Kozmino.") == {("Windrush Star", "Kozmino")}


def test_a_call_in_a_relative_clause_on_a_name_no_ship_was_found_for(nlp):
    # the clause is the second name's: the first ship did not call at the second port
    text = ("Syria received two tankers this week: the Quill, which docked at Baniyas on Monday, and the "
            "Tern Bay, which arrived at Tartus on Tuesday.")
    got = calls(nlp, text)
    assert ("Quill", "Baniyas") in got and ("Quill", "Tartus") not in got


# -- the port as the subject, nouns of a call, a ship plying between ports --------------------

@pytest.mark.parametrize("text, got", [
    ("The port of Baniyas received the Iranian tanker Windrush Star on Monday.", {("Windrush Star", "Baniyas")}),
    ("Tartus port welcomed the tankers Quill and Tern Bay this week.", {("Quill", "Tartus"), ("Tern Bay", "Tartus")}),
    ("The port of Baniyas received fuel oil from the tanker Windrush Star.", {("Windrush Star", "Baniyas")}),
    ("The arrival of the tanker Windrush Star in Baniyas was reported on Monday.", {("Windrush Star", "Baniyas")}),
    ("The tanker Windrush Star made a stop in Tartus in March.", {("Windrush Star", "Tartus")}),
    ("The tanker Windrush Star shuttled between Tartus and Baniyas all summer.", {("Windrush Star", "Tartus"), ("Windrush Star", "Baniyas")}),
])
def test_a_port_that_received_a_ship_and_nouns_of_a_call(nlp, text, got):
    assert calls(nlp, text) == got


@pytest.mark.parametrize("text", [
    "The port of Baniyas received a warning about the tanker Windrush Star.",
    "The port of Baniyas did not receive the tanker Windrush Star.",
    "The port of Baniyas is expected to receive the tanker Windrush Star next week.",
    "The tanker Windrush Star conducted a ship-to-ship transfer between Tartus and Cyprus.",
    "The tanker Windrush Star was moved to a blacklist in Tartus.",
    "Officials in Tartus moved to seize the tanker Windrush Star.",
])
def test_near_misses_of_a_port_that_received_a_ship(nlp, text):
    assert not calls(nlp, text)


def test_a_ship_named_after_a_phrase_of_its_flag(nlp):
    text = ("An oil tanker flying a Maltese flag, Windrush, sailing from the Rotterdam port in the Netherlands, drew "
            "up to the port of Latakia on Thursday.")
    assert calls(nlp, text) == {("Windrush", "Rotterdam"), ("Windrush", "Latakia")}
    assert calls(nlp, "A tanker under a Panamanian flag, Windrush, arrived in Tartus.") == {("Windrush", "Tartus")}


@pytest.mark.parametrize("text", [
    "A tanker flying a Maltese flag, Reuters reported, docked at Latakia.",
    "A tanker flying a Maltese flag, Windrush Shipping, docked at Latakia.",
])
def test_no_ship_named_after_a_flag_phrase(nlp, text):
    # a source reporting, or a firm, set off by commas after the flag phrase names no ship
    assert not calls(nlp, text)


def test_the_verb_of_a_relative_clause_is_not_the_next_ports(nlp):
    # the ship is in P now; it departed Q in the clause
    text = "The tanker Windrush Star, which sailed from Bandar Abbas, is now in Tartus."
    assert activities(nlp, text) == {("Windrush Star", "Bandar Abbas", "departed"), ("Windrush Star", "Tartus", "called")}
    text = "The tanker Windrush Star, which loaded at Kharg Island, later docked at Tartus."
    assert activities(nlp, text) == {("Windrush Star", "Kharg Island", "loaded"), ("Windrush Star", "Tartus", "docked")}

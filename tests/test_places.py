"""Where a company is (LOCATED_IN) and where a ship called (CALLED_AT), in the shapes official
writing uses: register entries with address fields, "X-based", "based in", the parse's
subjects and appositions; port calls in active and passive voice and by back-reference.

All texts are our own. The real model parses them, loaded once per module.
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
    return {(r.source, r.target) for r in result.relations if r.type == rtype}


def located(nlp, text):
    return found(nlp, text, "LOCATED_IN")


# -- LOCATED_IN: register entries -----------------------------------------------------------

ENTRIES = """4. Bluewater Tide Shipping LLC
Alias: Tide Bluewater Shipping
Address: Office 14, Harbour Road 5, Mersin, 33010, Türkiye; Türkiye
Reasons: Bluewater Tide Shipping LLC is the technical manager of several tankers.
Date of listing: 3.2.2026

5. Orange Lantern Maritime FZE
Address: Unit 9, Lantern Tower, Jebel Ali, Dubai, United Arab Emirates; United Arab Emirates, Russian Federation
Reasons: Orange Lantern Maritime FZE is a Dubai-based company which manages tankers.
Date of listing: 3.2.2026

6. Copper Gate Holdings LLC
Address: Free Zone 2, Sohar, Oman; C/O: Orange Lantern Maritime FZE, Jebel Ali, Dubai, United Arab Emirates; Oman
Date of listing: 3.2.2026

7. Pavel Andreevich IVANOV
Date of birth: 1.1.1970
Address: Tverskaya street 3, Moscow, Russian Federation
Reasons: Chief executive of a shipping company.
"""


def test_an_entry_lies_in_the_country_ending_its_address(nlp):
    got = located(nlp, ENTRIES)
    assert ("Bluewater Tide Shipping LLC", "Türkiye") in got
    # A bare list of countries adds nothing when an address names one.
    assert ("Orange Lantern Maritime FZE", "United Arab Emirates") in got
    assert ("Orange Lantern Maritime FZE", "Russia") not in got
    # An address in care of another firm is that firm's.
    assert ("Copper Gate Holdings LLC", "Oman") in got
    assert not [t for s, t in got if s == "Copper Gate Holdings LLC" and t != "Oman"]


def test_an_address_places_only_its_holder(nlp):
    got = located(nlp, ENTRIES)
    # Neither the city of an address in its country, nor a person's address.
    assert not [s for s, t in got if s in ("Dubai", "Mersin", "Moscow", "Jebel Ali")]
    assert not [s for s, t in got if "IVANOV" in s or "Ivanov" in s]
    # A company whose country the entry gives is not placed again in a city of it.
    assert ("Orange Lantern Maritime FZE", "Dubai") not in got


def test_an_address_without_a_country_gives_the_country_field(nlp):
    text = "9. Northern Reach Shipping LLC\nAddress: Iran\nReasons: It charters tankers.\n"
    assert located(nlp, text) == {("Northern Reach Shipping LLC", "Iran")}


# -- LOCATED_IN: "X-based", "based in", "operates out of" ----------------------------------

@pytest.mark.parametrize("text, expected", [
    ("UAE-based front companies Acme Trading LLC, Bolt Trading FZE, and Crane Energy FZE moved the cargo.",
     {("Acme Trading LLC", "United Arab Emirates"), ("Bolt Trading FZE", "United Arab Emirates"),
      ("Crane Energy FZE", "United Arab Emirates")}),
    ("Liberia-registered Heron Sea Shipping Inc. is the registered owner of the tanker Grey Plover.",
     {("Heron Sea Shipping Inc", "Liberia")}),
    ("Crane Delta Shipping LLC is a tanker company based in Russia and also the commercial operator of the tanker Blue Finch.",
     {("Crane Delta Shipping LLC", "Russia")}),
    ("The company Crane Shipmanagement Ltd, which is based in Hong Kong, manages several ships.",
     {("Crane Shipmanagement Ltd", "Hong Kong")}),
    ("Crane Line Co is a liner firm that operates out of Iran, and it owns two bulk carriers.",
     {("Crane Line Co", "Iran")}),
])
def test_a_company_based_in_a_place(nlp, text, expected):
    assert located(nlp, text) == expected


def test_a_place_word_before_other_nouns_is_not_the_holders_place(nlp):
    # "a Dubai-based subsidiary of Z": Dubai is where the subsidiary is, not Z.
    got = located(nlp, "Harbor Crest Trading LLC is a Dubai-based subsidiary of Pine Ridge Energy PJSC.")
    assert ("Pine Ridge Energy PJSC", "Dubai") not in got
    # A ship registered in a state is flagged there; it is no company located there.
    assert not located(nlp, "The tanker Grey Plover is registered in Panama.")


# -- CALLED_AT ------------------------------------------------------------------------------

def called(nlp, text):
    return found(nlp, text, "CALLED_AT")


def test_a_call_at_the_port_of_a_described_place(nlp):
    text = "The tanker Grey Plover, while under the ownership of Acme Shipping Ltd, paid a call at the occupied grain port of Berdyansk in August 2025."
    assert called(nlp, text) == {("Grey Plover", "Berdyansk")}


def test_each_of_the_ports_of_a_list(nlp):
    text = "The cargo ship Dune Lark called at the ports of Tartus, Latakia and Novorossiysk."
    assert called(nlp, text) == {("Dune Lark", p) for p in ("Tartus", "Latakia", "Novorossiysk")}


@pytest.mark.parametrize("text", [
    "The tanker Sea Hawk was scheduled to arrive at Busan, but it did not arrive.",
    "The tanker Sea Hawk was instructed to load coal at Nampo next week.",
    "The tanker Sea Hawk sailed towards Busan, but it never arrived.",
])
def test_a_planned_or_failed_call_is_none(nlp, text):
    assert not called(nlp, text)


def test_a_loading_before_a_failed_arrival_stands(nlp):
    text = ("The tanker Sea Hawk, a vessel that loaded coal at Nampo on 2 March, sailed on to Busan, "
            "but it did not arrive.")
    assert called(nlp, text) == {("Sea Hawk", "Nampo")}


def test_an_agent_in_a_city(nlp):
    # The noun that says what the company is ("agent", "GSA") is placed; the possessor is not.
    got = located(nlp, "Crane Cargo LLC is Acme Air’s cargo and freight GSA in Dubai, and was listed today.")
    assert got == {("Crane Cargo LLC", "Dubai")}
    assert not located(nlp, "Crane Cargo LLC is a buyer of fuel in Dubai.")


def test_a_firm_of_a_place(nlp):
    got = located(nlp, "The cargo was bought by Harbor Crest Trading LLC of Oman and paid for by Pine Ridge Energy PJSC of Singapore.")
    assert got == {("Harbor Crest Trading LLC", "Oman"), ("Pine Ridge Energy PJSC", "Singapore")}
    # A place that opens another name is not the firm's.
    got = located(nlp, "The tanker was chartered by Harbor Crest Trading LLC of UAE-based Pine Ridge Group.")
    assert not [t for s, t in got if s == "Harbor Crest Trading LLC"]




def test_a_body_of_a_state_is_not_located_there(nlp):
    # "the Black Sea Fleet of the Russian Federation" names whose body the fleet is (PART_OF),
    # not where a firm is. The entities are set by hand so the test reads the relation rule
    # alone, whatever span the recogniser takes for the body.
    from spacy.tokens import Span

    text = "He commanded the frigate Kestrel of the White Sea Fleet of the Russian Federation."
    doc = nlp(text)
    doc.ents = [Span(doc, 4, 5, label="Vessel"), Span(doc, 7, 10, label="Agency"), Span(doc, 12, 14, label="Country")]
    doc = nlp.get_pipe("sanctions_kg_relations_v1")(doc)
    got = {(r.type, r.source) for r in build_result(Document(text=text), doc).relations}
    assert ("LOCATED_IN", "Black Sea Fleet") not in got


def test_a_state_name_inside_a_longer_place_name_is_not_the_state(nlp):
    text = ("8. Harbor Flag Registry Inc.\nAddress: Front Street 12, Philipsburg, Sint Maarten, Netherlands Antilles; "
            "Main Road 4, Belmopan, Belize; Netherlands Antilles; Belize\nReasons: It registers tankers.\n")
    assert {t for _, t in located(nlp, text)} == {"Sint Maarten", "Belize"}

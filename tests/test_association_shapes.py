"""ASSOCIATED_WITH from people's roles in register entries and from ships and firms a party
used (ingest/components/relations/roles.py; issue 22). All sentences are our own; the names are
invented. Each case has a near neighbour that must not become an edge.
"""

import pytest

from ingest.extract import build_result
from ingest.model import Document
from ingest.nlp import load


@pytest.fixture(scope="module")
def nlp():
    return load()


def ties(nlp, text):
    result = build_result(Document(text=text), nlp(text))
    return {(r.source, r.target) for r in result.relations if r.type == "ASSOCIATED_WITH"}


ENTRY = ("12. Ivan Sergeyevich PETROV\n"
         "Alias: Ivan PETROV\n"
         "Date of birth: 5.1.1964\n"
         "Position: CEO and General Director of PAO Harrowflot\n"
         "Gender: male\n"
         "Reasons: {reasons}\n"
         "Date of listing: 1.2.2025\n")


def test_the_position_field_ties_the_entry_person_to_the_firm(nlp):
    got = ties(nlp, ENTRY.format(reasons="The person is a senior figure of the shipping sector."))
    assert ("Ivan Sergeyevich PETROV", "PAO Harrowflot") in got


def test_a_commanding_officer_is_tied_to_the_ship(nlp):
    got = ties(nlp, ENTRY.format(reasons="Commanding officer of the patrol boat 'Seagull' of the Border Guard Service. "
                                         "He commanded the frigate 'Kestrel' of the Northern Fleet in 2020."))
    assert {("Ivan Sergeyevich PETROV", "Seagull"), ("Ivan Sergeyevich PETROV", "Kestrel")} <= got


def test_a_unit_named_with_its_agency_is_the_role_body(nlp):
    # "Head of the Border Directorate of the Maritime Service": one name, the unit's; the role is the unit's.
    got = ties(nlp, ENTRY.format(reasons="Head of the Northern Border Directorate of the Federal Maritime Service, "
                                         "Vice Admiral."))
    targets = {t for s, t in got if s == "Ivan Sergeyevich PETROV"}
    assert any("Border Directorate" in t for t in targets)
    assert not any(t.startswith("Federal Maritime Service") for t in targets)


def test_a_section_qualified_before_its_agency_gives_the_agency(nlp):
    # Near miss of the above: a qualifier stands between the section and "of the agency".
    got = ties(nlp, ENTRY.format(reasons="Head of the Service of the Harbour Checkpoint for the Northern District "
                                         "of the Maritime Service of the Republic of Westland."))
    targets = {t for s, t in got if s == "Ivan Sergeyevich PETROV"}
    assert any("Maritime Service" in t for t in targets)
    # neither the section nor the alias the entry gives ("Ivan PETROV") is tied
    assert not any("Harbour Checkpoint" in t for _, t in got)


def test_a_firm_described_by_the_copula_used_the_ship(nlp):
    got = ties(nlp, "Harrow Bay Shipping LLC is a shipping company which, between 2016 and 2018, used the tanker "
                    "SILVER PIKE to carry cargo for a militia.")
    assert ("SILVER PIKE", "Harrow Bay Shipping LLC") in got


def test_a_firm_named_after_a_ship_did_not_use_it(nlp):
    got = ties(nlp, "Harrow Bay Shipping LLC is a shipping company which was named after the tanker SILVER PIKE.")
    assert not got


def test_a_listed_by_modifier_is_not_the_role_body(nlp):
    got = ties(nlp, "Ivan Petrov is the director of the EU-listed Copperfield Shipping Company LLC, a large carrier.")
    assert ("Ivan Petrov", "Copperfield Shipping Company LLC") in got
    assert not any(t in ("European Union", "EU") for _, t in got)


def test_a_role_that_does_not_open_the_field_names_nobody(nlp):
    # A firm's entry: the heading names no person, so its "director of" names nobody's role.
    text = ("14. Harrow Bay Shipping LLC\n"
            "Address: Dubai, United Arab Emirates\n"
            "Reasons: Director of operations of PAO Harrowflot until 2020.\n")
    assert not any(t == "PAO Harrowflot" for _, t in ties(nlp, text))


def test_a_ship_a_firm_used_is_tied_to_it(nlp):
    text = ("In 2024 Harrow Bay Shipping Ltd delivered fuel to Syria using the tanker SILVER PIKE. "
            "In 2025 Ivan Petrov used Copperfield Maritime Inc to sell the fuel.")
    got = ties(nlp, text)
    assert {("SILVER PIKE", "Harrow Bay Shipping Ltd"), ("Ivan Petrov", "Copperfield Maritime Inc")} <= got


def test_his_companies_are_not_read_as_used(nlp):
    # "used his companies": the possessive says ownership, which this rule does not read.
    text = "Ivan Petrov used his companies, Copperfield Maritime Inc and Harrow Bay Shipping Ltd, to move funds."
    assert not ties(nlp, text)


def test_a_role_in_apposition_or_as_a_title_ties_the_person_to_the_body(nlp):
    text = ("Maria Lopez, a spokesperson for the Department of State, said the tankers carried oil. "
            "Chief Executive John Kessler of the Harrow Bay Shipping Company announced the sale. "
            "Ivan Petrov, the CEO of Copperfield Maritime Inc, denied the claims.")
    got = ties(nlp, text)
    assert ("Maria Lopez", "US Department of State") in got
    assert ("John Kessler", "Harrow Bay Shipping Company") in got
    assert ("Ivan Petrov", "Copperfield Maritime Inc") in got


def test_an_officials_title_before_the_name_is_no_tie(nlp):
    # Near miss of the above: the title names an official of an agency (the dev gold ties none).
    text = ("Assistant Attorney General John Doe of the Justice Department's National Security Division announced "
            "the seizure. Under Secretary Anna Vole of the Treasury said the tanker Grey Wolf carried oil.")
    assert not {(s, t) for s, t in ties(nlp, text) if s in ("John Doe", "Anna Vole")}


def test_a_word_that_is_no_role_ties_nobody(nlp):
    text = "Ivan Petrov, a businessman from the coast of Harrow Bay Shipping Ltd, was charged."
    assert not ties(nlp, text)


def people(nlp, text):
    result = build_result(Document(text=text), nlp(text))
    return {e.name for e in result.entities if e.label == "Person"}


def test_a_person_entry_heading_names_the_person_whatever_its_script(nlp):
    # The surname carries a Cyrillic capital I (U+0406) among Latin letters: the model sees no
    # person, the entry's person fields say it is one; its role ties to the agency.
    text = ("7. Pavel Igorevich KORNІLOV\n"
            "Alias: \u041f\u0430\u0432\u0435\u043b \u041a\u041e\u0420\u041d\u0418\u041b\u041e\u0412\n"
            "Date of birth: 3.3.1970\n"
            "Gender: male\n"
            "Reasons: Head of the Office of the Harbour Checkpoint in the Northern District of the Federal "
            "Maritime Service.\n")
    assert "Pavel Igorevich KORN\u0406LOV" in people(nlp, text)
    assert ("Pavel Igorevich KORN\u0406LOV", "Federal Maritime Service") in ties(nlp, text)


def test_a_firm_entry_heading_is_no_person(nlp):
    # Near miss: the same heading (and the same foreign letter), but the entry's fields are a firm's.
    text = ("8. Pavel Igorevich KORN\u0406LOV\n"
            "Address: Dubai, United Arab Emirates\n"
            "Date of registration: 3.3.2019\n"
            "Reasons: The entity manages tankers.\n")
    assert "Pavel Igorevich KORN\u0406LOV" not in people(nlp, text)


def labels_of(nlp, text, name):
    result = build_result(Document(text=text), nlp(text))
    return {e.label for e in result.entities if e.name == name}


def test_an_entry_whose_other_names_are_firms_is_a_firm(nlp):
    # The model reads "Harlan Frost" alone as a person; the entry's aliases are firms.
    text = ("21. Harlan Frost\n"
            "Alias: Harlan Frost Trading Co.; Grey Gull Shipping Company\n"
            "Address: Bandar Abbas, Iran\n"
            "Reasons: Harlan Frost is a trading company that charters tankers. Ivan Petrov is the CEO of Harlan Frost.\n")
    assert labels_of(nlp, text, "Harlan Frost") == {"Company"}
    assert ("Ivan Petrov", "Harlan Frost") in ties(nlp, text)


def test_an_entry_whose_other_names_are_people_stays_a_person(nlp):
    # Near miss: the same heading, but the alias line names no firm.
    text = ("21. Harlan Frost\n"
            "Alias: Harlan FROST; Harold Frost\n"
            "Date of birth: 4.4.1966\n"
            "Reasons: Harlan Frost is the CEO of Grey Gull Shipping Company.\n")
    assert "Company" not in labels_of(nlp, text, "Harlan Frost")


# -- ties read from the parse ("ties to", "linked to", "on behalf of"): who holds the tie -------

def test_the_named_holder_of_a_tie_is_tied(nlp):
    text = ("Coral Bay Shipping Co., which has links to the Islamic Revolutionary Guard Corps, managed the tanker. "
            "Grey Gull Maritime Inc, a company affiliated with Kestrel Holdings Ltd, bought a tanker. "
            "Prosecutors said Peter Wong, who was working for Harbin Marine Ltd at the time, arranged the transfer.")
    got = ties(nlp, text)
    assert ("Coral Bay Shipping Co", "Islamic Revolutionary Guard Corps") in got or (
        "Coral Bay Shipping Co.", "Islamic Revolutionary Guard Corps") in got
    assert ("Grey Gull Maritime Inc", "Kestrel Holdings Ltd") in got
    assert ("Peter Wong", "Harbin Marine Ltd") in got


def test_ships_sanctioned_over_their_ties_are_the_holders(nlp):
    got = ties(nlp, "In 2023 the United States sanctioned the tankers Grey Wolf, Blue Heron and Red Fox over their "
                    "ties to Delmar Logistics OOO.")
    assert {("Grey Wolf", "Delmar Logistics OOO"), ("Blue Heron", "Delmar Logistics OOO"), ("Red Fox", "Delmar Logistics OOO")} <= got
    assert not any(s == "United States" for s, _ in got)


def test_a_tie_of_something_unnamed_is_nobodys(nlp):
    # The tie belongs to "the network" or to "vessels", not to the party named before the cue.
    text = ("The State Department offered a reward for information on the network's dealings with the Islamic "
            "Revolutionary Guard Corps. Treasury official Anna Vole said the network had ties to the Houthis. "
            "Marlin Shipping Co and vessels linked to it were sanctioned by the UN Security Council.")
    got = ties(nlp, text)
    assert not any(t in ("Islamic Revolutionary Guard Corps", "Houthis", "UN Security Council") for _, t in got)


def test_in_connection_with_and_acting_for_the_state_are_no_ties(nlp):
    # Legal idioms: a seizure "in connection with" a firm, a prosecutor "on behalf of" the state.
    text = ("The tanker Blue Heron was seized in connection with Nordvik Trading LLC. "
            "Assistant U.S. Attorney Mary Kline, on behalf of the United States, filed the complaint.")
    assert not ties(nlp, text)


def test_a_tie_named_beside_a_typed_relation_is_not_repeated(nlp):
    # ASSOCIATED_WITH is for a tie without a clearer type: the owner is not tied again.
    text = "Tern Shipping Lines is owned by Marlin Holding Co. Tern Shipping Lines acts on behalf of Marlin Holding Co."
    assert not ties(nlp, text)


def test_a_ship_used_by_a_firm_in_the_passive_is_tied_to_it(nlp):
    got = ties(nlp, "According to OFAC, the bulk carrier Grey Wolf was used by Harlan Coal Shipping Company to export "
                    "coal. The tanker Blue Heron was used to carry oil to Syria by a firm linked to Delmar Trading LLC.")
    assert ("Grey Wolf", "Harlan Coal Shipping Company") in got
    # Near miss: the user is an unnamed firm; Delmar Trading LLC is only its tie.
    assert ("Blue Heron", "Delmar Trading LLC") not in got


@pytest.mark.parametrize("text, pairs", [
    ("John Marsh, analytic director at Tern Shipping Lines, said the ship had docked.", {("John Marsh", "Tern Shipping Lines")}),
    ("The firms are owned by John Smith and Peter Brown, two senior officials at Tern Shipping Lines.",
     {("John Smith", "Tern Shipping Lines"), ("Peter Brown", "Tern Shipping Lines")}),
    ("Grey Gull Tankers spokesperson Anna Kole said the vessel had left.", {("Anna Kole", "Grey Gull Tankers")}),
    ("Marlin Shipping's chief executive Olav Brandt denied the report.", {("Olav Brandt", "Marlin Shipping")}),
])
def test_roles_written_the_ways_news_writes_them(nlp, text, pairs):
    assert pairs <= ties(nlp, text)


def test_a_person_quoted_beside_a_body_without_a_role_is_not_tied(nlp):
    # Near misses: an agency's official title before the name; a description that is no role.
    text = ("Treasury Secretary Janet Vole said the tanker Grey Wolf was sanctioned. "
            "John Marsh, a satellite imagery expert, said the ship had docked at Tern Shipping Lines.")
    assert not ties(nlp, text)

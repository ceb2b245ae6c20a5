"""Relations that hold, one wording class at a time, each with a case that must not become
an edge; and the certainty of every statement, down to the evidence stored in the graph.

All sentences are our own. The real model parses them (clauses, passives and negation are
what the rules read), loaded once per session through ingest.nlp.load.
"""

import json

import pytest

from graph import evidence
from graph.backends import open_store
from ingest.extract import build_result
from ingest.model import Document, Relation
from ingest.nlp import load
from ingest.pipeline import ingest_paths


@pytest.fixture(scope="module")
def nlp():
    return load()


def extract(nlp, text):
    return build_result(Document(text=text), nlp(text))


def found(nlp, text, rtype=None):
    return {(r.type, r.source, r.target) for r in extract(nlp, text).relations if rtype in (None, r.type)}


def sanctions(nlp, text):
    return found(nlp, text, "SANCTIONED_BY")


# -- SANCTIONED_BY: official-notice wording ------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("OFAC designated the tanker Silver Heron pursuant to E.O. 13846.",
     {("Silver Heron", "Office of Foreign Assets Control")}),
    ("The Office of Foreign Assets Control today identified the crude tanker Pale Orchid as blocked property.",
     {("Pale Orchid", "Office of Foreign Assets Control")}),
    ("The 1718 Committee designated the following vessels: the Hwa Song 7, the Blue Crane and the Teal Dawn.",
     {("Hwa Song 7", "UN 1718 Committee"), ("Blue Crane", "UN 1718 Committee"), ("Teal Dawn", "UN 1718 Committee")}),
    ("Treasury added the freighter Marsh Hawk to the SDN List on Tuesday.",
     {("Marsh Hawk", "US Department of the Treasury")}),
    ("OFAC is also identifying the following vessels as blocked property: BLUE FINCH (IMO 9234563), a Panama-flagged "
     "crude oil tanker; GREY OWL (IMO 9161003), a Liberia-flagged tanker; and SEA HAWK (IMO 9608128).",
     {("BLUE FINCH", "Office of Foreign Assets Control"), ("GREY OWL", "Office of Foreign Assets Control"),
      ("SEA HAWK", "Office of Foreign Assets Control")}),
])
def test_designation_notices(nlp, text, expected):
    assert {(s, t) for _, s, t in sanctions(nlp, text)} == expected


def test_a_us_instrument_names_the_united_states(nlp):
    # No body is named, but an executive order is a US act.
    text = "The tanker Grey Plover and the freighter Dune Lark were designated pursuant to E.O. 13846 in 2020."
    got = sanctions(nlp, text)
    assert ("SANCTIONED_BY", "Grey Plover", "United States") in got
    assert ("SANCTIONED_BY", "Dune Lark", "United States") in got
    # The law itself is not a sanctioned party.
    got = sanctions(nlp, "The court heard that Orrin Vale, a trader subject to sanctions under the "
                         "International Emergency Economic Powers Act, bought the yacht Cloud Wren.")
    assert got == {("SANCTIONED_BY", "Orrin Vale", "United States")}


@pytest.mark.parametrize("text, expected", [
    ("The tankers Blue Finch and Grey Owl are subject to U.S. sanctions.",
     {("Blue Finch", "United States"), ("Grey Owl", "United States")}),
    ("The tanker Blue Finch is subject to a UN asset freeze.", {("Blue Finch", "United Nations")}),
    ("The EU placed the tankers Blue Finch and Grey Owl on its sanctions list.",
     {("Blue Finch", "European Union"), ("Grey Owl", "European Union")}),
    ("Eleven ships were sanctioned by the UK, including the tanker Rocky Crest and the tanker Blue Finch.",
     {("Rocky Crest", "United Kingdom"), ("Blue Finch", "United Kingdom")}),
    ("The tanker Blue Finch, which is on the SDN List, called at Bandar Abbas.", {("Blue Finch", "United States")}),
    ("The SDN List now includes the tanker Blue Finch.", {("Blue Finch", "United States")}),
    ("The tanker Blue Finch has been on OFAC's SDN List since 2019.", {("Blue Finch", "Office of Foreign Assets Control")}),
    ("The tanker Blue Finch is not on the SDN List.", set()),
    ("Several firms were designated under the executive order, including Dune Crest Shipping LLC and Kestrel Ocean Ltd.",
     {("Dune Crest Shipping LLC", "United States"), ("Kestrel Ocean Ltd", "United States")}),
    ("The UK sanctioned the Panama-flagged tanker Blue Finch and the Liberia-flagged tanker Grey Owl.",
     {("Blue Finch", "United Kingdom"), ("Grey Owl", "United Kingdom")}),
    ("The ship is owned by a company on the SDN list.", set()),
    ("The tanker Blue Finch was sanctioned by the United States and the United Kingdom in 2023.",
     {("Blue Finch", "United States"), ("Blue Finch", "United Kingdom")}),
    ("OFAC and the Department of State designated twelve entities and identified the tankers SEA HAWK and ORCA SPIRIT as blocked property.",
     {("SEA HAWK", "Office of Foreign Assets Control"), ("SEA HAWK", "US Department of State"),
      ("ORCA SPIRIT", "Office of Foreign Assets Control"), ("ORCA SPIRIT", "US Department of State")}),
])
def test_subject_to_lists_and_several_bodies(nlp, text, expected):
    assert {(s, t) for _, s, t in sanctions(nlp, text)} == expected


def test_a_passive_list_takes_the_body_named_just_before(nlp):
    text = ("The Office of Foreign Assets Control acted against a shipping network on Thursday. "
            "The tankers Rook Bay and Kiln Star were designated in the same action.")
    got = sanctions(nlp, text)
    assert ("SANCTIONED_BY", "Rook Bay", "Office of Foreign Assets Control") in got
    assert ("SANCTIONED_BY", "Kiln Star", "Office of Foreign Assets Control") in got


# -- SANCTIONED_BY: what is not a designation ----------------------------------------------

@pytest.mark.parametrize("text", [
    "The tanker Silver Heron was seized by the FBI in 2021.",
    "Prosecutors filed a forfeiture complaint against the tanker Silver Heron for violating US sanctions.",
    "The crew of the tanker Silver Heron was detained by the Indonesian Coast Guard.",
    "Two traders were charged with sanctions evasion after the tanker Silver Heron reached Bandar Abbas.",
    "The United States imposed sanctions on Iran's oil sector in 2019.",
    "The Royal Navy joined the sanctions enforcement patrol that tracked the tanker Silver Heron.",
    "The sanctions-evading tanker Silver Heron was seized by the United States in 2021.",
    "The UN Security Council 1718 Sanctions Committee met in New York to discuss the tanker Silver Heron.",
    "The owner renamed the tanker Silver Heron to avoid UK sanctions.",
    "The EU put new restrictions on trade with the tanker Silver Heron's flag state.",
])
def test_seizure_charges_and_programmes_are_not_designations(nlp, text):
    assert sanctions(nlp, text) == set(), text


def test_a_possessor_is_not_the_designator(nlp):
    assert sanctions(nlp, "Iran's Blue Sea Shipping Co. was sanctioned in 2019.") == set()
    assert sanctions(nlp, "The EU sanctioned Russia's Polar Sun Shipping PJSC in 2023.") == {
        ("SANCTIONED_BY", "Polar Sun Shipping PJSC", "European Union")}


def test_enforcers_never_designate(nlp):
    # A navy, a court or a guard corps is never the agent of a designation.
    assert sanctions(nlp, "The tanker Silver Heron was sanctioned by the Royal Navy in 2020.") == set()
    assert sanctions(nlp, "Iran's Revolutionary Guard Corps, a designated Foreign Terrorist Organization, "
                          "chartered the tanker Silver Heron.") == set()


def test_non_entity_subjects_never_get_sanctioned_by(nlp):
    from ingest.components.relations import Slot

    comp = nlp.get_pipe("sanctions_kg_relations_v1")
    doc = nlp("OFAC designated foreign shipping lines and the SDN list of Gold Finch Ltd.")
    state = {"warships": set()}
    # Common words an earlier step might take for a name are not a party; a name is.
    for start, end in ((2, 3), (3, 5), (7, 9)):
        assert not comp._is_named(doc, Slot(start, end, "Company", [(start, end)]), state), doc[start:end].text
    assert comp._is_named(doc, Slot(10, 13, "Company", [(10, 13)]), state)
    # A designating body is not a target of its own kind of act.
    doc = nlp("The State Department and the Treasury imposed sanctions on the network.")
    treasury = next(e for e in doc.ents if e.text == "Treasury")
    assert not comp._is_named(doc, Slot(treasury.start, treasury.end, "Agency", [(treasury.start, treasury.end)]), state)
    assert sanctions(nlp, "The State Department and the Treasury imposed sanctions on the network.") == set()


def test_warships_are_operated_by_their_navy_and_never_sanctioned(nlp):
    got = found(nlp, "The Royal Navy frigate HMS Kestrel was sanctioned by Russia.")
    assert ("OPERATED_BY", "Kestrel", "Royal Navy") in got
    assert not [r for r in got if r[0] == "SANCTIONED_BY"]


# -- certainty -----------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "The tanker Silver Heron was not sanctioned by the European Union.",
    "The tanker Silver Heron has not been designated by OFAC.",
    "None of the tankers were sanctioned by the United Kingdom.",
    "Lawmakers said the US could sanction the tanker Gold Reef next year.",
    "The EU plans to sanction the tanker Blue Lark.",
])
def test_denied_or_hypothetical_sanctions_give_no_edge(nlp, text):
    assert sanctions(nlp, text) == set(), text


def test_denied_ownership_gives_no_edge(nlp):
    text = "Grey Fjord Shipping LLC denied that the tanker Silver Heron was managed by Cobalt Marine Ltd."
    assert not [r for r in found(nlp, text) if r[0] in ("OPERATED_BY", "OWNED_BY")]
    assert not found(nlp, "The tanker Silver Heron is not owned by Cobalt Marine Ltd.", "OWNED_BY")
    assert not found(nlp, "The tanker Silver Heron never docked at Nakhodka.", "CALLED_AT")
    assert not found(nlp, "Officials denied that the tanker Silver Heron docked at Nakhodka.", "CALLED_AT")
    assert not found(nlp, "There is no evidence that the tanker Silver Heron was sanctioned by the EU.", "SANCTIONED_BY")
    # A relative clause states its own fact, whatever the main clause says.
    assert found(nlp, "The tanker Silver Heron, which docked at Nakhodka, was denied insurance.", "CALLED_AT") == {
        ("CALLED_AT", "Silver Heron", "Nakhodka")}
    # The same sentence stated, not denied, is a fact.
    text = "Grey Fjord Shipping LLC said that the tanker Silver Heron was managed by Cobalt Marine Ltd."
    assert found(nlp, text, "OPERATED_BY") == {("OPERATED_BY", "Silver Heron", "Cobalt Marine Ltd")}


@pytest.mark.parametrize("text, rtype", [
    ("The tanker Silver Heron is suspected of being operated by Grey Fjord Shipping LLC.", "OPERATED_BY"),
    ("The tanker Silver Heron is believed to be owned by Grey Fjord Shipping LLC.", "OWNED_BY"),
    ("The tanker Silver Heron was allegedly sanctioned by the United Kingdom in 2022.", "SANCTIONED_BY"),
    ("The tanker Silver Heron reportedly loaded crude at Primorsk.", "CALLED_AT"),
    ("The tanker Silver Heron may have been sanctioned by the United States.", "SANCTIONED_BY"),
    ("The agency seeks forfeiture of the yacht Blue Lark, claiming that it is owned by Grey Fjord Shipping LLC.", "OWNED_BY"),
    ("There are allegations that the tanker Blue Finch is owned by Harbor Crest Trading LLC.", "OWNED_BY"),
])
def test_hedged_statements_keep_the_edge_marked_hedged(nlp, text, rtype):
    rels = [r for r in extract(nlp, text).relations if r.type == rtype]
    assert rels, text
    assert {r.certainty for r in rels} == {"hedged"}, text
    assert rels[0].to_dict()["certainty"] == "hedged"


def test_plain_statements_are_stated(nlp):
    rels = extract(nlp, "The bulk carrier Silver Heron is managed by Cobalt Marine Ltd.").relations
    assert [(r.type, r.certainty) for r in rels] == [("OPERATED_BY", "stated")]
    # A hedge in a relative clause about something else does not weaken the main statement.
    rels = extract(nlp, "The tanker Silver Heron, which is suspected of smuggling fuel, was sanctioned by OFAC in 2023.").relations
    assert [(r.type, r.certainty) for r in rels if r.type == "SANCTIONED_BY"] == [("SANCTIONED_BY", "stated")]


def test_relation_certainty_is_checked():
    with pytest.raises(ValueError, match="certainty"):
        Relation("OWNED_BY", "A", "B", "Vessel", "Company", "A may be owned by B.", props={"certainty": "hypothetical"})
    r = Relation("OWNED_BY", "A", "B", "Vessel", "Company", "A is owned by B.", props={"certainty": "hedged", "cue": "x"})
    assert r.certainty == "hedged" and r.props == {"cue": "x"}


def test_certainty_reaches_the_stored_evidence(tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "a.txt").write_text(
        "Published: 2024-04-02\n"
        "The tanker Silver Heron is believed to be owned by Grey Fjord Shipping LLC.\n"
        "The tanker Silver Heron was sanctioned by the United Kingdom in 2023.\n"
        "The tanker Silver Heron was not sanctioned by the European Union.\n")
    with open_store(str(tmp_path / "kg.db")) as store:
        assert ingest_paths(store, [str(folder)]).ok
        rows = store.run("MATCH (v:Vessel)-[r]->(t) RETURN type(r) AS type, t.name AS target, r.evidence AS ev", {}).rows
    got = {(r["type"], r["target"]): [evidence.certainty(evidence.decode(x)) for x in r["ev"]] for r in rows}
    assert got[("OWNED_BY", "Grey Fjord Shipping LLC")] == ["hedged"]
    assert got[("SANCTIONED_BY", "United Kingdom")] == ["stated"]
    assert ("SANCTIONED_BY", "European Union") not in got
    # The denial is kept as evidence against the fact, on the vessel (graph/claims.py), not as an edge.
    with open_store(str(tmp_path / "kg.db")) as store:
        (row,) = store.run("MATCH (v:Vessel) RETURN v.denials AS d", {}).rows
    (denial,) = [evidence.decode(x) for x in row["d"]]
    assert (denial["type"], denial["target"], denial["certainty"]) == ("SANCTIONED_BY", "agency:european-union", "denied")
    assert json.loads(rows[0]["ev"][0])["certainty"] in ("stated", "hedged")


# -- OWNED_BY vs OPERATED_BY ---------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("The registered owner of the tanker Silver Heron is Grey Fjord Shipping LLC, and its technical manager is Cobalt Marine Ltd.",
     {("OWNED_BY", "Silver Heron", "Grey Fjord Shipping LLC"), ("OPERATED_BY", "Silver Heron", "Cobalt Marine Ltd")}),
    ("Cobalt Marine Ltd., the ship manager of the tanker Silver Heron, is based in Dubai.",
     {("OPERATED_BY", "Silver Heron", "Cobalt Marine Ltd")}),
    ("The tanker Silver Heron's commercial manager, Cobalt Marine Ltd., did not reply.",
     {("OPERATED_BY", "Silver Heron", "Cobalt Marine Ltd")}),
    ("The tanker Silver Heron is beneficially owned by Grey Fjord Shipping LLC.",
     {("OWNED_BY", "Silver Heron", "Grey Fjord Shipping LLC")}),
    # a charter is a tie, not management (the dev set's convention)
    ("The bulk carrier Silver Heron is chartered by Cobalt Marine Ltd.",
     {("ASSOCIATED_WITH", "Silver Heron", "Cobalt Marine Ltd")}),
    ("Kestrel Ocean Ltd. is the ship manager and commercial manager of the tanker BLUE FINCH.",
     {("OPERATED_BY", "BLUE FINCH", "Kestrel Ocean Ltd")}),
    ("Harbor Crest Trading LLC is the registered owner of the tanker BLUE FINCH.",
     {("OWNED_BY", "BLUE FINCH", "Harbor Crest Trading LLC")}),
    ("The tanker BLUE FINCH is owned by Harbor Crest Trading LLC and managed by Kestrel Ocean Ltd.",
     {("OWNED_BY", "BLUE FINCH", "Harbor Crest Trading LLC"), ("OPERATED_BY", "BLUE FINCH", "Kestrel Ocean Ltd")}),
    ("Prosecutors filed a forfeiture complaint against the tanker Pale Reed, a product tanker purchased and operated by Tan Wei Ming to deliver fuel.",
     {("OWNED_BY", "Pale Reed", "Tan Wei Ming"), ("OPERATED_BY", "Pale Reed", "Tan Wei Ming")}),
    ("Two firms, Grey Fjord Shipping LLC and Cobalt Marine Ltd., contest the seizure, arguing that they are the true owners of the yacht Blue Lark.",
     {("OWNED_BY", "Blue Lark", "Grey Fjord Shipping LLC"), ("OWNED_BY", "Blue Lark", "Cobalt Marine Ltd")}),
])
def test_owner_versus_manager(nlp, text, expected):
    got = {r for r in found(nlp, text) if r[0] in ("OWNED_BY", "OPERATED_BY", "ASSOCIATED_WITH")}
    assert got == expected, text


def test_manager_roles(nlp):
    rels = extract(nlp, "The bulk carrier Silver Heron is operated by Cobalt Marine Ltd.").relations
    assert [r.props.get("role") for r in rels if r.type == "OPERATED_BY"] == ["operator"]
    rels = extract(nlp, "The bulk carrier Silver Heron is chartered by Cobalt Marine Ltd.").relations
    assert [(r.type, r.props.get("cue")) for r in rels] == [("ASSOCIATED_WITH", "chartered by")]
    rels = extract(nlp, "Cobalt Marine Ltd., the ship manager of the tanker Silver Heron, is based in Dubai.").relations
    assert [r.props.get("role") for r in rels if r.type == "OPERATED_BY"] == ["manager"]


# -- warships ------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("The Royal Navy frigate HMS Kestrel shadowed the tanker Silver Heron.", {("Kestrel", "Royal Navy")}),
    ("HMS Kestrel of the Royal Navy shadowed the tanker Silver Heron.", {("Kestrel", "Royal Navy")}),
    ("The Royal Australian Navy frigate KESTREL and the replenishment ship ALBATROSS joined the patrol.",
     {("KESTREL", "Royal Australian Navy"), ("ALBATROSS", "Royal Australian Navy")}),
    ("The Royal Navy dispatched the frigate HMS Kestrel and the patrol ship HMS Sandpiper to watch the tanker Silver Heron.",
     {("Kestrel", "Royal Navy"), ("Sandpiper", "Royal Navy")}),
    ("The Royal Navy sent a warning to the tanker Silver Heron.", set()),
])
def test_warship_navy(nlp, text, expected):
    got = {(s, t) for _, s, t in found(nlp, text, "OPERATED_BY")}
    assert got == expected
    # The tanker the warship watched is nobody's warship.
    assert not [s for s, _ in got if s == "Silver Heron"]


# -- CALLED_AT -----------------------------------------------------------------------------

@pytest.mark.parametrize("text, port, activity", [
    ("The tanker Silver Heron berthed at Nakhodka on May 3.", "Nakhodka", "docked"),
    ("The tanker Silver Heron anchored off Fujairah.", "Fujairah", "docked"),
    ("The tanker Silver Heron was in port at Nakhodka last week.", "Nakhodka", "called"),
    ("The tanker Silver Heron loaded crude at Primorsk.", "Primorsk", "loaded"),
    ("The tanker Silver Heron arrived in Nakhodka on Friday.", "Nakhodka", "arrived"),
    ("The tanker Silver Heron docked at Nakhodka on Friday.", "Nakhodka", "docked"),
])
def test_called_at_verbs(nlp, text, port, activity):
    calls = [r for r in extract(nlp, text).relations if r.type == "CALLED_AT"]
    assert [(r.source, r.target, r.props.get("activity")) for r in calls] == [("Silver Heron", port, activity)]


def test_no_call_without_a_port_call(nlp):
    assert not found(nlp, "The tanker Silver Heron never docked at Nakhodka.", "CALLED_AT")
    assert not found(nlp, "The tanker Silver Heron plans to dock at Nakhodka next month.", "CALLED_AT")
    assert not found(nlp, "The tanker Silver Heron was barred from entering Busan.", "CALLED_AT")
    assert not found(nlp, "The tanker Silver Heron is expected to arrive at Busan next week.", "CALLED_AT")


def test_each_port_of_a_list_is_called_at(nlp):
    got = found(nlp, "The tanker Blue Finch called at Fujairah, Sohar, and Busan in May.", "CALLED_AT")
    assert got == {("CALLED_AT", "Blue Finch", p) for p in ("Fujairah", "Sohar", "Busan")}


def test_a_place_named_as_a_homeport(nlp):
    got = found(nlp, "The cutter Sandpiper left its homeport of Kodiak, Alaska, on March 2 for a patrol.")
    assert ("CALLED_AT", "Sandpiper", "Kodiak") in got
    assert ("LOCATED_IN", "Kodiak", "Alaska") in got


# -- LOCATED_IN ----------------------------------------------------------------------------

def test_port_of_a_demonym_lies_in_that_state(nlp):
    got = found(nlp, "In 2019 the tanker Blue Finch unloaded diesel at the North Korean port of Hungnam.")
    assert {r for r in got if r[0] == "LOCATED_IN"} == {("LOCATED_IN", "Hungnam", "North Korea")}
    assert ("CALLED_AT", "Blue Finch", "Hungnam") in got
    assert found(nlp, "The ship docked in the Russian port city of Nakhodka.", "LOCATED_IN") == {("LOCATED_IN", "Nakhodka", "Russia")}


def test_lists_and_clauses_are_not_locations(nlp):
    assert not found(nlp, "The tanker Blue Finch called at Fujairah, Sohar, and Busan in May.", "LOCATED_IN")
    assert not found(nlp, "As the ship kept visiting Nakhodka, Japan protested to Russia.", "LOCATED_IN")
    assert found(nlp, "The ship docked at Piraeus, Greece.", "LOCATED_IN") == {("LOCATED_IN", "Piraeus", "Greece")}


# -- ASSOCIATED_WITH -----------------------------------------------------------------------

def test_ties_need_a_named_holder(nlp):
    assert found(nlp, "The tanker Blue Finch, linked to Harbor Crest Trading LLC, called at Busan.", "ASSOCIATED_WITH") == {
        ("ASSOCIATED_WITH", "Blue Finch", "Harbor Crest Trading LLC")}
    # Unnamed parties with ties are no edge from the ship named after them.
    assert not found(nlp, "The plan involved several parties affiliated with the Islamic Revolutionary Guard Corps "
                          "and the tanker Blue Finch.", "ASSOCIATED_WITH")


def test_a_fleet_ship_is_operated_by_its_company(nlp):
    got = found(nlp, "The Polar Sun Shipping LLC tanker Blue Finch loaded crude at Primorsk.", "OPERATED_BY")
    assert got == {("OPERATED_BY", "Blue Finch", "Polar Sun Shipping LLC")}
    # A company that sold the ship does not run it.
    assert not found(nlp, "Harbor Crest Trading LLC sold the tanker Blue Finch in 2021.", "OPERATED_BY")

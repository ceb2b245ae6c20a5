"""Relations in the shapes official writing uses (issue 22): designation notices, annex
entries with their reasons, appositions, relative clauses, lists and back-references. Each
case has a near neighbour that must not become an edge. All sentences are our own; the
names are invented.

The real model parses them (ingest.nlp.load, once per module).
"""

import pytest

from ingest.extract import build_result
from ingest.model import Document
from ingest.nlp import load


@pytest.fixture(scope="module")
def nlp():
    return load()


def found(nlp, text, rtype=None):
    result = build_result(Document(text=text), nlp(text))
    return {(r.type, r.source, r.target) for r in result.relations if rtype in (None, r.type)}


# -- OPERATED_BY / OWNED_BY: role nouns after a copula, and "the company" -------------------

def test_role_joined_to_a_place_belongs_to_the_subject(nlp):
    # The parse joins "operator" to the place of "based in ..."; the holder is the subject.
    text = ("Reasons: Northwind Tanker Services LLC is a tanker firm registered in Russia and also the "
            "commercial operator of the ships Amber Crest, Baltic Heron and Cold Current.")
    got = found(nlp, text, "OPERATED_BY")
    assert got == {("OPERATED_BY", v, "Northwind Tanker Services LLC") for v in ("Amber Crest", "Baltic Heron", "Cold Current")}


def test_the_company_refers_back_to_the_entry(nlp):
    text = ("12. Northwind Tanker Services LLC\n\nReasons: Northwind Tanker Services LLC is a shipping company "
            "registered in Panama. The company is also the technical manager of the tankers Dune Rider and Frost Harbor. "
            "The company also manages 2 other vessels: the SOLACE (IMO: 9317729) and the MERIDIAN (IMO: 9528469).")
    got = found(nlp, text, "OPERATED_BY")
    for ship in ("Dune Rider", "Frost Harbor", "SOLACE", "MERIDIAN"):
        assert ("OPERATED_BY", ship, "Northwind Tanker Services LLC") in got
    # No other holder: not the state of registration, not a bare word.
    assert {t for _, _, t in got} == {"Northwind Tanker Services LLC"}


def test_the_company_reaches_back_a_bounded_window(nlp):
    text = ("Reasons: Northwind Tanker Services LLC is a shipping company registered in Panama. "
            "Those vessels lack insurance. They sail often. They turn their transponders off. They carry oil. "
            "The company is also the technical manager of the tankers Dune Rider and Frost Harbor.")
    assert found(nlp, text, "OPERATED_BY") == set()


def test_it_refers_back_only_to_a_company_named_last(nlp):
    text = ("Reasons: Northwind Tanker Services LLC is a tanker firm with offices in Russia. "
            "It is also the commercial operator of the ship Dune Rider.")
    assert found(nlp, text, "OPERATED_BY") == {("OPERATED_BY", "Dune Rider", "Northwind Tanker Services LLC")}


def test_the_government_of_a_state_is_an_owner(nlp):
    text = ("Liberia-registered Coastal Lane Inc. is the registered owner of the tanker Kittiwake. "
            "In the end the Government of the Russian Federation is the beneficial owner of the Kittiwake.")
    got = found(nlp, text, "OWNED_BY")
    assert ("OWNED_BY", "Kittiwake", "Coastal Lane Inc") in got
    assert ("OWNED_BY", "Kittiwake", "Russia") in got


def test_an_entity_which_it_controls(nlp):
    text = ("Reasons: Harbor Gate Trading DMCC is a subsidiary of Northfield Oil PJSC. Harbor Gate Trading DMCC "
            "and an entity which it controls, Seabright Shipping DMCC, have procured tankers.")
    assert ("OWNED_BY", "Seabright Shipping DMCC", "Harbor Gate Trading DMCC") in found(nlp, text, "OWNED_BY")


def test_an_active_verb_with_an_unnamed_object_names_nothing(nlp):
    # "manages tankers carrying oil to Y": Y is not a managed party.
    text = "Harbourline Shipmanagement LLC manages tankers carrying crude oil to Kestrel Refining Ltd."
    assert found(nlp, text, "OPERATED_BY") == set()
    # A named object is managed: "manages the tankers A and B".
    text = "Harbourline Shipmanagement LLC manages the tankers Dune Rider and Frost Harbor."
    assert found(nlp, text, "OPERATED_BY") == {("OPERATED_BY", v, "Harbourline Shipmanagement LLC") for v in ("Dune Rider", "Frost Harbor")}


# -- SANCTIONED_BY: designators as prefixes, the notice's designator, blocked property ------

def test_prefixed_designator_names_every_listed_ship(nlp):
    text = "Eastgate Tankers FZCO also manages the U.S.-sanctioned vessels Ligeia Star, Morrow Bay, and Tern Point."
    got = found(nlp, text, "SANCTIONED_BY")
    assert got == {("SANCTIONED_BY", v, "United States") for v in ("Ligeia Star", "Morrow Bay", "Tern Point")}


def test_coordinated_prefixes_each_designate(nlp):
    text = "The U.S.-, United Kingdom-, and European Union-sanctioned Harrow Ship Management Ltd managed the tanker Cold Dawn."
    got = {t for _, s, t in found(nlp, text, "SANCTIONED_BY") if s == "Harrow Ship Management Ltd"}
    assert {"United States", "United Kingdom"} <= got


NOTICE = ("Today the Treasury Department's Office of Foreign Assets Control (OFAC) targets two firms with sanctions "
          "and names two tankers as blocked property.\n\n"
          "The tankers Arctic Dawn and Polar Wren carried oil above the cap.\n\n"
          "Blue Finch Maritime Limited and Grey Gull Shipping Inc. were designated under Executive Order 14024 "
          "because they carried that oil. In addition, OFAC identified the Arctic Dawn and the Polar Wren as property in "
          "which the two firms have an interest.\n\n"
          "Redwater Trading LLC was designated on March 3, 2021, pursuant to E.O. 13846.\n\n"
          "Copperline Marine Ltd is being designated pursuant to E.O. 13224.")


def test_notice_designator_for_undated_passives(nlp):
    got = found(nlp, NOTICE, "SANCTIONED_BY")
    ofac = "Office of Foreign Assets Control"
    for party in ("Blue Finch Maritime Limited", "Grey Gull Shipping Inc", "Copperline Marine Ltd"):
        assert ("SANCTIONED_BY", party, ofac) in got
    # Not the department the office belongs to, and not "United States" from the order's name.
    assert not any(t in ("US Department of the Treasury", "United States") for _, _, t in got)


def test_dated_passive_is_an_earlier_action_without_a_designator(nlp):
    assert not any(s == "Redwater Trading LLC" for _, s, _ in found(nlp, NOTICE, "SANCTIONED_BY"))


def test_property_in_which_a_party_has_an_interest_is_blocked(nlp):
    got = found(nlp, NOTICE, "SANCTIONED_BY")
    assert {("SANCTIONED_BY", v, "Office of Foreign Assets Control") for v in ("Arctic Dawn", "Polar Wren")} <= got


LIST_NOTICE = ("In a new action, OFAC designated a group of gas traders and their shipping agents.\n\n"
               "The following entities are designated today under E.O. 13902:\n\n"
               "- Willowmere Gas Limited;\n- Stonehaven Maritime Limited; and\n- Redcliff Shipping Inc\n\n"
               "The following companies provided services to the network:\n\n"
               "- Bluefield Logistics LLC\n")


def test_items_of_an_announced_list_are_designated(nlp):
    got = found(nlp, LIST_NOTICE, "SANCTIONED_BY")
    for party in ("Willowmere Gas Limited", "Stonehaven Maritime Limited", "Redcliff Shipping Inc"):
        assert ("SANCTIONED_BY", party, "Office of Foreign Assets Control") in got
    # The next list is not one of designations.
    assert not any(s == "Bluefield Logistics LLC" for _, s, _ in got)


def test_annex_fields_on_single_lines_are_statements_of_their_own(nlp):
    # Without a sentence break before "Reasons:", the address's country joins the parse of
    # the reasons.
    text = ("7. Fjordline Carriers LLC\nAddress: 4 Quay Road, Murmansk, Russian Federation; Russian Federation\n"
            "Reasons: Fjordline Carriers LLC is a tanker firm with offices in Russia. It is also the ship manager of "
            "the tanker Tyros.\nDate of listing: 1.2.2026\n")
    doc = nlp(text)
    starts = {s[0].text for s in doc.sents if not s[0].is_space}
    assert {"Address", "Reasons", "Date"} <= starts
    assert found(nlp, text, "OPERATED_BY") == {("OPERATED_BY", "Tyros", "Fjordline Carriers LLC")}


def test_a_bare_legal_form_is_no_holder(nlp):
    from ingest.components.relations import Relations, Slot

    doc = nlp("Liability Company is the commercial operator of the vessel Tyros.")
    component = nlp.get_pipe("sanctions_kg_relations_v1")
    assert isinstance(component, Relations)
    assert component._form_only(doc, Slot(0, 2, "Company", [(0, 2)]))
    assert not component._form_only(doc, Slot(6, 9, "Vessel", [(6, 9)]))
    # A back-reference ("The company") to a name that is only a legal form holds nothing either.
    assert component._form_only(doc, Slot(4, 5, "Company", [(0, 2)]))
    assert not component._form_only(doc, Slot(4, 5, "Company", [(6, 9)]))


def test_coordinated_participles_share_the_agent(nlp):
    text = ("- NORTH STAR 7 (IMO 9371517), which is owned, managed, and operated by Tallow Gas Limited, has moved "
            "gas to Asia under the Palau flag since 2023.")
    got = found(nlp, text)
    assert ("OWNED_BY", "NORTH STAR 7", "Tallow Gas Limited") in got
    assert ("OPERATED_BY", "NORTH STAR 7", "Tallow Gas Limited") in got
    # One participle with its own agent is not the list's: "owned by A and managed by B".
    text = "The tanker Grey Heron is owned by Ecofleet Maritime Limited and managed by Tallow Gas Limited."
    got = found(nlp, text)
    assert ("OWNED_BY", "Grey Heron", "Tallow Gas Limited") not in got
    assert ("OPERATED_BY", "Grey Heron", "Tallow Gas Limited") in got


def test_persons_roles_in_bodies(nlp):
    text = ("1901. Pavel Ivanovich MOROZOV\nPosition: CEO of Stellar Tankers PAO\n"
            "Reasons: Pavel Morozov is the chairman of Stellar Tankers PAO. Stellar Tankers PAO is a large shipping company.\n\n"
            "Lena Brook is a shareholder in Halcyon Trading LLC, a trading company based in Dubai.")
    got = found(nlp, text)
    assert ("ASSOCIATED_WITH", "Pavel Morozov", "Stellar Tankers PAO") in got
    # "Position:" under the entry's numbered heading: the heading's person.
    assert any(r == "ASSOCIATED_WITH" and s.startswith("Pavel Ivanovich") and t == "Stellar Tankers PAO" for r, s, t in got)
    # A shareholder owns a share: the company is owned by the person.
    assert ("OWNED_BY", "Halcyon Trading LLC", "Lena Brook") in got
    # A role with no person in the statement and no entry heading names nobody.
    assert found(nlp, "The chairman of Stellar Tankers PAO resigned.", "ASSOCIATED_WITH") == set()


def test_listed_by_the_union_names_the_described_ships(nlp):
    text = ("Reasons: Cedar Holding is a shipping company based in Cyprus. Last year Cedar Holding acquired two ships "
            "listed by the Union: the Blue Orchard (IMO: 9264805) and the Quiet Meadow (IMO: 9155339).")
    got = found(nlp, text, "SANCTIONED_BY")
    # "the Union" is the European Union (ingest/components/entities.py names it so, "Union" an alias)
    assert got == {("SANCTIONED_BY", v, "European Union") for v in ("Blue Orchard", "Quiet Meadow")}


def test_an_adjective_sanctioned_names_no_designator(nlp):
    # The nationality before the noun is no designator, nor is a body of an earlier sentence.
    text = ("In its latest action, OFAC designated Harbor Gate Exchange LLC. "
            "Iran-based Harbor Gate Exchange LLC has dealt with the sanctioned Iranian banks Bank Ardent and Bank Corvid.")
    got = found(nlp, text, "SANCTIONED_BY")
    assert not any(s.startswith("Bank") for _, s, _ in got)

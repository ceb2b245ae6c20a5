"""Entity names in the shapes official notices, court papers and news pages print them.

Every text here is our own; the ship, company and person names are invented.
"""

import pytest

from ingest.extract import build_result, explain_document
from ingest.model import Document
from ingest.nlp import load


@pytest.fixture(scope="module")
def nlp():
    return load()


def result(nlp, text):
    return build_result(Document(text=text), nlp(text))


def names(nlp, text, label):
    return {e.name for e in result(nlp, text).entities if e.label == label}


def entity(nlp, text, label, name):
    found = [e for e in result(nlp, text).entities if e.label == label and (e.name == name or name in e.aliases)]
    assert found, f"no {label} {name!r} in {[(e.label, e.name) for e in result(nlp, text).entities]}"
    return found[0]


# -- ships ---------------------------------------------------------------------------------

@pytest.mark.parametrize("text, ship", [
    ("Inspectors boarded the vessel SEA LANTERN 7 off the coast on Monday.", "SEA LANTERN 7"),
    ("The committee listed three vessels (MOON HARVEST, NORTH PIER and GOLD RIVER 2) last week.", "GOLD RIVER 2"),
    ("A complaint was filed against M/T Quiet Harbor, a tanker bought through a front company.", "Quiet Harbor"),
    ("Agents seized the M/Y Silver Swan in a European marina.", "Silver Swan"),
    ("Royal Navy HMS DUNMORE patrolled the area in May.", "DUNMORE"),
    ("Two destroyers, the USS Alder Point and the USS Kestrel Ridge, stopped a dhow.", "Kestrel Ridge"),
    ("The Harbour Defence Force frigate TARNHOLM and Fleet Replenishment Unit OSTRAVIK joined the patrol.", "OSTRAVIK"),
    ("The Coast Guard Cutter Wexley (WMSL 760) returned to port.", "Wexley"),
    ("Blue Coral, a Panama-flagged tanker, left the anchorage at night.", "Blue Coral"),
    ("The government named the bulk carrier Lucky Dawn among the ships it watches.", "Lucky Dawn"),
])
def test_ship_name_shapes(nlp, text, ship):
    entity(nlp, text, "Vessel", ship)


@pytest.mark.parametrize("text, expected", [
    ("Eleven Russian ships were sanctioned, including the Stony Runner, which had changed its operator.", {"Stony Runner"}),
    ("Three of the vessels on the new list, Petrel Bay, NS Aurora and Zalina Star, carried oil.",
     {"Petrel Bay", "NS Aurora", "Zalina Star"}),
    ("The surface vessels patrolled waters surrounding the islands including the East China Sea.", set()),
])
def test_ships_listed_in_news_sentences(nlp, text, expected):
    assert names(nlp, text, "Vessel") == expected


def test_list_after_a_plural_noun_and_a_verb(nlp):
    found = names(nlp, "Designated vessels include STAR HERON, BLUE MARLIN 3, OCEAN PEARL II, and KESTREL.", "Vessel")
    assert found == {"STAR HERON", "BLUE MARLIN 3", "OCEAN PEARL II", "KESTREL"}


@pytest.mark.parametrize("text, now, before", [
    ("Inspectors found the tanker Heron (f.k.a. Egret) near the buoy.", "Heron", "Egret"),
    ("The tanker Lark, formerly known as Wren, left the port.", "Lark", "Wren"),
])
def test_former_names_are_aliases_of_one_ship(nlp, text, now, before):
    ships = [e for e in result(nlp, text).entities if e.label == "Vessel"]
    assert [(s.name, before in s.aliases) for s in ships] == [(now, True)]


def test_prefix_is_not_part_of_the_name(nlp):
    found = names(nlp, "Two destroyers, the USS Alder Point and the USS Kestrel Ridge, stopped a dhow.", "Vessel")
    assert found == {"Alder Point", "Kestrel Ridge"}


def test_navy_and_its_frigate_are_two_entities(nlp):
    r = result(nlp, "The Harbour Defence Force frigate TARNHOLM joined the patrol in June.")
    assert {(e.label, e.name) for e in r.entities} >= {("Agency", "Harbour Defence Force"), ("Vessel", "TARNHOLM")}


@pytest.mark.parametrize("text", [
    "Cargo aboard the Dawn Heron with International Maritime Organization number 9424455 was forfeited.",
    "ALL CARGO ABOARD THE DAWN HERON WITH INTERNATIONAL MARITIME ORGANIZATION No. 9424455, Defendant In Rem.",
    "The tanker Dawn Heron (IMO: 9424455) was seen near the strait.",
    "The tanker Dawn Heron, IMO number:9424455, was seen near the strait.",
    "The tanker Dawn Heron, IMO No. 9424455, was seen near the strait.",
    "The tanker Dawn Heron (IMO9424455) was seen near the strait.",
])
def test_every_printed_imo_shape_attaches(nlp, text):
    ships = [e for e in result(nlp, text).entities if e.label == "Vessel"]
    assert [s.identifiers.get("imo") for s in ships] == ["9424455"]
    assert ships[0].name.lower() == "dawn heron"


def test_imo_label_is_not_an_agency_and_bad_check_digit_is_not_an_imo(nlp):
    r = result(nlp, "Cargo aboard the Dawn Heron with International Maritime Organization number 9424456 was forfeited.")
    assert not [e for e in r.entities if e.label == "Agency"]
    assert all("imo" not in e.identifiers for e in r.entities)


def test_motor_yacht_caption_number_goes_to_the_named_ship(nlp):
    text = "UNITED STATES, Plaintiff, v. THE M/Y SILVER SWAN, A MOTOR YACHT BEARING INTERNATIONAL MARITIME ORGANIZATION NO. 9197727, Defendant-In-Rem."
    ships = [e for e in result(nlp, text).entities if e.label == "Vessel"]
    assert [(s.name, s.identifiers.get("imo")) for s in ships] == [("SILVER SWAN", "9197727")]


def test_one_ship_whatever_its_case(nlp):
    text = "THE M/Y SILVER SWAN, Defendant. The Government seeks forfeiture of the Silver Swan, now in port."
    ships = [e for e in result(nlp, text).entities if e.label == "Vessel"]
    assert len(ships) == 1 and len(ships[0].spans) == 2


def test_no_name_after_an_indefinite_or_lone_plural_ship_noun(nlp):
    assert not names(nlp, "Officers saw a tanker Leaving the bay before dawn.", "Vessel")
    assert not names(nlp, "(2) Naval vessels Naval vessels of partner states patrolled.", "Vessel")
    assert not names(nlp, "Royal Navy HMS DUNMORE, Offshore Patrol Vessel (Source: Defence Ministry)", "Vessel") - {"DUNMORE"}


# -- companies ----------------------------------------------------------------------------

@pytest.mark.parametrize("text, company", [
    ("Funds were wired by Yellow Sea Shipping Co., Ltd. in March.", "Yellow Sea Shipping Co., Ltd"),
    ("Payment came from Northstar Trading (Dalian) Co. Ltd for the cargo.", "Northstar Trading (Dalian) Co. Ltd"),
    ("The manager was Corvid Marine FZE, registered in a free zone.", "Corvid Marine FZE"),
    ("Shares were held by Tavrida Energy PJSC until 2022.", "Tavrida Energy PJSC"),
    ("The owner is Lantern Holdings S.A. of Panama.", "Lantern Holdings S.A."),
    ("The manager is Pelican Ship Mgmt. Pte. Ltd., a Singapore firm.", "Pelican Ship Mgmt. Pte. Ltd"),
    ("FUNDS ASSOCIATED WITH KESTREL MGMT PTE LTD, Defendants.", "KESTREL MGMT PTE LTD"),
])
def test_company_shapes(nlp, text, company):
    entity(nlp, text, "Company", company)


def test_short_form_and_abbreviation_are_one_company(nlp):
    text = ('Funds of Kestrel Mgmt. Pte. Ltd. ("Kestrel") were frozen. KESTREL MANAGEMENT PTE. LTD. denied it. '
            "Later Kestrel paid the fine.")
    companies = [e for e in result(nlp, text).entities if e.label == "Company"]
    assert len(companies) == 1, [(c.name, c.aliases) for c in companies]
    assert "Kestrel" in companies[0].aliases
    assert not [e for e in result(nlp, text).entities if e.label == "Organization"]


# -- agencies -----------------------------------------------------------------------------

@pytest.mark.parametrize("text, agency", [
    ("A warrant unsealed in the U.S. District Court for the District of Maine named the ship.",
     "U.S. District Court for the District of Maine"),
    ("United States District Court, District of Maine\nOpinion follows.", "United States District Court, District of Maine"),
    ("The Counterproliferation Section of the National Security Division filed the case.", "National Security Division"),
    ("Officers of the Ruritania Coast Guard boarded the ship.", "Ruritania Coast Guard"),
    ("Officers from Japan coast guard boarded the ship.", "Japan coast guard"),
    ("The frigate sails with the U.S. Navy's 7th Fleet this year.", "7th Fleet"),
    ("The Security Council Committee established pursuant to resolution 1718 (2006) designated two ships.",
     "Security Council Committee established pursuant to resolution 1718"),
])
def test_agency_shapes(nlp, text, agency):
    entity(nlp, text, "Agency", agency)


def test_inner_body_not_its_field_office(nlp):
    text = "Agents from the Federal Bureau of Investigation (FBI) office in Denver searched the premises."
    agencies = [e for e in result(nlp, text).entities if e.label == "Agency"]
    assert [(a.name, "FBI" in a.aliases) for a in agencies] == [("Federal Bureau of Investigation", True)]


def test_short_form_in_parentheses_types_every_mention(nlp):
    text = ("The Maritime Interdiction Office (MIO) inspected the tanker. A week later MIO released it, "
            "and the MIO report was published.")
    ents = result(nlp, text).entities
    mio = [e for e in ents if e.label == "Agency"]
    assert len(mio) == 1 and len(mio[0].spans) == 4
    assert not [e for e in ents if e.label == "Organization"]


def test_initials_of_a_named_body(nlp):
    text = "The Ruritania Ministry of Shipping said on Friday that the MOS had seen two transfers."
    agencies = [e for e in result(nlp, text).entities if e.label == "Agency"]
    assert len(agencies) == 1 and "MOS" in agencies[0].aliases


# -- precision guards ---------------------------------------------------------------------

def test_court_boilerplate_yields_no_entity(nlp):
    text = ("MEMORANDUM OPINION\n\nGRANTING PLAINTIFF'S MOTION FOR DEFAULT JUDGMENT\n\nI. BACKGROUND\n\n"
            "Plaintiff asks the Court to enter default judgment. The Complaint says the Defendant in rem "
            "was a tanker. See Federal Rules of Civil Procedure 55. The Government relies on the "
            "International Emergency Economic Powers Act. See First Am. Compl. 4, ECF No. 37.")
    bodies = {(e.label, e.name) for e in result(nlp, text).entities if e.label in ("Organization", "Company", "Agency", "Vessel")}
    assert bodies == set()


def test_title_case_headline_fragment_is_not_a_ship(nlp):
    text = ("Officials Seize Oil Tanker Used To Ferry Fuel Past Blockade\n\n"
            "Customs officers in the port said on Tuesday that they had detained a tanker.")
    assert not names(nlp, text, "Vessel")


def test_person_title_and_nationality_are_not_organizations(nlp):
    text = ("Special Agent in Charge Dana Whitlow spoke for the bureau. Ruritanian National Arlo Penn was charged "
            "by the Assistant Attorney General for National Security.")
    assert not names(nlp, text, "Organization")


def test_explain_lists_dropped_candidates_with_reasons(nlp):
    text = "MEMORANDUM OPINION\n\nPlaintiff asks the Court to act under the International Emergency Economic Powers Act."
    _, dropped = explain_document(Document(text=text), nlp)
    reasons = {d["text"]: d["reason"] for d in dropped}
    assert any("legal instrument" in r for t, r in reasons.items() if "Powers Act" in t)


def test_state_in_a_sea_name_is_not_a_country(nlp):
    found = {(e.label, e.name) for e in result(nlp, "Two frigates patrolled the East China Sea and the Gulf of Oman in May.").entities}
    assert not {x for x in found if x[0] == "Country"}


def test_non_state_groups_are_organizations(nlp):
    text = "The Ruritanian-led Coalition said Hizballah and the Houthis received fuel from the tanker."
    found = {(e.label, e.name) for e in result(nlp, text).entities}
    assert {("Organization", "Hizballah"), ("Organization", "Houthis")} <= found


def test_a_fragment_of_a_longer_title_is_no_organization(nlp):
    assert not names(nlp, "The Rewards for Justice program pays for tips about the ship.", "Organization")


def test_court_nouns_and_party_words_are_not_names(nlp):
    text = ("The Defendant Vessel was seized under a warrant. The Vessel is a crude oil tanker. "
            "Claimant Marlow Navigation owned the Vessel.")
    found = {(e.label, e.name) for e in result(nlp, text).entities}
    assert not {x for x in found if x[0] in ("Vessel", "Organization")}
    assert ("Company", "Marlow Navigation") in found


def test_company_named_later_without_its_legal_form(nlp):
    ents = result(nlp, "Shares of Corvane Limited fell. Later, Corvane said the tanker was sold.").entities
    companies = [e for e in ents if e.label == "Company"]
    assert len(companies) == 1 and len(companies[0].spans) == 2
    assert not [e for e in ents if e.label in ("Organization", "Person")]


def test_rule_candidates_are_typed_spans(nlp):
    doc = nlp("The tanker Blue Coral (IMO 9424455) was managed by Corvid Marine FZE.")
    spans = {(s.label_, s.text) for s in doc.spans["sanctions_kg_candidates"]}
    assert {("Vessel", "Blue Coral"), ("Company", "Corvid Marine FZE")} <= spans


def test_flag_of_two_words_and_facts_from_two_rules(nlp):
    ship = entity(nlp, "OFAC also identified SEA CRANE, a Marshall Islands-flagged vessel, as blocked property.", "Vessel", "SEA CRANE")
    assert ship.props.get("flag") == "Marshall Islands"
    ship = entity(nlp, "The owner of the Comoros-flagged tanker LOMA PEAK (IMO 9063287) is unknown.", "Vessel", "LOMA PEAK")
    assert ship.identifiers == {"imo": "9063287"} and ship.props.get("flag") == "Comoros"


def test_persons_one_name_and_no_instruments(nlp):
    text = ("Prosecutors said John Castell was charged. As alleged, CASTELL bought the tanker, and "
            "the court cited Supplemental Rule G. See Mem. of L. in Supp. 4. The money went to Castell.")
    persons = [e for e in result(nlp, text).entities if e.label == "Person"]
    assert [p.name for p in persons] == ["John Castell"]


def test_short_agency_name_is_the_longer_body(nlp):
    text = ("The U.S. Coast Guard cutter returned in May. The Coast Guard said the patrol went well. "
            "The Council of the European Union met; the European Union acted. Chinese customs inspected it.")
    agencies = {e.name: e for e in result(nlp, text).entities if e.label == "Agency"}
    assert "Coast Guard" not in agencies and "Coast Guard" in agencies["US Coast Guard"].aliases
    assert "European Union" in agencies and "Council of the European Union" in agencies
    assert not [n for n in agencies if "customs" in n.lower()]


@pytest.mark.parametrize("text, port", [
    ("The cutter pulled into Velsund on Monday after the patrol.", "Velsund"),
    ("The tanker later discharged its cargo at Porto Brisa in the south.", "Porto Brisa"),
    ("The frigate returned to its homeport of Castelmar, Ruritania, in June.", "Castelmar"),
])
def test_ports_from_what_ships_do_there(nlp, text, port):
    entity(nlp, text, "Port", port)


def test_an_air_base_is_not_a_port(nlp):
    assert not names(nlp, "Patrol aircraft flew from Kestrel Air Base during the operation.", "Port")


@pytest.mark.parametrize("text, ship", [
    ("The tanker Eastern Lantern (IMO 9010735) docked at Tartus in May.", "Eastern Lantern"),
    ("The bulk carrier Northern Quill loaded coal at Nakhodka.", "Northern Quill"),
])
def test_a_compass_word_starts_a_ship_name_when_a_name_follows(nlp, text, ship):
    """'Eastern', 'Northern' ... are kept in a name ('Eastern Lantern'); two ships that differ
    only there must not collapse into one 'Lantern' node."""
    assert ship in names(nlp, text, "Vessel")


def test_a_compass_word_before_a_common_noun_is_no_name(nlp):
    found = {e.name for e in result(nlp, "Western officials said the tanker Blue Quill left port.").entities}
    assert not any(n.startswith("Western") for n in found)


def test_model_organisation_is_a_firm_by_its_words_or_nothing(nlp):
    # Official texts: the model calls banks and exchange houses, but also a ship's transponder
    # system, a place and a currency, organisations. Only a firm's words make a firm of them,
    # and nothing here is a non-state group.
    text = ("The network paid through Bank Varsalan, and the tanker manipulated its Automatic Identification "
            "Systems to avoid Crimea. Payments in USD went through Vortel Exchange.")
    found = {(e.label, e.name) for e in result(nlp, text).entities}
    assert {("Company", "Bank Varsalan"), ("Company", "Vortel Exchange")} <= found
    assert not names(nlp, text, "Organization")


@pytest.mark.parametrize("text, company", [
    ("12. Limited Liability Company \u2018Northwind\u2019\nReasons: it manages two tankers.", "Limited Liability Company \u2018Northwind\u2019"),
    ("Public Joint Stock Company \u201cFar Northern Shipping Company\u201d owns the tanker.", "Public Joint Stock Company \u201cFar Northern Shipping Company\u201d"),
    ("Joint Stock Company Volga Star owns the vessel.", "Joint Stock Company Volga Star"),
    ("The bunker supplier LLC Kestrel-Bunker delivered fuel.", "LLC Kestrel-Bunker"),
    ("The technical manager is Pelican Shipmanagement LLC-FZ of Dubai.", "Pelican Shipmanagement LLC-FZ"),
    ("The manager is Heron Ship Management \u2013 FZCO of Dubai.", "Heron Ship Management \u2013 FZCO"),
    ("The manager is Corvid Marine L.L.C \u2013 FZ of Dubai.", "Corvid Marine L.L.C \u2013 FZ"),
    ("The owner is Sterling Ocean Incorporated of Liberia.", "Sterling Ocean Incorporated"),
    ("The cargo was sold by Sahel Crest Oil and Gas Company LLC last year.", "Sahel Crest Oil and Gas Company LLC"),
    ("The cargo was sold by Corvid Supply and Trading DMCC last year.", "Corvid Supply and Trading DMCC"),
])
def test_company_legal_forms_before_dashed_and_inner_and(nlp, text, company):
    entity(nlp, text, "Company", company)


def test_a_legal_form_alone_is_no_company(nlp):
    text = "1. Northwind Tankers LLC\nType of entity: Joint Stock Company\nType of entity: Limited Liability Company"
    assert names(nlp, text, "Company") == {"Northwind Tankers LLC"}


def test_other_spelling_of_a_known_body(nlp):
    text = "The ships broke the rules set out in the International Maritime Organisation General Assembly resolution."
    entity(nlp, text, "Agency", "International Maritime Organization")
    assert not names(nlp, text, "Company")


def test_ports_named_in_full_by_particle_and_by_destination(nlp):
    text = ("The company owns the Commercial Port of Novaya Gavan and six tugs. The tanker loaded oil at the port "
            "of el Marsa and then sailed to Ban Khe, Vietnam.")
    port = entity(nlp, text, "Port", "Novaya Gavan")
    assert "Commercial Port of Novaya Gavan" in port.aliases
    assert {"el Marsa", "Ban Khe"} <= names(nlp, text, "Port")
    assert "Commercial" not in names(nlp, text, "Port")


def test_a_known_port_in_a_postal_address_or_a_city_name_is_no_port(nlp):
    text = ("3. Arctic Reefer Fleet LLC\nAddress: Quay street 17, Murmansk, 183001, Russian Federation\n"
            "Reasons: its director served the City of Sevastopol.")
    assert not names(nlp, text, "Port")


def test_one_firm_under_its_forms_and_other_names(nlp):
    text = ("548. Joint Stock Company Volga Star\nAlias: Marlin Tankers Company; JSC Volga Star\n"
            "Reasons: JSC Volga Star owns tankers. Volga Star JSC also manages them.\n\n"
            "549. Heron Ship Management (D) Ltd.\nReasons: Heron Ship Management (D) Ltd., formerly known as "
            "Pelican Services (Dubai) Ltd., manages ships for Corvid Shipping Ltd and Corvid Shipping.\n\n"
            "550. Kestrel Ocean\nAlias: Osprey Line Company\nReasons: it charters tankers.")
    firms = {e.name: set(e.aliases) for e in result(nlp, text).entities if e.label == "Company"}
    assert {"Marlin Tankers Company", "JSC Volga Star", "Volga Star JSC"} <= firms["Joint Stock Company Volga Star"]
    assert "Pelican Services (Dubai) Ltd" in firms["Heron Ship Management (D) Ltd"]
    assert "Corvid Shipping" in firms["Corvid Shipping Ltd"]
    # The alias of an entry whose own name no rule found is not given to the entry before it: it
    # stays a firm of its own, or (the model read the heading's name) names that entry's firm.
    assert "Osprey Line Company" not in firms["Heron Ship Management (D) Ltd"]
    assert "Osprey Line Company" in firms or "Osprey Line Company" in firms.get("Kestrel Ocean", set())


def test_the_union_the_states_government_and_citations(nlp):
    text = ("The tanker falls under Union restrictive measures under Regulation (EU) No 269/2014 and was listed "
            "by the Union in 2025. Its shares were held by the Panamanian Government. The Soviet Union is history.")
    ents = result(nlp, text).entities
    eu = [e for e in ents if e.label == "Agency"]
    assert len(eu) == 1 and eu[0].name == "European Union" and "Union" in eu[0].aliases and "EU" not in eu[0].aliases
    assert not [e for e in ents if e.label == "Agency" and "Government" in e.name]
    assert [e for e in ents if e.label == "Country" and e.name == "Panama" and "Panamanian Government" in e.aliases]


def test_fleets_of_navies_and_fleets_of_firms(nlp):
    text = ("He commanded a ship of the Black Sea Fleet of the Ruritanian Federation. LLC Yuzhny Star (South Fleet) "
            "and Levant Fleet own tankers. Asia Ocean Crown Agency is a front company.")
    assert names(nlp, text, "Agency") == {"Black Sea Fleet"}
    assert "Asia Ocean Crown Agency" in names(nlp, text, "Company")


def test_firms_in_capitals_on_annex_headings(nlp):
    text = ("57. HARBIN WORLD-SHIPPING FREIGHT\nReasons: owner of the vessel.\n\n"
            "58. KESTREL OCEAN SHIPPING & TECHNOLOGY\nAlias: KESTREL OCEAN SHIPPING AND TECHNOLOGY\nReasons: manager.\n\n"
            "59. NORTH PIER SHIPPING CO LTD\nReasons: owner.")
    firms = {e.name: e.aliases for e in result(nlp, text).entities if e.label == "Company"}
    assert set(firms) == {"HARBIN WORLD-SHIPPING FREIGHT", "KESTREL OCEAN SHIPPING & TECHNOLOGY", "NORTH PIER SHIPPING CO LTD"}
    assert "KESTREL OCEAN SHIPPING AND TECHNOLOGY" in firms["KESTREL OCEAN SHIPPING & TECHNOLOGY"]


def test_ship_nouns_inside_firm_names_and_verbs_and_particles(nlp):
    text = ("The firm used a broker to ship Iranian gas. Ocean Flag Ship Registry is an entity, and so is Marlow "
            "Maritime Administration & Offshore Company Registry. The vessels are:\n- Luisa Vega de Arismar (IMO 9117478)\n"
            "He seized the armed gunboat 'Dunmore'.")
    assert names(nlp, text, "Vessel") == {"Luisa Vega de Arismar", "Dunmore"}
    assert {"Ocean Flag Ship Registry", "Marlow Maritime Administration & Offshore Company Registry"} <= names(nlp, text, "Company")


def test_a_year_or_a_title_before_a_firm_is_not_its_name(nlp):
    text = "He is the CEO and General Director of PAO Sovfleet. In May 2025 Dunmore Trading FZE delivered gas."
    assert names(nlp, text, "Company") == {"PAO Sovfleet", "Dunmore Trading FZE"}


def test_a_ministry_with_a_long_remit(nlp):
    text = "It is a cover firm working for the Ministry of Defence and Armed Forces Logistics, which buys drones."
    assert names(nlp, text, "Agency") == {"Ministry of Defence and Armed Forces Logistics"}


def test_a_state_name_opening_a_firm_name(nlp):
    text = "The ships belong to the Islamic Republic of Iran Shipping Lines, a state carrier."
    assert names(nlp, text, "Company") == {"Islamic Republic of Iran Shipping Lines"}


# -- vessel type (issue 24: no noun-phrase fragments) -----------------------------------------

@pytest.mark.parametrize("text, ship, kind", [
    ("Two more ships, the Amber Wake and the Tern Isle, left the anchorage.", "Tern Isle", None),
    ("The receiving vessels Ochre Bay and Slate Point met the tanker at dawn.", "Slate Point", None),
    ("Other tankers, including the Pale Finch, waited outside the port.", "Pale Finch", "tanker"),
    ("The crude tankers Dune Runner and Salt Meadow loaded at the terminal.", "Salt Meadow", "crude tanker"),
    ("The supply vessel Harbor Wren sailed on Friday.", "Harbor Wren", "supply vessel"),
])
def test_vessel_type_names_a_kind_of_ship_in_the_singular(nlp, text, ship, kind):
    assert entity(nlp, text, "Vessel", ship).props.get("vessel_type") == kind


# -- a known body's short alias inside another firm's name -----------------------------------

def test_gazetteer_alias_inside_a_longer_firm_name_is_part_of_it(nlp):
    # "NIOC" and "SCF" are gazetteer aliases of two state firms; here they are words of the
    # names of two other, invented firms.
    text = ("Blue Reef Tankers NIOC Mgmt FZE (Blue Reef Tankers NIOC) has run the tanker Quiet Fern since May. "
            "Blue Reef Tankers NIOC also runs ships for the state firm. "
            "SCF Lantern Shipping bought a second ship, and SCF itself sold one.")
    firms = {e.name: e.aliases for e in result(nlp, text).entities if e.label == "Company"}
    assert "Blue Reef Tankers NIOC Mgmt FZE" in firms
    assert "Blue Reef Tankers NIOC" in firms["Blue Reef Tankers NIOC Mgmt FZE"]
    assert "National Iranian Oil Company" not in firms
    assert {"SCF Lantern Shipping", "Sovcomflot"} <= set(firms)


def test_alias_alone_is_still_the_known_firm(nlp):
    text = "NIOC said on Monday that Lantern Tankers had chartered two of its ships."
    assert {"National Iranian Oil Company", "Lantern Tankers"} <= names(nlp, text, "Company")


# -- numbered annex entries and quoted hull numbers ------------------------------------------

def test_numbered_entry_heading_in_capitals_is_a_firm_not_a_caption(nlp):
    # "AN" is a stop word in lower case; on a numbered heading it is a word of the name.
    text = ("14. TERN AN SHIPPING & TRADING\nAddress: 4 Quay Road, Hong Kong, China\n"
            "Reasons: Registered owner of the cargo ship MOSS BAY 2.\n\n"
            "15. GREY OF DAWN SHIPPING CO\nReasons: Manager of the PLOVER 5.")
    firms = names(nlp, text, "Company")
    assert {"TERN AN SHIPPING & TRADING", "GREY OF DAWN SHIPPING CO"} <= firms


@pytest.mark.parametrize("text, ship", [
    ("Ship manager of the LARK POINT 1. The probable \u2018LARK POINT 1\u2019 sailed to a northern port.", "LARK POINT 1"),
    ("The \u2018LARK POINT 1\u2019 was told to load coal and sail on.", "LARK POINT 1"),
    ("Officials said the vessel \u201cHERON GATE 3\u201d switched off its transponder.", "HERON GATE 3"),
    ("Officials said the \u201cHeron Gate 3\u201d switched off its transponder.", "Heron Gate 3"),
])
def test_quoted_name_with_a_hull_number_is_a_ship(nlp, text, ship):
    assert ship in names(nlp, text, "Vessel")


def test_quoted_words_without_a_hull_number_are_not_ships(nlp):
    text = "The \u2018Annex 2\u2019 list and the \u201cPhase 3\u201d plan were \u201cOcean Trust\u201d papers."
    assert not names(nlp, text, "Vessel")


def test_capitals_word_of_a_ship_name_is_not_a_firms_initials(nlp):
    # "TOR" could be the initials of "TERN OCEAN RESOURCES" (or of its words after the first),
    # but here it opens a ship's name in capitals.
    text = ("Reasons: A DPRK-flagged tanker, TOR HAVEN 3 owned by Gull Tankers Company, took fuel at sea.\n\n"
            "12. KOREA TERN OCEAN RESOURCES\nReasons: Registered owner of the tanker FERN BAY 4.")
    assert "TOR HAVEN 3" in names(nlp, text, "Vessel")
    ents = result(nlp, text).entities
    assert not [e for e in ents if e.label == "Company" and "TOR" in [e.name, *e.aliases]]


def test_initials_alone_still_name_the_body(nlp):
    text = "The Tern Ocean Resources Company chartered a tanker. Later TORC sold it."
    firms = [e for e in result(nlp, text).entities if e.label == "Company"]
    assert any("TORC" in e.aliases for e in firms), [(e.name, e.aliases) for e in firms]

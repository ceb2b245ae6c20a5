"""Ownership and management in the shapes of annex reasons (issue 22): a field label the parse
takes for a second subject, and ships added with "as well as". All sentences are our own; the
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


def found(nlp, text, rtype):
    result = build_result(Document(text=text), nlp(text))
    return {(r.type, r.source, r.target) for r in result.relations if r.type == rtype}


def test_field_label_is_not_the_holder(nlp):
    # The parse makes "Reasons" a subject of "is" beside the company (a name in quotes,
    # whose head word "Company" is also a back-reference word).
    holder = "Limited Liability Company \u2018NORTHWIND TANKERS\u2019"
    text = (f"Reasons: {holder} is a tanker firm registered in Kazakhstan and the commercial operator "
            "of the vessels Amber Crest, Baltic Heron and Cold Current.")
    assert found(nlp, text, "OPERATED_BY") == {("OPERATED_BY", v, holder) for v in ("Amber Crest", "Baltic Heron", "Cold Current")}


def test_as_well_as_adds_ships_of_the_same_role(nlp):
    text = ("Reasons: Frostline Marine LLC is a tanker firm registered in Kazakhstan. The company is also the technical "
            "manager of the vessel Amber Crest, as well as the bunkering tankers Baltic Heron and Cold Current.")
    assert found(nlp, text, "OPERATED_BY") == {("OPERATED_BY", v, "Frostline Marine LLC")
                                               for v in ("Amber Crest", "Baltic Heron", "Cold Current")}


def test_as_well_as_another_role_keeps_its_own_type(nlp):
    # "as well as the owner of the vessel D": D is owned, not operated.
    text = ("Reasons: Frostline Marine LLC is a tanker firm registered in Kazakhstan. It is the commercial operator "
            "of the vessels Amber Crest and Cold Current, as well as the owner of the vessel Dune Rider.")
    assert found(nlp, text, "OPERATED_BY") == {("OPERATED_BY", v, "Frostline Marine LLC") for v in ("Amber Crest", "Cold Current")}
    assert found(nlp, text, "OWNED_BY") == {("OWNED_BY", "Dune Rider", "Frostline Marine LLC")}


ENTRY = "3. Frostline Shipping Co\n\nAddress: Room 5, Harbour Road, Hong Kong, China\n\nReasons: {}\n"


def test_role_opening_the_reasons_belongs_to_the_entry(nlp):
    text = ENTRY.format("Registered owner of the tanker AMBER CREST, which is thought to have moved oil at sea.")
    assert found(nlp, text, "OWNED_BY") == {("OWNED_BY", "AMBER CREST", "Frostline Shipping Co")}


def test_role_after_other_words_is_not_the_entrys(nlp):
    text = ENTRY.format("Reports say that a broker acted as owner of the tanker AMBER CREST in 2019.")
    assert found(nlp, text, "OWNED_BY") == set()


def test_owner_listed_before_a_manager_role_shares_its_ships(nlp):
    text = ENTRY.format("Registered owner, ship manager and commercial manager of tanker AMBER CREST, which carried grain.")
    assert found(nlp, text, "OWNED_BY") == {("OWNED_BY", "AMBER CREST", "Frostline Shipping Co")}
    assert found(nlp, text, "OPERATED_BY") == {("OPERATED_BY", "AMBER CREST", "Frostline Shipping Co")}


def test_unnamed_ships_owned_by_a_company_are_not_the_names_before(nlp):
    text = ("The broker used its firms, Frostline Shipping Co and Northwind Lines Co, as well as tankers owned by "
            "Frostline Shipping Co, to move the oil.")
    assert found(nlp, text, "OWNED_BY") == set()


def test_owned_controlled_or_directed_by(nlp):
    text = ("Northwind Lines Co, which regulators named last week, is said to be owned, controlled, or directed "
            "by Piotr Halvorsen, a businessman.")
    assert ("OWNED_BY", "Northwind Lines Co", "Piotr Halvorsen") in found(nlp, text, "OWNED_BY")


def test_second_copula_whose_role_the_parse_takes_for_its_subject(nlp):
    text = ("Northwind Lines Co is a liner company that operates out of Oman, and is registered owner, technical "
            "manager, and commercial manager of the bulk vessels Amber Crest and Cold Current.")
    ships = ("Amber Crest", "Cold Current")
    assert found(nlp, text, "OWNED_BY") == {("OWNED_BY", v, "Northwind Lines Co") for v in ships}
    assert found(nlp, text, "OPERATED_BY") == {("OPERATED_BY", v, "Northwind Lines Co") for v in ships}


# Issue 22, structural shapes of ownership and management (invented names throughout).

FIELD_ENTRY = ("4. BRAVO HARBOUR LINES\n\nAddress: Dock Road 3, Pyongyang, DPRK\n\nRegistration number: 1234567\n\n"
               "Reasons: Registered owner of the DPRK tanker RIVER SONG 3, which is believed to have moved fuel at sea, "
               "and owner of vessel RIVER SONG 9. The company also owns vessels LAKE WIND 2 and PEARL MOON.\n")


def test_coordinated_role_and_the_company_of_an_entry(nlp):
    # "..., and owner of vessel B": the second role shares the first one's holder; "The company"
    # several field lines below the heading is the entry's company.
    assert found(nlp, FIELD_ENTRY, "OWNED_BY") == {("OWNED_BY", v, "BRAVO HARBOUR LINES")
                                                   for v in ("RIVER SONG 3", "RIVER SONG 9", "LAKE WIND 2", "PEARL MOON")}


def test_field_label_apposition_is_a_topic_and_roles_share_a_holder(nlp):
    # The parse hangs the company on "Reasons" (apposition); "It" in the next sentence is the company.
    text = ("Reasons: Limited Liability Company \u2018Tundra Lines\u2019 is a carrier with its seat in Norway. It is the "
            "commercial operator of the ships Grey Owl, Snow Finch and Ice Lark, as well as the owner of the tanker Frost Wren.\n\n"
            "Reasons: Limited Liability Company \u2018Tundra Bunker\u2019 is a bunkering firm with an office in Norway. The company "
            "is the technical manager of the ships Grey Owl, Snow Finch and Ice Lark, and also the ISM manager and ship "
            "manager of Frost Wren.\n")
    lines, bunker = "Limited Liability Company \u2018Tundra Lines\u2019", "Limited Liability Company \u2018Tundra Bunker\u2019"
    ships = ("Grey Owl", "Snow Finch", "Ice Lark")
    assert found(nlp, text, "OWNED_BY") == {("OWNED_BY", "Frost Wren", lines)}
    assert found(nlp, text, "OPERATED_BY") == {("OPERATED_BY", v, lines) for v in ships} | {
        ("OPERATED_BY", v, bunker) for v in (*ships, "Frost Wren")}


@pytest.mark.parametrize("text, owner", [
    ("Reasons: Dune Lantern Trading is a Ruritanian import firm which acts as a front company for the Ruritanian Ministry "
     "of Naval Supply (MNS).", "Ruritanian Ministry of Naval Supply"),
    ("Reasons: Harbor Grey Lines acts as a shell company for Blue Anchor Shipping Lines (BASL).", "Blue Anchor Shipping Lines"),
    ("Reasons: Cobalt Reef Trading is a front company for Ruritania's Ministry of Naval Supply (MNS), and sells engines.",
     "Ministry of Naval Supply"),
])
def test_front_and_shell_companies_are_owned_by_the_party_behind_them(nlp, text, owner):
    assert {t for _, _, t in found(nlp, text, "OWNED_BY")} == {owner}


def test_front_company_named_with_its_owner_before_the_noun(nlp):
    text = ("Reasons: Cobalt Reef Trading is a front company for Ruritania's Ministry of Naval Supply (MNS), and sells "
            "engines. Quiet Harbor Co, another MNS front company, buys them.")
    assert ("OWNED_BY", "Quiet Harbor Co", "Ministry of Naval Supply") in found(nlp, text, "OWNED_BY")


def test_part_of_a_company_and_state_companies(nlp):
    text = ("Reasons: Pale Fjord Ship Services Ltd., once called Old Fjord Services Ltd., is a ship agent registered in "
            "Panama, which is part of PJSC Great Bear Shipping, a large shipping group. Great Bear Shipping is a Russian state "
            "shipping company. Nordvik Tankers, a Russian state-owned shipping company, runs ferries.")
    got = found(nlp, text, "OWNED_BY")
    assert ("OWNED_BY", "Pale Fjord Ship Services Ltd", "PJSC Great Bear Shipping") in got
    assert ("OWNED_BY", "Nordvik Tankers", "Russia") in got
    assert len({s for _, s, t in got if t == "Russia"}) == 2   # Great Bear Shipping and Nordvik Tankers


def test_state_company_needs_a_demonym(nlp):
    # "a state-controlled company" names no state: no relation to a country.
    text = "Reasons: Grey Gull Lines is a state-controlled company that carries grain."
    assert found(nlp, text, "OWNED_BY") == set()


def test_buyer_of_listed_ships_and_blocked_property(nlp):
    text = ("In 2021, Orchard Holding bought three tankers: the Pale Star (IMO 9385233), the Dry Creek (IMO 9274343), "
            "and the Salt Wind (IMO 9274331). Today, OFAC identified the vessel Amber Gate as blocked property "
            "of Gull Transport Marine Ltd., which was designated in 2019.")
    assert found(nlp, text, "OWNED_BY") == {("OWNED_BY", v, "Orchard Holding") for v in ("Pale Star", "Dry Creek", "Salt Wind")} | {
        ("OWNED_BY", "Amber Gate", "Gull Transport Marine Ltd")}


def test_a_purchase_needs_its_buyer_as_subject(nlp):
    text = "The newly acquired tanker Pale Star sailed from the port with Orchard Holding staff on board."
    assert found(nlp, text, "OWNED_BY") == set()


def test_company_managed_by_a_company_is_not_ship_management(nlp):
    text = "Reasons: Invest Reef LLC is a company managed by Arktos Holding, a company belonging to the Polar Group."
    assert found(nlp, text, "OPERATED_BY") == set()


@pytest.mark.parametrize("text, expected", [
    # a relative clause whose agent the parse hangs on the next noun
    ("The tanker Amber Dawn, which is managed by Seaway Crew Services Ltd, loaded fuel in May.",
     {("OPERATED_BY", "Amber Dawn", "Seaway Crew Services Ltd")}),
    # two roles listed in apposition to the holder
    ("OFAC designated Sunbird Maritime Inc., the registered owner and commercial manager of the tanker SUNBIRD STAR.",
     {("OWNED_BY", "SUNBIRD STAR", "Sunbird Maritime Inc"), ("OPERATED_BY", "SUNBIRD STAR", "Sunbird Maritime Inc")}),
    # a role annotated in parentheses after a ship and its IMO number
    ("The following vessels were identified: the tanker NORTH WIND (IMO 9123456) (owner: Fairhaven Lines Ltd.); "
     "the tanker EAST RIVER (IMO 9234567), owned by Ridge Point Inc.",
     {("OWNED_BY", "NORTH WIND", "Fairhaven Lines Ltd"), ("OWNED_BY", "EAST RIVER", "Ridge Point Inc")}),
    # management as a noun, object of the holder's verb
    ("Cyan Sea Management Co. took over the technical management of the tanker RED PEARL in 2023.",
     {("OPERATED_BY", "RED PEARL", "Cyan Sea Management Co")}),
    # "one of several vessels operated by"
    ("The tanker GREEN PEARL is one of several vessels operated by Cyan Sea Management Co.",
     {("OPERATED_BY", "GREEN PEARL", "Cyan Sea Management Co")}),
    # the object of "manages" coordinated with "which ... owns"
    ("Cyan Sea Management Co. manages the tanker BLUE PEARL, which Dorado Shipping Inc. owns.",
     {("OPERATED_BY", "BLUE PEARL", "Cyan Sea Management Co"), ("OWNED_BY", "BLUE PEARL", "Dorado Shipping Inc")}),
])
def test_more_shapes_of_owners_and_managers(nlp, text, expected):
    got = found(nlp, text, "OWNED_BY") | found(nlp, text, "OPERATED_BY")
    assert got == expected


def test_ships_named_by_example_after_such_as(nlp):
    text = ("Reasons: Moonrise Marine LLC is a Panama-based carrier. Today it manages tankers formerly managed "
            "by the Polar Group, such as the vessels Kite (IMO 9316127) and Lark (IMO 9341079).")
    assert found(nlp, text, "OPERATED_BY") == {("OPERATED_BY", v, c) for v in ("Kite", "Lark")
                                               for c in ("Moonrise Marine LLC", "Polar Group")}


def test_such_as_names_only_ships(nlp):
    text = "Moonrise Marine LLC manages tankers for traders such as Kestrel Oil Ltd and Finch Energy Ltd."
    assert found(nlp, text, "OPERATED_BY") == set()


@pytest.mark.parametrize("text, expected", [
    ("Reasons: Granite Bay Trading is a fuel trader registered in Ruritania. Since 2022, the company's shares have been "
     "held by two of its directors - Paul Ostrander and Mira Velle.",
     {("OWNED_BY", "Granite Bay Trading", p) for p in ("Paul Ostrander", "Mira Velle")}),
    ("Reasons: Eastgate Lines is a large ferry operator. Its shares were controlled by the Ruritanian Ministry of "
     "Transport until 2020.", {("OWNED_BY", "Eastgate Lines", "Ruritanian Ministry of Transport")}),
    ("Reasons: Northfield Tanker Company supports the Government of Norway through its shareholders, including Harbor "
     "Trust Holdings Ltd.", {("OWNED_BY", "Northfield Tanker Company", "Harbor Trust Holdings Ltd")}),
])
def test_shareholders_own_the_company(nlp, text, expected):
    assert found(nlp, text, "OWNED_BY") == expected


def test_shares_of_a_ship_cargo_are_no_ownership(nlp):
    text = "The tanker Kite was held by port authorities in Norway for two weeks."
    assert found(nlp, text, "OWNED_BY") == set()


def test_roles_in_parentheses_after_the_holder(nlp):
    text = ("The following vessels were identified: the tanker SEA LILY (IMO 9123456), Pelican Bay Shipping Ltd (registered "
            "owner), Tern Ocean Management LLC (ship manager); the tanker SEA ROSE (IMO 9234567), Heron Cove Inc (owner).")
    assert found(nlp, text, "OWNED_BY") == {("OWNED_BY", "SEA LILY", "Pelican Bay Shipping Ltd"), ("OWNED_BY", "SEA ROSE", "Heron Cove Inc")}
    assert found(nlp, text, "OPERATED_BY") == {("OPERATED_BY", "SEA LILY", "Tern Ocean Management LLC")}


def test_a_ship_sold_to_a_new_owner(nlp):
    assert found(nlp, "The tanker Silver Heron was sold to Ardent Bluewater Ltd in 2022.", "OWNED_BY") == {
        ("OWNED_BY", "Silver Heron", "Ardent Bluewater Ltd")}
    assert found(nlp, "The crew sold the fuel to Ardent Bluewater Ltd in 2022.", "OWNED_BY") == set()


@pytest.mark.parametrize("text, ship", [
    ("The tanker Blue Moth, whose ship manager is Corvid Marine Ltd, left port on Monday.", "Blue Moth"),
    ("Corvid Marine Ltd acted as the ship manager for the vessel Grey Moth.", "Grey Moth"),
    ("Corvid Marine Ltd also serves as the ISM manager of the tanker Pink Moth.", "Pink Moth"),
    ("Corvid Marine Ltd has been the commercial manager of the tanker Black Moth since 2023.", "Black Moth"),
])
def test_manager_roles_in_relative_clauses_and_after_as(nlp, text, ship):
    assert found(nlp, text, "OPERATED_BY") == {("OPERATED_BY", ship, "Corvid Marine Ltd")}


@pytest.mark.parametrize("text, expected", [
    ("Harrow Energy Ltd is the parent company of Brine Tankers LLC.", ("Brine Tankers LLC", "Harrow Energy Ltd")),
    ("Harrow Energy Ltd's subsidiary, Salt Tankers LLC, charters ships.", ("Salt Tankers LLC", "Harrow Energy Ltd")),
    ("Harrow Energy Ltd holds a majority stake in Kelp Shipping Co.", ("Kelp Shipping Co", "Harrow Energy Ltd")),
])
def test_parents_subsidiaries_and_stakes(nlp, text, expected):
    assert found(nlp, text, "OWNED_BY") == {("OWNED_BY", *expected)}


def test_the_company_or_it_as_the_owned_party(nlp):
    text = ("The tanker Amber Moth loaded oil in May. The ship is managed by Corvid Marine Ltd.\n\n"
            "Corvid Marine Ltd was founded in 2019 in Dubai. The company is owned by Harrow Energy Ltd.\n\n"
            "Kestrel Lines LLC was registered in 2020. It is controlled by Harrow Energy Ltd.")
    assert found(nlp, text, "OPERATED_BY") == {("OPERATED_BY", "Amber Moth", "Corvid Marine Ltd")}
    assert found(nlp, text, "OWNED_BY") == {("OWNED_BY", c, "Harrow Energy Ltd") for c in ("Corvid Marine Ltd", "Kestrel Lines LLC")}


# -- the agent of "owned by" / "managed by" in news writing (issue 22) ------------------------

def pairs(nlp, text, rtype):
    return {(s, t) for _, s, t in found(nlp, text, rtype)}


def test_a_place_before_based_is_not_the_owner(nlp):
    # The place of "X-based" is a modifier of the owner, whatever label it gets.
    text = ("The tanker Grey Wolf is owned by Kalmar-based Delmar Shipping Ltd, while Harlan Ship Services LLC "
            "(Kalmar) manages it.")
    got = pairs(nlp, text, "OWNED_BY")
    assert ("Grey Wolf", "Delmar Shipping Ltd") in got
    assert not any(t in ("Kalmar", "Harlan Ship Services LLC") for _, t in got)


def test_a_company_called_x_is_the_agent(nlp):
    got = pairs(nlp, "The tanker Grey Wolf began to be managed by a Chinese company called Harlan Shipping Co in May.",
                "OPERATED_BY")
    assert ("Grey Wolf", "Harlan Shipping Co") in got


def test_a_company_linked_to_x_is_not_x(nlp):
    # Near miss: the agent is an unnamed company; the name is only its tie.
    assert not pairs(nlp, "The tanker Blue Heron was managed by a company that is linked to Kestrel Holdings Ltd.",
                     "OPERATED_BY")


def test_the_owner_named_after_the_copula_may_be_quoted(nlp):
    got = pairs(nlp, "Until then, the registered owner of the tanker Grey Wolf was 'Delmar Marine Ltd', a North Korean company.",
                "OWNED_BY")
    assert ("Grey Wolf", "Delmar Marine Ltd") in got


def test_a_scheme_run_by_a_firm_is_no_management_of_the_ship(nlp):
    # "run by" describes the scheme (the parse may even read "scheme run" as one noun), not the ship.
    text = "The tanker Blue Heron was seized in connection with a scheme run by Nordvik Trading LLC."
    assert not pairs(nlp, text, "OPERATED_BY")
    assert ("Grey Wolf", "Harlan Shipmanagement LLC") in pairs(
        nlp, "The tanker Grey Wolf, previously managed by Harlan Shipmanagement LLC, was renamed.", "OPERATED_BY")


def test_a_possessive_role_split_by_modifiers_and_held_through_the_copula(nlp):
    text = ("The tanker Grey Wolf is owned by Delmar Shipping Ltd, while Harlan Ship Services LLC is its crewing "
            "and technical manager.")
    got = pairs(nlp, text, "OPERATED_BY")
    assert ("Grey Wolf", "Harlan Ship Services LLC") in got
    assert ("Grey Wolf", "Delmar Shipping Ltd") not in got
    # Near miss: no role word after the modifiers ("its crewing and technical staff")
    assert not pairs(nlp, "The tanker Grey Wolf is owned by Delmar Shipping Ltd, while Harlan Ship Services LLC "
                          "supplies its crewing and technical staff.", "OPERATED_BY")


def test_a_firm_described_as_another_firms_company(nlp):
    text = "Harlan Shipping Co, a Delmar Holdings Ltd subsidiary, manages the tanker Grey Wolf."
    assert ("Harlan Shipping Co", "Delmar Holdings Ltd") in pairs(nlp, text, "OWNED_BY")
    assert ("Grey Wolf", "Harlan Shipping Co") in pairs(nlp, text, "OPERATED_BY")
    # Near miss: a firm described by its tie to another firm, not as its company
    assert not pairs(nlp, "Harlan Shipping Co, a Delmar Holdings Ltd client, manages the tanker Grey Wolf.", "OWNED_BY")

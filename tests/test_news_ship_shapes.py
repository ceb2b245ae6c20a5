"""Ship names in the shapes news pages, law-firm notes and think-tank reports print them
(issue 22): lists after a copula or "identified as", bullets under a ship heading, flag
adjectives, appositions, class abbreviations, and the near misses that must stay no ship.

Every text here is our own; the ship, company and person names are invented.
"""

import pytest

from extraction_helpers import extracted, labelled, nlp, ships  # noqa: F401  (nlp: the model fixture)


@pytest.mark.parametrize("text, expected", [
    ("Port records show the tankers are the Morwen Light, Kalinda and Brisa Azul.", {"Morwen Light", "Kalinda", "Brisa Azul"}),
    ("The vessels identified were Talvi, Seraphine, Orbis Gale and Quillon.", {"Talvi", "Seraphine", "Orbis Gale", "Quillon"}),
    ("Analysts said the ships identified as Valdora, Pemberly Sun and Castellan had switched off their transponders.",
     {"Valdora", "Pemberly Sun", "Castellan"}),
    ("Two heavy-lift ships \u2014 Corran Vey and Ostmark 12 \u2014 were added as well.", {"Corran Vey", "Ostmark 12"}),
])
def test_names_listed_after_a_plural_ship_noun(nlp, text, expected):
    assert ships(nlp, text) == expected


def test_every_bullet_under_a_ship_heading_is_a_ship(nlp):
    names = ["Marlowe Spire", "Cendrillon", "Hollis Crest", "Ardent Myra", "Saskia Rose", "Tilden", "Orpheline", "Quarry Wren"]
    text = ("The ministry blacklisted the following tankers on Monday:\n\n"
            + "\n".join(f"- {n}" + (" (Panama-flagged)" if k == 0 else "") for k, n in enumerate(names))
            + "\n\nOfficials said more listings would follow.")
    assert ships(nlp, text) == set(names)


def test_bullets_under_another_heading_or_naming_a_firm_are_no_ships(nlp):
    text = ("The ministry blacklisted the following companies on Monday:\n\n- Kestrel Ridge\n- Amber Fold\n\n"
            "It also named these tankers:\n\n- Dunmore Bay\n- Harlow Shipping LLC\n")
    found = ships(nlp, text)
    assert "Dunmore Bay" in found
    assert not found & {"Kestrel Ridge", "Amber Fold", "Harlow Shipping LLC", "Harlow Shipping"}


@pytest.mark.parametrize("text, expected", [
    ("The Panama-flagged Ostrava Dream tanker loaded fuel near the island.", {"Ostrava Dream"}),
    ("The Comoros-flagged Liora sailed east last week.", {"Liora"}),
    ("The Panama-flagged Venna and Tamsin were seen side by side.", {"Venna", "Tamsin"}),
    ("Images showed the Honduras-flagged 24-year-old 300,000 dwt Hollin Crest near the strait.", {"Hollin Crest"}),
])
def test_a_name_after_a_flag_adjective(nlp, text, expected):
    assert ships(nlp, text) == expected


@pytest.mark.parametrize("text", [
    "Panama-flagged Oceanfold vessels carried most of the cargo.",
    "The Liberia-flagged tanker's owner, Brannock Shipping, declined to comment.",
    "A Panama-flagged, Greek-owned tanker waited offshore.",
])
def test_a_flag_adjective_before_no_ship_name(nlp, text):
    assert ships(nlp, text) == set()


@pytest.mark.parametrize("text, ship", [
    ("Another sanctioned tanker, Mirabeau, met them later.", "Mirabeau"),
    ("Halcyon Reach \u2014 a tanker owned by a firm in Dubai \u2014 left the anchorage.", "Halcyon Reach"),
    ("The very large crude carrier (VLCC) Cassiopeia Moon loaded at the terminal.", "Cassiopeia Moon"),
    ("Radar showed a cargo ship believed to be the Verity Bloom waiting at the pier.", "Verity Bloom"),
    ("Photos show what is likely the oil tanker the Tarn Ostrel, which the panel had flagged.", "Tarn Ostrel"),
    ("The cargo moved in a transfer with the Calloway (150,000 dwt), a tanker registered in Iran.", "Calloway"),
    ("A DPRK-flagged (Democratic People's Republic of Korea) tanker, SOLAR KITE 5 registered to a firm in Nampo, took on fuel at sea.",
     "SOLAR KITE 5"),
    ("The supertanker Belvista carried two million barrels.", "Belvista"),
    ("The LPG carrier Saffron Coast was renamed twice.", "Saffron Coast"),
])
def test_ship_names_in_news_appositions(nlp, text, ship):
    assert ship in ships(nlp, text)


@pytest.mark.parametrize("text, not_ship", [
    ("The two tankers met for a ship-to-ship (STS) transfer near the Orcadia Shoal.", "STS"),
    ("He posted the picture on the Zephyr platform \u2013 formerly Chirper \u2013 beside the tanker Alder Moon.", "Chirper"),
    ("The tanker, Captain Mora said, was empty when it left.", "Captain Mora"),
    ("The vessels identified as part of the fleet were old.", "part"),
])
def test_no_invented_ship(nlp, text, not_ship):
    assert not_ship not in ships(nlp, text)


@pytest.mark.parametrize("text, expected", [
    ("Satellite images showed the JAYANTI anchored off the coast.", {"JAYANTI"}),
    ("Two days later the MORVANE DAWN was loaded at the terminal.", {"MORVANE DAWN"}),
    ("United Against Tankers Everywhere (UATE) said the UATE anchored its case on imagery.", set()),
    ("Records show the SDN docked entry was updated.", set()),
    ("The ORCADIA report said the fleet sailed at night.", set()),
    ("OFFICIALS SAID THE MARLIN ANCHORED NEAR THE PORT.", set()),
])
def test_ship_names_in_capitals_in_news_prose(nlp, text, expected):
    assert ships(nlp, text) == expected


# -- firms and bodies in news writing --------------------------------------------------------

@pytest.mark.parametrize("text, label, name", [
    ("The tanker is run by its manager, Tidewell, which did not reply.", "Company", "Tidewell"),
    ("The cargo went through Harrowgate Shipping Co. Ltd (Fujairah Branch) last year.", "Company",
     "Harrowgate Shipping Co. Ltd (Fujairah Branch)"),
    ("The Ruritanian Maritime Enforcement Agency (RMEA) detained the crew.", "Agency", "Ruritanian Maritime Enforcement Agency"),
    ("The ship's agent, Kell Marine Crown Agency, arranged the call.", "Company", "Kell Marine Crown Agency"),
])
def test_firms_and_bodies_in_news_shapes(nlp, text, label, name):
    assert (label, name) in labelled(nlp, text)


def test_a_firm_with_a_branch_is_one_firm(nlp):
    found = labelled(nlp, "The cargo went through Harrowgate Shipping Co. Ltd (Fujairah Branch) last year.")
    assert not {(label, name) for label, name in found if name in {"Harrowgate Shipping Co. Ltd", "Fujairah Branch", "Fujairah"}}


@pytest.mark.parametrize("text, not_firm", [
    ("Its owner, Marco Ventieri, declined to comment.", "Marco Ventieri"),
    ("The tanker's owner, Captain Ilse Marr, said the cargo was legal.", "Captain Ilse Marr"),
])
def test_a_person_in_apposition_to_a_role_is_no_firm(nlp, text, not_firm):
    assert ("Company", not_firm) not in labelled(nlp, text)


def test_a_tracking_group_is_no_ship(nlp):
    assert ships(nlp, "Tanker Trackers reported the transfer on Friday.") == set()


@pytest.mark.parametrize("text, expected", [
    ("Among the vessels to be listed are the Corvina Light, which was filmed at sea last year.", {"Corvina Light"}),
    ("The ministry named ten tankers, including names like NS Avalo, Brightwell, and Morrow Prospect.",
     {"NS Avalo", "Brightwell", "Morrow Prospect"}),
    ("The Kessler is one of four Panamanian vessels under sanctions.", {"Kessler"}),
])
def test_more_list_shapes(nlp, text, expected):
    assert ships(nlp, text) == expected


def test_a_ship_named_after_its_owner_initials(nlp):
    text = ("Kestrel Fleet (KF) manages ten tankers. The vessels included the KF Talisker, which loaded crude in May. "
            "Later the KF Talisker sailed east, and KF declined to comment.")
    found = labelled(nlp, text)
    assert ("Vessel", "KF Talisker") in found
    assert ("Vessel", "KF") not in found and ("Company", "KF Talisker") not in found


def test_a_firm_that_is_one_of_the_operators_is_no_ship(nlp):
    assert ships(nlp, "Acme Shipping is one of the ship operators named.") == set()


def test_lines_that_hold_a_name_alone_under_a_ship_heading(nlp):
    text = ("Four more tankers were listed on Friday:\n\nMarlowe Spire (Palau)\nCendrillon\nHollis Crest\nQuarry Wren\n\n"
            "The listing takes effect at once. Officials said more would follow.")
    assert ships(nlp, text) == {"Marlowe Spire", "Cendrillon", "Hollis Crest", "Quarry Wren"}


def test_a_former_name_where_the_ship_is_named_again(nlp):
    text = "The tanker Kessler took the cargo. The Kessler, previously named Ardwin, has been on the list since 2022."
    found = [e for e in extracted(nlp, text).entities if e.label == "Vessel"]
    assert [(e.name, sorted(e.aliases)) for e in found] == [("Kessler", ["Ardwin", "Kessler"])]


def test_a_firm_s_former_name_is_no_ship(nlp):
    text = "The tanker Kessler took the cargo. Its owner, previously named Orwell Holdings, sold it in May."
    assert ships(nlp, text) == {"Kessler"}


def test_an_outlet_the_model_reads_as_a_person_is_a_body(nlp):
    found = labelled(nlp, "According to Seaguard Monitor, the tanker sailed at night.")
    assert ("Organization", "Seaguard Monitor") in found and ("Person", "Seaguard Monitor") not in found


def test_a_person_with_a_title_in_apposition_to_a_ship_noun_is_no_ship(nlp):
    assert ships(nlp, "The inspectors went aboard the tanker, Captain Ilse Marr.") == set()

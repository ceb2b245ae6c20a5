"""Ship names in the lists news pages print (issue 22): a plural ship noun as the subject of a
copula or "include", as the object of "identify ... as", or a bullet's lead, then every name
of the list to its end; appositions after a described ship; size classes and firm words that
are not part of a ship's name. And the near misses: lists that name firms, ports, countries or
nationalities, and clauses that only look like a list.

Every text here is our own; the ship, company and person names are invented.
"""

import pytest

from extraction_helpers import labelled, nlp, ships  # noqa: F401  (nlp: the model fixture)


# -- lists after a plural ship noun ----------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    # a clause set off by commas between the noun and its copula, an article before the first name
    ("The carriers, several of which fly the Togolese flag, are the Brannagh, Ostry 14, Lumen, Tavi 8, Quenby, Harlow Reach and Ember.",
     {"Brannagh", "Ostry 14", "Lumen", "Tavi 8", "Quenby", "Harlow Reach", "Ember"}),
    ("The tankers, which were built in Korea, are Corrib Dawn and Ashby.", {"Corrib Dawn", "Ashby"}),
    # lower-case particles inside a name, and the list read on past it
    ("The listed vessels are the Keld, Rosa Maria de la Paz, Tullow Star, Amberley and Vinton.",
     {"Keld", "Rosa Maria de la Paz", "Tullow Star", "Amberley", "Vinton"}),
    # a participle with a short phrase before the verb
    ("The vessels sanctioned on Thursday are the Arlen, Brisk Tern and Calder.", {"Arlen", "Brisk Tern", "Calder"}),
    ("The ships named in the notice include Arlen, Brisk Tern and Calder.", {"Arlen", "Brisk Tern", "Calder"}),
    ("Among the tankers named were the Arlen, the Brisk Tern and the Calder.", {"Arlen", "Brisk Tern", "Calder"}),
    # colon and semicolons
    ("The sanctioned tankers are: Arlen, Brisk Tern, Calder.", {"Arlen", "Brisk Tern", "Calder"}),
    ("The vessels are Arlen; Brisk Tern; and Calder.", {"Arlen", "Brisk Tern", "Calder"}),
    # a clause about one listed ship does not end the list
    ("The tankers are the Arlen, which sails under the Panama flag, the Brisk Tern and the Calder.", {"Arlen", "Brisk Tern", "Calder"}),
    ("The tankers include the Arlen, owned by Orwell Holdings, and the Brisk Tern.", {"Arlen", "Brisk Tern"}),
    # a spaced hyphen as a dash
    ("Four ships - Arlen, Brisk Tern, Calder and Dovetail - were added to the list.", {"Arlen", "Brisk Tern", "Calder", "Dovetail"}),
    # a flag in parentheses after each name
    ("The vessels are Arlen (Panama), Brisk Tern (Cameroon) and Calder (Comoros).", {"Arlen", "Brisk Tern", "Calder"}),
    # a prepositional phrase or a relative clause before the verb
    ("Other ships on the list include Arlen, Brisk Tern and Calder.", {"Arlen", "Brisk Tern", "Calder"}),
    ("The ships that were seized are the Arlen and the Brisk Tern.", {"Arlen", "Brisk Tern"}),
    # a source set off by commas
    ("The vessels, Reuters reported, are Arlen and Brisk Tern.", {"Arlen", "Brisk Tern"}),
    # names in quotes, names set off by commas or dashes after the noun
    ('The sanctioned tankers "Arlen", "Brisk Tern" and "Calder" sailed together.', {"Arlen", "Brisk Tern", "Calder"}),
    ("The vessels, Arlen, Brisk Tern and Calder, were seized.", {"Arlen", "Brisk Tern", "Calder"}),
    ("Three tankers - the Arlen, the Brisk Tern and the Calder - left the gulf.", {"Arlen", "Brisk Tern", "Calder"}),
    ("The vessels, identified as Arlen, Brisk Tern and Calder, were seized.", {"Arlen", "Brisk Tern", "Calder"}),
    ("The ships' names are Arlen, Brisk Tern and Calder.", {"Arlen", "Brisk Tern", "Calder"}),
    ("The tankers are known as Arlen and Brisk Tern.", {"Arlen", "Brisk Tern"}),
    # a flag adjective before a listed name is not part of it
    ("The sanctioned tankers include the Liberian-flagged Arlen, the Panamanian-flagged Brisk Tern and the Calder.",
     {"Arlen", "Brisk Tern", "Calder"}),
    # clauses closed by semicolons
    ("The sanctioned vessels are the Arlen, which was built in 2001; the Brisk Tern, built in 2004; and the Calder.",
     {"Arlen", "Brisk Tern", "Calder"}),
    # names before a plural ship noun with "both" or "all"
    ("Arlen and Brisk Tern, both Panama-flagged tankers, met at sea.", {"Arlen", "Brisk Tern"}),
    ("The Arlen, the Brisk Tern and the Calder, all tankers owned by Orwell Holdings, were listed.", {"Arlen", "Brisk Tern", "Calder"}),
    # particles after a name, in capitals or not; a place after a name is no word of it
    ("Sanctioned vessels include SEA OTTER, STAR OF HOPE, AL NOOR II and PERLA.", {"SEA OTTER", "STAR OF HOPE", "AL NOOR II", "PERLA"}),
    ("The tankers are the Arlen, Queen of the Seas, Brisk Tern and Calder.", {"Arlen", "Queen of the Seas", "Brisk Tern", "Calder"}),
    ("The tankers are the Arlen of Panama and the Brisk Tern.", {"Arlen", "Brisk Tern"}),
    # a name a port gazetteer knows does not end the list
    ("The vessels are Arlen, Brisk Tern, Vostochny, Calder and Dovetail.", {"Arlen", "Brisk Tern", "Calder", "Dovetail"}),
    ("The tankers are the Arlen and the Brisk Tern in Vostochny and Rason.", {"Arlen", "Brisk Tern"}),
    # a size class before a listed name is not part of it
    ("The vessels include the Aframax Arlen and the Suezmax Brisk Tern.", {"Arlen", "Brisk Tern"}),
])
def test_every_name_of_a_copula_list(nlp, text, expected):
    assert ships(nlp, text) == expected


def test_a_long_list_in_capitals_is_read_to_its_end(nlp):
    names = ["GREY HERON", "TALLOW", "AL SAFA III", "MIRELLE", "HORIZON 4", "SOUTHERN CROSS", "WESTERN GALE", "PELLA 7", "DUNE"]
    text = "Notices went out on Friday.\n\n\u2022 Blocked tankers include " + ", ".join(names[:-1]) + ", and " + names[-1] + "."
    assert ships(nlp, text) == set(names)


def test_identified_as_a_list_with_particulars_in_parentheses(nlp):
    names = ["Plover", "Ash", "Wick", "Tern", "Bay", "Coral", "Mist", "Finch", "Ridge", "Sole", "Maple", "Fern", "Cove", "Dune", "Sky", "Nova"]
    items = [f"{n} ({1000 + 100 * k:,} teu, {1998 + k % 9}-built)" for k, n in enumerate(names)]
    text = "The paper has identified the container ships as " + ", ".join(items[:-1]) + " and " + items[-1] + "."
    assert ships(nlp, text) == set(names)


@pytest.mark.parametrize("text, expected", [
    ("The ships were identified as Arlen and Brisk Tern by the newspaper.", {"Arlen", "Brisk Tern"}),
    ("Shipping data identified the tankers as the Arlen and the Brisk Tern.", {"Arlen", "Brisk Tern"}),
    ("Two tankers named Arlen and Brisk Tern left the anchorage.", {"Arlen", "Brisk Tern"}),
])
def test_names_given_as_or_named(nlp, text, expected):
    assert ships(nlp, text) == expected


@pytest.mark.parametrize("text", [
    "The companies are Alpha Trading, Beta Ltd and Gamma LLC.",
    "The ports are Kellhaven and Mirrowick.",
    "The countries named are Iran, Syria and Venezuela.",
    "The tankers' owners are Orwell Holdings, Dunmore Navigation and Castor Shipping.",
    "The tankers, the ministry said, are owned by Orwell Holdings, Dunmore Navigation and Castor Shipping.",
    "The vessels, which the ministry listed on Monday, are owned by Orwell Holdings.",
    "The tankers are Greek, Maltese and Cypriot.",
    "The vessels include VLCCs and Suezmax tankers.",
    "The ministry described the tankers as Iranian-owned and old.",
    "The vessels are old, Reuters said.",
    "The vessels are in Malaysia, Singapore and Indonesia.",
    "The ships identified as part of the fleet were old.",
    "The vessels included in the package are mostly older tankers.",
    "The vessels are also linked to Ivan Petrov, Olga Sidorova and Petr Ivanov.",
    "After inspecting the vessels, Ivan Petrov and Olga Sidorova said nothing.",
    "The tankers belong to Orwell Holdings, Dunmore Navigation and Castor Shipping.",
    "Orwell Holdings and Dunmore Navigation, both owners of tankers, declined to comment.",
    "The vessels were sanctioned last year.",
    "The vessels are sanctioned by the United States.",
    "The sanctioned carriers include Pellam Air, Orrin Airlines and Casco Airways.",
    "Tankers include Suezmax, Aframax and VLCC classes.",
    "The tankers, officials said, are worth millions.",
    "The ships are registered in Panama, Liberia and the Marshall Islands.",
])
def test_lists_that_name_no_ship(nlp, text):
    assert ships(nlp, text) == set()


# -- appositions after a described ship ------------------------------------------------------

@pytest.mark.parametrize("text, ship", [
    ("A bulk carrier flying a Cypriot flag, Tessaly, sailing from the port of Izmir, reached Batumi on Friday.", "Tessaly"),
    ("An oil tanker, Corvane, reached the port on Monday.", "Corvane"),
    ("A tanker carrying fuel oil, Morwen, and a bulk carrier, Tilda, met at sea.", "Morwen"),
    ("An Iranian-flagged crude tanker named Sorkhan (IMO: 9123453) arrived in Fujairah on Tuesday.", "Sorkhan"),
])
def test_a_name_in_apposition_after_a_described_ship(nlp, text, ship):
    assert ship in ships(nlp, text)


@pytest.mark.parametrize("text", [
    "A tanker carrying Iranian oil, Reuters reported, reached the port.",
    "A tanker sailing from Tartus, Syria, reached the port.",
    "A tanker with a crew of twenty, Captain Mora said, was empty.",
])
def test_a_source_or_a_place_after_a_described_ship_is_no_ship(nlp, text):
    assert ships(nlp, text) == set()


# -- what is not part of a ship's name, and what is no ship ----------------------------------

@pytest.mark.parametrize("text, ship", [
    ("Images showed the Liberian-flagged Alma Corrie Panamax tanker near the strait.", "Alma Corrie"),
    ("The Panama-flagged Nordic Vale Aframax tanker waited offshore.", "Nordic Vale"),
    ("The Malta-flagged Velland Suezmax tanker loaded crude.", "Velland"),
    ("The Togo-flagged Harrow Bell Handysize bulker left port.", "Harrow Bell"),
])
def test_a_size_class_is_not_part_of_the_name(nlp, text, ship):
    assert ships(nlp, text) == {ship}


def test_a_firm_after_the_vessel_is_a_company(nlp):
    found = labelled(nlp, "The Cyprus-based manager of the vessel Kestrel Navigation did not reply to questions.")
    assert ("Company", "Kestrel Navigation") in found
    assert not {name for label, name in found if label == "Vessel"}


def test_a_charterer_is_a_company(nlp):
    found = labelled(nlp, "Several vessels chartered by Teal Line Shipping called at the port.")
    assert ("Company", "Teal Line Shipping") in found and not {n for lab, n in found if lab == "Vessel"}


@pytest.mark.parametrize("text, ships_expected", [
    ("The tankers Orca Bay and Marlow are controlled by Ivan Petrov through Alpha Fleet and Beta Fleet.", {"Orca Bay", "Marlow"}),
    ("Alpha Fleet owns the tanker Orca Bay, and Beta Fleet manages the tanker Marlow.", {"Orca Bay", "Marlow"}),
])
def test_a_fleet_is_no_ship(nlp, text, ships_expected):
    assert ships(nlp, text) == ships_expected


@pytest.mark.parametrize("text, expected", [
    ("Arlen, Brisk Tern and Calder are among the tankers sanctioned on Monday.", {"Arlen", "Brisk Tern", "Calder"}),
    ("On Monday, Arlen and Brisk Tern were among the vessels listed.", {"Arlen", "Brisk Tern"}),
    ("Officials said the Arlen is among the vessels.", {"Arlen"}),
    ("Iran and Venezuela are among the countries whose tankers were listed.", set()),
    ("Orwell Holdings and Dunmore Navigation are among the firms that manage the vessels.", set()),
    ("The US and the UK are among the states that sanctioned the tankers.", set()),
])
def test_names_before_among_the_ships(nlp, text, expected):
    assert ships(nlp, text) == expected


@pytest.mark.parametrize("text, expected", [
    ("The Treasury designated eight tankers on Thursday. They are the Arlen, Brisk Tern, Calder and Dovetail.",
     {"Arlen", "Brisk Tern", "Calder", "Dovetail"}),
    ("The ministry named three more vessels. These include Arlen and Brisk Tern.", {"Arlen", "Brisk Tern"}),
    ("Two men managed the tankers. They are Ivan Petrov and Olga Sidorova.", set()),
    ("The tankers were owned by two firms. They are Orwell Holdings and Castor Shipping.", set()),
    ("The vessels sailed from Iran. They are Greek and Maltese.", set()),
])
def test_a_list_in_the_next_sentence(nlp, text, expected):
    assert ships(nlp, text) == expected

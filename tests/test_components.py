"""Each rule family on small sentences: spacy.blank where the model is not the point,
the real model where parsing and NER matter (loaded once per session via ingest.nlp.load)."""

import pytest
import spacy

from ingest.components.vessels import valid_imo
from ingest.extract import build_result
from ingest.model import Document
from ingest.nlp import add_components, load


@pytest.fixture(scope="module")
def blank():
    return add_components(spacy.blank("en"), model_ner=False)


@pytest.fixture(scope="module")
def nlp():
    return load()


def ents(nlp, text):
    return [(e.label_, e.text) for e in nlp(text).ents]


def rels(nlp, text, published=None):
    r = build_result(Document(text=text, published=published), nlp(text))
    return r, {(x.type, x.source, x.target) for x in r.relations}


def test_imo_check_digit():
    assert valid_imo("9161003") and valid_imo("9234563")
    assert not valid_imo("9161004") and not valid_imo("916100") and not valid_imo("abcdefg")


def test_gazetteer_ports_countries_agencies(blank):
    found = ents(blank, "The ship left Najin for the port of Nakhodka, and OFAC and the U.S. reacted.")
    assert ("Port", "Najin") in found
    assert ("Country", "U.S.") in found
    assert ("Agency", "OFAC") in found
    # Case matters for short forms: the pronoun "us" is not the United States.
    assert ("Country", "us") not in ents(blank, "They told us nothing.")


def test_vessel_cues(blank):
    assert ("Vessel", "Blue Finch") in ents(blank, "The crude tanker Blue Finch sailed yesterday.")
    assert ("Vessel", "Sea Star") in ents(blank, "Crew of M/V Sea Star were questioned.")
    assert ("Vessel", "Grey Gull") in ents(blank, "Grey Gull, a Liberian-flagged bulk carrier, was seized.")
    assert ("Vessel", "Amber") in ents(blank, "Three ships (Amber, Opal and Jade) were seen.")
    # A ship's name recurs without its cue.
    found = ents(blank, "The vessel Amber Rose docked. Later Amber Rose left.")
    assert found.count(("Vessel", "Amber Rose")) == 2


def test_imo_attaches_only_when_valid(blank):
    doc = blank("The freighter Orca Bay (IMO 9234563) and Kite (IMO 9234564) were listed.")
    ids = {e.text: e._.skg.get("identifiers") for e in doc.ents if e.label_ == "Vessel"}
    assert ids["Orca Bay"] == {"imo": "9234563"}
    assert not ids.get("Kite")


def test_companies_agencies_ports_by_form(blank):
    found = ents(blank, "Sunrise Navigation LLC and OOO Polarstroy were named by the Ministry of Transport. "
                        "The ship later reached Koper Port and the Brodosplit Shipyard.")
    assert ("Company", "Sunrise Navigation LLC") in found
    assert ("Company", "OOO Polarstroy") in found
    assert ("Agency", "Ministry of Transport") in found
    assert ("Port", "Koper") in found
    assert ("Port", "Brodosplit Shipyard") in found


def test_list_expansion_and_plural_reference(nlp):
    text = ("The tanker Silver Dune, along with the Moss Hill, Kara Sun and Teal, moved fuel to Tartus. "
            "The European Union sanctioned all of them in 2023.")
    r, found = rels(nlp, text)
    for ship in ("Silver Dune", "Moss Hill", "Kara Sun", "Teal"):
        assert ("SANCTIONED_BY", ship, "European Union") in found
    years = {x.props.get("year") for x in r.relations if x.type == "SANCTIONED_BY"}
    assert years == {2023}


def test_sanctions_need_a_statement(nlp):
    for text in (
        "The cargo ship Gold Reef has not been sanctioned by the United States.",
        "Lawmakers said the US could sanction the tanker Gold Reef next year.",
        "The tanker Gold Reef helped Iran evade US sanctions.",
    ):
        _, found = rels(nlp, text)
        assert not [f for f in found if f[0] == "SANCTIONED_BY"], text
    _, found = rels(nlp, "The tanker Gold Reef was sanctioned by the United Kingdom in 2024.")
    assert ("SANCTIONED_BY", "Gold Reef", "United Kingdom") in found


def test_called_at_with_dates_against_article_date(nlp):
    text = "The cargo ship Pale Moon loaded timber at Nakhodka on Monday. Two days later it arrived at Busan."
    r, found = rels(nlp, text, published="2024-05-10")
    calls = {(x.target, x.date) for x in r.relations if x.type == "CALLED_AT"}
    # 2024-05-10 was a Friday: "Monday" is 2024-05-06, two days later 2024-05-08.
    assert ("Nakhodka", "2024-05-06") in calls
    assert ("Busan", "2024-05-08") in calls


def test_ownership_operation_and_location(nlp):
    text = ("The bulk carrier Red Kite is owned by Harbor Crest Shipping Ltd, a subsidiary of Atlas Holding JSC. "
            "Its manager, Delta Ship Management LLC, is based in Cyprus. The ship later anchored at Piraeus, Greece.")
    _, found = rels(nlp, text)
    assert ("OWNED_BY", "Red Kite", "Harbor Crest Shipping Ltd") in found
    assert ("OWNED_BY", "Harbor Crest Shipping Ltd", "Atlas Holding JSC") in found
    assert ("OPERATED_BY", "Red Kite", "Delta Ship Management LLC") in found
    assert ("LOCATED_IN", "Piraeus", "Greece") in found
    assert ("CALLED_AT", "Red Kite", "Piraeus") in found


def test_ais_dark_kept_on_the_vessel(nlp):
    text = "The tanker Night Owl switched off its AIS transponder on March 3 near Fujairah."
    r, _ = rels(nlp, text, published="2024-03-20")
    [ship] = [e for e in r.entities if e.label == "Vessel"]
    [fact] = ship.props["ais_dark"]
    assert fact["date"] == "2024-03-03"
    assert "switched off" in fact["sentence"]


def test_ais_dark_when_the_cue_is_split_around_the_transponder(nlp):
    text = ("The cargo ship Grey Heron sailed from Nakhodka on May 2. "
            "The ship left its AIS transponder off for the whole crossing.")
    r, _ = rels(nlp, text, published="2024-05-20")
    [ship] = [e for e in r.entities if e.label == "Vessel"]
    [fact] = ship.props["ais_dark"]
    assert fact["cue"] == "left its ais transponder off"
    assert "transponder off" in fact["sentence"]
    # Leaving something else off is no AIS fact.
    r, _ = rels(nlp, "The cargo ship Grey Heron left its lights off in port.", published="2024-05-20")
    assert not [e for e in r.entities if e.props.get("ais_dark")]


def test_model_ner_relabelled_into_ontology(nlp):
    labels = {e.label_ for e in nlp("Analysts at the Hudson Institute spoke to Maria Petrova in Moscow.").ents}
    assert labels <= {"Organization", "Person", "Location", "Country", "Agency", "Company", "Vessel", "Port"}
    assert "PERSON" not in labels and "GPE" not in labels


def test_ships_listed_after_a_plural_cue(blank):
    found = ents(blank, "Analysts track two more tankers on the same run: the Kora Wind and the Pelican-2.")
    assert ("Vessel", "Kora Wind") in found and ("Vessel", "Pelican-2") in found
    found = ents(blank, "Several vessels, including the Birch Bay and Marlin, were listed.")
    assert ("Vessel", "Birch Bay") in found and ("Vessel", "Marlin") in found
    # A colon after something that is not a ship noun lists nothing.
    assert not [e for e in ents(blank, "The report names two routes: Amber and Opal.") if e[0] == "Vessel"]


def test_later_bare_mentions_of_a_known_ship(nlp):
    # "R." at the end of the text is one token (an initial with the full stop): still the ship.
    text = "The cargo ship Sea Wren R docked at Busan. The United States has also sanctioned the Sea Wren R."
    r, found = rels(nlp, text)
    assert ("SANCTIONED_BY", "Sea Wren R", "United States") in found
    [ship] = [e for e in r.entities if e.label == "Vessel"]
    assert len(ship.spans) == 2


def test_listed_ships_seen_at_a_port_and_their_ties(nlp):
    text = ("Researchers follow three more ships: the Tallin Star, the Kedr and the Oka. "
            "The Kedr was photographed at Nakhodka in March. "
            "In 2023 the United States sanctioned the Tallin Star, the Kedr and the Oka over their ties to Pacific Rim Logistics LLC.")
    r, found = rels(nlp, text)
    assert ("CALLED_AT", "Kedr", "Nakhodka") in found
    for ship in ("Tallin Star", "Kedr", "Oka"):
        assert ("SANCTIONED_BY", ship, "United States") in found
        assert ("ASSOCIATED_WITH", ship, "Pacific Rim Logistics LLC") in found
    assert {x.props.get("activity") for x in r.relations if x.type == "CALLED_AT"} == {"seen"}


def test_port_described_in_apposition(nlp):
    _, found = rels(nlp, "The tanker Blue Finch docked at Nakhodka, a commercial port in Russia, on Friday.")
    assert ("LOCATED_IN", "Nakhodka", "Russia") in found
    _, found = rels(nlp, "The tanker Blue Finch docked at Nakhodka, a port that Russia uses often.")
    assert not [f for f in found if f[0] == "LOCATED_IN"]


def test_renamed_ship_is_one_vessel(nlp):
    text = ("The ship, formerly known as the Blue Ibis, now sails as the Grey Owl (IMO 9608128). "
            "The UN Security Council designated the Blue Ibis in 2019.")
    r, found = rels(nlp, text)
    [ship] = [e for e in r.entities if e.label == "Vessel"]
    assert ship.name == "Grey Owl" and "Blue Ibis" in ship.aliases
    assert ("SANCTIONED_BY", "Grey Owl", "UN Security Council") in found


def test_sanction_subjects_and_agents_from_the_parse(nlp):
    # The subject of the passive, not the owner in the relative clause; the body at the end
    # of a possessive chain acts.
    _, found = rels(nlp, "The tanker Red Ibis, which is owned by Polar Sun Inc., was sanctioned by the U.S. Treasury's "
                         "Office of Foreign Assets Control in 2021.")
    assert {f for f in found if f[0] == "SANCTIONED_BY"} == {("SANCTIONED_BY", "Red Ibis", "Office of Foreign Assets Control")}
    # Objects coordinated across a relative clause; "added ... to its list" designates.
    _, found = rels(nlp, "The Council of the European Union adopted new measures over Russia's war against Ukraine and "
                         "added the tanker Volga Reef to its list of banned vessels.")
    assert {f for f in found if f[0] == "SANCTIONED_BY"} == {("SANCTIONED_BY", "Volga Reef", "Council of the European Union")}
    # A programme name is not an agent; the colon list is the object.
    _, found = rels(nlp, "The FCDO designated two tankers under the Russia sanctions regime: the Koi and the Lark.")
    assert {f for f in found if f[0] == "SANCTIONED_BY"} == {("SANCTIONED_BY", "Koi", "UK Foreign Office"), ("SANCTIONED_BY", "Lark", "UK Foreign Office")}
    _, found = rels(nlp, "The ships were the Koi and the Lark. Neither the Koi nor the Lark has been sanctioned by the EU.")
    assert not [f for f in found if f[0] == "SANCTIONED_BY"]


def test_operator_from_the_relative_clause_and_bare_both(nlp):
    _, found = rels(nlp, "The FCDO named Tidal Ship Management FZE, a company registered in the United Arab Emirates "
                         "that operates the tankers Merlin Rock and Sable Bay.")
    assert ("OPERATED_BY", "Merlin Rock", "Tidal Ship Management FZE") in found
    assert not [f for f in found if f[0] == "OPERATED_BY" and f[2] == "United Arab Emirates"]
    _, found = rels(nlp, "The receiving vessels were the Koi and the Lark. Both are managed by Sunward Maritime S.A., a Panama company.")
    assert ("OPERATED_BY", "Koi", "Sunward Maritime S.A.") in found and ("OPERATED_BY", "Lark", "Sunward Maritime S.A.") in found


def test_shared_token_strings_and_texts_are_spacys(blank):
    """common.token_strings, span_text and doc_text (read once per Doc from the token hashes)
    give what Token.text, Token.lower_, Span.text and Doc.text give, whitespace included."""
    from ingest.components.common import doc_text, span_text, token_strings

    doc = blank.make_doc("  The TANKER  Sea-Wren\n\nsailed  to Port\tKelmouth. \n ")
    texts, lowers = token_strings(doc)
    assert texts == [t.text for t in doc] and lowers == [t.lower_ for t in doc]
    assert doc_text(doc) == doc.text
    n = len(doc)
    assert all(span_text(doc, a, b) == doc[a:b].text for a in range(-2, n + 2) for b in range(-2, n + 2))

"""Where a name starts and ends in news writing: a hyphenated modifier before a firm's name is
not part of it, a signal word after a business word is, and a left quote typed for an
apostrophe is read as one. Every sentence is our own and every party is invented.

The real model parses them (ingest.nlp.load, once per module).
"""

import pytest

from ingest.extract import build_result
from ingest.model import Document
from ingest.nlp import load
from ingest.readers import parse_text


@pytest.fixture(scope="module")
def nlp():
    return load()


def entities(nlp, text):
    doc = parse_text(text, ".txt", "story.txt")
    result = build_result(doc, nlp(doc.text))
    return {(e.label, e.name) for e in result.entities}, result


@pytest.mark.parametrize("text,name", [
    ("Regulators froze the accounts of U.S.-designated Harbor Crest Petroleum Company last week.", "Harbor Crest Petroleum Company"),
    ("The cargo was sold to EU-sanctioned Brightwater Trading Ltd in May.", "Brightwater Trading Ltd"),
    ("Investigators traced the payments to Iran-backed Kestrel Shipping Company.", "Kestrel Shipping Company"),
])
def test_a_hyphenated_modifier_is_not_part_of_the_name(nlp, text, name):
    got, _ = entities(nlp, text)
    assert ("Company", name) in got, got
    assert not any(n.endswith(name) and n != name for _, n in got), got


def test_a_hyphenated_word_inside_a_name_stays():
    """Only a modifier whose last part is lower case is cut: "Al-Noor", "S-Trader" are names."""
    from ingest.components.common import is_name_token

    class Tok:
        def __init__(self, text):
            self.text, self.is_punct, self.is_space = text, False, False

    assert not is_name_token(Tok("U.S.-designated"), False)
    assert not is_name_token(Tok("Iran-backed"), True)
    assert is_name_token(Tok("Al-Noor"), True) and is_name_token(Tok("S-Trader"), False)


@pytest.mark.parametrize("text,name", [
    ("Sanctioned firms include Tarragon Marine Services, a ship manager.", "Tarragon Marine Services"),
    ("The tanker is managed by Fjordline Shipping Group of Limassol.", "Fjordline Shipping Group"),
])
def test_a_signal_word_after_a_business_word_ends_the_name(nlp, text, name):
    got, _ = entities(nlp, text)
    assert ("Company", name) in got, got


def test_services_alone_after_an_ordinary_word_makes_no_firm(nlp):
    got, _ = entities(nlp, "Emergency Services arrived at the quay within minutes.")
    assert not any(label == "Company" for label, _ in got), got


def test_a_left_quote_typed_for_an_apostrophe(nlp):
    text = "Since the US imposed sanctions on Ruritania\u2018s state oil company Ruritanian Petroleum in March, buyers left."
    got, result = entities(nlp, text)
    assert not any("\u2018" in name or "\u2019" in name for _, name in got), got
    assert ("Company", "Ruritanian Petroleum") in got
    assert {(r.source, r.target) for r in result.relations if r.type == "SANCTIONED_BY"} == {("Ruritanian Petroleum", "United States")}


def test_a_quoted_phrase_keeps_its_left_quote():
    """Only a left quote between a letter and a possessive s is an apostrophe."""
    doc = parse_text("The minister called it \u2018sanctions theatre\u2019 on Monday.", ".txt", "q.txt")
    assert "\u2018sanctions" in doc.text


# -- a role noun whose object names nothing ---------------------------------------------------

def _relations(nlp, text, rtype):
    _, result = entities(nlp, text)
    return {(r.source, r.target) for r in result.relations if r.type == rtype}


def test_the_owners_of_those_ships_are_no_ships_and_the_acting_body_no_holder(nlp):
    """"The Treasury also sanctioned the registered owners of those ships, A and B": A and B
    are the owners (of ships named before, which one of which is not said), not owned, and the
    body that sanctions them holds nothing."""
    text = ("The regulator named two tankers, the Sorrel and the Hawkmoth. The Treasury also sanctioned the "
            "registered owners of those ships, Pelham Bay Inc. and Quayle Holdings Corp, on Friday.")
    assert _relations(nlp, text, "OWNED_BY") == set()
    assert ("Pelham Bay Inc", "US Department of the Treasury") in _relations(nlp, text, "SANCTIONED_BY")


def test_the_owner_of_the_tanker_still_holds_it(nlp):
    text = "Pelham Bay Inc., the registered owner of the tanker Sorrel, was sanctioned on Friday."
    assert ("Sorrel", "Pelham Bay Inc") in _relations(nlp, text, "OWNED_BY")


def test_ships_a_sanctioned_firm_operates_are_not_sanctioned_by_the_same_verb(nlp):
    text = ("The Office of Foreign Assets Control sanctioned Lindqvist Marine Ltd., a Malta-based company that "
            "operates two tankers, the Sorrel and the Hawkmoth.")
    got = _relations(nlp, text, "SANCTIONED_BY")
    assert got == {("Lindqvist Marine Ltd", "Office of Foreign Assets Control")}, got


def test_a_list_in_apposition_is_still_sanctioned(nlp):
    text = "The Office of Foreign Assets Control sanctioned three firms, Corrib Lines Ltd, Tavish Shipping Inc and Brede Marine Co."
    got = {s for s, _ in _relations(nlp, text, "SANCTIONED_BY")}
    assert {"Corrib Lines Ltd", "Tavish Shipping Inc", "Brede Marine Co"} <= got, got

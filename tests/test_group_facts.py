"""Facts stated about a counted group of ships or firms, given to the members named in the same
or a later sentence (ingest/components/relations/groups.py; issue 22). All articles are our
own; the names are invented. Each shape has near neighbours that must not give the facts."""

import pytest

from ingest.extract import build_result
from ingest.model import Document
from ingest.nlp import load


@pytest.fixture(scope="module")
def nlp():
    return load()


def relations(nlp, text):
    return build_result(Document(text=text), nlp(text)).relations


def edges(nlp, text, rtype):
    return {(r.source, r.target) for r in relations(nlp, text) if r.type == rtype}


def sanctioned(nlp, text):
    return {s for s, _t in edges(nlp, text, "SANCTIONED_BY")}


SHIPS = {"Harrier", "Plover", "Curlew"}
FIRMS = {"Northwind Shipping Ltd", "Saltmarsh Navigation Inc", "Greyling Marine Co"}
SHIP_LIST = "the tanker Harrier, the tanker Plover and the tanker Curlew"
FIRM_LIST = "Northwind Shipping Ltd, Saltmarsh Navigation Inc and Greyling Marine Co"


# -- positives ---------------------------------------------------------------------------------
def test_a_counted_group_and_a_copula_list_in_the_next_sentence(nlp):
    text = ("OFAC has blacklisted another three tankers operated by the state oil company Brasoleo SA. "
            f"The blacklisted vessels are {SHIP_LIST}.")
    rels = relations(nlp, text)
    assert {(r.source, r.target) for r in rels if r.type == "SANCTIONED_BY"} == {(s, "Office of Foreign Assets Control") for s in SHIPS}
    assert {(r.source, r.target) for r in rels if r.type == "OPERATED_BY"} == {(s, "Brasoleo SA") for s in SHIPS}
    # the evidence holds both sentences: the fact and the names
    for r in rels:
        assert "blacklisted another three tankers" in r.evidence and "Curlew" in r.evidence


def test_two_groups_in_one_sentence_each_take_their_own_class(nlp):
    text = ("The Treasury sanctioned three Dubai-based entities and designated three vessels that carried crude "
            f"above the price cap. The entities are {FIRM_LIST}; the vessels are {SHIP_LIST}.")
    rels = relations(nlp, text)
    assert {r.source for r in rels if r.type == "SANCTIONED_BY"} == FIRMS | SHIPS
    # the place the group is based in goes to the firms, not to the ships
    assert {r.source for r in rels if r.type == "LOCATED_IN" and r.target == "Dubai"} == FIRMS


def test_identified_as_and_a_later_reference_to_the_ships(nlp):
    text = ("Ferrow Shipping Ltd said on Monday that several vessels it chartered have been added to the OFAC list. "
            f"The newspaper identified the ships as {SHIP_LIST}. "
            "OFAC said the ships were linked to Tarnhelm Marine DMCC.")
    assert sanctioned(nlp, text) == SHIPS
    assert {(s, "Tarnhelm Marine DMCC") for s in SHIPS} <= edges(nlp, text, "ASSOCIATED_WITH")


def test_among_the_vessels_after_a_count_of_several_kinds(nlp):
    text = ("OFAC designated nine individuals, 16 entities and six vessels on Tuesday. "
            f"Among the vessels are {SHIP_LIST}.")
    assert sanctioned(nlp, text) == SHIPS


def test_a_colon_list_names_the_group(nlp):
    text = f"The State Department sanctioned three companies: {FIRM_LIST}."
    assert sanctioned(nlp, text) == FIRMS


def test_they_are_after_the_group(nlp):
    text = f"The Council designated three companies on Friday. They are {FIRM_LIST}."
    assert sanctioned(nlp, text) == FIRMS


def test_bullet_lines_after_a_counted_designation(nlp):
    text = ("OFAC designated three vessels on Friday:\n"
            "- the tanker Harrier (IMO 9123453)\n"
            "- the tanker Plover (IMO 9234563)\n"
            "- the tanker Curlew (IMO 9345673)\n")
    assert sanctioned(nlp, text) == SHIPS


def test_a_group_named_two_sentences_later(nlp):
    text = ("The Treasury designated three vessels on Thursday. The ships moved fuel to a sanctioned port. "
            f"The vessels are {SHIP_LIST}.")
    assert sanctioned(nlp, text) == SHIPS


# -- near-misses -------------------------------------------------------------------------------
def test_names_in_a_sentence_about_something_else_are_not_the_members(nlp):
    text = "Three vessels were sanctioned by OFAC. Separately, the tanker Harrier and the tanker Plover called at Tartus."
    assert sanctioned(nlp, text) == set()
    assert edges(nlp, text, "CALLED_AT")   # the sentence still says what it says


def test_a_list_of_another_class_does_not_bind_the_group(nlp):
    text = f"OFAC sanctioned three vessels on Monday. The companies are {FIRM_LIST}."
    assert sanctioned(nlp, text) == set()


def test_a_group_that_was_not_sanctioned_gives_nothing(nlp):
    text = f"Port officials inspected three tankers last week. They are {SHIP_LIST}."
    assert sanctioned(nlp, text) == set()


def test_a_denied_group_fact_gives_nothing(nlp):
    text = f"OFAC did not sanction the three tankers. The vessels are {SHIP_LIST}."
    assert sanctioned(nlp, text) == set()


def test_a_part_of_a_group_is_not_the_group(nlp):
    text = f"OFAC named three tankers on Monday. The vessels are {SHIP_LIST}. Two of the vessels were sanctioned by the EU."
    assert not {s for s, t in edges(nlp, text, "SANCTIONED_BY") if t == "European Union"}


def test_a_list_beyond_the_window_does_not_bind(nlp):
    text = ("The Treasury designated three vessels on Thursday. The decision follows a long inquiry. "
            "Officials spoke to reporters. The case drew wide notice. The press was told more. "
            f"The vessels are {SHIP_LIST}.")
    assert sanctioned(nlp, text) == set()


def test_more_names_than_the_count_do_not_bind(nlp):
    text = f"OFAC designated two vessels on Friday. The vessels are {SHIP_LIST}."
    assert sanctioned(nlp, text) == set()


def test_a_port_call_of_another_ship_does_not_reach_a_group_it_mentions(nlp):
    # The group is the object of "to": the call is the named tanker's, not the group's.
    text = ("The tanker Osprey lay at anchor off Lomé in May, passing fuel to two smaller ships. "
            "The receiving vessels were the tanker Harrier and the tanker Plover.")
    assert {s for s, _t in edges(nlp, text, "CALLED_AT")} <= {"Osprey"}


def test_a_group_that_called_at_a_port_gives_each_member_the_call(nlp):
    text = f"Three tankers called at Tartus in March. They are {SHIP_LIST}."
    assert {s for s, t in edges(nlp, text, "CALLED_AT") if t == "Tartus"} == SHIPS

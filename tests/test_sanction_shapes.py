"""SANCTIONED_BY in the shapes of designation notices (issue 22). All sentences are our own;
the names are invented. Each case has a near neighbour that must not become an edge.

The real model parses them (ingest.nlp.load, once per module).
"""

import pytest

from ingest.extract import build_result
from ingest.model import Document
from ingest.nlp import load


@pytest.fixture(scope="module")
def nlp():
    return load()


def found(nlp, text):
    result = build_result(Document(text=text), nlp(text))
    return {(r.source, r.target) for r in result.relations if r.type == "SANCTIONED_BY"}


NOTICE = ("Today, the Office of Foreign Assets Control (OFAC) is designating a network of traders and tankers. "
          "The following vessels carried fuel for the traders and are therefore being added to the SDN List as "
          "property in which a blocked person has an interest:\n\n")


def test_list_item_that_describes_its_ship_before_the_name(nlp):
    # "- The <flag>-flagged <type> NAME (IMO ...), ...": the words before the name describe it.
    text = NOTICE + ("- The Togo-flagged gas tanker NORTH WILLOW (IMO 9000001), which is owned by Delta Seaways "
                     "Limited, has carried oil since 2021.\n"
                     "- The Comoros-flagged tanker SILVER FERN (IMO 9000002) has carried gas since 2022.\n")
    got = found(nlp, text)
    assert ("NORTH WILLOW", "Office of Foreign Assets Control") in got
    assert ("SILVER FERN", "Office of Foreign Assets Control") in got
    # The owner named inside the item is not designated by it.
    assert not any(s == "Delta Seaways Limited" for s, _ in got)


def test_list_item_that_opens_with_a_clause_names_no_party(nlp):
    # The item opens with a sentence about someone else: its ship is not the item's party.
    text = NOTICE + "- Records show that a broker chartered the tanker SILVER FERN (IMO 9000002) in 2022.\n"
    assert not any(s == "SILVER FERN" for s, _ in found(nlp, text))

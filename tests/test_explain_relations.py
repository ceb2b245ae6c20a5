"""`sanctions-kg extract --explain`: what made each relation (rule, verb and voice, list,
apposition, relative clause, back-reference, the notice's designator) and why each relation
candidate left out was dropped. The article is our own."""

import json

import pytest
from click.testing import CliRunner

from cli import main

ARTICLE = """---
title: Treasury acts against a tanker network
published: '2026-03-02'
---
In a new action, the Office of Foreign Assets Control designated two tanker firms and their network.

Reasons: Northwind Tanker Services LLC is a shipping company based in Panama. The company is also the technical manager of the tanker Arctic Dawn, which is owned by Grey Gull Shipping Inc.

Kestrel Line Ltd, the registered owner of the tanker Polar Wren, hired new crews.

Northwind Tanker Services LLC and Grey Gull Shipping Inc. are being designated pursuant to E.O. 14024. Redwater Trading LLC was designated on March 3, 2021, pursuant to E.O. 13846. OFAC did not sanction the tanker Ice Lark.
"""


@pytest.fixture(scope="module")
def explained(tmp_path_factory):
    path = tmp_path_factory.mktemp("explain") / "notice.md"
    path.write_text(ARTICLE, "utf-8")
    res = CliRunner().invoke(main, ["extract", str(path), "--explain", "--format", "json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    table = CliRunner().invoke(main, ["extract", str(path), "--explain"])
    assert table.exit_code == 0
    return out, table.output


def made_by(out, rtype, source, target):
    """Structures of the explained relations of that type whose ends name these (the kept
    relation gives an entity's canonical name, the explanation the words of the text)."""
    def same(name, text):
        return name in text or any(part in name for part in text.split(", "))
    return [x["structure"] for x in out["relations_explained"]
            if x["type"] == rtype and same(source, x["source"]) and same(target, x["target"])]


def test_every_relation_says_what_made_it(explained):
    out, _ = explained
    kept = {(r["type"], r["source"], r["target"]) for r in out["relations"]}
    for rtype, source, target in kept:
        assert made_by(out, rtype, source.rstrip("."), target.rstrip(".")), (rtype, source, target)


def test_structures_named(explained):
    out, table = explained
    # A passive designation whose designator the notice's opening names, two names listed.
    why = made_by(out, "SANCTIONED_BY", "Northwind Tanker Services LLC", "Office of Foreign Assets Control")[0]
    assert "verb 'designate' (passive)" in why and "the notice's" in why and "list of 2" in why
    # "The company is the technical manager of ...": a back-reference and a copula.
    why = made_by(out, "OPERATED_BY", "Arctic Dawn", "Northwind Tanker Services LLC")[0]
    assert "back-reference 'company' -> Northwind Tanker Services LLC" in why and "copula" in why
    # "..., which is owned by Y": a participle in a relative clause.
    why = made_by(out, "OWNED_BY", "Arctic Dawn", "Grey Gull Shipping Inc")[0]
    assert "relative clause" in why and "(passive)" in why
    # "X, the registered owner of Y": an apposition.
    why = made_by(out, "OWNED_BY", "Polar Wren", "Kestrel Line Ltd")[0]
    assert "apposition" in why
    assert "made by" in table and "back-reference" in table


def test_dropped_relations_say_why(explained):
    out, table = explained
    dropped = {(d["label"], d["text"].split(" -> ")[0]): d["reason"] for d in out["dropped"] if d["stage"] == "relation"}
    assert "no designator named" in dropped[("SANCTIONED_BY", "Redwater Trading LLC")]
    assert "denied statement" in dropped[("SANCTIONED_BY", "Ice Lark")]
    assert not any(r["source"] in ("Redwater Trading LLC", "Ice Lark") for r in out["relations"])
    assert "denied statement" in table

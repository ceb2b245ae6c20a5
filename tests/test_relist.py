"""Importing a changed version of a sanctions list (issues 25/27): the graph is a function of its
inputs. Version 2 of a small list renames an alias, changes a flag and a former name's date, and
drops an entry (a lifted designation): importing 1 then 2 gives the graph importing only 2 gives,
with an article ingested before or after, on both backends."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph import evidence
from ingest.lists.importer import import_sanctions
from reliability_helpers import diff
from reliability_helpers import snapshot as _snapshot
from stores import clear

LISTS = Path(__file__).parent / "data" / "lists"
V1, V2 = LISTS / "relist_v1", LISTS / "relist_v2"

STORY = """---
title: Tanker seen off a Gulf port
url: https://example.org/sanctions-kg/test-relist
published: 2024-05-02
---

The tanker Amber Skiff (IMO 9315202) loaded crude at Bandar Abbas in April, port records show.
The Amber Skiff is owned by Wrenfield Maritime Ltd, a company registered in the Marshall Islands.
"""


def snapshot(store) -> dict:
    """The graph as plain data, without when a pending re-scan was recorded (--no-rescan)."""
    snap = _snapshot(store)
    nodes = {k: (labels, {p: v for p, v in props.items() if not ("Rescan" in labels and p == "since")})
             for k, (labels, props) in snap["nodes"].items()}
    return {"nodes": nodes, "rels": snap["rels"]}


def _article(tmp_path: Path) -> Path:
    path = tmp_path / "story.md"
    path.write_text(STORY, encoding="utf-8")
    return path


def _build(store, steps, article: Path) -> dict:
    from ingest.pipeline import ingest_paths

    for step in steps:
        if step == "article":
            ingest_paths(store, [article])
        else:
            import_sanctions(store, step, "ofac")
    return snapshot(store)


def _vessel(store, imo: str) -> dict:
    res = store.run("MATCH (n:Entity {id: $id}) RETURN properties(n) AS p", {"id": f"imo:{imo}"})
    return res.rows[0]["p"]


def test_reimport_of_a_changed_list_equals_a_fresh_import(store, backend):
    import_sanctions(store, V1, "ofac", rescan=False)
    before = _vessel(store, "9315202")
    assert before["flag"] == "Palau" and "AMBER S" in before["aliases"]
    import_sanctions(store, V2, "ofac", rescan=False)
    relisted = snapshot(store)
    ship = _vessel(store, "9315202")
    assert ship["flag"] == "Cameroon"
    assert "AMBER S" not in ship["aliases"] and "AMBER SK" in ship["aliases"]
    identity = [evidence.decode(x) for x in ship["identity"]]
    assert not any(x.get("value") in ("AMBER S", "Palau") for x in identity), identity
    heron = [evidence.decode(x) for x in _vessel(store, "9600310")["identity"]]
    assert {x.get("date") for x in heron if x.get("value") == "OLD HERON"} == {"2022-03-02"}, heron
    gone = store.run("MATCH (n:Entity) WHERE n.name = 'QUILL HARBOR SHIPPING LLC' RETURN n.id AS id").rows
    assert gone == []
    clear(backend, store)
    import_sanctions(store, V2, "ofac", rescan=False)
    fresh = snapshot(store)
    assert relisted == fresh, diff(relisted, fresh)


def test_reimporting_the_same_version_changes_nothing(store):
    import_sanctions(store, V1, "ofac")
    once = snapshot(store)
    import_sanctions(store, V1, "ofac")
    assert snapshot(store) == once, diff(snapshot(store), once)


@pytest.mark.parametrize("order", ["article first", "list first"])
def test_reimport_with_an_article_equals_a_fresh_import(store, backend, tmp_path, order):
    article = _article(tmp_path)
    if order == "article first":
        relisted = _build(store, ["article", V1, V2], article)
        clear(backend, store)
        fresh = _build(store, ["article", V2], article)
    else:
        relisted = _build(store, [V1, "article", V2], article)
        clear(backend, store)
        fresh = _build(store, ["article", V2], article)
    assert relisted == fresh, diff(relisted, fresh)


def test_other_lists_keep_what_they_gave(store, backend, tmp_path):
    # The FollowTheMoney list shares the sanctioning agency with this one; its entries, edges and
    # the agency's names stay as they are when this list changes.
    ftm = LISTS / "entities.ftm.json"
    import_sanctions(store, ftm, "ftm", rescan=False)
    import_sanctions(store, V1, "ofac", rescan=False)
    import_sanctions(store, V2, "ofac", rescan=False)
    relisted = snapshot(store)
    assert store.run("MATCH (n:Entity) WHERE 'ftm:os-oboron' IN n.list_ids RETURN n.id AS id").rows
    clear(backend, store)
    import_sanctions(store, ftm, "ftm", rescan=False)
    import_sanctions(store, V2, "ofac", rescan=False)
    fresh = snapshot(store)
    assert relisted == fresh, diff(relisted, fresh)


def test_an_import_stopped_after_the_withdrawal_is_finished_by_the_next(store, backend):
    from ingest.lists.importer import _withdraw

    import_sanctions(store, V1, "ofac", rescan=False)
    _withdraw(store, store.listings(), "us-ofac-sdn", set())  # what a crash right after it leaves
    import_sanctions(store, V2, "ofac", rescan=False)
    relisted = snapshot(store)
    clear(backend, store)
    import_sanctions(store, V2, "ofac", rescan=False)
    fresh = snapshot(store)
    assert relisted == fresh, diff(relisted, fresh)

"""Ids made from the fullest name (graph/ontology.yaml `id_name: fullest`, ingest/resolve.py) and
re-keying (graph/rekey.py): a person first met by surname alone is re-keyed when an article gives
the full name, and every stored copy of the id follows — on both backends (the store fixtures).
Every name and text here is made up for these tests."""

from __future__ import annotations

import pytest

from reliability_helpers import diff, snapshot
from stores import clear

FULL = ("Published: 2025-05-06\nRiver port reopens\n\nOrlena Dravic, the governor of the northern province, said on Tuesday "
        "that the river port would reopen. Dravic gave no date for the first sailing.\n")
BARE = ("Published: 2025-05-02\nQuiet week on the river\n\nDravic told a local radio station that barges were "
        "waiting upstream.\n")
OTHER = ("Published: 2025-05-08\nA second official\n\nTomas Dravic, the mayor of the harbour town, said on Wednesday "
         "that the ferry would run again. Dravic did not say when.\n")


def _write(tmp_path, texts: dict[str, str]) -> dict[str, str]:
    paths = {}
    for name, text in texts.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        paths[name] = str(tmp_path / name)
    return paths


def _ingest(store, *paths: str) -> None:
    from ingest.pipeline import ingest_paths

    for p in paths:
        summary = ingest_paths(store, [p])
        assert summary.ok, summary.failed


def _people(store) -> list[tuple[str, str]]:
    return [(r["id"], r["name"]) for r in store.run("MATCH (n:Person) RETURN n.id AS id, n.name AS name ORDER BY id").rows]


def _mentioned(store, person: str) -> list[str]:
    return [r["t"] for r in store.run("MATCH (a:Article)-[:MENTIONS]->(n:Entity {id: $id}) RETURN a.title AS t "
                                      "ORDER BY t", {"id": person}).rows]


def test_fullest_is_an_order_free_choice_and_full_names_of_two_people_clash():
    from ingest.resolve import fullest, names_clash

    assert fullest("voskin", "marek-voskin") == fullest("marek-voskin", "voskin") == "marek-voskin"
    assert fullest("ab-cd", "ab-ce") == fullest("ab-ce", "ab-cd") == "ab-cd"  # a tie: the smallest
    assert names_clash("marek-voskin", "ilona-voskin")
    assert not names_clash("voskin", "marek-voskin")
    assert not names_clash("marek-voskin", "marek-ivanovich-voskin")


def test_a_surname_first_is_re_keyed_to_the_full_name_and_the_graph_is_that_of_the_other_order(store, backend, tmp_path):
    """Bare surname, then full name: one person, person:orlena-dravic, mentioned by both articles;
    the whole graph (nodes, relationships, evidence) is the one the other order gives."""
    p = _write(tmp_path, {"bare.txt": BARE, "full.txt": FULL})
    _ingest(store, p["bare.txt"])
    assert _people(store) == [("person:dravic", "Dravic")]
    _ingest(store, p["full.txt"])
    assert _people(store) == [("person:orlena-dravic", "Orlena Dravic")]
    assert _mentioned(store, "person:orlena-dravic") == ["Quiet week on the river", "River port reopens"]
    first = snapshot(store)
    clear(backend, store)
    _ingest(store, p["full.txt"], p["bare.txt"])
    assert snapshot(store) == first, diff(snapshot(store), first)


@pytest.mark.parametrize("order", [("full", "other", "bare-full"), ("other", "full", "bare-full")])
def test_two_full_names_that_share_a_surname_stay_two_people(store, tmp_path, order):
    texts = {"full": FULL, "other": OTHER}
    p = _write(tmp_path, {f"{k}.txt": v for k, v in texts.items()})
    _ingest(store, *(p[f"{k}.txt"] for k in order if k in texts))
    assert _people(store) == [("person:orlena-dravic", "Orlena Dravic"), ("person:tomas-dravic", "Tomas Dravic")]


def test_two_full_names_that_share_a_surname_stay_two_when_the_surname_came_first(store, tmp_path):
    """The bare surname joins the first full name met (it was one person's then); the second full
    name does not join that person through the surname they share."""
    p = _write(tmp_path, {"bare.txt": BARE, "full.txt": FULL, "other.txt": OTHER})
    _ingest(store, p["bare.txt"], p["full.txt"], p["other.txt"])
    assert _people(store) == [("person:orlena-dravic", "Orlena Dravic"), ("person:tomas-dravic", "Tomas Dravic")]
    assert _mentioned(store, "person:tomas-dravic") == ["A second official"]


def test_a_review_decision_and_a_watch_follow_the_new_id(store, tmp_path):
    """A rejected match candidate stays rejected, under the candidate id of the new ends; a watch on
    the person follows (target, id, the facts it knew); no alert is raised again for what it knew."""
    from graph import watch
    from graph.listings import CandidateLink, candidate_id
    from queries.report import resolve_entity

    p = _write(tmp_path, {"bare.txt": BARE, "full.txt": FULL})
    _ingest(store, p["bare.txt"])
    store.upsert_nodes("Person", [{"id": "person:dravic-listed", "name": "DRAVIC, Orlen", "source": "list:test",
                                   "listed": True, "list_ids": ["test:1"]}])
    listings = store.listings()
    old_cid = candidate_id("person:dravic", "person:dravic-listed")
    listings.add_candidates([CandidateLink("person:dravic", "person:dravic-listed", old_cid, 0.9, "surname")])
    assert listings.reject(old_cid)
    w, new = watch.add_watch(store, resolve_entity(store, "person:dravic"), by="tester")
    assert new and w.id == "watch:entity:person:dravic"
    assert watch.raise_alerts(store) == []

    _ingest(store, p["full.txt"])
    cid = candidate_id("person:orlena-dravic", "person:dravic-listed")
    assert listings.find(old_cid) is None
    assert listings.find(cid) == listings.find(cid).__class__("person:orlena-dravic", "person:dravic-listed", "rejected")
    assert cid in listings.rejected()
    (moved,) = watch.list_watches(store)
    assert (moved.id, moved.target) == ("watch:entity:person:orlena-dravic", "person:orlena-dravic")
    known = store.run("MATCH (w:Watch) RETURN w.known AS k").rows[0]["k"]
    assert "article|" + _article_id(store, "Quiet week on the river") in known
    assert not any("person:dravic|" in k or k.endswith("|person:dravic") for k in known), known
    alerts = watch.list_alerts(store)
    # Raised after the ingest: the new article and the new name, each once; not the first article.
    assert {a.watch for a in alerts} == {moved.id}
    assert sorted(a.kind for a in alerts) == ["article", "new_name"], [a.summary for a in alerts]
    assert all(a.subject in ("person:orlena-dravic", _article_id(store, "River port reopens")) for a in alerts)


def _article_id(store, title: str) -> str:
    return store.run("MATCH (a:Article {title: $t}) RETURN a.id AS id", {"t": title}).rows[0]["id"]


def test_re_keying_moves_denials_and_alerts_and_is_a_no_op_done_twice(store):
    """graph/rekey.py on its own: a denial naming the node as its target, an alert about it and
    the node itself follow; the same re-key again (a re-run after a kill) changes nothing."""
    from graph import rekey
    from graph.evidence import encode

    denial = encode("art-1", "Velk Marine denied any tie to Dravic.", "rule", certainty="denied",
                    type="ASSOCIATED_WITH", target="person:dravic")
    store.upsert_nodes("Article", [{"id": "art-1", "title": "t", "complete": True}])
    store.upsert_nodes("Company", [{"id": "company:velk-marine", "name": "Velk Marine", "denials": [denial]}])
    store.upsert_nodes("Person", [{"id": "person:dravic", "name": "Dravic"}])
    store.upsert_relationships("MENTIONS", [{"start": "art-1", "end": "company:velk-marine"},
                                            {"start": "art-1", "end": "person:dravic"}])
    store.upsert_nodes("Alert", [{"id": "al-1", "watch": "watch:entity:other", "subject": "person:dravic"}])
    for _ in range(2):
        with store.batch() as b:
            rekey.add_rekeys(b, store, [("person:dravic", "person:orlena-dravic")])
        snap = snapshot(store)
        assert "person:dravic" not in snap["nodes"] and "person:orlena-dravic" in snap["nodes"]
        (item,) = snap["nodes"]["company:velk-marine"][1]["denials"]
        assert '"target":"person:orlena-dravic"' in item and item.replace("orlena-dravic", "dravic") == denial
        assert snap["nodes"]["al-1"][1]["subject"] == "person:orlena-dravic"


def test_withdrawing_the_article_that_gave_the_full_name_makes_the_id_from_the_names_left(store, backend, tmp_path):
    """Ingest both, remove the full-name article: the graph of the bare article alone."""
    from ingest.lifecycle import remove_article

    p = _write(tmp_path, {"bare.txt": BARE, "full.txt": FULL})
    _ingest(store, p["bare.txt"])
    alone = snapshot(store)
    _ingest(store, p["full.txt"])
    remove_article(store, _article_id(store, "River port reopens"))
    assert _people(store) == [("person:dravic", "Dravic")]
    assert snapshot(store) == alone, diff(snapshot(store), alone)


def test_a_changed_version_without_the_full_name_makes_the_id_from_the_names_left(store, backend, tmp_path):
    """An article corrected in place (same path) no longer gives the full name: the graph is the
    one of the corrected version and the other article alone."""
    p = _write(tmp_path, {"bare.txt": BARE, "full.txt": FULL})
    _ingest(store, p["bare.txt"], p["full.txt"])
    assert _people(store) == [("person:orlena-dravic", "Orlena Dravic")]
    corrected = FULL.replace("Orlena Dravic, the governor", "Dravic, the governor")
    (tmp_path / "full.txt").write_text(corrected, encoding="utf-8")
    _ingest(store, p["full.txt"])
    assert _people(store) == [("person:dravic", "Dravic")]
    assert _mentioned(store, "person:dravic") == ["Quiet week on the river", "River port reopens"]
    after = _without_history(snapshot(store))  # the versions it replaced: the one difference
    clear(backend, store)
    _ingest(store, p["bare.txt"], p["full.txt"])
    assert snapshot(store) == after, diff(snapshot(store), after)


def _without_history(snap: dict) -> dict:
    for _, props in snap["nodes"].values():
        props.pop("history", None)
    return snap


# -- an agency a sanctions list writes by a fixed id (issue 27) -----------------------------------
# The list reader names OFAC as the sanctioning body: node agency:office-of-foreign-assets-control.
# An article giving the body a fuller name re-keys that node; the list's next import must land on
# it again, not make a second node by the fixed id (nor a second one when the article came first).
AGENCY_SDN = ('97301,"DUSK PLOVER","vessel","RUSSIA-EO14024","-0- ","-0- ","Bulk Carrier","-0- ","-0- ","Palau",'
              '"-0- ","Vessel Registration Identification IMO 9312341."\n')
AGENCY_NOTE = ("Published: 2025-03-01\nThe U.S. Office of Foreign Assets Control sanctioned the bulk carrier Dusk "
               "Plover (IMO 9312341) in March, officials said.\n")


def _agencies(store) -> list[str]:
    return store.run("MATCH (n:Agency) RETURN n.id AS id ORDER BY id").values()


@pytest.mark.parametrize("list_first", [True, False], ids=["list-then-article", "article-then-list"])
def test_an_agency_a_list_names_stays_one_node_across_imports_when_an_article_re_keys_it(store, backend, tmp_path,
                                                                                         list_first):
    from ingest.lists.importer import import_sanctions

    p = _write(tmp_path, {"note.txt": AGENCY_NOTE, "sdn.csv": AGENCY_SDN})
    steps = [lambda: import_sanctions(store, p["sdn.csv"]), lambda: _ingest(store, p["note.txt"])]
    for step in steps if list_first else steps[::-1]:
        step()
    agencies = _agencies(store)
    assert len(agencies) == 1, agencies
    import_sanctions(store, p["sdn.csv"])  # the list again
    assert _agencies(store) == agencies
    # The list's sanction and the article's statement of it, both on the one node.
    rows = store.run("MATCH (:Vessel)-[r:SANCTIONED_BY]->(a:Agency) RETURN a.id AS id, r.methods AS m").rows
    assert sorted(r["m"] for r in rows) == [["list"], ["rule"]] and {r["id"] for r in rows} == set(agencies)


def test_the_agency_of_a_list_and_an_article_is_one_graph_in_either_order(store, backend, tmp_path):
    from ingest.lists.importer import import_sanctions

    p = _write(tmp_path, {"note.txt": AGENCY_NOTE, "sdn.csv": AGENCY_SDN})
    graphs = []
    for list_first in (True, False):
        clear(backend, store)
        steps = [lambda: import_sanctions(store, p["sdn.csv"]), lambda: _ingest(store, p["note.txt"])]
        for step in steps if list_first else steps[::-1]:
            step()
        graphs.append(snapshot(store))
    assert graphs[0] == graphs[1], diff(graphs[0], graphs[1])


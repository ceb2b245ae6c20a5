"""An article's life after its first ingest (issue 24): it keeps its identity by URL (by path
when it has none); a changed version replaces the stored one atomically, its facts withdrawn and
its date kept in history; `remove` withdraws an article and what only it supported. On a store
of each backend (tests/stores.py), with the example articles and texts written here."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from graph.errors import LookupFailed
from ingest.lifecycle import find_article, remove_article
from ingest.pipeline import ingest_paths
from reliability_helpers import diff, snapshot
from stores import clear

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "articles"
# Example articles B that share entities with the rest (Novorossiysk; Rason, which B names
# "Najin" and "Rajin" too; Vostochny, which B calls "Vostochny Port").
CASES = {
    "16_uk_fcdo_notice.md": "UK notice adds four tankers and a Dubai ship manager to the Russia list",
    "07_rajin_najin_aliases.txt": None,
}

STORY = """---
title: Tanker loads at a Baltic port
url: https://example.org/sanctions-kg/test-lifecycle
published: {published}
---

The tanker Pale Comet (IMO 9234563) loaded crude at Primorsk on March 3, port records show.
The Pale Comet is owned by Quillon Marine Ltd, a company registered in the Marshall Islands.
{extra}
"""


def invoke(db: str, *args: str):
    return CliRunner().invoke(main, ["--db", db, *args], catch_exceptions=False)


def _copy(folder: Path, names: list[str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for n in names:
        shutil.copy(EXAMPLES / n, folder / n)
    return folder


def _without_history(snap: dict) -> dict:
    nodes = {k: (labels, {p: v for p, v in props.items() if p != "history"}) for k, (labels, props) in snap["nodes"].items()}
    return {"nodes": nodes, "rels": snap["rels"]}


def _sentences(store) -> list[str]:
    """Each relationship's evidence sentences, prefixed by the relationship (one sentence may
    state two facts: "owned by X, a firm registered in Y" gives OWNED_BY and LOCATED_IN)."""
    rows = store.run("MATCH (a)-[r]->(b) WHERE r.evidence IS NOT NULL UNWIND r.evidence AS e "
                     "RETURN a.id AS a, type(r) AS t, b.id AS b, e").rows
    return sorted(f"{r['a']} {r['t']} {r['b']}: " + json.loads(r["e"])["sentence"] for r in rows)


# -- remove -------------------------------------------------------------------------------------
@pytest.mark.parametrize("b", list(CASES))
def test_ingest_a_and_b_then_remove_b_is_the_graph_of_a(store, b, tmp_path):
    """A: every other example article. B's names for entities A names too (aliases, keys, a
    name it wrote last) go with it; what A says stays as A alone says it."""
    a = [p.name for p in EXAMPLES.iterdir() if p.is_file() and p.name != b]
    ingest_paths(store, [_copy(tmp_path / "a", a)])
    only_a = snapshot(store)
    assert only_a["nodes"]
    store.run("MATCH (n) DETACH DELETE n", write=True)

    ingest_paths(store, [_copy(tmp_path / "a", a), _copy(tmp_path / "b", [b])])
    with_b = snapshot(store)
    assert with_b != only_a
    removal = remove_article(store, str(tmp_path / "b" / b))
    if CASES[b]:
        assert [x.title for x in removal.articles] == [CASES[b]]
    assert removal.relationships_removed > 0 and removal.entities_removed > 0
    assert removal.entities_kept > 0  # B names entities A names too
    after = snapshot(store)
    assert after == only_a, diff(after, only_a)


def test_a_fact_other_articles_state_stays_with_their_evidence(store, tmp_path):
    one, two = tmp_path / "one.txt", tmp_path / "two.txt"
    one.write_text("Title: First note\n\nThe tanker Pale Comet is owned by Quillon Marine Ltd.\n", "utf-8")
    two.write_text("Title: Second note\n\nRegistry papers say Quillon Marine Ltd owns the tanker Pale Comet.\n", "utf-8")
    ingest_paths(store, [one, two])
    owned = "MATCH (:Vessel)-[r:OWNED_BY]->(:Company) RETURN r.articles AS articles, r.evidence AS evidence"
    [before] = store.run(owned).rows
    assert len(before["articles"]) == 2
    removal = remove_article(store, str(two))
    assert (removal.relationships_removed, removal.relationships_kept, removal.entities_removed) == (0, 1, 0)
    [after] = store.run(owned).rows
    assert len(after["articles"]) == 1 and len(after["evidence"]) == 1
    assert json.loads(after["evidence"][0])["sentence"] == "The tanker Pale Comet is owned by Quillon Marine Ltd."
    assert store.run("MATCH (a:Article) RETURN a.title AS t").rows == [{"t": "First note"}]


def test_find_an_article_by_id_prefix_url_or_path(store, tmp_path):
    story = tmp_path / "story.md"
    story.write_text(STORY.format(published="2024-03-05", extra=""), "utf-8")
    ingest_paths(store, [story])
    [aid] = store.run("MATCH (a:Article) RETURN a.id AS id").values()
    for ref in (aid, aid[:12], "https://example.org/sanctions-kg/test-lifecycle", str(story)):
        assert find_article(store, ref).id == aid
    with pytest.raises(LookupFailed, match=r"^No stored article has the id, URL or path 'nope.txt'\. Give the URL or path"):
        find_article(store, "nope.txt")


def test_cli_remove_prints_what_changed(db_arg, store, tmp_path):
    story = tmp_path / "story.md"
    story.write_text(STORY.format(published="2024-03-05", extra=""), "utf-8")
    ingest_paths(store, [story])
    result = invoke(db_arg, "remove", "https://example.org/sanctions-kg/test-lifecycle")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("removed article ") and lines[0].endswith(
        ": Tanker loads at a Baltic port (https://example.org/sanctions-kg/test-lifecycle)")
    assert lines[1].startswith("withdrawn: ") and lines[1].endswith(" only it supported")
    assert lines[2].startswith("kept: 0 relationships and 0 entities")
    assert store.run("MATCH (n) RETURN count(n) AS c").rows[0]["c"] == 0
    again = invoke(db_arg, "remove", "https://example.org/sanctions-kg/test-lifecycle")
    assert again.exit_code == 1
    [line] = again.stderr.strip().splitlines()
    assert line.startswith("Error: No stored article has the id, URL or path 'https://example.org/sanctions-kg/test-lifecycle'.")


# -- replace ------------------------------------------------------------------------------------
def test_a_changed_version_replaces_the_stored_one(store, tmp_path):
    first, second = tmp_path / "v1", tmp_path / "v2"
    first.mkdir(), second.mkdir()
    (first / "story.md").write_text(STORY.format(published="2024-03-05", extra=""), "utf-8")
    # The edited copy: one word changed, one sentence added, published again.
    edited = STORY.format(published="2024-03-07", extra="Quillon Marine Ltd was sanctioned by the United States in 2023.")
    (second / "story.md").write_text(edited.replace("crude", "diesel"), "utf-8")
    ingest_paths(store, [first])
    [old] = store.run("MATCH (a:Article) RETURN a.id AS id, a.ingested_at AS at").rows
    summary = ingest_paths(store, [second / "story.md"])
    assert (summary.new, summary.replaced) == (0, 1)
    rows = store.run("MATCH (a:Article) RETURN a.id AS id, a.published AS published, a.history AS history").rows
    [new] = rows
    assert new["id"] != old["id"] and new["published"] == "2024-03-07"
    [item] = [json.loads(h) for h in new["history"]]
    assert (item["id"], item["published"], item["ingested_at"]) == (old["id"], "2024-03-05", old["at"])
    sentences = _sentences(store)
    assert len(sentences) == len(set(sentences))  # every evidence sentence once
    assert not any("crude" in s for s in sentences) and any("diesel" in s for s in sentences)
    # The graph is that of the new version alone, but for its history.
    replaced = _without_history(snapshot(store))
    store.run("MATCH (n) DETACH DELETE n", write=True)
    ingest_paths(store, [second / "story.md"])
    fresh = _without_history(snapshot(store))
    assert replaced == fresh, diff(replaced, fresh)


@pytest.mark.parametrize("runs", ["one run", "a run each"])
def test_the_newer_of_two_dated_versions_is_kept_in_either_order(store, backend, tmp_path, runs):
    """Issue 27: two dated texts under one URL (a site that republishes a page, or excerpts of
    one consolidated text) give the graph of the newer one, whichever is ingested last: an older
    version that comes after a newer one is not written, and is counted as older."""
    older, newer = tmp_path / "older.md", tmp_path / "newer.md"
    older.write_text(STORY.format(published="2024-03-05", extra=""), "utf-8")
    edited = STORY.format(published="2024-03-07", extra="Quillon Marine Ltd was sanctioned by the United States in 2023.")
    newer.write_text(edited.replace("crude", "diesel"), "utf-8")
    graphs, counts = [], []
    for order in ([older, newer], [newer, older]):
        clear(backend, store)
        groups = [order] if runs == "one run" else [[p] for p in order]
        summaries = [ingest_paths(store, [str(p) for p in group]) for group in groups]
        counts.append(sum(s.older for s in summaries))
        graphs.append(_without_history(snapshot(store)))
    assert counts == [0, 1]
    assert graphs[0] == graphs[1], diff(graphs[0], graphs[1])
    assert any("diesel" in s for s in _sentences(store)) and not any("crude" in s for s in _sentences(store))


def test_an_article_without_url_is_known_by_its_path(store, tmp_path):
    note = tmp_path / "note.txt"
    note.write_text("Title: Note\n\nThe tanker Pale Comet is owned by Quillon Marine Ltd.\n", "utf-8")
    ingest_paths(store, [note])
    note.write_text("Title: Note\n\nThe tanker Pale Comet is operated by Quillon Marine Ltd.\n", "utf-8")
    summary = ingest_paths(store, [note])
    assert summary.replaced == 1
    types = store.run("MATCH (:Vessel)-[r]->(:Company) RETURN type(r) AS t").values()
    assert types == ["OPERATED_BY"]
    assert store.run("MATCH (a:Article) RETURN count(a) AS c").rows[0]["c"] == 1


def test_reprocess_is_not_counted_as_new(db_arg, store, tmp_path):
    note = tmp_path / "note.txt"
    note.write_text("Title: Note\n\nThe tanker Pale Comet is owned by Quillon Marine Ltd.\n", "utf-8")
    ingest_paths(store, [note])
    result = invoke(db_arg, "ingest", str(note), "--reprocess")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "articles: 0 new, 1 reprocessed, 0 unchanged, 0 failed"


# -- versions of one URL and date (issue 27) ------------------------------------------------------
# Two texts one site publishes at one address on one day (two annexes of one notice): neither is
# later, so neither replaces the other; the graph holds the facts of both, in any order.
ANNEX = """---
title: Annex {n} to a shipping notice
url: https://example.org/sanctions-kg/test-annexes
published: {published}
---

{body}
"""
ANNEX_ONE = ("The tanker Pale Comet (IMO 9234563) is owned by Quillon Marine Ltd, a company registered in the "
             "Marshall Islands.")
ANNEX_TWO = ("The bulk carrier Grey Heron (IMO 9176187) is managed by Quillon Marine Ltd.\n"
             "Registry papers say Quillon Marine Ltd owns the tanker Pale Comet (IMO 9234563).")
ANNEX_LATER = "The tanker Pale Comet (IMO 9234563) is operated by Quillon Marine Ltd."


def _annexes(folder: Path, published: str = "2024-05-02") -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    one, two = folder / "annex-1.md", folder / "annex-2.md"
    one.write_text(ANNEX.format(n=1, published=published, body=ANNEX_ONE), "utf-8")
    two.write_text(ANNEX.format(n=2, published=published, body=ANNEX_TWO), "utf-8")
    return one, two


def _articles(store) -> list[dict]:
    return store.run("MATCH (a:Article) RETURN a.title AS title, a.history AS history ORDER BY title").rows


@pytest.mark.parametrize("runs", ["one run", "a run each", "one run, two processes"])
def test_two_texts_of_one_url_and_date_both_stand_in_either_order(store, backend, tmp_path, runs):
    one, two = _annexes(tmp_path)
    graphs, beside = [], []
    for order in ([one, two], [two, one]):
        clear(backend, store)
        groups = [order] if runs.startswith("one run") else [[p] for p in order]
        n_process = 2 if runs.endswith("two processes") else 1
        summaries = [ingest_paths(store, [str(p) for p in group], n_process=n_process) for group in groups]
        assert sum(s.new for s in summaries) == 2 and not any(s.replaced or s.older for s in summaries)
        beside.append(sum(s.beside for s in summaries))
        assert [a["title"] for a in _articles(store)] == ["Annex 1 to a shipping notice", "Annex 2 to a shipping notice"]
        graphs.append(snapshot(store))
    assert beside == [1, 1]
    assert graphs[0] == graphs[1], diff(graphs[0], graphs[1])  # lists as stored, not as sets
    names = set(store.run("MATCH (v:Vessel) RETURN v.name AS n").values())
    assert names == {"Pale Comet", "Grey Heron"}  # the facts of both
    [owned] = store.run("MATCH (:Vessel {name: 'Pale Comet'})-[r:OWNED_BY]->(:Company) RETURN r.articles AS a").values()
    assert len(owned) == 2 and owned == sorted(owned)


def test_a_later_dated_version_of_the_url_replaces_both(store, backend, tmp_path):
    one, two = _annexes(tmp_path / "first")
    later = tmp_path / "later" / "annex.md"
    later.parent.mkdir()
    later.write_text(ANNEX.format(n=3, published="2024-05-09", body=ANNEX_LATER), "utf-8")
    ingest_paths(store, [one, two])
    ids = sorted(store.run("MATCH (a:Article) RETURN a.id AS id").values())
    summary = ingest_paths(store, [later])
    assert (summary.new, summary.replaced, summary.beside) == (0, 1, 0)
    [article] = _articles(store)
    assert sorted(json.loads(h)["id"] for h in article["history"]) == ids
    assert store.run("MATCH (:Vessel)-[r]->(:Company) RETURN type(r) AS t").values() == ["OPERATED_BY"]
    replaced = _without_history(snapshot(store))
    clear(backend, store)
    ingest_paths(store, [later])
    assert _without_history(snapshot(store)) == replaced, diff(_without_history(snapshot(store)), replaced)
    # Neither annex, coming after it, is written: both are older.
    assert ingest_paths(store, [one, two]).older == 2


@pytest.mark.parametrize("undated_first", [True, False])
def test_under_one_url_an_undated_version_comes_before_a_dated_one(store, backend, tmp_path, undated_first):
    undated, dated = tmp_path / "undated.md", tmp_path / "dated.md"
    undated.write_text(ANNEX.format(n=1, published="", body=ANNEX_ONE).replace("published: \n", ""), "utf-8")
    dated.write_text(ANNEX.format(n=2, published="2024-05-02", body=ANNEX_TWO), "utf-8")
    for p in ([undated, dated] if undated_first else [dated, undated]):
        ingest_paths(store, [p])
    assert [a["title"] for a in _articles(store)] == ["Annex 2 to a shipping notice"]
    graph = _without_history(snapshot(store))
    clear(backend, store)
    ingest_paths(store, [dated])
    assert _without_history(snapshot(store)) == graph, diff(_without_history(snapshot(store)), graph)


def test_the_same_file_changed_still_replaces_its_version_of_the_same_date(store, tmp_path):
    one, two = _annexes(tmp_path)
    ingest_paths(store, [one, two])
    one.write_text(ANNEX.format(n=1, published="2024-05-02", body=ANNEX_LATER), "utf-8")
    summary = ingest_paths(store, [one])
    assert (summary.replaced, summary.beside) == (1, 1)  # its old text replaced, annex 2 beside it
    assert len(_articles(store)) == 2
    types = sorted(store.run("MATCH (:Vessel {name: 'Pale Comet'})-[r]->(:Company) RETURN type(r) AS t").values())
    assert types == ["OPERATED_BY", "OWNED_BY"]  # OWNED_BY: annex 2 states it too


def test_remove_by_a_url_two_versions_share_asks_for_an_id(db_arg, store, tmp_path):
    one, two = _annexes(tmp_path)
    summary_line = invoke(db_arg, "ingest", str(one), str(two)).stdout.splitlines()[0]
    assert summary_line == "articles: 2 new, 1 beside a version of the same URL and date, 0 unchanged, 0 failed"
    url = "https://example.org/sanctions-kg/test-annexes"
    ids = sorted(store.run("MATCH (a:Article) RETURN a.id AS id").values())
    with pytest.raises(LookupFailed, match=r"names 2 articles: .*Give the id of one\.$"):
        find_article(store, url)
    result = invoke(db_arg, "remove", url)
    assert result.exit_code == 1
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(f"Error: {url!r} names 2 articles: ") and all(i[:12] in line for i in ids)
    removed = remove_article(store, str(two))  # by its path, or by its id
    assert [a.title for a in removed.articles] == ["Annex 2 to a shipping notice"]
    assert find_article(store, url).path == str(one)

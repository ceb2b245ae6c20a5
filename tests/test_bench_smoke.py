"""The benchmarks at toy size, so they keep running as the code under them changes.

Seconds, not a measurement: no timing is asserted here (see bench/RESULTS.md for figures).
"""

from __future__ import annotations

import json

import pytest

from bench import corpus, graphgen, write_bench


def test_corpus_is_deterministic_with_valid_imo_numbers():
    import re

    a, b = corpus.generate(20), corpus.generate(20)
    assert a == b
    imos = re.findall(r"IMO(?: number|:)? (\d{7})", " ".join(x["text"] for x in a))
    assert imos and all(corpus.valid_imo(n) for n in imos)
    assert corpus.valid_imo("9161003") and not corpus.valid_imo("9161004")


def test_corpus_writes_files(tmp_path):
    paths = corpus.write(corpus.generate(3), tmp_path / "c", "md")
    assert len(paths) == 3 and paths[0].read_text().startswith("# ")
    (out,) = corpus.write(corpus.generate(3), tmp_path / "c.jsonl", "jsonl")
    assert len([json.loads(line) for line in out.read_text().splitlines()]) == 3


def test_graphgen_rows_fit_the_ontology():
    from graph import cypher
    from graph.ontology import load

    g = graphgen.generate(300, 1500)
    assert g.n_entities >= 300 and g.n_rels >= 1500
    onto = load()
    for label, rows in g.nodes.items():
        cypher.upsert_nodes(label, rows, onto)
    for rel, rows in g.rels.items():
        cypher.upsert_relationships(rel, rows, onto)


def test_write_bench_toy():
    res = write_bench.run(entities=200, relationships=600, batch=100, rounds=1, article_rows=60)
    assert res["stored_nodes"] == res["nodes"]
    assert res["ratio_create"] > 0 and res["ratio_article"] > 0


def test_query_bench_toy(tmp_path, monkeypatch):
    from bench import query_bench

    monkeypatch.setattr(query_bench, "OUT", tmp_path)
    res = query_bench.run(entities=300, relationships=1500, samples=6, cli_times=1, seed=7, rebuild=True)
    assert res["in_process"]["report"]["n"] == 6
    assert res["cli_report_cold"]["n"] == 1
    assert set(res["cli_attached"]) == {"report", "ownership_chain", "report_hops3", "path"}
    assert all(v["n"] == 1 and v["p50_ms"] > 0 for v in res["cli_attached"].values())


def test_ingest_bench_toy(tmp_path, monkeypatch):
    pytest.importorskip("spacy")
    from bench import ingest_bench

    monkeypatch.setattr(ingest_bench, "OUT", tmp_path)
    res = ingest_bench.throughput(articles=4, processes=[1, 2], rounds=1, timeout=300)
    assert res["modes"]["a1"]["words_per_s"] > 0
    assert res["modes"]["c1"]["summary"]["articles"]["new"] == 4
    assert res["modes"]["c2"]["summary"] == res["modes"]["c1"]["summary"]


def test_compare_judges_each_figure_by_its_direction():
    from bench.compare import figures

    got = {
        "ingest": {"c/a 2p": {"before": [0.80, 0.78], "after": [0.75, 0.77]},   # 4% lower: holds
                   "b/a 2p": {"before": [0.90], "after": [0.80]}},                # 11% lower: worse
        "writer": {"ours/raw create": {"before": [1.20], "after": [1.27]},        # 6% higher: worse
                   "ours/raw update": {"before": [1.20], "after": [1.00]},        # better
                   "ours/raw article": {"before": [1.20], "after": [1.25]}},      # 4% higher: holds
    }
    rows = {r["figure"]: r for r in figures(got, ["ingest", "writer"], 0.05)}
    assert [rows[f]["holds"] for f in ("c/a 2p", "b/a 2p", "ours/raw create", "ours/raw update",
                                       "ours/raw article")] == [True, False, False, True, True]
    assert rows["c/a 2p"]["before"] == 0.79 and rows["c/a 2p"]["after/before"] == round(0.76 / 0.79, 3)


def test_compare_refuses_a_revision_git_does_not_know(tmp_path):
    from bench.compare import base_tree

    with pytest.raises(SystemExit, match="not a commit of this repository"):
        base_tree("no-such-revision-anywhere", tmp_path)
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("backend", ["neo4j"], indirect=True)
def test_neo4j_bench_toy(backend, monkeypatch):
    """The side-by-side bench on the session's Neo4j: both stores end with the same graph, and
    every write and read figure has a ratio."""
    import bootstrap
    import stores

    from bench import neo4j_bench

    for key, value in bootstrap.neo4j_env().items():
        monkeypatch.setenv(key, value)
    try:
        res = neo4j_bench.run(entities=200, relationships=600, batch=100, rounds=1, article_rows=60, samples=4)
    finally:
        stores._Neo4jFills.count += 1  # the bench emptied and filled the shared database
    assert res["graph"]["stored"][0] > 200 and res["graph"]["stored"][1] > 0
    assert set(res["write_ratio_neo4j_over_embedded"]) == {"bulk_create", "bulk_update", "article"}
    assert all(r > 0 for r in res["write_ratio_neo4j_over_embedded"].values())
    assert {"report", "ownership_chain", "path"} <= set(res["read_ratio_neo4j_over_embedded"])


def test_rescan_bench_toy(tmp_path):
    """The re-scan bench's corpus makes every article but the first re-scanned once, and the
    command it times says so (the figure is bench/RESULTS.md §18's; no timing asserted)."""
    from bench import rescan_bench

    names = rescan_bench.names(6)
    assert len(set(names)) == 6 and names == rescan_bench.names(6)
    rescan_bench.write_corpus(4, tmp_path / "c")
    texts = [p.read_text() for p in sorted((tmp_path / "c").iterdir())]
    assert len(texts) == 4 and all(names[i] in texts[i] and names[i + 1] in texts[i] for i in range(4))
    row = rescan_bench.run_ingest(tmp_path / "c", rescan=True)
    assert row["rescanned"] == 3, row
    assert rescan_bench.run_ingest(tmp_path / "c", rescan=False)["rescanned"] == 0

"""Ingest into a real embedded store (tmp_path): provenance, idempotence, bad inputs, and
the facts the corpus articles state, checked on our own paraphrase of them."""

import json
import os

import pytest
from click.testing import CliRunner

from graph.backends import open_store
from ingest.pipeline import ingest_paths

# Our own wording of the kind of facts the shared corpus reports (not its text).
VOYAGE = """Published: 2024-03-16
Imagery reviewed by researchers shows a Russian cargo ship, the Lady R, taking on containers at North Korea's Rajin port on Tuesday.
The Lady R (IMO: 9161003) reached Vostochny Port two days later and was unloaded there.
The Lady R, together with the Angara, Maia-1 and Maria, is among four Russian ships that have hauled cargo out of Rason since last summer. Washington has sanctioned all of them over their links to the Russian military.
"""
REPORT = """Published: 2024-02-01
British defence intelligence says three Russian vessels (Maia, Angara and Maria) collected containers at Najin in the autumn.
Every ship named in the briefing was sanctioned by the United States in 2022 because of its connections with Oboronlogistika OOO, a shipping firm owned by the Russian Ministry of Defence.
Separately, the Russian-flagged cargo ship Polar Tern, which is not under sanctions, called at Busan.
"""


@pytest.fixture
def articles(tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "voyage.txt").write_text(VOYAGE)
    (folder / "report.txt").write_text(REPORT)
    return folder


def rows(store, query, **params):
    return store.run(query, params).rows


def test_done_when_facts(store, articles):
    summary = ingest_paths(store, [str(articles)])
    assert summary.ok and summary.new == 2
    ports = rows(store, "MATCH (p:Port) WHERE 'rason' IN p.keys RETURN p.id AS id, p.aliases AS aliases")
    assert len(ports) == 1 and ports[0]["id"] == "port:rason"
    assert {"Najin", "Rason", "Rajin port"} <= set(ports[0]["aliases"])
    ships = rows(store, "MATCH (v:Vessel) WHERE 'lady r' IN v.keys RETURN v.id AS id, v.imo AS imo")
    assert ships == [{"id": "imo:9161003", "imo": "9161003"}]
    owned = rows(store, "MATCH (c:Company)-[r:OWNED_BY]->(m:Agency) RETURN c.name AS c, m.name AS m, r.evidence AS ev")
    assert [(o["c"], o["m"]) for o in owned] == [("Oboronlogistika OOO", "Russian Ministry of Defence")]
    assert "owned by the Russian Ministry of Defence" in json.loads(owned[0]["ev"][0])["sentence"]
    sanctioned = rows(store, "MATCH (v:Vessel)-[r:SANCTIONED_BY]->(c:Country) WHERE r.year = 2022 "
                             "RETURN v.name AS v, c.name AS c, r.evidence AS ev")
    assert {s["v"] for s in sanctioned} >= {"Angara", "Maia", "Maria"}
    assert {s["c"] for s in sanctioned} == {"United States"}
    assert all(s["ev"] for s in sanctioned)
    # The text says the Polar Tern is not sanctioned: no edge for it.
    assert not rows(store, "MATCH (v:Vessel {name: 'Polar Tern'})-[:SANCTIONED_BY]->() RETURN v.id AS id")
    call = rows(store, "MATCH (:Vessel {id: 'imo:9161003'})-[r:CALLED_AT]->(p:Port {id: 'port:vostochny'}) RETURN r.date AS d")
    assert {c["d"] for c in call} == {"2024-03-14"}  # Tuesday 2024-03-12 + two days


def test_reingest_is_a_noop(store, articles):
    first = ingest_paths(store, [str(articles)])
    counts = rows(store, "MATCH (n) OPTIONAL MATCH (n)-[r]->() RETURN count(DISTINCT n) AS n, count(r) AS r")
    again = ingest_paths(store, [str(articles), str(articles / "voyage.txt")])
    assert (again.new, again.unchanged, again.entities_added, again.relationships_added) == (0, 3, 0, 0)
    assert rows(store, "MATCH (n) OPTIONAL MATCH (n)-[r]->() RETURN count(DISTINCT n) AS n, count(r) AS r") == counts
    redo = ingest_paths(store, [str(articles)], reprocess=True)
    assert (redo.new, redo.reprocessed) == (0, 2) and redo.entities_added == 0 and redo.relationships_added == 0
    assert first.entities_added > 0
    assert rows(store, "MATCH (a:Article) WHERE a.complete = true RETURN count(a) AS n") == [{"n": 2}]


def test_bad_file_among_good_ones(store, articles, tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x00\x01\x02" * 50)
    summary = ingest_paths(store, [str(articles), str(bad), str(tmp_path / "nope.txt")])
    assert summary.new == 2
    assert [(f.path, f.reason.split(":")[0]) for f in summary.failed] == [(str(bad), "binary"), (str(tmp_path / "nope.txt"), "not found")]


def test_cli_ingest_and_extract(tmp_path, articles):
    from cli import main

    runner = CliRunner()
    db = str(tmp_path / "cli.db")
    result = runner.invoke(main, ["--db", db, "ingest", str(articles), str(tmp_path / "missing.txt")])
    assert result.exit_code == 1
    assert "articles: 2 new, 0 unchanged, 1 failed" in result.output
    assert f"failed: {tmp_path / 'missing.txt'}: not found" in result.output
    result = runner.invoke(main, ["--db", db, "ingest", str(articles)])
    assert result.exit_code == 0 and "articles: 0 new, 2 unchanged, 0 failed" in result.output
    result = runner.invoke(main, ["extract", str(articles / "report.txt"), "--format", "json"])
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["article"]["published"] == "2024-02-01"
    assert {"Maia", "Angara", "Maria", "Polar Tern"} <= {e["name"] for e in data["entities"] if e["label"] == "Vessel"}
    result = runner.invoke(main, ["extract", str(articles / "report.txt"), "--published", "March 3"])
    assert result.exit_code == 2 and "is not a date" in result.output


def _graph(store):
    """Every node and relationship with its properties, minus the ingest timestamp."""
    nodes = sorted(
        json.dumps({k: v for k, v in r["p"].items() if k != "ingested_at"} | {"labels": sorted(r["l"])}, sort_keys=True)
        for r in rows(store, "MATCH (n) RETURN properties(n) AS p, labels(n) AS l")
    )
    rels = sorted(
        json.dumps([r["a"], r["t"], r["b"], r["p"]], sort_keys=True)
        for r in rows(store, "MATCH (a)-[r]->(b) RETURN a.id AS a, type(r) AS t, b.id AS b, properties(r) AS p")
    )
    return nodes, rels


def test_two_spacy_processes_give_the_same_graph_as_one(tmp_path, articles):
    # With n_process > 1 each worker process extracts and sends back results (ingest.parallel):
    # the output must not depend on the count, nor its order on which worker finished first.
    from pathlib import Path

    from ingest.extract_many import extract_documents
    from ingest.nlp import load
    from ingest.readers import read_paths

    examples = Path(__file__).resolve().parent.parent / "examples" / "articles"
    docs = [d for d in read_paths([str(examples)]) if hasattr(d, "text")]
    nlp = load()
    one = [r.to_dict() for r in extract_documents(docs, nlp, n_process=1)]
    two = [r.to_dict() for r in extract_documents(docs, nlp, n_process=2)]
    assert len(one) == len(docs) > 10
    assert two == one

    graphs = []
    for n in (1, 2):
        with open_store(str(tmp_path / f"kg{n}.db")) as s:
            summary = ingest_paths(s, [str(articles)], n_process=n)
            assert summary.new == 2 and not summary.failed
            graphs.append(_graph(s))
    assert graphs[1] == graphs[0]
    assert graphs[0][1], "the articles gave relationships"


def test_cli_ingest_processes_option(tmp_path, articles):
    from cli import main

    db = str(tmp_path / "kg.db")
    res = CliRunner().invoke(main, ["--db", db, "ingest", "--processes", "2", str(articles)])
    assert res.exit_code == 0, res.output
    assert "articles: 2 new, 0 unchanged, 0 failed" in res.output
    res = CliRunner().invoke(main, ["--db", db, "ingest", "--processes", "-1", str(articles)])
    assert res.exit_code == 2 and "--processes" in res.output


def test_auto_processes_starts_workers_only_when_they_pay():
    from ingest.parallel import CHUNK, MAX_AUTO, auto_processes

    cores = len(os.sched_getaffinity(0))
    assert auto_processes(1) == 1
    assert auto_processes(2 * CHUNK - 1) == 1
    assert auto_processes(4 * CHUNK) == min(cores, 2)
    assert auto_processes(10_000) == min(cores, MAX_AUTO)


def test_cli_ingest_forks_its_workers_from_a_process_without_threads(tmp_path, articles):
    # Forking from a process that runs threads (rich's progress refresh thread did) can
    # deadlock a child; Python 3.12 warns at each fork. A real process: CliRunner hides it.
    import subprocess
    import sys

    env = dict(os.environ, PYTHONWARNINGS="always::DeprecationWarning", SANCTIONS_KG_KEEP_SERVER="0")
    proc = subprocess.run([sys.executable, "-c", "from cli import main; main()", "--db", str(tmp_path / "kg.db"), "ingest", "--processes", "2",
                           str(articles)], capture_output=True, text=True, env=env, timeout=300,
                          cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    assert proc.returncode == 0, proc.stderr
    assert "articles: 2 new" in proc.stdout
    assert "fork" not in proc.stderr, proc.stderr


def test_a_document_id_follows_its_text_and_stays_out_of_equality():
    """Document.id is worked out once per text, yet a changed text gets its own id, and the
    remembered id is no part of the document's value (equality, repr, a pickled copy)."""
    import pickle

    from ingest.model import Document, article_id

    doc = Document(text="The tanker  Ferrowind called at Nakhodka.", path="a.txt")
    assert doc.id == article_id("The tanker Ferrowind called at Nakhodka.")
    doc.text = "The tanker Ferrowind left Nakhodka."
    assert doc.id == article_id("The tanker Ferrowind left Nakhodka.")
    fresh = Document(text="The tanker Ferrowind left Nakhodka.", path="a.txt")
    assert doc == fresh and repr(doc) == repr(fresh)
    copy = pickle.loads(pickle.dumps(doc))
    assert copy == doc and copy.id == doc.id

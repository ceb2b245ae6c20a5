"""Extraction in worker processes (ingest.parallel): order, one failing article, a dead worker.

The pipelines here are real spaCy pipelines (spacy.blank plus our components, and one test
component that fails on a marker) so the tests run in seconds without the statistical model.
"""

import os
import signal

import pytest
import spacy
from spacy.language import Language

from graph.errors import ExtractionError
from graph.backends import open_store
from ingest.extract_many import extract_documents
from ingest.model import Document, ExtractionResult, Skipped
from ingest.nlp import add_components
from ingest.parallel import extract_stream
from ingest.pipeline import ingest_documents


@Language.component("test_fails_on_marker")
def _fails_on_marker(doc):
    if "FAILHERE" in doc.text:
        raise ValueError("test component refuses this text")
    if "DIEHERE" in doc.text:
        os.kill(os.getpid(), signal.SIGKILL)  # what the OOM killer does to a worker
    return doc


def _nlp():
    nlp = add_components(spacy.blank("en"), model_ner=False)
    nlp.add_pipe("test_fails_on_marker", first=True)
    return nlp


def _docs(n, marker_at=None, marker=""):
    docs = []
    for i in range(n):
        extra = f" {marker}" if i == marker_at else ""
        docs.append(Document(
            text=f"The cargo ship Vessel{i} (IMO 9161003) called at the port of Nakhodka on 3 March 2024.{extra}",
            path=f"article-{i}.txt"))
    return docs


@pytest.mark.parametrize("n_process", [1, 2])
def test_results_come_back_in_input_order(n_process):
    docs = _docs(70)  # more than two chunks per worker, so several are in flight
    out = list(extract_stream(docs, _nlp(), batch_size=8, n_process=n_process))
    assert [d.path for d, _ in out] == [d.path for d in docs]
    assert all(r.document.text == d.text for d, r in out)
    names = [{e.name for e in r.entities} for _, r in out]
    assert all(f"Vessel{i}" in n for i, n in enumerate(names)), names[:3]


@pytest.mark.parametrize("n_process", [1, 2])
def test_one_failing_article_does_not_stop_its_neighbours(n_process):
    docs = _docs(20, marker_at=5, marker="FAILHERE")
    out = list(extract_stream(docs, _nlp(), batch_size=8, n_process=n_process))
    failed = [(d.path, r) for d, r in out if isinstance(r, Skipped)]
    assert failed == [("article-5.txt", Skipped("article-5.txt", "ValueError: test component refuses this text"))]
    assert sum(1 for _, r in out if isinstance(r, ExtractionResult)) == 19
    with pytest.raises(ExtractionError, match="article-5.txt: ValueError"):
        list(extract_documents(docs, _nlp(), batch_size=8, n_process=n_process))


def test_ingest_records_the_failing_article_and_writes_the_rest(tmp_path):
    docs = _docs(12, marker_at=3, marker="FAILHERE")
    with open_store(str(tmp_path / "kg.db")) as store:
        summary = ingest_documents(store, docs, nlp=_nlp(), n_process=2)
        assert summary.new == 11
        assert [(f.path, f.reason) for f in summary.failed] == [("article-3.txt", "ValueError: test component refuses this text")]
        n = store.run("MATCH (a:Article) WHERE a.complete RETURN count(a) AS n").rows[0]["n"]
        assert n == 11


def test_a_dead_worker_ends_the_run_with_one_clear_error(tmp_path):
    docs = _docs(40, marker_at=30, marker="DIEHERE")
    with open_store(str(tmp_path / "kg.db")) as store:
        with pytest.raises(ExtractionError, match="worker process died"):
            ingest_documents(store, docs, nlp=_nlp(), n_process=2)
        # What was written before the error is complete, and a second run finishes the rest.
        written = store.run("MATCH (a:Article) WHERE a.complete RETURN count(a) AS n").rows[0]["n"]
        assert written < 40
        again = ingest_documents(store, [d for d in docs if "DIEHERE" not in d.text], nlp=_nlp(), n_process=2)
        assert again.unchanged == written and again.new == 39 - written and not again.failed

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


# -- kept parses (ingest.parallel.Parses) and re-scans that change little (ingest.pipeline.Shares) --

UNCUED = "Port workers said Quiet Meadow Star took on fuel oil at Fujairah on Monday before sailing east."
CUED = "The bulk carrier Quiet Meadow Star loaded coal at a northern port last week, brokers said."


def _vessels(result) -> set[str]:
    return {e.name for e in result.entities if e.label == "Vessel"}


def test_a_kept_parse_finished_with_new_known_names_equals_a_full_extraction():
    """The model's part of the pipeline does not depend on what the graph knows: a kept parse,
    finished by the components from the known-names one on, gives what parsing again gives."""
    from ingest.knowledge import KnownName, using_index
    from ingest.nlp import load
    from ingest.parallel import Parses

    nlp = load()
    docs = [Document(text=UNCUED, path="uncued.txt"), Document(text=CUED, path="cued.txt")]
    parses = Parses()
    first = [r for _, r in extract_stream(docs, nlp, parses=parses)]
    assert set(parses.by_id) == {d.id for d in docs}
    assert _vessels(first[0]) == set() and _vessels(first[1]) == {"Quiet Meadow Star"}
    known = [KnownName("Vessel", "Quiet Meadow Star", id="vessel:quiet-meadow-star")]
    with using_index(nlp, known):
        kept = [r.to_dict() for _, r in extract_stream(docs, nlp, parses=parses)]
        full = [r.to_dict() for _, r in extract_stream(docs, nlp)]
    assert kept == full
    assert "Quiet Meadow Star" in {e["name"] for e in kept[0]["entities"] if e["label"] == "Vessel"}
    # Over the cap nothing is kept, and extraction is the same.
    small = Parses(cap=1000)
    again = [r.to_dict() for _, r in extract_stream(docs, nlp, parses=small)]
    assert small.by_id == {} and again == [r.to_dict() for r in first]


def test_a_kept_parse_restores_in_a_process_whose_vocab_lacks_its_strings():
    """A kept parse travels to another worker, whose StringStore never saw the article's words,
    lemmas or tags: restored there, every token annotation is the parsing Doc's."""
    from ingest.nlp import load, model_name
    from ingest.parallel import _restore, _snapshot

    nlp = load()
    text = "The bulk carrier Teluvar (IMO 9161003) was glorbinating crated shells at Vostochny."
    doc = nlp(text, disable=["sanctions_kg_known_v1", "sanctions_kg_entities_v1", "sanctions_kg_relations_v1"])
    other = spacy.load(model_name(None))  # a second copy of the model: its own, smaller StringStore
    assert "glorbinate" not in other.vocab.strings  # the lemma: no token of the text spells it
    back = _restore(other, _snapshot(doc), [])

    def annotations(d):
        return [(t.text, t.whitespace_, t.norm_, t.tag_, t.pos_, t.dep_, t.head.i, t.lemma_, str(t.morph),
                 t.ent_iob_, t.ent_type_, t.is_sent_start) for t in d]

    assert annotations(back) == annotations(doc)
    assert back.user_data == doc.user_data and back.user_data


def test_ingest_with_kept_parses_and_partial_rewrites_gives_the_graph_of_a_full_rescan(tmp_path, monkeypatch):
    """A generated corpus in which later articles type names earlier ones mention: ingested with
    kept parses, stale articles found in memory and partial rewrites (2 worker processes), and
    with the store's query, every re-scanned article parsed again and rewritten in full, the
    graphs are the same (Article.ingested_at aside)."""
    import ingest.parallel
    import ingest.pipeline
    from bench import corpus
    from ingest.nlp import load
    from ingest.readers import read_paths

    from _lists_fixtures import snapshot

    folder = tmp_path / "corpus"
    corpus.write(corpus.generate(80), folder, "txt")
    docs = [d for d in read_paths([str(folder)]) if isinstance(d, Document)]
    nlp = load()

    def run(name, n_process):
        with open_store(str(tmp_path / f"{name}.db")) as store:
            summary = ingest_documents(store, docs, nlp=nlp, n_process=n_process)
            nodes, rels = snapshot(store)
        return summary, ([(i, labels, tuple(p for p in props if p[0] != "ingested_at")) for i, labels, props in nodes], rels)

    import graph.writer

    sizes = []
    settle_many = graph.writer.Writer.settle_many

    def counted(self, many):
        sizes.append(len(many))
        return settle_many(self, many)

    monkeypatch.setattr(graph.writer.Writer, "settle_many", counted)
    fast, graph_fast = run("fast", 2)
    assert max(sizes) > 1  # several articles settled with one read and one write
    monkeypatch.undo()
    class FullRescan(ingest.pipeline.Shares):
        """Stale articles found by the store's query, every re-scanned article rewritten in full."""

        def __init__(self, whole_store=False):
            super().__init__(whole_store=False)

        def same(self, facts):
            return False

        def facts(self, aid):
            return None  # not revised either (Writer.revise_many)

    monkeypatch.setattr(ingest.parallel, "KEEP_BYTES", 0)  # no parse kept: each re-scan parses again
    monkeypatch.setattr(ingest.pipeline, "Shares", FullRescan)
    full, graph_full = run("full", 1)
    assert (fast.rescan.candidates, fast.rescan.rescanned) == (full.rescan.candidates, full.rescan.rescanned)
    assert full.rescan.rescanned > 0
    assert fast.rescan.unchanged > 0 and full.rescan.unchanged == 0 and full.rescan.revised == 0
    assert graph_fast == graph_full


def test_chunks_keep_order_and_split_the_last_ones_so_workers_finish_together():
    from ingest.parallel import TAIL_SPLIT, _chunks

    docs = list(range(500))
    chunks = list(_chunks(docs, 32, 2))
    assert [d for c in chunks for d in c] == docs
    assert all(len(c) == 32 for c in chunks[:13])
    assert [len(c) for c in chunks[-8:]] == [32 // TAIL_SPLIT] * 8  # the last 2 x 32 documents
    # One worker, or a stream of unknown length: plain chunks.
    assert [len(c) for c in _chunks(docs, 32, 1)] == [32] * 15 + [20]
    assert [len(c) for c in _chunks(iter(docs), 32, 2)] == [32] * 15 + [20]


def test_frozen_heap_freezes_what_lives_collects_what_does_not_and_hands_it_back():
    import gc
    import weakref

    from ingest.parallel import frozen_heap

    class Node:
        pass

    alive = [Node() for _ in range(100)]
    cycle = Node()
    cycle.self = cycle  # garbage only the cyclic collector can free
    gone = weakref.ref(cycle)
    del cycle
    before = gc.get_freeze_count()
    with frozen_heap():
        assert gone() is None  # collected before the freeze, not kept alive by it
        inside = gc.get_freeze_count()
        assert inside >= before + len(alive)
        with frozen_heap():  # nested: nothing more is frozen
            assert gc.get_freeze_count() == inside
        assert gc.get_freeze_count() == inside
    assert gc.get_freeze_count() <= before  # handed back (gc.unfreeze thaws all, the interpreter's own few too)


def test_stale_articles_in_memory_and_by_the_stores_query_agree_on_an_entity_named_otherwise(tmp_path):
    """An article that gave a ship's IMO number to another name ("Tide Example") and writes
    "Sea Example" too is re-scanned for the new name "Sea Example", although it mentions that
    ship's node; one that names the ship "Sea Example" is not. The in-memory test (Shares) and
    the store's query (MENTIONS.keys) give the same answer."""
    from graph.writer import ArticleFacts, ArticleRecord, EntityFacts, Writer
    from ingest.knowledge import NewName, article_keys
    from ingest.pipeline import Shares, stale_articles

    texts = {"same": "Sea Example (IMO 1234567) sailed.", "other": "Tide Example (IMO 1234567) met Sea Example."}
    names = {"same": "Sea Example", "other": "Tide Example"}
    shares = Shares(whole_store=True)
    with open_store(str(tmp_path / "kg.db")) as store:
        for key, text in texts.items():
            doc = Document(text=text, path=f"{key}.txt")
            ship = EntityFacts("imo:1234567", "Vessel", names[key], (names[key],), (names[key].lower(),), mentions=1)
            facts = ArticleFacts(ArticleRecord(doc.id, path=doc.path, text=text, name_keys=tuple(article_keys(text))), (ship,), ())
            Writer(store).add_article(facts)
            shares.wrote(doc, facts)
        new = [NewName("sea example", "imo:1234567", "sea example", "sea example")]
        in_memory = stale_articles(store, new, shares=shares)
        by_query = stale_articles(store, new)
    other = Document(text=texts["other"], path="other.txt").id
    assert in_memory == by_query == (1, [by_query[1][0]]) and by_query[1][0].id == other

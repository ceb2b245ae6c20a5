"""A long article parsed in bounded pieces (ingest/chunks.py, issue 27: one 0.93 MB article took
2.9 GB): the model never reads more than the piece size at once, the pieces join back into the
whole text, and the article gives the same facts as when it is parsed whole. The texts are
the benchmark corpus' own generated articles (bench/corpus.py), joined into one."""

from __future__ import annotations

import pytest
import spacy
from spacy.language import Language

from bench.corpus import generate
from ingest import chunks
from ingest.chunks import parse
from ingest.extract import build_result, extract_document, pipeline_text
from ingest.model import Document
from ingest.nlp import add_components, load


def long_text(n_articles: int) -> str:
    return "\n\n".join(a["text"].strip() for a in generate(n_articles)) + "\n"


# -- the pieces ----------------------------------------------------------------------------------
@pytest.mark.parametrize("size", [1, 7, 80, 500, 4000])
def test_pieces_cover_the_text_and_none_is_longer_than_the_size(size):
    text = long_text(6) + "x" * 900 + "\n\n\n  tail words. " * 3
    bounds = chunks.pieces(text, size)
    assert "".join(text[a:b] for a, b in bounds) == text
    assert all(0 < b - a <= size for a, b in bounds)
    assert all(b == a2 for (_, b), (a2, _) in zip(bounds, bounds[1:]))


def test_pieces_end_at_a_paragraph_then_a_sentence_then_a_space():
    para = "One sentence here. Another one there.\n\nA second paragraph follows."
    assert para[: chunks.pieces(para, 50)[0][1]] == "One sentence here. Another one there.\n\n"
    no_paragraph = "One sentence here. Another one there and more words"
    assert no_paragraph[: chunks.pieces(no_paragraph, 40)[0][1]] == "One sentence here. "
    no_sentence = "words without any full stop at all in them"
    assert no_sentence[: chunks.pieces(no_sentence, 20)[0][1]] == "words without any "
    assert chunks.pieces("abcdefghij", 4) == [(0, 4), (4, 8), (8, 10)]
    assert chunks.pieces("", 10) == [(0, 0)] and chunks.pieces("short", 10) == [(0, 5)]


# -- the model reads bounded pieces; our components read the whole --------------------------------
SEEN: list[int] = []


@Language.component("test_chunks_seen_v1")
def _seen(doc):
    SEEN.append(len(doc.text))
    return doc


def test_the_model_reads_at_most_the_piece_size_and_our_components_the_whole_text():
    nlp = add_components(spacy.blank("en"), model_ner=False)
    nlp.add_pipe("test_chunks_seen_v1", first=True)
    text = long_text(12)
    SEEN.clear()
    doc = chunks.parse(nlp, text, size=3000)
    assert doc.text == text
    assert len(SEEN) > 1 and max(SEEN) <= 3000 and sum(SEEN) == len(text)
    whole = nlp(text)
    assert [(e.start_char, e.end_char, e.label_) for e in doc.ents] == [(e.start_char, e.end_char, e.label_) for e in whole.ents]


def facts(result):
    return (
        sorted((e.label, e.name, tuple(sorted(e.aliases)), tuple(sorted(e.identifiers.items())),
                tuple((s.start, s.end, s.text) for s in e.spans)) for e in result.entities),
        sorted((r.type, r.source, r.target, r.evidence, r.date or "", r.certainty) for r in result.relations),
        sorted((r.type, r.source, r.target, r.evidence) for r in result.denials),
    )


@pytest.fixture(scope="module")
def nlp():
    return load()


def test_a_long_article_gives_the_same_facts_in_pieces_as_whole(nlp, monkeypatch):
    text = long_text(24)  # ~31,000 characters of made-up articles, in pieces of at most 4,000
    document = Document(text=text, title="A long made-up report", published="2024-06-01")
    whole = build_result(document, nlp(pipeline_text(document)))
    monkeypatch.setattr(chunks, "CHUNK_CHARS", 4000)
    in_pieces = extract_document(document, nlp)
    assert len(chunks.pieces(text, 4000)) >= 8
    assert whole.relations and facts(in_pieces) == facts(whole)
    # Evidence sentences are the article's own text, at the article's own offsets.
    for e in in_pieces.entities:
        for s in e.spans:
            assert text[s.start:s.end] == s.text


def test_the_ingest_path_parses_a_long_article_in_pieces_too(nlp, monkeypatch):
    from ingest.parallel import _extract_chunk

    short = Document(text="OFAC sanctioned the tanker Sea Example (IMO 9161003) on 2 May 2024.", published="2024-05-03")
    long = Document(text=long_text(16), published="2024-06-01")
    whole = build_result(long, nlp(pipeline_text(long)))
    monkeypatch.setattr(chunks, "CHUNK_CHARS", 4000)
    calls = []
    monkeypatch.setattr(chunks, "parse", lambda *a, **k: calls.append(len(a[1])) or parse(*a, **k))
    # With and without keeping parses for a re-scan (the model's part and ours split apart).
    for keep in (False, True):
        results, _ = _extract_chunk(nlp, [short, long, short], batch_size=8, keep=keep)
        assert facts(results[1]) == facts(whole) and facts(results[0]) == facts(results[2])
    assert calls == [len(long.text), len(long.text)]

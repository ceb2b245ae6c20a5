"""Readers: formats, encodings, metadata and reported skips."""

import json
import os

import pytest


@pytest.fixture(autouse=True)
def fresh_limits():
    limits.cache_clear()
    yield
    limits.cache_clear()

from graph.limits import limits
from ingest import readers
from ingest.model import Document, Skipped


def read(*paths, **kw):
    return list(readers.read_paths([str(p) for p in paths], **kw))


def test_txt_with_leading_date_and_overrides(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text("Published: 2024-03-16\nThe tanker Blue Finch loaded at Kozmino.\n", "utf-8")
    [doc] = read(f, source="wire")
    assert doc.published == "2024-03-16"
    assert doc.source == "wire"
    assert doc.text == "The tanker Blue Finch loaded at Kozmino."


def test_markdown_front_matter(tmp_path):
    f = tmp_path / "a.md"
    f.write_text("---\ntitle: A title\nsource: desk\npublished: 2023-01-02\nurl: https://x.test/a\n---\nBody text here.\n")
    [doc] = read(f, published="2020-01-01")
    assert (doc.title, doc.source, doc.published, doc.url) == ("A title", "desk", "2023-01-02", "https://x.test/a")
    assert doc.text == "Body text here."


def test_html_article_text_without_navigation(tmp_path):
    f = tmp_path / "a.html"
    body = "The bulk carrier Grey Gull called at Nakhodka on Monday after a long voyage. " * 5
    f.write_text(f"<html><head><title>Grey Gull</title></head><body><nav>Menu Home</nav><article><p>{body}</p></article></body></html>")
    [doc] = read(f)
    assert "Grey Gull called at Nakhodka" in doc.text
    assert "Menu Home" not in doc.text


def test_jsonl_broken_line_is_skipped_and_the_rest_go_on(tmp_path):
    f = tmp_path / "a.jsonl"
    lines = [json.dumps({"text": "First article.", "title": "one", "published": "2024-01-01"}), "{not json", json.dumps({"title": "no text"}), json.dumps({"text": "Third article."})]
    f.write_text("\n".join(lines))
    items = read(f)
    docs = [i for i in items if isinstance(i, Document)]
    skips = [i for i in items if isinstance(i, Skipped)]
    assert [d.text for d in docs] == ["First article.", "Third article."]
    assert docs[0].published == "2024-01-01"
    assert [s.path for s in skips] == [f"{f}:2", f"{f}:3"]
    assert "broken JSON" in skips[0].reason and '"text"' in skips[1].reason


@pytest.mark.parametrize("encoding", ["utf-16", "cp1252", "latin-1", "utf-8-sig"])
def test_encodings(tmp_path, encoding):
    f = tmp_path / "a.txt"
    f.write_bytes("Le navire Café Crème a accosté à Sète, déjà.".encode(encoding))
    [doc] = read(f)
    assert doc.text == "Le navire Café Crème a accosté à Sète, déjà."


def test_empty_binary_missing_and_too_large_are_reported(tmp_path, monkeypatch):
    (tmp_path / "empty.txt").write_text("   \n")
    (tmp_path / "blob.bin").write_bytes(bytes(range(256)) * 3)
    (tmp_path / "data.txt").write_bytes(b"\x00\x01\x02binary\x00" * 100)
    big = tmp_path / "big.txt"
    big.write_text("x" * 2000)
    monkeypatch.setenv("SANCTIONS_KG_MAX_DOCUMENT_BYTES", "1000")
    limits.cache_clear()
    items = read(tmp_path / "empty.txt", tmp_path / "data.txt", big, tmp_path / "missing.txt", tmp_path / "blob.bin")
    assert all(isinstance(i, Skipped) for i in items)
    reasons = [i.reason.split(":")[0] for i in items]
    assert reasons == ["empty", "binary", "too large", "not found", "binary"]


def test_folder_recursive_with_symlink_loop(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.txt").write_text("Article one.")
    (tmp_path / "sub" / "b.md").write_text("Article two.")
    os.symlink(tmp_path, tmp_path / "sub" / "loop")
    docs = [i for i in read(tmp_path) if isinstance(i, Document)]
    assert sorted(d.text for d in docs) == ["Article one.", "Article two."]

"""Reading articles from files, folders and stdin into Documents.

Formats: .txt, .md (YAML front matter for metadata), .html/.htm (article text through
trafilatura), .jsonl (one article per line: text, title, url, published, source). Any other
suffix is read as text. Encodings are detected with charset-normalizer (UTF-8, UTF-16 with a
BOM, latin-1/cp1252). What cannot be read becomes a Skipped item with the reason; reading
never stops at a bad input.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

import yaml

from ingest.model import Document, Skipped

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024  # one article; larger inputs are refused, not truncated
MAX_JSONL_BYTES = 1024 * 1024 * 1024  # a .jsonl file is read line by line, each line capped as above
TEXT_SUFFIXES = {".txt", ".text", ".md", ".markdown", ".html", ".htm", ".jsonl", ".json"}
_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*(?:\n|\Z)", re.S)
# A leading "date 2024-03-16" / "Published: 2024-03-16" line in plain text carries the date.
_LEADING_DATE = re.compile(r"\A\s*(?:date|published|dated)\s*:?\s*(\d{4}-\d{2}-\d{2})\b[ \t]*\n?", re.I)
_LEADING_FIELD = re.compile(r"\A\s*(title|source|url)\s*:\s*(.+)\n", re.I)


def decode_bytes(raw: bytes) -> str | None:
    """Text from bytes in an unknown encoding, or None when they are not text."""
    if not raw:
        return ""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16")
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="replace")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if b"\x00" in raw[:4096]:
        return None  # binary: NUL bytes without a UTF-16 BOM
    from charset_normalizer import from_bytes

    matches = from_bytes(raw)
    best = matches.best()
    if best is None:
        return None
    # Short Western texts fit several single-byte code pages equally well; articles in this
    # field are overwhelmingly cp1252/latin-1 when not UTF-8, so prefer that among close ties.
    if best.encoding.startswith(("cp125", "iso8859", "latin")) and any(m.encoding in ("cp1252", "latin_1") for m in matches):
        try:
            return raw.decode("cp1252")
        except UnicodeDecodeError:
            return raw.decode("latin-1")
    return str(best)


def _looks_binary(text: str) -> bool:
    sample = text[:4096]
    if not sample:
        return False
    bad = sum(1 for c in sample if (ord(c) < 32 and c not in "\n\r\t\f") or c == "\ufffd")
    return bad / len(sample) > 0.05


def _meta_date(value) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    m = re.match(r"\d{4}-\d{2}-\d{2}", text)
    if m:
        return m.group(0)
    from ingest.dates import _parse

    found = _parse(text, None)
    return found.isoformat() if found else None


def _finish(doc: Document, source: str | None, published: str | None) -> Document:
    # Command-line values fill what the file does not say.
    if source and not doc.source:
        doc.source = source
    if published and not doc.published:
        doc.published = published
    if not doc.title:
        first = doc.text.strip().split("\n", 1)[0].strip()
        doc.title = first[:120] if first else None
    return doc


def parse_text(text: str, suffix: str, path: str) -> Document:
    """One Document from text already decoded, by format."""
    meta: dict = {}
    if suffix in (".md", ".markdown"):
        m = _FRONT_MATTER.match(text)
        if m:
            try:
                loaded = yaml.safe_load(m.group(1))
                meta = loaded if isinstance(loaded, dict) else {}
            except yaml.YAMLError:
                meta = {}
            text = text[m.end():]
    elif suffix in (".html", ".htm"):
        import trafilatura

        extracted = trafilatura.bare_extraction(text, with_metadata=True)
        if extracted is None:
            return Document(text="", path=path)
        data = extracted if isinstance(extracted, dict) else extracted.as_dict()
        meta = {k: data.get(k) for k in ("title", "url", "date", "sitename")}
        meta["published"] = meta.pop("date")
        meta["source"] = meta.pop("sitename")
        text = data.get("text") or ""
    else:
        while True:
            m = _LEADING_DATE.match(text) or _LEADING_FIELD.match(text)
            if not m:
                break
            if m.re is _LEADING_DATE:
                meta["published"] = m.group(1)
            else:
                meta[m.group(1).lower()] = m.group(2).strip()
            text = text[m.end():]
    return Document(
        text=text.strip(),
        title=str(meta["title"]).strip() if meta.get("title") else None,
        source=str(meta["source"]).strip() if meta.get("source") else None,
        url=str(meta["url"]).strip() if meta.get("url") else None,
        published=_meta_date(meta.get("published") or meta.get("date")),
        path=path,
    )


def _check(doc: Document) -> str | None:
    if not doc.text.strip():
        return "empty: no text to extract"
    if _looks_binary(doc.text):
        return "binary: not a text document"
    return None


def read_jsonl(raw: bytes, path: str, source: str | None, published: str | None) -> Iterator[Document | Skipped]:
    text = decode_bytes(raw)
    if text is None:
        yield Skipped(path, "binary: not a text document")
        return
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        where = f"{path}:{n}"
        if len(line) > MAX_DOCUMENT_BYTES:
            yield Skipped(where, f"too large: over {MAX_DOCUMENT_BYTES // (1024 * 1024)} MB")
            continue
        try:
            item = json.loads(line)
        except ValueError as exc:
            yield Skipped(where, f"broken JSON line: {exc.msg} at column {exc.colno}")
            continue
        if not isinstance(item, dict) or not isinstance(item.get("text"), str):
            yield Skipped(where, 'no "text" field: each line must be an object with a "text" string')
            continue
        doc = Document(
            text=item["text"].strip(),
            title=item.get("title") or None,
            source=item.get("source") or None,
            url=item.get("url") or None,
            published=_meta_date(item.get("published") or item.get("date")),
            path=where,
        )
        reason = _check(doc)
        yield Skipped(where, reason) if reason else _finish(doc, source, published)


def read_file(path: Path, source: str | None = None, published: str | None = None) -> Iterator[Document | Skipped]:
    """Documents from one file (several for .jsonl), or Skipped items saying why not."""
    name = str(path)
    try:
        size = path.stat().st_size
        limit = MAX_JSONL_BYTES if path.suffix.lower() == ".jsonl" else MAX_DOCUMENT_BYTES
        if size > limit:
            yield Skipped(name, f"too large: {size // (1024 * 1024)} MB, the limit is {limit // (1024 * 1024)} MB per document; split it")
            return
        raw = path.read_bytes()
    except OSError as exc:
        yield Skipped(name, f"unreadable: {exc.strerror or exc}")
        return
    yield from read_bytes(raw, name, path.suffix.lower(), source, published)


def read_bytes(raw: bytes, name: str, suffix: str, source: str | None = None, published: str | None = None) -> Iterator[Document | Skipped]:
    if suffix == ".jsonl":
        yield from read_jsonl(raw, name, source, published)
        return
    if len(raw) > MAX_DOCUMENT_BYTES:
        yield Skipped(name, f"too large: over {MAX_DOCUMENT_BYTES // (1024 * 1024)} MB per document; split it")
        return
    text = decode_bytes(raw)
    if text is None:
        yield Skipped(name, "binary: not a text document")
        return
    try:
        doc = parse_text(text, suffix, name)
    except Exception as exc:  # a malformed HTML page must not stop the run
        yield Skipped(name, f"unparseable {suffix or 'text'}: {exc}")
        return
    reason = _check(doc)
    yield Skipped(name, reason) if reason else _finish(doc, source, published)


def _walk(folder: Path) -> Iterator[Path]:
    """Files under a folder, recursively, sorted, each real directory visited once (symlink loops end)."""
    seen: set[tuple[int, int]] = set()
    for root, dirs, files in os.walk(folder, followlinks=True):
        st = os.stat(root)
        if (st.st_dev, st.st_ino) in seen:
            dirs[:] = []
            continue
        seen.add((st.st_dev, st.st_ino))
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for f in sorted(files):
            if not f.startswith("."):
                yield Path(root) / f


def read_paths(paths: Iterable[str | os.PathLike], source: str | None = None, published: str | None = None) -> Iterator[Document | Skipped]:
    """Every Document under `paths` ("-" is stdin), in order, with Skipped items for failures."""
    for p in paths:
        if str(p) == "-":
            yield from read_bytes(sys.stdin.buffer.read(), "<stdin>", ".txt", source, published)
            continue
        path = Path(p)
        if path.is_dir():
            found = False
            for f in _walk(path):
                found = True
                if f.exists() and not f.is_file():
                    # A FIFO found in a folder would block the run forever on read.
                    yield Skipped(str(f), "unreadable: not a regular file (a pipe, socket or device)")
                elif f.suffix.lower() in TEXT_SUFFIXES or not f.suffix:
                    yield from read_file(f, source, published)
                else:
                    yield Skipped(str(f), f"unsupported file type {f.suffix!r}: use .txt, .md, .html or .jsonl")
            if not found:
                yield Skipped(str(path), "empty folder: no files found")
        elif path.exists():
            yield from read_file(path, source, published)
        else:
            yield Skipped(str(path), "not found: no such file or folder")

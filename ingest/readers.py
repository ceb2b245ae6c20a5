"""Reading articles from files, folders and stdin into Documents.

Formats: .txt, .md (YAML front matter for metadata), .html/.htm (article text through
trafilatura), .jsonl (one article per line: text, title, url, published, source). Any other
suffix is read as text. Encodings: UTF-8, UTF-16 with or without a BOM (told by where the NUL
bytes fall), single-byte code pages through charset-normalizer (cp1252/latin-1 first), and
files mixing UTF-8 lines with cp1252 lines (each line decoded on its own: no mojibake). What
cannot be read becomes a Skipped item with the reason; reading never stops at a bad input.

Every read is bounded (graph/limits.py): a document, a .jsonl file, front matter and JSON
nesting; only regular files are opened (a FIFO or a device such as /dev/zero is refused, not
read forever). File names that are not valid UTF-8 are read and reported with their odd
bytes written as \\xNN.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

import yaml

from graph.errors import InputError
from graph.limits import LimitExceeded, limits, too_large
from ingest.model import Document, Skipped
from graph.safe_load import json_loads, yaml_load

TEXT_SUFFIXES = {".txt", ".text", ".md", ".markdown", ".html", ".htm", ".jsonl", ".json"}
_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*(?:\n|\Z)", re.S)
# A leading "date 2024-03-16" / "Published: 2024-03-16" line in plain text carries the date.
_LEADING_DATE = re.compile(r"\A\s*(?:date|published|dated)\s*:?\s*(\d{4}-\d{2}-\d{2})\b[ \t]*\n?", re.I)
_LEADING_FIELD = re.compile(r"\A\s*(title|source|url)\s*:\s*(.+)\n", re.I)


_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


def display_name(path: str | os.PathLike) -> str:
    """A path as text that can be printed and stored: bytes that are not UTF-8 become \\xNN."""
    name = os.fspath(path)
    if isinstance(name, bytes):
        return name.decode("utf-8", errors="backslashreplace")
    return name.encode("utf-8", errors="surrogateescape").decode("utf-8", errors="backslashreplace")


def _utf16_without_bom(raw: bytes) -> str | None:
    """UTF-16 text without a BOM, told by its NUL bytes: Latin text has one in every other byte."""
    sample = raw[:4096]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    for zeros, other, codec in ((odd, even, "utf-16-le"), (even, odd, "utf-16-be")):
        if zeros.count(0) >= 0.6 * len(zeros) and other.count(0) <= 0.05 * len(other):
            try:
                return raw[: len(raw) - len(raw) % 2].decode(codec)
            except UnicodeDecodeError:
                return None
    return None


def _mixed_utf8(raw: bytes) -> str | None:
    """Text mixing UTF-8 lines with single-byte (cp1252) lines, each line decoded on its own.

    None unless the bytes hold well-formed UTF-8 sequences (else the whole text is one
    single-byte encoding and charset detection decides).
    """
    if not _UTF8_MULTIBYTE.search(raw):
        return None
    out = []
    for line in raw.splitlines(keepends=True):
        try:
            out.append(line.decode("utf-8"))
        except UnicodeDecodeError:
            out.append(_single_byte(line))
    return "".join(out)


def _single_byte(raw: bytes) -> str:
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError:  # the five bytes cp1252 leaves undefined
        return raw.decode("latin-1")


def decode_bytes(raw: bytes, *, guess: bool = True) -> str | None:
    """Text from bytes in an unknown encoding, or None when they are not text.

    `guess=False`: no code-page detection; what is not UTF-8 or UTF-16 is read as cp1252
    line by line (OFAC's files).
    """
    if not raw:
        return ""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16", errors="replace")
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="replace")
    if b"\x00" in raw[:4096]:
        # NUL bytes in every other byte: UTF-16 without a BOM (ASCII text in UTF-16 is also valid
        # UTF-8, with NULs: so before UTF-8), else binary or UTF-8 with stray NULs.
        text = _utf16_without_bom(raw)
        if text is not None:
            return text
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if b"\x00" in raw[:4096]:
        return None  # binary
    mixed = _mixed_utf8(raw)
    if mixed is not None:
        return mixed
    if not guess:
        return "".join(_single_byte(line) for line in raw.splitlines(keepends=True))
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
    """An ISO date from a metadata value; InputError for an impossible one (2024-02-30)."""
    from datetime import date, datetime

    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise InputError(f"published is a {type(value).__name__}, not a date: use YYYY-MM-DD")
    text = str(value).strip()
    m = re.match(r"(\d{4})-(\d{2})-(\d{2})", text)
    if m:
        try:
            return date(*map(int, m.groups())).isoformat()
        except ValueError:
            raise InputError(f"published {m.group(0)!r} is not a real date: use YYYY-MM-DD") from None
    from ingest.dates import _parse

    found = _parse(text[:200], None)
    return found.isoformat() if found else None


def _meta_text(meta: dict, key: str) -> str | None:
    """A text metadata field: text or a number as text; InputError for a list, mapping or flag."""
    value = meta.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise InputError(f"{key} is a {type(value).__name__}, not text")
    text = str(value).strip()
    return text or None


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
                loaded = yaml_load(m.group(1))
                meta = loaded if isinstance(loaded, dict) else {}
            except yaml.constructor.ConstructorError as exc:
                raise InputError(f"front matter {exc.problem}") from None
            except yaml.YAMLError:
                meta = {}  # not YAML after all: the text still goes in, without metadata
            except ValueError as exc:  # a timestamp YAML cannot build (2024-02-30)
                raise InputError(f"front matter: {exc}") from None
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
    return _document(text, meta, path)


# A left single quote typed for an apostrophe ("Iran\u2018s"): the tokenizer and the possessive
# rules know only ' and \u2019, so the name would swallow it ("Iran\u2018s" read as a person).
_LEFT_QUOTE_APOSTROPHE = re.compile(r"(?<=[A-Za-z])\u2018(?=s\b)")


def _document(text: str, meta: dict, path: str) -> Document:
    """A Document from text and metadata, each field checked (InputError names the bad one)."""
    return Document(
        text=_LEFT_QUOTE_APOSTROPHE.sub("\u2019", text.strip()),
        title=_meta_text(meta, "title"),
        source=_meta_text(meta, "source"),
        url=_meta_text(meta, "url"),
        published=_meta_date(meta.get("published") if meta.get("published") not in (None, "") else meta.get("date")),
        path=path,
    )


def _check(doc: Document) -> str | None:
    if not doc.text.strip():
        return "empty: no text to extract"
    if _looks_binary(doc.text):
        return "binary: not a text document"
    return None


def _jsonl_lines(raw: bytes) -> Iterator[str] | None:
    """The lines of a .jsonl file as text, each decoded on its own (None: not text)."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in raw[:4096]:
        text = decode_bytes(raw)
        return None if text is None else iter(text.splitlines())
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]

    def lines() -> Iterator[str]:
        for line in raw.splitlines():
            try:
                yield line.decode("utf-8")
            except UnicodeDecodeError:
                yield _single_byte(line)

    return lines()


def read_jsonl(raw: bytes, path: str, source: str | None, published: str | None) -> Iterator[Document | Skipped]:
    lines = _jsonl_lines(raw)
    if lines is None:
        yield Skipped(path, "binary: not a text document")
        return
    max_line = limits().max_document_bytes
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{path}:{n}"
        if len(line) > max_line:
            yield Skipped(where, too_large("the line", "max_document_bytes"))
            continue
        try:
            item = json_loads(line)
        except LimitExceeded as exc:
            yield Skipped(where, f"refused: {exc}")
            continue
        except ValueError as exc:
            where_in = f" at column {exc.colno}" if hasattr(exc, "colno") else ""
            yield Skipped(where, f"broken JSON line: {getattr(exc, 'msg', exc)}{where_in}")
            continue
        if not isinstance(item, dict) or not isinstance(item.get("text"), str):
            yield Skipped(where, 'no "text" field: each line must be an object with a "text" string')
            continue
        try:
            doc = _document(item["text"], item, where)
        except InputError as exc:
            yield Skipped(where, f"bad metadata: {exc}")
            continue
        reason = _check(doc)
        yield Skipped(where, reason) if reason else _finish(doc, source, published)


NOT_REGULAR = "unreadable: not a regular file (a pipe, socket or device); save it to a file, or pipe it in with '-'"


def read_capped(fh, limit: int) -> bytes | None:
    """Up to `limit` bytes from a binary stream; None when there are more (nothing more is read)."""
    chunks, total = [], 0
    while total <= limit:
        chunk = fh.read(min(1 << 20, limit + 1 - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    return None if total > limit else b"".join(chunks)


def read_file(path: Path, source: str | None = None, published: str | None = None) -> Iterator[Document | Skipped]:
    """Documents from one file (several for .jsonl), or Skipped items saying why not."""
    import stat

    name = display_name(path)
    jsonl = path.suffix.lower() == ".jsonl"
    field = "max_input_bytes" if jsonl else "max_document_bytes"
    limit = getattr(limits(), field)
    try:
        # Opened without blocking, and checked before any read: a FIFO or /dev/zero must be
        # refused, not waited on or read for ever.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
        with os.fdopen(fd, "rb") as fh:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode):
                yield Skipped(name, NOT_REGULAR)
                return
            if st.st_size > limit:
                yield Skipped(name, too_large("the file" if jsonl else "the document", field))
                return
            raw = read_capped(fh, limit)
    except OSError as exc:
        yield Skipped(name, f"unreadable: {exc.strerror or exc}")
        return
    if raw is None:  # grew while being read, or a size the file system does not report
        yield Skipped(name, too_large("the file" if jsonl else "the document", field))
        return
    yield from read_bytes(raw, name, path.suffix.lower(), source, published)


def read_stdin(source: str | None = None, published: str | None = None) -> Iterator[Document | Skipped]:
    """One document from standard input, read up to SANCTIONS_KG_MAX_DOCUMENT_BYTES."""
    raw = read_capped(sys.stdin.buffer, limits().max_document_bytes)
    if raw is None:
        yield Skipped("<stdin>", too_large("standard input", "max_document_bytes"))
        return
    yield from read_bytes(raw, "<stdin>", ".txt", source, published)


def read_bytes(raw: bytes, name: str, suffix: str, source: str | None = None, published: str | None = None) -> Iterator[Document | Skipped]:
    if suffix == ".jsonl":
        yield from read_jsonl(raw, name, source, published)
        return
    if len(raw) > limits().max_document_bytes:
        yield Skipped(name, too_large("the document", "max_document_bytes"))
        return
    text = decode_bytes(raw)
    if text is None:
        yield Skipped(name, "binary: not a text document")
        return
    try:
        doc = parse_text(text, suffix, name)
    except LimitExceeded as exc:
        yield Skipped(name, f"refused: {exc}")
        return
    except InputError as exc:
        yield Skipped(name, f"bad metadata: {exc}")
        return
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
            yield from read_stdin(source, published)
            continue
        path = Path(p)
        if path.is_dir():
            found = False
            for f in _walk(path):
                found = True
                if f.exists() and not f.is_file():
                    # A FIFO found in a folder would block the run forever on read.
                    yield Skipped(display_name(f), NOT_REGULAR)
                elif f.suffix.lower() in TEXT_SUFFIXES or not f.suffix:
                    yield from read_file(f, source, published)
                else:
                    yield Skipped(display_name(f), f"unsupported file type {display_name(f.suffix)!r}: use .txt, .md, .html or .jsonl")
            if not found:
                yield Skipped(display_name(path), "empty folder: no files found")
        elif path.exists():
            yield from read_file(path, source, published)
        else:
            yield Skipped(display_name(path), "not found: no such file or folder")

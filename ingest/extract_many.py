"""Extraction without writes over many documents: Documents or a file in, ExtractionResults out.

What the `extract` and `evaluate` commands call. One document's extraction is ingest/extract.py;
running it over a stream, in worker processes when asked, is ingest/parallel.py. Both sit
below this module, so neither imports the other back.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from graph.errors import ExtractionError, InputError
from ingest.model import Document, ExtractionResult, Skipped
from ingest.parallel import extract_stream


def extract_documents(
    docs: Iterable[Document], nlp, batch_size: int = 32, n_process: int = 1
) -> Iterator[ExtractionResult]:
    """Like extract_document over many documents; n_process > 1 extracts in worker processes
    (ingest.parallel). Raises ExtractionError naming the first document that fails."""
    for _document, result in extract_stream(docs, nlp, batch_size=batch_size, n_process=n_process):
        if isinstance(result, Skipped):
            raise ExtractionError(f"Cannot extract from {result.path}: {result.reason}.")
        yield result


def extract_file(path: str | Path, *, source: str | None = None, published: str | None = None, nlp=None) -> list[ExtractionResult]:
    """Extract every article in a file ('-' for stdin). Raises InputError when none is readable."""
    from ingest.nlp import load

    return list(extract_documents(_read_documents(path, source, published), nlp or load()))


def explain_file(path: str | Path, *, source: str | None = None, published: str | None = None,
                 nlp=None) -> list[tuple[ExtractionResult, list[dict], list[dict]]]:
    """Like extract_file, with each result's dropped candidates and furniture lines, each
    with its reason, and what made each relation (ingest.extract.explain_document)."""
    from ingest.extract import explain_document
    from ingest.nlp import load

    nlp = nlp or load()
    out = []
    for d in _read_documents(path, source, published):
        relations: list[dict] = []
        result, dropped = explain_document(d, nlp, relations=relations)
        out.append((result, dropped, relations))
    return out


def _read_documents(path: str | Path, source: str | None, published: str | None) -> list[Document]:
    from ingest.readers import read_paths

    items = list(read_paths([path], source=source, published=published))
    docs = [i for i in items if isinstance(i, Document)]
    if not docs:
        reasons = "; ".join(f"{i.path}: {i.reason}" for i in items if isinstance(i, Skipped)) or f"{path}: nothing to read"
        raise InputError(f"Cannot extract from {path}: {reasons}.")
    return docs

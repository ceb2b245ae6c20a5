"""Extraction over many documents, in this process or in worker processes.

`extract_stream` yields, in input order, each document with its ExtractionResult or the
reason it failed. With n_process > 1 each worker runs the whole extraction — the spaCy
pipeline *and* `build_result` — and sends back the ExtractionResult, a few plain
dataclasses. spaCy's own `nlp.pipe(n_process=N)` sends every Doc back instead (tokens,
annotations and the tok2vec tensor through msgpack) and leaves `build_result` to the parent,
so the parent spent its time decoding Docs while two workers shared the same two cores
(bench/RESULTS.md, section 1).

Workers are forked from this process (the loaded pipeline is inherited, not reloaded or
pickled). At most two chunks per worker are in flight, so memory does not grow with the
input. A worker that dies (killed, out of memory) ends the run with ExtractionError;
what was yielded before stays valid.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from graph.errors import ExtractionError
from ingest.model import Document, ExtractionResult

CHUNK = 32  # documents per task: one nlp.pipe batch
IN_FLIGHT = 2  # tasks per worker waiting or running

MAX_AUTO = 4  # workers `auto_processes` picks at most: each holds its own copy of the model (~300 MB)

_nlp = None  # the pipeline in a worker process (set by _init)


def auto_processes(n_docs: int) -> int:
    """Worker processes worth starting for `n_docs` documents: one per usable core (at most
    MAX_AUTO), when each worker gets at least two chunks; else 1, i.e. extract in this process."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(cores, MAX_AUTO, n_docs // (2 * CHUNK)))


def _extract_chunk(nlp, docs: list[Document], batch_size: int) -> list[ExtractionResult | str]:
    """Each document's result, or 'Type: message' for one that failed; one bad text does not
    fail its neighbours (the chunk is redone one document at a time)."""
    from ingest.extract import build_result, pipeline_text

    try:
        spacy_docs = list(nlp.pipe((pipeline_text(d) for d in docs), batch_size=batch_size))
    except Exception:
        if len(docs) == 1:
            raise
        out: list[ExtractionResult | str] = []
        for d in docs:
            try:
                out.extend(_extract_chunk(nlp, [d], batch_size))
            except Exception as exc:
                out.append(f"{type(exc).__name__}: {exc}")
        return out
    out = []
    for document, spacy_doc in zip(docs, spacy_docs):
        try:
            out.append(build_result(document, spacy_doc))
        except Exception as exc:  # reported against this document; the others go on
            out.append(f"{type(exc).__name__}: {exc}")
    return out


def _init(nlp) -> None:
    global _nlp
    _nlp = nlp


def _work(docs: list[Document], batch_size: int) -> list[ExtractionResult | str]:
    return _extract_chunk(_nlp, docs, batch_size)


def _chunks(docs: Iterable[Document], size: int) -> Iterator[list[Document]]:
    chunk: list[Document] = []
    for d in docs:
        chunk.append(d)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def extract_stream(
    docs: Iterable[Document], nlp, *, batch_size: int = CHUNK, n_process: int = 1
) -> Iterator[tuple[Document, ExtractionResult | str]]:
    """(document, result) for each document in order; result is a str saying why on failure."""
    chunks = _chunks(docs, batch_size)
    if n_process <= 1:
        for chunk in chunks:
            yield from zip(chunk, _extract_chunk(nlp, chunk, batch_size))
        return
    # fork: the workers inherit the loaded pipeline (as spaCy's own n_process does on Linux).
    context = multiprocessing.get_context("fork")
    pending: deque[tuple[list[Document], Future]] = deque()
    with ProcessPoolExecutor(n_process, mp_context=context, initializer=_init, initargs=(nlp,)) as pool:
        try:
            for chunk in chunks:
                pending.append((chunk, pool.submit(_work, chunk, batch_size)))
                if len(pending) >= n_process * IN_FLIGHT:
                    chunk, future = pending.popleft()
                    yield from zip(chunk, future.result())
            while pending:
                chunk, future = pending.popleft()
                yield from zip(chunk, future.result())
        except BrokenProcessPool:
            raise ExtractionError(
                "A spaCy worker process died (killed, or out of memory). Everything reported before "
                "this line is complete; run the command again, or with fewer processes."
            ) from None
        finally:
            for _, future in pending:
                future.cancel()

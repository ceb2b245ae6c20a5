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

Workers never outlive the run: each asks the kernel for SIGKILL when its parent dies
(prctl PR_SET_PDEATHSIG, so kill -9 of the ingest takes them along), ignores SIGINT (Ctrl+C
reaches the whole process group; only the parent handles it), and when the parent stops
early for any reason (Ctrl+C, an error, the consumer closing the stream) it kills them
instead of waiting for their queued work.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from graph.errors import ExtractionError
from ingest.model import Document, ExtractionResult, Skipped

CHUNK = 32  # documents per task: one nlp.pipe batch
IN_FLIGHT = 2  # tasks per worker waiting or running

MAX_AUTO = 4  # workers `auto_processes` picks at most: each holds its own copy of the model (~300 MB)

_nlp = None  # the pipeline in a worker process (set by _init)


def auto_processes(n_docs: int) -> int:
    """Worker processes worth starting for `n_docs` documents: one per usable core (at most
    MAX_AUTO), when each worker gets at least two chunks; else 1, i.e. extract in this process."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(cores, MAX_AUTO, n_docs // (2 * CHUNK)))


def _failed(document: Document, exc: Exception) -> Skipped:
    return Skipped(document.path or document.id[:12], f"{type(exc).__name__}: {exc}")


def _extract_chunk(nlp, docs: list[Document], batch_size: int) -> list[ExtractionResult | Skipped]:
    """Each document's result, or a Skipped saying why it failed ('Type: message'); one bad
    text does not fail its neighbours (the chunk is redone one document at a time)."""
    from ingest.extract import build_result, pipeline_text

    try:
        spacy_docs = list(nlp.pipe((pipeline_text(d) for d in docs), batch_size=batch_size))
    except Exception:
        if len(docs) == 1:
            raise
        out: list[ExtractionResult | Skipped] = []
        for d in docs:
            try:
                out.extend(_extract_chunk(nlp, [d], batch_size))
            except Exception as exc:
                out.append(_failed(d, exc))
        return out
    out = []
    for document, spacy_doc in zip(docs, spacy_docs):
        try:
            out.append(build_result(document, spacy_doc))
        except Exception as exc:  # reported against this document; the others go on
            out.append(_failed(document, exc))
    return out


PR_SET_PDEATHSIG = 1


def _die_with_parent(parent: int) -> None:
    """SIGKILL this process when `parent` dies (Linux); elsewhere nothing."""
    import ctypes
    import signal

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: the parent's finally still kills us
        return
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


def _init(nlp, parent: int | None = None) -> None:
    import signal

    global _nlp
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if parent is not None:
        _die_with_parent(parent)
    _nlp = nlp


def _work(docs: list[Document], batch_size: int) -> list[ExtractionResult | Skipped]:
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
) -> Iterator[tuple[Document, ExtractionResult | Skipped]]:
    """(document, result) for each document in order; result is a Skipped saying why on failure."""
    chunks = _chunks(docs, batch_size)
    if n_process <= 1:
        for chunk in chunks:
            yield from zip(chunk, _extract_chunk(nlp, chunk, batch_size))
        return
    # fork: the workers inherit the loaded pipeline (as spaCy's own n_process does on Linux).
    context = multiprocessing.get_context("fork")
    pending: deque[tuple[list[Document], Future]] = deque()
    pool = ProcessPoolExecutor(n_process, mp_context=context, initializer=_init, initargs=(nlp, os.getpid()))
    finished = False
    try:
        for chunk in chunks:
            pending.append((chunk, pool.submit(_work, chunk, batch_size)))
            if len(pending) >= n_process * IN_FLIGHT:
                chunk, future = pending.popleft()
                yield from zip(chunk, future.result())
        while pending:
            chunk, future = pending.popleft()
            yield from zip(chunk, future.result())
        finished = True
    except BrokenProcessPool:
        raise ExtractionError(
            "A spaCy worker process died (killed, or out of memory). Everything reported before "
            "this line is complete; run the command again, or with fewer processes."
        ) from None
    finally:
        if finished:
            pool.shutdown(wait=True)
        else:
            # Stopped early (Ctrl+C, an error, the stream closed): waiting for the workers'
            # queued chunks is what deadlocked; kill them, then let the pool clean up.
            _kill_workers(pool)


def _kill_workers(pool: ProcessPoolExecutor) -> None:
    procs = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for proc in procs:
        try:
            proc.kill()
        except (OSError, ValueError, AttributeError):
            pass
    for proc in procs:
        try:
            proc.join(5)
        except (OSError, ValueError, AssertionError):
            pass

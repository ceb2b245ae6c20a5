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

Kept parses (`Parses`): an ingest asks for the state of each article's Doc just before the
known-names component (the model's annotations plus our name candidates, which do not depend on
what the graph knows), up to a byte cap. When a re-scan extracts the same article again with
more known names, only the components from the known-names one on run on a copy of that
state; the model does not parse the text again. The result is the one a full extraction gives
(tests/test_parallel.py); articles beyond the cap are parsed again.

Workers never outlive the run: each asks the kernel for SIGKILL when its parent dies
(prctl PR_SET_PDEATHSIG, so kill -9 of the ingest takes them along), ignores SIGINT (Ctrl+C
reaches the whole process group; only the parent handles it), and when the parent stops
early for any reason (Ctrl+C, an error, the consumer closing the stream) it kills them
instead of waiting for their queued work.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import weakref
from collections import deque
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from graph.errors import ExtractionError
from ingest.model import Document, ExtractionResult, Skipped

CHUNK = 32  # documents per task: one nlp.pipe batch
IN_FLIGHT = 2  # tasks per worker waiting or running

MAX_AUTO = 4  # workers `auto_processes` picks at most: each holds its own copy of the model (~300 MB)

_nlp = None  # the pipeline in a worker process (set by _init)

KEEP_FROM = "sanctions_kg_known_v1"  # a kept parse is the Doc before this component and those after it
KEEP_BYTES = 128 * 2**20  # kept parses per run at most (~40 kB an article of 200 words): the rest are parsed again

State = bytes  # a kept parse: the pickled message of _snapshot


@dataclass
class Parses:
    """Kept parses of articles by article id, for re-extracting them with more known names
    without the model (see the module docstring). Holds at most `cap` bytes."""

    cap: int = field(default_factory=lambda: KEEP_BYTES)
    size: int = 0
    by_id: dict[str, State] = field(default_factory=dict)

    @property
    def full(self) -> bool:
        return self.size >= self.cap

    def add(self, doc_id: str, state: State) -> None:
        n = len(state)
        if doc_id not in self.by_id and self.size + n <= self.cap:
            self.by_id[doc_id] = state
            self.size += n

    def get(self, doc_id: str) -> State | None:
        return self.by_id.get(doc_id)


def _after(nlp) -> list[str]:
    """The components that run again on a kept parse (none: the pipeline keeps nothing)."""
    names = nlp.pipe_names
    return names[names.index(KEEP_FROM):] if KEEP_FROM in names else []


# Columns of Doc._get_array_attrs() whose values are hashes of strings the receiving
# process's StringStore may lack (ORTH is rebuilt from the text).
_STRING_ATTRS = ("NORM", "TAG", "DEP", "ENT_TYPE", "ENT_KB_ID", "ENT_ID", "LEMMA", "MORPH")


def _snapshot(doc) -> State:
    """The Doc as Doc.to_dict would give it (without tensor and user_data) plus its user_data,
    pickled. Doc.to_dict collects the strings its Doc uses token by token, eight attributes
    each (most of its cost); here they are the distinct hashes of the string columns, looked
    up once each. Doc.from_dict only adds them to the StringStore, so the two restore alike."""
    import numpy
    from spacy import attrs
    from spacy.tokens import Doc

    head = Doc._get_array_attrs()
    body = doc.to_array(head)
    cols = [head.index(getattr(attrs, a)) for a in _STRING_ATTRS]
    strings = doc.vocab.strings
    used = [strings[h] for h in numpy.unique(body[:, cols]).tolist() if h and h in strings]
    msg = {"text": doc.text, "array_head": head, "array_body": body, "sentiment": doc.sentiment,
           "cats": doc.cats, "spans": doc.spans.to_bytes(), "strings": used,
           "has_unknown_spaces": doc.has_unknown_spaces}
    return pickle.dumps((msg, doc.user_data), protocol=pickle.HIGHEST_PROTOCOL)


def _finish(nlp, doc, after: list[str]):
    for name in after:
        doc = nlp.get_pipe(name)(doc)
    return doc


def _restore(nlp, state: State, after: list[str]):
    """The Doc of a kept parse, with the components from KEEP_FROM on run on it again."""
    from spacy.tokens import Doc

    msg, user_data = pickle.loads(state)
    doc = Doc(nlp.vocab).from_dict(msg, exclude=["tensor", "user_data"])
    doc.user_data.update(user_data)
    return _finish(nlp, doc, after)


@contextmanager
def frozen_heap() -> Iterator[None]:
    """Leave the objects alive now (the loaded pipeline: ~120k of them) out of the cyclic
    garbage collector's sweeps while the block runs (gc.freeze), then hand them back
    (gc.unfreeze). They live as long as the pipeline anyway; without this, every full
    collection in this process walked all of them (3 collections cost 0.37 s of the parent's
    2.7 CPU s over 1,000 bench articles), and every worker forked meanwhile walked its copy,
    writing to pages it would otherwise share with this process (Python's gc.freeze docs:
    freeze before fork). Garbage present at the start is collected first, so nothing is
    kept alive by the freeze. Nests: only the outermost block freezes."""
    import gc

    global _frozen
    if _frozen:  # an enclosing block froze already
        yield
        return
    gc.collect()
    gc.freeze()
    _frozen = True
    try:
        yield
    finally:
        _frozen = False
        gc.unfreeze()


_frozen = False  # inside frozen_heap (gc.get_freeze_count() is not 0 at interpreter start)


def auto_processes(n_docs: int) -> int:
    """Worker processes worth starting for `n_docs` documents: one per usable core (at most
    MAX_AUTO), when each worker gets at least two chunks; else 1, i.e. extract in this process."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(cores, MAX_AUTO, n_docs // (2 * CHUNK)))


def _failed(document: Document, exc: Exception) -> Skipped:
    return Skipped(document.path or document.id[:12], f"{type(exc).__name__}: {exc}")


def _extract_chunk(nlp, docs: list[Document], batch_size: int, keep: bool = False,
                   states: list[State | None] | None = None) -> tuple[list[ExtractionResult | Skipped], list[State | None]]:
    """Each document's result, or a Skipped saying why it failed ('Type: message'); one bad
    text does not fail its neighbours (the chunk is redone one document at a time).

    A document with a kept parse in `states` is finished from it; with `keep`, the others'
    parses are returned (the second list, None where there is none)."""
    from ingest.chunks import pipe
    from ingest.extract import build_result, pipeline_text

    states = states or [None] * len(docs)
    after = _after(nlp) if keep or any(states) else []
    parse = [d for d, st in zip(docs, states) if st is None]
    try:
        if after:
            parsed = list(pipe(nlp, (pipeline_text(d) for d in parse), batch_size=batch_size, disable=after))
            kept = [_snapshot(x) for x in parsed] if keep else [None] * len(parsed)
            parsed = [_finish(nlp, x, after) for x in parsed]
        else:
            parsed = list(pipe(nlp, (pipeline_text(d) for d in parse), batch_size=batch_size))
            kept = [None] * len(parsed)
        spacy_docs, new_states = iter(parsed), iter(kept)
        spacy_docs = [_restore(nlp, st, after) if st is not None else next(spacy_docs) for st in states]
        new_states = [None if st is not None else next(new_states) for st in states]
    except Exception:
        if len(docs) == 1:
            raise
        out: list[ExtractionResult | Skipped] = []
        out_states: list[State | None] = []
        for d, st in zip(docs, states):
            try:
                res, kept = _extract_chunk(nlp, [d], batch_size, keep, [st])
                out.extend(res)
                out_states.extend(kept)
            except Exception as exc:
                out.append(_failed(d, exc))
                out_states.append(None)
        return out, out_states
    out = []
    for document, spacy_doc in zip(docs, spacy_docs):
        try:
            out.append(build_result(document, spacy_doc))
        except Exception as exc:  # reported against this document; the others go on
            out.append(_failed(document, exc))
    return out, new_states


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
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})  # blocked by the parent at fork
    if parent is not None:
        _die_with_parent(parent)
    _nlp = nlp


@contextmanager
def _sigint_blocked() -> Iterator[None]:
    """SIGINT held (not lost) in this thread: workers forked meanwhile inherit the mask, so a
    Ctrl+C that lands before their _init cannot kill them half-started (the parent would then
    report a dead worker instead of the interrupt). The parent gets it when the block ends."""
    import signal

    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def _work(docs: list[Document], batch_size: int, keep: bool, states: list[State | None]):
    return _extract_chunk(_nlp, docs, batch_size, keep, states)


TAIL_SPLIT = 4  # the last chunks, one per worker, go out in this many smaller pieces each


def _chunks(docs: Iterable[Document], size: int, workers: int = 1) -> Iterator[list[Document]]:
    """Chunks of `size` documents. With several workers and a list of documents, the last
    `workers * size` go in chunks of size/TAIL_SPLIT, so that the workers finish at about the
    same time instead of one waiting on the other's whole last chunk."""
    if workers > 1 and isinstance(docs, list):
        tail = max(0, len(docs) - workers * size)
        yield from _plain_chunks(docs[:tail], size)
        yield from _plain_chunks(docs[tail:], max(1, size // TAIL_SPLIT))
    else:
        yield from _plain_chunks(docs, size)


def _plain_chunks(docs: Iterable[Document], size: int) -> Iterator[list[Document]]:
    chunk: list[Document] = []
    for d in docs:
        chunk.append(d)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def extract_stream(
    docs: Iterable[Document], nlp, *, batch_size: int = CHUNK, n_process: int = 1, parses: Parses | None = None
) -> Iterator[tuple[Document, ExtractionResult | Skipped]]:
    """(document, result) for each document in order; result is a Skipped saying why on failure.

    With `parses`, a document whose parse it holds is finished from that parse, and the parses
    of the others are added to it while it has room."""

    def task(chunk: list[Document]) -> tuple[bool, list[State | None]]:
        states = [parses.get(d.id) for d in chunk] if parses is not None else [None] * len(chunk)
        keep = parses is not None and not parses.full and not all(states)
        return keep, states

    def done(chunk: list[Document], res: tuple[list, list[State | None]]) -> Iterator:
        results, kept = res
        if parses is not None:
            for d, st in zip(chunk, kept):
                if st is not None:
                    parses.add(d.id, st)
        return zip(chunk, results)

    chunks = _chunks(docs, batch_size, n_process)
    if n_process <= 1:
        for chunk in chunks:
            yield from done(chunk, _extract_chunk(nlp, chunk, batch_size, *task(chunk)))
        return
    # fork: the workers inherit the loaded pipeline (as spaCy's own n_process does on Linux).
    context = multiprocessing.get_context("fork")
    pending: deque[tuple[list[Document], Future]] = deque()
    pool = ProcessPoolExecutor(n_process, mp_context=context, initializer=_init, initargs=(nlp, os.getpid()))
    _pools.add(pool)
    finished = False
    try:
        for chunk in chunks:
            with _sigint_blocked():  # a worker forked here starts with Ctrl+C held until _init ignores it
                pending.append((chunk, pool.submit(_work, chunk, batch_size, *task(chunk))))
            if len(pending) >= n_process * IN_FLIGHT:
                chunk, future = pending.popleft()
                yield from done(chunk, future.result())
        while pending:
            chunk, future = pending.popleft()
            yield from done(chunk, future.result())
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


_pools: "weakref.WeakSet[ProcessPoolExecutor]" = weakref.WeakSet()


def kill_workers() -> None:
    """Kill the workers of every run still open in this process. For an exit on Ctrl+C or an
    error raised by the consumer of `extract_stream` (its generator, held by the traceback,
    is not closed yet): the interpreter would otherwise wait for their queued chunks."""
    for pool in list(_pools):
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

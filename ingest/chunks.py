"""A long article parsed in bounded pieces, so that one article's peak memory does not grow
with its length.

spaCy's statistical components (tok2vec, tagger, parser, NER) hold working memory in
proportion to the text they are given at once: one 0.93 MB article took 2.9 GB and 37 s in
one process (issue 27). A text longer than CHUNK_CHARS is cut into consecutive pieces of at
most that many characters — after a blank line (a paragraph) where there is one, else after a
line break, a sentence's end or a space — the model runs over the pieces (`nlp.pipe`), the
pieces' Docs are joined back into one Doc of the whole text (`Doc.from_docs`: the pieces cover
the text exactly, so every character offset is the original's), and our own components
(ingest/nlp.py COMPONENTS) run on that Doc as they do on any other. So entities, sentences,
evidence and relations that reach back a sentence read the whole article; only the model's
view of a token is limited to its piece (its context window is a few tokens wide, and a
paragraph border ends a sentence anyway: ingest/components/paragraphs.py).

Articles of CHUNK_CHARS or less — every article of the dev set and the examples — are parsed
whole, exactly as before.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

CHUNK_CHARS = 20_000  # characters the model reads at once (~40 MB of its working memory)

_PARAGRAPH = re.compile(r"\n[ \t\r\f\v]*\n\s*")
_LINE = re.compile(r"\n\s*")
_SENTENCE = re.compile(r"[.!?…][\"'\u201d\u2019)\]]*\s+")
_SPACE = re.compile(r"\s+")


def pieces(text: str, size: int) -> list[tuple[int, int]]:
    """(start, end) of consecutive pieces that cover `text`, each at most `size` characters,
    cut at the best break in each window: a paragraph's end, else a line's, a sentence's, a
    space; a text without any is cut at `size`. A cut falls after the whitespace of its break,
    so every piece but the first starts with a visible character."""
    if size < 1:
        raise ValueError("size must be at least 1")
    out: list[tuple[int, int]] = []
    start, n = 0, len(text)
    while n - start > size:
        window = text[start : start + size]
        cut = 0
        for pattern in (_PARAGRAPH, _LINE, _SENTENCE, _SPACE):
            # The last break that ends inside the window (and leaves a piece behind it).
            ends = [m.end() for m in pattern.finditer(window)]
            if ends:
                cut = ends[-1]
                break
        if cut <= 0:
            cut = size
        out.append((start, start + cut))
        start += cut
    if start < n or not out:
        out.append((start, n))
    return out


def _ours(nlp) -> list[str]:
    """Our components in `nlp` (ingest/nlp.py COMPONENTS): they run on the whole Doc."""
    from ingest.nlp import COMPONENTS

    names = nlp.pipe_names
    first = next((i for i, name in enumerate(names) if name in COMPONENTS), len(names))
    return names[first:]


def parse(nlp, text: str, *, disable: Iterable[str] = (), size: int | None = None):
    """`nlp(text)` without `disable`d components, the model reading at most `size` characters at
    once (default CHUNK_CHARS; see the module docstring)."""
    disable = list(disable)
    size = size or CHUNK_CHARS
    if len(text) <= size:
        return nlp(text, disable=disable)
    from spacy.tokens import Doc

    ours = [name for name in _ours(nlp) if name not in disable]
    # One piece at a time: nlp.pipe batches its texts through the model together (up to 1000).
    parts = list(nlp.pipe((text[a:b] for a, b in pieces(text, size)), batch_size=1, disable=[*disable, *ours]))
    doc = Doc.from_docs(parts, ensure_whitespace=False, exclude=["tensor", "user_data"])  # type: ignore[call-arg]
    del parts
    if doc.text != text:  # the pieces cover the text exactly; never hand on a Doc that differs
        raise AssertionError("the parsed pieces do not join back into the article's text")
    for name in ours:
        doc = nlp.get_pipe(name)(doc)
    return doc


def pipe(nlp, texts: Iterable[str], *, batch_size: int = 32, disable: Iterable[str] = (),
         size: int | None = None) -> Iterator:
    """`nlp.pipe(texts)`, in order, with each text longer than `size` (default CHUNK_CHARS)
    parsed in pieces (`parse`)."""
    disable = list(disable)
    size = size or CHUNK_CHARS
    texts = list(texts)
    long = [len(t) > size for t in texts]
    if not any(long):
        yield from nlp.pipe(texts, batch_size=batch_size, disable=disable)
        return
    short = iter(nlp.pipe((t for t, big in zip(texts, long) if not big), batch_size=batch_size, disable=disable))
    for text, big in zip(texts, long):
        yield parse(nlp, text, disable=disable, size=size) if big else next(short)

"""Knowledge-aware extraction: what the graph already knows, used on new and stored articles.

    before = load_index(store)                 # names the graph holds, before new knowledge
    ... import a list / ingest articles ...
    summary = refresh(store, before)           # ingest.pipeline: re-extract stored articles that mention new names

Three pieces:
- **The name index** (`load_index`): vessels (with their IMO numbers) and companies from
  articles and lists, and the people, agencies and organisations a sanctions list names — one
  bounded query. People and bodies only articles name are left out: the statistical model
  finds those again by itself, and spreading its guesses would spread its mistakes. The index
  goes to the spaCy component sanctions_kg_known_v1 (`using_index`), which recognises those
  names with their type in every new article, even without a cue.
- **The article key index**: every stored article keeps its text (`Article.text`) and the keys
  of its capitalised words (`Article.name_keys`: each capitalised word and the pair it starts,
  lower case; indexed), so "which stored articles may mention name N" is one indexed lookup
  of N's first word pair (`name_key`), not a pass over the corpus.
- **Re-scan** (`ingest.pipeline.refresh`, which writes as an ingest does): the names in the index now and not before are looked up; stored
  articles that hold a name's key, whose text contains the name, and that do not already
  mention that entity under that name (an article that gave the entity only other names may
  have typed this one as something else) are extracted again with the new index, and their
  facts replaced in one atomic batch each (ingest.pipeline.write_article with replace=True;
  an article written earlier in the same run gets only the difference written,
  graph.writer.Writer.revise_many, or nothing but its scalars when its facts are the same).
  Re-extraction can type new names in turn, so it repeats until nothing new is learnt (at
  most `MAX_ROUNDS`).
  The result: the graph does not depend on whether the articles or the list came first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from graph.listings import LIST_SOURCE_PREFIX
from graph.names import name_index

MAX_NAMES = 200_000  # entities in the index at most (vessels with IMO and listed entities first)
MAX_ALIASES = 20  # names per entity in the index at most
MAX_KEYS = 3000  # keys stored per article at most
MAX_TEXT = 1_000_000  # characters of text stored per article at most (spaCy's own default limit)
MAX_ROUNDS = 3  # re-scan rounds at most (a re-scan can type new names, which can need another)
PAGE = 500  # articles fetched per query when re-scanning

_WORD = re.compile(r"\w+")
COMPONENT = "sanctions_kg_known_v1"


# Words that start sentences, not names: no key starts with one ("The Sea Fox" -> "sea fox").
_NOT_FIRST = {"the", "a", "an", "in", "on", "at", "by", "for", "from", "with", "and", "but", "or", "as", "it",
              "its", "this", "that", "these", "those", "of", "to", "he", "she", "they", "we", "i", "is", "was"}


def _words(text: str) -> list[str]:
    return _WORD.findall(text)


def name_key(name: str) -> str | None:
    """The key an article holds when it may mention `name`: its first two words, lower case."""
    words = [w.lower() for w in _words(name)]
    while len(words) > 1 and words[0] in _NOT_FIRST:
        words.pop(0)
    if not words:
        return None
    return " ".join(words[:2])


def article_keys(text: str, cap: int = MAX_KEYS) -> list[str]:
    """Keys of an article's capitalised words: each one, and the pair it starts (lower case)."""
    words = _words(text)
    keys: dict[str, None] = {}
    for i, w in enumerate(words):
        if not (w[:1].isupper() or w[:1].isdigit()):
            continue
        low = w.lower()
        if low in _NOT_FIRST:
            continue
        if not low.isdigit():
            keys[low] = None
        if i + 1 < len(words):
            keys[f"{low} {words[i + 1].lower()}"] = None
        if len(keys) >= cap:
            break
    return sorted(keys)


# -- the name index ---------------------------------------------------------------------------


@dataclass(frozen=True)
class KnownName:
    """One entity the graph holds, as the known-names component needs it."""

    label: str
    name: str
    aliases: tuple[str, ...] = ()
    id: str | None = None
    imo: str | None = None
    listed: bool = False
    list_only: bool = False  # only a sanctions list names it (its node's source is list:<name>): no article typed it


def load_index(store, cap: int = MAX_NAMES) -> list[KnownName]:
    """The entities whose names new articles should recognise (one query, at most `cap`)."""
    onto = store.ontology  # which labels: their `known` in graph/ontology.yaml
    always, listed = onto.known_labels("always"), onto.known_labels("listed")
    out = []
    for n in name_index(store, always, listed, cap):
        if n.label not in always + listed or not n.name:
            continue
        # The first MAX_ALIASES in sorted order, not in the order they were stored (the order
        # articles and lists came in): which names the index keeps does not depend on it.
        aliases = tuple(sorted({a for a in n.aliases if a}))[:MAX_ALIASES]
        out.append(KnownName(n.label, n.name, aliases, n.id, n.imo, bool(n.listed),
                             str(n.source or "").startswith(LIST_SOURCE_PREFIX)))
    return out


_SENTENCE_BREAK = re.compile(r"[.;!?]\s+[A-Z]")  # "X Ltd. X Ltd" is two mentions run together, not a name
LEGAL_WORDS = {"ltd", "llc", "inc", "co", "corp", "gmbh", "ooo", "jsc", "pjsc", "ao", "oao", "zao", "plc", "sa",
               "s.a.", "ag", "bv", "nv", "pte", "fze", "fzco", "limited", "company", "corporation"}


# Words a name does not start or end with: a span that does is a piece of a sentence.
_EDGE_WORDS = _NOT_FIRST | {"all", "used", "with", "to", "into", "over", "under", "after", "before", "about", "via",
                            "than", "then", "were", "be", "been", "has", "had", "have", "not", "no", "said", "also",
                            "which", "who", "when", "where", "while", "onboard", "aboard"}


def index_names(e: KnownName) -> list[str]:
    """The names of `e` worth matching in new text.

    Left out: a one-word name unless the entity has an IMO number or a list names it (an
    article's one-word "ship" may be a stray word, and one word needs more than an article's
    say-so to count everywhere); a one-word alias of a longer name (its legal form, its last
    word); names that start or end with a function word ("X With", "All ..."), are only legal
    forms ("Pte Ltd"), or run two mentions together ("X Ltd. X Ltd").
    """
    out = []
    long_name = len(e.name.split()) > 1
    for i, n in enumerate(dict.fromkeys((e.name, *e.aliases))):
        n = " ".join(str(n or "").split())
        if n.lower().startswith("the "):
            n = n[4:]
        words = [w.lower().strip(".,") for w in n.split()]
        if len(n) < 2 or not any(c.isalpha() for c in n) or _SENTENCE_BREAK.search(n) or not words:
            continue
        if all(w in LEGAL_WORDS for w in words) or words[0] in _EDGE_WORDS or words[-1] in _EDGE_WORDS:
            continue
        if len(words) == 1 and ((i > 0 and long_name) or not (e.imo or e.listed)):
            continue
        out.append(n)
    return out


def resolve_names(entries: Iterable[KnownName]) -> dict[str, dict]:
    """Lower-case name -> {label, id, imo}: what a known name means in a new article.

    A name entities of two labels share means nothing (the text must say which). A vessel name
    the graph knows with one IMO number is that ship, also where an article named it before the
    number was known (that node goes when its articles are re-scanned); with several IMO
    numbers it is a vessel, no more.
    """
    groups: dict[str, list[KnownName]] = {}
    for e in entries:
        for n in index_names(e):
            groups.setdefault(n.lower(), []).append(e)
    out: dict[str, dict] = {}
    for text, group in groups.items():
        labels = {e.label for e in group}
        if len(labels) != 1:
            continue
        label = labels.pop()
        imos = {e.imo for e in group if e.imo} if label == "Vessel" else set()
        ids = {e.id for e in group if e.id and (e.imo or not imos)}
        one = ids.pop() if len(ids) == 1 else None
        # Whether only a list gives the name (ingest.pipeline.ListTrust: it then types a mention
        # only where the text says nothing else); an article typing it later changes its meaning.
        list_only = bool(one) and all(e.list_only for e in group if e.id == one)
        out[text] = {"label": label, "id": one, "imo": imos.pop() if len(imos) == 1 else None, "list_only": list_only}
    return out


@contextmanager
def using_index(nlp, entries: Iterable[KnownName]) -> Iterator[int]:
    """Give `nlp`'s known-names component `entries` for the block (then an empty index again,
    so a cached pipeline does not carry one store's knowledge into another's extraction)."""
    if not nlp.has_pipe(COMPONENT):
        yield 0
        return
    pipe = nlp.get_pipe(COMPONENT)
    try:
        yield pipe.set_index(entries)
    finally:
        pipe.set_index(())


@dataclass(frozen=True)
class NewName:
    """A name the graph knows now and did not before."""

    key: str  # name_key(name)
    id: str  # the entity's node id
    name: str
    local: str  # the name's key within its label (ingest.resolve.local_key), as MENTIONS.keys hold it


def _digest(name: str, meaning: dict) -> str:
    import hashlib

    text = "\x1f".join((name, meaning["label"] or "", meaning["id"] or "", meaning["imo"] or "",
                        "list" if meaning.get("list_only") else ""))
    return hashlib.sha1(text.encode()).hexdigest()[:16]


def base_of(entries: Iterable[KnownName]) -> list[str]:
    """What each name in `entries` means (label, entity, IMO number), as sorted digests: the
    record of an owed re-scan (begin_rescan), against which new_names finds what changed."""
    return sorted(_digest(name, meaning) for name, meaning in resolve_names(entries).items())


def new_names(before: Iterable[KnownName] | frozenset[str], after: Iterable[KnownName]) -> list[NewName]:
    """Names whose meaning (label, entity, IMO number) in a new article differs in `after` from
    `before` (an index, or its digests: base_of): the names a re-scan is for."""
    from ingest.resolve import local_key  # imports spaCy: not at module level

    old = before if isinstance(before, frozenset) else frozenset(base_of(before))
    out = []
    for name, meaning in resolve_names(after).items():
        key = name_key(name)
        if meaning["id"] and key and _digest(name, meaning) not in old:
            out.append(NewName(key, meaning["id"], name, local_key(meaning["label"], name)))
    return out


# -- owed re-scan work, recorded in the store -------------------------------------------------
# The re-scan an ingest or import owes is recorded in the store (one Rescan node: the digests of
# what each known name meant when the work began) before its first write, and removed only once
# the re-scan is done. A run that is killed, interrupted or loses its store leaves the record,
# and the next ingest or import (with the same input, or any other) finishes the work from it:
# the graph does not depend on where a run stopped.


def begin_rescan(store, before: Iterable[KnownName]) -> frozenset[str]:
    """Record that re-scan work is owed from `before` (the index now), unless some already is;
    returns the base to re-scan from (the older one, when an earlier run left work owed)."""
    from graph.names import owe_rescan

    return frozenset(owe_rescan(store, base_of(before)))


def owed_rescan(store) -> frozenset[str] | None:
    """The base of the re-scan work the store records as owed, or None."""
    from graph.names import owed_rescan as owed

    base = owed(store)
    return None if base is None else frozenset(base)


def end_rescan(store) -> None:
    """The owed re-scan is done (call only after it is)."""
    from graph.names import paid_rescan

    paid_rescan(store)


@dataclass
class RescanSummary:
    """What a re-scan did."""

    new_names: int = 0  # names the graph learnt (over all rounds)
    candidates: int = 0  # stored articles holding a new name's key and not mentioning its entity
    rescanned: int = 0  # of which extracted again (their text contains the name)
    unchanged: int = 0  # of which gave the rows they wrote in this run: not rewritten (ingest.pipeline.Shares)
    revised: int = 0  # of which changed what they wrote in this run: only the difference written (Writer.revise_many)
    failed: int = 0  # re-extractions that failed (the article keeps its earlier facts)
    rounds: int = 0


def _pattern(name: str) -> re.Pattern:
    return re.compile(r"(?<!\w)" + r"\s+".join(re.escape(w) for w in name.split()) + r"(?!\w)", re.IGNORECASE)


_PREV = re.compile(r"(\S+)\s+$")
_NEXT = re.compile(r"^\s+(\S+)")
_MAY_TOUCH = {"IMO", "MMSI", "AIS", "M/T", "M/V", "M/Y", "MT", "MV"}
# One space and a number of up to three digits that the tokenizer makes a word of its own (it
# ends the text, or whitespace or closing punctuation follows): "Sea Fox 3" is another ship
# than "Sea Fox" (the known-names component's rule). Shapes it may not split ("3.5", "3rd",
# "3,000") do not count, so this never refuses a mention the component would take.
_HULL_NEXT = re.compile(r" [0-9]{1,3}(?:$|(?=\s)|(?=[,.;:!?)\]\"%]($|\s))|(?=-))")


def _accepts(text: str, start: int, end: int) -> bool:
    """Whether text[start:end], a case-insensitive match of a name on word boundaries, writes it
    as a name (the shape the known-names component accepts; see mentions)."""
    words = text[start:end].split()
    if not all(w[:1].isupper() or w[:1].isdigit() or w.lower() in _NOT_FIRST for w in words):
        return False
    prev = _PREV.search(text[max(0, start - 40) : start])
    if prev and prev.group(1)[:1].isupper() and prev.group(1)[-1:] not in ".:;!?\"'" \
            and prev.group(1).lower() not in _NOT_FIRST and prev.group(1) not in _MAY_TOUCH:
        return False
    nxt = _NEXT.search(text[end : end + 40])
    if nxt and nxt.group(1)[:1].isupper() and text[end - 1 : end] not in ".!?" and nxt.group(1) not in _MAY_TOUCH:
        return False
    if _HULL_NEXT.match(text, end):
        return False
    return True


def mentions(text: str, name: str) -> bool:
    """Whether `text` writes `name` as a name (each word capitalised or in capitals, not inside
    a longer capitalised name, not followed by a hull number): the shape the known-names
    component accepts. For many names over many texts, NameMatcher does the same in one pass."""
    return any(_accepts(text, m.start(), m.end()) for m in _pattern(name).finditer(text))


def norm_name(name: str) -> str:
    """A name as NameMatcher keys it: lower case, single spaces."""
    return " ".join(name.split()).lower()


_TOKEN = re.compile(r"\S+")


class NameMatcher:
    """Every name of a re-scan round in one Aho-Corasick automaton (pyahocorasick) over the
    lower-case text with its whitespace runs made single spaces: one pass over a text finds
    which of the names it writes as a name (mentions' shape), in time linear in the text plus
    the hits, instead of one regular expression per name and article.

        matcher = NameMatcher(["silver larch", "larchwood maritime"])
        matcher.found(text)      # the (normalised) names among them that text mentions
    """

    def __init__(self, names: Iterable[str]):
        import ahocorasick

        self.names = {n for n in (norm_name(x) for x in names) if n}
        self._auto = ahocorasick.Automaton()
        for n in self.names:
            self._auto.add_word(n, n)
        if self.names:
            self._auto.make_automaton()

    def found(self, text: str) -> set[str]:
        if not self.names or not text:
            return set()
        # The normalised text, and where each of its words starts in it and in `text`.
        starts_norm: list[int] = []
        starts_orig: list[int] = []
        parts: list[str] = []
        pos = 0
        for m in _TOKEN.finditer(text):
            word = m.group(0)
            low = word.lower()
            if len(low) != len(word):  # a character whose lower case is longer: read this text the slow way
                return {n for n in self.names if mentions(text, n)}
            starts_norm.append(pos)
            starts_orig.append(m.start())
            parts.append(low)
            pos += len(low) + 1
        norm = " ".join(parts)
        out: set[str] = set()
        from bisect import bisect_right

        def orig(i: int) -> int:  # a position inside a word of `norm` -> the same in `text`
            w = bisect_right(starts_norm, i) - 1
            return starts_orig[w] + (i - starts_norm[w])

        for last, name in self._auto.iter(norm):
            if name in out:
                continue
            first = last - len(name) + 1
            start, end = orig(first), orig(last) + 1
            # On word boundaries, as mentions' (?<!\w)...(?!\w).
            if (start > 0 and (text[start - 1].isalnum() or text[start - 1] == "_")) or \
                    (end < len(text) and (text[end].isalnum() or text[end] == "_")):
                continue
            if _accepts(text, start, end):
                out.add(name)
        return out

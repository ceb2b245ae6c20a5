"""Data files and token helpers the components share.

Rule components do not write doc.ents: they add candidates to doc.user_data["skg_cands"]
as (start_token, end_token, label, priority, info). sanctions_kg_entities_v1 picks among
them and the statistical NER, then sets doc.ents with ontology labels.
"""

from __future__ import annotations

from bisect import bisect_right
from functools import cache
from importlib import resources
import weakref
from weakref import WeakKeyDictionary

import yaml
from spacy.attrs import LOWER, ORTH, SPACY
from spacy.tokens import Doc, Span

CANDS = "skg_cands"
INFO = "skg_info"


def span_key(start: int, end: int) -> str:
    """Key of a span in doc.user_data[INFO].

    A string, not a (start, end) tuple: with nlp.pipe(n_process>1) docs travel back from the
    workers through msgpack, which turns tuple keys into unhashable lists, and spaCy then
    deadlocks instead of raising.
    """
    return f"{start}:{end}"


def span_of_key(key: str) -> tuple[int, int]:
    start, end = key.split(":")
    return int(start), int(end)
RELATIONS = "skg_relations"
DARK = "skg_dark"  # AIS-dark statements: ingest.model.DarkActivity as plain data
DROPPED = "skg_dropped"  # (start, end, label, reason) of candidates not kept: extract --explain
DATES = "skg_dates"

# Candidate priorities: identifiers beat gazetteers beat patterns beat propagated names.
PRIO_ID, PRIO_GAZ, PRIO_PATTERN, PRIO_LIST, PRIO_PROPAGATED = 5, 4, 3, 2, 1

MONTHS = {
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December", "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep",
    "Sept", "Oct", "Nov", "Dec",
}
WEEKDAYS = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}
# Compass words start a name only when a capitalised word follows ("Eastern Harmony", a ship;
# not "Western officials"): is_name_token checks that; elsewhere they never start one.
COMPASS = {"Western", "Eastern", "Northern", "Southern"}
# Capitalised words that start sentences or phrases but never start a name.
NOT_NAME_START = {
    "The", "A", "An", "This", "That", "These", "Those", "It", "Its", "In", "On", "At", "By",
    "For", "From", "With", "And", "But", "Or", "As", "After", "Before", "During", "Since",
    "According", "Both", "All", "Each", "Other", "Their", "His", "Her", "Our", "Some", "Several",
    "Many", "One", "Two", "Three", "Four", "Five", "IMO", "MMSI", "AIS", "If", "When", "While",
    "Which", "Who", "What", "Where", "There", "Here", "He", "She", "They", "We", "I", "You",
    "Also", "However", "Meanwhile", "Today", "Yesterday", "Last", "Next", "Earlier", "Later",
    "Satellite", "Images", "Imagery", "Officials", "Analysts", "Data", "Under", "Despite",
    "Was", "Were", "Is", "Are", "Has", "Had", "Have", "Not", "No", "Such", "Another", "Most",
    "Any", "Every", "Neither", "Only", "Then",
} | MONTHS | WEEKDAYS | COMPASS
NAME_JOINERS = {"-", "of", "&", "de", "la", "del", "van", "von", "al", "el", "bin"}
# Words that end an ALL-CAPS name though they are capitals too (court captions run on:
# "ALL CARGO ABOARD THE MARLOW WITH ...").
CAPS_STOPS = {"aboard", "bearing", "cargo", "vessel", "tanker", "ship", "defendant", "defendants", "plaintiff", "et", "al", "v", "vs"}


@cache
def data(name: str) -> dict:
    """One YAML data file from ingest/data, parsed once."""
    path = resources.files("ingest") / "data" / f"{name}.yaml"
    return yaml.safe_load(path.read_text("utf-8"))


@cache
def country_index() -> dict:
    """Lookups over countries.yaml: alias -> country, demonym -> country."""
    by_alias: dict[str, dict] = {}
    by_demonym: dict[str, dict] = {}
    for c in data("countries")["countries"]:
        for a in c["aliases"]:
            by_alias.setdefault(a, c)
            by_alias.setdefault(a.lower(), c)
        for d in c.get("demonyms") or []:
            by_demonym.setdefault(d, c)
            by_demonym.setdefault(d.lower(), c)
    return {"alias": by_alias, "demonym": by_demonym}


def country_of(text: str) -> dict | None:
    """The country a country name, short form or demonym refers to, or None."""
    idx = country_index()
    return idx["alias"].get(text) or idx["demonym"].get(text) or idx["alias"].get(text.lower()) or idx["demonym"].get(text.lower())


def cues() -> dict:
    return data("cues")


def ensure_extensions() -> None:
    """Expose what the components found as doc._ / span._ attributes (read-only views)."""
    if not Doc.has_extension("skg_relations"):
        # user_data holds plain data (docs may travel through msgpack: nlp.pipe(n_process>1));
        # these getters hand out the typed values of ingest.model.
        from ingest.model import DarkActivity, RelationCandidate

        Doc.set_extension("skg_relations", getter=lambda d: [RelationCandidate.from_data(x) for x in d.user_data.get(RELATIONS, [])])
        Doc.set_extension("skg_dark", getter=lambda d: [DarkActivity.from_data(x) for x in d.user_data.get(DARK, [])])
        Doc.set_extension("skg_candidates", getter=lambda d: d.user_data.get(CANDS, []))
        Span.set_extension("skg", getter=lambda s: s.doc.user_data.get(INFO, {}).get(span_key(s.start, s.end), {}))


def sent_bounds(doc: Doc, i: int) -> tuple[int, int]:
    """Start and end token of the sentence holding token i; computed once per doc
    (Token.sent walks the sentence on every call)."""
    bounds = doc.user_data.get("skg_sents")
    if bounds is None:
        if not doc.has_annotation("SENT_START"):
            return 0, len(doc)
        bounds = doc.user_data["skg_sents"] = ([s.start for s in doc.sents], [s.end for s in doc.sents])
    k = bisect_right(bounds[0], i) - 1
    return bounds[0][k], bounds[1][k]


# Values about a Doc's tokens that several components read, worked out once while the Doc
# lives. Not in doc.user_data, which is serialized (kept parses, n_process > 1). Our components
# never retokenize; a Doc whose length changed starts afresh.
_PER_DOC: WeakKeyDictionary = WeakKeyDictionary()
_LAST: list = [None, None]  # the Doc asked about last (a weak reference) and its entry: asked again at once


def _per_doc(doc: Doc) -> dict:
    ref, entry = _LAST
    if ref is None or ref() is not doc or entry["n"] != len(doc):
        entry = _PER_DOC.get(doc)
        if entry is None or entry["n"] != len(doc):
            entry = _PER_DOC[doc] = {"n": len(doc)}
        _LAST[:] = [weakref.ref(doc), entry]
    return entry


def token_ids(doc: Doc) -> tuple[list[int], list[int], list[int]]:
    """Every token's ORTH and LOWER hash and whitespace flag (doc.to_array), once per Doc."""
    entry = _per_doc(doc)
    if "ids" not in entry:
        array = doc.to_array([ORTH, LOWER, SPACY])
        entry["ids"] = (array[:, 0].tolist(), array[:, 1].tolist(), array[:, 2].tolist())
    return entry["ids"]


def token_strings(doc: Doc) -> tuple[list[str], list[str]]:
    """Every token's text and lower-case form, once per Doc: from the tokens' string hashes,
    about half the time of building a Token for each."""
    entry = _per_doc(doc)
    if "strings" not in entry:
        strings = doc.vocab.strings
        orth, lower, _ = token_ids(doc)
        entry["strings"] = ([strings[h] for h in orth], [strings[h] for h in lower])
    return entry["strings"]


def _joined(texts: list[str], spaces: list[int]) -> str:
    """Token texts, each followed by its whitespace (zip stops at the shorter list)."""
    return "".join([t + " " if space else t for t, space in zip(texts, spaces)])


def span_text(doc: Doc, start: int, end: int) -> str:
    """doc[start:end].text from the shared token strings, without a Span or Token objects."""
    entry = _per_doc(doc)
    texts = (entry["strings"] if "strings" in entry else token_strings(doc))[0]
    words = texts[start:end]
    if not words:
        return ""
    return _joined(words[:-1], entry["ids"][2][start:end]) + words[-1]  # no space after the last word


def doc_text(doc: Doc) -> str:
    """doc.text, once per Doc (the property joins every token's text on each call)."""
    entry = _per_doc(doc)
    if "text" not in entry:
        entry["text"] = _joined(token_strings(doc)[0], token_ids(doc)[2])
    return entry["text"]


def add_candidate(doc: Doc, start: int, end: int, label: str, priority: int, **info) -> None:
    if end <= start:
        return
    doc.user_data.setdefault(CANDS, []).append((start, end, label, priority, info))


def covered(doc: Doc) -> list[str | None]:
    """Per token, the label of a gazetteer candidate covering it (so patterns do not take
    a country or a port for a ship's or company's name)."""
    cover: list[str | None] = [None] * len(doc)
    for start, end, label, prio, _ in doc.user_data.get(CANDS, []):
        if prio == PRIO_GAZ:
            for i in range(start, end):
                cover[i] = label
    return cover


def shapes() -> dict:
    """The entity side's own shape data (ingest/data/entity_shapes.yaml)."""
    return data("entity_shapes")


def is_caps(tok) -> bool:
    """An ALL-CAPS word ("SEA", "GLORY"), as notices and court captions print ship names."""
    text = tok.text
    return len(text) > 1 and text.isupper() and any(c.isalpha() for c in text)


def is_name_token(tok, first: bool) -> bool:
    text = tok.text
    if not text or tok.is_punct or tok.is_space:
        return False
    if "-" in text[1:] and text.rsplit("-", 1)[1][:1].islower():
        # "U.S.-designated", "Iran-backed", "Dubai-registered": a modifier before a name, not a
        # word of it (the tokenizer keeps such a word whole after an abbreviation)
        return False
    if first:
        if text in COMPASS or (is_caps(tok) and text.title() in COMPASS):
            # "Eastern Harmony", "NORTHERN STAR": a compass word with a name after it
            nxt = tok.nbor(1) if tok.i + 1 < len(tok.doc) else None
            return nxt is not None and nxt.text[:1].isupper() and nxt.text not in NOT_NAME_START and not nxt.is_punct \
                and (text in COMPASS or is_caps(nxt))
        return text[0].isupper() and text not in NOT_NAME_START and not (is_caps(tok) and text.title() in NOT_NAME_START)
    return text[0].isupper() or text[0].isdigit()


def name_after(doc: Doc, i: int, limit: int, cover=None, joiners=NAME_JOINERS, max_len: int = 5) -> int:
    """End of a name starting at token i (i itself if there is none)."""
    if i >= limit or not is_name_token(doc[i], True) or (cover and cover[i]):
        return i
    j = i + 1
    # Caps mode when the name starts with two capitalised words ("SEA LANTERN 7"); "NS Aurora"
    # is a short capital prefix inside an ordinary name.
    caps = is_caps(doc[i]) and j < limit and (is_caps(doc[j]) or doc[j].text.isdigit())
    while j < limit and j - i < max_len:
        tok = doc[j]
        if caps:
            # An ALL-CAPS name runs over capitals and numbers, even over a word a gazetteer
            # knows ("SEA LANTERN 7"), and stops at a function word ("MARLOW WITH ...").
            if (is_caps(tok) or tok.text.isdigit()) and not tok.is_stop and tok.lower_ not in CAPS_STOPS:
                j += 1
                continue
            if tok.text == "-" and not tok.whitespace_ and j + 1 < limit and (is_caps(doc[j + 1]) or doc[j + 1].text.isdigit()):
                j += 2
                continue
            break
        if is_name_token(tok, False) and not (cover and cover[j]):
            j += 1
        elif tok.text in joiners and tok.is_lower and j + 2 < limit and doc[j + 1].text in joiners and doc[j + 1].is_lower \
                and is_name_token(doc[j + 2], False):
            j += 3   # two particles: "Rosa Maria de la Paz"
        elif tok.text in joiners and j + 1 < limit and is_name_token(doc[j + 1], False) and tok.text != "-" or (
            tok.text == "-" and j + 1 < limit and doc[j + 1].text[:1].isalnum() and not tok.whitespace_ and not doc[j - 1].whitespace_
        ):
            j += 2
        else:
            break
    return min(j, limit)


def name_before(doc: Doc, end: int, floor: int, cover=None, max_len: int = 5) -> int:
    """Start of a name that ends just before token `end` (end itself if there is none)."""
    j = end
    caps = end > floor and is_caps(doc[end - 1])
    while j > floor and end - j < max_len:
        tok = doc[j - 1]
        if caps and (tok.is_stop or tok.lower_ in CAPS_STOPS or not (is_caps(tok) or tok.text.isdigit() or tok.text == "-")):
            break
        if caps and not (cover and cover[j - 1] and j == end):
            j -= 1
        elif is_name_token(tok, False) and not (cover and cover[j - 1]):
            j -= 1
        elif tok.text == "-" and j - 1 > floor and not tok.whitespace_ and not doc[j - 2].whitespace_:
            j -= 1
        else:
            break
    # The name must start with a capitalised word that can start a name, and not with the
    # tail of a prefix ("M/T X": the "T").
    while j < end and (not is_name_token(doc[j], True) or (j > 0 and doc[j - 1].text == "/" and not doc[j - 1].whitespace_)):
        j += 1
    return j


def headline_lines(doc: Doc) -> list[tuple[int, int]]:
    """Character ranges of the lines written in Title Case without a full stop ("Tanker Used
    To Break Sanctions Seized Off Coast"): headlines, sidebars, captions. Their capitals say
    nothing about names, so context rules do not introduce a name there. Once per doc."""
    cached = doc.user_data.get("skg_headlines")
    if cached is not None:
        return cached
    from ingest.furniture import title_line

    out, pos = [], 0
    for line in doc_text(doc).split("\n"):
        if title_line(line, max_words=40):
            out.append((pos, pos + len(line)))
        pos += len(line) + 1
    doc.user_data["skg_headlines"] = out
    return out


def in_headline(doc: Doc, start: int, end: int) -> bool:
    """True when tokens start..end lie on a Title-Case line (see headline_lines)."""
    lines = headline_lines(doc)
    if not lines:
        return False
    a = doc[start].idx
    return any(lo <= a < hi for lo, hi in lines)


def named_outside_headlines(doc: Doc, text: str) -> bool:
    """True when `text` (any case) occurs in the doc outside Title-Case lines."""
    lines = headline_lines(doc)
    low, needle = doc_text(doc).lower(), text.lower()
    i = low.find(needle)
    while i >= 0:
        if not any(lo <= i < hi for lo, hi in lines):
            return True
        i = low.find(needle, i + 1)
    return False

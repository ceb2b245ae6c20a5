"""sanctions_kg_known_v1: names the graph already holds, recognised with their type in new text.

The index (ingest.knowledge.load_index: vessels with their IMO numbers, companies, and the
people and bodies a sanctions list names) is given at run time with `set_index`, not in the
config: it comes from the store, changes with every import, and must be in place before
extraction workers fork (they inherit it). Without an index the component does nothing.

Matching is one PhraseMatcher on lower-case tokens, then case and context rules, because a
known name written in lower case is usually a common phrase, not the name:
- every word of the match starts with a capital or a digit (joiners such as "of" excepted):
  "SEA JUNIPER" and "Sea Juniper" match a known "Sea Juniper", "sea juniper" does not;
- the match is not part of a longer capitalised name ("Vela" in "Vela Ostrova") nor followed by
  a number of up to three digits ("Vela 2": another ship);
- a one-word name needs at least 3 characters, no stop word, and, at the start of a sentence
  (where any word is capitalised), ALL CAPS or a digit in it;
- a name two known entities of different labels share is left alone (ambiguous); a vessel
  name with one known IMO number gets it; one several IMO numbers share is typed Vessel only.
Matches become candidates like the other rule components'. A candidate of another component
over the same tokens and label gets the known identifiers (a local cue keeps its own facts);
a different label there wins over the knowledge (the text says what it is). At most
`max_matches` known mentions per document.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from ingest.knowledge import KnownName, resolve_names
from ingest.components.common import (
    CANDS, NOT_NAME_START, PRIO_PATTERN, add_candidate, country_of, ensure_extensions, sent_bounds,
)

# Below a pattern cue (a different label from the text's own cue wins), above propagated names.
PRIO_KNOWN = PRIO_PATTERN - 0.5
JOINERS = {"of", "and", "&", "de", "la", "del", "van", "von", "al", "el", "bin", "the", "for", "-", "'s", "."}
# Ship-name prefixes and titles that may stand before a known name without making it longer.
PREFIXES = {"M/T", "M/V", "M/Y", "MT", "MV", "MY", "SS", "HMS", "USS", "JS", "Mr", "Mr.", "Mrs", "Mrs.", "Ms", "Ms.", "Dr", "Dr."}
MAX_NAME_TOKENS = 10
_PLAIN = re.compile(r"[^\W_]+(?: [^\W_]+)*")
_HULL_NUMBER = re.compile(r"[0-9]{1,3}")  # ingest.knowledge.mentions reads the same shape in plain text


class Known:
    def __init__(self, nlp: Language, name: str, *, max_matches: int):
        ensure_extensions()
        self.name = name
        self.nlp = nlp
        self.max_matches = max_matches
        self.stop_words = set(getattr(nlp.Defaults, "stop_words", set()))
        self.set_index(())

    def set_index(self, entries: Iterable[KnownName]) -> int:
        """Replace the known names; returns how many distinct names (lower case) are matched.

        All names go into the matcher under one key (one `add` per name costs seconds for tens
        of thousands) and a match is looked up by its lower-case tokens. Plain names (words of
        letters and digits) become Docs straight from their words, the rest go through the
        tokenizer, so a large list's index is built in about a second.
        """
        self.matcher = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        self.info: dict[str, dict] = {}
        rules = getattr(self.nlp.tokenizer, "rules", None) or {}
        plain, other = [], []
        for text, meaning in resolve_names(entries).items():
            words = text.split()
            if _PLAIN.fullmatch(text) and not any(w in rules for w in words):
                plain.append((Doc(self.nlp.vocab, words=words), meaning))
            else:
                other.append((text, meaning))
        docs = plain + list(zip(self.nlp.tokenizer.pipe(t for t, _ in other), (m for _, m in other)))
        patterns = []
        for d, meaning in docs:
            if 0 < len(d) <= MAX_NAME_TOKENS:
                self.info.setdefault(" ".join(t.lower_ for t in d), meaning)
                patterns.append(d)
        if patterns:
            self.matcher.add("KNOWN", patterns)
        return len(self.info)

    def __len__(self) -> int:
        return len(self.info)

    def _looks_like_name(self, doc: Doc, start: int, end: int) -> bool:
        toks = doc[start:end]
        if not (toks[0].text[:1].isupper() or toks[0].text[:1].isdigit()):
            return False
        for t in toks:
            if t.is_punct or t.lower_ in JOINERS:
                continue
            if not (t.text[:1].isupper() or t.text[:1].isdigit()):
                return False
        lo, _ = sent_bounds(doc, start)
        first_in_sent = start == lo or (start == lo + 1 and doc[lo].is_punct)
        if end - start == 1:
            tok = doc[start]
            if len(tok.text) < 3 or tok.lower_ in self.stop_words or tok.text in NOT_NAME_START:
                return False
            if first_in_sent and not ((tok.text.isupper() and len(tok.text) >= 4) or any(c.isdigit() for c in tok.text)):
                return False
        # Part of a longer capitalised name? A number of up to three digits one space after it
        # counts too, wherever the sentence ends: "Sea Fox 3" is another ship than "Sea Fox".
        if end < len(doc):
            nxt = doc[end]
            if (nxt.text[:1].isupper() or (nxt.text[:1].isdigit() and not nxt.like_num)) and not nxt.is_sent_start \
                    and not nxt.is_punct and nxt.text not in NOT_NAME_START:
                return False
            if doc[end - 1].whitespace_ == " " and _HULL_NUMBER.fullmatch(nxt.text):
                return False
        if start > 0 and not first_in_sent:
            prev = doc[start - 1]
            # A capitalised word before it extends the name, unless it is a prefix, a flag or a
            # nationality ("the Panama-flagged X", "Russian X").
            if prev.text[:1].isupper() and not prev.is_punct and prev.text not in NOT_NAME_START \
                    and prev.text not in PREFIXES and not prev.lower_.endswith("-flagged") and country_of(prev.text) is None:
                return False
        return True

    def __call__(self, doc: Doc) -> Doc:
        if not self.info:
            return doc
        matches = sorted(self.matcher(doc), key=lambda m: (-(m[2] - m[1]), m[1]))
        taken = [False] * len(doc)
        cands = doc.user_data.get(CANDS, [])
        by_span: dict[tuple[int, int], list] = {}
        for c in cands:
            by_span.setdefault((c[0], c[1]), []).append(c)
        found = 0
        for _, start, end in matches:
            if found >= self.max_matches:
                break
            if any(taken[start:end]) or not self._looks_like_name(doc, start, end):
                continue
            meta = self.info.get(" ".join(t.lower_ for t in doc[start:end]))
            if meta is None:
                continue
            for i in range(start, end):
                taken[i] = True
            found += 1
            extra = {"cue": "known"}
            if meta["imo"]:
                extra["identifiers"] = {"imo": meta["imo"]}
            same = [c for c in by_span.get((start, end), ()) if c[2] == meta["label"]]
            if same:
                for c in same:  # the text's own cue keeps its facts; knowledge adds what it lacks
                    info = c[4]
                    if "identifiers" in extra and "imo" not in (info.get("identifiers") or {}):
                        info["identifiers"] = {**(info.get("identifiers") or {}), **extra["identifiers"]}
                continue
            add_candidate(doc, start, end, meta["label"], PRIO_KNOWN, **extra)
        return doc


@Language.factory(
    "sanctions_kg_known_v1",
    assigns=["doc.user_data"],
    default_config={"max_matches": 500},
)
def make_known(nlp: Language, name: str, max_matches: int) -> Known:
    return Known(nlp, name, max_matches=max_matches)

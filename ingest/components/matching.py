"""RuleMatcher: spaCy's token Matcher, with the same matches in the same order, made cheap
for the word-list patterns our components use most.

spacy.matcher.Matcher checks an {"IN": [...]} set through a Python predicate, called at every
token for every pattern that starts with one; with a dozen one-word patterns over long word
lists (legal forms, ship types, business words) those calls were most of a component's time.
RuleMatcher takes the same patterns and answers exactly what Matcher answers, but:

- a one-token pattern on ORTH (TEXT) or LOWER, a word or an IN list, is a dict lookup of the
  token's hash;
- any other pattern goes to a spaCy Matcher, with an IN list on its first token written out as
  one pattern per word, which spaCy checks in C. At most one of those words matches a token,
  so the Matcher finds the same matches in the same order.

Matcher reports matches as they end, token by token; at one token, the longer patterns (their
states began earlier) come before the one-token ones, and those in the order they were added.
RuleMatcher merges its two parts that way, which holds because every pattern given to the
spaCy part starts and ends with a required token (checked in `add`).
"""

from __future__ import annotations

from spacy.attrs import LOWER, ORTH
from spacy.matcher import Matcher
from spacy.strings import get_string_id
from spacy.tokens import Doc

_WORD_ATTRS = {"ORTH": 0, "TEXT": 0, "LOWER": 1}  # column in doc.to_array([ORTH, LOWER])


def _words(spec) -> list[str] | None:
    """The words of a one-attribute token spec ("x" or {"IN": [...]}), or None."""
    if isinstance(spec, str):
        return [spec]
    if isinstance(spec, dict) and set(spec) == {"IN"} and all(isinstance(w, str) for w in spec["IN"]):
        return list(dict.fromkeys(spec["IN"]))
    return None


class RuleMatcher:
    def __init__(self, vocab):
        self.vocab = vocab
        self._matcher = Matcher(vocab)
        self._has_longer = False
        # hash of a token's ORTH (column 0) or LOWER (column 1) -> [(pattern number, key)]
        self._by_hash: tuple[dict[int, list], dict[int, list]] = ({}, {})
        self._n_patterns = 0
        self.patterns: list[tuple[str, list[list[dict]]]] = []  # as given to `add`

    def add(self, key: str, patterns: list[list[dict]]) -> None:
        """Add patterns under `key`, as spacy.matcher.Matcher.add does."""
        key_id = self.vocab.strings.add(key)
        self.patterns.append((key, patterns))
        longer = []
        for pattern in patterns:
            number = self._n_patterns
            self._n_patterns += 1
            if len(pattern) == 1 and len(pattern[0]) == 1:
                (attr, spec), = pattern[0].items()
                words = _words(spec) if attr in _WORD_ATTRS else None
                if words is not None:
                    table = self._by_hash[_WORD_ATTRS[attr]]
                    for w in words:
                        table.setdefault(get_string_id(w), []).append((number, key_id))
                    continue
            if len(pattern) < 2 or "OP" in pattern[0] or "OP" in pattern[-1]:
                raise ValueError(f"RuleMatcher: pattern {pattern!r} of {key!r} must be one word, or start and end with a "
                                 "required token (the order of matches relies on it); use spacy.matcher.Matcher for it.")
            first = pattern[0]
            expand = [(attr, _words(spec)) for attr, spec in first.items() if attr in _WORD_ATTRS and isinstance(spec, dict)]
            if len(expand) == 1 and expand[0][1] is not None:
                attr, words = expand[0]
                longer.extend([{**first, attr: w}, *pattern[1:]] for w in words)
            else:
                longer.append(pattern)
        if longer:
            self._matcher.add(key, longer)
            self._has_longer = True

    def _word_matches(self, doc: Doc) -> list[tuple[int, int, int]]:
        by_orth, by_lower = self._by_hash
        out = []
        for i, (orth, lower) in enumerate(doc.to_array([ORTH, LOWER]).tolist()):
            hits = by_orth.get(orth)
            low = by_lower.get(lower)
            if hits is None:
                if low is None:
                    continue
                hits = low
            elif low is not None:
                hits = sorted(hits + low)
            keys = []
            for _, key in hits:
                if key not in keys:
                    keys.append(key)
                    out.append((key, i, i + 1))
        return out

    def __call__(self, doc: Doc) -> list[tuple[int, int, int]]:
        """(match_id, start, end) of every match, as spacy.matcher.Matcher(doc) gives them."""
        if not len(doc):
            return []
        words = self._word_matches(doc) if self._by_hash[0] or self._by_hash[1] else []
        longer = self._matcher(doc) if self._has_longer else []
        if not longer or not words:
            return longer or words
        out, k = [], 0
        for m in longer:
            # Matches ending at the same token: the longer ones first.
            while k < len(words) and words[k][2] < m[2]:
                out.append(words[k])
                k += 1
            out.append(m)
        out.extend(words[k:])
        return out

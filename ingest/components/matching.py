"""RuleMatcher: spaCy's token Matcher, with the same matches in the same order, made cheap
for the word patterns our components use most.

spacy.matcher.Matcher checks an {"IN": [...]} set through a Python predicate, called at every
token for every pattern that starts with one, and walks every pattern over every token; with
dozens of word patterns over long word lists (legal forms, ship types, business words, agency
heads) that was most of a component's time. RuleMatcher takes the same patterns and answers
exactly what Matcher answers, but:

- a pattern made only of words (each token one ORTH, TEXT or LOWER word or IN list, no "OP")
  is found from its first token's hash, looked up in a dict, then checked on the next tokens;
- any other pattern goes to a spaCy Matcher, with an IN list on its first token written out as
  one pattern per word (checked in C; at most one of them matches a token, so the Matcher
  finds the same matches in the same order); that Matcher runs only on the parts of a
  document around the words those patterns require (see _other_matches).

Matcher reports matches as they end, token by token. At one token, word patterns come in the
order of their first token, then in the order they were added, and after any longer match of
the other patterns (their states began earlier) — which holds because every other pattern
starts and ends with a required token (checked in `add`). The one order RuleMatcher cannot
tell is between a word pattern of two or more tokens and another pattern ending at the same
token; for such a document it asks a spaCy Matcher holding all the patterns.
"""

from __future__ import annotations

from spacy.matcher import Matcher
from spacy.strings import get_string_id
from spacy.tokens import Doc

from ingest.components.common import token_ids

_WORD_ATTRS = {"ORTH": 0, "TEXT": 0, "LOWER": 1}  # column in common.token_ids


def _words(spec) -> list[str] | None:
    """The words of a one-attribute token spec ("x" or {"IN": [...]}), or None."""
    if isinstance(spec, str):
        return [spec]
    if isinstance(spec, dict) and set(spec) == {"IN"} and all(isinstance(w, str) for w in spec["IN"]):
        return list(dict.fromkeys(spec["IN"]))
    return None


def _word_token(token: dict) -> tuple[int, frozenset[int]] | None:
    """(column, word hashes) of a token spec that is one word or word list and nothing else."""
    if len(token) != 1:
        return None
    (attr, spec), = token.items()
    words = _words(spec) if attr in _WORD_ATTRS else None
    return None if words is None else (_WORD_ATTRS[attr], frozenset(get_string_id(w) for w in words))


class RuleMatcher:
    def __init__(self, vocab):
        self.vocab = vocab
        self.patterns: list[tuple[str, list[list[dict]]]] = []  # as given to `add`
        self._n_patterns = 0
        # Word patterns by the hash of their first token's ORTH (column 0) or LOWER (column 1):
        # [(pattern number, key, the next tokens' (column, hashes))]
        self._by_first: tuple[dict[int, list], dict[int, list]] = ({}, {})
        self._matcher = Matcher(vocab)  # the other patterns
        # Per other pattern: the word lists it needs (each required token's), and its longest
        # match (None when "*" or "+" leave it open).
        self._others: list[tuple[list[tuple[int, frozenset[int]]], int | None]] = []
        self._all = Matcher(vocab)  # every pattern, for the order RuleMatcher cannot tell

    def add(self, key: str, patterns: list[list[dict]]) -> None:
        """Add patterns under `key`, as spacy.matcher.Matcher.add does."""
        key_id = self.vocab.strings.add(key)
        self.patterns.append((key, patterns))
        others = []
        for pattern in patterns:
            number = self._n_patterns
            self._n_patterns += 1
            tokens = [_word_token(t) for t in pattern]
            if pattern and all(tokens):
                (col, first), rest = tokens[0], tuple(tokens[1:])
                for h in first:
                    self._by_first[col].setdefault(h, []).append((number, key_id, rest))
                continue
            if len(pattern) < 2 or "OP" in pattern[0] or "OP" in pattern[-1]:
                raise ValueError(f"RuleMatcher: pattern {pattern!r} of {key!r} must be made of words, or start and end "
                                 "with a required token (the order of matches relies on it); use spacy.matcher.Matcher for it.")
            required = [(_WORD_ATTRS[attr], frozenset(get_string_id(w) for w in words))
                        for t in pattern if t.get("OP", "+") == "+"
                        for attr, spec in t.items() if attr in _WORD_ATTRS and (words := _words(spec)) is not None]
            bounded = all(t.get("OP", "1") in ("1", "?", "!") for t in pattern)
            self._others.append((required, len(pattern) if bounded else None))
            first = pattern[0]
            expand = [(attr, _words(spec)) for attr, spec in first.items() if attr in _WORD_ATTRS and isinstance(spec, dict)]
            if len(expand) == 1 and expand[0][1] is not None:
                attr, words = expand[0]
                others.extend([{**first, attr: w}, *pattern[1:]] for w in words)
            else:
                others.append(pattern)
        if others:
            self._matcher.add(key, others)
        self._all.add(key, patterns)

    def _word_matches(self, columns: tuple[list[int], list[int]]) -> list[tuple[int, int, int]]:
        """Matches of the word patterns, in Matcher's order."""
        found = []
        n = len(columns[0])
        for col, table in enumerate(self._by_first):
            if not table:
                continue
            column = columns[col]
            for i in [i for i, h in enumerate(column) if h in table]:
                for number, key, rest in table[column[i]]:
                    end = i + 1 + len(rest)
                    if end <= n and all(columns[c][i + 1 + k] in hs for k, (c, hs) in enumerate(rest)):
                        found.append((end, i, number, key))
        found.sort()
        out, seen = [], set()
        for end, start, _, key in found:
            if (key, start, end) not in seen:
                seen.add((key, start, end))
                out.append((key, start, end))
        return out

    def _other_matches(self, doc: Doc, columns: tuple[list[int], list[int]]) -> list[tuple[int, int, int]]:
        """Matches of the other patterns, from spaCy's Matcher run only where they can be: a
        match holds a token of each word list its pattern requires, so it lies within its longest
        length of every such token. Around the rarest of them, in parts of the document that do
        not overlap (each part's matches come in Matcher's order, and end before the next part's)."""
        present = (set(columns[0]), set(columns[1]))
        windows = []
        for required, longest in self._others:
            if any(hs.isdisjoint(present[c]) for c, hs in required):
                continue  # a word it needs is not in the document
            if longest is None or not required:
                return self._matcher(doc)
            anchors = min(([i for i, h in enumerate(columns[c]) if h in hs] for c, hs in required), key=len)
            windows.extend((max(0, i - longest + 1), i + longest) for i in anchors)
        out: list[tuple[int, int, int]] = []
        if not windows:
            return out
        windows.sort()
        parts = [list(windows[0])]
        for a, b in windows[1:]:
            if a < parts[-1][1]:
                parts[-1][1] = max(parts[-1][1], b)
            else:
                parts.append([a, b])
        n = len(doc)
        for a, b in parts:
            out.extend((key, a + s, a + e) for key, s, e in self._matcher(doc[a:min(b, n)]))
        return out

    def __call__(self, doc: Doc) -> list[tuple[int, int, int]]:
        """(match_id, start, end) of every match, as spacy.matcher.Matcher(doc) gives them."""
        if not len(doc):
            return []
        columns = token_ids(doc)[:2]
        words = self._word_matches(columns)
        others = self._other_matches(doc, columns) if self._others else []
        if not others or not words:
            return others or words
        ends = {m[2] for m in others}
        if any(m[2] in ends and m[2] - m[1] > 1 for m in words):
            return self._all(doc)
        out, k = [], 0
        for m in others:
            # Matches ending at the same token: one-word matches come after the longer ones.
            while k < len(words) and words[k][2] < m[2]:
                out.append(words[k])
                k += 1
            out.append(m)
        out.extend(words[k:])
        return out

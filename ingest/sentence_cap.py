"""A bound on sentence length before the parser: extraction stays linear in the text's length.

The statistical parser decides sentences; our components then work per sentence, and some of
their steps compare every candidate in a sentence with every other one. One sentence of
hundreds of kilobytes (a run of names without a full stop, or a hostile file) made extraction
quadratic. `sanctions_kg_sentence_cap_v1` runs before the parser and, in every run of tokens
longer than the limit with no sentence-ending punctuation, marks a sentence start every
`max_tokens` tokens (at a comma or semicolon near the limit where there is one). The parser
keeps sentence starts set before it, so no sentence is longer than the limit; sentences of
ordinary length are not touched.

The limit is SANCTIONS_KG_MAX_SENTENCE_TOKENS (graph/limits.py).
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

_ENDS = {".", "!", "?", "…"}
_SOFT = {",", ";", ":", "—", "–", "-"}


def cap_sentences(doc: Doc, max_tokens: int) -> int:
    """Mark sentence starts so no run without an end mark exceeds `max_tokens`; how many were set."""
    n = len(doc)
    if n <= max_tokens:
        return 0
    marked = 0
    run_start = 0
    i = 0
    while i < n:
        tok = doc[i]
        if tok.text in _ENDS or (tok.is_space and "\n\n" in tok.text):
            run_start = i + 1
        elif i - run_start + 1 > max_tokens:
            # Cut at the last soft break in the window's last quarter, else right here.
            cut = i
            for j in range(i - 1, run_start + (3 * max_tokens) // 4, -1):
                if doc[j].text in _SOFT:
                    cut = j + 1
                    break
            doc[cut].is_sent_start = True
            marked += 1
            run_start = cut
        i += 1
    return marked


@Language.factory("sanctions_kg_sentence_cap_v1", default_config={"max_tokens": None})
def make_sentence_cap(nlp: Language, name: str, *, max_tokens: int | None):
    def sentence_cap(doc: Doc) -> Doc:
        from graph.limits import limits

        cap_sentences(doc, max_tokens or limits().max_sentence_tokens)
        return doc

    return sentence_cap

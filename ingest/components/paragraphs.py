"""sanctions_kg_paragraphs_v1: a blank line ends a sentence, and so does a line that opens a
list item or a field.

Runs before the parser. Without it the parser may join an article's title, a dateline or a
blanked furniture line (ingest.furniture) to the first sentence after it, and that joined
text becomes a relation's evidence. A single line break is left to the parser (hard-wrapped
text breaks lines inside sentences) unless the next line opens a list item ("- X", "* X",
"12. X") or a labelled field ("Address: ...", "Reasons: ...", "Date of listing: ..."), as
notices and annex entries print them: each is a statement of its own.
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc

from ingest.components.common import doc_text

_BLANK_LINE = re.compile(r"\n[ \t\u00a0]*\n")
# A line break before a list item or a field label (at most four capitalised-first words and a colon).
_ITEM_LINE = re.compile(r"\n[ \t\u00a0]*(?=[-\u2022*][ \t]|\d{1,4}\.[ \t]+[A-Z\u2018\u201c'\"]|[A-Z][a-z]+(?: [a-z]+){0,3}:[ \t])")


@Language.component("sanctions_kg_paragraphs_v1")
def paragraphs(doc: Doc) -> Doc:
    starts = [0] if len(doc) else []
    text = doc_text(doc)  # once per Doc (doc.text joins every token again on each call)
    for pattern in (_BLANK_LINE, _ITEM_LINE):
        for m in pattern.finditer(text):
            span = doc.char_span(m.start(), m.end(), alignment_mode="expand")
            if span is not None and span.end < len(doc) and not doc[span.end].is_space:
                doc[span.end].is_sent_start = True
                starts.append(span.end)
    for i in starts:
        # A list item's mark and its first word stay together ("- X", "7. X").
        t = doc[i]
        nxt = None
        if t.text in ("-", "\u2022", "*"):
            nxt = i + 1
        elif t.like_num and i + 1 < len(doc) and doc[i + 1].text == ".":
            nxt = i + 2
        elif t.text[:-1].isdigit() and t.text.endswith("."):
            nxt = i + 1
        if nxt is not None and nxt < len(doc) and not doc[nxt].is_space and not doc[nxt].is_punct:
            doc[nxt].is_sent_start = False
    return doc

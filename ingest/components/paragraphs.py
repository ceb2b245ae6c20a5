"""sanctions_kg_paragraphs_v1: a blank line ends a sentence.

Runs before the parser. Without it the parser may join an article's title, a dateline or a
blanked furniture line (ingest.furniture) to the first sentence after it, and that joined
text becomes a relation's evidence. A single line break is left to the parser: hard-wrapped
text breaks lines inside sentences.
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc

_BLANK_LINE = re.compile(r"\n[ \t\u00a0]*\n")


@Language.component("sanctions_kg_paragraphs_v1")
def paragraphs(doc: Doc) -> Doc:
    for m in _BLANK_LINE.finditer(doc.text):
        span = doc.char_span(m.start(), m.end(), alignment_mode="expand")
        if span is not None and span.end < len(doc) and not doc[span.end].is_space:
            doc[span.end].is_sent_start = True
    return doc

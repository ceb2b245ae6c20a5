"""What the extractor gives for one invented text, for the extraction tests: the real model,
loaded once per test module (the `nlp` fixture; import it with the helpers), and the entities
and relations `build_result` makes of the text."""

import pytest

from ingest.extract import build_result
from ingest.model import Document
from ingest.nlp import load


@pytest.fixture(scope="module")
def nlp():
    return load()


def extracted(nlp, text):
    return build_result(Document(text=text), nlp(text))


def labelled(nlp, text) -> set[tuple[str, str]]:
    """(label, name) of every entity."""
    return {(e.label, e.name) for e in extracted(nlp, text).entities}


def ships(nlp, text) -> set[str]:
    return {name for label, name in labelled(nlp, text) if label == "Vessel"}


def relations(nlp, text, types) -> set[tuple[str, str, str]]:
    """(type, source, target) of the relations of the given types."""
    return {(r.type, r.source, r.target) for r in extracted(nlp, text).relations if r.type in types}


def pairs(nlp, text, rtype: str) -> set[tuple[str, str]]:
    """(source, target) of the relations of one type."""
    return {(s, t) for _, s, t in relations(nlp, text, (rtype,))}

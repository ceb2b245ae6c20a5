"""Name normalisation shared by extraction, resolution, the sanctions-list importer and lookups.

`normalize_name` gives the comparison form of one name; `name_keys` gives every lookup key of
an entity (its name and aliases, with and without legal forms and port words). Two mentions
that share a key within one label are candidates for the same node.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache
from importlib import resources

import yaml

_PUNCT = re.compile(r"[^\w\s]+")
_SPACE = re.compile(r"\s+")
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-"})
# Possessive endings must go before punctuation is dropped, or "Korea's" becomes "koreas".
_POSSESSIVE = re.compile(r"'s\b")
_LEADING = ("the ",)
PORT_WORDS = ("port of ", "port ", " port", " harbor", " harbour", " terminal", "the port of ")


@cache
def _data() -> dict:
    files = resources.files("ingest") / "data"
    aliases = yaml.safe_load((files / "aliases.yaml").read_text("utf-8"))
    cues = yaml.safe_load((files / "cues.yaml").read_text("utf-8"))
    legal = {_basic(x) for x in cues["legal_forms"]["after"] + cues["legal_forms"]["before"]}
    legal.discard("")
    return {"spellings": aliases.get("spellings", {}), "legal": legal}


def _basic(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.translate(_QUOTES))
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = _POSSESSIVE.sub("", text.lower())
    # Dotted acronyms (U.S., D.P.R.K.) must collapse to one word, not to letters.
    text = re.sub(r"\b(\w)\.(?=\w\.)", r"\1", text)
    text = re.sub(r"\b(\w)\.(?=\s|$)", r"\1", text)
    text = _PUNCT.sub(" ", text)
    return _SPACE.sub(" ", text).strip()


@lru_cache(maxsize=65536)
def normalize_name(text: str) -> str:
    """The comparison form of a name: lower case, no accents or punctuation, no leading "the",
    British/American spelling variants unified ("Defense" -> "defence")."""
    text = _basic(text)
    for lead in _LEADING:
        if text.startswith(lead):
            text = text[len(lead):]
    spellings = _data()["spellings"]
    return " ".join(spellings.get(w, w) for w in text.split())


def strip_legal_form(norm: str) -> str:
    """A normalised company name without legal-form words at either end ("ooo x" -> "x")."""
    words = norm.split()
    legal = _data()["legal"]
    while len(words) > 1 and words[-1] in legal:
        words.pop()
    while len(words) > 1 and words[0] in legal:
        words.pop(0)
    return " ".join(words)


def strip_port_words(norm: str) -> str:
    """A normalised port name without "port", "port of", "terminal" ("rason port" -> "rason")."""
    for w in PORT_WORDS:
        if norm.startswith(w) and len(norm) > len(w):
            norm = norm[len(w):]
        if norm.endswith(w) and len(norm) > len(w):
            norm = norm[: -len(w)]
    return norm.strip()


def name_keys(name: str, aliases: list[str] | tuple[str, ...] = ()) -> list[str]:
    """Every normalised lookup key of an entity: its name and aliases, plain, without legal
    forms and without port words. Sorted, no duplicates, no empty keys."""
    keys: set[str] = set()
    for raw in (name, *aliases):
        norm = normalize_name(raw)
        if norm:
            keys.update(_norm_keys(norm))
    keys.discard("")
    return sorted(keys)


@lru_cache(maxsize=65536)
def _norm_keys(norm: str) -> tuple[str, str, str]:
    """The keys of one normalised name (asked for again for every name that normalises to it)."""
    return norm, strip_legal_form(norm), strip_port_words(norm)


def slug(norm: str) -> str:
    """The id form of a normalised name: words joined by hyphens."""
    return norm.replace(" ", "-")

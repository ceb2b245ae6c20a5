"""Evidence items: which article and sentence state a fact, and how it was found.

Stored on relationships (and on list properties such as Vessel.ais_dark) as compact JSON
strings, so that a set union of lists keeps each (article, sentence) pair together.
"""

from __future__ import annotations

import json
from typing import TypedDict


class Evidence(TypedDict, total=False):
    article: str
    sentence: str
    method: str  # rule | model | list
    date: str
    certainty: str  # stated | hedged (how the sentence states the fact; items without it: stated)


# json.dumps with these options builds a new encoder on every call; ingest encodes thousands.
_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def encode(article: str, sentence: str, method: str, **extra: str | None) -> str:
    item = {"article": article, "sentence": sentence, "method": method}
    item.update({k: v for k, v in extra.items() if v is not None})
    return _ENCODER.encode(item)


def decode(raw: str) -> Evidence:
    try:
        value = json.loads(raw)
    except (TypeError, ValueError):
        return {"sentence": str(raw)}
    return value if isinstance(value, dict) else {"sentence": str(raw)}


def certainty(item: Evidence) -> str:
    """How an evidence item's sentence states its fact; items written before certainty was
    recorded (and list entries) state it."""
    return str(item.get("certainty") or "stated")


def decode_all(items: list[str] | None) -> list[Evidence]:
    return [decode(x) for x in items or []]

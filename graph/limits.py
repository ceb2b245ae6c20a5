"""Bounds on what one input may cost, each a setting named in the error that hits it.

Analysts load material from sources they do not control, so every reader stops at a size,
a depth or a length instead of running out of memory or time. The error (or the skipped
input's reason) names the variable that raises the bound.

| variable                              | default  | what                                                   |
|---------------------------------------|----------|--------------------------------------------------------|
| SANCTIONS_KG_MAX_DOCUMENT_BYTES       | 10485760 | one article (a file, stdin, one .jsonl line)           |
| SANCTIONS_KG_MAX_INPUT_BYTES          | 1073741824 | one .jsonl file, one OFAC CSV file                   |
| SANCTIONS_KG_MAX_RECORD_BYTES         | 10485760 | one line of a FollowTheMoney list                      |
| SANCTIONS_KG_MAX_FRONT_MATTER_BYTES   | 65536    | the YAML front matter of one Markdown article          |
| SANCTIONS_KG_MAX_JSON_DEPTH           | 64       | nesting of [ and { in any JSON we parse                |
| SANCTIONS_KG_MAX_SENTENCE_TOKENS      | 400      | tokens in one sentence before extraction splits it     |
| SANCTIONS_KG_MAX_REQUEST_BYTES        | 1048576  | the body of one request to the web explorer            |
| SANCTIONS_KG_CONSOLE_MEMORY           | 256      | MB one web console query may allocate on the server    |

(graph/settings.py holds the store's settings; these are the input's.)
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields
from functools import cache

from graph.errors import ConfigError, InputError

PREFIX = "SANCTIONS_KG_"


class LimitExceeded(InputError):
    """An input is larger, deeper or longer than a configured bound."""


@dataclass(frozen=True)
class Limits:
    max_document_bytes: int = 10 * 1024 * 1024
    max_input_bytes: int = 1024 * 1024 * 1024
    max_record_bytes: int = 10 * 1024 * 1024
    max_front_matter_bytes: int = 64 * 1024
    max_json_depth: int = 64
    max_sentence_tokens: int = 400
    max_request_bytes: int = 1024 * 1024
    # MB, held per query whatever other clients of a shared server set (web/api.py); a range()
    # whose list would not fit is refused before it runs (graph/ranges.py)
    console_memory: int = 256


def env_name(field: str) -> str:
    """The environment variable of a Limits field: max_json_depth -> SANCTIONS_KG_MAX_JSON_DEPTH."""
    return PREFIX + field.upper()


def from_env() -> Limits:
    """Limits from the environment (each must be a whole number of at least 1)."""
    values = {}
    for f in fields(Limits):
        name = env_name(f.name)
        raw = os.environ.get(name)
        if raw is None or raw.strip() == "":
            continue
        try:
            value = int(raw.strip().replace("_", ""))
        except ValueError:
            raise ConfigError(f"{name}={raw!r} is not a whole number. Set it to e.g. {f.default}.") from None
        if not 1 <= value <= 2**62:
            raise ConfigError(f"{name}={raw!r} must be between 1 and {2**62}; the default is {f.default}.")
        values[f.name] = value
    return Limits(**values)


@cache
def limits() -> Limits:
    """The limits of this process, read once (tests call `limits.cache_clear()` after changing them)."""
    return from_env()


def size_text(n: int) -> str:
    """A byte count for people: 10 MB, 64 KB, 512 bytes."""
    for unit, size in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if n >= size and n % size == 0:
            return f"{n // size} {unit}"
    return f"{n} bytes"


def too_large(what: str, field: str) -> str:
    """The reason an input over a byte limit was refused, naming the setting that raises it."""
    limit = getattr(limits(), field)
    return f"too large: {what} is over {size_text(limit)} ({env_name(field)}); split it or raise the limit"


INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


def out_of_int64(value) -> int | None:
    """The first whole number in `value` (nested lists and mappings too) that a 64-bit integer
    cannot hold, or None. Databases clamp or wrap such numbers silently; we refuse them."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if not INT64_MIN <= value <= INT64_MAX else None
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, (list, tuple)):
        for v in value:
            bad = out_of_int64(v)
            if bad is not None:
                return bad
    return None

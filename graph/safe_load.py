"""JSON and YAML from untrusted input, parsed within bounds.

- `json_loads`: refuses nesting deeper than SANCTIONS_KG_MAX_JSON_DEPTH before parsing (a line
  of 200,000 `[` otherwise ends the whole run with a RecursionError).
- `yaml_load`: the safe loader without aliases (`&a` / `*a`: a few hundred bytes of nested
  aliases expand to gigabytes) and within a size bound.

Both raise LimitExceeded (an InputError) or ValueError with one line saying what and why.
"""

from __future__ import annotations

import json
import re
from typing import Any

import yaml

from graph.limits import LimitExceeded, env_name, limits

_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.S)
_BRACKETS = re.compile(r"[\[\]{}]")


def json_depth_ok(text: str | bytes, max_depth: int) -> bool:
    """Whether `text`'s [ and { nest no deeper than `max_depth` (brackets inside strings do not count)."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    if text.count("[") + text.count("{") <= max_depth:
        return True  # cannot nest deeper than the brackets it holds
    depth = 0
    for m in _BRACKETS.finditer(_STRING.sub('""', text)):
        if m.group() in "[{":
            depth += 1
            if depth > max_depth:
                return False
        else:
            depth -= 1
    return True


def json_loads(text: str | bytes) -> Any:
    """json.loads within the depth bound: LimitExceeded when deeper, ValueError when not JSON."""
    max_depth = limits().max_json_depth
    if not json_depth_ok(text, max_depth):
        raise LimitExceeded(
            f"JSON nested deeper than {max_depth} levels ({env_name('max_json_depth')})"
        )
    try:
        return json.loads(text)
    except RecursionError:  # a lower interpreter recursion limit than the bound assumes
        raise LimitExceeded(f"JSON nested too deep to parse ({env_name('max_json_depth')})") from None


class _NoAliasLoader(yaml.SafeLoader):
    """YAML's safe loader that refuses anchors and aliases."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.constructor.ConstructorError(
                None, None, "uses a YAML alias (*name), which is not allowed in article metadata", event.start_mark)
        return super().compose_node(parent, index)


def yaml_load(text: str) -> Any:
    """YAML without aliases and within SANCTIONS_KG_MAX_FRONT_MATTER_BYTES.

    LimitExceeded when too large; yaml.YAMLError when not YAML or when it uses aliases.
    """
    limit = limits().max_front_matter_bytes
    if len(text.encode("utf-8", errors="surrogatepass")) > limit:
        raise LimitExceeded(
            f"YAML front matter over {limit} bytes ({env_name('max_front_matter_bytes')})")
    return yaml.load(text, Loader=_NoAliasLoader)  # noqa: S506 (a SafeLoader subclass)


def uses_yaml_alias(exc: yaml.YAMLError) -> bool:
    return "YAML alias" in str(exc)

"""Text from the database or from input files, made safe to print on a terminal.

Everything printed comes from articles and lists an analyst did not write, so it is shown as
text and never interpreted: rich markup (`[bold]`, `[/x]`) is escaped or kept out of markup
parsing, and control characters (ANSI escape sequences, C0/C1 controls, bidi overrides) are
shown as visible `\\x1b`-style escapes instead of reaching the terminal. Every printing path of
the CLI and of queries/render.py goes through these helpers.
"""

from __future__ import annotations

import re
from typing import Any

# C0 controls but tab and newline, DEL, C1 controls, the Unicode controls that reorder or break
# text on a terminal (bidi embeddings/overrides/isolates, line/paragraph separators), and lone
# surrogates (a file name that is not UTF-8), which cannot be written to a UTF-8 terminal.
_OTHERS = "\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff"
_CONTROL = re.compile(f"[\x00-\x08\x0b-\x1f{_OTHERS}]")
_CONTROL_OR_NEWLINE = re.compile(f"[\x00-\x1f{_OTHERS}]")


def _escape_char(m: re.Match[str]) -> str:
    code = ord(m.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(value: Any, *, newlines: bool = True) -> str:
    """`value` as a string whose control characters are visible escapes (`\\x1b`, `\\x9b`).

    Tabs are kept; newlines are kept unless `newlines=False` (one-line messages).
    """
    text = value if isinstance(value, str) else str(value)
    return (_CONTROL if newlines else _CONTROL_OR_NEWLINE).sub(_escape_char, text)


def one_line(value: Any) -> str:
    """`value` made visible and kept on one line (error messages, list rows)."""
    return visible(value, newlines=False)


def markup(value: Any) -> str:
    """`value` for a rich markup string: control characters visible, `[` escaped."""
    from rich.markup import escape

    return escape(visible(value))


def text(value: Any, style: str = "") -> Any:
    """`value` as a rich Text: never parsed as markup, control characters visible."""
    from rich.text import Text

    return Text(visible(value), style=style)


_JSON_RAW = re.compile("[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def json_safe(dumped: str) -> str:
    """JSON text (json.dumps with ensure_ascii=False) with the controls json leaves raw as \\u escapes.

    json.dumps escapes C0 controls but writes DEL, C1 controls (an 8-bit CSI is one) and bidi
    overrides as they are; they only occur inside strings, so the result is the same JSON.
    """
    return _JSON_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", dumped)

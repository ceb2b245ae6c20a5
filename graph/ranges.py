"""Huge `range()` lists in a user's query, refused before the query reaches the database.

FalkorDB builds the whole list of `range(a, b)` (16 bytes a number) before it checks the
query's memory (measured on the bundled 4.22: `UNWIND range(1, 4e8)` took the server past
4 GB), so a per-query memory bound comes too late for it. A range whose bounds are numbers,
parameters or arithmetic of them is sized here first; one over the bound is refused with a
one-line error. A range over other expressions (`range(0, size(xs))`) cannot be sized before
it runs: the server's per-query memory bound and its address-space limit stay the guard.
"""

from __future__ import annotations

import ast
import math
import operator
import re
from typing import Any

from graph.cypher import _COMMENTS, _STRINGS
from graph.errors import QueryMemoryError

BYTES_PER_ELEMENT = 16  # FalkorDB's SIValue; Neo4j's boxed longs cost more
_RANGE = re.compile(r"(?<![.$:\w])range\s*\(", re.I)
_PARAM = re.compile(r"\$(\w+)|\$`([^`]*)`")
_ARITHMETIC = re.compile(r"[\d.eE+\-*/%^()\s]*")
_BINARY = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
           ast.Mod: operator.mod, ast.Pow: operator.pow}


def _arguments(text: str, start: int) -> list[str] | None:
    """The top-level, comma-separated arguments of the call whose '(' is at `start - 1`."""
    depth, args, begin = 0, [], start
    for i in range(start, len(text)):
        c = text[i]
        if c in "([{":
            depth += 1
        elif c in ")]}":
            if depth == 0:
                args.append(text[begin:i])
                return args
            depth -= 1
        elif c == "," and depth == 0:
            args.append(text[begin:i])
            begin = i + 1
    return None


def _number(node: ast.AST) -> float:
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
        return float(node.value)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        value = _number(node.operand)
        return -value if isinstance(node.op, ast.USub) else value
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        left, right = _number(node.left), _number(node.right)
        if isinstance(node.op, ast.Pow) and (abs(right) > 1024 or abs(left) > 1e6):
            return math.inf
        try:
            return float(_BINARY[type(node.op)](left, right))
        except (ZeroDivisionError, OverflowError):
            return math.inf
    raise ValueError("not arithmetic")


def _value(arg: str, params: dict[str, Any]) -> float | None:
    """A range bound as a number: literals, parameters holding numbers, + - * / % ^ of them."""

    def param(m: re.Match) -> str:
        value = params.get(m.group(1) if m.group(1) is not None else m.group(2))
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError("not a number")
        return f"({value!r})"

    try:
        text = _PARAM.sub(param, arg).strip()
    except ValueError:
        return None
    if not text or not _ARITHMETIC.fullmatch(text):
        return None
    try:
        return _number(ast.parse(text.replace("^", "**"), mode="eval").body)
    except (SyntaxError, ValueError, RecursionError):
        return None


def range_size(args: list[str], params: dict[str, Any]) -> float | None:
    """How many numbers range(*args) holds, or None when a bound is not known before running."""
    if len(args) not in (2, 3):
        return None
    found = [_value(a, params) for a in args]
    values = [v for v in found if v is not None and not math.isnan(v)]
    if len(values) != len(found):
        return None
    start, end = values[0], values[1]
    step = values[2] if len(values) == 3 else 1.0
    if step == 0:
        return None  # the database refuses it
    if math.isinf(start) or math.isinf(end) or math.isinf(step):
        return math.inf
    return max(0.0, math.floor((end - start) / step) + 1)


def check_ranges(query: str, params: dict[str, Any], memory_bytes: int, setting: str) -> None:
    """Refuse `query` when a range() in it would build a list larger than `memory_bytes`."""
    text = _COMMENTS.sub(" ", _STRINGS.sub("''", query))
    most = memory_bytes // BYTES_PER_ELEMENT
    for m in _RANGE.finditer(text):
        args = _arguments(text, m.end())
        if args is None:
            continue
        size = range_size(args, params)
        if size is not None and size > most:
            shown = "range(" + ", ".join(" ".join(a.split()) for a in args) + ")"
            count = f"{int(size):,} numbers" if size < 1e15 else "more than 10^15 numbers"
            raise QueryMemoryError(
                f"{shown} would build a list of {count}, more than one query may hold "
                f"({most:,} numbers in {memory_bytes // (1024 * 1024)} MB, {setting}): use a smaller range."
            )

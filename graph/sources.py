"""Single values with their sources: which article or list entry gave a scalar property, and
which value the node or relationship shows.

A single-valued property that articles and lists fill in (a vessel's flag and type, a company's
legal form, a designation's year, date and programme: each label's and relationship type's own
scalar properties but those declared `sourced: false`, graph/ontology.py) is not simply
overwritten by the last writer.
Each value is kept with its source in the list property `prop_sources`, as sorted items

    "<property>\\t<source>\\t<value>"        e.g. "flag\\t<article id>\\tPanama"

(source: an article id, or a list entry as <list name>:<entry id>), and the property holds the
value the most sources give; one article gives one value a property (its first, in text
order). On a tie, the smallest value (compared as the item's text: "2023" < "2024", "Liberia"
< "Panama"). So the value does not depend on the order of writes, and withdrawing an article
(`remove`, a replaced version) drops its items and derives the value again from the sources
left, or removes the property when none is left.

The derivation runs inside the write statements (graph/cypher.py's upserts, graph/writer.py's
strip), so a write stays one atomic statement on both backends. A value stored before sources
were kept (no item for it) stays as it is until a source for that property arrives; a value a
row sets plainly (an export loaded back, a merge) gives way to the items when there are any.
`ingest --reprocess` of the articles (and importing the lists again) records their sources.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

SOURCES = "prop_sources"  # the list property holding the items
SEP = "\t"


def text(value: Any) -> str:
    """The item form of a value: booleans as true/false, the rest as str; no tab, one line."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return " ".join(str(value).replace(SEP, " ").splitlines())


def item(prop: str, source: str, value: Any) -> str:
    return f"{prop}{SEP}{text(source)}{SEP}{text(value)}"


def parse(raw: str) -> tuple[str, str, str]:
    """(property, source, value) of an item."""
    prop, source, value = (raw.split(SEP, 2) + ["", ""])[:3]
    return prop, source, value


def itemize(row: dict, source: str, props: Iterable[str]) -> dict:
    """Move the values of `props` in `row` (a node or relationship row) into its items, given by
    `source`; empty values are dropped. Returns `row`."""
    items = set(row.get(SOURCES) or ())
    for prop in props:
        value = row.pop(prop, None)
        if value is None or value == "":
            continue
        items.add(item(prop, source, value))
    if items:
        row[SOURCES] = sorted(items)
    return row


def choose(items: Iterable[str], prop: str) -> str | None:
    """The item text of the value `prop` shows: given by the most sources, the smallest on a tie
    (what the Cypher of value() computes; for tests and checks)."""
    counts = Counter(v for p, _, v in map(parse, items) if p == prop)
    if not counts:
        return None
    return min(counts, key=lambda v: (-counts[v], v))


def props_in(rows: Iterable[Mapping[str, Any]], sourced: Iterable[str]) -> list[str]:
    """The sourced properties the rows give, as items or as plain values (sorted)."""
    sourced = set(sourced)
    found: set[str] = set()
    for row in rows:
        found.update(k for k in row if k in sourced and row[k] is not None)
        found.update(parse(x)[0] for x in row.get(SOURCES) or ())
    return sorted(found & sourced)


# -- Cypher ------------------------------------------------------------------------------------
# Property names come from the ontology (checked identifiers); the separator is written into
# the statement text as a literal tab. No value is ever written into the text.

def _cast(expr: str, prop_type: str) -> str:
    if prop_type == "int":
        return f"toInteger({expr})"
    if prop_type == "float":
        return f"toFloat({expr})"
    if prop_type == "bool":
        return f"({expr} = 'true')"
    return expr


def value(items: str, prop: str, prop_type: str) -> str:
    """A Cypher expression: the value of `prop` the item list `items` gives, cast to the
    property's type, or null when no item names the property. The most sources win; on a tie
    the smallest value text. O(items x distinct values). Its own variables start with `s_`, so
    that they never shadow the caller's."""
    vals = f"[s_x IN {items} WHERE s_x STARTS WITH '{prop}{SEP}' | split(s_x, '{SEP}')[2]]"
    # Each value once (which order does not matter to the pick); a comprehension, not a reduce
    # with a CASE: FalkorDB evaluates both branches of a CASE, so `s_acc + s_v` copied the list
    # for every item.
    distinct = "[s_i IN range(0, size(s_vals) - 1) WHERE NOT s_vals[s_i] IN s_vals[..s_i] | s_vals[s_i]]"
    pick = (f"reduce(s_b = [null, 0], s_d IN {distinct} | [s_c IN [size([s_v IN s_vals WHERE s_v = s_d])] | "
            "CASE WHEN s_c > s_b[1] OR (s_c = s_b[1] AND s_d < s_b[0]) THEN [s_d, s_c] ELSE s_b END][0])[0]")
    return _cast(f"[s_vals IN [{vals}] | {pick}][0]", prop_type)


def _insert(start: str, items: str) -> str:
    """A Cypher expression: the sorted list `start` with each of `items` not in it inserted in
    order (each insertion O(len(start)))."""
    return (f"reduce(s_acc = {start}, s_x IN {items} | CASE WHEN s_x IN s_acc THEN s_acc "
            "ELSE [s_i IN [size([s_y IN s_acc WHERE s_y < s_x])] | s_acc[..s_i] + [s_x] + s_acc[s_i..]][0] END)")


def sorted_union(current: str, new: str) -> str:
    """A Cypher expression: the sorted list `current` (null: empty) with the items of `new` (a
    sorted list without repeats: graph/cypher.py sorts the rows') not in it inserted in order.
    Each insertion is O(len(current)); inserted into an empty list, `new` comes out as it is.
    Only the items not in `current` are inserted: FalkorDB evaluates both branches of a CASE,
    so a per-item `CASE WHEN s_x IN s_acc` still built the inserted list for items already in."""
    adds = f"[s_x IN coalesce({new}, []) WHERE NOT s_x IN coalesce({current}, [])]"
    return (f"reduce(s_acc = coalesce({current}, []), s_x IN {adds} | "
            "[s_i IN [size([s_y IN s_acc WHERE s_y < s_x])] | s_acc[..s_i] + [s_x] + s_acc[s_i..]][0])")


def sorted_list(items: str) -> str:
    """A Cypher expression: the list `items` sorted, each item once (O(n²): for short lists)."""
    return _insert("[]", items)


def of_source(items: str, source: str) -> str:
    """A Cypher expression: the items of `items` that `source` (an expression) gave."""
    return f"[s_x IN coalesce({items}, []) WHERE split(s_x, '{SEP}')[1] = {source}]"


def names(prop: str, items: str) -> str:
    """A Cypher expression: whether an item of `items` is about `prop`."""
    return f"any(s_x IN {items} WHERE s_x STARTS WITH '{prop}{SEP}')"


def none_if_empty(expr: str) -> str:
    return f"CASE WHEN size({expr}) = 0 THEN null ELSE {expr} END"

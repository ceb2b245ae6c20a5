"""Claims: how firmly the graph holds each relationship, computed from its evidence.

    claim = claims.claim(evidence_items, denial_items)
    claim.summary()        # "corroborated by 3 sources (1 hedged) since 2023-09; denied by 1 source"

A relationship's evidence items (graph/evidence.py, joined with their articles by
graph/view.py's EvidenceJoin) say who states it; the start entity's `denials` list (written by
graph/writer.py from statements such as "was not sanctioned by") says who denies it. A source is
counted once however often it repeats itself:

- an article's publisher (its `source` field, case and spacing aside): two copies of one wire
  story from the same outlet, or the same article ingested twice (one content hash, one id),
  are one source; an article without a publisher counts on its own (by id);
- a sanctions-list entry (list name and entry id).

A source only hedges the fact when every item of it is hedged. The dates are when the fact was
reported: the articles' publication dates, a list entry's date. A fact stated (or hedged) by one
source and denied by another is contradicted; denials alone never make a fact (no edge is
written for them), so a claim with no source is only shown, never read as a fact.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from graph import evidence as ev

if TYPE_CHECKING:
    from graph.store import GraphStore
    from graph.view import EvidenceItem, EvidenceJoin

DENIALS = "denials"  # the entity property holding denied relations (graph/writer.py)


@dataclass(frozen=True, slots=True)
class Claim:
    sources: int  # independent sources stating or hedging the fact
    hedged: int  # of those, sources that only hedge it
    denied: int  # independent sources denying it
    first: str | None  # first reported, YYYY-MM-DD
    last: str | None  # last reported

    @property
    def contradicted(self) -> bool:
        return self.sources > 0 and self.denied > 0

    def summary(self) -> str:
        """One line: "corroborated by 3 sources (1 hedged) since 2023-09; denied by 1 source"."""
        parts: list[str] = []
        if self.sources:
            hedged = f" ({self.hedged} hedged)" if self.hedged else ""
            verb = "corroborated by" if self.sources > 1 else "reported by"
            text = f"{verb} {_plural(self.sources)}{hedged}"
            if self.first:
                text += f" since {self.first[:7]}"
            parts.append(text)
        else:
            parts.append("no source states it")
        if self.denied:
            parts.append(f"denied by {_plural(self.denied)}")
        if self.contradicted:
            parts.append("contradicted")
        return "; ".join(parts)

    def as_dict(self) -> dict[str, Any]:
        return {"sources": self.sources, "hedged": self.hedged, "denied": self.denied, "first": self.first,
                "last": self.last, "contradicted": self.contradicted, "summary": self.summary()}


def _plural(n: int) -> str:
    return f"{n} source" if n == 1 else f"{n} sources"


def source_key(item: dict[str, Any]) -> str:
    """Who an evidence item comes from: a list entry, an article's publisher, else the article."""
    if item.get("method") == "list" or item.get("list_entry"):
        return f"list:{item.get('list_name') or ''}:{item.get('list_entry') or ''}"
    publisher = " ".join(str(item.get("source") or "").lower().split())
    if publisher:
        return f"publisher:{publisher}"
    return f"article:{item.get('article') or item.get('sentence') or ''}"


def reported(item: dict[str, Any]) -> str | None:
    """When an item was reported: its article's publication date; a list entry's date."""
    when = item.get("published")
    if not when and (item.get("method") == "list" or item.get("list_entry")):
        when = item.get("date")
    return str(when)[:10] if when else None


def claim(evidence: Iterable[dict[str, Any]], denials: Iterable[dict[str, Any]] = ()) -> Claim:
    """The claim of one relationship from its joined evidence items and the denials of it."""
    by_source: dict[str, list[str]] = {}
    dates: list[str] = []
    for item in evidence:
        by_source.setdefault(source_key(item), []).append(ev.certainty(item))  # type: ignore[arg-type]
        if (when := reported(item)) is not None:
            dates.append(when)
    deniers = {source_key(item) for item in denials}
    hedged = sum(1 for c in by_source.values() if all(x == "hedged" for x in c))
    return Claim(len(by_source), hedged, len(deniers), min(dates, default=None), max(dates, default=None))


def denials_of(store: GraphStore, ids: list[str]) -> dict[str, list[str]]:
    """Entity id -> its stored denial items (raw JSON strings), for the ids that have any."""
    if not ids or not _declared(store):
        return {}
    rows = store.run(
        f"MATCH (n:{store.ontology.entity_label}) WHERE n.id IN $ids AND n.{DENIALS} IS NOT NULL "
        f"RETURN n.id AS id, n.{DENIALS} AS denials",
        {"ids": ids},
    ).rows
    return {r["id"]: list(r["denials"] or []) for r in rows if r["denials"]}


def _declared(store: GraphStore) -> bool:
    onto = store.ontology
    return any(DENIALS in onto.label(n).properties for n in onto.entity_labels)


def matching(raw: list[str], rtype: str, target: str) -> list[str]:
    """The denial items among `raw` (a start entity's) that deny `rtype` to `target`."""
    out = []
    for x in raw:
        item = ev.decode(x)
        if item.get("type") == rtype and item.get("target") == target:  # type: ignore[misc]
            out.append(x)
    return out


class ClaimJoin:
    """Gives every relationship entry of a view its denials and its claim, with one query.

    `add(entry, start, type, end)` each entry (a dict holding "evidence", items of `arts`), then
    `prepare()` before `arts.fetch()` (the denials join their articles in the same fetch) and
    `finish()` after it: each entry gets "denials" (items) and "claim" (Claim.as_dict()).
    `denied_only(start)` lists the start's denials no entry took: denials of facts no source states.
    """

    def __init__(self, store: GraphStore, arts: EvidenceJoin) -> None:
        self.store = store
        self.arts = arts
        self.entries: list[tuple[dict[str, Any], str, str, str]] = []
        self.raw: dict[str, list[str]] = {}
        self.taken: set[str] = set()

    def add(self, entry: dict[str, Any], start: str, rtype: str, end: str) -> None:
        self.entries.append((entry, start, rtype, end))

    def prepare(self, also: Iterable[str] = ()) -> None:
        self.raw = denials_of(self.store, sorted({s for _, s, _, _ in self.entries} | set(also)))
        for entry, start, rtype, end in self.entries:
            found = matching(self.raw.get(start, []), rtype, end)
            self.taken.update(found)
            entry["denials"] = self.arts.add(found)

    def denied_only(self, start: str) -> list[tuple[str, str, EvidenceItem]]:
        """(type, target id, item) of the start's denials of facts no source states (call
        between prepare() and the fetch: the items are filled in by it)."""
        out = []
        for x in self.raw.get(start, []):
            if x not in self.taken:
                item = ev.decode(x)
                out.append((str(item.get("type")), str(item.get("target")), self.arts.add([x])[0]))
        return out

    def finish(self) -> None:
        for entry, _start, _rtype, _end in self.entries:
            entry["claim"] = claim(entry.get("evidence") or [], entry.get("denials") or []).as_dict()


__all__ = ["Claim", "ClaimJoin", "claim", "denials_of", "matching", "reported", "source_key"]


class ExportIndex:
    """Claims for a whole-graph export (graph/export.py), built while its nodes stream past:
    `observe(node)` every node first (articles give publisher and date, entities their
    denials), then `claim(rel)` each relationship."""

    def __init__(self, article_label: str = "Article") -> None:
        self.article_label = article_label
        self.articles: dict[str, dict[str, Any]] = {}
        self.denials: dict[str, list[str]] = {}

    def observe(self, node: dict[str, Any]) -> None:
        props = node["properties"]
        if self.article_label in (node.get("labels") or ()):
            self.articles[str(node["id"])] = {"source": props.get("source"), "published": props.get("published"),
                                              "url": props.get("url")}
        elif props.get(DENIALS):
            self.denials[str(node["id"])] = list(props[DENIALS])

    def _join(self, raw: Iterable[str]) -> list[dict[str, Any]]:
        out = []
        for x in raw:
            item: dict[str, Any] = dict(ev.decode(x))
            if item.get("method") == "list" or item.get("entry"):
                name, _, entry = str(item.pop("entry", "") or "").rpartition(":")
                item["list_name"], item["list_entry"] = name or None, entry or None
            item.update(self.articles.get(str(item.get("article") or ""), {}))
            out.append(item)
        return out

    def claim(self, rel: dict[str, Any]) -> Claim:
        props = rel["properties"]
        evidence = self._join(props.get("evidence") or [])
        denied = self._join(matching(self.denials.get(str(rel["start"]), []), rel["type"], str(rel["end"])))
        for item in evidence:
            if item.get("list_entry") and not item.get("date") and props.get("date"):
                item["date"] = props["date"]  # a list entry's date is the designation's
        return claim(evidence, denied)

    def urls(self, rel: dict[str, Any]) -> list[str]:
        """The urls of the articles behind a relationship."""
        return sorted({u for a in rel["properties"].get("articles") or [] if (u := self.articles.get(a, {}).get("url"))})

    def publishers(self, rel: dict[str, Any]) -> list[str]:
        return sorted({p for a in rel["properties"].get("articles") or [] if (p := self.articles.get(a, {}).get("source"))})

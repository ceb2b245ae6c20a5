"""A ship's identity over time: its names, flags, owners and managers as dated facts, and the
conflicts an analyst looks for ("same IMO, new name").

    items = identity.article_items(article_id, name, former, flag)   # what an article says (ingest)
    history = identity.timeline(store, entity_id, arts, links)       # what a report shows

A Vessel keeps the identity statements of every article on its `identity` list (JSON evidence
items, graph/evidence.py, with `field` name|flag, `value`, `status` and the stated `date`):

- status "named": the article calls the ship so (its name, the flag it gives);
- status "former" / "current": a rename the article states ("formerly known as", "f.k.a.",
  "ex-", "renamed"), the year when the sentence gives one.

A sanctions list's names and flags for the ship are identity items too, written by the list
import (ingest/lists/importer.py; method "list", `entry` the list entry): status "listed" (the
entry's name, an a.k.a., its flag), "former" (f.k.a., a previous name, a past flag) or
"current" (n.k.a., the name a rename gave), `date` as the list states it (a rename's date) and
`listed_on` the entry's listing date, which dates the list's names as an article's date dates
its names. A ship imported before lists wrote these items falls back to its node's `aliases`
and `flag`, undated.
Owners and managers are the ship's ownership relationships with their claims (graph/claims.py:
first and last reported). The dates of the timeline are when a fact was reported (the article's
date, a list's listing date), or the date the sentence or the list states (a rename's).

Conflicts: the same IMO number under another name (a rename, or two names reported for one
hull), the same name on a ship with another IMO number, and two flags reported over the same
period (their first..last reported dates overlap).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from graph import evidence as ev

if TYPE_CHECKING:
    from graph.store import GraphStore
    from graph.view import EvidenceJoin

IDENTITY = "identity"  # the Vessel list property (graph/ontology.yaml)
_YEAR = re.compile(r"\b(19[5-9]\d|20\d\d)\b")


def article_items(article_id: str, name: str, former: Iterable[dict[str, Any]] = (), flag: str | None = None) -> list[str]:
    """The identity items one article gives a ship: the name it uses, each stated rename
    (former and current name, the year the sentence states), the flag it gives."""
    out = [ev.encode(article_id, "", "rule", field="name", value=name, status="named")]
    for x in former:
        sentence = str(x.get("sentence") or "")
        year = _YEAR.search(sentence)
        when = year.group(1) if year else None
        out.append(ev.encode(article_id, sentence, "rule", field="name", value=str(x["name"]), status="former", date=when))
        out.append(ev.encode(article_id, sentence, "rule", field="name", value=name, status="current", date=when))
    if flag:
        out.append(ev.encode(article_id, "", "rule", field="flag", value=flag, status="named"))
    return list(dict.fromkeys(out))


def _norm(value: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", value.lower()).split())


def timeline(store: GraphStore, entity_id: str, arts: EvidenceJoin, links: Iterable[dict[str, Any]] = ()) -> dict[str, Any] | None:
    """The identity of the vessel `entity_id` (None for another entity): call before
    `arts.fetch()` and `finish()` the result after it (the items fill in then).

    `links` are the report's relationship entries from the ship to its owners and managers
    (each with "type", "target" and, after claims, "claim")."""
    onto = store.ontology
    if IDENTITY not in onto.label("Vessel").properties:
        return None
    vessel = onto.label("Vessel").name
    rows = store.run(
        f"MATCH (v:{vessel} {{id: $id}}) RETURN v.{IDENTITY} AS items, v.aliases AS aliases, v.name AS name, "
        "v.imo AS imo, v.flag AS flag, v.list_ids AS list_ids, v.source AS source",
        {"id": entity_id},
    ).rows
    if not rows:
        return None
    row = rows[0]
    items = arts.add(list(row["items"] or []))
    return {"_row": row, "_items": items, "_links": list(links), "_store": store, "_id": entity_id}


def finish(pending: dict[str, Any] | None) -> dict[str, Any] | None:
    """The timeline of a pending `timeline()`, once its evidence is fetched:
    {"imo", "names": [...], "flags": [...], "owners": [...], "events": [...], "conflicts": [...]}."""
    if pending is None:
        return None
    row, items, store = pending["_row"], pending["_items"], pending["_store"]
    groups: dict[tuple[str, str], dict[str, Any]] = {}
    from_lists = False
    for item in items:
        field, value = str(item.get("field") or ""), str(item.get("value") or "")
        if field not in ("name", "flag") or not value:
            continue
        g = groups.setdefault((field, _norm(value)), {"field": field, "value": value, "statuses": set(), "dates": [],
                                                       "stated": [], "evidence": [], "entries": [], "listed_on": []})
        if g["value"].isupper() and not value.isupper():
            g["value"] = value  # "Orchid Bay" as an article writes it, not a list's "ORCHID BAY"
        g["statuses"].add(str(item.get("status") or "named"))
        if item.get("published"):
            g["dates"].append(str(item["published"])[:10])
        if item.get("method") == "list":
            from_lists = True
            g["entries"].append(f"{item.get('list_name')}:{item.get('list_entry')}" if item.get("list_name") else "list")
            if item.get("listed_on"):
                g["listed_on"].append(str(item["listed_on"])[:10])
        if item.get("date"):
            g["stated"].append(str(item["date"]))
        g["evidence"].append(item)
    # A list entry's names and flag, for a ship imported before the list import wrote identity
    # items: undated, the entry as the source.
    listed = list(row["list_ids"] or [])
    if listed and not from_lists:
        for alias in row["aliases"] or []:
            g = groups.setdefault(("name", _norm(alias)), {"field": "name", "value": alias, "statuses": set(), "dates": [],
                                                           "stated": [], "evidence": [], "entries": [], "listed_on": []})
            g["statuses"].add("listed")
        if row["flag"] and str(row["source"] or "").startswith("list:"):
            g = groups.setdefault(("flag", _norm(row["flag"])), {"field": "flag", "value": row["flag"], "statuses": set(),
                                                                  "dates": [], "stated": [], "evidence": [], "entries": [], "listed_on": []})
            g["statuses"].add("listed")
    facts = []
    for g in groups.values():
        status = "former" if "former" in g["statuses"] and "current" not in g["statuses"] else \
            "current" if "current" in g["statuses"] else "listed" if g["statuses"] == {"listed"} else "named"
        # When it was reported: by the articles' dates, and a list's listing date.
        seen = g["dates"] + g["listed_on"]
        facts.append({"field": g["field"], "value": g["value"], "status": status,
                      "first": min(seen, default=None), "last": max(seen, default=None),
                      "reported": (min(g["dates"]), max(g["dates"])) if g["dates"] else None,
                      "stated": _earliest(g["stated"]), "evidence": g["evidence"],
                      "listed": sorted(set(g["entries"])) or (sorted(listed) if "listed" in g["statuses"] else []),
                      "only_listed": bool(g["entries"]) and all(x.get("method") == "list" for x in g["evidence"])})
    names = sorted((f for f in facts if f["field"] == "name"), key=_order)
    flags = sorted((f for f in facts if f["field"] == "flag"), key=_order)
    owners = [{"type": x["type"], "other": x["target"], "first": (x.get("claim") or {}).get("first"),
               "last": (x.get("claim") or {}).get("last"), "claim": (x.get("claim") or {}).get("summary")}
              for x in pending["_links"]]
    events = []
    rank = {"former": 0, "named": 1, "listed": 1, "current": 2}
    for f in names + flags:
        # A rename is dated by the year the sentence states; a name or flag by when it was first reported.
        # A former name only a list states, with the date of its rename, is dated by that date too.
        renamed = f["status"] == "current" or (f["status"] == "former" and f.get("only_listed"))
        when = f["stated"] if renamed and f["stated"] else f["first"]
        events.append({"date": when, "what": _event_text(f), "_rank": rank[f["status"]]})
    for o in owners:
        events.append({"date": o["first"], "_rank": 3, "what": f"{o['type']} {o['other'].get('name') or o['other']['id']}"
                       + (f" (reported until {o['last']})" if o["last"] and o["last"] != o["first"] else "")})
    events.sort(key=lambda e: (e["date"] is None, e["date"] or "", e.pop("_rank"), e["what"]))
    return {"imo": row["imo"], "names": names, "flags": flags, "owners": owners, "events": events,
            "conflicts": _conflicts(store, pending["_id"], row, names, flags)}


def _earliest(dates: list[str]) -> str | None:
    """The earliest of the stated dates, as precisely as one gives it ("2023" and "2023-04-18": the latter)."""
    if not dates:
        return None
    first = min(dates)
    finer = [d for d in dates if d.startswith(first) and len(d) > len(first)]
    return min(finer) if finer else first


def _order(f: dict[str, Any]) -> tuple:
    rank = {"former": 0, "named": 1, "listed": 1, "current": 2}[f["status"]]
    return (f["stated"] or f["first"] or "9999", rank, f["value"])


def _event_text(f: dict[str, Any]) -> str:
    what = "flag" if f["field"] == "flag" else "name"
    text = {"former": f"former {what}", "current": "renamed to" if what == "name" else "flag",
            "listed": f"{what} on a sanctions list", "named": f"reported under the {what}"}[f["status"]]
    until = f" (reported until {f['last']})" if f["last"] and f["last"] != f["first"] else ""
    # A fact only a sanctions list states names the entry.
    source = f" ({', '.join(f['listed'])})" if f.get("only_listed") else ""
    return f"{text} {f['value']}{until}{source}"


def _conflicts(store: GraphStore, entity_id: str, row: dict[str, Any], names: list[dict], flags: list[dict]) -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    imo = row["imo"]
    # A list's own names count (its a.k.a. is a name the hull goes by); the undated fallback of a
    # ship imported before lists wrote identity items (its aliases, spellings included) does not.
    distinct = [n for n in names if n["status"] != "listed" or n["evidence"]] or names
    if imo and len({_norm(n["value"]) for n in distinct}) > 1:
        former = [n["value"] for n in names if n["status"] == "former"]
        others = [n["value"] for n in names if n["status"] != "former"]
        text = f"IMO {imo} under a new name: " + (f"formerly {', '.join(former)}; " if former else "") + \
            f"reported as {', '.join(others)}"
        out.append({"kind": "same_imo_new_name", "text": text})
    if imo:
        # The lookup keys the ship's names were stored under (every name it was given is an
        # alias, and each alias a key): another ship with an IMO number of its own holding one.
        vessel = store.ontology.label("Vessel").name
        for other in store.run(
            f"MATCH (v:{vessel} {{id: $id}}) MATCH (o:{vessel}) WHERE o.id <> $id AND o.imo IS NOT NULL "
            "AND o.imo <> $imo AND any(k IN coalesce(o.keys, []) WHERE k IN coalesce(v.keys, [])) "
            "RETURN o.id AS id, o.name AS name, o.imo AS imo ORDER BY o.imo",
            {"id": entity_id, "imo": imo},
        ).rows:
            out.append({"kind": "same_name_other_imo",
                        "text": f"the name {other['name']} is also on IMO {other['imo']} ({other['id']})"})
    # Articles reporting two flags over the same period (a list's listing date is no report of a flag flown).
    dated = [(f["value"], *f["reported"]) for f in flags if f["reported"]]
    for i, (a, a1, a2) in enumerate(dated):
        for b, b1, b2 in dated[i + 1:]:
            if a1 <= b2 and b1 <= a2:
                out.append({"kind": "two_flags", "text": f"two flags at once: {a} ({a1}..{a2}) and {b} ({b1}..{b2})"})
    return out


__all__ = ["IDENTITY", "article_items", "finish", "timeline"]

"""Relationship reports on one entity, entity lookup, connections between two entities, listings.

    entity = resolve_entity(store, "lady r")          # id, name or alias, case-insensitive
    report = build_report(store, "Lady R", hops=2)    # a plain dict: see Report below
    paths = find_path(store, "Lady R", "Russia", max_hops=4)

Every fact in a report carries its evidence: items {article, sentence, method, title, source,
published, url}, the article fields joined from the Article nodes. A report costs five
indexed round trips (entity, its relationships, its ownership chain, its sanctions exposure,
the articles), so it stays fast on large graphs.

The reads themselves are graph/view.py's (View): this module shapes what they return into
the report every view shows, and holds no Cypher.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypedDict

from graph import claims, identity
from graph.errors import ConfigError, LookupFailed
from graph.lookup import identifier_ref
from graph.ontology import load as load_ontology
from graph.sources import SOURCES
from graph.view import (
    ARTICLE_FIELDS,
    Article,
    Entity,
    EvidenceItem,
    EvidenceJoin,
    Exposure,
    View,
    check_hops as _hops,
)

if TYPE_CHECKING:
    from graph.ontology import Ontology
    from graph.store import GraphStore

MAX_PER_GROUP = 200  # relationships of one type and direction listed in a report
MAX_INDIRECT = 50  # nearest sanctioned entities listed; a hub can be near hundreds


class NodeRef(TypedDict):
    id: str
    name: str | None
    label: str | None


def _ref(id_: str, name: str | None, label: str | None) -> NodeRef:
    return {"id": id_, "name": name, "label": label}


def _entity(e: Entity, onto: Ontology) -> dict[str, Any]:
    # The ontology's identifiers (imo, mmsi, ...) are listed apart; what it marks `show: false` is hidden.
    props = e.properties
    return {
        "id": e.id,
        "label": e.label,
        "name": e.name,
        "aliases": list(e.aliases),
        "identifiers": {k: props[k] for k in onto.identifiers if props.get(k) is not None},
        "properties": {k: v for k, v in sorted(props.items()) if k not in onto.hidden_properties},
        "_ais_dark": list(props.get("ais_dark") or []),
    }


def _public(entity: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in entity.items() if not k.startswith("_")}


# -- lookup ---------------------------------------------------------------------------------

def _describe(candidates: list[dict[str, Any]]) -> str:
    return "; ".join(f"{c['name']} ({c['label']}, {c['id']})" for c in candidates)


def resolve_entity(store: GraphStore, ref: str) -> dict[str, Any]:
    """The entity `ref` names: an id, an identifier ("9161003", "IMO 9161003": graph/lookup.py),
    or a name or alias (case-insensitive).

    Returns {"id", "label", "name", "aliases", "identifiers", "properties"}. An ambiguous name
    raises LookupFailed listing the candidates (`.candidates`); an unknown one raises
    LookupFailed suggesting close matches.
    """
    entity = _resolve(store, ref)
    return _public(entity)


def _resolve(store: GraphStore, ref: str) -> dict[str, Any]:
    view = store.view()
    ref = (ref or "").strip()
    if not ref:
        raise LookupFailed("Give an entity id, name or alias to look up.")
    found = view.entity_by_id(ref)
    ident = identifier_ref(ref, view.onto) if found is None else None  # BadReference for a wrong check digit
    if ident is not None:
        rows = view.entities_by_identifier(ident.label, ident.prop, ident.value)
        if not rows:
            raise LookupFailed(f"No {ident.label.lower()} with {ident} in the graph. Look it up by name, "
                               f"or ingest an article or list that gives this number.")
    else:
        rows = [found] if found is not None else _by_name(view, ref)
    if len(rows) == 1:
        return _entity(rows[0], view.onto)
    if len(rows) > 1:
        candidates = sorted(
            ({"id": e.id, "name": e.name, "label": e.label} for e in rows),
            key=lambda c: (c["label"] or "", c["id"] or ""),
        )
        raise LookupFailed(
            f"{ref!r} matches {len(candidates)} entities: {_describe(candidates)}. Use an id to pick one.",
            candidates=candidates,
        )
    raise _unknown(view, ref)


def _by_name(view: View, ref: str) -> list[Entity]:
    # Lookup keys are the ingest's normalised names: the indexed way in. Names written by
    # other tools may lack keys, hence the lower-case scan as a last resort.
    from ingest.normalize import name_keys, normalize_name

    exact = normalize_name(ref)
    if exact:
        rows = view.entities_by_keys([exact])
        if rows:
            return rows
        broader = [k for k in name_keys(ref) if k != exact]
        if broader:
            rows = view.entities_by_keys(broader)
            if rows:
                return rows
    return view.entities_named(ref)


def _unknown(view: View, ref: str) -> LookupFailed:
    from rapidfuzz import fuzz, process

    named = view.names()
    if not named:
        return LookupFailed(f"No entity matches {ref!r}: the graph is empty. Ingest some articles first.")
    choices: dict[str, list[dict[str, Any]]] = {}
    for n in named:
        cand = {"id": n.id, "name": n.name, "label": n.label}
        for name in {n.name, *n.aliases}:
            if name:
                choices.setdefault(name, []).append(cand)
    matches = process.extract(ref, list(choices), scorer=fuzz.WRatio, processor=str.lower, limit=5, score_cutoff=75)
    close: list[dict[str, Any]] = []
    for name, _score, _ in matches:
        for cand in choices[name]:
            if cand not in close:
                close.append(cand)
    close = close[:5]
    hint = f" Did you mean: {_describe(close)}?" if close else ""
    return LookupFailed(f"No entity matches {ref!r} by id, name or alias.{hint}", candidates=close)


# -- evidence -------------------------------------------------------------------------------

def evidence_items(store: GraphStore, raw: list[str] | None) -> list[EvidenceItem]:
    """Stored evidence strings as the items every view shows (graph/view.py's EvidenceJoin)."""
    return store.view().evidence(raw)


def relationship(subject: NodeRef, other: NodeRef, rel: dict[str, Any], arts: EvidenceJoin) -> dict[str, Any]:
    """A stored relationship seen from `subject`: the one shape every view (CLI, JSON API,
    pages) draws, so that none can flip an edge.

    `rel` is {"type", "start" (the stored start node's id), "props"}. Returns
    {"from": subject, "to": other, "source", "target" (the stored start and end),
     "type", "direction" ("out" when the subject is the start), "properties", "evidence"}.
    """
    props = dict(rel.get("props") or {})
    raw = props.pop("evidence", None)
    for key in ("articles", "methods", "key", SOURCES):  # provenance, not properties to show
        props.pop(key, None)
    out = rel["start"] == subject["id"]
    return {
        "from": subject,
        "to": other,
        "source": subject if out else other,
        "target": other if out else subject,
        "type": rel["type"],
        "direction": "out" if out else "in",
        "properties": props,
        "evidence": arts.add(raw),
    }


# -- the report -----------------------------------------------------------------------------

def _sort_date(value: Any) -> tuple[int, str]:
    return (0, str(value)) if value else (1, "")


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _status(direct: list[dict], indirect: list[dict], calls: list[dict], hops: int, calls_capped: bool) -> dict[str, str]:
    """The one-line verdict every view shows first: {"level": sanctioned|exposed|clear, "text"}."""
    parts: list[str] = []
    level = "clear"
    if direct:
        by = list(dict.fromkeys(d["by"]["name"] or d["by"]["id"] for d in direct))
        parts.append("Sanctioned by " + ", ".join(by))
        level = "sanctioned"
    if calls:
        vessels = {c["vessel"]["id"] for c in calls}
        flagged = {c["vessel"]["id"] for c in calls if c["sanctioned_by"]}
        more = "at least " if calls_capped else ""
        if flagged:
            parts.append(f"{more}{_plural(len(flagged), 'sanctioned vessel')} called here "
                         f"({_plural(len(vessels), 'vessel')}, {_plural(len(calls), 'call')} recorded)")
            level = "sanctioned" if direct else "exposed"
        else:
            parts.append(f"none of the {more}{_plural(len(vessels), 'vessel')} recorded calling here is sanctioned")
    if indirect:
        parts.append(f"linked to {_plural(len(indirect), 'sanctioned entity', 'sanctioned entities')} "
                     f"within {_plural(hops, 'hop')}")
        if level == "clear":
            level = "exposed"
    if not direct and not indirect and not any(c["sanctioned_by"] for c in calls):
        parts.insert(0, f"No sanction recorded for it or within {_plural(hops, 'hop')} of it")
    elif not direct and level == "exposed":
        parts.insert(0, "Not sanctioned itself")
    text = "; ".join(parts)
    return {"level": level, "text": text[:1].upper() + text[1:]}


def build_report(store: GraphStore, ref: str, *, hops: int = 2, min_sources: int = 0,
                 sort: str | None = None) -> dict[str, Any]:
    """Everything the graph says about one entity, each fact with its evidence.

    {"entity": {...}, "status": {"level", "text"}, "sanctions": {"direct": [...], "indirect": [...]},
     "ownership": [...], "port_calls": [...], "incoming_calls": [...], "relationships": {TYPE: [...]},
     "ais_dark": [...], "articles": [...], "relationship_totals": {TYPE: n}}

    `sanctions.direct`: the designations of the entity itself (by whom, when, programme,
    list, evidence). `sanctions.indirect`: sanctioned entities within `hops` (1..6) through
    ownership, operation, membership and stated ties, nearest first, once each with its
    shortest path, and only where it adds something: not an entity whose sanctioners all
    sanctioned the subject too (a sister ship of a sanctioned ship), nor one reached only
    through another listed sanctioned entity with the same sanctioners (`indirect_omitted`
    counts them, `indirect_omitted_entities` names them: {"sanctioned", "hops",
    "sanctioned_by", "via" (the listed entity with the same sanctioners it is reached
    through; None when it shares the subject's own)}). `incoming_calls`: the vessels that called at the entity (a port), newest
    first, each with the bodies that sanctioned it.

    Every fact also carries "claim" (graph/claims.py: independent sources, hedged ones,
    denials, first and last reported, contradicted, summary) and "denials" (the evidence
    against it); "denied" lists the entity's denials of facts no source states. "identity"
    (a ship only, else None: graph/identity.py) holds its names, flags, owners and managers
    over time, a timeline of them ("events") and the conflicts found.
    `min_sources` keeps only facts with at least that many independent sources; `sort="sources"`
    lists the best corroborated first.
    """
    _hops(hops, "hops")
    view = store.view()
    entity = _resolve(store, ref)
    eid = entity["id"]
    subject = _ref(eid, entity["name"], entity["label"])
    arts = view.evidence_join()
    onto = view.onto  # which types are sanctions, port calls, mentions, ownership: its `roles`

    direct: list[dict[str, Any]] = []
    port_calls: list[dict[str, Any]] = []
    incoming: list[dict[str, Any]] = []
    relationships: dict[str, list[dict[str, Any]]] = {}
    mentioned: set[str] = set()
    totals: dict[str, int] = {}
    capped: set[str] = set()
    for group in view.neighbours(eid, cap=MAX_PER_GROUP):
        rtype, out = group.type, group.outgoing
        totals[rtype] = totals.get(rtype, 0) + group.total
        if group.total > len(group.items):
            capped.add(rtype)
        for item in group.items:
            o = item.other
            if rtype == onto.mention_type:
                mentioned.add(o.id)
                continue
            other = _ref(o.id, o.name, o.label)
            rel = relationship(subject, other, {"type": rtype, "start": eid if out else o.id,
                                                "props": item.properties}, arts)
            props = rel["properties"]
            if out and rtype == onto.sanction_type:
                direct.append({"by": other, "year": props.get("year"), "date": props.get("date"),
                               "program": props.get("program"), "list_name": props.get("list_name"),
                               "list_id": props.get("list_id"), "evidence": rel["evidence"]})
            elif out and rtype == onto.port_call_type:
                port_calls.append({"port": other, "date": props.get("date"), "activity": props.get("activity"),
                                   "evidence": rel["evidence"]})
            elif not out and rtype == onto.port_call_type:
                incoming.append({"vessel": other, "date": props.get("date"), "activity": props.get("activity"),
                                 "evidence": rel["evidence"], "sanctioned_by": []})
            elif out and rtype in onto.ownership_types:
                continue  # the first link of the ownership chain, shown there
            else:
                relationships.setdefault(rtype, []).append({
                    "direction": rel["direction"], "other": other, "source": rel["source"],
                    "target": rel["target"], "properties": props, "evidence": rel["evidence"],
                })
    if incoming:
        by_vessel = {
            vid: [_ref(x.id, x.name, x.label) for x in by]
            for vid, by in view.sanctioners(sorted({c["vessel"]["id"] for c in incoming})).items()
        }
        for call in incoming:
            call["sanctioned_by"] = sorted(by_vessel.get(call["vessel"]["id"], []), key=lambda x: x["name"] or "")

    ownership: list[dict[str, Any]] = []
    for link in view.ownership_chain(eid):
        x, y = link.link.source, link.link.target
        a, b = _ref(x.id, x.name, x.label), _ref(y.id, y.name, y.label)
        ownership.append(relationship(a, b, {"type": link.link.type, "start": a["id"], "props": link.link.properties},
                                      arts))

    indirect, omitted, exposure = _indirect(view, eid, hops, {d["by"]["id"] for d in direct}, arts)

    joined = claims.ClaimJoin(store, arts)
    for d in direct:
        joined.add(d, eid, onto.sanction_type, d["by"]["id"])
    for c in port_calls:
        joined.add(c, eid, onto.port_call_type, c["port"]["id"])
    for c in incoming:
        joined.add(c, c["vessel"]["id"], onto.port_call_type, eid)
    for rel in [*ownership, *(st for x in indirect for st in x["path"])]:
        joined.add(rel, rel["source"]["id"], rel["type"], rel["target"]["id"])
    for rtype, items in relationships.items():
        for rel in items:
            joined.add(rel, rel["source"]["id"], rtype, rel["target"]["id"])
    joined.prepare(also=[eid])
    denied_only = joined.denied_only(eid)
    pending = identity.timeline(store, eid, arts, [o for o in ownership if o["source"]["id"] == eid]) \
        if entity["label"] == "Vessel" else None
    ais_dark = arts.add(entity["_ais_dark"])
    found = arts.fetch(mentioned)
    joined.finish()
    history = identity.finish(pending)
    denied = _denied(view, denied_only)
    keep = _check_min_sources(min_sources)
    articles = [_article(a, found.get(a)) for a in sorted(mentioned)]
    # Newest first, undated last.
    articles.sort(key=lambda a: a["published"] or "", reverse=True)
    port_calls.sort(key=lambda c: (_sort_date(c["date"]), c["port"]["name"] or ""))
    incoming.sort(key=lambda c: (c["date"] or "", c["vessel"]["name"] or ""), reverse=True)
    incoming.sort(key=lambda c: c["date"] is None)  # undated last, the rest newest first
    for items in relationships.values():
        items.sort(key=lambda x: (x["direction"], x["other"]["name"] or ""))
    direct.sort(key=lambda d: (d["year"] or 0, d["by"]["name"] or ""))
    # The verdict weighs every fact; `min_sources` only thins what is listed.
    status = _status(direct, indirect, incoming, hops, onto.port_call_type in capped and bool(incoming))
    listed_before = len(direct) + len(port_calls) + len(incoming) + len(ownership) + sum(map(len, relationships.values()))
    if min_sources:
        direct, port_calls, incoming, ownership = (
            [x for x in items if keep(x)] for items in (direct, port_calls, incoming, ownership))
        relationships = {t: kept for t, items in relationships.items() if (kept := [x for x in items if keep(x)])}
    if sort is not None:
        if sort != "sources":
            raise ConfigError(f"Unknown sort {sort!r}: use 'sources' (best corroborated first) or none.")
        for items in (direct, port_calls, incoming, *relationships.values()):
            items.sort(key=lambda x: -x["claim"]["sources"])  # stable: ties keep their order
    return {
        "entity": _public(entity),
        "status": status,
        "sanctions": {"direct": direct, "indirect": indirect, "hops": hops,
                      "indirect_omitted": len(omitted), "indirect_omitted_entities": omitted,
                      "indirect_truncated": len(exposure) > MAX_INDIRECT},
        "ownership": ownership,
        "port_calls": port_calls,
        "incoming_calls": incoming,
        "relationships": dict(sorted(relationships.items())),
        "ais_dark": ais_dark,
        "denied": denied,
        # Facts left out by min_sources (0 without it).
        "min_sources": min_sources,
        "below_min_sources": listed_before - (len(direct) + len(port_calls) + len(incoming) + len(ownership)
                                              + sum(map(len, relationships.values()))),
        "identity": history,
        "articles": articles,
        # How many relationships of each type the entity has (a report lists at most
        # MAX_PER_GROUP per type and direction, newest first).
        "relationship_totals": dict(sorted(totals.items())),
    }


def _check_min_sources(n: Any):
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise ConfigError(f"min_sources must be a whole number of sources, 0 or more; got {n!r}.")
    return lambda x: x["claim"]["sources"] >= n


def _denied(view: View, items: list[tuple[str, str, EvidenceItem]]) -> list[dict[str, Any]]:
    """The entity's denials of facts no source states: [{"type", "other", "evidence"}], grouped."""
    if not items:
        return []
    names = {n.id: n for n in view.nodes(sorted({t for _, t, _ in items}))}
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for rtype, target, item in items:
        n = names.get(target)
        other = _ref(target, n.name if n else None, n.label if n else None)
        out.setdefault((rtype, target), {"type": rtype, "other": other, "evidence": []})["evidence"].append(item)
    for x in out.values():
        x["claim"] = claims.claim([], x["evidence"]).as_dict()
    return sorted(out.values(), key=lambda x: (x["type"], x["other"]["name"] or ""))


def _article(article_id: str, art: Article | None) -> dict[str, Any]:
    return {"id": article_id, **{k: getattr(art, k) if art is not None else None for k in ARTICLE_FIELDS}}


def _indirect(
    view: View, eid: str, hops: int, own: set[str], arts: EvidenceJoin
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[Exposure]]:
    """Sanctioned entities near `eid` that add something to its own designations (`own`:
    the ids of its sanctioners), each with its shortest path; and how many were left out."""
    exposure = view.exposure(eid, hops, limit=MAX_INDIRECT + 1)
    by_of: dict[str, set[str]] = {x.sanctioned: set(x.by) for x in exposure}
    indirect: list[dict[str, Any]] = []
    omitted: list[dict[str, Any]] = []
    for x in exposure[:MAX_INDIRECT]:  # nearest first
        by = set(x.by)
        shares_own = bool(own) and by <= own
        through = [n.id for n in x.nodes[1:-1] if n.id in by_of]
        through_same = any(by <= (by_of.get(t, set()) | own) for t in through)
        if shares_own or through_same:
            last = x.nodes[-1]
            via = next((n for n in x.nodes[1:-1] if n.id in by_of and by <= (by_of[n.id] | own)), None)
            omitted.append({"sanctioned": _ref(last.id, last.name, last.label), "hops": x.hops,
                            "sanctioned_by": sorted(by),
                            # why it is not repeated: the same sanctioners as the subject, or as
                            # the listed entity it is reached through
                            "via": _ref(via.id, via.name, via.label) if via is not None and not shares_own else None})
            continue
        refs = [_ref(n.id, n.name, n.label) for n in x.nodes]
        steps = [relationship(refs[i], refs[i + 1], {"type": st.type, "start": st.start, "props": st.properties}, arts)
                 for i, st in enumerate(x.steps)]
        indirect.append({"sanctioned": steps[-1]["to"], "hops": x.hops, "sanctioned_by": sorted(by),
                         "path": steps})
    return indirect, omitted, exposure


# -- certainty -------------------------------------------------------------------------------

def _stated(items: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    from graph.evidence import certainty

    return [ev for ev in items or [] if certainty(ev) == "stated"]  # type: ignore[arg-type]


def _keeps(fact: dict[str, Any]) -> bool:
    """Trim a fact's evidence to the stated items; whether the fact stays (a fact recorded
    with no evidence at all stays: nothing hedges it)."""
    had = fact.get("evidence") or []
    fact["evidence"] = _stated(had)
    return bool(fact["evidence"]) or not had


def stated_only(report: dict[str, Any]) -> dict[str, Any]:
    """The report with only what its sources state: hedged evidence left out, and every fact
    (sanction, ownership link, port call, relationship, linked path) that only hedged evidence
    supports. Changes and returns `report`; the status line is worked out again."""
    sanctions = report["sanctions"]
    sanctions["direct"] = [d for d in sanctions["direct"] if _keeps(d)]
    sanctions["indirect"] = [x for x in sanctions["indirect"] if all([_keeps(st) for st in x["path"]])]
    report["ownership"] = [o for o in report["ownership"] if _keeps(o)]
    report["port_calls"] = [c for c in report["port_calls"] if _keeps(c)]
    report["incoming_calls"] = [c for c in report["incoming_calls"] if _keeps(c)]
    report["relationships"] = {t: kept for t, items in report["relationships"].items()
                               if (kept := [r for r in items if _keeps(r)])}
    report["ais_dark"] = _stated(report["ais_dark"])
    report["status"] = _status(sanctions["direct"], sanctions["indirect"], report["incoming_calls"],
                               sanctions["hops"], False)
    report["stated_only"] = True
    return report


def stated_paths(paths: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The paths every step of which some source states (hedged evidence left out)."""
    return [p for p in paths if all([_keeps(st) for st in p["steps"]])]


# -- connections between two entities ------------------------------------------------------

def find_path(
    store: GraphStore,
    a: str,
    b: str,
    max_hops: int = 4,
    *,
    rel_types: list[str] | None = None,
    via_sanctioners: bool = False,
    limit: int = 10,
) -> list[dict[str, Any]]:
    """The shortest connections between entities `a` and `b` (ids or names), either direction.

    Returns up to `limit` paths, each {"length", "nodes": [NodeRef...], "steps": [step...]}
    where a step is a `relationship()` {"from", "to", "source", "target", "type",
    "direction", "properties", "evidence"}. Empty when they are not connected within
    `max_hops` (1..6). `rel_types` limits the relationship types followed (default: every
    type but MENTIONS). Parallel relationships of one type are one hop; a connection does
    not pass through a country or a sanctioning body's designations unless
    `via_sanctioners` (graph/analysis.py says why).
    """
    from graph import analysis

    _hops(max_hops, "max_hops")
    onto = load_ontology()
    types = [onto.rel_type(t.upper()).name for t in rel_types] if rel_types else None
    view = store.view()
    start, end = _resolve(store, a), _resolve(store, b)
    if start["id"] == end["id"]:
        raise ConfigError(f"{a!r} and {b!r} are the same entity ({start['id']}); give two different ones.")
    sub = analysis.connect(store, start["id"], end["id"], max_hops, rel_types=types,
                           via_sanctioners=via_sanctioners)
    found = analysis.shortest_paths(sub, start["id"], end["id"], max_hops, limit=limit)
    props = analysis.edge_properties(store, [e for _, edges in found for e in edges])
    analysis.name_nodes(store, sub, [n for node_ids, _ in found for n in node_ids])
    arts = view.evidence_join()
    paths = []
    for node_ids, edges in found:
        nodes = [analysis.node_ref(sub, n) for n in node_ids]
        steps = [
            relationship(nodes[i], nodes[i + 1],
                         {**e, "props": props.get((e["start"], e["end"], e["type"]), {})}, arts)
            for i, e in enumerate(edges)
        ]
        paths.append({"length": len(steps), "nodes": nodes, "steps": steps})
    arts.fetch()
    return paths


# -- listings -------------------------------------------------------------------------------

def list_entities(
    store: GraphStore, label: str | None = None, sanctioned: bool = False, *, limit: int | None = None
) -> list[dict[str, Any]]:
    """Entities (of one label, or only the directly sanctioned ones) by name:
    [{"id", "label", "name", "aliases", "mentions" (articles), "sanctioned_by": [names]}]."""
    onto = load_ontology()
    if label:
        by_lower = {n.lower(): n for n in onto.entity_labels}
        if label.lower() not in by_lower:
            raise ConfigError(f"Unknown entity type {label!r}. Use one of: {', '.join(onto.entity_labels)}.")
        label = by_lower[label.lower()]
    return [
        {"id": x.id, "label": x.label, "name": x.name, "aliases": list(x.aliases), "mentions": x.mentions,
         "sanctioned_by": list(x.sanctioned_by)}
        for x in store.view().listing(label, sanctioned=sanctioned, limit=limit)
    ]


def stats(store: GraphStore) -> dict[str, Any]:
    """What the graph holds: node counts per label, relationship counts per type, totals."""
    got = store.view().stats()
    onto = load_ontology()
    return {
        "entities": sum(n for lab, n in got.nodes.items() if lab in onto.entity_labels),
        "articles": got.nodes.get("Article", 0),
        "relationships_total": sum(got.relationships.values()),
        "sanctioned": got.sanctioned,
        "went_dark": got.went_dark,
        "nodes": got.nodes,
        "relationships": got.relationships,
    }


def __getattr__(name: str) -> Any:
    # OWNERSHIP_TYPES and EXPOSURE_TYPES: the ontology's in use, read when asked (tests/test_queries.py
    # checks queries/*.cypher against them); code reads store.ontology's ownership_types and exposure_types.
    if name in ("OWNERSHIP_TYPES", "EXPOSURE_TYPES"):
        return getattr(load_ontology(), name.lower())
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "EXPOSURE_TYPES",
    "OWNERSHIP_TYPES",
    "build_report",
    "find_path",
    "list_entities",
    "resolve_entity",
    "stated_only",
    "stated_paths",
    "stats",
]

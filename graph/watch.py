"""Watchlists and change alerts: what changed in the graph about the things an analyst follows.

    add_watch(store, resolve_entity(store, "Lady R"), by="ana")   # queries/watchlist.py looks it up
    add_watch(store, program="RUSSIA-EO14024")
    raise_alerts(store)                            # new Alert nodes, after an ingest or list import
    list_alerts(store, since="2026-01-01")         # unseen ones, each with its evidence
    mark_seen(store, [alert.id for alert in ...])

A watch is a `Watch` node (graph/ontology.yaml) holding who added it, when, and `known`: the
facts about the item the graph held then. An alert is a fact about the graph, not about a run:
each watch's facts are worked out from what is stored now (designations of the item and of its
ownership/operation chain, port calls by it or at it, its names and IMO numbers, sanctioned
parties within its `hops`, articles mentioning it); those not yet `known` become `Alert` nodes
whose id is a hash of the watch and the fact, and join `known`. So a re-ingest raises nothing,
and the alerts after a set of runs are the same whatever their order.

Labels, types and properties come from the store's ontology; values travel as parameters.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from graph.errors import ConfigError

if TYPE_CHECKING:
    from graph.store import GraphStore

WATCH = "Watch"
ALERT = "Alert"
ARTICLE = "Article"
KINDS = ("entity", "port", "program")
ALERT_KINDS = ("designation", "port_call", "new_name", "new_imo", "exposure", "article")
DEFAULT_HOPS = 2
MAX_EXPOSURE = 50  # sanctioned parties looked at per watch


@dataclass(frozen=True, slots=True)
class Watch:
    id: str
    kind: str  # entity | port | program
    target: str  # entity id, or programme name
    name: str
    by: str | None
    added_at: str | None
    hops: int = DEFAULT_HOPS
    imo: str | None = None
    names: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["names"] = list(self.names)
        return d


@dataclass(frozen=True, slots=True)
class Alert:
    id: str
    watch: str
    watch_name: str
    kind: str
    subject: str
    summary: str
    date: str | None
    evidence: tuple[dict[str, Any], ...]
    raised_at: str | None
    seen: bool = False

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["evidence"] = list(self.evidence)
        return d


@dataclass(slots=True)
class _Fact:
    """One thing the graph says about a watched item, with a stable key."""

    key: str
    kind: str
    subject: str
    summary: str
    date: str | None = None
    evidence: Callable[[], list[dict[str, Any]]] = field(default=lambda: [])
    also: tuple[str, ...] = ()  # other keys of the same fact (a node's id before and after list matching)

    @property
    def keys(self) -> tuple[str, ...]:
        return (self.key, *self.also)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def alert_id(watch_id: str, fact_key: str) -> str:
    """The id of the alert a fact raises for a watch: the same content, the same id."""
    return hashlib.sha256(f"{watch_id}\n{fact_key}".encode()).hexdigest()[:16]


# -- statements ---------------------------------------------------------------------------------


class _Q:
    """The statements of one ontology (labels and types from it, values as parameters)."""

    def __init__(self, onto) -> None:
        e = onto.entity_label
        w, a, art = onto.label(WATCH).name, onto.label(ALERT).name, onto.label(ARTICLE).name
        sanction = onto.rel_type(onto.sanction_type).name
        call = onto.rel_type(onto.port_call_type).name
        mentions = onto.rel_type(onto.mention_type).name
        vessel = onto.label("Vessel").name
        self.watches = f"MATCH (w:{w}) RETURN w {{.*}} AS w ORDER BY w.id"
        self.watch = f"MATCH (w:{w} {{id: $id}}) RETURN w {{.*}} AS w"
        self.known = f"MATCH (w:{w} {{id: $id}}) RETURN coalesce(w.known, []) AS known"
        self.remove = f"MATCH (w:{w} {{id: $id}}) OPTIONAL MATCH (x:{a} {{watch: $id}}) DETACH DELETE x, w"
        self.sanctions = (
            f"MATCH (x:{e})-[r:{sanction}]->(s:{e}) WHERE x.id IN $ids "
            "RETURN x.id AS x, x.name AS xname, x.list_ids AS xlist, s.id AS s, s.name AS sname, r.key AS key, "
            "r.program AS program, r.list_id AS list_id, r.date AS date, r.year AS year, r.evidence AS evidence")
        self.program = (
            f"MATCH (x:{e})-[r:{sanction}]->(s:{e}) WHERE toUpper(coalesce(r.program, '')) = $program "
            "RETURN x.id AS x, x.name AS xname, x.list_ids AS xlist, s.id AS s, s.name AS sname, r.key AS key, "
            "r.program AS program, r.list_id AS list_id, r.date AS date, r.year AS year, r.evidence AS evidence")
        self.calls = (
            f"MATCH (v:{e} {{id: $id}})-[r:{call}]->(p:{e}) "
            "RETURN v.id AS v, v.name AS vname, p.id AS p, p.name AS pname, r.key AS key, r.date AS date, "
            "r.activity AS activity, r.evidence AS evidence "
            "UNION ALL "
            f"MATCH (v:{e})-[r:{call}]->(p:{e} {{id: $id}}) "
            "RETURN v.id AS v, v.name AS vname, p.id AS p, p.name AS pname, r.key AS key, r.date AS date, "
            "r.activity AS activity, r.evidence AS evidence")
        self.same_name = (
            f"MATCH (v:{vessel}) WHERE v.imo IS NOT NULL AND v.id <> $id AND coalesce(v.imo, '') <> $imo "
            "AND any(n IN coalesce(v.aliases, []) WHERE toLower(n) IN $names) "
            "RETURN v.id AS id, v.name AS name, v.imo AS imo, v.aliases AS aliases, v.list_ids AS list_ids")
        self.mentioning = (
            f"MATCH (a:{art})-[:{mentions}]->(n:{e} {{id: $id}}) "
            "RETURN a.id AS id, a.title AS title, a.source AS source, a.published AS published, a.url AS url")
        self.texts = (f"MATCH (a:{art}) WHERE a.id IN $ids RETURN a.id AS id, a.title AS title, a.source AS source, "
                      "a.published AS published, a.url AS url, a.text AS text")
        self.alerts = (f"MATCH (x:{a}) WHERE ($since IS NULL OR x.raised_at >= $since) "
                       "AND ($all OR coalesce(x.seen, false) = false) RETURN x {.*} AS x")
        self.seen = (f"UNWIND $ids AS i MATCH (x:{a} {{id: i}}) WHERE coalesce(x.seen, false) = false "
                     "SET x.seen = true, x.seen_at = $at RETURN x.id AS id")
        self.count = f"MATCH (w:{w}) RETURN count(w) AS n"

    def all(self) -> list[str]:
        return [v for v in vars(self).values() if isinstance(v, str)]


_BUILT: dict[int, tuple[Any, _Q]] = {}


def _q(onto) -> _Q:
    hit = _BUILT.get(id(onto))
    if hit is None or hit[0] is not onto:
        hit = _BUILT[id(onto)] = (onto, _Q(onto))
    return hit[1]


def statements(onto) -> list[str]:
    """Every statement this module sends (for the offline Neo4j syntax check)."""
    return _q(onto).all()


# -- evidence -----------------------------------------------------------------------------------

_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'(])")


def sentence_with(text: str | None, names: Iterable[str]) -> str | None:
    """The first sentence of `text` that names one of `names` (case-insensitive, whole words)."""
    if not text:
        return None
    pats = [re.compile(rf"(?<!\w){re.escape(n)}(?!\w)", re.I) for n in names if n and len(n) > 1]
    for para in text.split("\n"):
        for sent in _SENTENCE.split(para):
            if any(p.search(sent) for p in pats):
                return " ".join(sent.split())[:600]
    return None


def _edge_evidence(store: GraphStore, raw: list[str] | None, cap: int = 3) -> list[dict[str, Any]]:
    items = store.view().evidence(list(raw or [])[:cap])
    keep = ("sentence", "cite", "article", "title", "published", "url", "list_name", "list_entry", "date")
    return [{k: item.get(k) for k in keep if item.get(k) is not None} for item in items]


def _article_evidence(store: GraphStore, article_ids: list[str], names: Iterable[str], cap: int = 3) -> list[dict]:
    from graph.view import cite

    if not article_ids:
        return []
    names = list(names)
    out = []
    rows = store.run(_q(store.ontology).texts, {"ids": sorted(article_ids)[:cap]}).rows
    for r in sorted(rows, key=lambda r: (r["published"] or "", r["id"])):
        item = {"article": r["id"], "title": r["title"], "published": r["published"], "url": r["url"],
                "source": r["source"]}
        item["sentence"] = sentence_with(r["text"], names) or ""
        item["cite"] = cite(item)
        out.append({k: v for k, v in item.items() if v is not None and k != "source"})
    return out


def _list_evidence(list_ids: Iterable[str] | None) -> list[dict[str, Any]]:
    out = []
    for entry in sorted(list_ids or ()):
        name, _, entry_id = str(entry).rpartition(":")
        out.append({"list_name": name or None, "list_entry": entry_id, "sentence": "",
                    "cite": f"sanctions list {name}, entry {entry_id}" if name else f"sanctions list entry {entry_id}"})
    return out


# -- facts ------------------------------------------------------------------------------------


def _stable(node_id: str, list_ids: Iterable[str] | None) -> str:
    """A name for a node that survives list matching: its first list entry, else its id."""
    return f"list:{min(list_ids)}" if list_ids else node_id


def _sanction_fact(store: GraphStore, r: dict, watched: str | None) -> _Fact:
    date = r["date"] or (str(r["year"]) if r["year"] else None)
    prog = f" under {r['program']}" if r["program"] else ""
    who = r["xname"] or r["x"]
    if watched and r["x"] != watched:
        summary = f"{who}, in the ownership/operation chain of {{name}}, designated by {r['sname'] or r['s']}{prog}"
    else:
        summary = f"{who} designated by {r['sname'] or r['s']}{prog}"
    raw = r["evidence"]
    # A list entry names the designation for good; a node's id changes when matching merges a
    # list-only node onto an extracted one, so it names only the others.
    tail = f"|{r['s']}|{r['key'] or ''}"
    who = [f"list:{r['list_id']}"] if r.get("list_id") else []
    who += [_stable(r["x"], r.get("xlist")), r["x"], *(f"list:{i}" for i in sorted(r.get("xlist") or ()))]
    keys = [f"designation|{w}{tail}" for w in dict.fromkeys(who)]
    return _Fact(keys[0], "designation", r["x"], summary, date, lambda: _edge_evidence(store, raw), tuple(keys[1:]))


def facts(store: GraphStore, watch: Watch) -> list[_Fact]:
    """What the graph says now about the watched item, each fact with its stable key."""
    q = _q(store.ontology)
    view = store.view()
    out: list[_Fact] = []
    if watch.kind == "program":
        for r in store.run(q.program, {"program": watch.target}).rows:
            out.append(_sanction_fact(store, r, None))
        return _finish(out, watch)
    entity = view.entity_by_id(watch.target)
    if entity is None:  # gone (merged away or removed): nothing to say about it
        return []
    # Designations of the item and of its ownership/operation chain.
    chain = {watch.target} | {c.link.target.id for c in view.ownership_chain(watch.target)}
    for r in store.run(q.sanctions, {"ids": sorted(chain)}).rows:
        out.append(_sanction_fact(store, r, watch.target))
    # Port calls by it, or at it.
    for r in store.run(q.calls, {"id": watch.target}).rows:
        act = r["activity"] or "called"
        when = f" on {r['date']}" if r["date"] else ""
        raw = r["evidence"]
        out.append(_Fact(f"port_call|{r['v']}|{r['p']}|{r['key'] or ''}", "port_call", r["v"],
                         f"{r['vname'] or r['v']} {act} at {r['pname'] or r['p']}{when}", r["date"],
                         lambda raw=raw: _edge_evidence(store, raw)))
    # Its names (a known IMO number under a new name) and its names under another IMO number.
    names = sorted({n for n in (entity.aliases or ()) if n} | ({entity.name} if entity.name else set()))
    mentioning = store.run(q.mentioning, {"id": watch.target}).rows
    art_ids = [r["id"] for r in mentioning]
    list_ids = entity.properties.get("list_ids")
    for n in names:
        def ev(n=n) -> list[dict]:
            found = [x for x in _article_evidence(store, art_ids, [n], cap=20) if x["sentence"]][:2]
            return found or _list_evidence(list_ids)
        out.append(_Fact(f"name|{watch.target}|{n.lower()}", "new_name", watch.target,
                         f"{{name}} recorded under the name {n!r}", None, ev))
    if watch.names:
        for r in store.run(q.same_name, {"id": watch.target, "imo": watch.imo or "",
                                         "names": sorted({n.lower() for n in watch.names})}).rows:
            hit = [a for a in r["aliases"] or () if a.lower() in {n.lower() for n in watch.names}]
            rid, rlist = r["id"], r["list_ids"]

            def ev(rid=rid, hit=hit, rlist=rlist) -> list[dict]:
                arts = [x["id"] for x in store.run(q.mentioning, {"id": rid}).rows]
                return [x for x in _article_evidence(store, arts, hit) if x["sentence"]] or _list_evidence(rlist)
            out.append(_Fact(f"imo|{r['imo']}", "new_imo", rid,
                             f"a vessel named {hit[0] if hit else r['name']!r} (watched name) under IMO {r['imo']}",
                             None, ev))
    # Sanctioned parties newly within `hops` (not those of its own chain: designations above).
    near = view.exposure(watch.target, watch.hops, limit=MAX_EXPOSURE)
    listed = {n.id: n.properties.get("list_ids") for n in view.nodes([x.sanctioned for x in near])} if near else {}
    for x in near:
        if x.sanctioned in chain:
            continue
        path = " - ".join(n.name or n.id for n in x.nodes)
        steps = x.steps

        def ev(steps=steps) -> list[dict]:
            return [item for s in steps for item in _edge_evidence(store, s.properties.get("evidence"), cap=1)]
        lids = listed.get(x.sanctioned) or ()
        keys = list(dict.fromkeys(f"exposure|{k}" for k in (_stable(x.sanctioned, lids), x.sanctioned,
                                                            *(f"list:{i}" for i in sorted(lids)))))
        out.append(_Fact(keys[0], "exposure", x.sanctioned,
                         f"sanctioned {x.nodes[-1].name or x.sanctioned} within {x.hops} hop"
                         f"{'' if x.hops == 1 else 's'} of {{name}}: {path}", None, ev, tuple(keys[1:])))
    # Articles mentioning it.
    for r in mentioning:
        aid = r["id"]
        title = r["title"] or aid[:12]
        out.append(_Fact(f"article|{aid}", "article", aid, f"{{name}} mentioned in {title!r}", r["published"],
                         lambda aid=aid: _article_evidence(store, [aid], names)))
    return _finish(out, watch)


def _finish(out: list[_Fact], watch: Watch) -> list[_Fact]:
    seen: dict[str, _Fact] = {}
    for f in out:
        f.summary = f.summary.replace("{name}", watch.name)
        seen.setdefault(f.key, f)
    return [seen[k] for k in sorted(seen)]


# -- watches --------------------------------------------------------------------------------


def _watch(row: dict[str, Any]) -> Watch:
    return Watch(row["id"], row.get("kind") or "entity", row.get("target") or "", row.get("name") or "",
                 row.get("by"), row.get("added_at"), int(row.get("hops") or DEFAULT_HOPS), row.get("imo"),
                 tuple(row.get("names") or ()))


def list_watches(store: GraphStore) -> list[Watch]:
    return [_watch(r["w"]) for r in store.run(_q(store.ontology).watches).rows]


def has_watches(store: GraphStore) -> bool:
    rows = store.run(_q(store.ontology).count).rows
    return bool(rows and rows[0]["n"])


def _check_hops(hops: int) -> int:
    from graph.view import check_hops

    return check_hops(hops, "hops")


def add_watch(store: GraphStore, entity: dict[str, Any] | None = None, *, program: str | None = None,
              by: str | None = None, hops: int = DEFAULT_HOPS) -> tuple[Watch, bool]:
    """Watch a resolved entity ({"id", "label", "name", "aliases", "identifiers", "properties"}, as
    queries.report.resolve_entity gives it: queries/watchlist.py looks it up by id, IMO number or
    name) or the sanctions programme `program`. What the graph holds about it now is its
    baseline: only later changes raise alerts. Returns the watch and whether it is new."""
    hops = _check_hops(hops)
    if program is not None:
        target = " ".join(program.upper().split())
        if not target:
            raise ConfigError("Give the programme's name as the lists write it, e.g. RUSSIA-EO14024.")
        watch = Watch(f"watch:program:{target}", "program", target, target, by, _now(), hops)
    elif entity is not None:
        kind = "port" if entity["label"] == store.ontology.label("Port").name else "entity"
        names = tuple(sorted({entity["name"], *(entity.get("aliases") or ())} - {None, ""}))
        imo = (entity.get("identifiers") or {}).get("imo") or (entity.get("properties") or {}).get("imo")
        watch = Watch(f"watch:{kind}:{entity['id']}", kind, entity["id"], entity["name"] or entity["id"], by, _now(),
                      hops, imo, names)
    else:
        raise ConfigError("Give what to watch: an entity id, IMO number or name, or a programme with --program.")
    q = _q(store.ontology)
    existing = store.run(q.watch, {"id": watch.id}).rows
    if existing:
        return _watch(existing[0]["w"]), False
    known = sorted({k for f in facts(store, watch) for k in f.keys})
    row = {k: v for k, v in watch.as_dict().items() if v not in (None, [], ())}
    row["known"] = known
    store.upsert_nodes(WATCH, [row])
    return watch, True


def find_watches(store: GraphStore, ref: str, entity_id: str | None = None) -> list[Watch]:
    """The watches `ref` names: a watch id, a target (entity id or programme), a watched name, or
    (given) the id of the entity `ref` resolves to."""
    ref = (ref or "").strip()
    low = ref.lower()
    watches = list_watches(store)
    hit = [w for w in watches if ref in (w.id, w.target) or w.name.lower() == low
           or low in (n.lower() for n in w.names) or (w.kind == "program" and w.target == ref.upper())]
    return hit or [w for w in watches if entity_id and w.target == entity_id]


def remove_watch(store: GraphStore, watch: Watch) -> None:
    """Stop watching; its alerts go too."""
    store.run(_q(store.ontology).remove, {"id": watch.id}, write=True)


# -- alerts ---------------------------------------------------------------------------------


def raise_alerts(store: GraphStore) -> list[Alert]:
    """Store an Alert for each fact about a watched item not seen before; returns the new ones.

    Idempotent: a fact raises an alert once (its id is a hash of watch and fact), whatever runs
    came before; nothing is written when nothing changed."""
    q = _q(store.ontology)
    new: list[Alert] = []
    known_rows: list[dict] = []
    now = _now()
    for watch in list_watches(store):
        rows = store.run(q.known, {"id": watch.id}).rows
        known = set(rows[0]["known"]) if rows else set()
        fresh = [f for f in facts(store, watch) if not known.intersection(f.keys)]
        for f in fresh:
            new.append(Alert(alert_id(watch.id, f.key), watch.id, watch.name, f.kind, f.subject, f.summary, f.date,
                             tuple(f.evidence()), now))
        if fresh:
            known_rows.append({"id": watch.id, "known": sorted({k for f in fresh for k in f.keys})})
    if new:
        from graph.evidence import _ENCODER

        rows = [{"id": a.id, "watch": a.watch, "kind": a.kind, "subject": a.subject, "summary": a.summary,
                 "date": a.date, "raised_at": a.raised_at, "seen": False,
                 "evidence": [_ENCODER.encode(x) for x in a.evidence]} for a in new]
        with store.batch() as b:
            b.upsert_nodes(ALERT, rows)
            b.upsert_nodes(WATCH, known_rows)
    return sorted(new, key=_order)


def _order(a: Alert) -> tuple:
    return (a.watch_name.lower(), a.watch, ALERT_KINDS.index(a.kind) if a.kind in ALERT_KINDS else 99,
            a.date or "", a.summary, a.id)


def list_alerts(store: GraphStore, *, since: str | None = None, include_seen: bool = False) -> list[Alert]:
    """The stored alerts (unseen only unless `include_seen`), raised on or after `since` (a date),
    by watch, kind, date and summary."""
    q = _q(store.ontology)
    names = {w.id: w.name for w in list_watches(store)}
    out = []
    for r in store.run(q.alerts, {"since": since, "all": include_seen}).rows:
        x = r["x"]
        evidence = []
        for raw in x.get("evidence") or ():
            try:
                item = json.loads(raw)
            except ValueError:
                item = {"sentence": str(raw)}
            evidence.append(item)
        evidence.sort(key=lambda i: (i.get("published") or "", i.get("cite") or "", i.get("sentence") or ""))
        out.append(Alert(x["id"], x.get("watch") or "", names.get(x.get("watch"), x.get("watch") or ""),
                         x.get("kind") or "", x.get("subject") or "", x.get("summary") or "", x.get("date"),
                         tuple(evidence), x.get("raised_at"), bool(x.get("seen"))))
    return sorted(out, key=_order)


def mark_seen(store: GraphStore, ids: Iterable[str]) -> int:
    """Mark these alerts seen; returns how many were unseen."""
    ids = sorted(set(ids))
    if not ids:
        return 0
    return len(store.run(_q(store.ontology).seen, {"ids": ids, "at": _now()}, write=True).rows)


__all__ = ["ALERT_KINDS", "Alert", "KINDS", "Watch", "add_watch", "alert_id", "facts", "find_watches", "has_watches", "list_alerts",
           "list_watches", "mark_seen", "raise_alerts", "remove_watch", "sentence_with", "statements"]

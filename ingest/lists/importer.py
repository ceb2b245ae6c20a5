"""Import a sanctions list into the graph: listed entities, SANCTIONED_BY and OWNED_BY edges.

    summary = import_sanctions(store, "sdn/", "ofac")     # or ("entities.ftm.json", "ftm")

Each list entry lands on one node, found in this order: a node whose `list_ids` already holds
the entry (a re-import, or an entry merged onto an extracted entity); the node with the entry's
id (`imo:<n>` for vessels with an IMO number, else `ofac:<n>` / `ftm:<id>`); a Vessel with the
same IMO. Otherwise a new node is made, with `source` "list:<list name>". Existing nodes keep
their name and source: the entry adds aliases, keys, `list_ids` and `listed`, and only fills
properties the node lacks. Edges carry methods ["list"] and an evidence item naming the entry,
never an article (and its list). A list imported before is first withdrawn (_withdraw): its
entries, aliases, identity items, sourced values and evidence, so a changed version makes the
graph a fresh import of it makes; what articles and other lists gave stays. Then listed entities are matched to extracted ones (match.match_store).
Importing the same file twice changes nothing. Last, the stored articles that mention a name
the graph did not know before are extracted again with it (ingest.pipeline.refresh).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph import evidence, sources
from graph.errors import InputError
from graph.identity import IDENTITY
from graph.listings import Listings, StoredEdge, StoredNode
from graph.writer import shown_name
from ingest.lists.records import LIST_SOURCE_PREFIX, ListedEntity, ParsedList, authority, country
from ingest.normalize import name_keys

FORMATS = ("ftm", "ofac")
CHUNK = 2000


@dataclass
class ImportSummary:
    list_name: str
    entities: int = 0  # list entries imported as nodes
    created: int = 0  # of which new nodes
    merged: int = 0  # of which landed on nodes already in the graph
    sanctions: int = 0  # SANCTIONED_BY edges written
    links: int = 0  # OWNED_BY / OPERATED_BY / ASSOCIATED_WITH edges written
    skipped: dict[str, int] = field(default_factory=dict)
    matched: int = 0  # listed entities merged onto extracted ones by matching
    matched_names: list[str] = field(default_factory=list)  # which: "LISTED onto Extracted (kept id)"
    candidates: int = 0  # uncertain matches stored for review
    rescanned: int = 0  # stored articles extracted again because they mention newly known names
    alerts: int = 0  # alerts raised for watched items (graph/watch.py)


def detect_format(path: Path) -> str:
    if path.is_dir() or path.suffix.lower() == ".csv":
        return "ofac"
    return "ftm"


def read_list(path: str | Path, fmt: str | None = None) -> ParsedList:
    """Parse a list file in `fmt` (ftm or ofac; guessed from the path when None)."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"No such file or folder: {path}.")
    fmt = fmt or detect_format(path)
    if fmt == "ofac":
        from ingest.lists import ofac

        return ofac.read(path)
    if fmt == "ftm":
        if path.is_dir():
            raise InputError(f"{path} is a folder; --format ftm reads one JSON lines file.")
        from ingest.lists import ftm

        return ftm.read(path)
    raise InputError(f"Unknown list format {fmt!r}. Use one of: {', '.join(FORMATS)}.")


def import_sanctions(store, path: str | Path, fmt: str | None = None, *, match: bool = True, rescan: bool = True,
                     progress=None) -> ImportSummary:
    """Import the list at `path` into `store`; then match listed to extracted entities, and
    (`rescan`) extract again the stored articles that mention newly known names."""
    parsed = read_list(path, fmt)
    summary = ImportSummary(list_name=parsed.name, skipped=dict(parsed.skipped))
    if not parsed.entities and not parsed.sanctions:
        raise InputError(f"{path} holds no list entries this importer reads (skipped: {parsed.skipped or 'nothing'}).")
    with store.ingest_lock():  # an ingest or import running now would write the same nodes and articles
        return _import_locked(store, parsed, summary, match, rescan, progress)


def _import_locked(store, parsed, summary: ImportSummary, match: bool, rescan: bool, progress) -> ImportSummary:
    from ingest.knowledge import begin_rescan, end_rescan, load_index
    from ingest.pipeline import refresh

    # The re-scan this import calls for is recorded in the store before its first write and
    # removed once done (ingest.knowledge.begin_rescan): an import stopped half-way, or run with
    # --no-rescan, leaves it for the next import or ingest to finish.
    base = begin_rescan(store, load_index(store))
    listings = store.listings()
    withdrawn = _withdraw(store, listings, parsed.name, set(parsed.entities))
    resolved = _resolve(listings, list(parsed.entities.values()))
    entities = list(parsed.entities.values())
    review = _conflicting_names(listings, entities, resolved)
    listed_on = _listing_dates(parsed)
    for start in range(0, len(entities), CHUNK):
        chunk = entities[start : start + CHUNK]
        existing = listings.nodes(sorted({resolved[e.key] for e in chunk}), timeout=120)
        rows = _Rows()
        for e in chunk:
            node_id = resolved[e.key]
            current = existing.get(node_id)
            label = (current.label if current else None) or e.label
            rows.node(label, _node_row(store, e, node_id, label, current, parsed.name, listed_on.get(e.key)))
            summary.entities += 1
            if not current:
                summary.created += 1
            elif current.props.get("source") != LIST_SOURCE_PREFIX + parsed.name:
                summary.merged += 1
            for code in e.countries:
                place = country(code)
                if place and store.ontology.allows("LOCATED_IN", label, "Country"):
                    _country(rows, place)
                    rows.rel("LOCATED_IN", _edge(node_id, place.id, f"{e.key}: country {code}", e.key, parsed.name))
        rows.write(store)
    if review:
        listings.add_candidates(review)
        summary.candidates += len(review)
    summary.sanctions = _write_sanctions(store, parsed, resolved)
    summary.skipped = dict(parsed.skipped)
    summary.links, skipped = _write_links(store, parsed, resolved)
    for reason, n in skipped.items():
        summary.skipped[reason] = summary.skipped.get(reason, 0) + n
    if match:
        from ingest.lists.match import match_store

        result = match_store(store)
        summary.matched = len(result.merged)
        summary.candidates += result.candidates
        summary.matched_names = list(result.merged_names)
    # The list's nodes of the earlier import that this one did not claim again, and the places
    # and bodies only its withdrawn edges named, go (crash-safe: the next import finds them by
    # their source and does this again).
    listings.delete_unheld(sorted(withdrawn))
    if rescan:
        summary.rescanned = refresh(store, base, match=match, progress=progress).rescanned
        end_rescan(store)
    from ingest.pipeline import raise_watch_alerts

    summary.alerts = raise_watch_alerts(store)
    return summary


def _withdraw(store, listings: Listings, list_name: str, entries: set[str]) -> set[str]:
    """Take out what earlier imports of the list `list_name` gave the graph, so
    that this import makes the graph a fresh import of this version would make: the list's
    entries (list_ids, listed), their identity items, their sources of single values (the
    values derived again from the sources left), their aliases and keys (an entity articles
    name keeps the names their MENTIONS give), the evidence items of the list on relationships
    (a relationship nothing else states is deleted) and the "list" method where none is left.
    Nodes the list made keep only id, name and source until this import writes them again.
    The keys of the entries still on the list (`entries`) stay in list_ids, so that each lands
    where it did (a node it was merged onto). Returns the ids of the nodes that may have nothing left to hold them (deleted after the
    import: delete_unheld)."""
    nodes, rels = listings.contributed(list_name)
    if not nodes and not rels:
        return set()
    prefix, made = f"{list_name}:", LIST_SOURCE_PREFIX + list_name
    onto = store.ontology
    said = listings.mentions([n.id for n in nodes])
    new_nodes: list[tuple[str, dict]] = []
    check: set[str] = set()
    for n in nodes:
        p = dict(n.props)
        declared = onto.label(n.label).properties if n.label else {}
        others = [k for k in p.get("list_ids") or [] if not str(k).startswith(prefix)]
        p["list_ids"] = [k for k in p.get("list_ids") or [] if k in entries or k in others]
        if not p["list_ids"]:
            p.pop("listed", None)
        if p.get(IDENTITY):
            p[IDENTITY] = [x for x in p[IDENTITY] if not _of_list(evidence.decode(x), prefix, list_name)]
        _unsource(p, lambda src: src.startswith(prefix), declared)
        mentions = said.get(n.id, [])
        # As graph/writer.py's `renamed`: only when each article naming it kept its names.
        if not others and all(m["names"] is not None and m["keys"] is not None for m in mentions):
            names = {x for m in mentions for x in m["names"] or []}
            keys = {x for m in mentions for x in m["keys"] or []}
            p["aliases"] = [x for x in p.get("aliases") or [] if x in names]
            p["keys"] = [x for x in p.get("keys") or [] if x in keys]
            if mentions and n.label and IDENTITY not in declared:
                p["name"] = shown_name([m["name"] for m in mentions if m["name"]]) or p.get("name")  # as `named`
            elif mentions and p.get("name") not in names:
                p["name"] = mentions[-1]["name"]
        if p.get("source") == made:
            # Its scalars are the entry's: this import sets them again, or the node goes.
            p = {k: v for k, v in p.items() if isinstance(v, list) or k in ("id", "name", "source")}
            check.add(n.id)
        new_nodes.append((n.id, {k: v for k, v in p.items() if v is not None and v != []}))
    kept, gone = [], []
    for r in rels:
        p = dict(r.props)
        items = [evidence.decode(x) for x in p.get("evidence") or []]
        entries = {str(i.get("entry")) for i in items if _of_list(i, prefix, list_name)}
        p["evidence"] = [x for x, i in zip(p.get("evidence") or [], items) if not _of_list(i, prefix, list_name)]
        if not any(i.get("method") == "list" for i in evidence.decode_all(p["evidence"])):
            p["methods"] = [m for m in p.get("methods") or [] if m != "list"]
        _unsource(p, lambda src: src in entries, onto.rel_type(r.type).properties)
        if not p["evidence"] and not p.get("articles"):
            gone.append(r)
            check.update((r.start, r.end))
        else:
            kept.append(StoredEdge(r.type, r.start, r.end, {k: v for k, v in p.items() if v is not None and v != []}))
    # In commits of CHUNK rows: each leaves a graph the next import finishes alike (withdrawing
    # again takes out what is left and nothing else).
    for start in range(0, max(len(new_nodes), len(kept), len(gone)), CHUNK):
        listings.rewrite(new_nodes[start : start + CHUNK], kept[start : start + CHUNK], gone[start : start + CHUNK])
    return check


def _of_list(item: Mapping[str, Any], prefix: str, list_name: str) -> bool:
    """Whether an evidence item is one of the list's (items written before they named their
    list: by their entry's key)."""
    if item.get("method") != "list":
        return False
    if "list" in item:
        return item["list"] == list_name
    return str(item.get("entry") or "").startswith(prefix)


def _unsource(props: dict, withdrawn, declared) -> None:
    """Drop from `props` the items of single values whose source `withdrawn` accepts, and derive
    each property they named again from the items left (graph/sources.py; gone when none is)."""
    items = props.get(sources.SOURCES) or []
    drop = [x for x in items if withdrawn(sources.parse(x)[1])]
    if not drop:
        return
    left = [x for x in items if x not in drop]
    props[sources.SOURCES] = left
    for prop in {sources.parse(x)[0] for x in drop}:
        value = sources.choose(left, prop)
        props[prop] = None if value is None else _cast(value, declared[prop].type if prop in declared else "string")


def _cast(value: str, prop_type: str):
    if prop_type == "int":
        return int(value)
    if prop_type == "float":
        return float(value)
    if prop_type == "bool":
        return value == "true"
    return value


def _resolve(listings: Listings, entities: list[ListedEntity]) -> dict[str, str]:
    """Entry key -> node id: by list_ids, then (vessels) by IMO, then the entry's own id."""
    out = listings.holders([e.key for e in entities], chunk=CHUNK)
    by_imo: dict[str, list[ListedEntity]] = {}
    for e in entities:
        if e.key not in out and e.props.get("imo"):
            by_imo.setdefault(str(e.props["imo"]), []).append(e)
    if by_imo:
        found = listings.by_identifier("Vessel", "imo", sorted(by_imo))
        for imo, ids in found.items():
            for e in by_imo[imo]:
                # Two mentions with the same IMO are the same ship: prefer the node named by it.
                out[e.key] = e.node_id if e.node_id in ids else ids[0]
    for e in entities:
        out.setdefault(e.key, e.node_id)
    return out


def _conflicting_names(listings: Listings, entities: list[ListedEntity], resolved: dict[str, str]) -> list:
    """Entries whose IMO number names a stored ship that none of their names resembles: the
    entry gets a node of its own (its list key, no IMO number: the number anchors the ship's
    identity, not the entry's name), and a candidate link to the ship waits for review
    (`sanctions-kg matches`), so a list never gives a ship a name that is not its own (a head
    of state's, a city's) by itself. `resolved` is updated. Returns the candidate links."""
    from rapidfuzz import fuzz

    from graph.listings import CandidateLink
    from ingest.lists.match import DEFAULT_THRESHOLD, candidate_id, compare_form

    by_imo = [e for e in entities if e.props.get("imo") and resolved[e.key] == f"imo:{e.props['imo']}"]
    if not by_imo:
        return []
    stored = listings.nodes(sorted({resolved[e.key] for e in by_imo}), timeout=120)
    out = []
    for e in by_imo:
        ship = stored.get(resolved[e.key])
        if ship is None or e.key in (ship.props.get("list_ids") or []):
            continue  # a new ship, or this very entry imported before
        theirs = {compare_form(n) for n in [ship.props.get("name") or "", *(ship.props.get("aliases") or [])]} - {""}
        ours = {compare_form(n) for n in [e.name, *e.aliases]} - {""}
        if not theirs or not ours:
            continue
        best = max(1.0 if a == b else max(fuzz.ratio(a, b), fuzz.token_sort_ratio(a, b)) / 100.0
                   for a in ours for b in theirs)
        if best >= DEFAULT_THRESHOLD:
            continue
        own = e.key
        resolved[e.key] = own
        e.props = {k: v for k, v in e.props.items() if k != "imo"}
        e.node_id = own
        out.append(CandidateLink(ship.id, own, candidate_id(ship.id, own), round(best, 4),
                                 f"IMO {ship.props.get('imo')} is {ship.props.get('name')!r}'s; the list names it {e.name!r}"))
    return out


def _listing_dates(parsed: ParsedList) -> dict[str, str]:
    """Entry key -> the earliest listing date its sanctions give (ISO, or a year)."""
    out: dict[str, str] = {}
    for s in parsed.sanctions:
        if s.date and (s.entity not in out or s.date[:10] < out[s.entity]):
            out[s.entity] = s.date[:10]
    return out


def _identity_items(e: ListedEntity, listed_on: str | None) -> list[str]:
    """The entry's names and flags as identity items of the ship (graph/identity.py): the list's
    evidence (method list, the entry), `date` as the list states it, `listed_on` the entry's
    listing date."""
    return list(dict.fromkeys(
        evidence.encode("", x.note or f"{e.key}: {x.value}", "list", field=x.field, value=x.value, status=x.status,
                        date=x.date, listed_on=listed_on, entry=e.key)
        for x in e.identity if x.value))


def _node_row(store, e: ListedEntity, node_id: str, label: str, current: StoredNode | None, list_name: str,
              listed_on: str | None = None) -> dict:
    from graph.identity import IDENTITY

    declared = store.ontology.label(label).properties
    aliases = list(dict.fromkeys([e.name, *e.aliases]))
    row: dict = {
        "id": node_id,
        "aliases": aliases,
        "keys": name_keys(e.name, aliases),
        "list_ids": [e.key],
        "listed": True,
    }
    if IDENTITY in declared and e.identity:
        row[IDENTITY] = _identity_items(e, listed_on)
    sourced = store.ontology.label(label).sourced
    scalars = {k: v for k, v in e.props.items() if k in declared and k not in sourced}
    # The entry is one source of each single value it gives (graph/sources.py): the node shows
    # the value most sources give, whichever came first.
    row[sources.SOURCES] = sorted({sources.item(k, e.key, v) for k, v in e.props.items()
                                   if k in sourced and v not in (None, "")})
    if not row[sources.SOURCES]:
        del row[sources.SOURCES]
    if current is None or current.props.get("source") == LIST_SOURCE_PREFIX + list_name:
        row.update(name=e.name, source=LIST_SOURCE_PREFIX + list_name, **scalars)
    else:
        # A node from articles (or another list): keep its name and source, fill what it lacks.
        row.update({k: v for k, v in scalars.items() if current.props.get(k) in (None, "")})
    return row


def _edge(start: str, end: str, sentence: str, entry: str, from_list: str, *, key: str | None = None, **props) -> dict:
    """A relationship row the list entry `entry` of the list `from_list` states; its single
    values (`props`) are the entry's items (graph/sources.py)."""
    row = {
        "start": start,
        "end": end,
        "methods": ["list"],
        "evidence": [evidence.encode("", sentence, "list", entry=entry, list=from_list)],
        **({"key": key} if key is not None else {}),
    }
    items = sorted({sources.item(k, entry, v) for k, v in props.items() if v not in (None, "")})
    if items:
        row[sources.SOURCES] = items
    return row


class _Rows:
    """Rows for one batch, grouped so that each upsert statement carries many rows.

    Grouped by label/type and by the list properties a row holds: an upsert sets every list
    property any of its rows names, so mixing rows would give some an empty list they never had.
    """

    def __init__(self) -> None:
        self.nodes: dict[tuple, dict[str, dict]] = {}
        self.rels: dict[tuple, list[dict]] = {}

    @staticmethod
    def _lists(row: dict) -> tuple[str, ...]:
        return tuple(sorted(k for k, v in row.items() if isinstance(v, list)))

    def node(self, label: str, row: dict) -> None:
        self.nodes.setdefault((label, self._lists(row)), {})[row["id"]] = row

    def rel(self, rel_type: str, row: dict) -> None:
        self.rels.setdefault((rel_type, self._lists(row)), []).append(row)

    def write(self, store) -> None:
        store.listings().add(
            nodes=[(label, rows.values()) for (label, _), rows in self.nodes.items()],
            relationships=[(rel_type, rels) for (rel_type, _), rels in self.rels.items()],
        )


def _country(b: _Rows, place) -> None:
    b.node("Country", {"id": place.id, "name": place.name, "iso2": place.iso2, "aliases": [place.name],
                       "keys": name_keys(place.name)})


def _authority_nodes(store, parsed: ParsedList) -> dict[str, str]:
    """The id of the sanctioning authorities' nodes, by their own id (ingest/lists/records.py).

    An Agency takes its id from the fullest name its articles give (ingest/resolve.py): an
    article naming the body more fully re-keys the node the list wrote, and an article that
    came first made its own under that name. The one Agency node holding one of the
    authority's name keys, if any, is the authority's (its own id's node first), so that
    an import never makes a second node beside it, in either order."""
    auths = {a.id: a for a in (authority(s.authority, s.country) for s in parsed.sanctions) if a is not None}
    if not auths:
        return {}
    keys = {i: name_keys(a.name, list(a.aliases)) for i, a in auths.items()}
    found = store.listings().by_keys("Agency", [k for ks in keys.values() for k in ks])
    out = {}
    for i, ks in keys.items():
        hits = {h for k in ks for h in found.get(k, ())}
        out[i] = next(iter(hits)) if len(hits) == 1 else i
    return out


def _write_sanctions(store, parsed: ParsedList, resolved: dict[str, str]) -> int:
    written = 0
    nodes = _authority_nodes(store, parsed)
    for start in range(0, len(parsed.sanctions), CHUNK):
        b = _Rows()
        for s in parsed.sanctions[start : start + CHUNK]:
            node_id = resolved.get(s.entity)
            if node_id is None:
                parsed.skip("Sanction of an entity not in the file")
                continue
            auth = authority(s.authority, s.country)
            state = country(s.country)
            if auth is not None:
                target = nodes.get(auth.id, auth.id)
                row = {"id": target, "aliases": [auth.name, *auth.aliases], "keys": name_keys(auth.name, list(auth.aliases))}
                if target == auth.id:  # a node an article re-keyed shows the name its articles give
                    row["name"] = auth.name
                b.node("Agency", row)
                if auth.country is not None:
                    _country(b, auth.country)
                    b.rel("PART_OF", _edge(target, auth.country.id, f"{auth.name} is a body of {auth.country.name}", s.list_name, parsed.name))
            elif state is not None:
                target = state.id
                _country(b, state)
            else:
                parsed.skip("Sanction without authority or country")
                continue
            date = s.date[:10] if s.date and len(s.date) >= 10 else None
            year = int(s.date[:4]) if s.date and s.date[:4].isdigit() else None
            entry = f"{s.list_name}:{s.entry_id}"
            b.rel("SANCTIONED_BY", _edge(
                node_id, target, s.summary or entry, entry, parsed.name,
                key=f"{s.list_name}:{s.program or ''}",
                program=s.program, date=date, year=year, list_name=s.list_name, list_id=s.entry_id,
            ))
            written += 1
        b.write(store)
    return written


def _write_links(store, parsed: ParsedList, resolved: dict[str, str]) -> tuple[int, dict[str, int]]:
    skipped: dict[str, int] = {}
    node_labels = {e.key: e.label for e in parsed.entities.values()}
    written = 0
    b = _Rows()
    for link in parsed.links:
        start, end = resolved.get(link.start), resolved.get(link.end)
        if start is None or end is None:
            skipped[f"{link.type} to an entity not in the file"] = skipped.get(f"{link.type} to an entity not in the file", 0) + 1
            continue
        if not store.ontology.allows(link.type, node_labels[link.start], node_labels[link.end]):
            reason = f"{link.type} from {node_labels[link.start]} to {node_labels[link.end]}"
            skipped[reason] = skipped.get(reason, 0) + 1
            continue
        b.rel(link.type, _edge(start, end, link.summary or link.type, link.start, parsed.name, key=link.key or "", **link.props))
        written += 1
    b.write(store)
    return written, skipped

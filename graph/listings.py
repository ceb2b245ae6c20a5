"""Sanctions-list entries in the graph: the reads and writes list import and matching need.

    listings = Listings(store)
    ids = listings.holders(["us-ofac-sdn:1"])          # entry key -> node already naming it
    listings.add(nodes=[("Vessel", rows)], relationships=[("SANCTIONED_BY", rows)])
    for rec in listings.matchable(listed=True): ...    # MatchRecords of the match labels, by id
    listings.add_candidates([CandidateLink(...)])      # pending MATCH_CANDIDATE links
    kept = listings.merge(extracted_id, listed_id)     # one node from two; the other deleted
    listings.candidates("pending"), listings.accept(cid), listings.reject(cid)

The callers (ingest/lists/importer.py, ingest/lists/match.py) decide what is listed, matched
and merged; this module holds the Cypher, built from the store's ontology: the shared entity
label, MATCH_CANDIDATE and identifier properties are checked names, and every value travels
as a parameter. Results come back as the dataclasses below, never as result rows.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from graph.cypher import Rows
from graph.errors import LookupFailed, OntologyError

if TYPE_CHECKING:
    from graph.ontology import Ontology
    from graph.store import GraphStore

LIST_SOURCE_PREFIX = "list:"  # `source` of a node that only a sanctions list names
CANDIDATE_TYPE = "MATCH_CANDIDATE"
PAGE = 5000  # entities per read of matchable(), candidate links per write of add_candidates()
CHUNK = 2000  # list keys per read of holders()


def candidate_id(extracted: str, listed: str) -> str:
    """A short stable id for a pair, typed in `sanctions-kg matches --accept ID` (made from both
    ends' ids: when an end is re-keyed, graph/rekey.py makes it again)."""
    return "m" + hashlib.sha1(f"{extracted}\x1f{listed}".encode()).hexdigest()[:10]


@dataclass(frozen=True, slots=True)
class MatchRecord:
    """What the matcher needs of one entity."""

    id: str
    label: str
    names: tuple[str, ...]  # name first, then aliases
    imo: str | None = None
    list_ids: tuple[str, ...] = ()  # the list entries it holds ("us-ofac-sdn:97001")
    list_only: bool = False  # named by lists only (source "list:..."), not by an article


@dataclass(frozen=True, slots=True)
class StoredNode:
    """An entity as stored: its own label (not the shared entity label) and its properties."""

    id: str
    label: str | None
    props: dict[str, Any]


@dataclass(frozen=True, slots=True)
class StoredEdge:
    """A relationship as stored: its type, the ids of its ends and its properties."""

    type: str
    start: str
    end: str
    props: dict[str, Any]


@dataclass(frozen=True, slots=True)
class CandidateLink:
    """An uncertain match to store for review: extracted entity -> listed entity."""

    extracted: str
    listed: str
    candidate_id: str
    score: float
    reason: str


@dataclass(frozen=True, slots=True)
class CandidateEnds:
    """The two ends of a stored candidate link, and its status."""

    extracted: str
    listed: str
    status: str


@dataclass(frozen=True, slots=True)
class CandidateRow:
    """A stored candidate link with both ends, as `sanctions-kg matches` lists it."""

    candidate_id: str
    score: float
    status: str
    reason: str
    extracted_id: str
    extracted_label: str
    extracted_name: str
    listed_id: str
    listed_label: str
    listed_name: str
    list_ids: list[str]


def statements(onto: Ontology) -> dict[str, str]:
    """Every statement text this module sends, by name (tests lint them on Neo4j's parser)."""
    e = onto.entity_label
    m = onto.rel_type(CANDIDATE_TYPE).name
    page = (
        "MATCH (n:{e}) WHERE n.id > $after AND {cond} "
        "RETURN n.id AS id, labels(n) AS labels, n.name AS name, n.aliases AS aliases, n.imo AS imo, "
        "n.list_ids AS list_ids, n.source AS source "
        "ORDER BY n.id LIMIT $page"
    )
    out = {
        "holders": f"UNWIND $keys AS k MATCH (n:{e}) WHERE k IN n.list_ids RETURN k AS key, n.id AS id ORDER BY id",
        "nodes": f"UNWIND $ids AS id MATCH (n:{e} {{id: id}}) RETURN n.id AS id, labels(n) AS labels, properties(n) AS props",
        "listed": page.format(e=e, cond="n.listed = true"),
        "unlisted": page.format(e=e, cond="(n.listed IS NULL OR n.listed = false)"),
        "add_candidates": (
            "UNWIND $rows AS row\n"
            f"MATCH (a:{e} {{id: row.start}})\n"
            f"MATCH (b:{e} {{id: row.end}})\n"
            f"MERGE (a)-[r:{m} {{key: ''}}]->(b)\n"
            "ON CREATE SET r.status = 'pending', r.candidate_id = row.cid, r.methods = ['match']\n"
            "SET r.score = row.score, r.reason = row.reason"
        ),
        "rejected": f"MATCH ()-[r:{m}]->() WHERE r.status = 'rejected' RETURN r.candidate_id AS cid",
        "relationships": (
            f"MATCH (d:{e} {{id: $id}})-[r]->(b) RETURN type(r) AS type, $id AS start, b.id AS end, properties(r) AS props "
            f"UNION ALL MATCH (a)-[r]->(d:{e} {{id: $id}}) RETURN type(r) AS type, a.id AS start, $id AS end, properties(r) AS props"
        ),
        # UNWIND form: the embedded store compiles batch statements without their parameters.
        "delete": f"UNWIND $ids AS id MATCH (n:{e} {{id: id}}) DETACH DELETE n",
        # What an earlier import of one list gave (ingest/lists/importer.py withdraws it): the
        # nodes holding one of its entries or made by it, the articles naming them, and the
        # relationships with one of its evidence items.
        "contributed_nodes": (
            f"MATCH (n:{e}) WHERE n.source = $source OR any(k IN coalesce(n.list_ids, []) WHERE k STARTS WITH $prefix) "
            "RETURN n.id AS id, labels(n) AS labels, properties(n) AS props ORDER BY id"
        ),
        "mentions": (
            f"UNWIND $ids AS id MATCH (art:{onto.label("Article").name})-[m:{onto.rel_type('MENTIONS').name}]->(n:{e} {{id: id}}) "
            "RETURN id, m.names AS names, m.keys AS keys, m.name AS name ORDER BY id, art.ingested_at, art.id"
        ),
        "contributed_rels": (
            f"MATCH (a:{e})-[r]->(b:{e}) WHERE any(x IN coalesce(r.evidence, []) WHERE x CONTAINS $entry OR x CONTAINS $list) "
            "RETURN type(r) AS type, a.id AS start, b.id AS end, properties(r) AS props ORDER BY type, start, end"
        ),
        "set_nodes": f"UNWIND $rows AS row MATCH (n:{e} {{id: row.id}}) SET n = row.props",
        # An entity with nothing left to hold it: no relationship at all (an article's MENTIONS
        # is one), no list entry.
        "unheld": (
            f"UNWIND $ids AS id MATCH (n:{e} {{id: id}}) WHERE size(coalesce(n.list_ids, [])) = 0 "
            "AND NOT (n)--() RETURN n.id AS id"
        ),
        "candidates": (
            f"MATCH (a:{e})-[r:{m}]->(b:{e}) WHERE $status IS NULL OR r.status = $status "
            "RETURN r.candidate_id AS cid, r.score AS score, r.status AS status, r.reason AS reason, "
            "a.id AS aid, labels(a) AS alabels, a.name AS aname, b.id AS bid, labels(b) AS blabels, b.name AS bname, "
            "b.list_ids AS list_ids ORDER BY score DESC, cid"
        ),
        "find": (
            f"MATCH (a:{e})-[r:{m}]->(b:{e}) WHERE r.candidate_id = $cid "
            "RETURN a.id AS aid, b.id AS bid, r.status AS status"
        ),
        "reject": (
            f"MATCH (a:{e})-[r:{m}]->(b:{e}) WHERE r.candidate_id = $cid "
            "SET r.status = 'rejected' RETURN count(r) AS n"
        ),
    }
    for name in onto.relationships:
        out[f"set_rels[{name}]"] = _rels(onto, name, "SET r = row.props")
        out[f"delete_rels[{name}]"] = _rels(onto, name, "DELETE r")
    for name, lab in onto.labels.items():
        if lab.resolve_by:
            out[f"by_identifier[{name}]"] = _by_identifier(onto, name, lab.resolve_by)
        if lab.id_name == "fullest":
            out[f"by_keys[{name}]"] = (f"UNWIND $keys AS k MATCH (n:{lab.name}) WHERE k IN coalesce(n.keys, []) "
                                       "RETURN k AS key, n.id AS id ORDER BY id")
    return out


def _rels(onto: Ontology, rel_type: str, action: str) -> str:
    e = onto.entity_label
    return (f"UNWIND $rows AS row MATCH (a:{e} {{id: row.start}})-[r:{onto.rel_type(rel_type).name}]->(b:{e} {{id: row.end}}) "
            f"WHERE coalesce(r.key, '') = row.key {action}")


def _by_identifier(onto: Ontology, label: str, prop: str) -> str:
    lab = onto.label(label)
    if prop not in lab.identifiers:
        raise OntologyError(
            f"{prop!r} is not an identifier of {label} in graph/ontology.yaml. "
            f"Its identifiers: {', '.join(lab.identifiers) or 'none'}."
        )
    return f"UNWIND $values AS v MATCH (n:{lab.name} {{{prop}: v}}) RETURN v AS value, n.id AS id ORDER BY id"


class Listings:
    """List entries, matching candidates and merges in one store, in domain terms."""

    def __init__(self, store: GraphStore) -> None:
        self.store = store
        self.onto = store.ontology
        self._q = statements(store.ontology)

    # -- list import --------------------------------------------------------------------------
    def holders(self, keys: Iterable[str], *, chunk: int = CHUNK) -> dict[str, str]:
        """List key -> the node whose `list_ids` holds it (the first by id when several do)."""
        keys = list(keys)
        out: dict[str, str] = {}
        for start in range(0, len(keys), chunk):
            res = self.store.run(self._q["holders"], {"keys": keys[start : start + chunk]}, timeout=120)
            for r in res:
                out.setdefault(r["key"], r["id"])
        return out

    def by_identifier(self, label: str, prop: str, values: Iterable[str]) -> dict[str, list[str]]:
        """Identifier value -> the ids of the `label` nodes holding it, in id order."""
        query = _by_identifier(self.onto, label, prop)
        found: dict[str, list[str]] = {}
        for r in self.store.run(query, {"values": list(values)}, timeout=120):
            found.setdefault(r["value"], []).append(r["id"])
        return found

    def by_keys(self, label: str, keys: Iterable[str]) -> dict[str, list[str]]:
        """Name key -> the ids of the `label` nodes holding it, in id order (a label whose ids are
        made from the fullest name its articles give: graph/ontology.yaml `id_name`)."""
        query = self._q.get(f"by_keys[{label}]")
        if query is None:
            raise OntologyError(f"{label} does not take its id from its fullest name (id_name in graph/ontology.yaml): "
                                "look its nodes up by id.")
        found: dict[str, list[str]] = {}
        for r in self.store.run(query, {"keys": sorted(set(keys))}, timeout=120):
            found.setdefault(r["key"], []).append(r["id"])
        return found

    def nodes(self, ids: Iterable[str], *, timeout: float | None = None) -> dict[str, StoredNode]:
        """The stored entities among `ids`, by id (ids that name no entity are left out)."""
        res = self.store.run(self._q["nodes"], {"ids": list(ids)}, timeout=timeout)
        return {r["id"]: StoredNode(r["id"], self.onto.label_of(r["labels"]), r["props"]) for r in res}

    def add(
        self,
        nodes: Iterable[tuple[str, Iterable[Mapping[str, Any]]]] = (),
        relationships: Iterable[tuple[str, Iterable[Mapping[str, Any]]]] = (),
    ) -> None:
        """Write list entries (label, rows) and their edges (type, rows) in one commit."""
        with self.store.batch() as b:
            for label, rows in nodes:
                b.upsert_nodes(label, rows)
            for rel_type, rows in relationships:
                b.upsert_relationships(rel_type, rows)

    def contributed(self, list_name: str) -> tuple[list[StoredNode], list[StoredEdge]]:
        """What imports of the list `list_name` gave: the nodes holding one of its entries (or
        made by it), and the relationships holding one of its evidence items."""
        nodes = [StoredNode(r["id"], self.onto.label_of(r["labels"]), r["props"])
                 for r in self.store.run(self._q["contributed_nodes"], {"source": LIST_SOURCE_PREFIX + list_name,
                                                                        "prefix": f"{list_name}:"}, timeout=600)]
        rels = [StoredEdge(r["type"], r["start"], r["end"], r["props"])
                for r in self.store.run(self._q["contributed_rels"], {"entry": f'"entry":"{list_name}:',
                                                                      "list": f'"list":"{list_name}"'}, timeout=600)]
        return nodes, rels

    def mentions(self, ids: Iterable[str]) -> dict[str, list[dict[str, Any]]]:
        """Entity id -> the MENTIONS of the articles naming it (names, keys, name), oldest article first."""
        out: dict[str, list[dict[str, Any]]] = {}
        for r in self.store.run(self._q["mentions"], {"ids": list(ids)}, timeout=600):
            out.setdefault(r["id"], []).append({"names": r["names"], "keys": r["keys"], "name": r["name"]})
        return out

    def rewrite(self, nodes: Iterable[tuple[str, dict[str, Any]]], rels: Iterable[StoredEdge],
                gone: Iterable[StoredEdge]) -> None:
        """In one commit: give the nodes (id, properties) and relationships exactly these
        properties (others removed), and delete the relationships `gone`."""
        with self.store.batch() as b:
            rows = [{"id": i, "props": props} for i, props in nodes]
            if rows:
                b.run(self._q["set_nodes"], Rows(rows=rows))
            for action, edges in (("set_rels", list(rels)), ("delete_rels", list(gone))):
                by_type: dict[str, list[dict]] = {}
                for x in edges:
                    by_type.setdefault(x.type, []).append({"start": x.start, "end": x.end, "key": str(x.props.get("key") or ""),
                                                           "props": x.props})
                for rel_type, rows in by_type.items():
                    b.run(self._q[f"{action}[{rel_type}]"], Rows(rows=rows))

    def delete_unheld(self, ids: Iterable[str]) -> int:
        """Delete the entities among `ids` that no relationship and no list entry holds."""
        ids = list(ids)
        found = [r["id"] for r in self.store.run(self._q["unheld"], {"ids": ids}, timeout=600)] if ids else []
        if found:
            with self.store.batch() as b:
                b.run(self._q["delete"], {"ids": found})
        return len(found)

    # -- matching -----------------------------------------------------------------------------
    def matchable(self, *, listed: bool, page: int = PAGE) -> Iterator[MatchRecord]:
        """Named entities of the match labels, paged by id: the listed ones, or the others."""
        labels = set(self.onto.match_labels)
        query = self._q["listed" if listed else "unlisted"]
        after = ""
        while True:
            res = self.store.run(query, {"after": after, "page": page}, timeout=300)
            for r in res:
                label = self.onto.label_of(r["labels"])
                if label in labels and r["name"]:
                    yield MatchRecord(r["id"], label, (r["name"], *(r["aliases"] or [])), r["imo"],
                                      tuple(r["list_ids"] or ()), str(r["source"] or "").startswith(LIST_SOURCE_PREFIX))
            if len(res) < page:
                return
            after = res.rows[-1]["id"]

    def rejected(self) -> set[str]:
        """The candidate ids a reviewer rejected (matching never proposes them again)."""
        return {r["cid"] for r in self.store.run(self._q["rejected"], timeout=120)}

    def add_candidates(self, links: Iterable[CandidateLink], *, page: int = PAGE) -> int:
        """Store candidate links as pending, or refresh the score and reason of stored ones."""
        rows = [
            {"start": c.extracted, "end": c.listed, "cid": c.candidate_id, "score": float(c.score), "reason": c.reason}
            for c in links
        ]
        for start in range(0, len(rows), page):
            self.store.run(self._q["add_candidates"], {"rows": rows[start : start + page]}, write=True)
        return len(rows)

    def merge(self, extracted_id: str, listed_id: str) -> str:
        """Merge a listed node and an extracted node into one; return the id kept.

        The extracted node is kept (its name, source, article edges); the listed node's properties
        are added where the extracted one lacks them, its lists (aliases, keys, list_ids, the
        sources of single values, which then choose each value again: graph/sources.py) are joined,
        and every relationship is moved over. A listed node that came from articles itself (merged
        earlier) is kept instead, so earlier merges are never undone.
        """
        nodes = self.nodes([extracted_id, listed_id])
        if len(nodes) < 2:
            missing = [i for i in (extracted_id, listed_id) if i not in nodes]
            raise LookupFailed(f"Cannot merge: no entity with id {missing[0]!r} (merged or deleted since?).")
        listed_source = str(nodes[listed_id].props.get("source") or "")
        keep, drop = (extracted_id, listed_id) if listed_source.startswith(LIST_SOURCE_PREFIX) else (listed_id, extracted_id)
        kept, dropped = nodes[keep], nodes[drop]
        label = kept.label
        if label is None:
            raise OntologyError(f"Cannot merge into {keep!r}: the node has no label besides {self.onto.entity_label}.")
        declared = self.onto.label(label).properties
        row: dict[str, Any] = {"id": keep}
        for prop, value in dropped.props.items():
            if prop in ("id", "name", "source") or prop not in declared or value is None:
                continue
            if declared[prop].is_list:
                row[prop] = list(value)
            elif kept.props.get(prop) in (None, ""):
                row[prop] = value
        if dropped.props.get("name"):
            row["aliases"] = list(dict.fromkeys([*row.get("aliases", []), dropped.props["name"]]))
        if kept.props.get("listed") or dropped.props.get("listed"):
            row["listed"] = True
        rels = self.store.run(self._q["relationships"], {"id": drop}, timeout=120)
        with self.store.batch() as b:
            b.upsert_nodes(label, [row])
            for r in rels:
                start = keep if r["start"] == drop else r["start"]
                end = keep if r["end"] == drop else r["end"]
                if start == end or r["type"] not in self.onto.relationships:
                    continue  # the candidate link between the two, or a self-loop the merge would make
                b.upsert_relationships(r["type"], [{**r["props"], "start": start, "end": end}])
            b.run(self._q["delete"], {"ids": [drop]})
        return keep

    # -- review -------------------------------------------------------------------------------
    def candidates(self, status: str | None = "pending") -> list[CandidateRow]:
        """Candidate links with both ends, best score first (all statuses when `status` is None)."""
        res = self.store.run(self._q["candidates"], {"status": status}, timeout=120)
        label = self.onto.label_of
        return [
            CandidateRow(r["cid"], float(r["score"]), r["status"], r["reason"] or "", r["aid"], label(r["alabels"]) or "",
                         r["aname"] or "", r["bid"], label(r["blabels"]) or "", r["bname"] or "",
                         list(r["list_ids"] or []))
            for r in res
        ]

    def find(self, cid: str) -> CandidateEnds | None:
        """The candidate link with id `cid`, or None."""
        res = self.store.run(self._q["find"], {"cid": cid})
        if not res.rows:
            return None
        r = res.rows[0]
        return CandidateEnds(r["aid"], r["bid"], r["status"])

    def accept(self, cid: str) -> str | None:
        """Merge the two ends of candidate `cid` (as a certain match would); the id kept, or
        None when there is no such candidate."""
        ends = self.find(cid)
        return None if ends is None else self.merge(ends.extracted, ends.listed)

    def reject(self, cid: str) -> bool:
        """Mark candidate `cid` rejected (it stays, and is not proposed again); False when there
        is no such candidate."""
        res = self.store.run(self._q["reject"], {"cid": cid}, write=True)
        return bool(res.rows and res.rows[0]["n"])

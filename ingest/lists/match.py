"""Match entities extracted from articles to entities named by sanctions lists.

Rules, strongest first:
- Vessels: the same IMO number is the same ship (certain); different IMO numbers never match;
  a vessel's name alone is only ever a candidate (many ships share a name).
- Companies, organisations, agencies: names compared after normalisation (transliteration to
  ASCII, legal forms such as OOO/LLC/Ltd removed — rigour's org-type tables plus ours). The same
  normalised name or alias on both sides is certain; a close name (rapidfuzz ratio >= the
  threshold) is a candidate.
- People: the same name is a candidate only (namesakes are common).
A certain match that is not unique (two listed entries for one extracted entity, or the reverse)
is downgraded to candidates. Certain matches merge: the listed node's facts (SANCTIONED_BY, OWNED_BY,
aliases, list_ids) move onto the extracted node, so a report shows article evidence and list
entries together. Candidates are MATCH_CANDIDATE edges (extracted -> listed) with a score and a
status, reviewed with list_candidates / accept / reject; nothing uncertain is merged silently.

Blocking keeps the work linear: a pair is only scored when the two names share a block key
(4-letter prefix or suffix of a name word); keys shared by more than `max_block` listed entities
(e.g. "trad", "ship") are ignored when the name has rarer keys.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz

from graph.errors import LookupFailed
from graph.ontology import load as load_ontology
from ingest.lists.records import LIST_SOURCE_PREFIX
from ingest.normalize import normalize_name, strip_legal_form

DEFAULT_THRESHOLD = 0.85
MATCH_LABELS = load_ontology().match_labels  # graph/ontology.yaml: the labels with a match_group
_GROUPS = load_ontology().match_groups
PAGE = 5000


@dataclass(frozen=True)
class MatchRecord:
    """What the matcher needs of one entity."""

    id: str
    label: str
    names: tuple[str, ...]  # name first, then aliases
    imo: str | None = None


@dataclass
class Candidate:
    extracted: str
    listed: str
    score: float
    certain: bool
    reason: str

    @property
    def candidate_id(self) -> str:
        return candidate_id(self.extracted, self.listed)


def candidate_id(extracted: str, listed: str) -> str:
    """A short stable id for a pair, typed in `sanctions-kg matches --accept ID`."""
    return "m" + hashlib.sha1(f"{extracted}\x1f{listed}".encode()).hexdigest()[:10]


@lru_cache(maxsize=200_000)
def compare_form(name: str) -> str:
    """A name as the matcher compares it: ASCII, lower case, no punctuation, no legal form."""
    from rigour.names import remove_org_types, replace_org_types_compare
    from rigour.text import ascii_text

    text = ascii_text(name).lower()
    plain = normalize_name(text)
    # rigour knows legal forms in many languages ("obshchestvo s ogranichennoi ..." -> "ooo").
    core = normalize_name(remove_org_types(replace_org_types_compare(plain)))
    core = strip_legal_form(core) if core else ""
    return core or plain


def _block_keys(form: str) -> set[str]:
    keys = set()
    for word in form.split():
        if len(word) >= 4:
            keys.add("p:" + word[:4])
            keys.add("s:" + word[-4:])
        elif len(word) >= 2:
            keys.add("w:" + word)
    return keys


class Matcher:
    """An index of listed entities that extracted entities are matched against."""

    def __init__(self, listed: Iterable[MatchRecord], *, threshold: float = DEFAULT_THRESHOLD, max_block: int = 500):
        self.threshold = threshold
        self.max_block = max_block
        self.records: list[MatchRecord] = []
        self.forms: list[tuple[str, ...]] = []
        self.by_imo: dict[str, list[int]] = defaultdict(list)
        self.blocks: dict[str, list[int]] = defaultdict(list)
        for rec in listed:
            i = len(self.records)
            self.records.append(rec)
            forms = tuple(dict.fromkeys(f for f in map(compare_form, rec.names) if f))
            self.forms.append(forms)
            if rec.imo:
                self.by_imo[rec.imo].append(i)
            group = _GROUPS.get(rec.label, rec.label)
            for key in set().union(*map(_block_keys, forms)) if forms else ():
                self.blocks[f"{group}|{key}"].append(i)

    def match(self, rec: MatchRecord) -> list[Candidate]:
        """Candidates for one extracted entity, best first."""
        group = _GROUPS.get(rec.label, rec.label)
        out: list[Candidate] = []
        if rec.imo and rec.label == "Vessel":
            for i in self.by_imo.get(rec.imo, ()):
                out.append(Candidate(rec.id, self.records[i].id, 1.0, True, f"IMO {rec.imo}"))
            if out:
                return out
        forms = tuple(dict.fromkeys(f for f in map(compare_form, rec.names) if f))
        if not forms:
            return out
        keys = [f"{group}|{k}" for k in set().union(*map(_block_keys, forms))]
        blocks = [self.blocks[k] for k in keys if k in self.blocks]
        small = [b for b in blocks if len(b) <= self.max_block]
        seen: set[int] = set()
        for block in small or sorted(blocks, key=len)[:1]:
            seen.update(block)
        for i in seen:
            other = self.records[i]
            if other.id == rec.id:
                continue
            if rec.label == "Vessel" and rec.imo and other.imo and rec.imo != other.imo:
                continue  # two IMO numbers: two ships, whatever the names say
            score, pair = 0.0, ("", "")
            for a in forms:
                for b in self.forms[i]:
                    s = 1.0 if a == b else max(fuzz.ratio(a, b), fuzz.token_sort_ratio(a, b)) / 100.0
                    if s > score:
                        score, pair = s, (a, b)
                if score == 1.0:
                    break
            if score < self.threshold:
                continue
            if other.label != rec.label:
                score *= 0.95  # Company vs Organization: likely the same kind of body, not surely
            certain = score == 1.0 and group == "org" and len(pair[0]) >= 3
            reason = f"name {pair[0]!r} = {pair[1]!r}" if pair[0] == pair[1] else f"name {pair[0]!r} ~ {pair[1]!r}"
            out.append(Candidate(rec.id, other.id, round(score, 4), certain, reason))
        out.sort(key=lambda c: (-c.score, c.listed))
        return out


def match_records(
    listed: Iterable[MatchRecord], extracted: Iterable[MatchRecord], *, threshold: float = DEFAULT_THRESHOLD
) -> list[Candidate]:
    """Every candidate pair; `certain` only where the pair is unique on both sides."""
    matcher = Matcher(listed, threshold=threshold)
    found = [c for rec in extracted for c in matcher.match(rec)]
    per_extracted: dict[str, int] = defaultdict(int)
    per_listed: dict[str, int] = defaultdict(int)
    for c in found:
        if c.certain:
            per_extracted[c.extracted] += 1
            per_listed[c.listed] += 1
    for c in found:
        if c.certain and (per_extracted[c.extracted] > 1 or per_listed[c.listed] > 1):
            c.certain = False
            c.reason += " (not unique: review)"
    return found


# -- the store ------------------------------------------------------------------------------


@dataclass
class MatchSummary:
    listed: int = 0
    extracted: int = 0
    merged: list[tuple[str, str]] = field(default_factory=list)  # (kept id, merged-away id)
    candidates: int = 0  # pending candidate links written (new or refreshed)


def _records(store, listed: bool) -> Iterator[MatchRecord]:
    """Entities of the matchable labels, paged by id: listed ones, or the others."""
    labels = list(MATCH_LABELS)
    after = ""
    cond = "n.listed = true" if listed else "(n.listed IS NULL OR n.listed = false)"
    while True:
        res = store.run(
            f"MATCH (n:{store.ontology.entity_label}) WHERE n.id > $after AND {cond} "
            "RETURN n.id AS id, labels(n) AS labels, n.name AS name, n.aliases AS aliases, n.imo AS imo "
            "ORDER BY n.id LIMIT $page",
            {"after": after, "page": PAGE}, timeout=300,
        )
        for r in res:
            label = next((lab for lab in r["labels"] if lab in labels), None)
            if label and r["name"]:
                yield MatchRecord(r["id"], label, (r["name"], *(r["aliases"] or [])), r["imo"])
        if len(res) < PAGE:
            return
        after = res.rows[-1]["id"]


def match_store(store, *, threshold: float = DEFAULT_THRESHOLD) -> MatchSummary:
    """Match every extracted entity against every listed one; merge the certain, store the rest."""
    listed = list(_records(store, True))
    extracted = list(_records(store, False))
    summary = MatchSummary(listed=len(listed), extracted=len(extracted))
    found = match_records(listed, extracted, threshold=threshold)
    rejected = _rejected(store)
    rows = []
    for c in found:
        if c.certain:
            keep = merge(store, c.extracted, c.listed)
            summary.merged.append((keep, c.listed if keep == c.extracted else c.extracted))
        elif c.candidate_id not in rejected:
            rows.append({"start": c.extracted, "end": c.listed, "cid": c.candidate_id,
                         "score": float(c.score), "reason": c.reason})
    for start in range(0, len(rows), PAGE):
        store.run(_CANDIDATE_UPSERT, {"rows": rows[start : start + PAGE]}, write=True)
    summary.candidates = len(rows)
    return summary


_CANDIDATE_UPSERT = """UNWIND $rows AS row
MATCH (a:Entity {id: row.start})
MATCH (b:Entity {id: row.end})
MERGE (a)-[r:MATCH_CANDIDATE {key: ''}]->(b)
ON CREATE SET r.status = 'pending', r.candidate_id = row.cid, r.methods = ['match']
SET r.score = row.score, r.reason = row.reason"""


def _rejected(store) -> set[str]:
    res = store.run(
        "MATCH ()-[r:MATCH_CANDIDATE]->() WHERE r.status = 'rejected' RETURN r.candidate_id AS cid", timeout=120
    )
    return {r["cid"] for r in res}


def merge(store, extracted_id: str, listed_id: str) -> str:
    """Merge a listed node and an extracted node into one; return the id kept.

    The extracted node is kept (its name, source, article edges); the listed node's properties
    are added where the extracted one lacks them, its lists (aliases, keys, list_ids) are joined,
    and every relationship is moved over. A listed node that came from articles itself (merged
    earlier) is kept instead, so earlier merges are never undone.
    """
    onto = store.ontology
    nodes = {
        r["id"]: r
        for r in store.run(
            "UNWIND $ids AS id MATCH (n:Entity {id: id}) RETURN n.id AS id, labels(n) AS labels, properties(n) AS props",
            {"ids": [extracted_id, listed_id]},
        )
    }
    if len(nodes) < 2:
        missing = [i for i in (extracted_id, listed_id) if i not in nodes]
        raise LookupFailed(f"Cannot merge: no entity with id {missing[0]!r} (merged or deleted since?).")
    listed_source = str(nodes[listed_id]["props"].get("source") or "")
    keep, drop = (extracted_id, listed_id) if listed_source.startswith(LIST_SOURCE_PREFIX) else (listed_id, extracted_id)
    kept, dropped = nodes[keep], nodes[drop]
    label = next(lab for lab in kept["labels"] if lab in onto.labels)
    declared = onto.label(label).properties
    row: dict = {"id": keep}
    for prop, value in dropped["props"].items():
        if prop in ("id", "name", "source") or prop not in declared or value is None:
            continue
        if declared[prop].is_list:
            row[prop] = list(value)
        elif kept["props"].get(prop) in (None, ""):
            row[prop] = value
    if dropped["props"].get("name"):
        row["aliases"] = list(dict.fromkeys([*row.get("aliases", []), dropped["props"]["name"]]))
    if kept["props"].get("listed") or dropped["props"].get("listed"):
        row["listed"] = True
    rels = store.run(
        "MATCH (d:Entity {id: $id})-[r]->(b) RETURN type(r) AS type, $id AS start, b.id AS end, properties(r) AS props "
        "UNION ALL MATCH (a)-[r]->(d:Entity {id: $id}) RETURN type(r) AS type, a.id AS start, $id AS end, properties(r) AS props",
        {"id": drop}, timeout=120,
    )
    with store.batch() as b:
        b.upsert_nodes(label, [row])
        for r in rels:
            start = keep if r["start"] == drop else r["start"]
            end = keep if r["end"] == drop else r["end"]
            if start == end or r["type"] not in onto.relationships:
                continue  # the candidate link between the two, or a self-loop the merge would make
            b.upsert_relationships(r["type"], [{**r["props"], "start": start, "end": end}])
        # UNWIND form: the embedded store compiles batch statements without their parameters.
        b.run("UNWIND $ids AS id MATCH (n:Entity {id: id}) DETACH DELETE n", {"ids": [drop]})
    return keep


# -- review ---------------------------------------------------------------------------------


@dataclass
class CandidateRow:
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


def list_candidates(store, status: str | None = "pending") -> list[CandidateRow]:
    """Candidate links, best score first (all statuses when `status` is None)."""
    res = store.run(
        "MATCH (a:Entity)-[r:MATCH_CANDIDATE]->(b:Entity) WHERE $status IS NULL OR r.status = $status "
        "RETURN r.candidate_id AS cid, r.score AS score, r.status AS status, r.reason AS reason, "
        "a.id AS aid, labels(a) AS alabels, a.name AS aname, b.id AS bid, labels(b) AS blabels, b.name AS bname, "
        "b.list_ids AS list_ids ORDER BY score DESC, cid",
        {"status": status}, timeout=120,
    )
    labels = store.ontology.labels

    def label(ls: list[str]) -> str:
        return next((x for x in ls if x in labels), "")

    return [
        CandidateRow(r["cid"], float(r["score"]), r["status"], r["reason"] or "", r["aid"], label(r["alabels"]),
                     r["aname"] or "", r["bid"], label(r["blabels"]), r["bname"] or "", list(r["list_ids"] or []))
        for r in res
    ]


def _find(store, cid: str) -> dict:
    res = store.run(
        "MATCH (a:Entity)-[r:MATCH_CANDIDATE]->(b:Entity) WHERE r.candidate_id = $cid "
        "RETURN a.id AS aid, b.id AS bid, r.status AS status",
        {"cid": cid},
    )
    if not res.rows:
        raise LookupFailed(f"No match candidate {cid!r}. Run `uv run sanctions-kg matches` to list the candidate ids.")
    return res.rows[0]


def accept(store, cid: str) -> str:
    """Accept a candidate: merge the two nodes (as a certain match would); return the id kept."""
    row = _find(store, cid)
    return merge(store, row["aid"], row["bid"])


def reject(store, cid: str) -> None:
    """Reject a candidate: it stays, marked rejected, and matching will not propose it again."""
    _find(store, cid)
    store.run(
        "MATCH ()-[r:MATCH_CANDIDATE]->() WHERE r.candidate_id = $cid SET r.status = 'rejected'",
        {"cid": cid}, write=True,
    )

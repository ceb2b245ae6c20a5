"""Match entities extracted from articles to entities named by sanctions lists.

Rules, strongest first:
- Vessels: the same IMO number is the same ship (certain); different IMO numbers never match;
  a vessel's name alone is only ever a candidate (many ships share a name).
- Companies, organisations, agencies: names compared after normalisation (transliteration to
  ASCII, legal forms such as OOO/LLC/Ltd removed — rigour's org-type tables plus ours). The same
  normalised name or alias on both sides is certain; a close name (rapidfuzz ratio >= the
  threshold) is a candidate.
- People: the same name is a candidate only (namesakes are common).
A certain match that is not unique is downgraded to candidates: one listed entry for two extracted
entities, or two listed entries for one extracted entity — unless those entries come from different
lists and share a name (two lists naming one company: all merge), and an entry never merges onto an
entity that already holds an entry of the same list. An extracted entity that holds list entries
(merged earlier) is matched again, against list-only entities, so the merges do not depend on whether
an article or a second list came first: the graph is a function of its inputs (issue 27). Certain matches merge: the listed node's facts (SANCTIONED_BY, OWNED_BY,
aliases, list_ids) move onto the extracted node, so a report shows article evidence and list
entries together. Candidates are MATCH_CANDIDATE edges (extracted -> listed) with a score and a
status, reviewed with list_candidates / accept / reject; nothing uncertain is merged silently.

Blocking keeps the work linear: a pair is only scored when the two names share a block key
(4-letter prefix or suffix of a name word); keys shared by more than `max_block` listed entities
(e.g. "trad", "ship") are ignored when the name has rarer keys.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz

from graph.errors import LookupFailed
from graph.listings import CandidateLink, CandidateRow, MatchRecord, candidate_id
from graph.ontology import load as load_ontology
from ingest.normalize import normalize_name, strip_legal_form

DEFAULT_THRESHOLD = 0.85


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

    def __init__(self, listed: Iterable[MatchRecord], *, threshold: float = DEFAULT_THRESHOLD, max_block: int = 500,
                 groups: Mapping[str, str] | None = None):
        self.threshold = threshold
        # label -> match group (graph/ontology.yaml): only entities of one group are compared
        self.groups = load_ontology().match_groups if groups is None else groups
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
            group = self.groups.get(rec.label, rec.label)
            for key in set().union(*map(_block_keys, forms)) if forms else ():
                self.blocks[f"{group}|{key}"].append(i)

    def match(self, rec: MatchRecord) -> list[Candidate]:
        """Candidates for one extracted entity, best first."""
        group = self.groups.get(rec.label, rec.label)
        out: list[Candidate] = []
        if rec.imo and rec.label == "Vessel":
            for i in self.by_imo.get(rec.imo, ()):
                if self.records[i].id == rec.id or (rec.list_ids and not self.records[i].list_only):
                    continue
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
            if other.id == rec.id or (rec.list_ids and not other.list_only):
                continue  # itself; an entity holding list entries is compared with list-only ones
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
    listed: Iterable[MatchRecord], extracted: Iterable[MatchRecord], *, threshold: float = DEFAULT_THRESHOLD,
    groups: Mapping[str, str] | None = None,
) -> list[Candidate]:
    """Every candidate pair; `certain` only where the pair is unique on both sides."""
    matcher = Matcher(listed, threshold=threshold, groups=groups)
    extracted = list(extracted)
    found = [c for rec in extracted for c in matcher.match(rec)]
    entry = {r.id: (r, forms) for r, forms in zip(matcher.records, matcher.forms)}
    own = {r.id: r.list_ids for r in extracted}
    per_extracted: dict[str, list[str]] = defaultdict(list)
    per_listed: dict[str, int] = defaultdict(int)
    for c in found:
        if c.certain:
            per_extracted[c.extracted].append(c.listed)
            per_listed[c.listed] += 1
    unique = {x: _one_entity(own.get(x, ()), [entry[i] for i in ids]) for x, ids in per_extracted.items()}
    for c in found:
        if c.certain and (not unique[c.extracted] or per_listed[c.listed] > 1):
            c.certain = False
            c.reason += " (not unique: review)"
    return found


def _list_names(list_ids: Iterable[str]) -> set[str]:
    return {i.split(":", 1)[0] for i in list_ids}


def _one_entity(held: tuple[str, ...], entries: list[tuple[MatchRecord, tuple[str, ...]]]) -> bool:
    """Whether listed entries that all match one extracted entity for certain may all merge onto it
    (whatever order they came in): each from a list of its own (none of the lists of the entries
    it holds already), and, when several, sharing a name with each other."""
    seen = _list_names(held)
    for rec, _ in entries:
        lists = _list_names(rec.list_ids)
        if (len(entries) > 1 and not lists) or lists & seen:
            return False
        seen |= lists
    return all(set(a[1]) & set(b[1]) for k, a in enumerate(entries) for b in entries[k + 1 :])


# -- the store ------------------------------------------------------------------------------


@dataclass
class MatchSummary:
    listed: int = 0
    extracted: int = 0
    merged: list[tuple[str, str]] = field(default_factory=list)  # (kept id, merged-away id)
    candidates: int = 0  # pending candidate links written (new or refreshed)
    merged_names: list[str] = field(default_factory=list)  # "LISTED NAME onto Extracted Name (kept id)", per merge


def match_store(store, *, threshold: float = DEFAULT_THRESHOLD) -> MatchSummary:
    """Match every extracted entity against every listed one; merge the certain, store the rest."""
    listings = store.listings()
    groups = store.ontology.match_groups
    listed = list(listings.matchable(listed=True))
    # the extracted side: article entities, with those that hold list entries already (see above)
    extracted = [*listings.matchable(listed=False), *(r for r in listed if not r.list_only)]
    summary = MatchSummary(listed=len(listed), extracted=len(extracted))
    found = match_records(listed, extracted, threshold=threshold, groups=groups)
    rejected = listings.rejected()
    name_of = {r.id: (r.names[0] if r.names else r.id) for r in (*listed, *extracted)}
    links = []
    for c in found:
        if c.certain:
            keep = listings.merge(c.extracted, c.listed)
            summary.merged.append((keep, c.listed if keep == c.extracted else c.extracted))
            summary.merged_names.append(f"{name_of.get(c.listed, c.listed)} onto {name_of.get(c.extracted, c.extracted)} ({keep})")
        elif c.candidate_id not in rejected:
            links.append(CandidateLink(c.extracted, c.listed, c.candidate_id, float(c.score), c.reason))
    summary.candidates = listings.add_candidates(links)
    return summary


def merge(store, extracted_id: str, listed_id: str) -> str:
    """Merge a listed node and an extracted node into one; return the id kept (graph.listings)."""
    return store.listings().merge(extracted_id, listed_id)


# -- review ---------------------------------------------------------------------------------


def list_candidates(store, status: str | None = "pending") -> list[CandidateRow]:
    """Candidate links, best score first (all statuses when `status` is None)."""
    return store.listings().candidates(status)


def _no_candidate(cid: str) -> LookupFailed:
    return LookupFailed(f"No match candidate {cid!r}. Run `uv run sanctions-kg matches` to list the candidate ids.")


def accept(store, cid: str) -> str:
    """Accept a candidate: merge the two nodes (as a certain match would); return the id kept."""
    kept = store.listings().accept(cid)
    if kept is None:
        raise _no_candidate(cid)
    return kept


def reject(store, cid: str) -> None:
    """Reject a candidate: it stays, marked rejected, and matching will not propose it again."""
    if not store.listings().reject(cid):
        raise _no_candidate(cid)

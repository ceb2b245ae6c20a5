"""Ingest: read articles, extract, resolve, and write each article to the store atomically.

One article's writes (its Article node with complete=true, its entities, MENTIONS and
relationships) go into one store.batch(), so a crash never leaves half an article. An
article whose id (content hash) is already complete is skipped unless reprocess=True, which
makes ingesting the same document twice a no-op.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone

from graph import evidence as ev
from graph.cypher import Rows
from graph.errors import StoreUnavailable
from graph.ontology import load as load_ontology
from ingest.knowledge import (
    MAX_ROUNDS, MAX_TEXT, PAGE, KnownName, NewName, RescanSummary, article_keys, load_index, mentions, new_names,
    using_index,
)
from ingest.lists.records import LIST_SOURCE_PREFIX
from ingest.model import Document, ExtractionResult, Skipped
from ingest.parallel import Parses, auto_processes, extract_stream
from ingest.readers import read_paths
from ingest.resolve import Resolver, entity_keys

BATCH_SIZE = 32
# Properties of an extracted entity or relation that go onto its node or edge, as graph/ontology.yaml declares them.
NODE_PROPS = {name: label.attributes for name, label in load_ontology().labels.items() if label.is_entity}
REL_PROPS = {name: rel.own for name, rel in load_ontology().relationships.items()}


@dataclass
class IngestSummary:
    """What one ingest run did."""

    new: int = 0
    unchanged: int = 0
    failed: list[Skipped] = field(default_factory=list)
    entities_added: int = 0
    relationships_added: int = 0
    rescan: RescanSummary = field(default_factory=RescanSummary)

    @property
    def ok(self) -> bool:
        return not self.failed

    def to_dict(self) -> dict:
        return {
            "articles": {"new": self.new, "unchanged": self.unchanged, "failed": len(self.failed)},
            "failed": [{"path": f.path, "reason": f.reason} for f in self.failed],
            "entities_added": self.entities_added,
            "relationships_added": self.relationships_added,
            "rescanned": self.rescan.rescanned,
        }


def _count(store, query: str) -> int:
    rows = store.run(query).rows
    return int(next(iter(rows[0].values()))) if rows else 0


def article_rows(result: ExtractionResult) -> dict[str, list]:
    """The node and relationship rows for one resolved article, by label / type."""
    doc = result.document
    aid = doc.id
    nodes: dict[str, list[dict]] = {"Article": [{
        "id": aid, "title": doc.title, "source": doc.source, "url": doc.url, "published": doc.published,
        "path": doc.path, "ingested_at": datetime.now(timezone.utc).isoformat(timespec="seconds"), "complete": True,
        # Kept for re-scans when the graph learns new names (ingest.knowledge).
        "text": doc.text if len(doc.text) <= MAX_TEXT else None,
    }]}
    rels: dict[str, list[dict]] = {}
    for e in result.entities:
        row = {"id": e.id, "name": e.name, "aliases": sorted(set(e.aliases) | {e.name}),
               "keys": e.keys or entity_keys(e.label, e.name, e.aliases), "source": "article"}
        if e.label == "Vessel":
            row.update({k: v for k, v in e.identifiers.items()})
            dark = e.props.get("ais_dark") or []
            if dark:
                row["ais_dark"] = [ev.encode(aid, d["sentence"], "rule", date=d.get("date"), cue=d.get("cue")) for d in dark]
        for prop in NODE_PROPS.get(e.label, ()):
            if e.props.get(prop):
                row[prop] = e.props[prop]
        nodes.setdefault(e.label, []).append(row)
        if e.spans:
            rels.setdefault("MENTIONS", []).append({"start": aid, "end": e.id, "count": len(e.spans)})
    ids = {(e.label, e.name): e.id for e in result.entities}
    merged: dict[tuple, dict] = {}
    for r in result.relations:
        start, end = ids.get((r.source_label, r.source)), ids.get((r.target_label, r.target))
        if not start or not end or start == end:
            continue
        key = r.date or "" if r.type == "CALLED_AT" else ""
        sig = (r.type, start, end, key)
        row = merged.get(sig)
        if row is None:
            row = merged[sig] = {"start": start, "end": end, "key": key, "articles": [aid], "evidence": [], "methods": []}
        item = ev.encode(aid, r.evidence, r.method, date=r.date, certainty=r.certainty)
        if item not in row["evidence"]:
            row["evidence"].append(item)
        if r.method not in row["methods"]:
            row["methods"].append(r.method)
        values = {"date": r.date, **r.props}
        for prop in REL_PROPS.get(r.type, ()):
            if values.get(prop) is not None and row.get(prop) is None:
                row[prop] = values[prop]
    for (rtype, *_), row in merged.items():
        rels.setdefault(rtype, []).append(row)
    return {"nodes": nodes, "rels": rels}


# Replacing an article's facts: its share of each relationship (article id, evidence items),
# then relationships nothing else states, its AIS-dark items and its MENTIONS edges. UNWIND
# form throughout: the embedded store compiles batch statements without their parameters.
_STRIP = (
    # Both ends of a relationship an article stated are entities it mentions, so only edges
    # between two of them are looked at (each pair an expand-into), never every edge of a
    # busy port or country: 40 ms a re-scanned article before, most of a re-scan's time.
    """UNWIND $rows AS row
MATCH (a:Article {id: row.aid})-[:MENTIONS]->(x:Entity)
WITH row, collect(x) AS xs
UNWIND xs AS x
UNWIND xs AS y
MATCH (x)-[r]->(y)
WHERE row.aid IN coalesce(r.articles, [])
WITH DISTINCT r, row
SET r.articles = [x IN r.articles WHERE x <> row.aid],
    r.evidence = [x IN coalesce(r.evidence, []) WHERE NOT x CONTAINS row.needle]
WITH r WHERE size(r.articles) = 0 AND size(r.evidence) = 0
DELETE r""",
    """UNWIND $rows AS row
MATCH (a:Article {id: row.aid})-[:MENTIONS]->(v:Vessel)
WHERE v.ais_dark IS NOT NULL
SET v.ais_dark = [x IN v.ais_dark WHERE NOT x CONTAINS row.needle]""",
    """UNWIND $rows AS row
MATCH (a:Article {id: row.aid})-[m:MENTIONS]->()
DELETE m""",
)
# Entities the earlier extraction of the article made that nothing holds any more (a match
# candidate link to a listed entity does not hold one: it was only a guess about that mention).
_ORPHANS = """UNWIND $rows AS row
MATCH (n:Entity {id: row.id})
WHERE (n.listed IS NULL OR n.listed = false) AND NOT (n)<-[:MENTIONS]-(:Article)
OPTIONAL MATCH (n)-[x]-() WHERE type(x) <> 'MATCH_CANDIDATE'
WITH n, count(x) AS links WHERE links = 0
DETACH DELETE n"""
# The entities an earlier extraction of the article mentions: the ends of every relationship
# it stated are among them.
_TOUCHED = """MATCH (a:Article {id: $aid})-[:MENTIONS]->(n:Entity)
RETURN collect(DISTINCT n.id) AS mentioned"""


def write_article(store, result: ExtractionResult, *, replace: bool = False, rows: dict[str, list] | None = None,
                  keys: list[str] | None = None) -> None:
    """All writes of one resolved article, in one atomic batch.

    `replace` first takes out what an earlier extraction of the same article wrote (its
    MENTIONS, its evidence and article id on relationships, relationships only it stated,
    entities only it named), in the same batch, so a re-extraction never leaves a mix.
    `rows` and `keys`: article_rows(result) and article_keys of its text, when the caller has them.
    """
    rows = rows or article_rows(result)
    aid = result.document.id
    touched: list[str] = []
    if replace:
        res = store.run(_TOUCHED, {"aid": aid}, timeout=120)
        if res.rows:
            touched = sorted(set(res.rows[0]["mentioned"] or []))
    with store.batch() as b:
        if replace:
            strip = Rows(rows=[{"aid": aid, "needle": f'"article":"{aid}"'}])
            for query in _STRIP:
                b.run(query, strip)
        # The Article goes last among nodes only so that its complete=true lands with the rest.
        for label, items in rows["nodes"].items():
            if label != "Article":
                b.upsert_nodes(label, items)
        b.upsert_nodes("Article", rows["nodes"]["Article"])
        # Set, not merged: the keys of this text (a list union over thousands of keys is slow).
        b.run("UNWIND $rows AS row\nMATCH (a:Article {id: row.id}) SET a.name_keys = row.keys",
              Rows(rows=[{"id": aid, "keys": keys if keys is not None else article_keys(result.document.text)}]))
        for rtype, items in rows["rels"].items():
            b.upsert_relationships(rtype, items)
        if touched:
            b.run(_ORPHANS, Rows(rows=[{"id": i} for i in touched]))


def article_resolver(store) -> Resolver:
    """A resolver over the store's entities for extracted ones, in which a node only a sanctions
    list names is found by IMO number but not by name: a named entity gets its own node, and
    list matching (ingest.lists.match) decides, as it does when the list comes after the
    article — so the graph does not depend on which came first."""
    resolver = Resolver.from_store(store)
    res = store.run("MATCH (n:Entity) WHERE n.source STARTS WITH $p RETURN n.id AS id", {"p": LIST_SOURCE_PREFIX})
    list_only = {r["id"] for r in res}
    if list_only:
        for ids in resolver.by_key.values():
            ids.difference_update(list_only)
    resolver.list_only = list_only  # type: ignore[attr-defined]
    return resolver


def match_listed(store, resolver) -> int:
    """After extracted entities were written into a store holding list-only nodes: match them
    as an import would (certain matches merge, the rest become candidates). Returns merges."""
    if not getattr(resolver, "list_only", None):
        return 0
    from ingest.lists.match import match_store

    return len(match_store(store).merged)


def ingest_documents(
    store,
    items: Iterable[Document | Skipped],
    *,
    reprocess: bool = False,
    progress: Callable[[str, int], None] | None = None,
    nlp=None,
    n_process: int = 1,
    rescan: bool = True,
) -> IngestSummary:
    """Ingest already-read documents; `progress(event, n)` gets ("total", n) then ("advance", 1) per article.

    Then (`rescan`) the stored articles, these included, that mention names these articles
    typed are extracted again with them (ingest.knowledge.refresh), and extracted entities are
    matched to list-only ones, so that the graph does not depend on the order of the input.

    `n_process` worker processes extract (ingest.parallel); 0 picks one per core when there
    are enough new articles to pay for starting them (auto_processes).

    On the embedded store the whole run holds the store's ingest lock, so a second ingest into
    the same file waits and then skips what the first wrote. Losing the store mid-run raises
    StoreUnavailable: every article written so far is complete, and running again finishes.
    """
    with store.ingest_lock():
        return _ingest_locked(store, items, reprocess, progress, nlp, n_process, rescan)


def _ingest_locked(store, items, reprocess, progress, nlp, n_process, rescan=True) -> IngestSummary:
    from ingest.nlp import load

    summary = IngestSummary()
    docs: list[Document] = []
    for item in items:
        if isinstance(item, Skipped):
            summary.failed.append(item)
        else:
            docs.append(item)
    if progress:
        progress("total", len(docs))
    ids = list(dict.fromkeys(d.id for d in docs))
    done: set[str] = set()
    if ids and not reprocess:
        res = store.run("MATCH (a:Article) WHERE a.id IN $ids AND a.complete = true RETURN a.id AS id", {"ids": ids})
        done = {row["id"] for row in res.rows}
    todo, seen = [], set()
    for d in docs:
        if d.id in done or d.id in seen:
            summary.unchanged += 1
            if progress:
                progress("advance", 1)
            continue
        seen.add(d.id)
        todo.append(d)
    if not todo:
        return summary
    nlp = nlp or load(getattr(getattr(store, "settings", None), "model", None))
    # spaCy raises on a text over nlp.max_length, and it would raise inside nlp.pipe, ending
    # the whole run: refuse such an article here, by name, and go on with the others.
    fits = []
    for d in todo:
        if len(d.text) > nlp.max_length:
            summary.failed.append(Skipped(d.path or d.id[:12], f"too long: {len(d.text):,} characters, over the "
                                          f"limit of {nlp.max_length:,} per article; split it"))
            if progress:
                progress("advance", 1)
        else:
            fits.append(d)
    todo = fits
    entities_before = _count(store, "MATCH (n:Entity) RETURN count(n) AS n")
    rels_before = _count(store, "MATCH ()-[r]->() RETURN count(r) AS n")
    resolver = article_resolver(store)
    stored: set[str] = set()
    if reprocess and ids:
        res = store.run("MATCH (a:Article) WHERE a.id IN $ids RETURN a.id AS id", {"ids": ids})
        stored = {row["id"] for row in res.rows}
    # n_process > 1 extracts in worker processes; resolution and writes stay in this one.
    if n_process == 0:
        n_process = auto_processes(len(todo))
    # Names the graph already holds are recognised in the new articles (set before the
    # workers fork: they inherit the index).
    known = load_index(store)
    # The parses of this run's articles, kept (up to a cap) so that re-scanning them below
    # runs only the components that use the known names.
    parses = Parses() if rescan else None
    # The store held no article before this run: the re-scan finds its articles in `shares`.
    shares = Shares(whole_store=_count(store, "MATCH (a:Article) RETURN count(a) AS n") == 0) if rescan else None
    with using_index(nlp, known):
        for document, result in extract_stream(todo, nlp, batch_size=BATCH_SIZE, n_process=n_process, parses=parses):
            name = document.path or document.id[:12]
            if isinstance(result, Skipped):  # extraction failed, and says why
                summary.failed.append(result)
            else:
                try:
                    resolver.resolve(result.entities)
                    rows, keys = article_rows(result), article_keys(document.text)
                    write_article(store, result, replace=document.id in stored, rows=rows, keys=keys)
                    if shares is not None:
                        shares.wrote(document, rows, keys)
                    summary.new += 1
                except StoreUnavailable:
                    raise  # the store is gone: every other article would fail the same way
                except Exception as exc:  # one bad article must not stop the others
                    summary.failed.append(Skipped(name, f"{type(exc).__name__}: {exc}"))
            if progress:
                progress("advance", 1)
    if summary.new and rescan:
        if match_listed(store, resolver) and shares is not None:
            shares.clear()  # merged nodes changed ids: what this run wrote is no longer known exactly
        # Names these articles typed may be in articles stored before them (or earlier in this run).
        grown = (lambda event, n: progress("total", len(docs) + n) if event == "total" else progress(event, n)) \
            if progress else None
        summary.rescan = refresh(store, known, nlp=nlp, n_process=n_process, progress=grown, parses=parses,
                                 shares=shares)
    summary.entities_added = _count(store, "MATCH (n:Entity) RETURN count(n) AS n") - entities_before
    summary.relationships_added = _count(store, "MATCH ()-[r]->() RETURN count(r) AS n") - rels_before
    return summary


def ingest_paths(
    store,
    paths: Iterable[str],
    *,
    source: str | None = None,
    published: str | None = None,
    reprocess: bool = False,
    progress: Callable[[str, int], None] | None = None,
    nlp=None,
    n_process: int = 1,
    rescan: bool = True,
) -> IngestSummary:
    """Read every article under `paths` and ingest it. See ingest_documents."""
    return ingest_documents(store, read_paths(paths, source=source, published=published), reprocess=reprocess,
                            progress=progress, nlp=nlp, n_process=n_process, rescan=rescan)


# -- re-scan: stored articles again, once the graph knows more names (ingest/knowledge.py) --

# Articles that mention a name's key but not the entity, with the names concerned.
_CANDIDATES = """UNWIND $items AS it
MATCH (a:Article) WHERE it.key IN a.name_keys AND a.complete = true
OPTIONAL MATCH (a)-[m:MENTIONS]->(n:Entity {id: it.id})
WITH a, it, m WHERE m IS NULL
RETURN a.id AS id, collect(it.n) AS items"""


def stale_articles(store, names: list[NewName], *, shares: "Shares | None" = None) -> tuple[int, list[dict]]:
    """Stored articles a re-scan should extract again for `names`: (candidates, articles).

    Candidates hold a name's key and do not mention its entity (one indexed lookup); of those,
    the articles whose text really contains one of the names are returned with their metadata.
    When `shares` holds every stored article (an ingest into an empty store), they are found
    there, the same way, without the query.
    """
    if not names:
        return 0, []
    if shares is not None and shares.whole:
        return shares.stale(names)
    items = [{"key": n.key, "id": n.id, "n": n.name} for n in names]
    found: dict[str, list[str]] = {}
    for start in range(0, len(items), 2000):
        for r in store.run(_CANDIDATES, {"items": items[start : start + 2000]}, timeout=300):
            found.setdefault(r["id"], []).extend(r["items"])
    ids = sorted(found)
    out = []
    for start in range(0, len(ids), PAGE):
        res = store.run(
            "UNWIND $ids AS id MATCH (a:Article {id: id}) WHERE a.text IS NOT NULL "
            "RETURN a.id AS id, a.text AS text, a.title AS title, a.source AS source, a.url AS url, "
            "a.published AS published, a.path AS path",
            {"ids": ids[start : start + PAGE]}, timeout=300,
        )
        for r in res:
            if any(mentions(r["text"], n) for n in dict.fromkeys(found[r["id"]])):
                out.append(r)
    return len(ids), out


def rescan(store, names: list[NewName], entries: list[KnownName], *, nlp=None, n_process: int = 0,
           match: bool = True, progress: Callable[[str, int], None] | None = None,
           parses: Parses | None = None, shares: "Shares | None" = None) -> RescanSummary:
    """Extract again, with `entries` as the known names, the stored articles `names` concern;
    then (`match`) match new extracted entities to list-only ones (match_listed). Articles
    whose parse `parses` holds are finished from it (ingest.parallel), not parsed again; an
    article whose new extraction gives what `shares` says it wrote in this run is not
    rewritten: only the properties a rewrite would change are set (Shares)."""
    summary = RescanSummary(new_names=len(names))
    summary.candidates, rows = stale_articles(store, names, shares=shares)
    if not rows:
        return summary
    from ingest.nlp import load

    nlp = nlp or load(getattr(getattr(store, "settings", None), "model", None))
    docs = [Document(text=r["text"], title=r["title"], source=r["source"], url=r["url"], published=r["published"],
                     path=r["path"]) for r in rows]
    if progress:
        progress("total", len(docs))
    resolver = article_resolver(store)
    if n_process == 0:  # as ingest does: workers when there are enough articles to pay for them
        n_process = auto_processes(len(docs))
    elif len(docs) < 2 * n_process:
        n_process = 1  # starting workers would cost more than they save
    with using_index(nlp, entries):
        for _document, result in extract_stream(docs, nlp, batch_size=BATCH_SIZE, n_process=n_process, parses=parses):
            if isinstance(result, Skipped):
                summary.failed += 1
            else:
                resolver.resolve(result.entities)
                rows = article_rows(result)
                changes = shares.changes(store, result.document.id, rows) if shares is not None else None
                if changes is not None:
                    if changes["nodes"] or changes["rels"]:
                        write_changes(store, changes)
                    summary.unchanged += 1
                else:
                    keys = article_keys(result.document.text)
                    write_article(store, result, replace=True, rows=rows, keys=keys)
                    if shares is not None:
                        shares.wrote(result.document, rows, keys)
                summary.rescanned += 1
            if progress:
                progress("advance", 1)
    if match and summary.rescanned and match_listed(store, resolver) and shares is not None:
        shares.clear()
    return summary


def refresh(store, before: list[KnownName], *, nlp=None, n_process: int = 0, max_rounds: int = MAX_ROUNDS,
            match: bool = True, progress: Callable[[str, int], None] | None = None,
            parses: Parses | None = None, shares: "Shares | None" = None) -> RescanSummary:
    """Re-scan the stored articles that mention names the graph learnt since `before` was
    loaded, until a round learns nothing new (at most `max_rounds`); `parses`, `shares`: see rescan."""
    total = RescanSummary()
    for _ in range(max_rounds):
        after = load_index(store)
        names = new_names(before, after)
        if not names:
            break
        total.rounds += 1
        s = rescan(store, names, after, nlp=nlp, n_process=n_process, match=match, progress=progress, parses=parses,
                   shares=shares)
        total.new_names += s.new_names
        total.candidates += s.candidates
        total.rescanned += s.rescanned
        total.unchanged += s.unchanged
        total.failed += s.failed
        before = after
        if not s.rescanned:
            break
    return total


# -- re-scans that change little are not rewritten --------------------------------------------
# Most articles a re-scan extracts again within one ingest give the same rows as their first
# write (bench/RESULTS.md section 7: 149 of 155). Rewriting them strips their share and adds
# the same share back, then sets their scalar properties (the writer's SET +=: the last
# writer's value wins) on their entities and relationships. So for an article whose rows are
# what it wrote in this run, the scalars of its entities and relationships are read back and
# only those that differ from its rows are set again: the graph ends as a full rewrite leaves
# it, except that Article.ingested_at keeps the time of the article's last full write. After a
# list match merged nodes (ids change), every article is rewritten in full.

# One round trip: the article's entities (by id), then its relationships (by position in
# $rels), each with the values of the properties named in row.keys only (not the evidence
# lists other articles filled: those made the read the larger part of the check).
_SHARE_PROPS = """UNWIND $nodes AS row
MATCH (n:Entity {id: row.id})
RETURN 'node' AS kind, row.id AS id, [k IN row.keys | n[k]] AS vals
UNION ALL
UNWIND $rels AS row
MATCH (a:Entity {id: row.start})-[r]->(b:Entity {id: row.end})
WHERE type(r) = row.type AND r.key = row.key
RETURN 'rel' AS kind, toString(row.i) AS id, [k IN row.keys | r[k]] AS vals"""


def _fingerprint(rows: dict[str, list]) -> bytes:
    """A digest of an article's rows but the time it was written. Rows built the same way from
    the same extraction print the same (repr: by value, unlike pickle, which also records which
    strings are one object); a difference in order only costs a full rewrite."""
    import hashlib

    nodes = {k: v for k, v in rows["nodes"].items() if k != "Article"}
    article = {k: v for k, v in rows["nodes"]["Article"][0].items() if k != "ingested_at"}
    return hashlib.sha1(repr((article, nodes, rows["rels"])).encode()).digest()


class Shares:
    """What each article wrote in this run (a fingerprint of its rows), so that a re-scan that
    gives the same rows sets only what a full rewrite would change.

    With `whole_store` (the store held no article when the run began), also each article's
    name keys and mentioned entities, so that the re-scan finds the articles that may mention
    a new name here (stale) rather than with a query over the store's article key index.
    """

    MAX_ARTICLES = 20_000  # articles whose keys are held at most; beyond, the re-scan queries the store

    def __init__(self, whole_store: bool = False) -> None:
        self.by_id: dict[str, bytes] = {}
        self.whole = whole_store
        self.keys: dict[str, frozenset[str]] = {}
        self.mentioned: dict[str, frozenset[str]] = {}
        self.docs: dict[str, Document] = {}

    def wrote(self, document: Document, rows: dict[str, list], keys: list[str]) -> None:
        aid = document.id
        self.by_id[aid] = _fingerprint(rows)
        if self.whole:
            if len(self.docs) >= self.MAX_ARTICLES and aid not in self.docs:
                self.whole = False
                self.keys, self.mentioned, self.docs = {}, {}, {}
                return
            self.keys[aid] = frozenset(keys)
            self.mentioned[aid] = frozenset(r["end"] for r in rows["rels"].get("MENTIONS", ()))
            self.docs[aid] = document

    def clear(self) -> None:
        """Forget what was written (a list match merged nodes: their ids changed)."""
        self.by_id.clear()
        self.whole = False
        self.keys, self.mentioned, self.docs = {}, {}, {}

    def stale(self, names: list[NewName]) -> tuple[int, list[dict]]:
        """stale_articles over the articles written in this run: the same candidates (an article
        holds the name's key and does not mention its entity), the same rows, in the same order."""
        wanted = {n.key for n in names}
        by_key: dict[str, list[str]] = {}
        for aid, keys in self.keys.items():
            for k in keys & wanted:
                by_key.setdefault(k, []).append(aid)
        found: dict[str, list[str]] = {}
        for n in names:
            for aid in by_key.get(n.key, ()):
                if n.id not in self.mentioned[aid]:
                    found.setdefault(aid, []).append(n.name)
        out = []
        for aid in sorted(found):
            d = self.docs[aid]
            if len(d.text) <= MAX_TEXT and any(mentions(d.text, n) for n in dict.fromkeys(found[aid])):
                out.append({"id": aid, "text": d.text, "title": d.title, "source": d.source, "url": d.url,
                            "published": d.published, "path": d.path})
        return len(found), out

    def changes(self, store, aid: str, rows: dict[str, list]) -> dict[str, dict[str, list]] | None:
        """The writes that make the graph what rewriting `rows` in full (replace) would make it:
        None when the article must be rewritten in full, else the scalar properties of its
        entities ("nodes", by label) and relationships ("rels", by type) that differ from its
        rows, as upsert rows (empty: nothing to write)."""
        if self.by_id.get(aid) != _fingerprint(rows):
            return None
        onto = load_ontology()
        out: dict[str, dict[str, list]] = {"nodes": {}, "rels": {}}
        want: dict[str, tuple[str, dict]] = {}
        for label, items in rows["nodes"].items():
            if label != "Article":
                declared = onto.label(label).properties
                for row in items:
                    want[row["id"]] = (label, _scalars(row, declared, ("id",)))
        rels = []
        for rtype, items in rows["rels"].items():
            if rtype == "MENTIONS":  # only this article writes its MENTIONS: the same rows, the same edges
                continue
            declared = onto.rel_type(rtype).properties
            for row in items:
                rels.append({"i": len(rels), "type": rtype, "start": row["start"], "end": row["end"],
                             "key": str(row.get("key") or "")})
                rels[-1]["props"] = _scalars(row, declared, ("start", "end", "key"))
        if not want and not rels:
            return out
        nodes = [{"id": i, "keys": list(props)} for i, (_, props) in sorted(want.items())]
        query = [{**{k: v for k, v in r.items() if k != "props"}, "keys": list(r["props"])} for r in rels]
        got: dict[str, dict] = {}
        found: dict[str, dict] = {}
        for r in store.run(_SHARE_PROPS, {"nodes": nodes, "rels": query}):
            props = want[r["id"]][1] if r["kind"] == "node" else rels[int(r["id"])]["props"]
            (got if r["kind"] == "node" else found)[r["id"]] = dict(zip(props, r["vals"]))
        for node_id, (label, props) in want.items():
            if node_id not in got:
                return None
            diff = {k: v for k, v in props.items() if got[node_id].get(k) != v}
            if diff:
                out["nodes"].setdefault(label, []).append({"id": node_id, **diff})
        for r in rels:
            i = str(r["i"])
            if i not in found:
                return None
            diff = {k: v for k, v in r["props"].items() if found[i].get(k) != v}
            if diff:
                out["rels"].setdefault(r["type"], []).append({"start": r["start"], "end": r["end"], "key": r["key"], **diff})
        return out


def _scalars(row: dict, declared: dict, skip: tuple[str, ...]) -> dict:
    """The scalar properties the writer sets from `row` (graph.cypher: SET += the row's non-list,
    non-null values; the rows here were written before, so each is declared and valid)."""
    return {k: v for k, v in row.items() if k not in skip and v is not None and not declared[k].is_list}


def write_changes(store, changes: dict[str, dict[str, list]]) -> None:
    """Shares.changes' rows, in one atomic batch."""
    with store.batch() as b:
        for label, items in changes["nodes"].items():
            b.upsert_nodes(label, items)
        for rtype, items in changes["rels"].items():
            b.upsert_relationships(rtype, items)

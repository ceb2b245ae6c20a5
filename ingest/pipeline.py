"""Ingest: read articles, extract, resolve, and write each article to the store atomically.

One article's writes (its Article node with complete=true, its entities, MENTIONS and
relationships) go into one store.batch(), so a crash never leaves half an article. An
article whose id (content hash) is already complete is skipped unless reprocess=True, which
makes ingesting the same document twice a no-op.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from graph.errors import StoreUnavailable
from graph.names import StoredArticle, ids_sourced_from, stored_texts, unmentioned
from graph.ontology import load as load_ontology
from graph.writer import AIS_DARK, ArticleFacts, ArticleRecord, EntityFacts, RelationFacts, Sighting, Writer
from ingest.knowledge import (
    MAX_ROUNDS, MAX_TEXT, PAGE, KnownName, NewName, RescanSummary, article_keys, load_index, mentions, new_names,
    using_index,
)
from ingest.lists.records import LIST_SOURCE_PREFIX
from ingest.model import Document, ExtractionResult, Skipped
from ingest.parallel import auto_processes, extract_stream
from ingest.readers import read_paths
from ingest.resolve import Resolver, entity_keys

BATCH_SIZE = 32
# Properties of an extracted entity or relation that go onto its node or edge, as graph/ontology.yaml declares them.
NODE_PROPS = {name: label.attributes for name, label in load_ontology().labels.items() if label.is_entity}
REL_PROPS = {name: rel.own for name, rel in load_ontology().relationships.items()}
# Labels whose extracted identifiers (imo, mmsi, call_sign) are stored, and those that keep AIS-dark statements.
IDENTIFIED = {name for name, label in load_ontology().labels.items() if label.is_entity and label.identifiers}
DARK = {name for name, label in load_ontology().labels.items() if label.is_entity and AIS_DARK in label.properties}


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


def article_facts(result: ExtractionResult) -> ArticleFacts:
    """What one resolved article adds to the graph, as the writer (graph/writer.py) takes it."""
    doc = result.document
    article = ArticleRecord(
        doc.id, doc.title, doc.source, doc.url, doc.published, doc.path,
        # Kept for re-scans when the graph learns new names (ingest.knowledge).
        text=doc.text if len(doc.text) <= MAX_TEXT else None,
        name_keys=tuple(article_keys(doc.text)),
    )
    entities = []
    for e in result.entities:
        props: dict = {}
        dark: tuple[Sighting, ...] = ()
        if e.label in IDENTIFIED:
            props.update(e.identifiers)
        if e.label in DARK:
            dark = tuple(Sighting(d["sentence"], d.get("date"), d.get("cue")) for d in e.props.get(AIS_DARK) or [])
        for prop in NODE_PROPS.get(e.label, ()):
            if e.props.get(prop):
                props[prop] = e.props[prop]
        keys = e.keys or entity_keys(e.label, e.name, e.aliases)
        entities.append(EntityFacts(e.id, e.label, e.name, tuple(e.aliases), tuple(keys), props, len(e.spans), dark))
    ids = {(e.label, e.name): e.id for e in result.entities}
    relations = []
    for r in result.relations:
        start, end = ids.get((r.source_label, r.source)), ids.get((r.target_label, r.target))
        if not start or not end or start == end:
            continue
        values = {"date": r.date, **r.props}
        relations.append(RelationFacts(
            r.type, start, end, r.evidence, r.method, key=r.date or "" if r.type == "CALLED_AT" else "", date=r.date,
            certainty=r.certainty,
            properties={p: values[p] for p in REL_PROPS.get(r.type, ()) if values.get(p) is not None},
        ))
    return ArticleFacts(article, tuple(entities), tuple(relations))


def write_article(store, result: ExtractionResult, *, replace: bool = False) -> None:
    """All writes of one resolved article, in one atomic batch (graph.writer.Writer.add_article).

    `replace` first takes out what an earlier extraction of the same article wrote (its
    MENTIONS, its evidence and article id on relationships, relationships only it stated,
    entities only it named), in the same batch, so a re-extraction never leaves a mix.
    """
    Writer(store).add_article(article_facts(result), replace=replace)


def article_resolver(store) -> Resolver:
    """A resolver over the store's entities for extracted ones, in which a node only a sanctions
    list names is found by IMO number but not by name: a named entity gets its own node, and
    list matching (ingest.lists.match) decides, as it does when the list comes after the
    article — so the graph does not depend on which came first."""
    resolver = Resolver.from_store(store)
    list_only = ids_sourced_from(store, LIST_SOURCE_PREFIX)
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
    writer = Writer(store)
    done: set[str] = set()
    if ids and not reprocess:
        done = writer.complete_articles(ids)
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
    entities_before = writer.entity_count()
    rels_before = writer.relationship_count()
    resolver = article_resolver(store)
    stored: set[str] = set()
    if reprocess and ids:
        stored = writer.stored_articles(ids)
    # n_process > 1 extracts in worker processes; resolution and writes stay in this one.
    if n_process == 0:
        n_process = auto_processes(len(todo))
    # Names the graph already holds are recognised in the new articles (set before the
    # workers fork: they inherit the index).
    known = load_index(store)
    with using_index(nlp, known):
        for document, result in extract_stream(todo, nlp, batch_size=BATCH_SIZE, n_process=n_process):
            name = document.path or document.id[:12]
            if isinstance(result, Skipped):  # extraction failed, and says why
                summary.failed.append(result)
            else:
                try:
                    resolver.resolve(result.entities)
                    write_article(store, result, replace=document.id in stored)
                    summary.new += 1
                except StoreUnavailable:
                    raise  # the store is gone: every other article would fail the same way
                except Exception as exc:  # one bad article must not stop the others
                    summary.failed.append(Skipped(name, f"{type(exc).__name__}: {exc}"))
            if progress:
                progress("advance", 1)
    if summary.new and rescan:
        match_listed(store, resolver)
        # Names these articles typed may be in articles stored before them (or earlier in this run).
        grown = (lambda event, n: progress("total", len(docs) + n) if event == "total" else progress(event, n)) \
            if progress else None
        summary.rescan = refresh(store, known, nlp=nlp, n_process=n_process, progress=grown)
    summary.entities_added = writer.entity_count() - entities_before
    summary.relationships_added = writer.relationship_count() - rels_before
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

def stale_articles(store, names: list[NewName]) -> tuple[int, list[StoredArticle]]:
    """Stored articles a re-scan should extract again for `names`: (candidates, articles).

    Candidates hold a name's key and do not mention its entity (one indexed lookup); of those,
    the articles whose text really contains one of the names are returned with their metadata.
    """
    if not names:
        return 0, []
    found: dict[str, list[str]] = {}
    for start in range(0, len(names), 2000):
        for c in unmentioned(store, names[start : start + 2000]):
            found.setdefault(c.article_id, []).extend(c.names)
    ids = sorted(found)
    out = []
    for start in range(0, len(ids), PAGE):
        for a in stored_texts(store, ids[start : start + PAGE]):
            if any(mentions(a.text, n) for n in dict.fromkeys(found[a.id])):
                out.append(a)
    return len(ids), out


def rescan(store, names: list[NewName], entries: list[KnownName], *, nlp=None, n_process: int = 0,
           match: bool = True, progress: Callable[[str, int], None] | None = None) -> RescanSummary:
    """Extract again, with `entries` as the known names, the stored articles `names` concern;
    then (`match`) match new extracted entities to list-only ones (match_listed)."""
    summary = RescanSummary(new_names=len(names))
    summary.candidates, rows = stale_articles(store, names)
    if not rows:
        return summary
    from ingest.nlp import load

    nlp = nlp or load(getattr(getattr(store, "settings", None), "model", None))
    docs = [Document(text=a.text, title=a.title, source=a.source, url=a.url, published=a.published, path=a.path)
            for a in rows]
    if progress:
        progress("total", len(docs))
    resolver = article_resolver(store)
    if n_process == 0:  # as ingest does: workers when there are enough articles to pay for them
        n_process = auto_processes(len(docs))
    elif len(docs) < 2 * n_process:
        n_process = 1  # starting workers would cost more than they save
    with using_index(nlp, entries):
        for _document, result in extract_stream(docs, nlp, batch_size=BATCH_SIZE, n_process=n_process):
            if isinstance(result, Skipped):
                summary.failed += 1
            else:
                resolver.resolve(result.entities)
                write_article(store, result, replace=True)
                summary.rescanned += 1
            if progress:
                progress("advance", 1)
    if match and summary.rescanned:
        match_listed(store, resolver)
    return summary


def refresh(store, before: list[KnownName], *, nlp=None, n_process: int = 0, max_rounds: int = MAX_ROUNDS,
            match: bool = True, progress: Callable[[str, int], None] | None = None) -> RescanSummary:
    """Re-scan the stored articles that mention names the graph learnt since `before` was
    loaded, until a round learns nothing new (at most `max_rounds`)."""
    total = RescanSummary()
    for _ in range(max_rounds):
        after = load_index(store)
        names = new_names(before, after)
        if not names:
            break
        total.rounds += 1
        s = rescan(store, names, after, nlp=nlp, n_process=n_process, match=match, progress=progress)
        total.new_names += s.new_names
        total.candidates += s.candidates
        total.rescanned += s.rescanned
        total.failed += s.failed
        before = after
        if not s.rescanned:
            break
    return total

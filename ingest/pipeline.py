"""Ingest: read articles, extract, resolve, and write each article to the store atomically.

One article's writes (its Article node with complete=true, its entities, MENTIONS and
relationships) go into one store.batch(), so a crash never leaves half an article. An
article whose id (content hash) is already complete is skipped unless reprocess=True, which
makes ingesting the same document twice a no-op.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
import dataclasses
from dataclasses import dataclass, field

from graph import identity
from graph.errors import StoreUnavailable
from graph.identity import IDENTITY
from graph.names import StoredArticle, ids_sourced_from, stored_texts, unmentioned
from graph.ontology import load as load_ontology
from graph.writer import AIS_DARK, ArticleFacts, ArticleRecord, EntityFacts, RelationFacts, Sighting
from ingest.knowledge import (
    MAX_ROUNDS, MAX_TEXT, PAGE, KnownName, NameMatcher, NewName, RescanSummary, article_keys, begin_rescan,
    end_rescan, load_index, new_names, norm_name, owed_rescan, using_index,
)
from ingest.lists.records import LIST_SOURCE_PREFIX
from ingest.model import Document, ExtractionResult, Skipped
from ingest.parallel import Parses, auto_processes, extract_stream, frozen_heap
from ingest.readers import read_paths
from ingest.resolve import Resolver, entity_keys

BATCH_SIZE = 32
SETTLE_CHUNK = 64  # re-scanned articles settled per read and write (Writer.settle_many)


@dataclass
class IngestSummary:
    """What one ingest run did."""

    new: int = 0
    unchanged: int = 0
    replaced: int = 0  # changed versions of stored articles (same URL, or path without one)
    older: int = 0  # versions dated before a stored version of the same article: not written (newer_version)
    beside: int = 0  # written beside a stored version of the same URL and date (neither replaces the other)
    reprocessed: int = 0  # stored articles extracted and written again (--reprocess)
    failed: list[Skipped] = field(default_factory=list)
    entities_added: int = 0
    relationships_added: int = 0
    rescan: RescanSummary = field(default_factory=RescanSummary)
    alerts: int = 0  # alerts raised for watched items (graph/watch.py)

    @property
    def ok(self) -> bool:
        return not self.failed

    def to_dict(self) -> dict:
        return {
            "articles": {"new": self.new, "unchanged": self.unchanged, "replaced": self.replaced, "older": self.older,
                         "beside": self.beside,
                         "reprocessed": self.reprocessed, "failed": len(self.failed)},
            "failed": [{"path": f.path, "reason": f.reason} for f in self.failed],
            "entities_added": self.entities_added,
            "relationships_added": self.relationships_added,
            "rescanned": self.rescan.rescanned,
            "alerts": self.alerts,
        }


def article_facts(result: ExtractionResult, *, name_keys: bool = True, rekeys=()) -> ArticleFacts:
    """What one resolved article adds to the graph, as the writer (graph/writer.py) takes it
    (`name_keys=False`: without the keys of its text, for comparing facts only; `rekeys`: the
    nodes its resolution re-keyed, Resolver.renamed, written in its batch first)."""
    onto = load_ontology()  # what goes onto a node or edge: the properties graph/ontology.yaml declares
    doc = result.document
    article = ArticleRecord(
        doc.id, doc.title, doc.source, doc.url, doc.published, doc.path,
        # Kept for re-scans when the graph learns new names (ingest.knowledge).
        text=doc.text if len(doc.text) <= MAX_TEXT else None,
        name_keys=tuple(article_keys(doc.text)) if name_keys else (),
    )
    entities = []
    for e in result.entities:
        props: dict = {}
        dark: tuple[Sighting, ...] = ()
        label = onto.label(e.label)
        if label.identifiers:
            props.update(e.identifiers)
        if AIS_DARK in label.properties:
            dark = tuple(Sighting(d["sentence"], d.get("date"), d.get("cue")) for d in e.props.get(AIS_DARK) or [])
        for prop in label.attributes:
            if e.props.get(prop):
                props[prop] = e.props[prop]
        if IDENTITY in label.properties:  # the names and flag this article gives a ship, dated by it
            props[IDENTITY] = identity.article_items(doc.id, e.name, e.props.get("former_names") or (), e.props.get("flag"))
        keys = e.keys or entity_keys(e.label, e.name, e.aliases)
        entities.append(EntityFacts(e.id, e.label, e.name, tuple(e.aliases), tuple(keys), props, len(e.spans), dark))
    ids = {(e.label, e.name): e.id for e in result.entities}
    relations = []
    for r in (*result.relations, *result.denials):  # denials: certainty "denied", kept as evidence against
        start, end = ids.get((r.source_label, r.source)), ids.get((r.target_label, r.target))
        if not start or not end or start == end:
            continue
        values = {"date": r.date, **r.props}
        relations.append(RelationFacts(
            # A port call's date tells two calls at the same port apart.
            r.type, start, end, r.evidence, r.method, key=r.date or "" if r.type == onto.port_call_type else "",
            date=r.date, certainty=r.certainty,
            properties={p: values[p] for p in onto.rel_type(r.type).own if values.get(p) is not None},
        ))
    return ArticleFacts(article, tuple(entities), tuple(relations), tuple(rekeys))


def _day(published: str | None) -> str:
    return (published or "")[:10]


def newer_version(document: Document, stored) -> bool:
    """Whether a stored version of `document` (graph.writer.StoredVersion, same URL or path) is
    dated after it: then `document` is an older text of the article and does not replace it, so
    the version the graph keeps does not depend on which arrived last. Under one URL a version
    without a date comes before every dated one; an article known by its path alone (no URL) is
    compared only when it has a date (without one it is the same file changed)."""
    mine = _day(document.published)
    if not document.url and not mine:
        return False
    return any(_day(v.published) > mine for v in stored)


def replaced_versions(document: Document, stored) -> list:
    """The stored versions `document` replaces (none of them dated after it: newer_version).

    An article known by its path alone replaces every stored version at that path (the same
    input changed). Under a URL, a version replaces those dated before it and the one of its
    own date read from the same path (the same input changed); another text under the same URL
    and date, read from elsewhere (two annexes published at one address on one day), is not
    replaced: both versions stand and the graph holds the facts of both, whichever came first."""
    if not document.url:
        return list(stored)
    mine = _day(document.published)
    return [v for v in stored if _day(v.published) < mine or (v.path == document.path and document.path)]


def write_article(store, result: ExtractionResult, *, replace: bool = False,
                  facts: ArticleFacts | None = None, supersede=(), writer=None) -> None:
    """All writes of one resolved article, in one atomic batch (graph.writer.Writer.add_article).

    `replace` first takes out what an earlier extraction of the same article wrote (its
    MENTIONS, its evidence and article id on relationships, relationships only it stated,
    entities only it named), in the same batch, so a re-extraction never leaves a mix.
    `facts`: article_facts(result), when the caller has them; `supersede`: earlier versions of
    the article (same URL, or path) withdrawn in the same batch; `writer`: the caller's writer.
    """
    (writer or store.writer()).add_article(facts or article_facts(result), replace=replace, supersede=supersede)


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
    with store.ingest_lock(), frozen_heap():
        summary = _ingest_locked(store, items, reprocess, progress, nlp, n_process, rescan)
    summary.alerts = raise_watch_alerts(store)
    return summary


def raise_watch_alerts(store) -> int:
    """Alerts for what changed about watched items (graph/watch.py); how many were raised."""
    from graph import watch

    return len(watch.raise_alerts(store)) if watch.has_watches(store) else 0


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
    writer = store.writer()
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
    # Re-scan work an earlier run recorded and did not finish (it was stopped): done in this one.
    owed = owed_rescan(store)
    if not todo and owed is None:
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
    # The re-scan these writes call for is recorded in the store before the first of them, and
    # removed only once it is done (ingest.knowledge.begin_rescan), even with --no-rescan: the
    # next ingest or import with a re-scan does it.
    base = begin_rescan(store, known) if todo else owed
    # The parses of this run's articles, kept (up to a cap) so that re-scanning them below
    # runs only the components that use the known names.
    parses = Parses() if rescan else None
    # The store held no article before this run: the re-scan finds its articles in `shares`.
    shares = Shares(whole_store=writer.article_count() == 0) if rescan else None
    trust = ListTrust(nlp, known)
    with using_index(nlp, known):
        for document, result in extract_stream(todo, nlp, batch_size=BATCH_SIZE, n_process=n_process, parses=parses):
            name = document.path or document.id[:12]
            if isinstance(result, Skipped):  # extraction failed, and says why
                summary.failed.append(result)
            else:
                try:
                    # An earlier version of this article (same URL, or same path without one):
                    # replaced in the same batch, its facts withdrawn. A stored version dated
                    # after this one stays: the older text is not written (newer_version). One
                    # of the same date under the same URL stands beside it (replaced_versions).
                    stored_versions = [v for v in writer.versions(url=document.url, path=document.path)
                                       if v.id != document.id]
                    if newer_version(document, stored_versions):
                        summary.older += 1
                        if progress:
                            progress("advance", 1)
                        continue
                    old = replaced_versions(document, stored_versions)
                    beside = len(old) < len(stored_versions)
                    result = trust.check(document, result)
                    resolver.resolve(result.entities)
                    facts = article_facts(result, rekeys=resolver.renamed)
                    again = document.id in stored
                    if old:  # an id made from a name only the old version gave is made again
                        facts = resolver.after_versions(store, facts, [v.id for v in old])
                    write_article(store, result, replace=again, facts=facts, supersede=old, writer=writer)
                    if shares is not None:
                        shares.wrote(document, facts, replaced=[v.id for v in old])
                    if again:
                        summary.reprocessed += 1
                    elif old:
                        summary.replaced += 1
                    else:
                        summary.new += 1
                    if beside and not again:
                        summary.beside += 1
                except StoreUnavailable:
                    raise  # the store is gone: every other article would fail the same way
                except Exception as exc:  # one bad article must not stop the others
                    summary.failed.append(Skipped(name, f"{type(exc).__name__}: {exc}"))
                    if resolver.renamed:  # re-keyed in memory, not in the store: start from the store
                        resolver = article_resolver(store)
            if progress:
                progress("advance", 1)
    if rescan and base is not None:
        if match_listed(store, resolver) and shares is not None:
            shares.clear()  # merged nodes changed ids: what this run wrote is no longer known exactly
        # Names these articles typed may be in articles stored before them (or earlier in this run).
        grown = (lambda event, n: progress("total", len(docs) + n) if event == "total" else progress(event, n)) \
            if progress else None
        summary.rescan = refresh(store, base, nlp=nlp, n_process=n_process, progress=grown, parses=parses,
                                 shares=shares)
        end_rescan(store)
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


# -- the trust boundary: what a list says never overrides what an article's text says ---------

class ListTrust:
    """Names only a sanctions list gives (their entity's node is list-only: no article typed it)
    type a mention only where the article's own text does not type it otherwise.

    The known-names component (ingest/components/known.py) ranks a known name above the
    statistical model, which is right for what articles established and wrong for a list's say-so
    alone: a hostile or mistaken list entry (a vessel named like a city, a bank or a head of
    state) would turn every such mention into a ship. So an article whose text holds a
    list-only name (one automaton pass, NameMatcher) is extracted again without those names:
    where that extraction gives the name to an entity of another label, the text has said what
    it is, and the article is extracted without the list's entities for those names. The
    result depends only on the article's text and the index, not on when the list came.
    """

    def __init__(self, nlp, entries: list[KnownName]):
        from ingest.knowledge import resolve_names

        self.nlp, self.entries = nlp, entries
        self.listed = {name: m for name, m in resolve_names(entries).items() if m["list_only"]}
        self.matcher = NameMatcher(self.listed) if self.listed else None

    def _extract(self, document: Document, without: set[str]) -> ExtractionResult:
        from ingest.extract import extract_document
        from ingest.knowledge import COMPONENT

        pipe = self.nlp.get_pipe(COMPONENT)
        pipe.set_index([e for e in self.entries if e.id not in without])
        try:
            return extract_document(document, self.nlp)
        finally:
            pipe.set_index(self.entries)  # the index the rest of the run extracts with

    def check(self, document: Document, result: ExtractionResult) -> ExtractionResult:
        if self.matcher is None or not self.nlp.has_pipe("sanctions_kg_known_v1"):
            return result
        hits = self.matcher.found(document.text)
        if not hits:
            return result
        hit_ids = {self.listed[h]["id"] for h in hits}
        own = self._extract(document, hit_ids)  # what the text says without the list's names
        said: dict[str, set[str]] = {}
        for e in own.entities:
            if _text_types(e, document.text):
                for n in (e.name, *e.aliases):
                    said.setdefault(norm_name(n), set()).add(e.label)
        conflicts = {h for h in hits if said.get(h, set()) - {self.listed[h]["label"]}}
        if not conflicts:
            return result
        ids = {self.listed[h]["id"] for h in conflicts}
        return own if ids == hit_ids else self._extract(document, ids)


# What makes an article's own text say what a name is, against a list: a cue the rules read
# (method "rule"), a place (the model rarely takes a ship for one), a person's title before the
# name, or an organisation's word in it. A bare name the statistical model guesses to be a person
# or an organisation ("Silver Larch took on fuel") says nothing: the list may type it.
_TITLES = {"president", "minister", "prime", "premier", "chancellor", "king", "queen", "prince", "princess", "sheikh",
           "emir", "sultan", "senator", "governor", "mayor", "general", "admiral", "colonel", "mr", "mrs", "ms", "dr",
           "sir", "lady", "lord", "ambassador", "secretary", "chairman", "ceo", "director", "spokesman",
           "spokeswoman", "deputy", "leader", "oligarch", "businessman", "businesswoman"}
_ORG_WORDS = {"bank", "banka", "ministry", "fund", "group", "holding", "holdings", "agency", "office", "council",
              "committee", "university", "institute", "service", "services", "corporation", "company", "trust",
              "exchange", "authority", "department", "federation", "union", "party", "army", "navy", "police"}


def _text_types(e, text: str) -> bool:
    """Whether the article's text itself says what `e` is (see above)."""
    import re

    from graph.ontology import load

    onto = load()
    # Places: the entity labels sanctions-list matching leaves alone (no match_group: ports,
    # countries, locations), which no list names.
    place = e.label in onto.labels and onto.labels[e.label].is_entity and onto.labels[e.label].match_group is None
    if getattr(e, "method", "rule") == "rule" or place:
        return True
    words = {w.lower() for n in (e.name, *e.aliases) for w in re.findall(r"\w+", n)}
    if e.label == "Person":
        for sp in getattr(e, "spans", ()) or ():
            before = re.findall(r"[\w.]+", text[max(0, sp.start - 40) : sp.start])
            if before and before[-1].lower().rstrip(".") in _TITLES:
                return True
        return False
    from ingest.knowledge import LEGAL_WORDS

    return bool(words & (_ORG_WORDS | LEGAL_WORDS))


# -- re-scan: stored articles again, once the graph knows more names (ingest/knowledge.py) --

def stale_articles(store, names: list[NewName], *, shares: Shares | None = None) -> tuple[int, list[StoredArticle]]:
    """Stored articles a re-scan should extract again for `names`: (candidates, articles).

    Candidates hold a name's key and do not mention its entity under that name (one indexed
    lookup); of those, the articles whose text really contains one of the names are returned
    with their metadata.
    When `shares` holds every stored article (an ingest into an empty store), they are found
    there, the same way, without the query.
    """
    if not names:
        return 0, []
    if shares is not None and shares.whole:
        return shares.stale(names)
    found: dict[str, list[str]] = {}
    for start in range(0, len(names), 2000):
        for c in unmentioned(store, names[start : start + 2000]):
            found.setdefault(c.article_id, []).extend(c.names)
    ids = sorted(found)
    out = []
    matcher = NameMatcher(n.name for n in names)  # one automaton for every name: one pass per text
    for start in range(0, len(ids), PAGE):
        for a in stored_texts(store, ids[start : start + PAGE]):
            if not matcher.found(a.text).isdisjoint(norm_name(n) for n in found[a.id]):
                out.append(a)
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
    docs = [Document(text=a.text, title=a.title, source=a.source, url=a.url, published=a.published, path=a.path)
            for a in rows]
    if progress:
        progress("total", len(docs))
    resolver = article_resolver(store)
    if n_process == 0:  # as ingest does: workers when there are enough articles to pay for them
        n_process = auto_processes(len(docs))
    elif len(docs) < 2 * n_process:
        n_process = 1  # starting workers would cost more than they save
    writer = store.writer()
    # Articles whose facts are what they wrote in this run, settled a chunk at a time (one read,
    # one write: Writer.settle_many) in their order among the full rewrites.
    pending: list[tuple[ExtractionResult, ArticleFacts]] = []
    # Articles written in this run whose facts changed: only the difference is written, a chunk
    # at a time in one batch (Writer.revise_many), in their order among the others.
    revisions: list[tuple[ExtractionResult, ArticleFacts, ArticleFacts]] = []

    def rewrite(result: ExtractionResult, rekeys=()) -> None:
        facts = article_facts(result, rekeys=rekeys)
        write_article(store, result, replace=True, facts=facts)
        if shares is not None:
            shares.wrote(result.document, facts)

    def flush_settled() -> None:
        while pending:
            n = writer.settle_many([facts for _, facts in pending])
            summary.unchanged += n
            if n < len(pending):  # one of its nodes or relationships is gone: written in full
                rewrite(pending[n][0])
                n += 1
            del pending[:n]

    def flush_revised() -> None:
        while revisions:
            n = writer.revise_many([(old, new) for _, old, new in revisions])
            for _, _, new in revisions[:n]:
                shares.revised(new)
            summary.revised += n
            if n < len(revisions):  # one it cannot revise: written in full
                rewrite(revisions[n][0])
                n += 1
            del revisions[:n]

    def flush() -> None:
        flush_settled()
        flush_revised()

    trust = ListTrust(nlp, entries)
    with using_index(nlp, entries):
        for document, result in extract_stream(docs, nlp, batch_size=BATCH_SIZE, n_process=n_process, parses=parses):
            if isinstance(result, Skipped):
                summary.failed += 1
            else:
                result = trust.check(document, result)
                resolver.resolve(result.entities)
                rekeys = resolver.renamed
                # The name keys are computed only for an article that is rewritten in full.
                facts = article_facts(result, name_keys=False)
                held = shares.facts(document.id) if shares is not None and not rekeys else None
                if not rekeys and shares is not None and shares.same(facts):
                    flush_revised()
                    pending.append((result, facts))
                    if len(pending) >= SETTLE_CHUNK:
                        flush()
                elif held is not None:
                    flush_settled()
                    revisions.append((result, held, facts))
                    if len(revisions) >= SETTLE_CHUNK:
                        flush()
                else:
                    flush()
                    rewrite(result, rekeys)
                summary.rescanned += 1
            if progress:
                progress("advance", 1)
        flush()
    if match and summary.rescanned and match_listed(store, resolver) and shares is not None:
        shares.clear()
    return summary


@frozen_heap()  # nested in an ingest's own block: nothing more to do
def refresh(store, before: list[KnownName] | frozenset[str], *, nlp=None, n_process: int = 0, max_rounds: int = MAX_ROUNDS,
            match: bool = True, progress: Callable[[str, int], None] | None = None,
            parses: Parses | None = None, shares: "Shares | None" = None) -> RescanSummary:
    """Re-scan the stored articles that mention names the graph learnt since `before` was
    loaded (an index, or its digests: ingest.knowledge.base_of), until a round learns nothing new (at most `max_rounds`); `parses`, `shares`: see rescan."""
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
        total.revised += s.revised
        total.failed += s.failed
        before = after
        if not s.rescanned:
            break
    return total


# -- re-scans that change little are not rewritten --------------------------------------------
# Most articles a re-scan extracts again within one ingest give the same facts as their first
# write (bench/RESULTS.md section 7: 149 of 155). Rewriting them strips their share and adds
# the same share back, then sets their scalar properties (the writer's SET +=: the last
# writer's value wins, e.g. a name; single values follow their sources, graph/sources.py). So for an article whose facts are what it wrote in this run, the
# writer only sets back the scalars later writes changed (graph.writer.Writer.settle_many, up
# to SETTLE_CHUNK such articles with one read and one write, in their order among the full
# rewrites): the graph ends as a full rewrite leaves it, except that Article.ingested_at keeps
# the time of the article's last full write. An article whose re-scan changes its facts (most
# often one name typed, one mention more) gets only the difference written, from the facts it
# wrote (Shares.facts, Writer.revise_many: up to SETTLE_CHUNK articles in one write batch, no
# read): a full rewrite withdraws its share of every entity it names, and deriving again the
# name of an entity most articles name (a port) read all its MENTIONS, ~33 ms an article on
# the re-scan bench (bench/RESULTS.md section 18). After a list match merged nodes, or a
# re-keying changed the ids an article's facts hold, those articles are rewritten in full.


def _fingerprint(facts: ArticleFacts) -> bytes:
    """A digest of an article's facts but its name keys (they follow from its text). Facts made
    the same way from the same extraction print the same (repr: by value)."""
    import hashlib

    return hashlib.sha1(repr((dataclasses.replace(facts.article, name_keys=()), facts.entities, facts.relations)).encode()).digest()


class Shares:
    """What each article wrote in this run (a fingerprint of its facts), so that a re-scan that
    gives the same facts sets only what a full rewrite would change.

    With `whole_store` (the store held no article when the run began), also each article's
    name keys and mentioned entities with the keys of the names it gives them, so that the
    re-scan finds the articles that may mention a new name here (stale) rather than with a
    query over the store's article key index.
    """

    MAX_ARTICLES = 20_000  # articles whose keys, and whose facts, are held at most

    def __init__(self, whole_store: bool = False) -> None:
        self.by_id: dict[str, bytes] = {}
        # What each article wrote (without its text and keys), while the store holds exactly
        # that: a re-scan that changes it writes only the difference (Writer.revise_many).
        self.held: dict[str, ArticleFacts] = {}
        self.whole = whole_store
        self.keys: dict[str, frozenset[str]] = {}
        self.mentioned: dict[str, dict[str, frozenset[str]]] = {}  # article -> entity -> keys (MENTIONS.keys)
        self.docs: dict[str, Document] = {}

    def wrote(self, document: Document, facts: ArticleFacts, *, replaced=()) -> None:
        """`document` was written with `facts` (replacing the articles `replaced`: other versions)."""
        aid = document.id
        self.by_id[aid] = _fingerprint(facts)
        for gone in replaced:  # withdrawn from the store: not re-scanned (the store's query would not find it)
            for known in (self.by_id, self.held, self.keys, self.mentioned, self.docs):
                known.pop(gone, None)
        if facts.rekeys:  # nodes other articles wrote have new ids now: their facts are not what the store holds
            old = {a for a, _ in facts.rekeys}
            for other, held in list(self.held.items()):
                if any(e.id in old for e in held.entities) or any(r.start in old or r.end in old for r in held.relations):
                    del self.held[other]
        self._hold(aid, facts)
        if self.whole:
            if len(self.docs) >= self.MAX_ARTICLES and aid not in self.docs:
                self.whole = False
                self.keys, self.mentioned, self.docs = {}, {}, {}
                return
            self.keys[aid] = frozenset(facts.article.name_keys)
            self.mentioned[aid] = {e.id: frozenset(e.keys) for e in facts.entities if e.mentions}
            self.docs[aid] = document

    def _hold(self, aid: str, facts: ArticleFacts) -> None:
        if len(self.held) < self.MAX_ARTICLES or aid in self.held:
            self.held[aid] = dataclasses.replace(
                facts, article=dataclasses.replace(facts.article, text=None, name_keys=()), rekeys=())

    def revised(self, facts: ArticleFacts) -> None:
        """Its article (written in this run) was revised to `facts` (Writer.revise_many): the same
        text, so the same keys."""
        aid = facts.article.id
        self.by_id[aid] = _fingerprint(facts)
        self._hold(aid, facts)
        if self.whole and aid in self.mentioned:
            self.mentioned[aid] = {e.id: frozenset(e.keys) for e in facts.entities if e.mentions}

    def facts(self, aid: str) -> ArticleFacts | None:
        """What the article wrote in this run, while the store holds exactly that."""
        return self.held.get(aid)

    def same(self, facts: ArticleFacts) -> bool:
        """Whether `facts` are what their article wrote in this run."""
        return self.by_id.get(facts.article.id) == _fingerprint(facts)

    def clear(self) -> None:
        """Forget what was written (a list match merged nodes: their ids changed)."""
        self.by_id.clear()
        self.held.clear()
        self.whole = False
        self.keys, self.mentioned, self.docs = {}, {}, {}

    def stale(self, names: list[NewName]) -> tuple[int, list[StoredArticle]]:
        """stale_articles over the articles written in this run: the same candidates (an article
        holds the name's key and does not mention its entity under that name), the same articles,
        in the same order."""
        wanted = {n.key for n in names}
        by_key: dict[str, list[str]] = {}
        for aid, keys in self.keys.items():
            for k in keys & wanted:
                by_key.setdefault(k, []).append(aid)
        found: dict[str, list[str]] = {}
        for n in names:
            for aid in by_key.get(n.key, ()):
                if n.local not in self.mentioned[aid].get(n.id, ()):
                    found.setdefault(aid, []).append(n.name)
        out = []
        matcher = NameMatcher(n.name for n in names)
        for aid in sorted(found):
            d = self.docs[aid]
            if len(d.text) <= MAX_TEXT and not matcher.found(d.text).isdisjoint(norm_name(n) for n in found[aid]):
                out.append(StoredArticle(aid, d.text, d.title, d.source, d.url, d.published, d.path))
        return len(found), out

"""The typed writer: an article and the facts extracted from it go into the store in domain terms.

    writer = Writer(store)
    done = writer.complete_articles(ids)             # re-ingest skips these
    writer.add_article(ArticleFacts(article, entities, relations), replace=False)
    writer.versions(url=..., path=...)               # stored articles with that identity
    writer.add_article(facts, supersede=old)         # a changed version replaces the old, atomically
    writer.remove_articles([aid])                    # withdraw articles and what only they said

ingest/ turns an extraction into ArticleFacts (resolved entity ids, the properties the ontology
declares); this module decides how they are stored: node and relationship rows, evidence items
(graph/evidence.py), MENTIONS edges with their counts, and on a re-scan (`replace=True`) the
removal of exactly the article's earlier share. Every label, relationship type and property in
the Cypher here is read from and checked against the ontology (graph/ontology.yaml); values
travel as parameters.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from graph import cypher, evidence as ev, rekey, sources
from graph.cypher import Rows
from graph.errors import OntologyError
from graph.ontology import Ontology

if TYPE_CHECKING:
    from graph.store import GraphStore

# The structural names the writer relies on; each must be declared in the ontology (checked when
# the statements are built, so a copy of ontology.yaml without them fails by name).
ARTICLE = "Article"
MENTIONS = "MENTIONS"
AIS_DARK = "ais_dark"  # the list property of AIS-dark evidence items
NAME_KEYS = "name_keys"  # the Article property re-scans look names up by (ingest/knowledge.py)
HISTORY = "history"  # the Article property listing the versions it replaced
MATCH_CANDIDATE = "MATCH_CANDIDATE"  # a list-matching guess: it does not keep an entity alive
IDENTITY = "identity"  # the Vessel list property of its names and flags over time (graph/identity.py)
DENIALS = "denials"  # the entity list property of denied relations (certainty "denied"): never an edge
SOURCES = sources.SOURCES  # the list property of single values' sources (graph/sources.py)


@dataclass(frozen=True, slots=True)
class ArticleRecord:
    """The Article node of one document."""

    id: str  # content hash of the text
    title: str | None = None
    source: str | None = None
    url: str | None = None
    published: str | None = None
    path: str | None = None
    text: str | None = None  # kept for re-scans; None when too long to keep
    name_keys: tuple[str, ...] = ()  # the keys of its capitalised words (set, not merged)


@dataclass(frozen=True, slots=True)
class Sighting:
    """An AIS-dark statement about a vessel in the article: the sentence, when, and the cue."""

    sentence: str
    date: str | None = None
    cue: str | None = None


@dataclass(frozen=True, slots=True)
class EntityFacts:
    """One resolved entity of the article."""

    id: str
    label: str
    name: str
    aliases: tuple[str, ...] = ()
    keys: tuple[str, ...] = ()  # normalised lookup keys of the names
    properties: Mapping[str, Any] = field(default_factory=dict)  # identifiers and attributes the label declares
    mentions: int = 0  # mentions in the text; 0 writes no MENTIONS edge
    ais_dark: tuple[Sighting, ...] = ()


@dataclass(frozen=True, slots=True)
class RelationFacts:
    """One relation the article states between two resolved entities, with its sentence."""

    type: str
    start: str  # entity ids
    end: str
    sentence: str
    method: str = "rule"
    key: str = ""  # tells two edges of one type between the same nodes apart (a port call's date)
    date: str | None = None
    certainty: str = "stated"
    properties: Mapping[str, Any] = field(default_factory=dict)  # declared properties of the type


@dataclass(frozen=True, slots=True)
class ArticleFacts:
    """Everything one article adds to the graph."""

    article: ArticleRecord
    entities: tuple[EntityFacts, ...] = ()
    relations: tuple[RelationFacts, ...] = ()
    rekeys: tuple[tuple[str, str], ...] = ()  # (old id, new id) of nodes re-keyed first (graph/rekey.py)


@dataclass(frozen=True, slots=True)
class StoredVersion:
    """An article in the store, as a newer version of it needs to know it."""

    id: str
    title: str | None
    url: str | None
    path: str | None
    published: str | None
    ingested_at: str | None
    history: tuple[str, ...] = ()

    def record(self, replaced_at: str) -> str:
        """This version as an item of its successor's history (JSON)."""
        return ev._ENCODER.encode({"id": self.id, "published": self.published, "ingested_at": self.ingested_at,
                                   "replaced_at": replaced_at})


@dataclass
class Removal:
    """What withdrawing articles changed: counts before and after, and what was withdrawn."""

    articles: list[StoredVersion] = field(default_factory=list)
    entities_removed: int = 0
    relationships_removed: int = 0  # relationships only they stated (their MENTIONS aside)
    relationships_kept: int = 0  # relationships they stated that other sources state too
    entities_kept: int = 0  # entities they mentioned that other sources name too


@dataclass(frozen=True, slots=True)
class _Statements:
    """The statement texts of one ontology."""

    touched: str
    strip: tuple[str, ...]
    article: str  # the Article upsert (graph/cypher.py), its name_keys set rather than merged
    orphans: str
    complete: str
    stored: str
    entity_count: str
    relationship_count: str
    article_count: str
    settled: str
    by_url: str
    by_path: str
    by_id: str
    by_prefix: str
    by_paths: str
    delete_articles: str
    shared_rels: str
    renamed: str
    named: str


def _check(onto: Ontology) -> None:
    article = onto.label(ARTICLE)
    onto.rel_type(MENTIONS)
    onto.rel_type(MATCH_CANDIDATE)
    for prop in ("id", "complete", "text", NAME_KEYS, HISTORY, "url", "path"):
        if prop not in article.properties:
            raise OntologyError(f"Label {ARTICLE} has no property {prop!r} in graph/ontology.yaml; the writer needs it.")
    for prop in ("articles", "evidence"):
        if prop not in onto.rel_type(MENTIONS).properties:
            raise OntologyError(f"Relationships have no property {prop!r} in graph/ontology.yaml; the writer needs it.")


_BUILT: dict[int, tuple[Ontology, _Statements]] = {}


def _per_ontology(cache: dict, onto: Ontology, build):
    """What `build(onto)` makes, built once per ontology object (Ontology is not hashable)."""
    hit = cache.get(id(onto))
    if hit is None or hit[0] is not onto:
        hit = cache[id(onto)] = (onto, build(onto))
    return hit[1]


def _statements(onto: Ontology) -> _Statements:
    """The statements for `onto`, built once per ontology object."""
    return _per_ontology(_BUILT, onto, _build)


def _build(onto: Ontology) -> _Statements:
    _check(onto)
    entity, art, mentions = onto.entity_label, ARTICLE, MENTIONS
    dark_labels = [name for name, lab in onto.labels.items() if lab.is_entity and AIS_DARK in lab.properties]
    # Replacing an article's facts: its share of each relationship (article id, evidence items),
    # then relationships nothing else states, its AIS-dark items and its MENTIONS edges. UNWIND
    # form throughout: the embedded store compiles batch statements without their parameters.
    strip = [
        # Both ends of a relationship an article stated are entities it mentions, so only edges
        # between two of them are looked at (each pair an expand-into), never every edge of a
        # busy port or country: 40 ms a re-scanned article before, most of a re-scan's time.
        f"""UNWIND $rows AS row
MATCH (a:{art} {{id: row.aid}})-[:{mentions}]->(x:{entity})
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
    ]
    # Its items among the sources of single values (graph/sources.py), on the relationships
    # between entities it mentions and on those entities, and each value they gave derived again
    # from the sources left (gone when none is left).
    rel_props = {p: rt.properties[p] for rt in onto.relationships.values() for p in rt.sourced}
    if rel_props:
        strip.append(_unsourced(f"""UNWIND $rows AS row
MATCH (a:{art} {{id: row.aid}})-[:{mentions}]->(x:{entity})
WITH row, collect(x) AS xs
UNWIND xs AS x
UNWIND xs AS y
MATCH (x)-[r]->(y)
WHERE r.{SOURCES} IS NOT NULL""", "r", rel_props))
    strip += [
        _unsourced(f"""UNWIND $rows AS row
MATCH (a:{art} {{id: row.aid}})-[:{mentions}]->(v:{name})
WHERE v.{SOURCES} IS NOT NULL""", "v", {p: lab.properties[p] for p in lab.sourced})
        for name, lab in onto.labels.items() if lab.sourced
    ]
    strip += [
        f"""UNWIND $rows AS row
MATCH (a:{art} {{id: row.aid}})-[:{mentions}]->(v:{label})
WHERE v.{AIS_DARK} IS NOT NULL
SET v.{AIS_DARK} = [x IN v.{AIS_DARK} WHERE NOT x CONTAINS row.needle]"""
        for label in dark_labels
    ]
    strip += [
        f"""UNWIND $rows AS row
MATCH (a:{art} {{id: row.aid}})-[:{mentions}]->(v:{label})
WHERE v.{IDENTITY} IS NOT NULL
SET v.{IDENTITY} = [x IN v.{IDENTITY} WHERE NOT x CONTAINS row.needle]"""
        for label in (name for name, lab in onto.labels.items() if lab.is_entity and IDENTITY in lab.properties)
    ]
    timeless = "".join(f" AND NOT n:{label}" for label, lab in sorted(onto.labels.items())
                       if lab.is_entity and IDENTITY in lab.properties)
    if any(DENIALS in lab.properties for lab in onto.labels.values() if lab.is_entity):
        strip.append(f"""UNWIND $rows AS row
MATCH (a:{art} {{id: row.aid}})-[:{mentions}]->(v:{entity})
WHERE v.{DENIALS} IS NOT NULL
SET v.{DENIALS} = [x IN v.{DENIALS} WHERE NOT x CONTAINS row.needle]""")
    strip.append(f"""UNWIND $rows AS row
MATCH (a:{art} {{id: row.aid}})-[m:{mentions}]->()
DELETE m""")
    return _Statements(
        # The entities an earlier extraction of the article mentions: the ends of every
        # relationship it stated are among them.
        touched=f"""MATCH (a:{art} {{id: $aid}})-[:{mentions}]->(n:{entity})
RETURN collect(DISTINCT n.id) AS mentioned""",
        strip=tuple(strip),
        article=cypher.upsert_nodes(art, [{"id": "x", NAME_KEYS: [], HISTORY: []}], onto, replace=(NAME_KEYS, HISTORY))[0],
        # Entities the earlier extraction of the article made that nothing holds any more (a
        # match candidate link to a listed entity does not hold one: it was only a guess about
        # that mention).
        orphans=f"""UNWIND $rows AS row
MATCH (n:{entity} {{id: row.id}})
WHERE (n.listed IS NULL OR n.listed = false) AND NOT (n)<-[:{mentions}]-(:{art})
OPTIONAL MATCH (n)-[x]-() WHERE type(x) <> '{MATCH_CANDIDATE}'
WITH n, count(x) AS links WHERE links = 0
DETACH DELETE n""",
        complete=f"MATCH (a:{art}) WHERE a.id IN $ids AND a.complete = true RETURN a.id AS id",
        stored=f"MATCH (a:{art}) WHERE a.id IN $ids RETURN a.id AS id",
        entity_count=f"MATCH (n:{entity}) RETURN count(n) AS n",
        relationship_count="MATCH ()-[r]->() RETURN count(r) AS n",
        article_count=f"MATCH (a:{art}) RETURN count(a) AS n",
        # One round trip for settle(): the article's entities (by id), then its relationships (by
        # position in $rels), each with the values of the properties named in row.keys only (not
        # the evidence lists other articles filled: reading those was most of the check's time).
        settled=f"""UNWIND $nodes AS row
MATCH (n:{entity} {{id: row.id}})
RETURN 'node' AS kind, row.id AS id, [k IN row.keys | n[k]] AS vals
UNION ALL
UNWIND $rels AS row
MATCH (a:{entity} {{id: row.start}})-[r]->(b:{entity} {{id: row.end}})
WHERE type(r) = row.type AND r.key = row.key
RETURN 'rel' AS kind, toString(row.i) AS id, [k IN row.keys | r[k]] AS vals""",
        by_url=f"MATCH (a:{art} {{url: $url}}) RETURN {_VERSION_COLUMNS} ORDER BY id",
        # An article without a URL is known by its path; one with a URL never by its path.
        by_path=f"MATCH (a:{art} {{path: $path}}) WHERE a.url IS NULL RETURN {_VERSION_COLUMNS} ORDER BY id",
        by_id=f"MATCH (a:{art}) WHERE a.id IN $ids RETURN {_VERSION_COLUMNS} ORDER BY id",
        by_prefix=f"MATCH (a:{art}) WHERE a.id STARTS WITH $prefix RETURN {_VERSION_COLUMNS} ORDER BY id",
        by_paths=f"MATCH (a:{art}) WHERE a.path IN $paths RETURN {_VERSION_COLUMNS} ORDER BY id",
        # After articles were withdrawn: an entity they named that others still name keeps
        # only the aliases and keys those others give it (in their stored order); its name is
        # derived again (`named`).
        # Listed entities keep theirs (a list names them too), and so does an entity one of
        # whose articles was written before MENTIONS kept names.
        renamed=f"""UNWIND $rows AS row
MATCH (n:{entity} {{id: row.id}})
WHERE n.listed IS NULL OR n.listed = false
MATCH (a:{art})-[m:{mentions}]->(n)
WITH n, a, m ORDER BY a.ingested_at, a.id
WITH n, collect(m) AS ms
WHERE all(m IN ms WHERE m.names IS NOT NULL AND m.keys IS NOT NULL)
WITH n, ms, reduce(acc = [], m IN ms | acc + m.names) AS names, reduce(acc = [], m IN ms | acc + m.keys) AS keys
SET n.aliases = [x IN coalesce(n.aliases, []) WHERE x IN names],
    n.keys = [k IN coalesce(n.keys, []) WHERE k IN keys]""",
        # The shown name of an entity articles name, whatever order they came in (issue 27; not
        # a listed one: lists and articles both write its name, the last writer's shows; not
        # one whose names change over time, a ship: graph/identity.py): of the names its
        # articles give it (each article's own, MENTIONS.name), the longest (the fullest: an
        # article names a person or body in full, then short), then the one most articles
        # give, then the smallest text. Run after every write of its articles (add, replace,
        # supersede, remove, settle). Left as it is while one of its articles was written
        # before MENTIONS kept names.
        # A row's `name` (add_article: the name the article gives the entity, which its node
        # row no longer sets) is set first, as the upsert's SET += did: the last writer's
        # name, which a listed entity, a ship or one not derived keeps. A row marked `quick`
        # (an added article, not a replaced or superseded one, whose MENTIONS give the entity
        # that name too) whose name is the one the entity showed already skips the derivation:
        # one more article giving the shown name leaves it shown (it was the longest and, of
        # those, most given and smallest), and reading every MENTIONS of an entity most
        # articles name (a country, a port) on every write was quadratic (bench/RESULTS.md §17).
        named=f"""UNWIND $rows AS row
MATCH (n:{entity} {{id: row.id}})
WITH n, row, coalesce(row.quick, false) AND coalesce(n.name = row.name, false) AS s_same
FOREACH (s_i IN CASE WHEN row.name IS NULL OR n.name = row.name THEN [] ELSE [1] END | SET n.name = row.name)
WITH n, s_same
WHERE NOT s_same AND (n.listed IS NULL OR n.listed = false){timeless}
MATCH (:{art})-[m:{mentions}]->(n)
WITH n, collect(m.name) AS ns, count(m) AS c
WHERE size(ns) = c
WITH n, ns, reduce(s_l = 0, s_y IN ns | CASE WHEN size(s_y) > s_l THEN size(s_y) ELSE s_l END) AS len
WITH n, [s_x IN ns WHERE size(s_x) = len] AS top
WITH n, top, reduce(s_acc = [], s_v IN top | CASE WHEN s_v IN s_acc THEN s_acc ELSE s_acc + s_v END) AS ds
SET n.name = reduce(s_b = [null, 0], s_d IN ds | [s_c IN [size([s_v IN top WHERE s_v = s_d])] | CASE WHEN s_c > s_b[1] OR (s_c = s_b[1] AND s_d < s_b[0]) THEN [s_d, s_c] ELSE s_b END][0])[0]""",
        delete_articles=f"""UNWIND $rows AS row
MATCH (a:{art} {{id: row.aid}})
DETACH DELETE a""",
        # The relationships among `ids` the articles stated (each once), and how many of them
        # other sources (another article, a list) state too.
        shared_rels=f"""MATCH (x:{entity})-[r]->(y:{entity})
WHERE x.id IN $ids AND y.id IN $ids AND any(a IN $aids WHERE a IN coalesce(r.articles, []))
RETURN count(r) AS stated,
       sum(CASE WHEN any(a IN r.articles WHERE NOT a IN $aids)
                  OR any(e IN coalesce(r.evidence, []) WHERE NOT any(a IN $aids WHERE e CONTAINS a)) THEN 1 ELSE 0 END) AS shared""",
    )


def _unsourced(match: str, target: str, props: Mapping[str, Any]) -> str:
    """`match` (binding `row` and `target`) followed by the removal of the items article
    row.aid gave `target` and the derivation of each property they named from the items left."""
    gone = sources.of_source(f"{target}.{SOURCES}", "row.aid")
    sets = [f"{target}.{SOURCES} = {sources.none_if_empty('s_kept')}"]
    sets += [f"{target}.{p} = CASE WHEN {sources.names(p, 's_gone')} THEN {sources.value('s_kept', p, prop.type)} "
             f"ELSE {target}.{p} END" for p, prop in sorted(props.items())]
    return (f"""{match}
WITH DISTINCT {target}, row, {gone} AS s_gone
WHERE size(s_gone) > 0
WITH {target}, s_gone, [s_x IN {target}.{SOURCES} WHERE NOT s_x IN s_gone] AS s_kept
SET """ + ",\n    ".join(sets))


# -- a re-scan's revision: only what an article's new facts change (Writer.revise_many) --------


@dataclass(frozen=True, slots=True)
class _Revisions:
    """The statement texts of Writer.revise_many: the withdrawal statements of `strip`, each on
    given relationships (by start, type, key, end) or entities (by label and id) instead of on
    everything the article mentions."""

    rels: tuple[str, ...]  # its share of changed relationships (the evidence, then single values' sources)
    nodes: tuple[tuple[str, str], ...]  # (label, statement): its items on changed entities of that label
    unmention: str  # its MENTIONS edges to changed entities


_REVISIONS: dict[int, tuple[Ontology, _Revisions]] = {}


def _revisions(onto: Ontology) -> _Revisions:
    return _per_ontology(_REVISIONS, onto, _build_revisions)


def _build_revisions(onto: Ontology) -> _Revisions:
    _check(onto)
    entity, art, mentions = onto.entity_label, ARTICLE, MENTIONS
    edge = f"""UNWIND $rows AS row
MATCH (x:{entity} {{id: row.start}})-[r]->(y:{entity} {{id: row.end}})
WHERE type(r) = row.type AND r.key = row.key"""
    rels = [f"""{edge} AND row.aid IN coalesce(r.articles, [])
SET r.articles = [x IN r.articles WHERE x <> row.aid],
    r.evidence = [x IN coalesce(r.evidence, []) WHERE NOT x CONTAINS row.needle]
WITH r WHERE size(r.articles) = 0 AND size(r.evidence) = 0
DELETE r"""]
    rel_props = {p: rt.properties[p] for rt in onto.relationships.values() for p in rt.sourced}
    if rel_props:
        rels.append(_unsourced(f"{edge} AND r.{SOURCES} IS NOT NULL", "r", rel_props))
    nodes: list[tuple[str, str]] = []
    for name, lab in onto.labels.items():
        if not lab.is_entity:
            continue
        one = f"UNWIND $rows AS row\nMATCH (v:{name} {{id: row.id}})"
        if lab.sourced:
            nodes.append((name, _unsourced(f"{one}\nWHERE v.{SOURCES} IS NOT NULL", "v",
                                           {p: lab.properties[p] for p in lab.sourced})))
        for prop in (AIS_DARK, IDENTITY, DENIALS):
            if prop in lab.properties:
                nodes.append((name, f"""{one}
WHERE v.{prop} IS NOT NULL
SET v.{prop} = [x IN v.{prop} WHERE NOT x CONTAINS row.needle]"""))
    return _Revisions(tuple(rels), tuple(nodes), f"""UNWIND $rows AS row
MATCH (a:{art} {{id: row.aid}})-[m:{mentions}]->(v:{entity} {{id: row.id}})
DELETE m""")


_VERSION_COLUMNS = ("a.id AS id, a.title AS title, a.url AS url, a.path AS path, a.published AS published, "
                    "a.ingested_at AS ingested_at, a.history AS history")


def statements(onto: Ontology) -> list[str]:
    """Every statement text the writer sends for `onto` besides graph/cypher.py's upserts (for
    the offline Neo4j syntax check)."""
    s = _statements(onto)
    return [s.touched, *s.strip, s.article, s.orphans, s.complete, s.stored, s.entity_count, s.relationship_count,
            s.article_count, s.settled, s.by_url, s.by_path, s.by_id, s.by_prefix, s.by_paths, s.delete_articles, s.shared_rels, s.renamed, s.named,
            *_revisions(onto).rels, *(text for _, text in _revisions(onto).nodes), _revisions(onto).unmention]


def _count(store: GraphStore, query: str) -> int:
    rows = store.run(query).rows
    return int(next(iter(rows[0].values()))) if rows else 0


class Writer:
    """Writes articles with their facts into `store`, and answers what a writer must know first."""

    def __init__(self, store: GraphStore):
        self.store = store
        self._q = _statements(store.ontology)

    # -- what is there -----------------------------------------------------------------
    def complete_articles(self, ids: list[str]) -> set[str]:
        """The ids among `ids` of articles written completely (a re-ingest skips them)."""
        return {row["id"] for row in self.store.run(self._q.complete, {"ids": ids}).rows}

    def stored_articles(self, ids: list[str]) -> set[str]:
        """The ids among `ids` of articles in the store, complete or not (their facts get replaced)."""
        return {row["id"] for row in self.store.run(self._q.stored, {"ids": ids}).rows}

    def entity_count(self) -> int:
        return _count(self.store, self._q.entity_count)

    def relationship_count(self) -> int:
        return _count(self.store, self._q.relationship_count)

    def article_count(self) -> int:
        return _count(self.store, self._q.article_count)

    def mentioned(self, article_id: str) -> list[str]:
        """The ids of the entities the stored article mentions, sorted."""
        res = self.store.run(self._q.touched, {"aid": article_id}, timeout=120)
        return sorted(set(res.rows[0]["mentioned"] or [])) if res.rows else []

    def _versions(self, query: str, params: dict[str, Any]) -> list[StoredVersion]:
        return [StoredVersion(r["id"], r["title"], r["url"], r["path"], r["published"], r["ingested_at"],
                              tuple(r["history"] or ())) for r in self.store.run(query, params).rows]

    def versions(self, *, url: str | None = None, path: str | None = None) -> list[StoredVersion]:
        """The stored articles that are versions of one article: those with this URL, or, for an
        article without one, those without a URL at this path. Sorted by id."""
        if url:
            return self._versions(self._q.by_url, {"url": url})
        if path:
            return self._versions(self._q.by_path, {"path": path})
        return []

    def stored_versions(self, ids: list[str]) -> list[StoredVersion]:
        """The stored articles with these ids."""
        return self._versions(self._q.by_id, {"ids": ids}) if ids else []

    def articles_with_prefix(self, prefix: str) -> list[StoredVersion]:
        """The stored articles whose id starts with `prefix` (a scan of the articles)."""
        return self._versions(self._q.by_prefix, {"prefix": prefix})

    def articles_at(self, paths: list[str]) -> list[StoredVersion]:
        """The stored articles ingested from any of these paths."""
        return self._versions(self._q.by_paths, {"paths": paths})

    # -- writing -----------------------------------------------------------------------
    def _strip(self, b, aids: list[str]) -> None:
        """Add to batch `b` the removal of these articles' share of the graph (not their nodes).

        One article per statement: when two articles gave items to one node or relationship (two
        versions of one URL and date, superseded together), the rows of one statement would each
        derive the list from what it held before either took its items out, and the last SET
        would put the other's items back."""
        for aid in aids:
            strip = Rows(rows=[{"aid": aid, "needle": f'"article":"{aid}"'}])
            for query in self._q.strip:
                b.run(query, strip)

    def add_article(self, facts: ArticleFacts, *, replace: bool = False,
                    supersede: list[StoredVersion] | None = None) -> None:
        """All writes of one article, in one atomic batch (its Article node complete=true last).

        `replace` first takes out what an earlier extraction of the same article wrote (its
        MENTIONS, its evidence and article id on relationships, relationships only it stated,
        entities only it named), in the same batch, so a re-extraction never leaves a mix. Only
        edges between entities the article mentions are looked at.

        `supersede`: earlier versions of the article (other ids: versions()) that this one
        replaces: their share is taken out and their nodes deleted in the same batch, and the
        new Article's `history` lists them (with theirs before), oldest first.
        """
        nodes, rels = self._rows(facts)
        aid = facts.article.id
        old = [v for v in supersede or () if v.id != aid]
        touched = sorted(set(self.mentioned(aid) if replace else []).union(*(self.mentioned(v.id) for v in old)))
        if old:
            now = datetime.now(timezone.utc).isoformat(timespec="seconds")
            earlier = sorted(old, key=lambda v: (v.ingested_at or "", v.id))
            nodes[ARTICLE][0][HISTORY] = [h for v in earlier for h in (*v.history, v.record(now))]
        q = self._q
        if facts.rekeys:  # what was mentioned under an old id is touched under its new one
            touched = sorted({dict(facts.rekeys).get(i, i) for i in touched})
        with self.store.batch() as b:
            if facts.rekeys:  # a fuller name re-keys nodes, before the facts that use the new ids
                rekey.add_rekeys(b, self.store, facts.rekeys)
            if replace or old:
                self._strip(b, ([aid] if replace else []) + [v.id for v in old])
            if old:
                b.run(q.delete_articles, Rows(rows=[{"aid": v.id} for v in old]))
            # The Article goes last among nodes only so that its complete=true lands with the rest.
            # An entity's name is set by `named` below (the last row's, as SET += would).
            shown: dict[str, str] = {}
            ids: set[str] = set(touched)
            for label, items in nodes.items():
                if label != ARTICLE:
                    ids.update(row["id"] for row in items)
                    declared = self.store.ontology.label(label).properties["name"]
                    for row in items:
                        if row["name"] is not None:  # checked as the upsert checks its values
                            shown[row["id"]] = cypher._scalar(row["name"], declared, label)
                    b.upsert_nodes(label, [{k: v for k, v in row.items() if k != "name"} for row in items])
            # Its name_keys are set, not merged: the keys of this text (a list union over
            # thousands of keys is slow), in the same statement; its history too, oldest first.
            b.run(*cypher.upsert_nodes(ARTICLE, nodes[ARTICLE], self.store.ontology, replace=(NAME_KEYS, HISTORY)))
            for rtype, items in rels.items():
                b.upsert_relationships(rtype, items)
            if touched:
                b.run(q.orphans, Rows(rows=[{"id": i} for i in touched]))
            if old and touched:
                b.run(q.renamed, Rows(rows=[{"id": i} for i in touched]))
            # The name this article's MENTIONS give each entity (the last row's, as MERGE keeps).
            said = {row["end"]: row["name"] for row in rels.get(MENTIONS, ())}
            named = []
            for i in sorted(ids):
                row: dict[str, Any] = {"id": i}
                if i in shown:
                    row["name"] = shown[i]
                    row["quick"] = i not in touched and said.get(i, shown[i]) == shown[i]
                named.append(row)
            if named:  # ids and names checked (the names above): sent as checked parameters
                b.run(q.named, cypher._params(named, ("id",)))

    def remove_articles(self, ids: list[str], *, rekeys=()) -> Removal:
        """Withdraw stored articles: their share of every relationship (a relationship only they
        stated goes), their MENTIONS and AIS-dark items, their nodes, and the entities nothing
        else holds any more; facts another article or a list also states stay. One batch, which
        ends with `rekeys` (old id, new id: an id made from a name only they gave, graph/rekey.py)."""
        found = self.stored_versions(sorted(set(ids)))
        removal = Removal(articles=found)
        aids = [v.id for v in found]
        if not aids:
            return removal
        touched = sorted(set().union(*(self.mentioned(a) for a in aids)))
        entities = self.entity_count()
        shared = self.store.run(self._q.shared_rels, {"ids": touched, "aids": aids}).rows
        with self.store.batch() as b:
            self._strip(b, aids)
            b.run(self._q.delete_articles, Rows(rows=[{"aid": a} for a in aids]))
            if touched:
                b.run(self._q.orphans, Rows(rows=[{"id": i} for i in touched]))
                b.run(self._q.renamed, Rows(rows=[{"id": i} for i in touched]))
                b.run(self._q.named, Rows(rows=[{"id": i} for i in touched]))
            if rekeys:
                rekey.add_rekeys(b, self.store, rekeys)
        removal.entities_removed = entities - self.entity_count()
        stated = int(shared[0]["stated"] or 0) if shared else 0
        removal.relationships_kept = int(shared[0]["shared"] or 0) if shared else 0
        removal.relationships_removed = stated - removal.relationships_kept
        removal.entities_kept = len(touched) - removal.entities_removed
        return removal

    def settle(self, facts: ArticleFacts) -> bool:
        """Make the graph what add_article(facts, replace=True) would make it, for an article
        whose facts are exactly what it wrote earlier (the caller knows that: a re-scan within
        one ingest, ingest.pipeline.Shares): only the scalar properties of its entities and
        relationships that later writes changed (SET +=: the last writer wins, e.g. a name) are
        set back, in one batch. Single values kept with their sources (graph/sources.py) need
        nothing: a rewrite would give them the same items back. The Article keeps its ingested_at. False, writing nothing, when one of its
        nodes or relationships is gone: write it in full instead."""
        return self.settle_many([facts]) == 1

    def settle_many(self, many: list[ArticleFacts]) -> int:
        """settle() for several articles in their order, with one read and one write batch: the
        graph ends as settling them one after the other leaves it. Returns how many, from the
        front, were settled; the article after them (if any) has a node or relationship that is
        gone and was not settled (write it in full, then settle the rest again)."""
        onto = self.store.ontology
        plans: list[tuple[dict[str, tuple[str, dict]], dict[tuple, dict]]] = []
        node_keys: dict[str, set[str]] = {}
        rel_keys: dict[tuple, set[str]] = {}
        for facts in many:
            nodes, rels = self._rows(facts)
            want: dict[str, tuple[str, dict]] = {}
            for label, items in nodes.items():
                if label != ARTICLE:
                    declared = onto.label(label).properties
                    for row in items:
                        want[row["id"]] = (label, _scalars(row, declared, ("id",)))
                        node_keys.setdefault(row["id"], set()).update(want[row["id"]][1])
            edges: dict[tuple, dict] = {}
            for rtype, items in rels.items():
                if rtype == MENTIONS:  # only this article writes its MENTIONS: the same rows, the same edges
                    continue
                declared = onto.rel_type(rtype).properties
                for row in items:
                    sig = (rtype, row["start"], row["end"], str(row.get("key") or ""))
                    edges[sig] = _scalars(row, declared, ("start", "end", "key"))
                    rel_keys.setdefault(sig, set()).update(edges[sig])
            plans.append((want, edges))
        if not node_keys and not rel_keys:
            return len(many)
        sigs = list(rel_keys)
        params = {"nodes": [{"id": i, "keys": sorted(ks)} for i, ks in sorted(node_keys.items())],
                  "rels": [{"i": n, "type": t, "start": a, "end": b, "key": k, "keys": sorted(rel_keys[(t, a, b, k)])}
                           for n, (t, a, b, k) in enumerate(sigs)]}
        # What the graph holds now, then what each settled article sets on top (in order).
        now: dict[tuple, Any] = {}
        found: set = set()
        for r in self.store.run(self._q.settled, params):
            if r["kind"] == "node":
                what = r["id"]
                keys = sorted(node_keys[what])
            else:
                what = sigs[int(r["id"])]
                keys = sorted(rel_keys[what])
            found.add(what)
            for k, v in zip(keys, r["vals"]):
                now[(what, k)] = v
        before = dict(now)
        labels: dict[str, str] = {}
        done = 0
        for want, edges in plans:
            if any(i not in found for i in want) or any(sig not in found for sig in edges):
                break
            for node_id, (label, props) in want.items():
                labels[node_id] = label
                for k, v in props.items():
                    now[(node_id, k)] = v
            for sig, props in edges.items():
                for k, v in props.items():
                    now[(sig, k)] = v
            done += 1
        node_rows: dict[str, dict[str, dict]] = {}
        rel_rows: dict[tuple, dict] = {}
        for (what, k), v in now.items():
            if before.get((what, k)) == v:
                continue
            if isinstance(what, str):
                node_rows.setdefault(labels[what], {}).setdefault(what, {"id": what})[k] = v
            else:
                rel_rows.setdefault(what, {"start": what[1], "end": what[2], "key": what[3]})[k] = v
        if node_rows or rel_rows:
            by_type: dict[str, list[dict]] = {}
            for sig, row in rel_rows.items():
                by_type.setdefault(sig[0], []).append(row)
            with self.store.batch() as b:
                for label, items in node_rows.items():
                    b.upsert_nodes(label, list(items.values()))
                # A row sets the article's own name back; the shown name is derived again.
                if node_rows:
                    b.run(self._q.named, Rows(rows=[{"id": i} for items in node_rows.values() for i in sorted(items)]))
                for rtype, rows in by_type.items():
                    b.upsert_relationships(rtype, rows)
        return done

    def revise_many(self, pairs: list[tuple[ArticleFacts, ArticleFacts]]) -> int:
        """For each (old, new) in order: make the graph what add_article(new, replace=True) would
        make it, for an article whose facts in the store are exactly `old` (the caller knows that:
        it wrote them in this run and nothing has re-keyed or merged their nodes since,
        ingest.pipeline.Shares), by writing only what `new` changes. One write batch for all, no
        read. Returns how many were revised: those before the first pair this cannot revise (a
        re-keying one, or one naming an entity or an edge twice), which the caller writes in full.

        A full rewrite withdraws the article's share of everything it mentions and writes it all
        again. Here an entity whose node row and MENTIONS row are the same in old and new, and an
        edge whose row is the same, keep their share: only their scalar properties are set again
        (SET +=: the last writer wins, as the rewrite's upsert does) and the entity's name with
        `named`'s quick path (its articles' names did not change, so its derived name stands unless
        this article's name must be set back). The rest is withdrawn by id (the statements of
        `strip`, on those entities and edges only) and written again, then the entities it no
        longer names are checked as orphans and their names derived again. The Article node is
        left as it is (its text, and so its keys, are the same; it keeps its ingested_at, as
        settle does). Lists end with the same items as a rewrite leaves, in another order (their
        items are sets)."""
        plans = []
        for old, new in pairs:
            plan = self._revision(old, new)
            if plan is None:
                break
            plans.append(plan)
        if plans:
            with self.store.batch() as b:
                for plan in plans:
                    for query, params in plan:
                        b.run(query, params)
        return len(plans)

    def _revision(self, old: ArticleFacts, new: ArticleFacts) -> list | None:
        """The statements of one article's revision (revise_many), or None when it cannot be revised."""
        aid = new.article.id
        if old.article.id != aid or new.rekeys or old.rekeys:
            return None
        onto = self.store.ontology
        q, rq = self._q, _revisions(onto)
        o_nodes, o_rels = self._rows(old)
        n_nodes, n_rels = self._rows(new)

        def entities(nodes):
            out = {row["id"]: (label, row) for label, items in nodes.items() if label != ARTICLE for row in items}
            return out if len(out) == sum(len(items) for label, items in nodes.items() if label != ARTICLE) else None

        def edges(rels):
            out = {(t, row["start"], row["end"], str(row.get("key") or "")): row
                   for t, items in rels.items() if t != MENTIONS for row in items}
            return out if len(out) == sum(len(items) for t, items in rels.items() if t != MENTIONS) else None

        o_ent, n_ent, o_edge, n_edge = entities(o_nodes), entities(n_nodes), edges(o_rels), edges(n_rels)
        o_men = {row["end"]: row for row in o_rels.get(MENTIONS, ())}
        n_men = {row["end"]: row for row in n_rels.get(MENTIONS, ())}
        if o_ent is None or n_ent is None or o_edge is None or n_edge is None \
                or len(o_men) != len(o_rels.get(MENTIONS, ())) or len(n_men) != len(n_rels.get(MENTIONS, ())):
            return None
        touched = set(o_men)  # what the article's MENTIONS in the store reach (mentioned())
        same = {i for i in touched if i in n_ent and o_ent[i] == n_ent[i] and o_men[i] == n_men.get(i)}
        kept = {s for s, row in o_edge.items() if n_edge.get(s) == row}
        needle = f'"article":"{aid}"'
        out: list = []
        # Withdrawn: its share of the edges it stated between entities it mentions that change
        # (the edges `strip` reaches), then its items on, and MENTIONS of, entities that change.
        gone_edges = [{"start": a, "type": t, "key": k, "end": e, "aid": aid, "needle": needle}
                      for (t, a, e, k) in sorted(set(o_edge) - kept) if a in touched and e in touched]
        if gone_edges:
            out += [(text, Rows(rows=gone_edges)) for text in rq.rels]
        changed = sorted(touched - same)
        for label, text in rq.nodes:
            rows = [{"id": i, "aid": aid, "needle": needle} for i in changed if o_ent[i][0] == label]
            if rows:
                out.append((text, Rows(rows=rows)))
        if changed:
            out.append((rq.unmention, Rows(rows=[{"id": i, "aid": aid} for i in changed])))
        # Written: the rows of what changes in full, the scalars of what stays (as SET += sets them).
        shown: dict[str, str] = {}
        for label, items in n_nodes.items():
            if label == ARTICLE:
                continue
            props = onto.label(label).properties
            full = [{k: v for k, v in row.items() if k != "name"} for row in items if row["id"] not in same]
            plain = [{"id": row["id"], **_scalars(row, props, ("id", "name"))} for row in items if row["id"] in same]
            for row in items:
                if row["name"] is not None:
                    shown[row["id"]] = cypher._scalar(row["name"], props["name"], label)
            for rows in (full, plain):
                if rows:
                    out.append(cypher.upsert_nodes(label, rows, onto))
        for rtype, items in n_rels.items():
            if rtype == MENTIONS:
                full = [row for row in items if row["end"] not in same]
                plain = []
            else:
                props = onto.rel_type(rtype).properties
                sig = lambda row: (rtype, row["start"], row["end"], str(row.get("key") or ""))  # noqa: E731
                full = [row for row in items if sig(row) not in kept]
                # An edge that stays and has no scalar to set again needs nothing (its MERGE finds it).
                plain = [{"start": row["start"], "end": row["end"], "key": row.get("key") or "", **values}
                         for row in items if sig(row) in kept
                         for values in [_scalars(row, props, ("start", "end", "key"))] if values]
            for rows in (full, plain):
                if rows:
                    out.append(cypher.upsert_relationships(rtype, rows, onto))
        if changed:
            out.append((q.orphans, Rows(rows=[{"id": i} for i in changed])))
        # Names: as add_article sets them; an entity that stays takes the quick path.
        said = {row["end"]: row["name"] for row in n_rels.get(MENTIONS, ())}
        named = []
        for i in sorted(touched | set(n_ent)):
            row: dict[str, Any] = {"id": i}
            if i in shown:
                row["name"] = shown[i]
                row["quick"] = i in same or (i not in touched and said.get(i, shown[i]) == shown[i])
            named.append(row)
        if named:
            out.append((q.named, cypher._params(named, ("id",))))
        return out

    def _rows(self, facts: ArticleFacts) -> tuple[dict[str, list[dict]], dict[str, list[dict]]]:
        """The node rows by label and relationship rows by type that `facts` become.

        Relations of one type between the same two entities with the same key are one edge,
        with each distinct evidence item and method once, and each property's first value."""
        art = facts.article
        aid = art.id
        nodes: dict[str, list[dict]] = {ARTICLE: [{
            "id": aid, "title": art.title, "source": art.source, "url": art.url, "published": art.published,
            "path": art.path, "ingested_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "complete": True, "text": art.text, NAME_KEYS: list(art.name_keys),
        }]}
        rels: dict[str, list[dict]] = {}
        labels, rtypes = self.store.ontology.labels, self.store.ontology.relationships
        for e in facts.entities:
            row = {"id": e.id, "name": e.name, "aliases": sorted(set(e.aliases) | {e.name}), "keys": list(e.keys),
                   "source": "article"}
            if e.ais_dark:
                row[AIS_DARK] = [ev.encode(aid, d.sentence, "rule", date=d.date, cue=d.cue) for d in e.ais_dark]
            row.update(e.properties)
            sources.itemize(row, aid, labels[e.label].sourced)
            nodes.setdefault(e.label, []).append(row)
            if e.mentions:
                rels.setdefault(MENTIONS, []).append({"start": aid, "end": e.id, "count": e.mentions, "keys": list(e.keys),
                                                      "names": sorted(set(e.aliases) | {e.name}), "name": e.name})
        merged: dict[tuple, dict] = {}
        node_rows = {row["id"]: row for items in nodes.values() for row in items}
        for r in facts.relations:
            if r.certainty == "denied":
                # Evidence against a fact, kept on its start entity (graph/claims.py joins it to
                # the edge when one exists): a denial alone never makes an edge.
                row = node_rows.get(r.start)
                if row is not None:
                    item = ev.encode(aid, r.sentence, r.method, date=r.date, certainty="denied", type=r.type, target=r.end)
                    if item not in row.setdefault(DENIALS, []):
                        row[DENIALS].append(item)
                continue
            sig = (r.type, r.start, r.end, r.key)
            row = merged.get(sig)
            if row is None:
                row = merged[sig] = {"start": r.start, "end": r.end, "key": r.key, "articles": [aid], "evidence": [],
                                     "methods": []}
            item = ev.encode(aid, r.sentence, r.method, date=r.date, certainty=r.certainty)
            if item not in row["evidence"]:
                row["evidence"].append(item)
            if r.method not in row["methods"]:
                row["methods"].append(r.method)
            for prop, value in r.properties.items():
                if value is not None and value != "" and row.get(prop) is None:
                    row[prop] = value
        for (rtype, *_), row in merged.items():
            # The article is one source of each value it gives (its first, in text order); the
            # edge shows the value most sources give, whatever order articles came in.
            sources.itemize(row, aid, rtypes[rtype].sourced)
            rels.setdefault(rtype, []).append(row)
        return nodes, rels


def shown_name(names: list[str]) -> str | None:
    """The name an entity articles name shows, of the names its articles give it (one each):
    the longest, then the one most articles give, then the smallest text (what the Cypher of the
    writer's `named` computes)."""
    if not names:
        return None
    return min(set(names), key=lambda x: (-len(x), -names.count(x), x))


def _scalars(row: dict, declared: Mapping[str, Any], skip: tuple[str, ...]) -> dict:
    """The scalar properties the writer sets from `row` (graph/cypher.py: SET += the row's
    non-list, non-null values; rows made by Writer._rows, so each is declared and valid)."""
    return {k: v for k, v in row.items() if k not in skip and v is not None and not declared[k].is_list}

"""Entity resolution: one graph node per real thing, across articles and runs.

Ids are stable and readable: `imo:9161003` for a ship with an IMO number, otherwise
`<label>:<slug of the normalised name>` (`port:rason`, `company:oboronlogistika`). For a label
that declares `id_name: fullest` (people, agencies) the name is the fullest one its articles give
(most words, then longest, then the smallest text: `fullest`), so the id does not depend on which
article came first: a node first met as `person:voskin` is re-keyed `person:marek-voskin` when an
article gives the full name (Resolver.renamed; graph/rekey.py moves every stored copy of the id in
that article's batch). A node first met by name alone (`vessel:pale-comet`) is re-keyed
to its identifier's id (`imo:9234563`) when a mention with the identifier joins it by name. Two full names of such a label whose words do not hold one another
("Marek Voskin", "Ilona Voskin") never join through a key they share (the surname). A new
mention joins an existing node when, within its label, they share an IMO number or a
normalised key (ingest.normalize.name_keys) that points at exactly one node, and their IMO
numbers do not disagree. Lookups go through dictionaries keyed by (label, key) — the blocking
that keeps resolution linear in the number of mentions.

graph/ontology.yaml declares the rules per label: `resolve_by` names the identifier that decides
identity on its own (imo for Vessel), `key_rules` the normalisations of the name key
(KEY_RULES below: a company's legal form, a port's "port of").
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache, lru_cache

from graph.errors import OntologyError
from graph.names import resolution_index
from graph.ontology import load as load_ontology
from ingest.components.common import data
from ingest.normalize import name_keys, normalize_name, slug, strip_legal_form, strip_port_words

# The name-key rules an ontology label may list under key_rules.
KEY_RULES: dict[str, Callable[[str], str]] = {
    "strip_legal_form": strip_legal_form,
    "strip_port_words": strip_port_words,
}


@cache
def _alias_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for group in data("aliases")["groups"]:
        for name in group:
            table.setdefault(normalize_name(name), group[0])
    return table


def canonical_name(label: str, name: str) -> str:
    """The preferred display name: the alias table's first entry for known variants."""
    return _alias_table().get(normalize_name(name), name)


@cache
def _key_rules(label: str) -> tuple[Callable[[str], str], ...]:
    rules = load_ontology().labels[label].key_rules if label in load_ontology().labels else ()
    unknown = [r for r in rules if r not in KEY_RULES]
    if unknown:
        raise OntologyError(
            f"Label {label}: unknown key rule {unknown[0]!r} in graph/ontology.yaml. Known rules: {', '.join(KEY_RULES)}."
        )
    return tuple(KEY_RULES[r] for r in rules)


@cache
def resolve_by(label: str) -> str | None:
    """The identifier that alone decides the identity of an entity of `label` (imo), if any."""
    lab = load_ontology().labels.get(label)
    return lab.resolve_by if lab else None


# Resolution and fact building ask for the keys of the same names again and again (each country,
# port and agency in every article that names it): remembered, within bounds.
@lru_cache(maxsize=65536)
def local_key(label: str, name: str) -> str:
    """The one normalised key that names an entity of `label` in its id."""
    norm = normalize_name(canonical_name(label, name))
    for rule in _key_rules(label):
        norm = rule(norm)
    return norm


def entity_id(label: str, name: str, identifier: str | None = None) -> str:
    """`<resolve_by>:<identifier>` when the label has one and it is given, else from the name."""
    prop = resolve_by(label)
    if prop and identifier:
        return f"{prop}:{identifier}"
    return f"{label.lower()}:{slug(local_key(label, name)) or 'unnamed'}"


@cache
def id_name(label: str) -> str | None:
    """Which of its names an entity of `label` takes its id from (graph/ontology.yaml `id_name`)."""
    lab = load_ontology().labels.get(label)
    return lab.id_name if lab else None


def _rank(name_slug: str) -> tuple[int, int, str]:
    return -name_slug.count("-"), -len(name_slug), name_slug


def fullest(*slugs: str) -> str:
    """The fullest of these id names (slugs): the most words, then the longest, then the smallest."""
    return min(slugs, key=_rank)


def names_clash(a: str, b: str) -> bool:
    """Whether two id names (slugs) are full names of two different things: both of two words or
    more, and neither's words hold the other's ("marek-voskin", "ilona-voskin"; not "voskin", nor
    "marek-voskin" and "marek-ivanovich-voskin")."""
    wa, wb = set(a.split("-")), set(b.split("-"))
    return "-" in a and "-" in b and not (wa <= wb or wb <= wa)


def ids_from_names(found: dict[str, tuple[str | None, list[str]]]) -> list[tuple[str, str]]:
    """(old id, new id) for the entities of `found` (id -> (label, names its articles give))
    whose label takes its id from the fullest name and whose id is not the one those names make:
    after articles were withdrawn (graph/rekey.py names_left). An entity no name is left for keeps its id."""
    out = []
    for node_id, (label, names) in sorted(found.items()):
        if not label or id_name(label) != "fullest" or not node_id.startswith(f"{label.lower()}:"):
            continue
        slugs = [s for s in (slug(local_key(label, n)) for n in names) if s]
        if slugs and f"{label.lower()}:{fullest(*slugs)}" != node_id:
            out.append((node_id, f"{label.lower()}:{fullest(*slugs)}"))
    return out


def entity_keys(label: str, name: str, aliases: list[str] | tuple[str, ...]) -> list[str]:
    """Lookup keys stored on the node: name_keys plus the alias table's canonical form."""
    return list(_entity_keys(label, name, tuple(aliases)))


@lru_cache(maxsize=16384)
def _entity_keys(label: str, name: str, aliases: tuple[str, ...]) -> tuple[str, ...]:
    names = [name, *aliases]
    names += [canonical_name(label, n) for n in names]
    return tuple(name_keys(name, names))


class Resolver:
    """Assigns ids to extracted entities, remembering every node it has seen or made."""

    def __init__(self) -> None:
        self.by_key: dict[tuple[str, str], set[str]] = {}
        self.by_ident: dict[str, str] = {}  # "imo:9161003" -> node id
        self.ident_of: dict[str, str] = {}  # node id -> "imo:9161003"
        self.known: set[str] = set()
        # The nodes the last resolve() re-keyed, (old id, new id), in order: the caller writes them
        # with that article (ingest.pipeline.article_facts -> graph/rekey.py).
        self.renamed: list[tuple[str, str]] = []

    @classmethod
    def from_store(cls, store) -> "Resolver":
        """A resolver that knows every entity node already in the store (one query)."""
        r = cls()
        for node in resolution_index(store):
            if node.label:
                r.add(node.id, node.label, list(node.keys), node.identifier)
        return r

    def add(self, node_id: str, label: str, keys: list[str], identifier: str | None = None) -> None:
        """Remember a node; `identifier` is its value of the label's resolve_by property."""
        self.known.add(node_id)
        for k in keys:
            self.by_key.setdefault((label, k), set()).add(node_id)
        prop = resolve_by(label)
        if identifier and prop:
            self.by_ident[f"{prop}:{identifier}"] = node_id
            self.ident_of[node_id] = f"{prop}:{identifier}"

    def rekey(self, old: str, new: str, entities=()) -> None:
        """Node `old` is called `new` from now on (also on `entities` already resolved to it)."""
        self.renamed = [(a, new if b == old else b) for a, b in self.renamed] + [(old, new)]
        self.known.discard(old)
        self.known.add(new)
        for ids in self.by_key.values():
            if old in ids:
                ids.discard(old)
                ids.add(new)
        ident = self.ident_of.pop(old, None)
        if ident:
            self.ident_of[new] = self.ident_of.get(new, ident)
            self.by_ident[ident] = new
        for e in entities:
            if getattr(e, "id", None) == old:
                e.id = new

    def after_versions(self, store, facts, old_ids: list[str]):
        """`facts` (graph.writer.ArticleFacts, this resolver's ids) of a changed version of an
        article that withdraws the versions `old_ids`: an id made from a name only those gave is
        made again from the names the other articles and this version give (as removing them
        would: ingest/lifecycle.py), in the facts, the rekeys and this resolver."""
        import dataclasses

        from graph.rekey import names_left

        found = names_left(store, [*old_ids, facts.article.id])
        if not found:
            return facts
        moved = dict(facts.rekeys)  # store id -> id in the facts
        for stored, (label, names) in found.items():
            now = moved.get(stored, stored)
            names.extend(e.name for e in facts.entities if e.id == now)
        fix = {}
        for stored, want in ids_from_names(found) + [(i, i) for i in found]:
            now = moved.get(stored, stored)
            if want != now and stored not in fix and (want == stored or want not in self.known):
                fix[stored] = want
        if not fix:
            return facts
        ids = {moved.get(stored, stored): want for stored, want in fix.items()}
        for now, want in ids.items():
            self.rekey(now, want)
        rekeys = {**moved, **fix}
        return dataclasses.replace(
            facts,
            entities=tuple(dataclasses.replace(e, id=ids.get(e.id, e.id)) for e in facts.entities),
            relations=tuple(dataclasses.replace(r, start=ids.get(r.start, r.start), end=ids.get(r.end, r.end))
                            for r in facts.relations),
            rekeys=tuple((a, b) for a, b in rekeys.items() if a != b),
        )

    def resolve(self, entities) -> list[str]:
        """Set `id` on each entity; returns the ids that are new to the resolver. The nodes it
        re-keyed (a fuller name: see the module's docstring) are in `renamed` until the next call."""
        new = []
        self.renamed = []
        for e in entities:
            keys = entity_keys(e.label, e.name, e.aliases)
            e.keys = keys  # the writer stores these on the node: computed once
            prop = resolve_by(e.label)
            value = e.identifiers.get(prop) if prop else None
            ident = f"{prop}:{value}" if value else None
            node_id = self.by_ident.get(ident) if ident else None
            # The id name this mention gives, for a label whose id is its fullest name.
            prefix = f"{e.label.lower()}:"
            own = slug(local_key(e.label, e.name)) if id_name(e.label) == "fullest" else ""
            if node_id is None:
                main = local_key(e.label, e.name)
                for k in [main] + [k for k in keys if k != main]:
                    # a key match never joins two things whose identifiers disagree, nor two
                    # full names that share a word (a surname)
                    hits = {h for h in self.by_key.get((e.label, k), ()) if not (ident and self.ident_of.get(h) not in (None, ident))
                            and not (own and h.startswith(prefix) and names_clash(own, h[len(prefix):]))}
                    if len(hits) == 1:
                        node_id = next(iter(hits))
                        break
            if node_id is None:
                node_id = entity_id(e.label, e.name, value)
            elif ident and self.ident_of.get(node_id) is None:
                # A node first met by name ("vessel:pale-comet") that this mention's identifier
                # now names: its id becomes the identifier's, as it would be had this mention
                # come first (the graph does not depend on the order; graph/rekey.py moves it)
                better = entity_id(e.label, e.name, value)
                if better != node_id and better not in self.known:
                    self.rekey(node_id, better, entities)
                    node_id = better
            elif own and node_id.startswith(prefix):
                better = prefix + fullest(node_id[len(prefix):], own)
                # (an id another node holds already stays with it: this one keeps its own)
                if better != node_id and better not in self.known:
                    self.rekey(node_id, better, entities)
                    node_id = better
            if node_id not in self.known:
                new.append(node_id)
            e.id = node_id
            self.add(node_id, e.label, keys, value)
        return new

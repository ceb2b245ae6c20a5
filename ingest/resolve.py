"""Entity resolution: one graph node per real thing, across articles and runs.

Ids are stable and readable: `imo:9161003` for a ship with an IMO number, otherwise
`<label>:<slug of the normalised name>` (`port:rason`, `company:oboronlogistika`). A new
mention joins an existing node when, within its label, they share an IMO number or a
normalised key (ingest.normalize.name_keys) that points at exactly one node, and their IMO
numbers do not disagree. Lookups go through dictionaries keyed by (label, key) — the blocking
that keeps resolution linear in the number of mentions.
"""

from __future__ import annotations

from functools import cache

from ingest.components.common import data
from ingest.normalize import name_keys, normalize_name, slug, strip_legal_form, strip_port_words


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


def local_key(label: str, name: str) -> str:
    """The one normalised key that names an entity of `label` in its id."""
    norm = normalize_name(canonical_name(label, name))
    if label == "Company":
        norm = strip_legal_form(norm)
    elif label == "Port":
        norm = strip_port_words(norm)
    return norm


def entity_id(label: str, name: str, imo: str | None = None) -> str:
    if label == "Vessel" and imo:
        return f"imo:{imo}"
    return f"{label.lower()}:{slug(local_key(label, name)) or 'unnamed'}"


def entity_keys(label: str, name: str, aliases: list[str]) -> list[str]:
    """Lookup keys stored on the node: name_keys plus the alias table's canonical form."""
    names = [name, *aliases]
    names += [canonical_name(label, n) for n in names]
    return name_keys(name, names)


class Resolver:
    """Assigns ids to extracted entities, remembering every node it has seen or made."""

    def __init__(self) -> None:
        self.by_key: dict[tuple[str, str], set[str]] = {}
        self.by_imo: dict[str, str] = {}
        self.imo_of: dict[str, str] = {}
        self.known: set[str] = set()

    @classmethod
    def from_store(cls, store) -> "Resolver":
        """A resolver that knows every entity node already in the store (one query)."""
        r = cls()
        res = store.run("MATCH (n:Entity) RETURN n.id AS id, labels(n) AS labels, n.keys AS keys, n.imo AS imo")
        for row in res.rows:
            labels = [x for x in (row["labels"] or []) if x != "Entity"]
            if labels:
                r.add(row["id"], labels[0], row["keys"] or [], row.get("imo"))
        return r

    def add(self, node_id: str, label: str, keys: list[str], imo: str | None = None) -> None:
        self.known.add(node_id)
        for k in keys:
            self.by_key.setdefault((label, k), set()).add(node_id)
        if imo:
            self.by_imo[imo] = node_id
            self.imo_of[node_id] = imo

    def resolve(self, entities) -> list[str]:
        """Set `id` on each entity; returns the ids that are new to the resolver."""
        new = []
        for e in entities:
            keys = entity_keys(e.label, e.name, e.aliases)
            e.props["_keys"] = keys  # the writer stores these on the node: computed once
            imo = e.identifiers.get("imo") if e.label == "Vessel" else None
            node_id = self.by_imo.get(imo) if imo else None
            if node_id is None:
                main = local_key(e.label, e.name)
                for k in [main] + [k for k in keys if k != main]:
                    hits = {h for h in self.by_key.get((e.label, k), ()) if not (imo and self.imo_of.get(h) not in (None, imo))}
                    if len(hits) == 1:
                        node_id = next(iter(hits))
                        break
            if node_id is None:
                node_id = entity_id(e.label, e.name, imo)
            if node_id not in self.known:
                new.append(node_id)
            e.id = node_id
            self.add(node_id, e.label, keys, imo)
        return new

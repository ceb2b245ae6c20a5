"""The ontology, read once from ontology.yaml: labels, relationship types and their properties.

Everything that names a label, a relationship type or a property in Cypher text takes it from
here, so a name that is not declared can never reach a query.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib import resources

import yaml

from graph.errors import OntologyError

PROPERTY_TYPES = {"string", "int", "float", "bool", "date", "list"}


@dataclass(frozen=True)
class Property:
    name: str
    type: str
    doc: str = ""

    @property
    def is_list(self) -> bool:
        return self.type == "list"


@dataclass(frozen=True)
class Label:
    name: str
    doc: str
    properties: dict[str, Property]
    is_entity: bool = True


@dataclass(frozen=True)
class RelType:
    name: str
    doc: str
    sources: tuple[str, ...]
    targets: tuple[str, ...]
    properties: dict[str, Property]


@dataclass(frozen=True)
class Ontology:
    entity_label: str
    labels: dict[str, Label]
    relationships: dict[str, RelType]
    indexes: tuple[tuple[str, str], ...]
    evidence_cap: int
    entity_labels: tuple[str, ...] = field(default=())

    def label(self, name: str) -> Label:
        try:
            return self.labels[name]
        except KeyError:
            raise OntologyError(
                f"Unknown label {name!r}. Known labels: {', '.join(self.labels)}."
            ) from None

    def rel_type(self, name: str) -> RelType:
        try:
            return self.relationships[name]
        except KeyError:
            raise OntologyError(
                f"Unknown relationship type {name!r}. Known types: {', '.join(self.relationships)}."
            ) from None

    def match_label(self, names: tuple[str, ...]) -> str:
        """The one label to MATCH an endpoint by: the shared entity label unless only Article fits."""
        if names == ("Article",):
            return "Article"
        return self.entity_label

    def allows(self, rel: str, source_label: str, target_label: str) -> bool:
        """Whether the ontology lets `rel` run from `source_label` to `target_label`."""
        rt = self.rel_type(rel)

        def fits(label: str, allowed: tuple[str, ...]) -> bool:
            return label in allowed or (
                self.entity_label in allowed and self.labels[label].is_entity
            )

        return fits(source_label, rt.sources) and fits(target_label, rt.targets)


def _props(raw: dict | None) -> dict[str, Property]:
    out: dict[str, Property] = {}
    for name, spec in (raw or {}).items():
        if spec["type"] not in PROPERTY_TYPES:
            raise OntologyError(f"Property {name!r} has unknown type {spec['type']!r}.")
        out[name] = Property(name, spec["type"], spec.get("doc", ""))
    return out


@cache
def load() -> Ontology:
    """The ontology declared in graph/ontology.yaml."""
    raw = yaml.safe_load(resources.files("graph").joinpath("ontology.yaml").read_text("utf-8"))
    common = _props(raw["entity_properties"])
    labels: dict[str, Label] = {}
    for name, spec in raw["labels"].items():
        is_entity = spec.get("entity", True)
        props = {**common, **_props(spec.get("properties"))} if is_entity else _props(spec.get("properties"))
        labels[name] = Label(name, spec.get("doc", ""), props, is_entity)
    rel_common = _props(raw["relationship_properties"])
    rels = {
        name: RelType(
            name,
            spec.get("doc", ""),
            tuple(spec["from"]),
            tuple(spec["to"]),
            {**rel_common, **_props(spec.get("properties"))},
        )
        for name, spec in raw["relationships"].items()
    }
    known = set(labels) | {raw["entity_label"]}
    for rt in rels.values():
        for end in rt.sources + rt.targets:
            if end not in known:
                raise OntologyError(f"Relationship {rt.name} names unknown label {end!r}.")
    return Ontology(
        entity_label=raw["entity_label"],
        labels=labels,
        relationships=rels,
        indexes=tuple((i["label"], i["property"]) for i in raw.get("indexes", [])),
        evidence_cap=int(raw.get("evidence_cap", 50)),
        entity_labels=tuple(n for n, lab in labels.items() if lab.is_entity),
    )

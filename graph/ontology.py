"""The ontology, read once from ontology.yaml: labels, relationship types and their properties,
and the behaviour declared with them (identifiers, formats, resolution and matching rules, the
roles a relationship type or property plays in the reads).

Everything that names a label, a relationship type or a property in Cypher text takes it from
here, so a name that is not declared can never reach a query. SANCTIONS_KG_ONTOLOGY names
another YAML file to read instead (a copy of graph/ontology.yaml with more properties, say).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache, cached_property
from importlib import resources
from pathlib import Path

import yaml

from graph import formats
from graph.errors import OntologyError
from graph.settings import ontology_file

PROPERTY_TYPES = {"string", "int", "float", "bool", "date", "list"}
# What a relationship type does in the reads (graph/view.py), declared per type as `roles:`.
REL_ROLES = {
    "ownership": "followed upwards for the ownership chain (owner, operator, the body it belongs to)",
    "control": "owns or runs the start directly (owner, operator): the owners entities share",
    "exposure": "sanctions exposure spreads along it, either way",
    "sanction": "the start was sanctioned by the end",
    "mention": "an article mentions an entity",
    "port_call": "a vessel called at a port",
}
# Roles exactly one relationship type plays.
SINGLE_ROLES = ("sanction", "mention", "port_call")
# Role groups: roles several types may play; a named query writes one as {{role}} (queries/library.py).
GROUP_ROLES = tuple(r for r in REL_ROLES if r not in SINGLE_ROLES)
# What a label or relationship type name may be: it is written into Cypher text as it stands.
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
# What a property does in the reads, declared per property as `role:`; each on exactly one label.
# A label's `known`: when new articles recognise the names the graph holds for it, with no cue.
KNOWN = ("always", "listed")
# A label's `id_name`: which of its names its node id is made from (ingest/resolve.py). Absent:
# the first name met. `fullest`: the fullest name its articles give (most words, then longest,
# then the smallest text), whatever order they came in; the node is re-keyed when a later article
# gives a fuller one (graph/rekey.py).
ID_NAMES = ("fullest",)

PROPERTY_ROLES = {"ais_dark": "the evidence items of AIS going dark: stats count who went dark"}


@dataclass(frozen=True)
class Property:
    name: str
    type: str
    doc: str = ""
    format: str | None = None  # a graph.formats validator name
    identifier: bool = False  # names the thing itself (imo, mmsi, call_sign)
    shown: bool = True  # listed among a report's properties
    role: str | None = None  # one of PROPERTY_ROLES
    sourced: bool = True  # a single value kept with its sources (graph/sources.py), when the label's own

    @property
    def is_list(self) -> bool:
        return self.type == "list"


@dataclass(frozen=True)
class Label:
    name: str
    doc: str
    properties: dict[str, Property]
    is_entity: bool = True
    own: tuple[str, ...] = ()  # the properties declared under the label, not shared by every entity
    resolve_by: str | None = None  # the identifier that alone decides identity (id <identifier>:<value>)
    key_rules: tuple[str, ...] = ()  # name-key normalisations, applied in order (ingest/resolve.py)
    match_group: str | None = None  # matched against listed entities of the same group
    known: str | None = None  # one of KNOWN: when new articles recognise its stored names with no cue
    id_name: str | None = None  # one of ID_NAMES: which of its names its node id is made from

    @cached_property  # read per extracted entity on the ingest path: worked out once
    def identifiers(self) -> tuple[str, ...]:
        """The label's identifier properties, in declared order."""
        return tuple(p for p in self.own if self.properties[p].identifier)

    @cached_property
    def attributes(self) -> tuple[str, ...]:
        """The label's own scalar properties that are not identifiers: what extraction fills in."""
        return tuple(
            p for p in self.own if not self.properties[p].identifier and not self.properties[p].is_list
        )

    @cached_property
    def sourced(self) -> tuple[str, ...]:
        """The single-valued properties kept with their sources (graph/sources.py): an entity
        label's own scalar properties, identifiers and attributes alike."""
        if not self.is_entity:
            return ()
        return tuple(p for p in self.own if not self.properties[p].is_list and self.properties[p].sourced)


@dataclass(frozen=True)
class RelType:
    name: str
    doc: str
    sources: tuple[str, ...]
    targets: tuple[str, ...]
    properties: dict[str, Property]
    own: tuple[str, ...] = ()  # the properties declared for this type, not the provenance every edge has
    extract_from: tuple[str, ...] = ()  # the sources the text rules take; `sources` unless declared
    extract_to: tuple[str, ...] = ()  # the targets the text rules take; `targets` unless declared
    roles: frozenset[str] = frozenset()  # what the type does in the reads (REL_ROLES)
    sourced: tuple[str, ...] = ()  # its single-valued properties kept with their sources (graph/sources.py)


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

    def label_of(self, labels: list[str] | tuple[str, ...] | None) -> str | None:
        """A node's own label among its labels (the one that is not the shared entity label)."""
        return next((lab for lab in labels or () if lab != self.entity_label), None)

    def _union(self, attr: str) -> tuple[str, ...]:
        return tuple(dict.fromkeys(p for lab in self.labels.values() if lab.is_entity for p in getattr(lab, attr)))

    @cached_property
    def identifiers(self) -> tuple[str, ...]:
        """Every entity label's identifier properties, in declared order (imo, mmsi, call_sign)."""
        return self._union("identifiers")

    @cached_property
    def attributes(self) -> tuple[str, ...]:
        """Every entity label's attributes, in declared order (flag, vessel_type, legal_form, ...)."""
        return self._union("attributes")

    @cached_property
    def hidden_properties(self) -> frozenset[str]:
        """Entity properties a report does not list among properties: declared `show: false`,
        and the identifiers, which it lists apart."""
        hidden = {p.name for lab in self.labels.values() if lab.is_entity for p in lab.properties.values() if not p.shown}
        return frozenset(hidden | set(self.identifiers))

    @cached_property
    def match_groups(self) -> dict[str, str]:
        """Label -> matching group, for the labels sanctions-list matching compares."""
        return {n: lab.match_group for n, lab in self.labels.items() if lab.match_group}

    @property
    def match_labels(self) -> tuple[str, ...]:
        """The labels sanctions-list matching compares."""
        return tuple(self.match_groups)

    def known_labels(self, when: str) -> tuple[str, ...]:
        """The labels whose stored names new articles recognise (`known: always`), or recognise
        only when a sanctions list names the entity (`known: listed`), in declared order."""
        return tuple(n for n, lab in self.labels.items() if lab.known == when)

    def with_role(self, role: str) -> tuple[str, ...]:
        """The relationship types declaring `role` (REL_ROLES), in declared order."""
        return tuple(name for name, rt in self.relationships.items() if role in rt.roles)

    @cached_property
    def ownership_types(self) -> tuple[str, ...]:
        """Types that carry control, followed upwards for the ownership chain (OWNED_BY, ...)."""
        return self.with_role("ownership")

    @cached_property
    def control_types(self) -> tuple[str, ...]:
        """Types by which an owner or operator owns or runs the start directly (OWNED_BY, OPERATED_BY)."""
        return self.with_role("control")

    @cached_property
    def role_groups(self) -> dict[str, tuple[str, ...]]:
        """Each role group (GROUP_ROLES: ownership, control, exposure) -> its types, in declared order."""
        return {role: self.with_role(role) for role in GROUP_ROLES}

    def role_pattern(self, role: str) -> str:
        """The types of `role` as a Cypher relationship-type alternation (OWNED_BY|OPERATED_BY|PART_OF),
        for the named queries' {{role}} (relationship types cannot be Cypher parameters). The names
        are the ontology's, checked as identifiers when it was read; a role no type plays raises
        OntologyError (an empty alternation would match every type)."""
        if role not in REL_ROLES:
            raise OntologyError(f"Unknown role {role!r}. Known roles: {', '.join(REL_ROLES)}.")
        types = self.with_role(role)
        if not types:
            raise OntologyError(
                f"No relationship type declares the role {role!r} ({REL_ROLES[role]}). Add it to the `roles:` "
                "of at least one type in the ontology (graph/ontology.yaml, or the copy SANCTIONS_KG_ONTOLOGY names)."
            )
        return "|".join(types)

    @cached_property
    def exposure_types(self) -> tuple[str, ...]:
        """Types sanctions exposure spreads along, either way: not port calls, places or sanctions."""
        return self.with_role("exposure")

    @cached_property
    def sanction_type(self) -> str:
        """The type from a sanctioned entity to who sanctioned it (SANCTIONED_BY)."""
        return self.with_role("sanction")[0]

    @cached_property
    def mention_type(self) -> str:
        """The type from an article to an entity it mentions (MENTIONS)."""
        return self.with_role("mention")[0]

    @cached_property
    def port_call_type(self) -> str:
        """The type from a vessel to a port it called at (CALLED_AT)."""
        return self.with_role("port_call")[0]

    @cached_property
    def ais_dark(self) -> tuple[str, str]:
        """(label, property) of the AIS-dark evidence items (Vessel, ais_dark)."""
        return next((lab.name, p.name) for lab in self.labels.values() for p in lab.properties.values()
                    if p.role == "ais_dark")


def _props(raw: dict | None) -> dict[str, Property]:
    out: dict[str, Property] = {}
    for name, spec in (raw or {}).items():
        if spec["type"] not in PROPERTY_TYPES:
            raise OntologyError(f"Property {name!r} has unknown type {spec['type']!r}.")
        fmt = spec.get("format") or ("date" if spec["type"] == "date" else None)
        if fmt is not None and fmt not in formats.FORMATS:
            raise OntologyError(
                f"Property {name!r} has unknown format {fmt!r}. Known formats (graph/formats.py): "
                f"{', '.join(formats.FORMATS)}."
            )
        role = spec.get("role")
        if role is not None and role not in PROPERTY_ROLES:
            raise OntologyError(
                f"Property {name!r} has unknown role {role!r}. Known property roles: {', '.join(PROPERTY_ROLES)}."
            )
        out[name] = Property(
            name, spec["type"], spec.get("doc", ""), fmt, bool(spec.get("identifier", False)), bool(spec.get("show", True)),
            role, bool(spec.get("sourced", True)),
        )
    return out


def _roles(name: str, spec: dict) -> frozenset[str]:
    roles = spec.get("roles") or []
    unknown = [r for r in roles if r not in REL_ROLES]
    if unknown:
        raise OntologyError(
            f"Relationship {name} has unknown role {unknown[0]!r}. Known roles: {', '.join(REL_ROLES)}."
        )
    return frozenset(roles)


def _check_roles(labels: dict[str, Label], rels: dict[str, RelType]) -> None:
    for role in SINGLE_ROLES:
        having = [n for n, rt in rels.items() if role in rt.roles]
        if len(having) != 1:
            raise OntologyError(
                f"Role {role!r} ({REL_ROLES[role]}) must be declared on exactly one relationship type; "
                f"found {len(having)}{': ' + ', '.join(having) if having else ''}."
            )
    for role in PROPERTY_ROLES:
        having = sorted({f"{lab.name}.{p.name}" for lab in labels.values() for p in lab.properties.values() if p.role == role})
        if len(having) != 1:
            raise OntologyError(
                f"Property role {role!r} ({PROPERTY_ROLES[role]}) must be declared on exactly one label's property; "
                f"found {len(having)}{': ' + ', '.join(having) if having else ''}."
            )


def _label(name: str, spec: dict, common: dict[str, Property]) -> Label:
    is_entity = spec.get("entity", True)
    own = _props(spec.get("properties"))
    resolve_by = spec.get("resolve_by")
    if resolve_by is not None and not (resolve_by in own and own[resolve_by].identifier):
        raise OntologyError(f"Label {name}: resolve_by {resolve_by!r} is not one of its identifier properties.")
    known = spec.get("known")
    if known is not None and known not in KNOWN:
        raise OntologyError(f"Label {name}: known {known!r} is not one of {', '.join(KNOWN)}.")
    id_name = spec.get("id_name")
    if id_name is not None and (id_name not in ID_NAMES or resolve_by is not None):
        raise OntologyError(f"Label {name}: id_name {id_name!r} is not one of {', '.join(ID_NAMES)}, or the label "
                            "has resolve_by (its id is then the identifier's). Fix it in graph/ontology.yaml.")
    return Label(
        name,
        spec.get("doc", ""),
        {**common, **own} if is_entity else own,
        is_entity,
        own=tuple(own),
        resolve_by=resolve_by,
        key_rules=tuple(spec.get("key_rules") or ()),
        match_group=spec.get("match_group"),
        known=known,
        id_name=id_name,
    )


@cache
def _packaged() -> str:
    return str(resources.files("graph").joinpath("ontology.yaml"))


def path() -> Path:
    """The ontology file in use: SANCTIONS_KG_ONTOLOGY, else graph/ontology.yaml."""
    return Path(ontology_file() or _packaged())


def load(source: str | Path | None = None) -> Ontology:
    """The ontology declared in `source`, by default graph/ontology.yaml (see path())."""
    return _load(str(source) if source is not None else ontology_file() or _packaged())


@cache
def _load(source: str) -> Ontology:
    try:
        raw = yaml.safe_load(Path(source).read_text("utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise OntologyError(
            f"Cannot read the ontology {source}: {exc}. Point SANCTIONS_KG_ONTOLOGY at a readable copy of graph/ontology.yaml, or unset it."
        ) from None
    common = _props(raw["entity_properties"])
    labels = {name: _label(name, spec, common) for name, spec in raw["labels"].items()}
    rel_common = _props(raw["relationship_properties"])
    rels = {}
    for name, spec in raw["relationships"].items():
        own = _props(spec.get("properties"))
        rels[name] = RelType(
            name, spec.get("doc", ""), tuple(spec["from"]), tuple(spec["to"]), {**rel_common, **own}, tuple(own),
            tuple(spec.get("extract_from") or spec["from"]), tuple(spec.get("extract_to") or spec["to"]),
            _roles(name, spec),
            # A type whose properties one writer sets (`sourced: false`) keeps no sources for them.
            tuple(p for p in own if not own[p].is_list and own[p].sourced) if spec.get("sourced", True) else (),
        )
    known = set(labels) | {raw["entity_label"]}
    for kind, names in (("Label", known), ("Relationship type", rels)):
        bad = [n for n in names if not _NAME.match(str(n))]
        if bad:
            raise OntologyError(
                f"{kind} name {bad[0]!r} in {source} is not a plain identifier (letters, digits, _; a letter first): "
                "it is written into Cypher as it stands. Rename it."
            )
    for rt in rels.values():
        for end in rt.sources + rt.targets + rt.extract_from + rt.extract_to:
            if end not in known:
                raise OntologyError(f"Relationship {rt.name} names unknown label {end!r}.")
    _check_roles(labels, rels)
    return Ontology(
        entity_label=raw["entity_label"],
        labels=labels,
        relationships=rels,
        indexes=tuple((i["label"], i["property"]) for i in raw.get("indexes", [])),
        evidence_cap=int(raw.get("evidence_cap", 50)),
        entity_labels=tuple(n for n, lab in labels.items() if lab.is_entity),
    )

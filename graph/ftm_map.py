"""The FollowTheMoney mapping of graph/ontology.yaml (its `ftm:` section), read once for the
FtM export (graph/export.py) and the FtM list import (ingest/lists/ftm.py), so the two
directions cannot drift.

    m = ftm_map.load()
    m.schema_of("Vessel")          # "Vessel"
    m.properties("Vessel")         # {"imo": "imoNumber", ...}
    m.label_of(schema)             # FtM schema object -> ontology label (import order)
    m.relationship("OWNED_BY")     # {"schema": "Ownership", "from": "asset", "to": "owner", ...}
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

import yaml

from graph.errors import OntologyError
from graph.ontology import path as ontology_path


@dataclass(frozen=True)
class FtmMap:
    labels: dict[str, dict[str, Any]]
    imports: tuple[tuple[str, str], ...]
    relationships: dict[str, dict[str, str]]

    def schema_of(self, label: str | None) -> str | None:
        spec = self.labels.get(label or "")
        return spec["schema"] if spec else None

    def properties(self, label: str) -> dict[str, str]:
        """Ontology property -> FtM property of the label."""
        return dict((self.labels.get(label) or {}).get("properties") or {})

    def label_of(self, schema) -> str | None:
        """The ontology label of an FtM schema object (or None): the first `import` row it is a kind of."""
        for name, label in self.imports:
            if schema.is_a(name):
                return label
        return None

    def relationship(self, rtype: str) -> dict[str, str]:
        return dict(self.relationships.get(rtype) or {})

    def vessel_links(self) -> list[tuple[str, str]]:
        """(FtM Vessel property, ontology type) of the vessel properties naming a linked entity."""
        return [(spec["vessel_property"], t) for t, spec in self.relationships.items() if spec.get("vessel_property")]


def load() -> FtmMap:
    return _load(str(ontology_path()))


@cache
def _load(source: str) -> FtmMap:
    with open(source, encoding="utf-8") as fh:
        raw = (yaml.safe_load(fh) or {}).get("ftm")
    if not isinstance(raw, dict) or "labels" not in raw:
        raise OntologyError(f"The ontology {source} has no `ftm:` section with `labels`; copy it from graph/ontology.yaml.")
    out = FtmMap({k: dict(v) for k, v in raw["labels"].items()},
                 tuple((str(a), str(b)) for a, b in raw.get("import") or ()),
                 {k: dict(v) for k, v in (raw.get("relationships") or {}).items()})
    _check(out, source)
    return out


def _check(m: FtmMap, source: str) -> None:
    """Every label, property and type the mapping names is declared by the ontology."""
    from graph.ontology import load as load_ontology

    onto = load_ontology(source)
    for label, spec in m.labels.items():
        if label not in onto.labels:
            raise OntologyError(f"The ftm mapping of {source} names label {label!r}, which the ontology does not declare.")
        for prop in spec.get("properties") or {}:
            if prop not in onto.label(label).properties:
                raise OntologyError(f"The ftm mapping of {source} maps {label}.{prop}, which the ontology does not declare.")
    for _schema, label in m.imports:
        if label not in onto.labels:
            raise OntologyError(f"The ftm import of {source} names label {label!r}, which the ontology does not declare.")
    for rtype in m.relationships:
        if rtype not in onto.relationships:
            raise OntologyError(f"The ftm mapping of {source} names relationship {rtype!r}, which the ontology does not declare.")


__all__ = ["FtmMap", "load"]

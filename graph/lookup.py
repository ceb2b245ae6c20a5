"""Identifiers typed as lookup keys: "9161003", "IMO 9161003", "IMO: 9161003", "imo:9161003".

    ref = identifier_ref("IMO 9161003", onto)   # IdentifierRef(label="Vessel", prop="imo", value="9161003")
    identifier_ref("Lady R", onto)              # None: a name, looked up as one
    identifier_ref("IMO 9161004", onto)         # BadReference: its check digit fails

Which identifiers are lookup keys is the ontology's: a label's `resolve_by` identifier (the one
that alone decides identity; the node id is <identifier>:<value>), validated by the format the
property declares (graph/formats.py), the one place a check digit is computed. A value typed
alone counts when the format declares what its values look like alone (`bare`: seven digits).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from graph import formats
from graph.errors import BadReference

if TYPE_CHECKING:
    from graph.ontology import Ontology


@dataclass(frozen=True, slots=True)
class IdentifierRef:
    label: str  # the label whose resolve_by identifier it is (Vessel)
    prop: str  # the identifier property (imo)
    value: str  # as stored (9161003)

    @property
    def id(self) -> str:
        """The node id an entity resolved by this identifier has."""
        return f"{self.prop}:{self.value}"

    def __str__(self) -> str:
        return f"{self.prop.upper()} {self.value}"


def _keys(onto: Ontology) -> list[tuple[str, str, str]]:
    """(label, identifier property, format) of each label resolved by a formatted identifier."""
    out = []
    for name, lab in onto.labels.items():
        prop = lab.properties.get(lab.resolve_by) if lab.resolve_by else None
        if prop is not None and prop.format is not None:
            out.append((name, prop.name, prop.format))
    return out


def identifier_ref(text: str, onto: Ontology) -> IdentifierRef | None:
    """The identifier `text` gives, or None when it is not one (a name, an id of another kind).

    Prefixed forms ("IMO 9161003", "IMO: 9161003", "imo:9161003", "IMO No. 9161003") and, for a
    format that declares its bare form, the value alone. Raises BadReference, naming the fix,
    when the form says identifier but the value fails the format (a wrong check digit)."""
    text = " ".join((text or "").split())
    for label, prop, fmt in _keys(onto):
        m = re.fullmatch(rf"{re.escape(prop)}\s*(?:no\.?|number|nr\.?)?\s*[:#.]?\s*(\d\S*)", text, re.I)
        value = m.group(1) if m else None
        if value is None and fmt in formats.BARE and formats.BARE[fmt].fullmatch(text):
            value = text
        if value is None:
            continue
        why = formats.problem(fmt, value)
        if why is not None:
            raise BadReference(
                f"{text!r} is not a valid {prop.upper()} number: {why}. Check the number against its "
                f"source, or look the {label.lower()} up by name."
            )
        return IdentifierRef(label, prop, value)
    return None


__all__ = ["IdentifierRef", "identifier_ref"]

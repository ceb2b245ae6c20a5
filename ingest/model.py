"""What extraction produces: documents, entity mentions, relations, and one result per article.

Plain dataclasses with `to_dict()` so the CLI can print JSON and tests can compare values.
Entity labels and relation types are the ontology's names (graph/ontology.yaml).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

_WS = re.compile(r"\s+")


def article_id(text: str) -> str:
    """The Article id: sha256 of the text with whitespace runs collapsed, so re-wrapped copies match."""
    return hashlib.sha256(_WS.sub(" ", text).strip().encode("utf-8")).hexdigest()


@dataclass
class Document:
    """One article to extract from, with its metadata."""

    text: str
    title: str | None = None
    source: str | None = None
    url: str | None = None
    published: str | None = None  # ISO date
    path: str | None = None

    @property
    def id(self) -> str:
        # Computed once per text (an ingest asks for it several times per article); kept in
        # the instance, not as a field, so it is not part of repr, equality or asdict.
        cached = self.__dict__.get("_id")
        if cached is None or cached[0] != self.text:
            cached = self.__dict__["_id"] = (self.text, article_id(self.text))
        return cached[1]


@dataclass
class Skipped:
    """An input that could not be read or extracted, and why."""

    path: str
    reason: str


TokenSpan = tuple[int, int]  # token offsets [start, end) in a spaCy Doc


@dataclass(frozen=True, slots=True)
class RelationCandidate:
    """A relation the relations component read in one sentence, before its ends are resolved:
    the token spans of its sources and targets (entities of doc.ents), or for a target named
    only by a country word, (label, name); the sentence; the date as written; its props
    (certainty, cue words, ...). `ingest.extract.build_result` turns it into Relations."""

    type: str  # an ontology relationship type
    sources: tuple[TokenSpan, ...]
    targets: tuple[TokenSpan | tuple[str, str], ...]
    sent: TokenSpan
    date_text: str | None = None
    props: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_data(cls, d: Mapping[str, Any]) -> "RelationCandidate":
        return cls(type=d["type"], sources=tuple(tuple(k) for k in d["sources"]),
                   targets=tuple(tuple(k) for k in d["targets"]), sent=tuple(d["sent"]),
                   date_text=d.get("date_text"), props=dict(d.get("props") or {}))


@dataclass(frozen=True, slots=True)
class DarkActivity:
    """Ships a sentence says went dark (AIS transponder off, signal lost). Not a relation
    between two entities: it becomes the ships' `ais_dark` property."""

    vessels: tuple[TokenSpan, ...]
    sent: TokenSpan
    date_text: str | None = None
    cue: str | None = None
    after: int = 0  # how many RelationCandidates the text states before it (dates read in order)

    @classmethod
    def from_data(cls, d: Mapping[str, Any]) -> "DarkActivity":
        return cls(vessels=tuple(tuple(k) for k in d["vessels"]), sent=tuple(d["sent"]),
                   date_text=d.get("date_text"), cue=d.get("cue"), after=int(d.get("after", 0)))


@dataclass
class Span:
    start: int  # character offsets in Document.text
    end: int
    text: str


@dataclass(eq=False)  # compared by identity: two mentions with equal fields are still two objects
class Entity:
    """One real thing mentioned in a document (all its mentions in that document)."""

    label: str  # ontology label: Vessel, Company, Agency, Organization, Port, Country, Person, Location
    name: str
    aliases: list[str] = field(default_factory=list)
    identifiers: dict[str, str] = field(default_factory=dict)  # imo, mmsi, call_sign
    spans: list[Span] = field(default_factory=list)
    props: dict[str, object] = field(default_factory=dict)  # flag, vessel_type, legal_form, iso2, ais_dark
    method: str = "rule"  # rule | model
    id: str | None = None  # set by ingest.resolve
    keys: list[str] = field(default_factory=list)  # lookup keys of the names, set by ingest.resolve for the writer

    def to_dict(self) -> dict:
        """What was extracted (the resolver's lookup keys are not part of it)."""
        d = asdict(self)
        del d["keys"]
        return d


# How a sentence states a relation. "denied" ("was not sanctioned by", "denied owning") is
# evidence against the fact: such relations travel apart (ExtractionResult.denials) and never
# become an edge on their own; hypothetical statements ("may sanction") are dropped.
CERTAINTIES = ("stated", "hedged", "denied")


@dataclass
class Relation:
    """A fact between two entities of one document, with the sentence that states it and how
    firmly it states it: "stated", or "hedged" ("is believed to be owned by", "allegedly")."""

    type: str  # ontology relationship type
    source: str  # Entity.name of the source (Entity.id once resolved)
    target: str
    source_label: str
    target_label: str
    evidence: str
    method: str = "rule"
    date: str | None = None
    props: dict[str, object] = field(default_factory=dict)  # year, activity, role, cue
    certainty: str = "stated"

    def __post_init__(self) -> None:
        # The relations component passes certainty among its props; it belongs to the
        # evidence sentence, not to the edge, so it moves to its own field (a copy of props:
        # one props dict may be shared by several relations).
        if "certainty" in self.props:
            self.props = dict(self.props)
            self.certainty = str(self.props.pop("certainty"))
        if self.certainty not in CERTAINTIES:
            raise ValueError(f"Relation certainty {self.certainty!r} is not one of {', '.join(CERTAINTIES)}.")

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class ExtractionResult:
    """Everything extracted from one document."""

    document: Document
    entities: list[Entity] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    denials: list[Relation] = field(default_factory=list)  # certainty "denied": evidence against a fact

    def to_dict(self) -> dict:
        doc = self.document
        return {
            "article": {
                "id": doc.id,
                "title": doc.title,
                "source": doc.source,
                "url": doc.url,
                "published": doc.published,
                "path": doc.path,
            },
            "entities": [e.to_dict() for e in self.entities],
            "relations": [r.to_dict() for r in self.relations],
            **({"denials": [r.to_dict() for r in self.denials]} if self.denials else {}),
        }

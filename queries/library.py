"""Named Cypher queries: the `queries/*.cypher` files, their headers, and running them.

Each file is plain Cypher a user can paste into Neo4j Browser, under a header comment:

    // name: vessels_at_port
    // Vessels that called at a port, optionally between two dates.      <- description
    //
    // Parameters:
    //   $port (entity, required, example "port:rason"): id of the port
    //   $from (date, default null, example "2023-08-01"): first day of the window
    //   $limit (int 1..1000, default 20, example 10): how many rows
    //
    // Example: sanctions-kg query --name vessels_at_port -p port=Vostochny
    // Neo4j Browser: :params {port: "port:rason", from: null}
    // Decode: evidence                                                     <- optional

Parameter types: string, int (optionally with an inclusive range), float, bool, date (ISO
"YYYY-MM-DD"), label (an entity label of the ontology), reltype (a relationship type of the
ontology) and entity (an entity id; `run_named` also accepts a name or alias and resolves it).
Columns named under `Decode:` hold evidence JSON strings and come back decoded.

Relationship types cannot be Cypher parameters, so the types a query follows by their role
are written as the role: `{{ownership}}`, `{{control}}` or `{{exposure}}` (graph/ontology.py
GROUP_ROLES; a single-type role such as `{{sanction}}` works too). `NamedQuery.text()` puts the
types the ontology declares with that role there (`OWNED_BY|OPERATED_BY|PART_OF`), the ontology
of the store the query runs on; `sanctions-kg queries NAME` prints the text so filled in, ready
to paste into Neo4j Browser.

Where the two backends cannot share one text, `name.falkordb.cypher` (or `name.neo4j.cypher`)
next to `name.cypher` holds the variant for that backend; the header stays in `name.cypher`.
Variable-length bounds cannot be parameters, so queries fix the largest bound in the text and
filter on `length(p) <= $param`, with the param's range declared in the header.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from graph import evidence as evidence_mod
from graph.dialect import DIALECTS as _DIALECTS
from graph.errors import ConfigError, LookupFailed
from graph.ontology import REL_ROLES
from graph.ontology import load as load_ontology

if TYPE_CHECKING:
    from graph.ontology import Ontology
    from graph.store import GraphStore, QueryResult

QUERY_DIR = Path(__file__).resolve().parent
DIALECTS = tuple(sorted(_DIALECTS))  # a query may have one variant file per backend dialect
PARAM_TYPES = ("string", "int", "float", "bool", "date", "label", "reltype", "entity")

_PARAM_LINE = re.compile(r"^\$(?P<name>\w+) \((?P<spec>.*)\):\s*(?P<doc>.*)$")
_SPEC = re.compile(
    r"^(?P<type>\w+)(?: (?P<min>-?\d+)\.\.(?P<max>-?\d+))?, "
    r"(?:(?P<required>required)|default (?P<default>.+?))"
    r"(?:, example (?P<example>.+))?$"
)
_USED_PARAM = re.compile(r"\$(\w+)")
_ROLE = re.compile(r"\{\{\s*(\w+)\s*\}\}")  # {{ownership}}: the types of a relationship role


@dataclass(frozen=True)
class Param:
    """One declared parameter of a named query."""

    name: str
    type: str
    required: bool
    default: Any = None
    example: Any = None
    doc: str = ""
    minimum: int | None = None
    maximum: int | None = None

    def describe(self) -> str:
        kind = self.type if self.minimum is None else f"{self.type} {self.minimum}..{self.maximum}"
        need = "required" if self.required else f"default {json.dumps(self.default)}"
        return f"${self.name} ({kind}, {need}): {self.doc}"


@dataclass(frozen=True)
class NamedQuery:
    """A named query: its header, and the Cypher text for each backend."""

    name: str
    description: str
    params: tuple[Param, ...]
    example: str
    browser: str
    decode: tuple[str, ...]
    path: Path
    texts: dict[str, str] = field(default_factory=dict)  # dialect -> text; "" = the shared one

    def text(self, dialect: str = "", ontology: Ontology | None = None) -> str:
        """The Cypher to send to `dialect` (its variant if there is one), without the header,
        each `{{role}}` replaced by the role's relationship types in `ontology` (default: the
        ontology in use, graph.ontology.load())."""
        raw = self.texts.get(dialect) or self.texts[""]
        if not _ROLE.search(raw):
            return raw
        onto = ontology or load_ontology()
        return _ROLE.sub(lambda m: onto.role_pattern(m.group(1)), raw)

    @property
    def roles(self) -> tuple[str, ...]:
        """The relationship roles its text names as {{role}}, in order of first use."""
        return tuple(dict.fromkeys(r for t in self.texts.values() for r in _ROLE.findall(t)))

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)

    @property
    def summary(self) -> str:
        """The first sentence of the description."""
        first = self.description.split(". ")[0].rstrip(".")
        return first + "."


def _value(raw: str) -> Any:
    raw = raw.strip()
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def _strip_header(text: str) -> str:
    """The query without its leading comment block (FalkorDB needs no comments to parse)."""
    lines = text.splitlines()
    while lines and (not lines[0].strip() or lines[0].lstrip().startswith("//")):
        lines.pop(0)
    return "\n".join(lines).strip() + "\n"


def parse(path: Path) -> NamedQuery:
    """Read one `.cypher` file and its header; a malformed header raises ConfigError."""
    text = path.read_text("utf-8")
    where = f"{path.name}"
    header: list[str] = []
    for line in text.splitlines():
        if not line.lstrip().startswith("//"):
            break
        header.append(line.lstrip()[2:].strip())
    if not header or not header[0].startswith("name:"):
        raise ConfigError(f"{where}: the first line must be '// name: {path.stem}'.")
    name = header[0].split(":", 1)[1].strip()
    if name != path.stem:
        raise ConfigError(f"{where}: header names {name!r}; rename the file or the header to match.")
    description: list[str] = []
    params: list[Param] = []
    example = browser = ""
    decode: tuple[str, ...] = ()
    section = "description"
    for line in header[1:]:
        if line.startswith("Parameters:"):
            section = "params"
            continue
        if line.startswith("Example:"):
            example, section = line.split(":", 1)[1].strip(), "other"
            continue
        if line.startswith("Neo4j Browser:"):
            browser, section = line.split(":", 1)[1].strip(), "other"
            continue
        if line.startswith("Decode:"):
            decode = tuple(c.strip() for c in line.split(":", 1)[1].split(",") if c.strip())
            section = "other"
            continue
        if section == "description":
            if line:
                description.append(line)
            elif description:
                section = "other"
        elif section == "params" and line:
            params.append(_parse_param(line, where))
    if not description:
        raise ConfigError(f"{where}: the header needs a description after the name line.")
    if not example:
        raise ConfigError(f"{where}: the header needs an 'Example:' line.")
    body = _strip_header(text)
    declared = {p.name for p in params}
    texts = {"": body}
    for dialect in DIALECTS:
        variant = path.with_name(f"{path.stem}.{dialect}.cypher")
        if variant.exists():
            texts[dialect] = _strip_header(variant.read_text("utf-8"))
    for dialect, t in texts.items():
        file = f"{path.stem}.{dialect}.cypher" if dialect else where
        unknown = [r for r in _ROLE.findall(t) if r not in REL_ROLES]
        if unknown:
            raise ConfigError(
                f"{file}: {{{{{unknown[0]}}}}} names no relationship role; write one of "
                + ", ".join("{{" + r + "}}" for r in REL_ROLES) + " (graph/ontology.py REL_ROLES)."
            )
        used = set(_USED_PARAM.findall(_strip_comments(t)))
        if used - declared:
            raise ConfigError(
                f"{file} uses ${', $'.join(sorted(used - declared))} but the header of {where} "
                "does not declare it under 'Parameters:'."
            )
    return NamedQuery(name, " ".join(description), tuple(params), example, browser, decode, path, texts)


def _strip_comments(text: str) -> str:
    return "\n".join(line.split("//")[0] if line.lstrip().startswith("//") else line for line in text.splitlines())


def _parse_param(line: str, where: str) -> Param:
    m = _PARAM_LINE.match(line)
    spec = _SPEC.match(m.group("spec")) if m else None
    if not m or not spec:
        raise ConfigError(
            f"{where}: cannot read parameter line {line!r}; write it as "
            "'$name (type, required, example VALUE): what it is' or "
            "'$name (type, default VALUE, example VALUE): what it is'."
        )
    ptype = spec.group("type")
    if ptype not in PARAM_TYPES:
        raise ConfigError(f"{where}: parameter ${m.group('name')} has unknown type {ptype!r}; use one of {', '.join(PARAM_TYPES)}.")
    return Param(
        name=m.group("name"),
        type=ptype,
        required=bool(spec.group("required")),
        default=None if spec.group("required") else _value(spec.group("default")),
        example=_value(spec.group("example")) if spec.group("example") else None,
        doc=m.group("doc").strip(),
        minimum=int(spec.group("min")) if spec.group("min") else None,
        maximum=int(spec.group("max")) if spec.group("max") else None,
    )


@cache
def _load(directory: Path) -> dict[str, NamedQuery]:
    out = {}
    for path in sorted(directory.glob("*.cypher")):
        if path.stem.count(".") == 0:
            out[path.stem] = parse(path)
        elif path.stem.split(".", 1)[1] not in DIALECTS or not path.with_name(path.stem.split(".")[0] + ".cypher").exists():
            raise ConfigError(
                f"{path.name}: a variant file must be NAME.falkordb.cypher or NAME.neo4j.cypher next to NAME.cypher."
            )
    return out


def load_all(directory: Path | None = None) -> dict[str, NamedQuery]:
    """Every named query in `directory` (queries/ by default), by name."""
    return _load((directory or QUERY_DIR).resolve())


def get(name: str, directory: Path | None = None) -> NamedQuery:
    """One named query; an unknown name raises LookupFailed naming the known ones."""
    queries = load_all(directory)
    try:
        return queries[name]
    except KeyError:
        from rapidfuzz import fuzz, process

        close = [m[0] for m in process.extract(name, list(queries), scorer=fuzz.ratio, limit=3, score_cutoff=75)]
        hint = f" Did you mean {' or '.join(close)}?" if close else ""
        raise LookupFailed(
            f"No named query {name!r}.{hint} Known: {', '.join(queries)}.",
            candidates=[{"name": n} for n in close],
        ) from None


def coerce(query: NamedQuery, params: Mapping[str, Any] | None) -> dict[str, Any]:
    """Check `params` against the header: names, types, ranges; fill defaults.

    Strings are accepted for every type (as they come from a command line) and converted.
    `entity` values are returned as given; `run_named` resolves names to ids.
    """
    params = dict(params or {})
    unknown = sorted(set(params) - {p.name for p in query.params})
    if unknown:
        known = ", ".join(p.name for p in query.params) or "none"
        raise ConfigError(f"Named query {query.name!r} has no parameter {', '.join(unknown)}. Its parameters: {known}.")
    out: dict[str, Any] = {}
    for p in query.params:
        value = params.get(p.name)
        if value is None or value == "":
            if p.required:
                eg = f", e.g. {p.name}={p.example}" if p.example is not None else ""
                raise ConfigError(f"Named query {query.name!r} needs parameter {p.name!r} ({p.doc}){eg}.")
            out[p.name] = p.default
            continue
        out[p.name] = _convert(query.name, p, value)
    return out


def _convert(qname: str, p: Param, value: Any) -> Any:
    def bad(expected: str) -> ConfigError:
        return ConfigError(f"Parameter {p.name!r} of {qname!r} must be {expected}; got {value!r}.")

    if p.type in ("int", "float"):
        kind = int if p.type == "int" else float
        if isinstance(value, bool):
            raise bad(f"an {p.type}")
        try:
            number = kind(value) if not (kind is int and isinstance(value, float) and not value.is_integer()) else None
        except (TypeError, ValueError, OverflowError):
            number = None
        if number is None or number != number:
            raise bad("a whole number" if kind is int else "a number")
        if kind is int and not -(2**63) <= number < 2**63:
            raise bad("a whole number of at most 19 digits")
        if p.minimum is not None and not (p.minimum <= number <= (p.maximum if p.maximum is not None else number)):
            raise bad(f"between {p.minimum} and {p.maximum}")
        return number
    if p.type == "bool":
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in ("true", "yes", "1"):
            return True
        if text in ("false", "no", "0"):
            return False
        raise bad("true or false")
    if p.type == "date":
        if isinstance(value, date):
            return value.isoformat()[:10]
        try:
            return date.fromisoformat(str(value)).isoformat()
        except ValueError:
            raise bad("a date as YYYY-MM-DD") from None
    if p.type == "label":
        onto = load_ontology()
        by_lower = {n.lower(): n for n in onto.entity_labels}
        if str(value).lower() not in by_lower:
            raise bad(f"one of {', '.join(onto.entity_labels)}")
        return by_lower[str(value).lower()]
    if p.type == "reltype":
        onto = load_ontology()
        name = str(value).upper()
        if name not in onto.relationships:
            raise bad(f"one of {', '.join(onto.relationships)}")
        return name
    return str(value)


def run_named(
    store: GraphStore,
    name: str,
    params: Mapping[str, Any] | None = None,
    *,
    timeout: float | None = None,
    max_rows: int | None = None,
    directory: Path | None = None,
    memory_mb: int | None = None,
) -> QueryResult:
    """Run the named query `name` with `params` on `store` (read-only) and return its rows.

    `memory_mb`: the per-query memory bound of GraphStore.run (the web explorer passes its
    console's, so a named query is held as a console query is).

    Entity parameters may be ids, names or aliases (resolved as `report` does: an ambiguous
    or unknown name raises LookupFailed). Evidence columns come back decoded.
    """
    query = get(name, directory)
    values = coerce(query, params)
    for p in query.params:
        if p.type == "entity" and values.get(p.name) is not None:
            from queries.report import resolve_entity

            values[p.name] = resolve_entity(store, values[p.name])["id"]
    result = store.run(
        query.text(store.dialect_name, store.ontology), values, timeout=timeout, max_rows=max_rows, memory_mb=memory_mb
    )
    for column in query.decode:
        for row in result.rows:
            if isinstance(row.get(column), list):
                row[column] = evidence_mod.decode_all(row[column])
    return result

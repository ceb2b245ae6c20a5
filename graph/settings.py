"""Every setting sanctions-kg reads from the environment, read in one place.

| variable                      | default            | what                                         |
|-------------------------------|--------------------|----------------------------------------------|
| SANCTIONS_KG_DB               | ./sanctions-kg.db  | file path (embedded FalkorDB) or bolt/neo4j URI |
| SANCTIONS_KG_GRAPH            | sanctions_kg       | graph name inside the embedded database      |
| SANCTIONS_KG_FSYNC            | everysec           | AOF fsync policy: everysec or always         |
| SANCTIONS_KG_QUERY_TIMEOUT    | 10                 | seconds a query may run                      |
| SANCTIONS_KG_MAX_ROWS         | 10000              | rows a user query may return                 |
| SANCTIONS_KG_MODEL            | (auto)             | spaCy model package name                     |
| SANCTIONS_KG_KEEP_SERVER      | 0 (library), 300 (CLI) | seconds the embedded server stays up idle after its last client closes (0: stop at once) |
| SANCTIONS_KG_ONTOLOGY         | graph/ontology.yaml | another ontology file (graph/ontology.py reads it through ontology_file()) |
| NEO4J_USERNAME / NEO4J_PASSWORD | neo4j / (none)   | Neo4j credentials (Neo4j's own names)        |
| NEO4J_DATABASE                | (server default)   | Neo4j database name                          |
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass

from graph.errors import ConfigError

DEFAULT_DB = "./sanctions-kg.db"
# SANCTIONS_KG_KEEP_SERVER when unset: the library stops the embedded server at the last close
# (a script should not leave a daemon behind unless asked); the CLI keeps it for 5 minutes, so
# the commands after the first attach to it instead of loading the graph again.
KEEP_SERVER_LIBRARY = 0.0
KEEP_SERVER_CLI = 300.0
SERVER_SCHEMES = ("bolt://", "bolt+s://", "bolt+ssc://", "neo4j://", "neo4j+s://", "neo4j+ssc://")


def _number(name: str, default: str, kind: type) -> float | int:
    raw = os.environ.get(name, default)
    try:
        value = kind(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not a number. Set it to e.g. {default}.") from None
    if value <= 0:
        raise ConfigError(f"{name}={raw!r} must be greater than 0.")
    return value


def _seconds(name: str, default: float) -> float:
    """A duration in seconds that may be 0."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not a number of seconds. Set it to e.g. 300, or 0.") from None
    if not math.isfinite(value) or value < 0:
        raise ConfigError(f"{name}={raw!r} must be 0 or a finite number of seconds, e.g. 300.")
    return value


@dataclass(frozen=True)
class Settings:
    db: str
    graph_name: str
    fsync: str
    query_timeout: float
    max_rows: int
    model: str | None
    neo4j_user: str
    neo4j_password: str | None
    neo4j_database: str | None
    keep_server: float = KEEP_SERVER_LIBRARY  # seconds the embedded server stays up idle (0: stop at last close)

    @property
    def is_server(self) -> bool:
        return is_server_uri(self.db)


def is_server_uri(db: str) -> bool:
    return db.lower().startswith(SERVER_SCHEMES)


def from_env(*, keep_server_default: float = KEEP_SERVER_LIBRARY, **overrides) -> Settings:
    """Settings from the environment; keyword arguments (e.g. CLI options) win when not None.

    `keep_server_default` applies when SANCTIONS_KG_KEEP_SERVER is unset (the CLI passes
    KEEP_SERVER_CLI).
    """
    fsync = os.environ.get("SANCTIONS_KG_FSYNC", "everysec")
    if fsync not in ("everysec", "always"):
        raise ConfigError(f"SANCTIONS_KG_FSYNC={fsync!r}: use 'everysec' or 'always'.")
    values = dict(
        db=os.environ.get("SANCTIONS_KG_DB") or DEFAULT_DB,
        graph_name=os.environ.get("SANCTIONS_KG_GRAPH", "sanctions_kg"),
        fsync=fsync,
        query_timeout=float(_number("SANCTIONS_KG_QUERY_TIMEOUT", "10", float)),
        max_rows=int(_number("SANCTIONS_KG_MAX_ROWS", "10000", int)),
        model=os.environ.get("SANCTIONS_KG_MODEL") or None,
        neo4j_user=os.environ.get("NEO4J_USERNAME", "neo4j"),
        neo4j_password=os.environ.get("NEO4J_PASSWORD"),
        neo4j_database=os.environ.get("NEO4J_DATABASE") or None,
        keep_server=_seconds("SANCTIONS_KG_KEEP_SERVER", keep_server_default),
    )
    values.update({k: v for k, v in overrides.items() if v is not None})
    return Settings(**values)


def ontology_file() -> str | None:
    """SANCTIONS_KG_ONTOLOGY: an ontology file to read instead of graph/ontology.yaml, or None."""
    return os.environ.get("SANCTIONS_KG_ONTOLOGY") or None

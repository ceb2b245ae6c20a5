"""Every setting sanctions-kg reads from the environment, read in one place.

| variable                      | default            | what                                         |
|-------------------------------|--------------------|----------------------------------------------|
| SANCTIONS_KG_DB               | ./sanctions-kg.db  | file path (embedded FalkorDB) or bolt/neo4j URI |
| SANCTIONS_KG_GRAPH            | sanctions_kg       | graph name inside the embedded database      |
| SANCTIONS_KG_FSYNC            | everysec           | AOF fsync policy: everysec or always         |
| SANCTIONS_KG_QUERY_TIMEOUT    | 10                 | seconds a query may run                      |
| SANCTIONS_KG_MAX_ROWS         | 10000              | rows a user query may return                 |
| SANCTIONS_KG_QUERY_TIMEOUT_MAX | 600               | seconds any statement may run, whatever --timeout says; the limit of a write without one (embedded: FalkorDB TIMEOUT_MAX; the client waits for any statement at most this long and a grace, graph/server.py read_limit) |
| SANCTIONS_KG_QUERY_MEMORY     | 1024               | MB one query may allocate on the server (embedded: FalkorDB QUERY_MEM_CAPACITY) |
| SANCTIONS_KG_SERVER_MEMORY    | half the RAM (≥ 2048) | MB of address space the embedded server may use (RLIMIT_AS): a query that allocates past it stops the server, never the machine |
| SANCTIONS_KG_RESULT_ROWS_MAX  | 2000000            | rows the server returns for any one query, ours included (embedded: RESULTSET_SIZE; reaching it is an error, never a silent cut) |
| SANCTIONS_KG_MODEL            | (auto)             | spaCy model package name                     |
| SANCTIONS_KG_KEEP_SERVER      | 0 (library), 300 (CLI) | seconds the embedded server stays up idle after its last client closes (0: stop at once) |
| SANCTIONS_KG_ONTOLOGY         | graph/ontology.yaml | another ontology file (graph/ontology.py reads it through ontology_file()) |
| NEO4J_USERNAME / NEO4J_PASSWORD | neo4j / sanctions-kg | Neo4j credentials (Neo4j's own names; the password docker-compose.yml sets by default) |
| NEO4J_DATABASE                | (server default)   | Neo4j database name                          |
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass

from graph.errors import ConfigError

DEFAULT_DB = "./sanctions-kg.db"
DEFAULT_NEO4J_PASSWORD = "sanctions-kg"  # docker-compose.yml's default (NEO4J_AUTH), so the two agree unset
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
    if value > MAX_SECONDS:
        raise ConfigError(f"{name}={raw!r} is too large: use at most {MAX_SECONDS} seconds (a week), e.g. 300, or 0.")
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
    query_timeout_max: float = 600.0  # seconds; server-side cap on every statement, a write's limit when it has none
    query_memory_mb: int = 1024  # MB one query may allocate on the server
    result_rows_max: int = 2_000_000  # rows the server returns for one query at most
    server_memory_mb: int = 0  # MB of address space for the embedded server; 0: default_server_memory_mb()

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
        neo4j_password=os.environ.get("NEO4J_PASSWORD", DEFAULT_NEO4J_PASSWORD),
        neo4j_database=os.environ.get("NEO4J_DATABASE") or None,
        keep_server=_seconds("SANCTIONS_KG_KEEP_SERVER", keep_server_default),
        query_timeout_max=float(_number("SANCTIONS_KG_QUERY_TIMEOUT_MAX", "600", float)),
        query_memory_mb=int(_number("SANCTIONS_KG_QUERY_MEMORY", "1024", int)),
        result_rows_max=int(_number("SANCTIONS_KG_RESULT_ROWS_MAX", "2000000", int)),
        server_memory_mb=int(_number("SANCTIONS_KG_SERVER_MEMORY", str(default_server_memory_mb()), int)),
    )
    values.update({k: v for k, v in overrides.items() if v is not None})
    settings = Settings(**values)
    if not math.isfinite(settings.query_timeout_max) or settings.query_timeout_max > MAX_SECONDS:
        raise ConfigError(f"SANCTIONS_KG_QUERY_TIMEOUT_MAX={settings.query_timeout_max:g} is too large; "
                          f"use at most {MAX_SECONDS} seconds.")
    check_timeout(settings.query_timeout, settings, "SANCTIONS_KG_QUERY_TIMEOUT")
    check_memory(settings)
    return settings


def machine_memory_mb() -> int:
    """The machine's RAM in MB (8192 when it cannot be read)."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // (1024 * 1024)
    except (ValueError, OSError, AttributeError):
        return 8192


def check_memory(settings: Settings) -> None:
    """Memory settings a server can be started with: the server's address space at most four
    times the machine's RAM (beyond, the limit means nothing and the numbers overflow what the
    server takes), and one query's share at most the server's."""
    most = 4 * machine_memory_mb()
    server = settings.server_memory_mb or default_server_memory_mb()
    if server > most:
        raise ConfigError(f"SANCTIONS_KG_SERVER_MEMORY={server} MB is more than this machine can back "
                          f"(at most {most} MB, four times its RAM); unset it for the default ({default_server_memory_mb()}).")
    if settings.query_memory_mb > server:
        raise ConfigError(f"SANCTIONS_KG_QUERY_MEMORY={settings.query_memory_mb} MB is more than the server may use "
                          f"(SANCTIONS_KG_SERVER_MEMORY={server} MB); use at most that, e.g. 1024.")


def default_server_memory_mb() -> int:
    """Half the machine's RAM, at least 2048 MB."""
    return max(2048, machine_memory_mb() // 2)


MAX_SECONDS = 86400 * 7  # the longest limit a setting may give (FalkorDB takes milliseconds as a 32-bit count)


def check_timeout(timeout: float | None, settings: Settings, name: str = "--timeout") -> None:
    """Refuse a query time limit over SANCTIONS_KG_QUERY_TIMEOUT_MAX, naming both."""
    if timeout is None:
        return
    if not math.isfinite(timeout) or timeout <= 0:
        raise ConfigError(f"{name} {timeout:g}: give a finite number of seconds greater than 0, e.g. 10.")
    if timeout > settings.query_timeout_max:
        raise ConfigError(
            f"{name} {timeout:g} s is over the longest time a query may run, "
            f"SANCTIONS_KG_QUERY_TIMEOUT_MAX={settings.query_timeout_max:g} s. "
            "Give a shorter time, or raise SANCTIONS_KG_QUERY_TIMEOUT_MAX."
        )


def ontology_file() -> str | None:
    """SANCTIONS_KG_ONTOLOGY: an ontology file to read instead of graph/ontology.yaml, or None."""
    return os.environ.get("SANCTIONS_KG_ONTOLOGY") or None

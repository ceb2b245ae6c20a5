"""What `--db` / SANCTIONS_KG_DB may name: a file path (the embedded FalkorDB) or a Neo4j
server URI. Anything else that looks like a URI is refused here, once, for every caller of
`open_store`, instead of being taken for a file called `ftp:/host`.
"""

from __future__ import annotations

import re

from graph.errors import ConfigError
from graph.settings import SERVER_SCHEMES

ACCEPTED = "a file path (embedded database), or a bolt://, bolt+s://, neo4j:// or neo4j+s:// URI (Neo4j server)"
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")


def check_db(db: str) -> str:
    """`db` unchanged when it is a file path or a Neo4j URI; ConfigError naming the accepted
    forms otherwise (ftp://, http://, redis://, ...)."""
    m = _SCHEME.match(db or "")
    if m and not db.lower().startswith(SERVER_SCHEMES):
        raise ConfigError(
            f"Cannot open database {db}: {m.group(1)}:// is not supported. "
            f"Give --db (or SANCTIONS_KG_DB) {ACCEPTED}."
        )
    return db

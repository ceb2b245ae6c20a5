"""Opening a store: which backend a --db value names (a file: embedded FalkorDB; a bolt://
or neo4j:// URI: Neo4j), and its schema set up before first use.

Kept out of graph/store.py, the interface both backends build on, so that the base module
never imports its own subclasses.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from graph.errors import StoreError
from graph.settings import Settings, from_env
from graph.store import GraphStore


def open_store(db: str | None = None, *, settings: Settings | None = None) -> GraphStore:
    """Open the store named by `db` (file path or bolt/neo4j URI) and set up its schema."""
    from graph.uri import check_db

    if settings is None:
        settings = from_env(db=db)
    elif db is not None:
        settings = replace(settings, db=db)
    check_db(settings.db)
    if settings.is_server:
        from graph.neo4j_server import Neo4jStore

        store: GraphStore = Neo4jStore(settings)
    else:
        from graph.embedded import EmbeddedStore

        store = EmbeddedStore(settings)
    try:
        store.ensure_schema()
    except BaseException:
        store.close()
        raise
    return store


def held_counts(db: Path, what: str) -> tuple[int, int]:
    """(nodes, relationships) a database file with its log (or its snapshot alone) loads, in a
    server of its own stopped at once; StoreError when it does not load."""
    from graph import aof
    from graph.server import one_line

    try:
        with open_store(settings=replace(from_env(db=str(db)), keep_server=0)) as store:
            nodes = int(store.run("MATCH (n) RETURN count(n) AS c", timeout=600).rows[0]["c"])
            rels = int(store.run("MATCH ()-[r]->() RETURN count(r) AS c", timeout=600).rows[0]["c"])
    except StoreError as exc:
        raise StoreError(f"Repair refused: {what} does not load ({one_line(exc)}); nothing was changed. "
                         f"Restore {aof.aof_dir(db).name} from a backup.") from None
    return nodes, rels

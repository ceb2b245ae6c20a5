"""An article's life in the graph after its first ingest: found by id, URL or path, withdrawn.

    removal = remove_article(store, "https://example.org/story")   # or an id (or its first 8+
                                                                    # characters) or a path
    removal.articles, removal.relationships_removed, ...

An article is known by its URL, or by its path when it has none: ingesting a changed version
replaces the stored one (ingest.pipeline; graph.writer.Writer.add_article's `supersede`), unless
it is older. Two texts of one URL and date from two inputs both stand (ingest.pipeline,
replaced_versions): the URL then names both, and find_article asks for the id of one.
Removing one withdraws its share of every fact (graph.writer.Writer.remove_articles): what
only it said goes, what another article or a sanctions list says too stays.
"""

from __future__ import annotations

import os
import re

from graph.errors import LookupFailed
from graph.writer import Removal, StoredVersion

_HEX = re.compile(r"[0-9a-f]{8,64}")


def find_article(store, ref: str) -> StoredVersion:
    """The stored article `ref` names: its id (or an unambiguous prefix of 8+ characters), its
    URL, or its path (as ingested, or the same file by another spelling)."""
    ref = (ref or "").strip()
    if not ref:
        raise LookupFailed("Give an article's id, URL or path.")
    writer = store.writer()
    found: list[StoredVersion] = []
    if _HEX.fullmatch(ref.lower()):
        found = writer.stored_versions([ref.lower()]) or writer.articles_with_prefix(ref.lower())
    if not found and "://" in ref:
        found = writer.versions(url=ref)
    if not found:
        found = writer.articles_at(_spellings(ref))
    if len(found) == 1:
        return found[0]
    if len(found) > 1:
        listed = "; ".join(f"{v.id[:12]} ({v.title or v.path or v.url})" for v in found[:10])
        raise LookupFailed(f"{ref!r} names {len(found)} articles: {listed}. Give the id of one.")
    raise LookupFailed(f"No stored article has the id, URL or path {ref!r}. Give the URL or path it was "
                       "ingested from, or its id (a report's articles section links each).")


def _spellings(path: str) -> list[str]:
    """The ways the same file may have been given to ingest: as typed, relative, absolute."""
    out = [path]
    try:
        absolute = os.path.abspath(path)
        out += [absolute, os.path.relpath(absolute), os.path.normpath(path)]
    except ValueError:
        pass
    return list(dict.fromkeys(out))


def remove_article(store, ref: str) -> Removal:
    """Withdraw the article `ref` names (find_article) and every fact only it supported."""
    from graph.rekey import names_left
    from ingest.resolve import ids_from_names

    article = find_article(store, ref)
    with store.ingest_lock():
        # An id made from a name only this article gave is made again from the names left.
        rekeys = ids_from_names(names_left(store, [article.id]))
        return store.writer().remove_articles([article.id], rekeys=rekeys)


__all__ = ["find_article", "remove_article"]

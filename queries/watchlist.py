"""Watching items named the way an analyst types them: an entity by id, IMO number or name (the
report's lookup, queries/report.py), a programme by its name. Storage and alerts: graph/watch.py.

    watch(store, "IMO 9161003", by="ana")     # (Watch, new?)
    watch(store, "DPRK3", program=True)
    unwatch(store, "Lady R")                  # the Watch removed, its alerts with it
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from graph import watch as watch_mod
from graph.errors import LookupFailed
from queries.report import resolve_entity

if TYPE_CHECKING:
    from graph.store import GraphStore


def watch(store: GraphStore, ref: str, *, program: bool = False, by: str | None = None,
          hops: int = watch_mod.DEFAULT_HOPS) -> tuple[watch_mod.Watch, bool]:
    """Watch what `ref` names (see graph.watch.add_watch); an unknown or ambiguous name raises
    LookupFailed naming the candidates."""
    if program:
        return watch_mod.add_watch(store, program=ref, by=by, hops=hops)
    if not (ref or "").strip():
        raise LookupFailed("Give what to watch: an entity id, IMO number or name, or a programme with --program.")
    return watch_mod.add_watch(store, resolve_entity(store, ref), by=by, hops=hops)


def unwatch(store: GraphStore, ref: str) -> watch_mod.Watch:
    """Stop watching what `ref` names: a watch id, entity id, IMO number, name or programme."""
    hit = watch_mod.find_watches(store, ref)
    if not hit:
        try:
            hit = watch_mod.find_watches(store, ref, resolve_entity(store, ref)["id"])
        except LookupFailed:
            pass
    if not hit:
        listed = ", ".join(w.name for w in watch_mod.list_watches(store)) or "nothing is watched"
        raise LookupFailed(f"{ref!r} is not on the watchlist ({listed}). See `uv run sanctions-kg watch list`.")
    if len(hit) > 1:
        raise LookupFailed(f"{ref!r} matches {len(hit)} watches: {', '.join(w.id for w in hit)}. Give a watch id.")
    watch_mod.remove_watch(store, hit[0])
    return hit[0]


__all__ = ["unwatch", "watch"]

"""A vessel's or port's dated events for the explorer's timeline and map, and where ports lie.

    timeline(store, "Lady R")   # {"entity", "events": [...], "places": {port id: {...}}}
    places(store, ["port:rason"])

Events come from the report (queries/report.py: the same facts, the same evidence): port calls
and loadings (CALLED_AT; `loaded`/`unloaded` are loadings), ship-to-ship transfers (a tie to
another vessel whose evidence speaks of a transfer), AIS gaps (a vessel's ais_dark items) and
designations (SANCTIONED_BY). Each has its date (or none: listed last), a one-line text, the
port it happened at when there is one, and its evidence items.

Ports are placed from ingest/data/ports.yaml (`at: [lat, lon]`, written by hand, rounded to 0.1
degree): a port node is found there by its name or an alias; a port not listed there has no
place and its events stay off the map.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

import yaml

if TYPE_CHECKING:
    from graph.store import GraphStore

LOADINGS = ("loaded", "unloaded")
TRANSFER = re.compile(r"ship-to-ship|\bSTS\b|transf?er", re.I)


@cache
def _gazetteer() -> dict[str, dict[str, Any]]:
    """Normalised name or alias -> {"name", "country", "lat", "lon"} of each port with a place."""
    from ingest.normalize import normalize_name

    raw = yaml.safe_load((resources.files("ingest") / "data" / "ports.yaml").read_text("utf-8"))
    out: dict[str, dict[str, Any]] = {}
    for e in raw["ports"]:
        at = e.get("at")
        if not at:
            continue
        entry = {"name": e["name"], "country": e.get("country"), "lat": float(at[0]), "lon": float(at[1])}
        for n in [e["name"], *(e.get("aliases") or [])]:
            out.setdefault(normalize_name(n), entry)
    return out


def place_of(names: list[str]) -> dict[str, Any] | None:
    """Where the port of one of these names lies, or None."""
    from ingest.normalize import normalize_name

    gaz = _gazetteer()
    for n in names:
        hit = gaz.get(normalize_name(n or ""))
        if hit:
            return hit
    return None


def places(store: GraphStore, ids: list[str]) -> dict[str, dict[str, Any]]:
    """Port id -> {"id", "name", "lat", "lon"} for the nodes among `ids` the gazetteer places."""
    out: dict[str, dict[str, Any]] = {}
    if not ids:
        return out
    for node in store.view().nodes(sorted(set(ids))[:500]):
        if node.label not in ("Port", "Location"):
            continue
        props = node.properties
        hit = place_of([props.get("name") or "", *(props.get("aliases") or [])])
        if hit:
            out[node.id] = {"id": node.id, "name": props.get("name") or hit["name"], "lat": hit["lat"], "lon": hit["lon"]}
    return out


def _date(x: dict[str, Any]) -> str | None:
    if x.get("date"):
        return str(x["date"])
    return str(x["year"]) if x.get("year") else None


def events_of(report: dict[str, Any]) -> list[dict[str, Any]]:
    """The dated events of a report (queries.report.build_report), oldest first, undated last."""
    e = report["entity"]
    me = {"id": e["id"], "name": e["name"], "label": e["label"]}
    out: list[dict[str, Any]] = []
    for c in report.get("port_calls") or ():
        act = c.get("activity") or "called"
        out.append({"kind": "loading" if act in LOADINGS else "port_call", "date": c.get("date"), "vessel": me,
                    "port": c["port"], "text": f"{act} at {c['port']['name']}", "evidence": c.get("evidence") or []})
    for c in report.get("incoming_calls") or ():
        act = c.get("activity") or "called"
        out.append({"kind": "loading" if act in LOADINGS else "port_call", "date": c.get("date"), "vessel": c["vessel"],
                    "port": me, "text": f"{c['vessel']['name']} {act} here", "evidence": c.get("evidence") or []})
    for item in report.get("ais_dark") or ():
        out.append({"kind": "ais_gap", "date": item.get("date"), "vessel": me, "port": None,
                    "text": "AIS gap (transponder off)", "evidence": [item]})
    for d in (report.get("sanctions") or {}).get("direct") or ():
        prog = f" ({d['program']})" if d.get("program") else ""
        out.append({"kind": "designation", "date": _date(d), "vessel": me if e["label"] == "Vessel" else None,
                    "port": me if e["label"] == "Port" else None, "text": f"designated by {d['by']['name']}{prog}",
                    "evidence": d.get("evidence") or []})
    if e["label"] == "Vessel":
        for rtype, items in (report.get("relationships") or {}).items():
            for x in items:
                ev = x.get("evidence") or []
                if x["other"].get("label") != "Vessel" or not any(TRANSFER.search(i.get("sentence") or "") for i in ev):
                    continue
                dates = sorted(i["date"] for i in ev if i.get("date"))
                out.append({"kind": "sts", "date": (x.get("properties") or {}).get("date") or (dates[0] if dates else None),
                            "vessel": me, "port": None, "other": x["other"],
                            "text": f"ship-to-ship transfer with {x['other']['name']}", "evidence": ev})
    out.sort(key=lambda x: (x["date"] is None, x["date"] or "", x["kind"], x["text"]))
    for i, x in enumerate(out):
        x["n"] = i
    return out


def timeline(store: GraphStore, ref: str) -> dict[str, Any]:
    """The entity `ref` names, its events, and the places of the ports they happened at."""
    from queries.report import build_report

    report = build_report(store, ref)
    events = events_of(report)
    return {"entity": report["entity"], "events": events,
            "places": places(store, [x["port"]["id"] for x in events if x.get("port")])}


__all__ = ["events_of", "place_of", "places", "timeline"]

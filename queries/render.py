"""Reports and paths as text: Markdown for case files, rich tables for the terminal.

Both are drawn from the same sections (`report_sections`), so they say the same thing: every
fact with its evidence sentence and the article's title, source and date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Section:
    title: str
    columns: list[str]
    rows: list[list[Any]] = field(default_factory=list)  # a cell is a str or a list of lines
    empty: str = "none"


def node(ref: dict[str, Any] | None) -> str:
    if not ref:
        return ""
    return f"{ref.get('name') or ref.get('id')} ({ref.get('label') or '?'})"


HEDGED = "[hedged]"
LEGEND = (f"{HEDGED}: the source hedges it (suspected, allegedly, reportedly, believed to be, likely); "
          "evidence without the mark states it.")


def hedged(ev: dict[str, Any]) -> bool:
    """Whether an evidence item's sentence hedges its fact (graph/evidence.py certainty)."""
    from graph.evidence import certainty

    return certainty(ev) == "hedged"  # type: ignore[arg-type]


def has_hedged(value: Any) -> bool:
    """Whether any evidence item anywhere in a report or paths (plain data) is hedged."""
    if isinstance(value, dict):
        if "sentence" in value and hedged(value):
            return True
        return any(has_hedged(v) for v in value.values())
    if isinstance(value, list):
        return any(has_hedged(v) for v in value)
    return False


def evidence_line(ev: dict[str, Any]) -> str:
    """“sentence” — where it comes from (an article's title, source and date, or a list entry);
    marked [hedged] first when the sentence hedges the fact."""
    from graph.view import cite

    sentence = ev.get("sentence") or ""
    mark = f"{HEDGED} " if hedged(ev) else ""
    return f"{mark}“{sentence}” — {ev.get('cite') or cite(ev)}"


def evidence_lines(items: list[dict[str, Any]] | None) -> list[str]:
    return [evidence_line(ev) for ev in items or []] or ["(no evidence recorded)"]


def fact_lines(fact: dict[str, Any]) -> list[str]:
    """A fact's claim ("corroborated by 3 sources (1 hedged) since 2023-09"), its evidence, then
    the evidence against it (graph/claims.py)."""
    claim = fact.get("claim")
    head = [f"[{claim['summary']}]"] if claim else []
    against = [f"denied: {evidence_line(ev)}" for ev in fact.get("denials") or []]
    return head + evidence_lines(fact.get("evidence")) + against


def arrow(step: dict[str, Any]) -> str:
    """The relationship as read from the step's `from` side: -TYPE-> when `from` is its start."""
    return f"-{step['type']}->" if step["direction"] == "out" else f"<-{step['type']}-"


def step_text(step: dict[str, Any]) -> str:
    """The stored relationship, start first: Source (Label) -TYPE-> Target (Label)."""
    return f"{node(step['source'])} -{step['type']}-> {node(step['target'])}"


def path_text(steps: list[dict[str, Any]]) -> str:
    if not steps:
        return ""
    parts = [steps[0]["from"].get("name") or steps[0]["from"]["id"]]
    for step in steps:
        parts += [arrow(step), step["to"].get("name") or step["to"]["id"]]
    return " ".join(parts)


def _details(props: dict[str, Any]) -> str:
    return ", ".join(f"{k}: {', '.join(map(str, v)) if isinstance(v, list) else v}"
                     for k, v in sorted(props.items()) if v not in (None, "", []))


def report_sections(report: dict[str, Any]) -> tuple[str, list[Section]]:
    """The report's heading and its sections, as plain cells."""
    ent = report["entity"]
    heading = f"{ent['name']} ({ent['label']})"
    facts = Section("Entity", ["field", "value"])
    if report.get("status"):
        facts.rows.append(["status", report["status"]["text"]])
    facts.rows.append(["id", ent["id"]])
    facts.rows.append(["type", ent["label"] or ""])
    facts.rows.append(["aliases", ", ".join(ent["aliases"]) or "none"])
    for key, value in ent["identifiers"].items():
        facts.rows.append([key.upper() if key != "call_sign" else "call sign", str(value)])
    for key, value in ent["properties"].items():
        if value not in (None, "", []):
            facts.rows.append([key.replace("_", " "), str(value)])
    if report.get("min_sources"):
        facts.rows.append(["shown", f"facts with at least {report['min_sources']} sources; "
                                    f"{report.get('below_min_sources', 0)} with fewer left out"])
    totals = report.get("relationship_totals") or {}
    if totals:
        facts.rows.append(["relationships", ", ".join(f"{t} {n}" for t, n in totals.items())])

    sanctions = Section("Sanctions", ["status", "by / via", "when", "program / list", "evidence"],
                        empty="not sanctioned, and no sanctioned entity within "
                        f"{report['sanctions'].get('hops', '?')} hops")
    for d in report["sanctions"]["direct"]:
        when = " ".join(str(x) for x in (d.get("date") or d.get("year"),) if x)
        listed = " ".join(str(x) for x in (d.get("list_name"), d.get("list_id") and f"entry {d['list_id']}") if x)
        prog = " / ".join(str(x) for x in (d.get("program"), listed) if x)
        sanctions.rows.append(["sanctioned directly", f"by {node(d['by'])}", when, prog, fact_lines(d)])
    for ind in report["sanctions"]["indirect"]:
        lines: list[str] = []
        for step in ind["path"]:
            lines.append(step_text(step) + ":")
            lines += ["  " + x for x in evidence_lines(step["evidence"])]
        sanctions.rows.append([
            f"{ind['hops']} hop{'s' if ind['hops'] != 1 else ''} from sanctioned {node(ind['sanctioned'])}",
            path_text(ind["path"]), "", "", lines,
        ])
    omitted = report["sanctions"].get("indirect_omitted") or 0
    if omitted:
        named = report["sanctions"].get("indirect_omitted_entities") or []
        names = "; ".join(f"{node(o['sanctioned'])}, {o['hops']} hop{'s' if o['hops'] != 1 else ''}"
                          + (f" via {node(o['via'])}" if o.get("via") else "") for o in named)
        sanctions.rows.append(["…", f"{omitted} more sanctioned entit{'y' if omitted == 1 else 'ies'} nearby, "
                               "sanctioned by the same bodies as this one or as an entity listed above"
                               + (f": {names}" if names else ""), "", "", []])
    if report["sanctions"].get("indirect_truncated"):
        sanctions.rows.append(["…", f"only the nearest {len(report['sanctions']['indirect'])} sanctioned entities "
                               "are listed", "", "", []])
    ownership = Section("Ownership and operation chain", ["from", "relationship", "to", "evidence"],
                        empty="no owner or operator recorded")
    for o in report["ownership"]:
        ownership.rows.append([node(o["source"]), o["type"], node(o["target"]), fact_lines(o)])

    calls = Section("Port calls", ["date", "port", "activity", "evidence"], empty="no port calls recorded")
    for c in report["port_calls"]:
        calls.rows.append([c.get("date") or "undated", node(c["port"]), c.get("activity") or "",
                           fact_lines(c)])

    incoming = Section("Calls here", ["date", "vessel", "activity", "sanctioned", "evidence"],
                       empty="no vessel calls recorded")
    for c in report.get("incoming_calls") or []:
        by = ", ".join(x.get("name") or x["id"] for x in c["sanctioned_by"])
        incoming.rows.append([c.get("date") or "undated", node(c["vessel"]), c.get("activity") or "",
                              f"yes, by {by}" if by else "no", fact_lines(c)])

    rels = Section("Other relationships", ["type", "direction", "entity", "details", "evidence"],
                   empty="none")
    for rtype, items in report["relationships"].items():
        for r in items:
            rels.rows.append([rtype, "->" if r["direction"] == "out" else "<-", node(r["other"]),
                              _details(r["properties"]), fact_lines(r)])

    denied = Section("Denied, and stated by no source", ["type", "entity", "evidence against"], empty="none")
    for x in report.get("denied") or []:
        denied.rows.append([x["type"], node(x["other"]), [f"denied: {evidence_line(ev)}" for ev in x["evidence"]]])

    history = report.get("identity")
    timeline = Section("Identity over time", ["date", "what"], empty="nothing recorded")
    if history:
        for e in history["events"]:
            timeline.rows.append([e["date"] or "undated", e["what"]])
        for c in history["conflicts"]:
            timeline.rows.append(["conflict", c["text"]])

    dark = Section("AIS dark (transponder off)", ["date", "evidence"], empty="no reports")
    for ev in report["ais_dark"]:
        dark.rows.append([ev.get("date") or "", evidence_lines([ev])])

    arts = Section("Articles mentioning it", ["published", "title", "source", "url"], empty="none")
    for a in report["articles"]:
        arts.rows.append([a.get("published") or "", a.get("title") or a["id"], a.get("source") or "", a.get("url") or ""])
    place = ent["label"] in ("Port", "Location")
    sections = [facts, sanctions, ownership]
    if calls.rows or not place:
        sections.append(calls)
    if incoming.rows or place:
        sections.append(incoming)
    return heading, [*sections, *([timeline] if history else []), rels, *([denied] if denied.rows else []), dark, arts]


# Where "<" could open HTML or an autolink in a Markdown viewer: before a letter, "/", "!" or
# "?". Only there is it written &lt; (a name cannot become HTML); an arrow "<-" stays as typed.
_MD_TAG_OPEN = re.compile(r"<(?=[A-Za-z/!?])")


def _md_text(text: str) -> str:
    return _MD_TAG_OPEN.sub("&lt;", text)


def _md_cell(cell: Any) -> str:
    # The lines of a cell (evidence items, a path's hops) joined by " · ", a hop's line ending
    # in ":" to its evidence by a space: no HTML line breaks.
    if isinstance(cell, list):
        text = ""
        for c in cell:
            line = _md_text(str(c).strip())
            text += (" " if text.endswith(":") else " · " if text else "") + line
    else:
        text = _md_text(str(cell))
    return text.replace("|", "\\|").replace("\n", " ")


def report_markdown(report: dict[str, Any]) -> str:
    """The report as Markdown: a heading, then one table per section."""
    heading, sections = report_sections(report)
    out = [f"# {_md_text(heading)}", ""]
    for sec in sections:
        out += [f"## {sec.title}", ""]
        if not sec.rows:
            out += [f"_{sec.empty}_", ""]
            continue
        out.append("| " + " | ".join(sec.columns) + " |")
        out.append("|" + "---|" * len(sec.columns))
        for row in sec.rows:
            out.append("| " + " | ".join(_md_cell(c) for c in row) + " |")
        out.append("")
    if has_hedged(report):
        out += [f"_{_md_cell(LEGEND)}_", ""]
    return "\n".join(out)


def report_rich(report: dict[str, Any]) -> list[Any]:
    """The report as rich renderables: a heading, then one table per section."""
    from rich.table import Table

    from queries.terminal import text

    heading, sections = report_sections(report)
    out: list[Any] = [text(heading, style="bold")]
    if report.get("status"):
        style = {"sanctioned": "bold red", "exposed": "bold yellow"}.get(report["status"]["level"], "green")
        out.append(text(report["status"]["text"], style=style))
    for sec in sections:
        if not sec.rows:
            out.append(text(f"{sec.title}: {sec.empty}", style="dim"))
            continue
        table = Table(title=sec.title, title_justify="left", show_lines=True, expand=False)
        for col in sec.columns:
            table.add_column(col, overflow="fold")
        for row in sec.rows:
            table.add_row(*(text("\n".join(c) if isinstance(c, list) else c) for c in row))
        out.append(table)
    if has_hedged(report):
        out.append(text(LEGEND, style="dim"))
    return out


def paths_text(paths: list[dict[str, Any]], a: str, b: str, max_hops: int, *, brief: bool = False) -> str:
    """Connections between two entities, each hop with its evidence (`brief`: a line a path,
    a hop resting only on hedged evidence marked)."""
    if not paths:
        return f"No connection between {a} and {b} within {max_hops} hops."
    out: list[str] = []
    for i, p in enumerate(paths, 1):
        line = f"Path {i} ({p['length']} hop{'s' if p['length'] != 1 else ''}): {path_text(p['steps'])}"
        if brief:
            if any(s["evidence"] and all(hedged(ev) for ev in s["evidence"]) for s in p["steps"]):
                line += f" {HEDGED}"
            out.append(line)
            continue
        out.append(line)
        for step in p["steps"]:
            details = _details(step["properties"])
            out.append(f"  {step_text(step)}" + (f" [{details}]" if details else ""))
            out += [f"    {line}" for line in evidence_lines(step["evidence"])]
    if brief:
        if any(line.endswith(HEDGED) for line in out):
            out.append(f"{HEDGED}: a hop of the path only hedged evidence supports (suspected, allegedly, "
                       "reportedly, believed to be, likely).")
    elif has_hedged(paths):
        out.append(LEGEND)
    return "\n".join(out)

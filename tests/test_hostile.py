"""Hostile input: data that tries to be markup or terminal control, parser bombs, odd
encodings, wrong types, broken lists, exports to bad places and cross-site requests.

Each test is a regression test for one class of issue 14; the property-based suite over the
same entry points is tests/test_hostile_props.py.
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from cli import main
from graph.evidence import encode
from graph.store import open_store
from ingest.normalize import name_keys
from queries import render
from queries.report import build_report

# Text an article or a list could hold: rich markup (a closing tag with no opening one raises
# MarkupError when parsed), an ANSI colour sequence, an 8-bit CSI and a bidi override.
MARKUP = "[/x] [bold]Cargo[/bold] [link=file:///etc]"
ANSI = "\x1b[31mRED\x1b[0m\x9b2J\u202eevil"
HOSTILE_NAME = f"Polar Wren {MARKUP} {ANSI}"
HOSTILE_SENTENCE = f"The Polar Wren [/x] docked at Port Quill \x1b]0;owned\x07 in May."
ART = "art:hostile-1"


def _assert_safe(output: str) -> None:
    assert "\x1b" not in output and "\x9b" not in output and "\u202e" not in output and "\x07" not in output
    assert "Traceback" not in output


def build_hostile(store) -> None:
    with store.batch() as b:
        b.upsert_nodes("Article", [{"id": ART, "title": f"Title {ANSI} {MARKUP}", "source": "[/src]",
                                    "published": "2024-05-02", "complete": True}])
        b.upsert_nodes("Vessel", [{"id": "vessel:wren", "name": HOSTILE_NAME, "aliases": [HOSTILE_NAME, "[/alias]"],
                                   "keys": name_keys(HOSTILE_NAME, ()), "source": "article", "mention_count": 1}])
        b.upsert_nodes("Port", [{"id": "port:quill", "name": "Port Quill [/p]", "aliases": ["Port Quill [/p]"],
                                 "keys": name_keys("Port Quill", ()), "source": "article", "mention_count": 1}])
        b.upsert_nodes("Country", [{"id": "country:zz", "name": "[red]Nowhere", "aliases": ["[red]Nowhere"],
                                    "keys": name_keys("Nowhere", ()), "source": "article", "mention_count": 1}])
        b.upsert_relationships("CALLED_AT", [{"start": "vessel:wren", "end": "port:quill", "articles": [ART],
                                              "evidence": [encode(ART, HOSTILE_SENTENCE, "rule")],
                                              "methods": ["rule"], "key": "2024-05-01", "date": "2024-05-01",
                                              "activity": "[/docked]"}])
        b.upsert_relationships("SANCTIONED_BY", [{"start": "vessel:wren", "end": "country:zz", "articles": [ART],
                                                  "evidence": [encode(ART, HOSTILE_SENTENCE, "rule")],
                                                  "methods": ["rule"], "program": "[/prog]"}])
        b.upsert_relationships("MENTIONS", [{"start": ART, "end": "vessel:wren", "articles": [ART], "count": 1}])


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory):
    path = str(tmp_path_factory.mktemp("hostile") / "graph.db")
    with open_store(path) as store:
        build_hostile(store)
    return path


# -- 1. data printed as text, never as markup or terminal control ----------------------------------


def test_report_rich_prints_markup_and_escapes_as_text(hostile_db):
    from rich.console import Console

    with open_store(hostile_db) as store:
        data = build_report(store, "vessel:wren")
    console = Console(force_terminal=True, width=300, record=True, color_system=None)
    for part in render.report_rich(data):
        console.print(part)
    out = console.export_text()
    _assert_safe(out)
    assert "[/x]" in out and "[bold]Cargo[/bold]" in out and "[/docked]" in out
    assert "\\x1b[31mRED" in out and "\\x9b2J" in out and "\\u202eevil" in out


def _run(args, **kw):
    result = CliRunner().invoke(main, args, catch_exceptions=False, **kw)
    return result


@pytest.mark.parametrize("args", [
    ["report", "vessel:wren"],
    ["report", "vessel:wren", "--format", "markdown"],
    ["report", "vessel:wren", "--format", "json"],
    ["query", "MATCH (n:Entity) RETURN n.name AS name, n.aliases AS aliases, n ORDER BY name"],
    ["query", "MATCH (n:Entity) RETURN n.name AS name ORDER BY name", "--format", "csv"],
    ["query", "MATCH (n:Entity) RETURN n.name AS `[/col]` ORDER BY `[/col]`", "--format", "json"],
    ["entities"],
    ["entities", "--format", "csv"],
    ["path", "vessel:wren", "country:zz"],
    ["report", "[/x] \x1b[2J nothing"],   # the error line quotes the name given
], ids=lambda a: " ".join(a[:3])[:40])
def test_cli_prints_hostile_text_as_text(hostile_db, args):
    result = _run(["--db", hostile_db, *args])
    _assert_safe(result.output)
    if args[-1].startswith("[/x]"):
        assert result.exit_code == 1 and result.output.count("\n") == 1
        assert "[/x] \\x1b[2J nothing" in result.output
        return
    assert result.exit_code == 0, result.output
    assert "[/x]" in result.output or "\\u005b" in result.output or "[/col]" in result.output


def test_json_output_keeps_the_data_and_escapes_raw_controls(hostile_db):
    import json

    result = _run(["--db", hostile_db, "query", "MATCH (v:Vessel) RETURN v.name AS name", "--format", "json"])
    _assert_safe(result.output)
    assert json.loads(result.output) == [{"name": HOSTILE_NAME}]


def test_csv_output_defuses_spreadsheet_formulas(tmp_path):
    db = str(tmp_path / "f.db")
    names = ["=HYPERLINK(\"http://x\",\"y\")", "+cmd", "@SUM(A1)", "-2+3", "\tTabbed", "Plain"]
    with open_store(db) as store:
        with store.batch() as b:
            b.upsert_nodes("Company", [{"id": f"company:c{i}", "name": n, "aliases": [n], "keys": [f"c{i}"],
                                        "source": "article"} for i, n in enumerate(names)])
    result = _run(["--db", db, "query", "MATCH (c:Company) RETURN c.name AS name, -1.5 AS n ORDER BY c.id",
                   "--format", "csv"])
    import csv
    import io

    rows = list(csv.reader(io.StringIO(result.output)))
    assert rows[0] == ["name", "n"]
    assert [r[0] for r in rows[1:]] == ["'" + n for n in names[:-1]] + ["Plain"]
    assert {r[1] for r in rows[1:]} == {"-1.5"}  # numbers stay numbers

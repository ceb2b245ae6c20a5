"""Hostile input: data that tries to be markup or terminal control, parser bombs, odd
encodings, wrong types, broken lists, exports to bad places and cross-site requests.

Each test is a regression test for one class of issue 14; the property-based suite over the
same entry points is tests/test_hostile_props.py.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from graph.evidence import encode
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


def _one_line(output: str) -> bool:
    """Whether the output is one line of text (blank lines aside: a cleared progress bar leaves one)."""
    return len([line for line in output.splitlines() if line.strip()]) == 1


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
def hostile(graph_of):
    """The hostile graph, once per module and backend (tests/stores.py: graph_of)."""
    return graph_of(build_hostile)


@pytest.fixture
def hostile_db(hostile) -> str:
    return hostile.db


# -- 1. data printed as text, never as markup or terminal control ----------------------------------


def test_report_rich_prints_markup_and_escapes_as_text(hostile):
    from rich.console import Console

    data = build_report(hostile.store, "vessel:wren")
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
        assert result.exit_code == 1 and _one_line(result.output)
        assert "[/x] \\x1b[2J nothing" in result.output
        return
    assert result.exit_code == 0, result.output
    assert "[/x]" in result.output or "\\u005b" in result.output or "[/col]" in result.output


def test_json_output_keeps_the_data_and_escapes_raw_controls(hostile_db):
    import json

    result = _run(["--db", hostile_db, "query", "MATCH (v:Vessel) RETURN v.name AS name", "--format", "json"])
    _assert_safe(result.output)
    assert json.loads(result.output) == [{"name": HOSTILE_NAME}]


def test_csv_output_defuses_spreadsheet_formulas(store, db_arg):
    names = ["=HYPERLINK(\"http://x\",\"y\")", "+cmd", "@SUM(A1)", "-2+3", "\tTabbed", "Plain"]
    with store.batch() as b:
        b.upsert_nodes("Company", [{"id": f"company:c{i}", "name": n, "aliases": [n], "keys": [f"c{i}"],
                                    "source": "article"} for i, n in enumerate(names)])
    result = _run(["--db", db_arg, "query", "MATCH (c:Company) RETURN c.name AS name, -1.5 AS n ORDER BY c.id",
                   "--format", "csv"])
    import csv
    import io

    rows = list(csv.reader(io.StringIO(result.output)))
    assert rows[0] == ["name", "n"]
    assert [r[0] for r in rows[1:]] == ["'" + n for n in names[:-1]] + ["Plain"]
    assert {r[1] for r in rows[1:]} == {"-1.5"}  # numbers stay numbers


# -- 2./3./4. readers: parser bombs, resources, encodings, metadata types ---------------------------

from graph.limits import limits  # noqa: E402
from ingest import readers  # noqa: E402
from ingest.model import Document, Skipped  # noqa: E402


@pytest.fixture
def fresh_limits(monkeypatch):
    limits.cache_clear()
    yield monkeypatch
    limits.cache_clear()


def _read(*paths, **kw):
    return list(readers.read_paths([p if isinstance(p, (str, bytes)) else str(p) for p in paths], **kw))


def _one(items):
    assert len(items) == 1, items
    return items[0]


BODY = "The tanker Grey Plover loaded fuel at Port Alder on 3 March.\n"


def test_yaml_alias_bomb_is_refused_quickly(tmp_path):
    levels = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 12):  # 9**12 elements if expanded
        levels.append(f"{chr(97 + i)}: &{chr(97 + i)} [" + ", ".join([f"*{chr(96 + i)}"] * 9) + "]")
    f = tmp_path / "bomb.md"
    f.write_text("---\n" + "\n".join(levels) + "\ntitle: t\n---\n" + BODY)
    item = _one(_read(f))
    assert isinstance(item, Skipped) and "alias" in item.reason


def test_front_matter_over_the_limit_names_the_setting(tmp_path, fresh_limits):
    fresh_limits.setenv("SANCTIONS_KG_MAX_FRONT_MATTER_BYTES", "100")
    f = tmp_path / "big.md"
    f.write_text("---\ntitle: " + "t" * 200 + "\n---\n" + BODY)
    item = _one(_read(f))
    assert isinstance(item, Skipped) and "SANCTIONS_KG_MAX_FRONT_MATTER_BYTES" in item.reason


def test_deep_json_line_is_skipped_and_the_rest_go_on(tmp_path):
    f = tmp_path / "deep.jsonl"
    f.write_text("[" * 200_000 + "]" * 200_000 + "\n" + '{"text": "' + BODY.strip() + '"}\n'
                 + '{"text": "x", "title": ' + "[" * 100 + "]" * 100 + "}\n")
    items = _read(f)
    assert [type(i) for i in items] == [Skipped, Document, Skipped]
    assert "SANCTIONS_KG_MAX_JSON_DEPTH" in items[0].reason and items[0].path.endswith(":1")
    assert "SANCTIONS_KG_MAX_JSON_DEPTH" in items[2].reason


def test_brackets_inside_strings_do_not_count_as_depth():
    from graph.safe_load import json_loads

    assert json_loads('{"text": "' + "[" * 1000 + '"}') == {"text": "[" * 1000}


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/null"])
def test_devices_given_as_paths_are_refused(device):
    item = _one(_read(device))
    assert isinstance(item, Skipped) and "not a regular file" in item.reason


def test_fifo_given_as_path_is_refused_without_waiting(tmp_path):
    import os

    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)  # nobody writes to it: a blocking open or read would hang the test
    item = _one(_read(fifo))
    assert isinstance(item, Skipped) and "not a regular file" in item.reason


def test_stdin_is_read_up_to_the_limit(fresh_limits):
    import io

    fresh_limits.setenv("SANCTIONS_KG_MAX_DOCUMENT_BYTES", "4096")
    with open("/dev/zero", "rb") as zero:
        fresh_limits.setattr("sys.stdin", io.TextIOWrapper(zero))
        item = _one(_read("-"))
    assert isinstance(item, Skipped) and item.path == "<stdin>"
    assert "SANCTIONS_KG_MAX_DOCUMENT_BYTES" in item.reason and "4 KB" in item.reason


CLI = str(Path(sys.executable).with_name("sanctions-kg"))


def test_ingest_from_dev_zero_on_stdin_is_one_clear_line(db_arg):
    with open("/dev/zero", "rb") as zero:
        proc = subprocess.run([CLI, "--db", db_arg, "ingest", "-", "/dev/zero"],
                              stdin=zero, capture_output=True, text=True, timeout=120,
                              env={**os.environ, "SANCTIONS_KG_MAX_DOCUMENT_BYTES": "65536"})
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "failed: <stdin>: too large" in proc.stderr and "SANCTIONS_KG_MAX_DOCUMENT_BYTES" in proc.stderr
    assert "failed: /dev/zero: unreadable: not a regular file" in proc.stderr
    assert "articles: 0 new, 0 unchanged, 2 failed" in proc.stdout


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_read(tmp_path, codec):
    f = tmp_path / "a.txt"
    text = "Le pétrolier Grey Plover a chargé à Sète.\nSecond line, déjà vu."
    f.write_bytes(text.encode(codec))
    doc = _one(_read(f))
    assert isinstance(doc, Document) and doc.text == text


def test_mixed_utf8_and_cp1252_lines_are_each_decoded(tmp_path):
    f = tmp_path / "mixed.txt"
    f.write_bytes("Première ligne en UTF-8: café.\n".encode("utf-8")
                  + "Deuxième ligne en cp1252: crème brûlée – “quoted”.\n".encode("cp1252"))
    doc = _one(_read(f))
    assert doc.text == "Première ligne en UTF-8: café.\nDeuxième ligne en cp1252: crème brûlée – “quoted”."
    assert "Ã" not in doc.text


def test_file_name_that_is_not_utf8_is_read_and_reported(tmp_path):
    import os

    raw = os.fsencode(str(tmp_path)) + b"/caf\xe9-report.txt"
    with open(raw, "wb") as fh:
        fh.write(BODY.encode())
    doc = _one(_read(os.fsdecode(raw)))
    assert isinstance(doc, Document)
    assert doc.path.endswith("caf\\xe9-report.txt")
    doc.path.encode("utf-8")  # storable: no lone surrogates
    # and folders holding such a name
    docs = _read(tmp_path)
    assert [d.path for d in docs] == [doc.path]


@pytest.mark.parametrize("meta, reason", [
    ({"title": ["a", "list"]}, "title is a list"),
    ({"source": {"k": 1}}, "source is a dict"),
    ({"url": True}, "url is a bool"),
    ({"published": "2024-02-30"}, "not a real date"),
    ({"published": ["2024-01-01"]}, "published is a list"),
])
def test_jsonl_metadata_of_the_wrong_type_is_refused_with_a_line(tmp_path, meta, reason):
    import json

    f = tmp_path / "m.jsonl"
    f.write_text(json.dumps({"text": BODY, **meta}) + "\n" + json.dumps({"text": BODY, "title": 42}) + "\n")
    bad, good = _read(f)
    assert isinstance(bad, Skipped) and reason in bad.reason and bad.path.endswith(":1")
    assert isinstance(good, Document) and good.title == "42"


@pytest.mark.parametrize("front", ["published: 2024-02-30", "published: '2023-13-01'"])
def test_impossible_dates_in_front_matter_are_refused(tmp_path, front):
    f = tmp_path / "d.md"
    f.write_text(f"---\n{front}\n---\n{BODY}")
    item = _one(_read(f))
    assert isinstance(item, Skipped) and "bad metadata" in item.reason


# -- 2. one huge sentence: split before the parser, so extraction stays linear ------------------------


def _run_on(n_items: int) -> str:
    return ("Inspectors listed the barges " + ", ".join(f"Barge{i} Kestrel" for i in range(n_items))
            + " as seen near Port Alder.")


def test_sentence_cap_on_a_blank_pipeline():
    import spacy

    from ingest.nlp import add_components

    nlp = add_components(spacy.blank("en"), model_ner=False)
    assert "sanctions_kg_sentence_cap_v1" in nlp.pipe_names
    doc = nlp(_run_on(2000) + " A short sentence follows. And one more.")
    lengths = [len(s) for s in doc.sents]
    assert max(lengths) <= limits().max_sentence_tokens
    assert sum(lengths) == len(doc)
    # ordinary sentences are left alone
    assert [s.text for s in doc.sents][-2:] == ["A short sentence follows.", "And one more."]


def test_sentence_cap_holds_with_the_model_parser(fresh_limits):
    from ingest.nlp import load

    fresh_limits.setenv("SANCTIONS_KG_MAX_SENTENCE_TOKENS", "60")
    nlp = load()
    assert nlp.pipe_names.index("sanctions_kg_sentence_cap_v1") < nlp.pipe_names.index("parser")
    doc = nlp(_run_on(200))
    assert max(len(s) for s in doc.sents) <= 60
    short = nlp("The tanker Grey Plover loaded fuel at Port Alder on 3 March. It left the next day.")
    assert len(list(short.sents)) == 2


# -- 5. sanctions lists: duplicates, encodings, bombs ----------------------------------------------

from _lists_fixtures import snapshot  # noqa: E402
from graph.errors import InputError  # noqa: E402
from ingest.lists import ftm, ofac  # noqa: E402
from ingest.lists.importer import import_sanctions  # noqa: E402

SDN_ROWS = [
    '9001,"GREY PLOVER","vessel","IRAN-EO13902","-0- ","-0- ","Crude Oil Tanker","-0- ","-0- ","Panama","-0- ","-0- "',
    '9002,"ALDER MARITIME LTD","-0- ","IRAN-EO13902","-0- ","-0- ","-0- ","-0- ","-0- ","-0- ","-0- ","-0- "',
]


def _sdn(tmp_path, rows, encoding="utf-8") -> Path:
    folder = tmp_path / "sdn"
    folder.mkdir(exist_ok=True)
    (folder / "sdn.csv").write_bytes(("\n".join(rows) + "\n").encode(encoding))
    return folder


def test_ofac_duplicate_entry_number_refuses_the_file_and_stores_nothing(tmp_path, store, db_arg):
    dup = '9001,"KESTREL TRADING FZE","-0- ","SDGT","-0- ","-0- ","-0- ","-0- ","-0- ","-0- ","-0- ","-0- "'
    folder = _sdn(tmp_path, SDN_ROWS + [dup])
    before = snapshot(store)
    with pytest.raises(InputError, match=r"line 3: entry number 9001 is also on line 1"):
        import_sanctions(store, folder, "ofac")
    assert snapshot(store) == before
    result = _run(["--db", db_arg, "import-sanctions", str(folder)])
    assert result.exit_code == 1 and _one_line(result.output) and "entry number 9001" in result.output


@pytest.mark.parametrize("encoding", ["cp1252", "utf-16", "utf-8-sig"])
def test_ofac_file_encodings(tmp_path, encoding):
    rows = [SDN_ROWS[0].replace("GREY PLOVER", "GRÉY PLOVÈR"), SDN_ROWS[1]]
    parsed = ofac.read(_sdn(tmp_path, rows, encoding))
    assert parsed.entities["us-ofac-sdn:9001"].name == "GRÉY PLOVÈR"


def _ftm_line(name="Grey Plover", id_="v1", schema="Vessel"):
    import json

    return json.dumps({"id": id_, "schema": schema, "properties": {"name": [name]}, "datasets": ["test"]},
                      ensure_ascii=False)


@pytest.mark.parametrize("encoding", ["latin-1", "utf-16", "utf-16-le", "utf-16-be", "utf-8-sig"])
def test_ftm_lists_in_other_encodings(tmp_path, encoding):
    f = tmp_path / "l.ftm.json"
    f.write_bytes((_ftm_line("Grèy Plovér") + "\n" + _ftm_line("Café Alder Ltd", "c1", "Company") + "\n").encode(encoding))
    parsed = ftm.read(f)
    assert sorted(e.name for e in parsed.entities.values()) == ["Café Alder Ltd", "Grèy Plovér"]


def test_ftm_mixed_utf8_and_latin1_lines(tmp_path):
    f = tmp_path / "l.ftm.json"
    f.write_bytes((_ftm_line("Grèy Plovér") + "\n").encode("utf-8") + (_ftm_line("Café", "c1", "Company") + "\n").encode("latin-1"))
    assert sorted(e.name for e in ftm.read(f).entities.values()) == ["Café", "Grèy Plovér"]


@pytest.mark.parametrize("bad, message", [
    ('{"id": "x", "schema": "Vessel", "properties": ' + "[" * 100_000 + "]" * 100_000 + "}", "SANCTIONS_KG_MAX_JSON_DEPTH"),
    ('{"id": "x", "schema": "Vessel", "properties": {"name": "not a list"}}', 'property "name" must be a list'),
    ('{"id": "x", "schema": ["Vessel"], "properties": {}}', '"schema" must be a string'),
    ('{"id": 5, "schema": "Vessel", "properties": {}}', '"id" must be a string'),
    ('{"id": "x", "schema": "NoSuchSchema", "properties": {}}', "not a valid FollowTheMoney entity"),
])
def test_ftm_bad_line_refuses_the_file_with_its_line(tmp_path, store, bad, message):
    f = tmp_path / "l.ftm.json"
    f.write_text(_ftm_line() + "\n" + bad + "\n")
    before = snapshot(store)
    with pytest.raises(InputError, match="line 2") as info:
        import_sanctions(store, f, "ftm")
    assert message in str(info.value)
    assert snapshot(store) == before


def test_ftm_endless_line_is_refused_within_the_limit(tmp_path, fresh_limits):
    fresh_limits.setenv("SANCTIONS_KG_MAX_RECORD_BYTES", "1000")
    f = tmp_path / "l.ftm.json"
    f.write_text(_ftm_line() + "\n" + '{"id": "' + "x" * 5000)
    with pytest.raises(InputError, match=r"line 2: too large.*SANCTIONS_KG_MAX_RECORD_BYTES"):
        ftm.read(f)


def test_lists_given_as_fifo_or_device_are_refused(tmp_path):
    fifo = tmp_path / "list.ftm.json"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="not a regular file"):
        ftm.read(fifo)
    with pytest.raises(InputError, match="not a regular file"):
        ftm.read("/dev/zero")
    folder = _sdn(tmp_path, SDN_ROWS)
    os.mkfifo(folder / "alt.csv")
    with pytest.raises(InputError, match="not a regular file"):
        ofac.read(folder)


# -- 4. parameters: out-of-range numbers are refused, never clamped --------------------------------


@pytest.mark.parametrize("args, message", [
    (["query", "RETURN $x AS x", "-p", "x=123456789012345678901"], "outside the 64-bit integer range"),
    (["query", "RETURN $x AS x", "-p", "x=[1, {\"a\": -123456789012345678901}]"], "outside the 64-bit integer range"),
    (["query", "RETURN 1 AS x", "--timeout", "1e308"], "--timeout"),
    (["query", "RETURN 1 AS x", "--timeout", "nan"], "not a finite number"),
    (["query", "RETURN 1 AS x", "--timeout", "inf"], "--timeout"),
    (["query", "RETURN 1 AS x", "--max-rows", "123456789012345678901"], "--max-rows"),
    (["--keep-server", "1e308", "stats"], "--keep-server"),
    (["entities", "--limit", "123456789012345678901"], "--limit"),
    (["serve", "--timeout", "1e308"], "--timeout"),
])
def test_out_of_range_parameters_are_one_clear_error(db_arg, args, message):
    result = _run(["--db", db_arg, *args])
    assert result.exit_code == 2, result.output
    assert message in result.output and "Traceback" not in result.output
    assert result.output.strip().splitlines()[-1].startswith("Error:")


def test_largest_int64_parameter_still_passes(db_arg):
    result = _run(["--db", db_arg, "query", "RETURN $x AS x", "-p", "x=-9223372036854775808",
                   "--format", "json"])
    assert result.exit_code == 0 and '"x": -9223372036854775808' in result.output


def test_named_query_int_parameter_overflow_is_refused(tmp_path):
    from graph.errors import ConfigError
    from queries.library import get, _convert

    q = get("most_mentioned")
    p = next(p for p in q.params if p.type == "int")
    for value in (float("inf"), 10**20, "123456789012345678901", float("nan")):
        with pytest.raises(ConfigError):
            _convert(q.name, p, value)


# -- 6. exports: bad places, full disks, XML-invalid characters ------------------------------------

from graph.export import export  # noqa: E402

CONTROL_NAME = "Grey\x01 Plover\x08\x0b\x0c\x1b[31m \ufffe end"


@pytest.fixture
def small_graph(store):
    with store.batch() as b:
        b.upsert_nodes("Vessel", [{"id": "vessel:grey-plover", "name": CONTROL_NAME, "aliases": [CONTROL_NAME],
                                   "keys": ["grey plover"], "source": "article"}])
        b.upsert_nodes("Company", [{"id": "company:alder", "name": "=HYPERLINK(\"x\")", "aliases": ["@alder"],
                                    "keys": ["alder"], "source": "article"}])
        b.upsert_relationships("OWNED_BY", [{"start": "vessel:grey-plover", "end": "company:alder",
                                             "articles": ["a"], "evidence": [encode("a", "Text\x02 here.", "rule")],
                                             "methods": ["rule"]}])
    return store


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_xml_exports_are_valid_xml_with_control_characters(small_graph, tmp_path, fmt):
    import xml.etree.ElementTree as ET

    out = tmp_path / f"g.{fmt}"
    export(small_graph, fmt, out)
    root = ET.parse(out).getroot()  # raises on characters XML forbids
    texts = " ".join(e.text or "" for e in root.iter()) + " ".join(v for e in root.iter() for v in e.attrib.values())
    assert "Grey\\x01 Plover\\x08\\x0b\\x0c\\x1b[31m \\ufffe end" in texts


@pytest.mark.parametrize("target, message", [
    ("{tmp}/no/such/folder/g.json", "does not exist"),
    ("/dev/full", "No space left on device"),
    ("/proc/sanctions-kg-export.json", "Cannot write /proc/sanctions-kg-export.json"),
])
def test_exports_to_bad_places_are_one_clear_line(small_graph, tmp_path, target, message):
    target = target.format(tmp=tmp_path)
    db = small_graph.settings.db
    small_graph.close()
    result = _run(["--db", db, "export", "--format", "json", target])
    assert result.exit_code == 1, result.output
    assert message in result.output and _one_line(result.output)


def test_neo4j_admin_export_into_proc_is_refused_cleanly(small_graph):
    with pytest.raises(InputError, match="Cannot write /proc/skg-neo"):
        export(small_graph, "neo4j-admin", "/proc/skg-neo")


@pytest.mark.parametrize("fmt", ["json", "graphml", "ftm", "neo4j-admin"])
def test_a_failed_export_leaves_no_partial_file_and_keeps_the_old_one(small_graph, tmp_path, fmt):
    import resource
    import signal

    out = tmp_path / ("out" if fmt == "neo4j-admin" else f"g.{fmt}")
    export(small_graph, fmt, out)
    before = sorted((p.name, p.read_bytes()) for p in ([*out.iterdir()] if out.is_dir() else [out]))
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    old_handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    # Files of this process may not grow beyond 200 bytes: writes fail like on a full disk
    # (EFBIG). The database server is another process and is not limited.
    resource.setrlimit(resource.RLIMIT_FSIZE, (200, hard))
    try:
        with pytest.raises(InputError, match=f"Cannot write {out}"):
            export(small_graph, fmt, out)
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, old_handler)
    after = sorted((p.name, p.read_bytes()) for p in ([*out.iterdir()] if out.is_dir() else [out]))
    assert after == before
    assert not [p for p in tmp_path.iterdir() if ".partial" in p.name]


# -- 7. web: only same-origin JSON requests with the console token ----------------------------------

LOCAL = "http://127.0.0.1:8765"


@pytest.fixture(scope="module")
def web_app(hostile):
    from web.app import create_app

    return create_app(hostile.store.settings, store=hostile.store, close_store=False)


@pytest.fixture
def web(web_app, hostile_db):  # hostile_db: the graph is in the store (again) before each test
    from starlette.testclient import TestClient

    with TestClient(web_app, base_url=LOCAL) as client:
        yield client


def _page_token(client) -> str:
    import re

    html = client.get("/").text
    m = re.search(r'<meta name="sanctions-kg-console" content="([^"]+)">', html)
    assert m, "the page embeds the console token"
    return m.group(1)


QUERY = {"query": "MATCH (v:Vessel) RETURN v.name AS name"}


def test_console_token_from_the_page_lets_the_page_query(web):
    token = _page_token(web)
    res = web.post("/api/query", json=QUERY, headers={"X-Sanctions-KG-Console": token,
                                                      "Origin": LOCAL, "Sec-Fetch-Site": "same-origin"})
    assert res.status_code == 200 and res.json()["rows"] == [{"name": HOSTILE_NAME}]


def test_each_server_has_its_own_console_token(web_app, hostile):
    from web.app import create_app

    other = create_app(hostile.store.settings, store=hostile.store, close_store=False)
    assert other.state.console_token != web_app.state.console_token and len(other.state.console_token) >= 32


@pytest.mark.parametrize("headers, body, status, kind", [
    # the classic cross-site form post: text/plain, a foreign Origin, no token
    ({"Content-Type": "text/plain", "Origin": "https://evil.example"}, '{"query": "RETURN 1"}', 403, "cross_site"),
    ({"Content-Type": "text/plain", "Sec-Fetch-Site": "cross-site"}, '{"query": "RETURN 1"}', 403, "cross_site"),
    ({"Content-Type": "application/json", "Sec-Fetch-Site": "same-site"}, '{"query": "RETURN 1"}', 403, "cross_site"),
    ({"Content-Type": "text/plain"}, '{"query": "RETURN 1"}', 415, "bad_request"),
    ({"Content-Type": "application/x-www-form-urlencoded"}, "query=RETURN+1", 415, "bad_request"),
    ({"Content-Type": "application/json"}, '{"query": "RETURN 1"}', 403, "console_token"),
    ({"Content-Type": "application/json", "X-Sanctions-KG-Console": "guess"}, '{"query": "RETURN 1"}', 403, "console_token"),
])
def test_cross_site_and_tokenless_requests_are_refused(web, headers, body, status, kind):
    res = web.post("/api/query", content=body, headers=headers)
    assert res.status_code == status, res.text
    assert res.json()["error"]["kind"] == kind


def test_cross_site_reads_of_the_api_are_refused(web):
    res = web.get("/api/search", params={"q": "plover"}, headers={"Sec-Fetch-Site": "cross-site"})
    assert res.status_code == 403
    assert web.get("/api/search", params={"q": "plover"}).status_code == 200


def test_request_body_over_the_limit_is_refused(web, fresh_limits):
    fresh_limits.setenv("SANCTIONS_KG_MAX_REQUEST_BYTES", "2048")
    token = {"X-Sanctions-KG-Console": _page_token(web), "Content-Type": "application/json"}
    big = '{"query": "RETURN 1", "params": {"x": "' + "a" * 5000 + '"}}'
    res = web.post("/api/query", content=big, headers=token)
    assert res.status_code == 413 and "SANCTIONS_KG_MAX_REQUEST_BYTES" in res.json()["error"]["message"]

    def chunks():  # no Content-Length: counted while read
        for _ in range(10):
            yield b" " * 1000

    res = web.post("/api/query", content=chunks(), headers=token)
    assert res.status_code == 413


@pytest.mark.parametrize("path", ["/api/query", "/api/queries/most_mentioned"])
def test_deep_json_request_is_refused_naming_the_limit(web, path):
    token = {"X-Sanctions-KG-Console": _page_token(web), "Content-Type": "application/json"}
    deep = '{"query": "RETURN 1", "params": {"x": ' + "[" * 50_000 + "]" * 50_000 + "}}"
    res = web.post(path, content=deep, headers=token)
    assert res.status_code == 400 and "SANCTIONS_KG_MAX_JSON_DEPTH" in res.json()["error"]["message"]


def test_bearer_token_also_works_for_scripts(hostile):
    from starlette.testclient import TestClient

    from web.app import create_app

    app = create_app(hostile.store.settings, "s3cret", store=hostile.store, close_store=False)
    with TestClient(app, base_url=LOCAL) as client:
        res = client.post("/api/query", json=QUERY, headers={"Authorization": "Bearer s3cret"})
        assert res.status_code == 200
        res = client.post("/api/query", json=QUERY, headers={"Authorization": "Bearer wrong"})
        assert res.status_code == 401


def test_console_refuses_integers_a_64_bit_number_cannot_hold(web):
    token = {"X-Sanctions-KG-Console": _page_token(web)}
    res = web.post("/api/query", json={"query": "RETURN $x AS x", "params": {"x": [1, 123456789012345678901]}},
                   headers=token)
    assert res.status_code == 400 and "123456789012345678901" in res.json()["error"]["message"]
    res = web.post("/api/query", json={"query": "RETURN $x AS x", "params": {"x": 9223372036854775807}}, headers=token)
    assert res.status_code == 200 and res.json()["rows"] == [{"x": 9223372036854775807}]


# -- end to end: hostile articles through ingest, extract and report ----------------------------------


def test_hostile_articles_ingest_and_print_as_text(tmp_path, db_arg):
    folder = tmp_path / "in"
    folder.mkdir()
    raw_name = os.fsencode(str(folder)) + b"/r\xe9sum\xe9.md"
    with open(raw_name, "wb") as fh:
        fh.write(("---\ntitle: \"Dock log [/x] \\e[2J\\e]0;pwned\\a\"\n---\n"
                  "The tanker Grey Plover [/x] (IMO 9321483) loaded fuel at Port Alder on 3 March 2024.\n").encode())
    (folder / "bomb.md").write_text("---\na: &a [x, x]\nb: [*a, *a]\n---\nThe tanker Kestrel Star loaded fuel.\n")
    result = _run(["--db", db_arg, "ingest", str(folder)])
    _assert_safe(result.output)
    assert result.exit_code == 1
    assert "articles: 1 new, 0 unchanged, 1 failed" in result.output
    assert "bomb.md: bad metadata: front matter uses a YAML alias" in result.output
    result = _run(["--db", db_arg, "query", "MATCH (a:Article) RETURN a.title AS title, a.path AS path"])
    _assert_safe(result.output)
    assert "Dock log [/x] \\x1b[2J\\x1b]0;pwned\\x07" in result.output and "r\\xe9sum\\xe9.md" in result.output
    result = _run(["--db", db_arg, "extract", os.fsdecode(raw_name)])
    _assert_safe(result.output)
    assert result.exit_code == 0 and "Dock log [/x]" in result.output


def test_query_file_that_is_a_fifo_or_not_utf8_is_one_clear_error(tmp_path, db_arg):
    fifo = tmp_path / "q.cypher"
    os.mkfifo(fifo)
    result = _run(["--db", db_arg, "query", "--file", str(fifo)])
    assert result.exit_code == 1 and "not a regular file" in result.output and _one_line(result.output)
    latin = tmp_path / "l.cypher"
    latin.write_bytes("RETURN 'café' AS x".encode("latin-1"))
    result = _run(["--db", db_arg, "query", "--file", str(latin)])
    assert result.exit_code == 2 and "not UTF-8" in result.output


def test_deeply_nested_json_parameter_is_one_clear_error(tmp_path):  # refused parsing -p: no store opens
    result = _run(["--db", str(tmp_path / "g.db"), "query", "RETURN $x AS x", "-p", "x=" + "[" * 50_000 + "]" * 50_000])
    assert result.exit_code == 2 and "SANCTIONS_KG_MAX_JSON_DEPTH" in result.output


def test_loading_a_deeply_nested_json_export_is_one_clear_error(small_graph, tmp_path):
    from graph.export import load_json

    bomb = tmp_path / "bomb.json"
    bomb.write_text('{"format": "sanctions-kg/1", "nodes": ' + "[" * 100_000 + "]" * 100_000 + "}")
    with pytest.raises(InputError, match="SANCTIONS_KG_MAX_JSON_DEPTH"):
        load_json(small_graph, bomb)


def test_markdown_report_keeps_html_in_data_as_text(store, db_arg):
    name = "Kestrel <img src=x onerror=alert(1)> Star"
    with store.batch() as b:
        b.upsert_nodes("Vessel", [{"id": "vessel:k", "name": name, "aliases": [name], "keys": ["kestrel star"],
                                   "source": "article"}])
    result = _run(["--db", db_arg, "report", "vessel:k", "--format", "markdown"])
    assert result.exit_code == 0
    assert "<img" not in result.output and "&lt;img src=x" in result.output

"""Property-based hostile input (hypothesis) over every entry point that reads untrusted bytes:
the article readers, front matter and JSON parsers, the sanctions-list importers, CLI
parameters, web request bodies, and the printing and export escapes.

Each property: the input is read, or refused with one clear reason (a Skipped item, an
InputError, an HTTP 4xx, a click error with exit status 1 or 2), never a traceback, and a
read-only entry point leaves the stored graph as it was.

Examples per test are few by default, so the suite stays fast; SANCTIONS_KG_FUZZ=1 runs many
more (SANCTIONS_KG_FUZZ=5000 sets the count) with the same tests.
"""

from __future__ import annotations

import json
import os
import re

import pytest

hypothesis = pytest.importorskip("hypothesis", reason="hypothesis is a dev dependency: uv sync")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from graph.errors import InputError  # noqa: E402
from graph.limits import LimitExceeded, limits  # noqa: E402
from ingest import readers  # noqa: E402
from ingest.model import Document, Skipped  # noqa: E402

_FUZZ = os.environ.get("SANCTIONS_KG_FUZZ", "")
EXAMPLES = (int(_FUZZ) if _FUZZ.isdigit() and int(_FUZZ) > 1 else 1000) if _FUZZ else 25
settings.register_profile("hostile", max_examples=EXAMPLES, deadline=None, derandomize=not _FUZZ,
                          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                                 HealthCheck.data_too_large])
settings.load_profile("hostile")
SLOW = settings(max_examples=max(5, EXAMPLES // 3))  # entry points that open the store per example

CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")

# Text that looks like what hostile files hold: markup, escapes, quotes, brackets, odd spaces.
hostile_chars = st.sampled_from(list("[]/{}<>\"'\\=+-@\t\r\n\x00\x1b\x07\x9b\u202e\ufeff\u2028é€ß—") + ["[/x]", "---"])
hostile_text = st.lists(st.one_of(st.text(max_size=8), hostile_chars), max_size=40).map("".join)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | hostile_text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(hostile_text, inner, max_size=4),
    max_leaves=20,
)


def _doc_ok(item) -> None:
    assert isinstance(item, (Document, Skipped)), item
    if isinstance(item, Skipped):
        assert item.reason and "\n" not in item.reason
        item.path.encode("utf-8")
        return
    for value in (item.text, item.title, item.source, item.url, item.path):
        assert value is None or isinstance(value, str)
        if value is not None:
            value.encode("utf-8")  # storable: no lone surrogates
    if item.published is not None:
        from datetime import date

        date.fromisoformat(item.published)


# -- readers ------------------------------------------------------------------------------------


@given(st.binary(max_size=3000))
def test_decode_bytes_never_raises_and_gives_storable_text(raw):
    text = readers.decode_bytes(raw)
    assert text is None or isinstance(text, str)
    if text is not None:
        text.encode("utf-8")


@pytest.mark.parametrize("suffix", [".txt", ".md", ".jsonl", ".html"])
@given(raw=st.one_of(st.binary(max_size=2000), hostile_text.map(lambda t: t.encode("utf-8", "surrogatepass"))))
def test_every_reader_reads_or_skips_with_a_reason(suffix, raw):
    for item in readers.read_bytes(raw, "input" + suffix, suffix):
        _doc_ok(item)


@given(meta=st.dictionaries(st.sampled_from(["title", "source", "url", "published", "date", "x"]), json_values,
                            max_size=5),
       body=hostile_text)
def test_jsonl_metadata_of_any_type_is_coerced_or_refused(meta, body):
    line = json.dumps({**meta, "text": body or "Some text."})
    for item in readers.read_bytes(line.encode("utf-8", "surrogatepass"), "m.jsonl", ".jsonl"):
        _doc_ok(item)


@given(front=hostile_text, body=hostile_text)
def test_front_matter_of_any_shape(front, body):
    raw = f"---\n{front}\n---\n{body or 'Text.'}".encode("utf-8", "surrogatepass")
    for item in readers.read_bytes(raw, "f.md", ".md"):
        _doc_ok(item)


@given(depth=st.integers(min_value=0, max_value=200), kind=st.sampled_from(["[]", "{}"]))
def test_json_depth_bound_is_exact(depth, kind):
    from graph.safe_load import json_loads

    text = ('{"a": ' * depth + "1" + "}" * depth) if kind == "{}" else ("[" * depth + "1" + "]" * depth)
    if depth <= limits().max_json_depth:
        json_loads(text)
    else:
        with pytest.raises(LimitExceeded, match="SANCTIONS_KG_MAX_JSON_DEPTH"):
            json_loads(text)


@given(st.text(max_size=300))
def test_json_loads_is_json_or_value_error(text):
    from graph.safe_load import json_loads

    try:
        json_loads(text)
    except (ValueError, LimitExceeded):
        pass


@given(hostile_text)
def test_yaml_load_is_yaml_or_a_clear_error(text):
    import yaml

    from graph.safe_load import yaml_load

    try:
        yaml_load(text)
    except (yaml.YAMLError, LimitExceeded, ValueError):
        pass  # ValueError: a timestamp YAML cannot build; the readers refuse it with a reason


# -- sanctions lists ------------------------------------------------------------------------------


def _write(tmp_path_factory, name: str, data: bytes):
    path = tmp_path_factory.mktemp("lists") / name
    path.write_bytes(data)
    return path


@given(lines=st.lists(st.one_of(json_values.map(json.dumps), hostile_text,
                                st.builds(lambda schema, props: json.dumps({"id": "e1", "schema": schema,
                                                                            "properties": props}),
                                          st.sampled_from(["Vessel", "Company", "Sanction", "Ownership", "Thing", "x"]),
                                          st.dictionaries(st.sampled_from(["name", "imoNumber", "entity", "owner",
                                                                           "asset", "flag", "alias"]),
                                                          st.lists(hostile_text, max_size=3), max_size=4))),
                      max_size=6),
       encoding=st.sampled_from(["utf-8", "utf-16", "latin-1"]))
def test_ftm_list_reads_or_refuses(tmp_path_factory, lines, encoding):
    from ingest.lists import ftm

    data = "\n".join(lines).encode(encoding, "replace") if encoding != "utf-8" else \
        "\n".join(lines).encode("utf-8", "surrogatepass")
    path = _write(tmp_path_factory, "l.ftm.json", data)
    try:
        parsed = ftm.read(path)
    except InputError as exc:
        assert "\n" not in str(exc)
        return
    for e in parsed.entities.values():
        assert isinstance(e.name, str)


@given(rows=st.lists(st.lists(hostile_text, min_size=0, max_size=13), max_size=6))
def test_ofac_list_reads_or_refuses(tmp_path_factory, rows):
    import csv
    import io

    from ingest.lists import ofac

    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    folder = tmp_path_factory.mktemp("ofac")
    (folder / "sdn.csv").write_bytes(buf.getvalue().encode("utf-8", "surrogatepass"))
    try:
        ofac.read(folder)
    except InputError:
        pass


# -- CLI parameters and printing ----------------------------------------------------------------


@pytest.fixture(scope="module")
def held(graph_of):
    """A small graph whose store stays open, so each CLI run attaches to the running server."""
    from test_hostile import build_hostile

    return graph_of(build_hostile)


@pytest.fixture
def held_db(held):
    """(--db value, store) of the held graph, on each backend."""
    return held.db, held.store


def _snapshot(store):
    from _lists_fixtures import snapshot

    return snapshot(store)


@SLOW
@given(value=st.one_of(hostile_text, st.integers().map(str), st.floats().map(str),
                       st.integers(min_value=2**62, max_value=2**80).map(str), json_values.map(json.dumps)))
def test_query_parameters_of_any_kind(held_db, value):
    from click.testing import CliRunner

    from cli import main

    db, store = held_db
    before = _snapshot(store)
    result = CliRunner().invoke(main, ["--db", db, "query", "RETURN $x AS x", "-p", f"x={value}", "--format", "json"])
    assert result.exit_code in (0, 1, 2), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    if result.exit_code:
        assert result.output.strip().splitlines()[-1].startswith("Error:")
    assert _snapshot(store) == before


@SLOW
@given(option=st.sampled_from(["--timeout", "--max-rows"]),
       value=st.one_of(hostile_text, st.floats().map(str), st.integers().map(str), st.just("1e308")))
def test_numeric_options_of_any_value(held_db, option, value):
    from click.testing import CliRunner

    from cli import main

    db, _ = held_db
    result = CliRunner().invoke(main, ["--db", db, "query", "RETURN 1 AS x", option, value])
    assert result.exit_code in (0, 2), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)


@given(hostile_text)
def test_terminal_helpers_print_any_text_as_text(text):
    from rich.console import Console

    from queries.terminal import markup, one_line, text as rich_text, visible

    assert not CONTROL.search(one_line(text)) and "\n" not in one_line(text)
    assert not CONTROL.search(visible(text).replace("\n", ""))
    console = Console(record=True, width=100, force_terminal=True, color_system=None)
    console.print(rich_text(text))
    console.print(f"[bold]{markup(text)}[/bold]")  # raises MarkupError if escaping missed something
    assert "\x1b" not in console.export_text()


@given(hostile_text)
def test_spreadsheet_cells_never_start_a_formula(text):
    from graph.export import spreadsheet_safe

    cell = spreadsheet_safe(text)
    if cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
        float(cell)  # only plain numbers keep a sign in front


@given(hostile_text)
def test_xml_text_is_always_valid_xml(text):
    import xml.etree.ElementTree as ET
    from xml.sax.saxutils import quoteattr

    from graph.export import xml_text

    ET.fromstring(f"<a b={quoteattr(xml_text(text))}>{xml_text(text).replace('&', '&amp;').replace('<', '&lt;')}</a>")


# -- web request bodies ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def web_client(held):
    from starlette.testclient import TestClient

    from web.app import create_app

    app = create_app(held.store.settings, store=held.store, close_store=False)
    with TestClient(app, base_url="http://127.0.0.1:8765") as client:
        yield client, app


@given(body=st.one_of(st.binary(max_size=500), json_values.map(lambda v: json.dumps(v).encode()),
                      st.builds(lambda q, p: json.dumps({"query": q, "params": p}).encode(), hostile_text,
                                json_values)),
       ctype=st.sampled_from(["application/json", "text/plain", "application/json; charset=utf-8", ""]),
       with_token=st.booleans(),
       path=st.sampled_from(["/api/query", "/api/queries/most_mentioned", "/api/queries/no_such"]))
def test_web_bodies_of_any_shape(web_client, body, ctype, with_token, path):
    from web.app import console_headers

    client, app = web_client
    before = _snapshot(app.state.store)
    headers = {"Content-Type": ctype} if ctype else {}
    if with_token:
        headers.update(console_headers(app))
    res = client.post(path, content=body, headers=headers)
    assert res.status_code in (200, 400, 403, 404, 413, 415, 422), (res.status_code, res.text)
    assert res.json()["error"]["message"] if res.status_code >= 400 else "rows" in res.json()
    assert _snapshot(app.state.store) == before


@given(name=st.binary(min_size=1, max_size=40).filter(lambda b: b"/" not in b and b"\x00" not in b
                                                     and b not in (b".", b"..") and not b.startswith(b".")))
def test_any_file_name_is_read_and_reported_as_text(tmp_path_factory, name):
    folder = tmp_path_factory.mktemp("names")
    path = os.fsencode(str(folder)) + b"/" + name + b".txt"
    with open(path, "wb") as fh:
        fh.write(b"The tanker Grey Plover loaded fuel at Port Alder.")
    items = list(readers.read_paths([os.fsdecode(path)])) + list(readers.read_paths([str(folder)]))
    assert len(items) == 2 and all(isinstance(i, Document) for i in items), items
    for item in items:
        _doc_ok(item)
    assert items[0].path == items[1].path

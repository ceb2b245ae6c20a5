"""graph/embedded.py's checked_header: the CYPHER parameter header of checked rows, written
without falkordb-py's per-value calls. It must be exactly the text falkordb-py writes (compared
on hostile values), fall back to falkordb-py for anything unusual, and carry every value through
the real embedded server unchanged."""

from __future__ import annotations

import pytest
from falkordb.graph import Graph

from graph import cypher
from graph.cypher import CheckedParams, Rows
from graph.embedded import checked_header

hypothesis = pytest.importorskip("hypothesis", reason="hypothesis is a dev dependency: uv sync")
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

TRICKY = ["", '"', "\\", '\\"', '"\\', "\\\\", "a\nb", "\\n", "\\\\n", "\t\r\b\f\x01\x1b\x1f\x7f\x80\x9b",
          "\u2028\u2029\u202e\ufeff", "é€ß—😀", '{"article":"x"}', ',"k":true', '":', "`", "'", "\\u0041",
          "x,", "{", ":y", "true", "\\\n", "[/x]", "CYPHER x=1 ", "$rows"]


def checked(**values) -> CheckedParams:
    """Parameters as graph/cypher.py seals them once checked (no string holds NUL)."""
    params = CheckedParams(**values)
    params.sealed = True
    return params


def falkordb_py(params: dict) -> str:
    """The header falkordb-py writes (it uses nothing of the Graph but the method)."""
    return Graph._build_params_header(None, params)  # type: ignore[arg-type]


def node_rows(values: list[str]) -> CheckedParams:
    return checked(rows=[
        {"id": f"vessel:{i}", "aliases": values, "keys": [v] if v else [],
         "props": {"name": v, "listed": i % 2 == 0, "complete": False, "mention_count": -i, "score": 0.1 * i,
                   "big": 10**30, "tiny": 1.5e-7, "huge": 1e16}}
        for i, v in enumerate(values)
    ])


def test_tricky_strings_numbers_and_booleans_come_out_as_falkordb_py_writes_them():
    params = node_rows(TRICKY)
    assert checked_header(params) == falkordb_py(params)


def test_every_character_but_nul_comes_out_as_falkordb_py_writes_it():
    chars = "".join(chr(c) for c in range(1, 0x110000) if not 0xD800 <= c < 0xE000)
    params = checked(rows=[{"id": "a", "keys": [chars[i:i + 997] for i in range(0, len(chars), 997)],
                                  "props": {"text": chars}}])
    assert checked_header(params) == falkordb_py(params)


def test_nested_lists_maps_none_and_several_parameters_come_out_as_falkordb_py_writes_them():
    params = checked(rows_0=[{"id": 1, "props": {}, "l": []}, {"id": "x", "m": {"a": [1, "b", None, [True, 2.5]]}}],
                           rows_1=[], other=("t", 3), none=None, flag=True, text='a"b')
    assert checked_header(params) == falkordb_py(params)


class Text(str):
    def __str__(self) -> str:
        return "not the value"


@pytest.mark.parametrize("params", [
    {"rows": [{"id": "a"}]},  # not checked: the store checks and writes it the usual way
    Rows(rows=[{"id": "a"}]),
    CheckedParams(rows=[{"id": "a"}]),  # not sealed: made elsewhere, "no NUL" is not promised
    CheckedParams(rows=[{"id": "a", "props": {"name": 'x\x00] MATCH (n) DETACH DELETE n //'}}]),
    checked(rows=[{"id": Text("a")}]),
    checked(rows=[{"id": "a", "props": {"name": b"bytes"}}]),
    checked(rows=[{"id": "a", "props": {"na`me": "x"}}]),
    checked(rows=[{"id": "a", "props": {'na"me': "x"}}]),
    checked(rows=[{"id": "a", "props": {1: "x"}}]),
    checked(rows=[{"id": "a", "props": {"": "x"}}]),
])
def test_anything_unusual_is_left_to_falkordb_py(params):
    assert checked_header(params) is None


def test_what_graph_cypher_builds_is_sealed_and_written_here():
    statement = cypher.upsert_nodes("Vessel", [{"id": "v", "name": 'a "b" \\ c', "aliases": ["x"]}])
    assert statement[1].sealed
    assert checked_header(statement[1]) == falkordb_py(statement[1])


hostile = st.lists(st.one_of(st.text(max_size=8), st.sampled_from(TRICKY)), max_size=6).map("".join).filter(
    lambda s: cypher.NUL not in s)
scalars = st.one_of(hostile, st.booleans(), st.integers(), st.floats(allow_nan=False, allow_infinity=False))
rows = st.lists(st.fixed_dictionaries(
    {"id": hostile, "props": st.dictionaries(st.from_regex(r"[a-z_][a-z0-9_]{0,8}", fullmatch=True), scalars, max_size=5)},
    optional={"aliases": st.lists(hostile, max_size=5), "start": st.integers()},
), max_size=5)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(rows)
def test_random_hostile_rows_come_out_as_falkordb_py_writes_them(rows):
    params = checked(rows=rows)
    assert checked_header(params) == falkordb_py(params)


# -- through the real server -------------------------------------------------------------


def test_hostile_values_written_in_one_statement_read_back_unchanged(store):
    with store.batch() as b:  # one statement: sent on its own
        b.upsert_nodes("Vessel", [{"id": f"v{i}", "name": v, "aliases": [v, "x" + v], "listed": i % 2 == 0,
                                   "mention_count": i - 3} for i, v in enumerate(TRICKY)])
    got = {r["id"]: r for r in store.run(
        "MATCH (n:Vessel) RETURN n.id AS id, n.name AS name, n.aliases AS aliases, n.listed AS listed, "
        "n.mention_count AS mc").rows}
    assert len(got) == len(TRICKY)
    for i, v in enumerate(TRICKY):
        row = got[f"v{i}"]
        assert (row["name"], sorted(row["aliases"]), row["listed"], row["mc"]) == (v, sorted({v, "x" + v}), i % 2 == 0, i - 3)


def test_hostile_values_written_in_a_batch_read_back_unchanged(store):
    with store.batch() as b:  # several statements: sent together
        b.upsert_nodes("Vessel", [{"id": "a", "name": "A"}])
        b.upsert_nodes("Port", [{"id": "b", "name": "B"}])
        b.upsert_relationships("CALLED_AT", [{"start": "a", "end": "b", "key": v, "evidence": [v, '{"s":"' + v + '"}'],
                                              "articles": [v]} for v in TRICKY])
    got = store.run("MATCH (:Vessel {id: 'a'})-[r:CALLED_AT]->(:Port {id: 'b'}) "
                    "RETURN r.key AS key, r.evidence AS evidence, r.articles AS articles").rows
    # (lists are stored sorted: the graph does not depend on the order items came in)
    assert sorted((r["key"], r["evidence"], r["articles"]) for r in got) == sorted(
        (v, sorted([v, '{"s":"' + v + '"}']), [v]) for v in TRICKY)

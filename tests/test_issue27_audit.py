"""Findings of issue 27 that had no test of their own, each checked the way the issue met it:
a real `sanctions-kg` process (a crash by signal or a traceback shows only there), on both
backends. Every name here is made up for these tests."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from _lists_fixtures import OFAC
from stores import clear

ROOT = Path(__file__).resolve().parent.parent
CLI = str(Path(sys.executable).with_name("sanctions-kg"))


def _env() -> dict[str, str]:
    """Read when a command runs: the Neo4j fixtures set NEO4J_URI and the credentials then."""
    return {**os.environ, "SANCTIONS_KG_KEEP_SERVER": "0"}


def _run(args, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([CLI, *args], cwd=ROOT, capture_output=True, text=True, timeout=600, env=_env(), **kw)


def _one_line(res, *fragments) -> str:
    """Exit status 1 (not a signal: a segmentation fault is -11 here), one line on stderr."""
    lines = [line for line in res.stderr.splitlines() if line.strip()]
    assert res.returncode == 1, (res.returncode, res.stderr)
    assert len(lines) == 1 and "Traceback" not in res.stderr, res.stderr
    for f in fragments:
        assert f in lines[0], lines[0]
    return lines[0]


def _seed(store) -> None:
    store.upsert_nodes("Vessel", [{"id": "imo:9100005", "name": "Larkspur Dawn", "imo": "9100005"}])
    store.upsert_nodes("Port", [{"id": "port:quellmouth", "name": "Quellmouth"}])
    store.upsert_relationships("CALLED_AT", [{"start": "imo:9100005", "end": "port:quellmouth"}])


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("fmt", ["graphml", "gexf", "ftm", "json"])
def test_an_export_onto_a_full_device_is_one_line_and_exit_1_in_a_real_process(store, db_arg, fmt):
    """The issue: `export --format graphml /dev/full` printed the right line, then died of a
    segmentation fault (exit 139). In-process tests (CliRunner) cannot see a crash at exit."""
    _seed(store)
    _one_line(_run(["--db", db_arg, "export", "--format", fmt, "/dev/full"]), "Cannot write /dev/full",
              "No space left on device")


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("args", [["stats"], ["export", "--format", "json", "{tmp}/g.json"]])
def test_standard_output_on_a_full_device_is_one_line_not_a_traceback(store, db_arg, tmp_path, args):
    _seed(store)
    with open("/dev/full", "w") as full:
        res = subprocess.run([CLI, "--db", db_arg, *(a.format(tmp=tmp_path) for a in args)], cwd=ROOT,
                             stdout=full, stderr=subprocess.PIPE, text=True, timeout=600, env=_env())
    _one_line(res, "Cannot write the output: No space left on device")


def _graph(store) -> tuple[list, list, list]:
    """Nodes and relationships as sorted values, plus any relationship stored twice."""
    from graph.export import iter_nodes, iter_relationships

    def plain(p: dict) -> dict:
        # by key: a re-import rewrites a node's properties whole (SET n = ...), in another order;
        # list properties as stored (sorted by the store, graph/cypher.py)
        return {k: v for k, v in sorted(p.items())
                if k not in ("ingested_at", "imported_at", "updated_at")}

    nodes = sorted(repr((n["id"], sorted(n["labels"]), plain(n["properties"]))) for n in iter_nodes(store))
    rels = sorted(repr((r["start"], r["type"], r["end"], plain(r["properties"]))) for r in iter_relationships(store))
    twice = store.run("MATCH (a)-[r]->(b) WITH a.id AS a, type(r) AS t, coalesce(r.key, '') AS k, b.id AS b, "
                      "count(*) AS c WHERE c > 1 RETURN a, t, k, b, c").rows
    return nodes, rels, twice


def test_two_imports_of_one_list_at_once_give_the_graph_of_one_import(store, backend, db_arg):
    """The issue: two simultaneous `import-sanctions` of one OFAC list left duplicate list
    nodes. The embedded store's runs take turns (its ingest lock); on Neo4j both write at once,
    MERGEd on ids under uniqueness constraints."""
    res = _run(["--db", db_arg, "import-sanctions", str(OFAC)])
    assert res.returncode == 0, res.stderr
    one = _graph(store)
    assert one[0] and one[1] and not one[2]
    for attempt in range(2):
        clear(backend, store)
        procs = [subprocess.Popen([CLI, "--db", db_arg, "import-sanctions", str(OFAC)], cwd=ROOT, env=_env(),
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
        for p in procs:
            out, err = p.communicate(timeout=600)
            assert p.returncode == 0, err
        got = _graph(store)
        assert not got[2], f"relationships stored twice: {got[2]}"
        assert got[0] == one[0], sorted(set(got[0]) ^ set(one[0]))[:6]
        assert got[1] == one[1], sorted(set(got[1]) ^ set(one[1]))[:6]


# -- order of articles: what an entity is called ------------------------------------------------
# Measured on real text (issue 27's reproduction, 68 files ingested forward and in reverse): the
# relationships were the same but a person first met by surname alone was keyed on the surname,
# met by full name first keyed on the full name, and an agency's shown name was whichever spelling
# came last. These three articles, written here, do the same.
ORDER_TEXTS = {
    "a1.txt": "Published: 2025-03-02\nGrain deal talks stall\n\nMarek Voskin, the president of Veltara, said on "
              "Monday that grain exports would resume. Voskin did not give a date. The tanker Amber Kestrel "
              "(IMO 9100005) left Quellmouth.\n",
    "a2.txt": "Published: 2025-03-04\nExports wait\n\nVoskin told reporters that the tanker Amber Kestrel would "
              "carry grain. The U.S. Department of the Treasury sanctioned the Amber Kestrel in 2024.\n",
    "a3.txt": "Published: 2025-03-05\nTreasury acts\n\nThe US Department of the Treasury said Voskin had met "
              "shipping agents. Officials at the Department of the Treasury gave no more detail.\n",
}


def _in_both_orders(store, backend, tmp_path, query: str) -> list[list[dict]]:
    """The rows of `query` after ingesting ORDER_TEXTS one by one forward, then (on an emptied
    store) in reverse."""
    from ingest.pipeline import ingest_paths

    for name, text in ORDER_TEXTS.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    seen = []
    for order in (sorted(ORDER_TEXTS), sorted(ORDER_TEXTS, reverse=True)):
        clear(backend, store)
        for name in order:
            ingest_paths(store, [str(tmp_path / name)])
        seen.append(store.run(query).rows)
    return seen


def test_the_shown_names_of_people_and_agencies_do_not_depend_on_the_order_of_articles(store, backend, tmp_path):
    """The shown name is derived from the names all its articles give (the longest, then the one
    most articles give, then the smallest text), not the last article written."""
    seen = _in_both_orders(store, backend, tmp_path, "MATCH (n:Entity) WHERE n:Person OR n:Agency "
                                            "RETURN labels(n) AS labels, n.name AS name ORDER BY name")
    names = [(sorted(set(r["labels"]) - {"Entity"}), r["name"]) for r in seen[0]]
    assert sorted(names) == [(["Agency"], "U.S. Department of the Treasury"), (["Person"], "Marek Voskin")], names
    assert seen[0] == seen[1], seen


def test_the_ids_of_people_and_agencies_do_not_depend_on_the_order_of_articles(store, backend, tmp_path):
    """A person's id is made from the fullest name the articles give (ingest/resolve.py): met by
    surname alone first, the node is re-keyed when the full name comes (graph/rekey.py)."""
    seen = _in_both_orders(store, backend, tmp_path, "MATCH (n:Entity) WHERE n:Person OR n:Agency RETURN n.id AS id "
                                            "ORDER BY id")
    assert [r["id"] for r in seen[0]] == ["agency:us-department-of-the-treasury", "person:marek-voskin"], seen
    assert seen[0] == seen[1], seen


# -- order of lists: one company in two lists -----------------------------------------------------
# Measured on real text with the project's two list fixtures: the OFAC list, then the FtM list, then
# the articles gave the company three nodes (each list's and the articles') and two matches left for
# review; the articles, then the FtM list, then the OFAC list gave two (the FtM entry merged onto the
# articles' company) and one. Written here in the same shape. Now both orders merge both entries onto
# the articles' company (two lists, one shared name: one entity; ingest/lists/match.py).
LIST_SDN = ('97001,"VELMAR LOGISTIKA, OOO","-0- ","RUSSIA-EO14024","-0- ","-0- ","-0- ","-0- ","-0- ","-0- ",'
            '"-0- ","Organization Type: Freight transport by sea."\n')
LIST_ALT = '97001,13001,"aka","OOO VELMAR LOGISTIKA","-0- "\n'
LIST_FTM = ('{"id": "vl-1", "schema": "Company", "properties": {"name": ["Velmar Logistika OOO"], '
            '"alias": ["Velmar Logistics LLC"], "jurisdiction": ["ru"]}, "datasets": ["us_ofac_sdn"]}\n')
LIST_ARTICLE = ("Published: 2025-04-01\nFreight firm in the spotlight\n\nVelmar Logistika OOO moved containers "
                "through Quellmouth last spring, port records show. Velmar Logistika OOO did not reply.\n")


def test_two_lists_naming_one_company_give_one_graph_whatever_the_order(store, backend, tmp_path):
    from graph.export import iter_nodes, iter_relationships
    from ingest.lists.importer import import_sanctions
    from ingest.pipeline import ingest_paths

    (tmp_path / "ofac").mkdir()
    (tmp_path / "ofac" / "sdn.csv").write_text(LIST_SDN)
    (tmp_path / "ofac" / "alt.csv").write_text(LIST_ALT)
    (tmp_path / "ofac" / "add.csv").write_text("")
    (tmp_path / "list.ftm.json").write_text(LIST_FTM)
    (tmp_path / "a.txt").write_text(LIST_ARTICLE)
    steps = {"ofac": lambda: import_sanctions(store, tmp_path / "ofac", fmt="ofac"),
             "ftm": lambda: import_sanctions(store, tmp_path / "list.ftm.json", fmt="ftm"),
             "article": lambda: ingest_paths(store, [str(tmp_path / "a.txt")])}
    graphs = []
    for order in (["ofac", "ftm", "article"], ["article", "ftm", "ofac"]):
        clear(backend, store)
        for step in order:
            steps[step]()
        graphs.append((sorted(n["id"] for n in iter_nodes(store) if "Article" not in n["labels"]),
                       sorted((r["start"], r["type"], r["end"]) for r in iter_relationships(store))))
    assert graphs[0] == graphs[1], graphs

"""Reliability: bad inputs, kill -9 and resume, concurrent ingests, hostile text, read-only
Cypher, an unreachable or lost store. Everything runs on a real embedded FalkorDB.

Graphs are compared as whole snapshots (every node, relationship and property; see
reliability_helpers.snapshot) leaving out only Article.ingested_at, the wall-clock time of the
write. The counts of what was tried are printed at the end of the run (tests/conftest.py).
"""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
import socket
import struct
import subprocess
import sys
import time
import tracemalloc
import zlib
from pathlib import Path

import psutil
import pytest
from click.testing import CliRunner

from cli import main
from graph.backends import open_store
from graph.sources import SOURCES
from ingest import nlp as nlp_mod
from ingest.pipeline import ingest_paths
from reliability_helpers import (
    articles, diff, kill_servers, record, server_pid, snapshot, strings_in, write_corpus,
)

ROOT = Path(__file__).resolve().parents[1]
CLI = str(Path(sys.executable).with_name("sanctions-kg"))
N_ARTICLES = 200


# -- fixtures -------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def nlp():
    """The pipeline, loaded once; ingest.nlp.load caches it for the CLI commands run in-process."""
    return nlp_mod.load(os.environ.get("SANCTIONS_KG_MODEL") or None)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> list[Path]:
    """200 generated short articles, one file each, in one folder shared by every run."""
    return write_corpus(tmp_path_factory.mktemp("corpus") / "articles", articles(N_ARTICLES))


@pytest.fixture(scope="module")
def reference(tmp_path_factory, corpus, nlp) -> dict:
    """The graph of one clean, uninterrupted ingest of the corpus."""
    folder = tmp_path_factory.mktemp("reference")
    db = folder / "kg.db"
    result = CliRunner().invoke(main, ["--db", str(db), "ingest", str(corpus[0].parent)])
    assert result.exit_code == 0, result.output
    assert f"articles: {N_ARTICLES} new, 0 unchanged, 0 failed" in result.output
    with open_store(str(db)) as store:
        snap = snapshot(store)
    kill_servers(folder)
    assert sum(1 for labels, _ in snap["nodes"].values() if "Article" in labels) == N_ARTICLES
    return snap


@pytest.fixture
def fresh(tmp_path):
    yield tmp_path / "kg.db"
    kill_servers(tmp_path)


def ingest_cli(db: Path, *paths) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["--db", str(db), "ingest", *map(str, paths)])
    return result.exit_code, result.output


def article_mentions(snap: dict) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for (a, t, _, b) in snap["rels"]:
        if t == "MENTIONS":
            out.setdefault(a, set()).add(b)
    return out


# -- bad inputs -----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def shared(tmp_path_factory, corpus, nlp):
    """A store already holding 20 articles; bad inputs are thrown at it one case at a time."""
    folder = tmp_path_factory.mktemp("shared")
    db = folder / "kg.db"
    code, out = ingest_cli(db, *corpus[:20])
    assert code == 0, out
    store = open_store(str(db))
    yield db, store
    store.close()
    kill_servers(folder)


def _png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + bytes(range(i, i + 48)) for i in range(16))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 16, 16, 8, 2, 0, 0, 0)) + \
        chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def _pdf() -> bytes:
    stream = zlib.compress(random.Random(1).randbytes(4000))
    return (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
            + b"4 0 obj\n<< /Length " + str(len(stream)).encode() + b" /Filter /FlateDecode >>\nstream\n"
            + stream + b"\nendstream\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n")


def _good(tag: str, n: int) -> str:
    """A readable article naming only things no other article names."""
    return f"The tanker Qorvex {tag} Star (IMO {9_000_000 + n}) was seen by researchers.\n"


# Each case: build(folder) -> the paths to ingest; what is expected of each input: a list of
# (path relative to folder, reason prefix) that must fail, and the titles of articles that
# must go in. A good article always follows, to show the run goes on.
def case_empty(d):
    (d / "empty.txt").write_bytes(b"")
    return ["empty.txt"], [("empty.txt", "empty")], []


def case_pdf(d):
    (d / "report.pdf").write_bytes(_pdf())
    return ["report.pdf"], [("report.pdf", "binary")], []


def case_png(d):
    (d / "photo.png").write_bytes(_png())
    return ["photo.png"], [("photo.png", "binary")], []


def case_invalid_utf8(d):
    # UTF-8 text with broken sequences: read with a single-byte fallback, not refused.
    (d / "broken.txt").write_bytes("Broken bytes report\n\nThe tanker Qorvex Broken Star (IMO 9000101) "
                                   "was seen by researchers.".encode() + b" \xc3\x28 \xa0\xa1 \xf0\x28\x8c\xbc\n")
    return ["broken.txt"], [], ["Broken bytes report"]


def case_utf16_bom(d):
    (d / "utf16.txt").write_bytes("Café Crème report\n\nThe tanker Qorvex Sète Star (IMO 9000102) was seen "
                                  "by researchers.\n".encode("utf-16"))
    return ["utf16.txt"], [], ["Café Crème report"]


def case_latin1(d):
    (d / "latin1.txt").write_bytes("Déjà vu report\n\nThe tanker Qorvex Crème Star (IMO 9000103) was seen "
                                   "by researchers.\n".encode("latin-1"))
    return ["latin1.txt"], [], ["Déjà vu report"]


def case_20mb_text(d):
    line = "The tanker Qorvex Huge Star was seen by researchers near the coast again. " * 13 + "\n"
    with open(d / "huge.txt", "w") as fh:
        for _ in range(20 * 1024 * 1024 // len(line) + 1):
            fh.write(line)
    return ["huge.txt"], [("huge.txt", "too large")], []


def case_5mb_line(d):
    (d / "line.txt").write_text("The tanker Qorvex Line Star was seen by researchers. " * 100_000)
    return ["line.txt"], [("line.txt", "too long")], []


def case_html_scripts(d):
    scripts = "".join(f"<script>var s{i} = 'XSSMARKER The tanker Evil Script (IMO 9074729) called at Rason';"
                      f"document.write(s{i});</script>" for i in range(200))
    body = "The tanker Qorvex Html Star (IMO 9000104) was seen by researchers off the coast this week. " * 4
    (d / "page.html").write_text(f"<html><head><title>Html report</title>{scripts}</head><body>{scripts}"
                                 f"<article><h1>Html report</h1><p>{body}</p></article>{scripts}</body></html>")
    return ["page.html"], [], ["Html report"]


def case_jsonl_broken_line(d):
    import json

    lines = [json.dumps({"title": "Jsonl one", "text": _good("Jsonl One", 105)}), '{"title": "half", "text": "The ta',
             json.dumps({"title": "Jsonl three", "text": _good("Jsonl Three", 106)})]
    (d / "feed.jsonl").write_text("\n".join(lines) + "\n")
    return ["feed.jsonl"], [("feed.jsonl:2", "broken JSON line")], ["Jsonl one", "Jsonl three"]


def case_folder_unreadable(d):
    folder = d / "inbox"
    folder.mkdir()
    (folder / "fine.txt").write_text("Inbox report\n\n" + _good("Inbox", 107))
    os.mkfifo(folder / "pipe.txt")  # reading it would block forever
    os.symlink(d / "gone.txt", folder / "dangling.txt")
    return ["inbox"], [("inbox/dangling.txt", "unreadable"), ("inbox/pipe.txt", "unreadable")], ["Inbox report"]


def case_folder_chmod_000(d):
    if os.geteuid() == 0:
        pytest.skip("running as root: chmod 000 does not stop root from reading a file; "
                    "the FIFO and dangling-symlink case covers unreadable files")
    folder = d / "locked"
    folder.mkdir()
    (folder / "secret.txt").write_text(_good("Locked", 108))
    (folder / "secret.txt").chmod(0)
    return ["locked"], [("locked/secret.txt", "unreadable")], []


def case_symlink_loop(d):
    folder = d / "loop"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "once.txt").write_text("Loop report\n\n" + _good("Loop", 109))
    os.symlink(folder, folder / "sub" / "back")
    os.symlink(folder / "sub", folder / "sub" / "self")
    return ["loop"], [], ["Loop report"]


def case_missing_path(d):
    return ["no/such/file.txt"], [("no/such/file.txt", "not found")], []


BAD_INPUTS = {name[5:].replace("_", "-"): fn for name, fn in list(globals().items()) if name.startswith("case_")}


def _rss() -> int:
    return psutil.Process().memory_info().rss


@pytest.mark.parametrize("kind", list(BAD_INPUTS))
def test_bad_input_is_named_the_run_goes_on_and_nothing_stored_changes(kind, shared, tmp_path):
    db, store = shared
    inputs, failures, titles = BAD_INPUTS[kind](tmp_path)
    good = tmp_path / "after.txt"
    good.write_text(f"After {kind}\n\n" + _good(kind.replace("-", " ").title().replace(" ", ""), 200 + list(BAD_INPUTS).index(kind)))
    before = snapshot(store)

    rss_before = _rss()
    tracemalloc.start()
    try:
        code, out = ingest_cli(db, *(tmp_path / p for p in inputs), good)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    after = snapshot(store)
    record("bad_inputs", kind)

    assert code == (1 if failures else 0), out
    for path, reason in failures:
        assert f"failed: {tmp_path / path}: {reason}" in out, out
    assert out.count("failed: ") == len(failures), out
    # Huge inputs are refused before they are read whole (20 MB), or before spaCy sees them
    # (5 MB line: spaCy would need gigabytes; reading it makes a few copies of 5 MB).
    assert peak < 128 * 1024 * 1024, f"{peak / 1e6:.0f} MB allocated at the peak"
    assert _rss() - rss_before < 200 * 1024 * 1024

    # Everything stored before is still there, unchanged.
    for key, value in before["nodes"].items():
        assert after["nodes"].get(key) == value, f"node {key} changed"
    for key, value in before["rels"].items():
        assert after["rels"].get(key) == value, f"relationship {key} changed"
    # What is new: the readable articles (the good one after the bad input last) and the
    # things they mention, nothing else.
    new_articles = {k: props for k, (labels, props) in after["nodes"].items()
                    if "Article" in labels and k not in before["nodes"]}
    assert sorted(p["title"] for p in new_articles.values()) == sorted([*titles, f"After {kind}"])
    assert all(p["complete"] is True for p in new_articles.values())
    new_nodes = set(after["nodes"]) - set(before["nodes"])
    for (a, t, _, b) in set(after["rels"]) - set(before["rels"]):
        assert a in new_nodes or b in new_nodes, (a, t, b)
    assert "XSSMARKER" not in " ".join(strings_in(after))


# -- hostile text flowing through extraction into the store ---------------------------------
INJECTIONS = {
    "single-quote": "O'Brien's",
    "double-quote": 'the "Neptune"',
    "backtick": "Sea`Wolf`",
    "braces": "{Ocean} {Star}",
    "detach-delete": "}) DETACH DELETE n //",
    "match-delete": "'}) MATCH (x) DETACH DELETE x RETURN 1 //",
    "param": "$param",
    "param-braces": "${rows}",
    "newline": "North\nStar",
    "backslash": "Ice\\'Breaker",
}


# Made-up name parts, one pair per case, so that no two cases name the same thing.
_STEMS = ["Qorvex", "Brisvane", "Calvoro", "Dunmarsh", "Eskarow", "Fenwold", "Galtrip", "Harvolin", "Istrane",
          "Jorvath", "Kelvaro", "Lumbrix", "Morvane", "Nostrel", "Orlavik", "Pentrow", "Quillard", "Rostmere",
          "Sarvello", "Tolbrane"]


def _props(entry):
    """A snapshot entry's properties: nodes are (labels, props), relationships props."""
    return entry[1] if isinstance(entry, tuple) else entry


def _sources(entry) -> list:
    return list(_props(entry).get(SOURCES) or []) if entry is not None else []


def _but_sources(entry):
    if entry is None:
        return None
    props = {k: v for k, v in _props(entry).items() if k != SOURCES}
    return (entry[0], props) if isinstance(entry, tuple) else props


@pytest.mark.parametrize("kind", list(INJECTIONS))
def test_hostile_names_are_stored_verbatim_and_run_nothing(kind, shared, tmp_path):
    db, store = shared
    s = INJECTIONS[kind]
    n = 9_100_000 + list(INJECTIONS).index(kind)
    # In the title line (stored as Article.title) and as a ship's name in the text.
    title = f"Report {kind} {s.splitlines()[0]}"
    ship, firm = _STEMS[list(INJECTIONS).index(kind)], _STEMS[-1 - list(INJECTIONS).index(kind)]
    text = f"{title}\n\nThe tanker {ship} {s} Star (IMO {n}) is owned by {firm} {s} Shipping LLC.\n"
    (tmp_path / "hostile.txt").write_text(text)
    before = snapshot(store)
    code, out = ingest_cli(db, tmp_path / "hostile.txt")
    after = snapshot(store)
    record("injections", kind)

    assert code == 0, out
    # Nothing stored before changes, except that an entity this article names again gains this
    # article as one more source of a single value it gives (graph/sources.py: prop_sources grows).
    for key, value in before["nodes"].items():
        assert _but_sources(after["nodes"].get(key)) == _but_sources(value), f"node {key} changed"
        assert set(_sources(value)) <= set(_sources(after["nodes"][key])), f"node {key} lost a source"
    for key, value in before["rels"].items():
        assert _but_sources(after["rels"].get(key)) == _but_sources(value), f"relationship {key} changed"
        assert set(_sources(value)) <= set(_sources(after["rels"][key])), f"relationship {key} lost a source"
    stored = strings_in(after)
    assert title in stored  # verbatim: the value went in as a value
    # Through extraction it reaches the store in entity names and evidence sentences: whatever
    # extraction made of the text (it may cut a name at a quote or a line break) is stored as is.
    from ingest.extract_many import extract_file

    [extracted] = [r.to_dict() for r in extract_file(str(tmp_path / "hostile.txt"))]
    assert extracted["entities"], "extraction should find the ship and the firm"
    for entity in extracted["entities"]:
        assert entity["name"] in stored, entity["name"]
    for rel in extracted["relations"]:
        assert rel["evidence"] in stored, rel["evidence"]


# -- kill -9 and resume ---------------------------------------------------------------------
def _ingest_child(db: str, folder: str, conn) -> None:
    """Runs in a forked process (the spaCy pipeline is inherited): ingest, telling the parent
    after each acknowledged article."""
    try:
        with open_store(db) as store:
            ingest_paths(store, [folder], progress=lambda event, n: conn.send(event) if event == "advance" else None,
                         nlp=nlp_mod.load(os.environ.get("SANCTIONS_KG_MODEL") or None))
        conn.send("done")
    except BaseException:
        import traceback

        conn.send(traceback.format_exc())


CRASH_SEEDS = [(11, False), (22, True), (33, False), (44, True), (55, False)]


@pytest.mark.parametrize("seed,kill_server", CRASH_SEEDS, ids=[f"seed{s}{'-and-server' if k else ''}" for s, k in CRASH_SEEDS])
def test_kill_9_mid_ingest_then_resume_gives_the_clean_graph(seed, kill_server, fresh, corpus, reference):
    rng = random.Random(seed)
    acked_at_kill = rng.randint(1, N_ARTICLES - 10)
    extra_delay = rng.uniform(0, 0.1)  # lands the kill anywhere in the next article: NLP or write
    ctx = multiprocessing.get_context("fork")
    parent_conn, child_conn = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_ingest_child, args=(str(fresh), str(corpus[0].parent), child_conn), daemon=True)
    child.start()
    child_conn.close()
    try:
        acked = 0
        while acked < acked_at_kill:
            message = parent_conn.recv()
            assert message == "advance", message  # the child's traceback
            acked += 1
        time.sleep(extra_delay)
        server = server_pid(fresh)
        os.kill(child.pid, signal.SIGKILL)
        if kill_server:
            os.kill(server, signal.SIGKILL)
        child.join(30)
        try:
            while parent_conn.poll():  # acknowledgements still in the pipe
                if parent_conn.recv() == "advance":
                    acked += 1
        except EOFError:  # all read
            pass
    finally:
        if child.is_alive():
            child.kill()
    if kill_server and psutil.pid_exists(server):
        psutil.Process(server).wait(10)

    # The crashed state: every article in the store is whole, and every acknowledged one is in.
    with open_store(str(fresh)) as store:
        crashed = snapshot(store)
    done = {k: props for k, (labels, props) in crashed["nodes"].items() if "Article" in labels}
    assert len(done) >= acked, f"{acked} articles acknowledged, {len(done)} in the store"
    assert all(props["complete"] is True for props in done.values())
    ref_mentions, got_mentions = article_mentions(reference), article_mentions(crashed)
    for article in done:
        assert got_mentions.get(article) == ref_mentions[article], f"article {article[:12]} half-written"

    code, out = ingest_cli(fresh, corpus[0].parent)  # run it again
    assert code == 0, out
    assert f"articles: {N_ARTICLES - len(done)} new, {len(done)} unchanged, 0 failed" in out, out
    with open_store(str(fresh)) as store:
        final = snapshot(store)
    assert final == reference, diff(reference, final)
    record("crash_points", f"{'writer+server' if kill_server else 'writer'}@{len(done)}/{N_ARTICLES}")


def _kill_server_after(k: int, db: Path):
    """Wrap write_article so the FalkorDB server is SIGKILLed right after the k-th article."""
    from ingest import pipeline

    real, count = pipeline.write_article, [0]

    def write_article(store, result, **kwargs):
        real(store, result, **kwargs)
        count[0] += 1
        if count[0] == k:
            os.kill(server_pid(db), signal.SIGKILL)

    pipeline.write_article = write_article


def _cli_child(db: str, folder: str, k: int, out_path: str) -> None:
    """Forked: the real `ingest` command, with the server killed under it after k articles."""
    fd = os.open(out_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    sys.stdout = sys.stderr = open(fd, "w", buffering=1)  # pytest replaced both with its capture
    _kill_server_after(k, Path(db))
    try:
        main(["--db", db, "ingest", folder], standalone_mode=True)
    except SystemExit as exc:
        os._exit(exc.code if isinstance(exc.code, int) else 1)
    os._exit(0)


def test_store_lost_mid_ingest_stops_with_one_line_and_a_rerun_finishes(fresh, corpus, reference, tmp_path):
    k = 37
    ctx = multiprocessing.get_context("fork")
    out_path = tmp_path / "child.out"
    child = ctx.Process(target=_cli_child, args=(str(fresh), str(corpus[0].parent), k, str(out_path)))
    child.start()
    child.join(300)
    output = out_path.read_text()
    assert child.exitcode == 1, output
    assert "Traceback" not in output
    assert "Lost the embedded database server" in output and "Run the command again" in output, output
    assert "failed:" not in output, "the run went on failing article after article"

    code, out = ingest_cli(fresh, corpus[0].parent)
    assert code == 0, out
    assert f"articles: {N_ARTICLES - k} new, {k} unchanged, 0 failed" in out, out
    with open_store(str(fresh)) as store:
        final = snapshot(store)
    assert final == reference, diff(reference, final)
    record("crash_points", f"server@{k}/{N_ARTICLES}")


# -- two ingests at once --------------------------------------------------------------------
def test_two_ingests_at_once_end_in_the_graph_of_one_run(fresh, corpus, reference):
    """Overlapping halves (articles 0-139 and 60-199) from two processes started together.

    Decision: on the embedded store an ingest holds `<db>.ingest.lock` for its whole run, so
    the second one waits and then skips what the first wrote.
    """
    first, second = corpus[:140], corpus[60:]
    procs = [subprocess.Popen([CLI, "--db", str(fresh), "ingest", *map(str, part)], cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for part in (first, second)]
    outs = []
    try:
        for p in procs:
            out, err = p.communicate(timeout=600)
            outs.append((p.returncode, out, err))
    finally:
        for p in procs:
            p.kill()
    for code, out, err in outs:
        assert code == 0, out + err
        assert "Traceback" not in err
    news = sorted(int(out.split("articles: ")[1].split(" new")[0]) for _, out, _ in outs)
    # Whichever went first wrote all of its 140; the other found 80 of its own already there.
    assert news == [60, 140], outs
    with open_store(str(fresh)) as store:
        final = snapshot(store)
    if int(outs[0][1].split("articles: ")[1].split(" new")[0]) == 140:
        # The first half went first: the same order as one run over the whole corpus.
        assert final == reference, diff(reference, final)
    else:
        # The second half went first: the same graph as one run in that order.
        expected_db = fresh.with_name("sequential.db")
        for part in (second, first):
            code, out = ingest_cli(expected_db, *part)
            assert code == 0, out
        with open_store(str(expected_db)) as store:
            expected = snapshot(store)
        assert final == expected, diff(expected, final)


# -- read-only enforcement wherever a user supplies Cypher -----------------------------------
WRITES = [
    "CREATE (n:Vessel:Entity {id: 'x', name: 'x'}) RETURN n",
    "MERGE (n:Port:Entity {id: 'port:x'}) RETURN n",
    "MATCH (n:Vessel) SET n.name = 'changed' RETURN count(n)",
    "MATCH (n) DETACH DELETE n",
    "MATCH (n:Vessel) REMOVE n.imo RETURN count(n)",
    "match (n) with n limit 1 create (m:Entity {id: 'sneaky'}) return m",
    "/* read */ MATCH (n) // nothing to see\nDETACH DELETE n",
    "CALL { MATCH (n) DETACH DELETE n } RETURN 1",
]


@pytest.mark.parametrize("cypher", WRITES)
def test_cli_query_refuses_writes_without_write_and_writes_nothing(cypher, shared):
    db, store = shared
    before = snapshot(store)
    result = CliRunner().invoke(main, ["--db", str(db), "query", cypher])
    assert result.exit_code == 1, result.output
    assert "read-only" in result.output and "--write" in result.output, result.output
    assert "Traceback" not in result.output
    assert snapshot(store) == before


@pytest.mark.parametrize("args,fragment", [
    (["UNWIND range(1, 100) AS x RETURN x", "--max-rows", "10"], "row limit of 10"),
    (["UNWIND range(1, 20000) AS x UNWIND range(1, 20000) AS y WITH x WHERE (x * y) % 7 = 3 RETURN count(x)",
      "--timeout", "0.1"],  # slow, in little memory: range(1, 100000000) would hit the memory cap first
     "time limit of 0.1 s"),
])
def test_cli_query_limits_hold_and_the_error_names_the_limit(args, fragment, shared):
    db, _ = shared
    result = CliRunner().invoke(main, ["--db", str(db), "query", *args])
    assert result.exit_code == 1, result.output
    assert fragment in result.output, result.output


def test_web_console_refuses_writes_and_writes_nothing(shared):
    from dataclasses import replace

    from starlette.testclient import TestClient

    from web.app import console_headers, create_app

    _, store = shared
    before = snapshot(store)
    app = create_app(replace(store.settings, max_rows=10, query_timeout=0.1), store=store)
    with TestClient(app, base_url="http://127.0.0.1:8765", headers=console_headers(app)) as client:
        for cypher in WRITES:
            res = client.post("/api/query", json={"query": cypher})
            assert res.status_code == 403, (cypher, res.text)
            assert res.json()["error"]["kind"] == "read_only"
        res = client.post("/api/query", json={"query": "UNWIND range(1, 100) AS x RETURN x"})
        assert res.status_code == 422 and "row limit of 10" in res.json()["error"]["message"]
        res = client.post("/api/query", json={"query": "UNWIND range(1, 20000) AS x UNWIND range(1, 20000) AS y "
                                                       "WITH x WHERE (x * y) % 7 = 3 "
                                                       "RETURN count(x)"})
        assert res.status_code == 422 and "time limit" in res.json()["error"]["message"], res.text
    assert snapshot(store) == before


# -- Neo4j unreachable ----------------------------------------------------------------------
def test_ingest_into_unreachable_neo4j_is_one_clear_line(tmp_path, corpus):
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.run([CLI, "--db", f"bolt://127.0.0.1:{port}", "ingest", str(corpus[0])],
                          capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and f"bolt://127.0.0.1:{port}" in lines[0], proc.stderr
    assert "Traceback" not in proc.stderr

"""The console examples of README.md and docs/*.md are what the commands print today.

Every `$ ` line of the pages' console blocks (docs/generate.py's PAGES, in that order) is run
again on a fresh temporary database built from examples/ (the way docs/generate.py made them:
in this process, sharing one folder), and its output is compared with the lines under it on
its page, after normalising what legitimately changes between runs (hex ids, timings,
temporary paths). A change in what a command prints fails here until `uv run python
docs/generate.py` has rewritten the pages; so does a stale docs/reference.md (the click
commands' --help) or docs/model.md (graph/ontology.yaml). Every command shown, and every
command the CLI's own hints name, is typed as it works in this checkout: through `uv run`.
"""

from __future__ import annotations

import ast
import difflib
import importlib.util
import re
import shlex
import sys
from pathlib import Path

import pytest

import bootstrap
import stores
from cli import main

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("docs_generate", ROOT / "docs" / "generate.py")
generate = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = generate  # its dataclasses look their module up there
_spec.loader.exec_module(generate)

README = (ROOT / "README.md").read_text("utf-8")
TEXTS = [page.read_text("utf-8") for page in generate.PAGES]
ALL_TEXT = "\n".join(TEXTS)
PAGE_BLOCKS = [generate.console_blocks(text) for text in TEXTS]
COMMANDS = [(p, b, c) for p, blocks in enumerate(PAGE_BLOCKS) for b, block in enumerate(blocks)
            for c in range(len(block.commands))]

_HEX = re.compile(r"\b[0-9a-f]{12,}\b")
_TIME = re.compile(r"\b\d+(?:\.\d+)?\s?(?:ms|s)\b")
_TMP = re.compile(r"/tmp/skg-docs-[\w-]+")


def normalise(lines: list[str]) -> list[str]:
    """Lines without what legitimately differs between two runs: hex ids, timings, temp folders."""
    out = [_TIME.sub("<time>", _HEX.sub("<hex>", _TMP.sub("<tmp>", line))).rstrip() for line in lines]
    while out and not out[-1]:
        out.pop()
    return out


def _id(key: tuple[int, int, int]) -> str:
    line = PAGE_BLOCKS[key[0]][key[1]].commands[key[2]].line
    words = generate._split_comment(line)[0].split()[3:]
    words = (words[2:] if words[:1] == ["--db"] else words)[:3]  # the command, not the database
    return f"{generate.PAGES[key[0]].stem}.{key[1]}.{key[2]}-" + "-".join(re.sub(r"\W+", "", w) for w in words)[:40]


def _uses_neo4j(key: tuple[int, int, int]) -> bool:
    return generate.uses_neo4j(PAGE_BLOCKS[key[0]][key[1]].commands[key[2]].line)


# The examples of docs/neo4j.md (`--db bolt://localhost:7687`) are marked `neo4j`: selecting one
# makes tests/bootstrap.py start the Neo4j test server (or use NEO4J_URI's); `-k "not neo4j"`
# (their ids start with the page, `neo4j.`) leaves them and the server out.
CASES = [pytest.param(k, id=_id(k), marks=[pytest.mark.neo4j] if _uses_neo4j(k) else []) for k in COMMANDS]


@pytest.fixture(scope="module")
def printed(request) -> list[list[generate.Block]]:
    """Every command of every page run once, in page order, on one fresh set of databases; the
    Neo4j examples on the session's Neo4j (emptied first) when one of them is selected."""
    neo4j = None
    if bootstrap.neo4j_selected(request.session.items):
        env = bootstrap.neo4j_env()  # waits for the server tests/bootstrap.py started; fails loudly without
        neo4j = generate.Neo4j(env["NEO4J_URI"], env["NEO4J_USERNAME"], env["NEO4J_PASSWORD"])
    try:
        return generate.run_pages(TEXTS, record_errors=True, neo4j=neo4j)
    finally:
        if neo4j is not None:
            stores._Neo4jFills.count += 1  # the shared database was emptied and refilled: module graphs rebuild


def test_readme_has_examples_to_check():
    assert len(COMMANDS) >= 20, "docs/generate.py found too few `$ ` lines in the pages' console blocks"
    assert PAGE_BLOCKS[0], "README.md's quick start should show real output"


@pytest.mark.parametrize("key", CASES)
def test_readme_example_is_what_the_command_prints(printed, key):
    p, b, c = key
    command = printed[p][b].commands[c]
    page = str(generate.PAGES[p].relative_to(ROOT))
    shown, now = normalise(command.shown), normalise(command.printed or [])
    if shown != now:
        diff = "\n".join(difflib.unified_diff(shown, now, page, "printed now", lineterm=""))
        pytest.fail(f"{page} shows other output for `{command.line}` than it prints now.\n"
                    f"Run `{generate.COMMAND}` and commit {page}.\n{diff}", pytrace=False)


def test_the_documented_bolt_address_is_the_server_of_the_run():
    """`--db bolt://localhost:7687` is the run's Neo4j, with its credentials; its real address
    (random port) reads as the documented one in the output; without a server the command
    cannot run and says so."""
    server = generate.Neo4j("bolt://127.0.0.1:41234", "neo4j", "test-password")
    with generate.Runner(server) as runner:
        assert runner._arg(generate.NEO4J_DOC_URI) == "bolt://127.0.0.1:41234"
        assert runner._arg("bolt://localhost:7688") == "bolt://localhost:7688"  # only the documented one
        assert runner.env()["NEO4J_PASSWORD"] == "test-password"
        assert runner._unmap("Cannot reach Neo4j at bolt://127.0.0.1:41234: refused (127.0.0.1:41234)") == \
            "Cannot reach Neo4j at bolt://localhost:7687: refused (localhost:7687)"
    with generate.Runner() as runner:
        with pytest.raises(generate.NoNeo4j, match="needs a Neo4j server"):
            runner.run(f"uv run sanctions-kg --db {generate.NEO4J_DOC_URI} stats")
        assert runner.env().get("NEO4J_PASSWORD") is None  # a user's environment: no credentials of ours


def test_the_server_page_shows_the_output_the_embedded_database_gives():
    """docs/neo4j.md shows commands run on Neo4j; where the user guide or the README shows the
    same command on the embedded database (the same example articles), the output is the same."""
    neo4j_page = generate.PAGES.index(ROOT / "docs" / "neo4j.md")
    on_neo4j = [c for b in PAGE_BLOCKS[neo4j_page] for c in b.commands if generate.uses_neo4j(c.line)]
    assert len(on_neo4j) >= 5 and all(c.shown for c in on_neo4j)
    embedded = {generate._split_comment(c.line)[0]: c.shown for p, blocks in enumerate(PAGE_BLOCKS)
                if p != neo4j_page for b in blocks for c in b.commands}
    compared = 0
    for command in on_neo4j:
        same = generate._split_comment(command.line)[0].replace(f" --db {generate.NEO4J_DOC_URI}", "")
        if same in embedded:
            compared += 1
            assert normalise(command.shown) == normalise(embedded[same]), (
                f"`{same}` prints other output on Neo4j (docs/neo4j.md) than on the embedded database")
    assert compared >= 3  # stats, a named query, a Cypher query


@pytest.mark.parametrize("page", ["reference.md", "model.md"])
def test_generated_pages_are_current(page):
    """docs/reference.md is the click commands' --help; docs/model.md is graph/ontology.yaml."""
    path = ROOT / "docs" / page
    now = generate.generated_pages()[path]
    assert path.exists() and path.read_text("utf-8") == now, (
        f"docs/{page} is stale: run `{generate.COMMAND}` and commit it.")


def test_readme_is_short_and_links_every_page():
    assert len(README.splitlines()) <= 200, "README.md should stay a short entry page: move detail to docs/"
    for page in [p.name for p in generate.PAGES[1:]] + ["reference.md", "model.md"]:
        assert f"(docs/{page})" in README, f"README.md should link docs/{page}"


def test_normalise_keeps_real_differences():
    """The comparison cannot pass everything: only ids, timings and temp folders are masked."""
    assert normalise(["article 96e5f2192c97b536 in 0.27 s at /tmp/skg-docs-ab12/x"]) == \
        normalise(["article 0123456789abcdef in 12 ms at /tmp/skg-docs-zz9/x"])
    assert normalise(["articles: 18 new"]) != normalise(["articles: 17 new"])
    assert normalise(["│ Vessel │ 34 │"]) != normalise(["│ Vessel │ 33 │"])


def test_rewrite_replaces_only_the_output_under_each_command():
    text = ("intro\n```console\n$ uv run sanctions-kg stats   # note\nold line\n```\n"
            "<!-- docs: not run -->\n```console\n$ uv run sanctions-kg serve\nkept\n```\n"
            "```console\nuv run pytest\n```\n")
    blocks = generate.console_blocks(text)
    assert [[c.line for c in b.commands] for b in blocks] == [["uv run sanctions-kg stats   # note"]]
    blocks[0].commands[0].printed = ["new line", "second"]
    assert generate.rewrite(text, blocks) == text.replace("old line\n", "new line\nsecond\n")


def test_a_command_that_is_not_sanctions_kg_is_refused_with_the_fix():
    with generate.Runner() as runner:
        with pytest.raises(ValueError, match="docs: not run"):
            runner.run("cat README.md | head -n 2")
        with pytest.raises(ValueError, match="Ctrl"):  # a server would never return
            runner.run("uv run sanctions-kg --db /tmp/x serve --port 8799")


def _invocations(line: str) -> list[list[str]]:
    """The simple commands of a shell line (split at &&, |, ;), without the comment."""
    tokens = generate._tokens(generate._split_comment(line)[0])
    out: list[list[str]] = [[]]
    for t in tokens:
        if t in ("&&", "|", ";", "||"):
            out.append([])
        else:
            out[-1].append(t)
    return [cmd for cmd in out if cmd]


def test_every_command_shown_runs_through_uv_run():
    """`sanctions-kg`, `pytest` and `python` exist only in the project's environment: each command
    shown in a console block that runs one of them starts with `uv run` (after VAR=value)."""
    wrong = []
    for line in generate.commands_in_console_blocks(ALL_TEXT):
        for cmd in _invocations(line):
            words = [w for w in cmd if not re.match(r"^[A-Z_][A-Z0-9_]*=", w)] or [""]
            if words[0] in ("sanctions-kg", "pytest", "python", "python3") or (
                    words[0] != "uv" and any(w == "sanctions-kg" for w in words)):
                wrong.append(line)
    assert not wrong, "README commands that fail as typed (add `uv run`):\n" + "\n".join(wrong)


# What the CLI prints: every string in cli.py (option help and command docstrings are its
# --help text) and the messages of library modules whose errors name a command to run.
HINT_SOURCES = {"cli.py": True, "ingest/lists/match.py": False}  # path: docstrings count


def _printed_strings(path: Path, docstrings: bool) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text("utf-8"))
    skip = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                if isinstance(node, ast.Module) or not docstrings:
                    skip.add(id(first.value))
    return [(n.lineno, n.value) for n in ast.walk(tree)
            if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in skip]


def test_hints_the_cli_prints_name_commands_with_uv_run():
    """Where the CLI (or an error it prints) tells the user to type a command, it types as shown."""
    commands = "|".join(re.escape(name) for name in sorted(main.commands, key=len, reverse=True))
    hint = re.compile(rf"(?<![\w-])sanctions-kg (?:--db \S+ )?(?:{commands})\b")
    wrong, seen = [], 0
    for rel, docstrings in HINT_SOURCES.items():
        for lineno, text in _printed_strings(ROOT / rel, docstrings):
            for m in hint.finditer(text):
                seen += 1
                if not text[: m.start()].endswith("uv run "):
                    wrong.append(f"{rel}:{lineno}: {text.strip()}")
    assert seen >= 3  # the check finds the hints it is about
    assert not wrong, "hints naming a command without `uv run`:\n" + "\n".join(wrong)


def test_quick_start_output_is_the_quick_start_command():
    """The quick start's example output is of the very command the quick start tells you to type."""
    quick = README.split("## Quick start", 1)[1].split("\n## Five things", 1)[0]
    typed = re.search(r"```console\n(uv run sanctions-kg [^\n]+)\n", quick)
    assert typed, "the quick start needs its command in a console block"
    shown = [c.line for b in generate.console_blocks(quick) for c in b.commands]
    assert typed.group(1) in [generate._split_comment(s)[0] for s in shown]
    assert shlex.split(typed.group(1))  # it parses as a shell line

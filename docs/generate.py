"""Regenerate the docs: every console example in README.md and docs/*.md from the example
articles, the command reference from the click commands, the data model from the ontology.

    uv run python docs/generate.py            # rewrite the pages' console blocks, refresh docs/*.png
    uv run python docs/generate.py --check    # change nothing; print the diff and exit 1 if stale

The pages are run in the order of PAGES (README.md first, then the user guide, ...), all in one
fresh folder, so a page's commands see the databases the pages before it made. Every
```console block that holds `$ ` lines is run, top to bottom, as a new user would type it on a
fresh checkout: each `$ uv run sanctions-kg ...` line runs the CLI in this
process (click's CliRunner, so spaCy loads once) in a fresh temporary folder that holds only
`examples/` (a link to the repository's), so `./sanctions-kg.db` starts empty and every
`--db /tmp/NAME` is a fresh database inside that folder too. What the command prints replaces
the lines under it. A `| filter` after the command (`| head -n 20`) runs in bash on its
output, `> /dev/null` drops it, `&&` runs the next command if the one before succeeded, and a
`# comment` is kept as typed. Tables are printed at COLUMNS=120; the servers the commands keep
are stopped at the end. Blocks without `$ ` lines, and a block right under the line
`<!-- docs: not run -->`, are left as written (commands that need a running server).

One line is run in a set scene: a command whose comment says "while `sanctions-kg serve`
runs" runs while another client is attached to its database.

Neo4j: a command with `--db bolt://localhost:7687` (the address docker-compose.yml publishes,
NEO4J_DOC_URI) runs against a real Neo4j, with the credentials of that server: the one
NEO4J_URI / NEO4J_USERNAME / NEO4J_PASSWORD name when set (CI's service container), otherwise
the test server of tests/neo4j_test_server.py (Neo4j Community from Maven Central, the version
of docker-compose.yml; it needs Java 17 and Maven), started for the run and stopped after it.
Its database is emptied before each page that uses it, and the server's real address is shown
as the documented one.

tests/test_readme.py runs the same commands and compares their output with README.md, so a
change in what a command prints fails until this script has been run again.

The screenshots in docs/ come from the browser tests (tests/test_web_browser.py, test_web_map.py), which write
them under build/screenshots/; this script runs those tests and copies the pictures into docs/
(`--no-screenshots` skips that).
"""

from __future__ import annotations

import argparse
import contextlib
import difflib
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

README = ROOT / "README.md"
DOCS = ROOT / "docs"
# The pages with console examples, in the order their commands run (each sees the databases the
# ones before it made: the README's quick start fills ./sanctions-kg.db for the guide).
PAGES = [README] + [DOCS / name for name in
                    ("guide.md", "operations.md", "security.md", "neo4j.md", "benchmarks.md")]
REFERENCE = DOCS / "reference.md"
MODEL = DOCS / "model.md"
SCREENSHOTS = ROOT / "build" / "screenshots"
COMMAND = "uv run python docs/generate.py"
NOT_RUN = "<!-- docs: not run -->"
COLUMNS = "120"
PROGRAM = ["uv", "run", "sanctions-kg"]
WHILE_ATTACHED = re.compile(r"while `sanctions-kg serve` runs")
# The Neo4j address the pages name (docs/neo4j.md, docker-compose.yml's Bolt port).
NEO4J_DOC_URI = "bolt://localhost:7687"
NEO4J_DOC_ADDRESS = NEO4J_DOC_URI.split("://", 1)[1]

_FENCE = re.compile(r"^```console[ \t]*\n(.*?)^```[ \t]*$", re.M | re.S)


@dataclass
class Command:
    """One `$ ` line of a console block and the lines shown under it."""

    line: str  # as typed, without the "$ "
    shown: list[str] = field(default_factory=list)
    printed: list[str] | None = None  # what it printed in this run


@dataclass
class Block:
    start: int  # offsets of the block's body in the README text
    end: int
    commands: list[Command]


def console_blocks(text: str) -> list[Block]:
    """The README's console blocks that are run: those with `$ ` lines, not marked `not run`."""
    blocks = []
    for m in _FENCE.finditer(text):
        before = text[: m.start()].rstrip("\n").rsplit("\n", 1)[-1]
        if before.strip() == NOT_RUN:
            continue
        commands: list[Command] = []
        for line in m.group(1).splitlines():
            if line.startswith("$ "):
                commands.append(Command(line[2:]))
            elif commands:
                commands[-1].shown.append(line)
        if commands:
            blocks.append(Block(m.start(1), m.end(1), commands))
    return blocks


def commands_in_console_blocks(text: str) -> list[str]:
    """Every command line shown in a console block, run or not: `$ ` lines, and the plain lines
    of blocks that hold no `$ ` (lists of commands to type)."""
    out = []
    for m in _FENCE.finditer(text):
        lines = m.group(1).splitlines()
        prompts = [ln[2:] for ln in lines if ln.startswith("$ ")]
        out += prompts if prompts else [ln for ln in lines if ln.strip() and not ln.startswith("#")]
    return out


# -- running commands ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Neo4j:
    """The Neo4j server the pages' `--db bolt://localhost:7687` commands run against."""

    uri: str
    user: str
    password: str

    @property
    def address(self) -> str:
        return self.uri.split("://", 1)[1].rstrip("/")


class NoNeo4j(Exception):
    """A page's command needs Neo4j and this run has none."""


def uses_neo4j(line: str) -> bool:
    """Whether a command line runs against the documented Neo4j address."""
    return NEO4J_DOC_URI in _tokens(_split_comment(line)[0])


def pages_use_neo4j(texts: list[str]) -> bool:
    return any(uses_neo4j(c.line) for text in texts for b in console_blocks(text) for c in b.commands)


@contextlib.contextmanager
def neo4j_server(say=print):
    """The Neo4j of NEO4J_URI when set, otherwise the test server (tests/neo4j_test_server.py),
    started here and stopped on exit. Raises SystemExit with the fix when it cannot start."""
    if os.environ.get("NEO4J_URI"):
        from graph.settings import DEFAULT_NEO4J_PASSWORD

        yield Neo4j(os.environ["NEO4J_URI"], os.environ.get("NEO4J_USERNAME", "neo4j"),
                    os.environ.get("NEO4J_PASSWORD", DEFAULT_NEO4J_PASSWORD))
        return
    tests = str(ROOT / "tests")
    if tests not in sys.path:
        sys.path.insert(0, tests)
    import neo4j_test_server as nts

    try:
        nts.build(say)
        say(f"starting Neo4j {nts.neo4j_version()} (tests/neo4j-launcher) for docs/neo4j.md's examples")
        with nts.Neo4jTestServer() as server:
            yield Neo4j(server.uri, nts.USER, server.password)
    except nts.SetupError as exc:
        raise SystemExit(f"docs/generate.py: docs/neo4j.md's examples need a Neo4j server: {exc}") from None


def _split_comment(line: str) -> tuple[str, str]:
    """('code', '   # comment') of a shell line; a # inside quotes is not a comment."""
    quote = None
    for i, ch in enumerate(line):
        if quote:
            if ch == quote:
                quote = None
        elif ch in "'\"":
            quote = ch
        elif ch == "#" and (i == 0 or line[i - 1].isspace()):
            return line[:i].rstrip(), line[i:]
    return line.rstrip(), ""


def _tokens(code: str) -> list[str]:
    lex = shlex.shlex(code, posix=True, punctuation_chars="|&;<>")
    lex.whitespace_split = True
    lex.commenters = ""
    return list(lex)


def _split(tokens: list[str], sep: str) -> list[list[str]]:
    parts: list[list[str]] = [[]]
    for t in tokens:
        if t == sep:
            parts.append([])
        else:
            parts[-1].append(t)
    return parts


class Runner:
    """Runs README command lines in one temporary folder, sharing its databases."""

    def __init__(self, neo4j: Neo4j | None = None) -> None:
        self.neo4j = neo4j
        self.dir = Path(tempfile.mkdtemp(prefix="skg-docs-")).resolve()
        (self.dir / "examples").symlink_to(ROOT / "examples")
        (self.dir / "tmp").mkdir()

    # Paths: `/tmp/NAME` in a command is NAME in the run's own tmp/ folder, and back in output.
    # The documented Neo4j address is the real server's, and back in output.
    def _arg(self, arg: str) -> str:
        if arg == NEO4J_DOC_URI:
            if self.neo4j is None:
                raise NoNeo4j(f"`--db {NEO4J_DOC_URI}` needs a Neo4j server and this run has none "
                              "(docs/generate.py starts one; tests/test_readme.py through tests/bootstrap.py).")
            return self.neo4j.uri
        return str(self.dir / "tmp") + arg[4:] if arg.startswith("/tmp/") else arg

    def _unmap(self, text: str) -> str:
        text = text.replace(str(self.dir / "tmp") + "/", "/tmp/").replace(str(self.dir) + "/", "")
        if self.neo4j is not None:
            text = text.replace(self.neo4j.uri.rstrip("/"), NEO4J_DOC_URI).replace(self.neo4j.address, NEO4J_DOC_ADDRESS)
        return text

    def env(self) -> dict[str, str | None]:
        """A user's environment: no database or Neo4j settings, the CLI's own server keep-alive;
        with a Neo4j, its credentials (the documented ones on CI's server and docker compose's)."""
        env: dict[str, str | None] = {k: None for k in os.environ if k.startswith(("SANCTIONS_KG_", "NEO4J_"))}
        env.update({"COLUMNS": COLUMNS, "LINES": "50", "NO_COLOR": "1", "TERM": "dumb"})
        if self.neo4j is not None:
            env.update(NEO4J_USERNAME=self.neo4j.user, NEO4J_PASSWORD=self.neo4j.password)
        return env

    def empty_neo4j(self) -> None:
        """Delete everything in the Neo4j database (its schema stays), so a page starts from nothing."""
        from graph.backends import open_store
        from graph.settings import from_env

        settings = from_env(db=self.neo4j.uri, neo4j_user=self.neo4j.user, neo4j_password=self.neo4j.password)
        with open_store(settings=settings) as store:
            store.run("MATCH (n) DETACH DELETE n", write=True)

    def run(self, line: str) -> list[str]:
        """What `line` prints in a terminal (stdout and stderr), as lines."""
        code, comment = _split_comment(line)
        out: list[str] = []
        with self._scene(comment, code):
            for part in _split(_tokens(code), "&&"):
                text, status = self._pipeline(part)
                out.append(text.rstrip() + "\n" if text.strip() else "")
                if status != 0:
                    break
        return self._unmap("".join(out)).splitlines()

    @contextlib.contextmanager
    def _scene(self, comment: str, code: str):
        if not WHILE_ATTACHED.search(comment):
            yield
            return
        from graph.backends import open_store

        tokens = _tokens(code)
        db = tokens[tokens.index("--db") + 1] if "--db" in tokens else "sanctions-kg.db"
        with _cwd(self.dir), open_store(self._arg(db)):
            yield

    def _pipeline(self, tokens: list[str]) -> tuple[str, int]:
        stages = _split(tokens, "|")
        cmd = stages[0]
        drop_stdout = False
        if len(cmd) >= 2 and cmd[-2] == ">":
            if cmd[-1] != "/dev/null":
                raise ValueError(f"only `> /dev/null` is supported in README commands: {shlex.join(tokens)}")
            cmd, drop_stdout = cmd[:-2], True
        if cmd[: len(PROGRAM)] != PROGRAM:
            raise ValueError(f"README.md runs `{shlex.join(tokens)}` in a console block: only `uv run sanctions-kg` "
                             f"commands are run there. Drop its `$ ` or put `{NOT_RUN}` on the line above the block.")
        if "serve" in cmd[len(PROGRAM):]:
            raise ValueError(f"`{shlex.join(tokens)}` runs until Ctrl+C: put `{NOT_RUN}` on the line above its "
                             "console block in README.md.")
        stdout, stderr, status = self._cli([self._arg(a) for a in cmd[len(PROGRAM):]])
        if drop_stdout:
            stdout = ""
        if len(stages) > 1:
            shell = " | ".join(shlex.join(s) for s in stages[1:])
            stdout = subprocess.run(["bash", "-c", shell], input=stdout, capture_output=True, text=True,
                                    cwd=self.dir).stdout
        return stdout + stderr, status

    def _cli(self, args: list[str]) -> tuple[str, str, int]:
        from click.testing import CliRunner

        from cli import main

        with _cwd(self.dir):
            result = CliRunner(env=self.env()).invoke(main, args, catch_exceptions=True)
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            import traceback

            raise RuntimeError(f"sanctions-kg {shlex.join(args)} raised:\n"
                               + "".join(traceback.format_exception(result.exception)))
        return result.stdout, result.stderr, result.exit_code

    def close(self) -> None:
        """Stop every server the commands kept, then remove the folder."""
        from graph.server import stop_server

        for settings in sorted(self.dir.glob("*.settings")) + sorted((self.dir / "tmp").glob("*.settings")):
            with contextlib.suppress(Exception):
                stop_server(settings.with_suffix(""), force=True)
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self) -> Runner:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


@contextlib.contextmanager
def _cwd(path: Path):
    old = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(old)


def run_all(text: str, *, record_errors: bool = False, neo4j: Neo4j | None = None) -> list[Block]:
    """Run every command of one page's console blocks in order; fills Command.printed."""
    return run_pages([text], record_errors=record_errors, neo4j=neo4j)[0]


def run_pages(texts: list[str], *, record_errors: bool = False, neo4j: Neo4j | None = None) -> list[list[Block]]:
    """Run every command of the pages' console blocks, page after page, in one folder.

    Commands on `--db bolt://localhost:7687` run against `neo4j`, emptied before each page that
    uses it. A command that cannot run raises, or with record_errors its error becomes its
    output (so that the test of that one command fails, not every test)."""
    pages = [console_blocks(text) for text in texts]
    with Runner(neo4j) as runner:
        for blocks in pages:
            if neo4j is not None and any(uses_neo4j(c.line) for b in blocks for c in b.commands):
                runner.empty_neo4j()
            for block in blocks:
                for command in block.commands:
                    try:
                        command.printed = runner.run(command.line)
                    except Exception as exc:
                        if not record_errors:
                            raise
                        command.printed = [f"<could not run: {type(exc).__name__}>", *str(exc).splitlines()]
    return pages


def rewrite(text: str, blocks: list[Block]) -> str:
    """The README with each run block's output replaced by what its commands printed."""
    out, at = [], 0
    for block in blocks:
        out.append(text[at: block.start])
        body = []
        for command in block.commands:
            body.append(f"$ {command.line}")
            body += [ln.rstrip() for ln in command.printed or []]
        out.append("\n".join(body) + "\n")
        at = block.end
    out.append(text[at:])
    return "".join(out)


# -- generated pages -------------------------------------------------------------------------------

GENERATED = "<!-- Generated by `uv run python docs/generate.py`: edit the source, not this page. -->"


def _commands(group, prefix: str):
    import click

    for name in sorted(group.commands):
        command = group.commands[name]
        yield f"{prefix} {name}", command
        if isinstance(command, click.Group):
            yield from _commands(command, f"{prefix} {name}")


def reference_text() -> str:
    """docs/reference.md: every command's --help, as the CLI prints it at 100 columns."""
    import click

    from cli import main

    out = [GENERATED, "", "# Command reference", "",
           "Every command's options as `--help` prints them (generated from the click commands). "
           "Examples with real output are in the [user guide](guide.md).", ""]
    settings = {**(main.context_settings or {}), "terminal_width": 100, "max_content_width": 100}
    root = click.Context(main, info_name="sanctions-kg", **settings)
    out += ["## sanctions-kg", "", "```text", main.get_help(root).rstrip(), "```", ""]
    for name, command in _commands(main, "sanctions-kg"):
        ctx = click.Context(command, info_name=name, **settings)
        out += [f"## {name}", "", "```text", command.get_help(ctx).rstrip(), "```", ""]
    return "\n".join(out)


def _cell(text) -> str:
    return str(text if text is not None else "").replace("|", "\\|").replace("\n", " ")


MODEL_PROSE = """Declared once in [`graph/ontology.yaml`](../graph/ontology.yaml): labels Vessel, Company, Agency,
Organization, Port, Country, Person, Location (each also labelled `Entity`) and Article;
relationship types MENTIONS, CALLED_AT, OWNED_BY, OPERATED_BY, SANCTIONED_BY, LOCATED_IN,
PART_OF, ASSOCIATED_WITH. Every relationship carries `articles` (ids), `evidence` (JSON items
`{article, sentence, method}`) and `methods` (`rule`, `model`, `list`).

The same file declares behaviour: identifiers and their formats (`imo` with its check digit,
validated in `graph/formats.py`), which properties a report lists, how names resolve to one node
(`resolve_by`, `key_rules`) and which name a node's id is made from (`id_name: fullest`: the fullest
name its articles give, whatever order they came in; a node first met by a shorter name is
re-keyed, with every stored copy of its id, when a fuller one comes), which labels are matched against sanctions lists (`match_group`), which labels' stored
names new articles recognise with no cue (`known: always`, or `listed` only when a list names
the entity),
and what each relationship type means to the reads (`roles`: ownership, control, exposure,
sanction, mention, port_call; the ownership chain, the shared owners and the sanctions exposure
follow what is declared, in the report and in the named queries, whose `{{role}}` is filled in
with the role's types before they run).
Each label's and relationship type's own single-valued properties (a flag, a vessel type, a
designation's year) keep every value with its source (an article, a list entry) in
`prop_sources` and show the value the most sources give, the smallest on a tie: the same in any
order of writes, and withdrawn with the article that alone gave it (`graph/sources.py`; not on
types declared `sourced: false`).
Only graph/ turns these declarations into Cypher: the rest of the code asks the store's typed
view, writer and listings (`store.view()`, `store.writer()`, `store.listings()`), and a test
fails if any module outside graph/ writes Cypher naming a label or relationship type.
A property added there (or in a copy named by `SANCTIONS_KG_ONTOLOGY`) is stored, exported and
shown in reports with no code change."""


def model_text() -> str:
    """docs/model.md: labels, relationship types and their properties, from graph/ontology.yaml."""
    import yaml

    from graph import ontology

    spec = yaml.safe_load(ontology.path().read_text("utf-8"))
    out = [GENERATED, "", "# Data model", "",
           "Declared once in [`graph/ontology.yaml`](../graph/ontology.yaml); everything below is "
           "read from it. Every entity node also carries the label "
           f"`{spec.get('entity_label', 'Entity')}`.", ""]
    out += ["## Properties of every entity", "", "| property | type | what |", "|---|---|---|"]
    out += [f"| `{k}` | {v.get('type', '')} | {_cell(v.get('doc'))} |" for k, v in spec["entity_properties"].items()]
    out += ["", "## Labels", ""]
    for name, label in spec["labels"].items():
        behaviour = [f"{key}: `{label[key]}`" for key in ("resolve_by", "key_rules", "id_name", "match_group", "known") if label.get(key)]
        out += [f"### {name}", "", _cell(label.get("doc")) + ("." if label.get("doc") else ""), ""]
        if behaviour:
            out += ["Behaviour: " + "; ".join(behaviour) + ".", ""]
        props = label.get("properties") or {}
        if props:
            out += ["| property | type | format | what |", "|---|---|---|---|"]
            out += [f"| `{k}` | {v.get('type', '')} | {v.get('format', '')} | {_cell(v.get('doc'))} |" for k, v in props.items()]
            out.append("")
    out += ["## Properties of every relationship", "", "| property | type | what |", "|---|---|---|"]
    out += [f"| `{k}` | {v.get('type', '')} | {_cell(v.get('doc'))} |" for k, v in spec["relationship_properties"].items()]
    out += ["", "## Relationship types", ""]
    for name, rel in spec["relationships"].items():
        ends = f"({' / '.join(rel.get('from', []))}) -[:{name}]-> ({' / '.join(rel.get('to', []))})"
        out += [f"### {name}", "", f"`{ends}`", "", _cell(rel.get("doc")) + ".", ""]
        if rel.get("roles"):
            out += ["Roles: " + ", ".join(f"`{r}`" for r in rel["roles"]) + ".", ""]
        if rel.get("not_extracted"):
            out += [f"Not extracted from text: {_cell(rel['not_extracted'])}", ""]
        if rel.get("sourced") is False:
            out += ["Its properties are set by one writer: no sources kept (`sourced: false`).", ""]
        props = rel.get("properties") or {}
        if props:
            out += ["| property | type | what |", "|---|---|---|"]
            out += [f"| `{k}` | {v.get('type', '')} | {_cell(v.get('doc'))} |" for k, v in props.items()]
            out.append("")
    out += _roles_text()
    out += ["## What the declarations do", "", MODEL_PROSE, ""]
    return "\n".join(out).rstrip() + "\n"


def _roles_text() -> list[str]:
    """The role groups: each role's types (the ontology's) and the named queries that follow it."""
    from graph import ontology
    from queries import library

    onto = ontology.load()
    users: dict[str, list[str]] = {}
    for q in library.load_all().values():
        for role in q.roles:
            users.setdefault(role, []).append(q.name)
    out = ["## Relationship roles", "",
           "The types that declare a role, read together: a named query writes the role as `{{role}}` "
           "(queries/*.cypher) and runs with these types in its place.", "",
           "| role | types | what | named queries |", "|---|---|---|---|"]
    for role in ontology.GROUP_ROLES:
        out.append(f"| `{role}` | {', '.join(onto.role_groups[role])} | {_cell(ontology.REL_ROLES[role])} | "
                   f"{', '.join(users.get(role, [])) or '—'} |")
    return out + [""]


def generated_pages() -> dict[Path, str]:
    """The pages written whole from code and data: path -> text."""
    return {REFERENCE: reference_text(), MODEL: model_text()}


# -- screenshots -----------------------------------------------------------------------------------


def screenshots() -> list[Path]:
    """Run the browser tests (they write build/screenshots/*.png) and copy the pictures to docs/."""
    print("taking screenshots: uv run pytest tests/test_web_browser.py tests/test_web_map.py", flush=True)
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_web_browser.py",
                           "tests/test_web_map.py"], cwd=ROOT)
    if done.returncode != 0:
        raise SystemExit("docs/generate.py: the browser tests failed, so the screenshots were not updated "
                         "(see above; --no-screenshots skips them).")
    copied = []
    for png in sorted(SCREENSHOTS.glob("*.png")):
        shutil.copyfile(png, DOCS / png.name)
        copied.append(DOCS / png.name)
    return copied


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="change nothing; print the diff, exit 1 if stale")
    parser.add_argument("--no-screenshots", action="store_true", help="leave docs/*.png as they are")
    args = parser.parse_args(argv)
    texts = [page.read_text("utf-8") for page in PAGES]
    with contextlib.ExitStack() as stack:
        neo4j = stack.enter_context(neo4j_server()) if pages_use_neo4j(texts) else None
        pages = run_pages(texts, neo4j=neo4j)
    new_texts = {page: rewrite(text, blocks) for page, text, blocks in zip(PAGES, texts, pages)}
    new_texts.update(generated_pages())
    stale = []
    for page, new in new_texts.items():
        old = page.read_text("utf-8") if page.exists() else ""
        name = str(page.relative_to(ROOT))
        if new == old:
            continue
        stale.append(name)
        if args.check:
            sys.stdout.writelines(difflib.unified_diff(old.splitlines(True), new.splitlines(True), name, name + " (regenerated)"))
        else:
            page.write_text(new, "utf-8")
    n = sum(len(b.commands) for blocks in pages for b in blocks)
    print(f"{n} commands in {sum(len(b) for b in pages)} console blocks on {len(PAGES)} pages; "
          + (f"{'stale' if args.check else 'rewritten'}: {', '.join(stale)}" if stale else "all up to date"))
    if args.check:
        if stale:
            print(f"Run `{COMMAND}` and commit the pages.")
        return 1 if stale else 0
    if not args.no_screenshots:
        for path in screenshots():
            print(f"copied {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

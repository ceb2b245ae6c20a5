"""Regenerate every console example in README.md from the example articles.

    uv run python docs/generate.py            # rewrite README.md's console blocks, refresh docs/*.png
    uv run python docs/generate.py --check    # change nothing; print the diff and exit 1 if stale

Every ```console block in README.md that holds `$ ` lines is run, top to bottom, as a new user
would type it on a fresh checkout: each `$ uv run sanctions-kg ...` line runs the CLI in this
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

tests/test_readme.py runs the same commands and compares their output with README.md, so a
change in what a command prints fails until this script has been run again.

The screenshots in docs/ come from the browser tests (tests/test_web_browser.py), which write
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
SCREENSHOTS = ROOT / "build" / "screenshots"
DOCS = ROOT / "docs"
COMMAND = "uv run python docs/generate.py"
NOT_RUN = "<!-- docs: not run -->"
COLUMNS = "120"
PROGRAM = ["uv", "run", "sanctions-kg"]
WHILE_ATTACHED = re.compile(r"while `sanctions-kg serve` runs")

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

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="skg-docs-")).resolve()
        (self.dir / "examples").symlink_to(ROOT / "examples")
        (self.dir / "tmp").mkdir()

    # Paths: `/tmp/NAME` in a command is NAME in the run's own tmp/ folder, and back in output.
    def _arg(self, arg: str) -> str:
        return str(self.dir / "tmp") + arg[4:] if arg.startswith("/tmp/") else arg

    def _unmap(self, text: str) -> str:
        return text.replace(str(self.dir / "tmp") + "/", "/tmp/").replace(str(self.dir) + "/", "")

    def env(self) -> dict[str, str | None]:
        """A user's environment: no database or Neo4j settings, the CLI's own server keep-alive."""
        env: dict[str, str | None] = {k: None for k in os.environ if k.startswith(("SANCTIONS_KG_", "NEO4J_"))}
        env.update({"COLUMNS": COLUMNS, "LINES": "50", "NO_COLOR": "1", "TERM": "dumb"})
        return env

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


def run_all(text: str, *, record_errors: bool = False) -> list[Block]:
    """Run every command of the README's console blocks in order; fills Command.printed.

    A command that cannot run raises, or with record_errors its error becomes its output (so
    that the test of that one command fails, not every test)."""
    blocks = console_blocks(text)
    with Runner() as runner:
        for block in blocks:
            for command in block.commands:
                try:
                    command.printed = runner.run(command.line)
                except Exception as exc:
                    if not record_errors:
                        raise
                    command.printed = [f"<could not run: {type(exc).__name__}>", *str(exc).splitlines()]
    return blocks


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


# -- screenshots -----------------------------------------------------------------------------------


def screenshots() -> list[Path]:
    """Run the browser tests (they write build/screenshots/*.png) and copy the pictures to docs/."""
    print("taking screenshots: uv run pytest tests/test_web_browser.py", flush=True)
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_web_browser.py"],
                          cwd=ROOT)
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
    text = README.read_text("utf-8")
    blocks = run_all(text)
    new = rewrite(text, blocks)
    n = sum(len(b.commands) for b in blocks)
    if args.check:
        if new == text:
            print(f"README.md: {n} commands in {len(blocks)} console blocks, all up to date")
            return 0
        sys.stdout.writelines(difflib.unified_diff(text.splitlines(True), new.splitlines(True),
                                                   "README.md", "README.md (regenerated)"))
        print(f"README.md is stale: run `{COMMAND}`")
        return 1
    if new != text:
        README.write_text(new, "utf-8")
    print(f"README.md: {n} commands in {len(blocks)} console blocks "
          + ("rewritten" if new != text else "already up to date"))
    if not args.no_screenshots:
        for path in screenshots():
            print(f"copied {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The docs cover every command: each has help text and a `### sanctions-kg <command>` section
in the user guide, docs/guide.md (commands added later by anyone are held to the same rule)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cli import main

GUIDE = (Path(__file__).resolve().parents[1] / "docs" / "guide.md").read_text("utf-8")
SECTIONS = set(re.findall(r"^### sanctions-kg ([\w-]+)\s*$", GUIDE, flags=re.M))


@pytest.mark.parametrize("name", sorted(main.commands))
def test_command_has_help_text(name):
    command = main.commands[name]
    assert (command.help or "").strip(), f"`sanctions-kg {name}` needs a docstring: its --help text"
    assert command.get_short_help_str().strip()


@pytest.mark.parametrize("name", sorted(main.commands))
def test_command_has_readme_section(name):
    assert name in SECTIONS, f"docs/guide.md needs a '### sanctions-kg {name}' section with an example and its output"


@pytest.mark.parametrize("name", sorted(SECTIONS))
def test_readme_sections_name_real_commands(name):
    assert name in main.commands, f"docs/guide.md documents `sanctions-kg {name}`, which does not exist"


def test_readme_sections_show_an_example_run():
    """Each command section holds a console block that runs the command."""
    for name in SECTIONS:
        body = GUIDE.split(f"### sanctions-kg {name}", 1)[1].split("\n## ", 1)[0].split("\n### ", 1)[0]
        assert re.search(rf"```console\n(?:[^`].*\n)*?.*sanctions-kg (?:--db \S+ )?{name}\b", body), (
            f"the guide section of `sanctions-kg {name}` needs a ```console block running `sanctions-kg {name}`")

"""The ``salesnb …`` commands the docs name: in shell code blocks and in inline code."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import click

ROOT = Path(__file__).resolve().parents[2]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
SHELL_LANGUAGES = {"", "bash", "sh", "shell", "console"}
FENCE = re.compile(r"^```(\w*)[^\n]*\n(.*?)^```", re.MULTILINE | re.DOTALL)
INLINE = re.compile(r"(?<!`)`(salesnb [^`\n]+)`(?!`)")
# options of the main group that take a value
GLOBAL_VALUE_OPTIONS = {"--db", "--lang"}
WORD = re.compile(r"^[a-z][a-z0-9-]*$")


def command_lines(text: str) -> list[str]:
    """Text that starts at each ``salesnb`` call in shell blocks and inline code spans."""
    found = []
    prose = FENCE.sub("", text)
    for language, body in FENCE.findall(text):
        if language.lower() in SHELL_LANGUAGES:
            for line in body.splitlines():
                for match in re.finditer(r"(?:^|[\s;&|(/])salesnb(?=\s)", line):
                    found.append("salesnb" + line[match.end():])
    found += INLINE.findall(prose)
    return found


def _tokens(line: str) -> list[str]:
    line = line.split("#", 1)[0] if " #" in line else line
    try:
        return shlex.split(line)
    except ValueError:  # an unbalanced quote in an example: plain split is enough for the command words
        return line.split()


def command_path(line: str, cli: click.Group) -> tuple[str, ...] | None:
    """``("sla", "set")`` for ``salesnb sla set NODE --file p.json``; None when no command is named."""
    tokens = _tokens(line)[1:]
    while tokens and tokens[0].startswith("-"):
        option = tokens.pop(0)
        if option in GLOBAL_VALUE_OPTIONS and tokens:
            tokens.pop(0)
    if not tokens or not WORD.match(tokens[0]):
        return None
    name = tokens[0]
    command = cli.get_command(None, name) if name in cli.list_commands(None) else None
    if isinstance(command, click.Group) and len(tokens) > 1:
        alternatives = tokens[1].split("|")
        if all(WORD.match(a) for a in alternatives):
            # `salesnb rules list|show`: each alternative is a command of its own
            return tuple((name, a) for a in alternatives) if len(alternatives) > 1 else (name, tokens[1])
    return (name,)


def documented_commands(cli: click.Group) -> dict[tuple[str, ...], str]:
    """Every command path the docs name → the first page naming it."""
    paths: dict[tuple[str, ...], str] = {}
    for page in PAGES:
        for line in command_lines(page.read_text(encoding="utf-8")):
            path = command_path(line, cli)
            if path is None:
                continue
            for one in (path if isinstance(path[0], tuple) else (path,)):
                paths.setdefault(one, page.relative_to(ROOT).as_posix())
    return paths


def cli_commands(cli: click.Group) -> list[tuple[str, ...]]:
    """Every command and sub-command of the CLI."""
    paths = []
    for name in cli.list_commands(None):
        command = cli.get_command(None, name)
        paths.append((name,))
        if isinstance(command, click.Group):
            paths += [(name, sub) for sub in sorted(command.commands)]
    return paths

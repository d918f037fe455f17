"""The command line's layout: one module per command, named after it, loaded only when used."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click
import pytest

from salesnb import cli

CLI_DIR = Path(cli.__file__).parent


@pytest.mark.parametrize("name", sorted(cli.COMMANDS))
def test_each_command_lives_in_a_module_named_after_it(name):
    module, _, help_line = cli.COMMANDS[name]
    assert module == f"salesnb.cli.{name.replace('-', '_')}_cmd"
    command = cli.load_command(name)
    assert isinstance(command, click.Command) and command.name == name
    assert help_line.strip() and "\n" not in help_line


def test_every_command_module_is_registered():
    modules = {p.stem for p in CLI_DIR.glob("*_cmd.py")}
    assert modules == {m.rsplit(".", 1)[1] for m, _, _ in cli.COMMANDS.values()}


def test_help_lists_commands_without_importing_them():
    code = ("import sys\nfrom click.testing import CliRunner\nfrom salesnb.cli import main\n"
            "result = CliRunner().invoke(main, ['--help'])\nassert result.exit_code == 0, result.output\n"
            "print(sorted(m for m in sys.modules if m.endswith('_cmd') and m.startswith('salesnb.cli')))\n"
            "print('pandas' in sys.modules or 'sqlalchemy' in sys.modules)\nprint(result.output)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    loaded, pandas_loaded, help_text = out.split("\n", 2)
    assert loaded == "[]"
    assert pandas_loaded == "False"
    for name in cli.COMMANDS:
        assert name in help_text


def test_there_is_one_as_of_parser():
    """Commands parse --as-of / --at through salesnb.cli.options.parse_time only."""
    offenders = [p.name for p in CLI_DIR.glob("*_cmd.py")
                 if "parse_as_of(" in p.read_text(encoding="utf-8") or "json.dumps(" in p.read_text(encoding="utf-8")]
    assert offenders == []

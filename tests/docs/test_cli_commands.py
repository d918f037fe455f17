"""Every ``salesnb`` command the docs name exists (its ``--help`` works), and every command is in the docs."""

import pytest
from click.testing import CliRunner

from salesnb.cli import main

from .commands import cli_commands, command_lines, command_path, documented_commands

DOCUMENTED = documented_commands(main)


def test_the_docs_name_commands():
    assert len(DOCUMENTED) >= 40
    assert ("sla", "set") in DOCUMENTED and ("demo",) in DOCUMENTED


@pytest.mark.parametrize("path", sorted(DOCUMENTED), ids=" ".join)
def test_documented_command_answers_help(path):
    result = CliRunner().invoke(main, [*path, "--help"])
    assert result.exit_code == 0, (
        f"`salesnb {' '.join(path)} --help` (named in {DOCUMENTED[path]}) exited {result.exit_code}: {result.output}")
    assert "Usage: " in result.output


@pytest.mark.parametrize("path", cli_commands(main), ids=" ".join)
def test_every_command_is_documented(path):
    named = path in DOCUMENTED or any(p[:len(path)] == path for p in DOCUMENTED)  # a group: by its commands
    assert named, f"`salesnb {' '.join(path)}` appears in no shell block or code span of README.md or docs/"


def test_command_paths_are_read_like_a_shell_line():
    assert command_path("salesnb --db sqlite:///x.db --lang en sla set NODE --file p.json", main) == ("sla", "set")
    assert command_path("salesnb import data/", main) == ("import",)
    assert command_path("salesnb reconcile --dry-run", main) == ("reconcile",)
    assert command_path("salesnb rules list|show", main) == (("rules", "list"), ("rules", "show"))
    assert command_path("salesnb nosuch --x", main) == ("nosuch",)
    assert command_lines("```bash\nSALESNB_TOKEN=x salesnb serve --host 0.0.0.0  # LAN\n```\n"
                         "and `salesnb notify flush` in prose\n```python\nfrom salesnb import x\n```") == [
        "salesnb serve --host 0.0.0.0  # LAN", "salesnb notify flush"]


def test_a_command_that_does_not_exist_fails_help():
    assert CliRunner().invoke(main, ["nosuch", "--help"]).exit_code != 0
    assert CliRunner().invoke(main, ["contract", "nosuch", "--help"]).exit_code != 0

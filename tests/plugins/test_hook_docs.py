"""Datasette style: every hook has a one-line docstring, is documented in the README and is exercised by a test."""

from pathlib import Path

import pytest

from salesnb.plugins import hookspecs

ROOT = Path(__file__).resolve().parents[2]
HOOKS = sorted(name for name in dir(hookspecs) if name.startswith("salesnb_"))


def test_there_are_hooks():
    assert {"salesnb_checks", "salesnb_channel_types", "salesnb_send_notification", "salesnb_read_source"} <= set(HOOKS)


@pytest.mark.parametrize("hook", HOOKS)
def test_hook_has_a_one_line_docstring(hook):
    doc = (getattr(hookspecs, hook).__doc__ or "").strip()
    assert doc, f"{hook} has no docstring"
    assert "\n" not in doc, f"{hook}: the docstring should be one line"


@pytest.mark.parametrize("hook", HOOKS)
def test_hook_is_documented_in_the_readme(hook):
    assert f"`{hook}(" in (ROOT / "README.md").read_text(encoding="utf-8"), f"README.md does not document {hook}"


@pytest.mark.parametrize("hook", HOOKS)
def test_hook_is_exercised_by_a_test(hook):
    this = Path(__file__).resolve()
    users = [p for p in (ROOT / "tests").rglob("test_*.py")
             if p.resolve() != this and f"def {hook}(" in p.read_text(encoding="utf-8")]
    assert users, f"no test implements {hook}"

"""Datasette style: docs/extending.md gives every hook with its exact signature, and names no other.

A hook is documented by a heading of docs/extending.md of the form
``### `salesnb_xxx(arg, …)` ``; the text in brackets must equal the spec's
``inspect.signature``.  Every hook also has a one-line docstring and a test
that implements it.
"""

import inspect
import re
from pathlib import Path

import pytest

from salesnb.plugins import hookspecs

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "extending.md"
HOOKS = sorted(name for name in dir(hookspecs) if name.startswith("salesnb_"))
HEADING = re.compile(r"^#{2,4} `(salesnb_\w+)\((.*?)\)`", re.MULTILINE)
MENTION = re.compile(r"\b(salesnb_\w+)\(")


def documented() -> dict[str, list[str]]:
    """Hook name → the argument texts of its heading(s) in docs/extending.md."""
    found: dict[str, list[str]] = {}
    for name, args in HEADING.findall(PAGE.read_text(encoding="utf-8")):
        found.setdefault(name, []).append(args)
    return found


def spec_arguments(hook: str) -> str:
    return str(inspect.signature(getattr(hookspecs, hook)))[1:-1]


def test_there_are_hooks():
    assert {"salesnb_checks", "salesnb_channel_types", "salesnb_send_notification", "salesnb_read_source"} <= set(HOOKS)


@pytest.mark.parametrize("hook", HOOKS)
def test_hook_has_a_one_line_docstring(hook):
    doc = (getattr(hookspecs, hook).__doc__ or "").strip()
    assert doc, f"{hook} has no docstring"
    assert "\n" not in doc, f"{hook}: the docstring should be one line"


@pytest.mark.parametrize("hook", HOOKS)
def test_hook_is_documented_with_its_exact_signature(hook):
    expected = f"{hook}({spec_arguments(hook)})"
    headings = documented().get(hook)
    assert headings, f"docs/extending.md has no heading `{expected}`"
    assert headings == [spec_arguments(hook)], (
        f"docs/extending.md documents {', '.join(f'{hook}({a})' for a in headings)}; the spec is {expected}")


def test_the_page_documents_no_hook_that_does_not_exist():
    text = PAGE.read_text(encoding="utf-8")
    unknown = sorted(set(documented()) - set(HOOKS))
    assert not unknown, f"docs/extending.md documents hooks that have no spec: {unknown}"
    mentioned = sorted({name for name in MENTION.findall(text)} - set(HOOKS))
    assert not mentioned, f"docs/extending.md calls hooks that have no spec: {mentioned}"


@pytest.mark.parametrize("hook", HOOKS)
def test_hook_is_exercised_by_a_test(hook):
    users = [p for p in (ROOT / "tests").rglob("test_*.py")
             if p.parent.name != "docs" and f"def {hook}(" in p.read_text(encoding="utf-8")]
    assert users, f"no test implements {hook}"

"""Errors users see: always a message, never a bare traceback, never an unbounded one.

A value echoed in a message is cut to :data:`SHOWN_CHARS` characters with its
full length added (a 10 MB cell gives one short line, not 10 MB of stderr);
a whole message is cut to :data:`MAX_MESSAGE_CHARS`.
"""

from __future__ import annotations

from dataclasses import dataclass

from .i18n import register, t

SHOWN_CHARS = 60
MAX_MESSAGE_CHARS = 4000

register({
    "zh-CN": {"errors.cut": "{start}…（共 {length:,} 个字符）"},
    "en": {"errors.cut": "{start}… ({length:,} characters)"},
})


def shorten(text: str, limit: int = SHOWN_CHARS) -> str:
    """``text`` itself when short, else its first ``limit`` characters, an ellipsis and its length."""
    if len(text) <= limit:
        return text
    return t("errors.cut", start=text[:limit], length=len(text))


def shown(value: object, limit: int = SHOWN_CHARS) -> str:
    """A value as a message shows it: its ``repr``, cut to ``limit`` characters of the value."""
    if isinstance(value, str) and len(value) > limit:
        return repr(value[:limit]) + t("errors.cut", start="", length=len(value))
    return shorten(repr(value), limit + 2)


class SalesnbError(Exception):
    """An error whose message is meant for the user (the CLI prints it without a traceback)."""

    def __init__(self, *args: object):
        if len(args) == 1 and isinstance(args[0], str) and len(args[0]) > MAX_MESSAGE_CHARS:
            args = (shorten(args[0], MAX_MESSAGE_CHARS),)
        super().__init__(*args)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where it is (file, Excel row, column) and what was expected."""

    file: str
    row: int | None
    column: str | None
    message: str
    value: object = None

    def __str__(self) -> str:
        where = [shorten(str(self.file), 200)]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column {shorten(str(self.column))}")
        got = "" if self.value in (None, "") else f" (got {shown(self.value)})"
        return f"{', '.join(where)}: {shorten(self.message, 400)}{got}"


class InputError(SalesnbError):
    """Bad input: carries every problem found (up to a cap); nothing was written."""

    def __init__(self, problems: list[Problem], total: int | None = None, cap: int = 50):
        self.problems = problems[:cap]
        self.total = total if total is not None else len(problems)
        lines = [str(p) for p in self.problems]
        if self.total > len(self.problems):
            lines.append(f"... and {self.total - len(self.problems)} more problems")
        header = f"{self.total} problem(s) found; nothing was imported:"
        Exception.__init__(self, "\n".join([header, *("  " + line for line in lines)]))

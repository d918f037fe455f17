"""Errors users see: always a message, never a bare traceback."""

from __future__ import annotations

from dataclasses import dataclass


class SalesnbError(Exception):
    """An error whose message is meant for the user (the CLI prints it without a traceback)."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where it is (file, Excel row, column) and what was expected."""

    file: str
    row: int | None
    column: str | None
    message: str
    value: object = None

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column {self.column}")
        shown = "" if self.value in (None, "") else f" (got {self.value!r})"
        return f"{', '.join(where)}: {self.message}{shown}"


class InputError(SalesnbError):
    """Bad input: carries every problem found (up to a cap); nothing was written."""

    def __init__(self, problems: list[Problem], total: int | None = None, cap: int = 50):
        self.problems = problems[:cap]
        self.total = total if total is not None else len(problems)
        lines = [str(p) for p in self.problems]
        if self.total > len(self.problems):
            lines.append(f"... and {self.total - len(self.problems)} more problems")
        header = f"{self.total} problem(s) found; nothing was imported:"
        super().__init__("\n".join([header, *("  " + line for line in lines)]))

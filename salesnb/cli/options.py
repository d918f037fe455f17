"""Options and argument parsing shared by the commands: one ``--as-of`` / ``--at`` parser, amounts, JSON files."""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import click

from ..errors import SalesnbError
from ..rules.parse import MAX_DEPTH
from ..timeutil import parse_as_of, parse_timestamp


def parse_time(value: str | datetime | None, option: str = "--as-of", *, default_now: bool = True) -> datetime | None:
    """A time option's value as an aware datetime (None: now, or None when ``default_now`` is false)."""
    if value is None and not default_now:
        return None
    try:
        return parse_as_of(value) if default_now else parse_timestamp(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint=option) from exc


def parse_amount(value: str, option: str = "--amount") -> Decimal:
    """A money option (``1,234.5`` → ``Decimal("1234.50")``)."""
    try:
        return Decimal(value.replace(",", "")).quantize(Decimal("0.01"))
    except InvalidOperation:
        raise SalesnbError("cli.not_amount", option=option, value=value) from None


def read_json(path: str | Path) -> Any:
    """A JSON file (UTF-8, with or without BOM); a clear error when it is not JSON."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except json.JSONDecodeError as exc:
        raise SalesnbError("cli.not_json", path=str(path), line=exc.lineno, column=exc.colno, reason=exc.msg) from None
    except RecursionError:
        raise SalesnbError("rules.file_too_deep", path=str(path), depth=MAX_DEPTH) from None
    except OSError as exc:
        raise SalesnbError("cli.unreadable", path=str(path), reason=exc.strerror or str(exc)) from None


class ExistingPath(click.Path):
    """A path that must exist; a missing one is a user error in the user's language.

    (click's own ``exists=True`` message is English only.)
    """

    def __init__(self, *, dir_okay: bool = True, path_type: type | None = None):
        super().__init__(exists=False, dir_okay=dir_okay, path_type=path_type)
        self._dir_okay = dir_okay

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        path = Path(value)
        if not path.exists():
            raise SalesnbError("cli.no_such_path", path=str(value))
        if path.is_dir() and not self._dir_okay:
            raise SalesnbError("cli.not_a_file", path=str(value))
        return super().convert(value, param, ctx)


AT_OPTION = click.option("--at", "at", default=None, help="Time of the action (default: now), e.g. 2026-11-27 09:30.")
JSON_OPTION = click.option("--json", "as_json", is_flag=True, help="Print JSON.")

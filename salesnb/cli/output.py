"""How commands print: JSON for scripts, aligned tables for people (CJK characters count two columns)."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import click

from ..i18n import get_language, set_language


def echo_json(data: Any) -> None:
    """Print ``data`` as indented JSON (Chinese kept readable; dates and decimals as text)."""
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def compact_json(value: Any) -> str:
    """``value`` as one line of JSON, for a table cell or a log line."""
    return json.dumps(value, ensure_ascii=False, default=str)


def width(text: str) -> int:
    """Display width: CJK characters take two columns."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def table(header: list[str], rows: list[list[Any]]) -> None:
    """Print ``rows`` under ``header`` in aligned columns."""
    widths = [max(width(str(x)) for x in col) for col in zip(header, *rows)]
    for row in [header, *rows]:
        click.echo("  ".join(str(x) + " " * (w - width(str(x))) for x, w in zip(row, widths)).rstrip())


def records(frame) -> list[dict]:
    """A pandas frame's rows as JSON-ready dicts (missing values as None)."""
    return frame.astype(object).where(frame.notna(), None).to_dict("records")


@contextmanager
def ui_language(language: str) -> Iterator[None]:
    """Messages in ``language`` for the command, the previous language restored afterwards."""
    previous = get_language()
    set_language(language)
    try:
        yield
    finally:
        set_language(previous)

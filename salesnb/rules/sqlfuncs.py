"""Dialect-aware SQL pieces for SQLite and PostgreSQL (SQLAlchemy ``@compiles`` constructs).

Time arithmetic is done in exact integer microseconds since 1970 UTC.  On
SQLite timestamps are stored as naive-UTC text ``YYYY-MM-DD HH:MM:SS.ffffff``:
whole seconds come from ``unixepoch(…)`` (``strftime('%s', …)`` before SQLite 3.38) on the first 19 characters
(never rounded by the fraction) and the fraction is read as digits.  On
PostgreSQL ``extract(epoch …)`` is an exact numeric.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, Integer, String, literal_column
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

Render = Callable[..., str]


class _Fn(FunctionElement):
    inherit_cache = True


def _dialects(sqlite: Render, postgresql: Render) -> Callable[[type], type]:
    """Class decorator: render the construct with ``sqlite(element, *args)`` / ``postgresql(element, *args)``."""
    def register(cls: type) -> type:
        def render(fn: Render):
            return lambda element, compiler, **kw: fn(
                element, *(compiler.process(arg, **kw) for arg in element.clauses))

        def unsupported(element, compiler, **kw):
            raise NotImplementedError(f"{cls.__name__} is implemented for SQLite and PostgreSQL only, "
                                      f"not {compiler.dialect.name}")

        compiles(cls)(unsupported)
        compiles(cls, "sqlite")(render(sqlite))
        compiles(cls, "postgresql")(render(postgresql))
        return cls
    return register


# SQLite 3.38 has unixepoch(), which reads the seconds without formatting them as text and back (a check
# over 800,000 invoices: 0.4 s less); older SQLite libraries, which Python may be linked against, do not
_SQLITE_SECONDS = "unixepoch({})" if sqlite3.sqlite_version_info >= (3, 38) else "CAST(strftime('%s', {}) AS INTEGER)"


@_dialects(
    sqlite=lambda e, x: (f"({_SQLITE_SECONDS.format(f'substr({x}, 1, 19)')} * 1000000"
                         f" + CAST(substr({x} || '000000', 21, 6) AS INTEGER))"),
    postgresql=lambda e, x: f"CAST(EXTRACT(EPOCH FROM {x}) * 1000000 AS BIGINT)",
)
class epoch_us(_Fn):
    """Microseconds since 1970-01-01 UTC of a stored timestamp, as an exact BIGINT."""

    inherit_cache = True
    type = BigInteger()
    name = "epoch_us"


@_dialects(sqlite=lambda e, a, b: f"(instr({a}, {b}) > 0)", postgresql=lambda e, a, b: f"(strpos({a}, {b}) > 0)")
class str_contains(_Fn):
    """``b`` occurs in ``a`` (case-sensitive on both backends, unlike SQLite's LIKE)."""

    inherit_cache = True
    type = Boolean()
    name = "str_contains"


@_dialects(sqlite=lambda e, a, b: f"CAST(round(julianday({a}) - julianday({b})) AS INTEGER)",
           postgresql=lambda e, a, b: f"(CAST({a} AS DATE) - CAST({b} AS DATE))")
class days_between(_Fn):
    """Whole days from date ``b`` to date ``a`` (``a − b``), an INTEGER."""

    inherit_cache = True
    type = Integer()
    name = "days_between"


@_dialects(sqlite=lambda e, *args: f"json_object({', '.join(args)})",
           postgresql=lambda e, *args: f"json_build_object({', '.join(args)})")
class json_object(_Fn):
    """A JSON object from a mapping of key (an identifier) → SQL expression."""

    inherit_cache = False  # keys are part of the construct
    type = JSON()
    name = "json_object"

    def __init__(self, pairs: dict[str, Any]):
        args = []
        for key, value in pairs.items():
            if not key.isidentifier():
                raise ValueError(f"bad JSON key {key!r}")
            args.extend([literal_column(f"'{key}'", String()), value])
        super().__init__(*args)

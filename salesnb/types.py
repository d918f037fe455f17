"""Column types shared by every model: UTC-stored aware timestamps and exact money."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import DateTime, Numeric
from sqlalchemy.types import TypeDecorator

from .timeutil import UTC, to_local, to_utc_naive

CENT = Decimal("0.01")


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetime; stored as UTC (``timestamptz`` on PostgreSQL, naive UTC text on SQLite).

    Naive input is local time.  Values come back aware, in the local zone.
    On SQLite the text form is SQLAlchemy's ``YYYY-MM-DD HH:MM:SS.ffffff`` so
    values compare correctly as strings and ``julianday()`` reads them.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def load_dialect_impl(self, dialect):
        if dialect.name == "sqlite":
            return dialect.type_descriptor(DateTime(timezone=False))
        return dialect.type_descriptor(DateTime(timezone=True))

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if dialect.name == "sqlite":
            return to_utc_naive(value)
        return to_local(value).astimezone(UTC)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return to_local(value)


class Money(TypeDecorator[Decimal]):
    """Exact amount with two decimals (``numeric(18,2)``; REAL on SQLite, read back exactly)."""

    impl = Numeric(18, 2)
    cache_ok = True

    def load_dialect_impl(self, dialect):
        if dialect.name == "sqlite":
            return dialect.type_descriptor(Numeric(18, 2, asdecimal=False))
        return dialect.type_descriptor(Numeric(18, 2))

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        amount = Decimal(str(value)).quantize(CENT)
        return float(amount) if dialect.name == "sqlite" else amount

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return Decimal(repr(value) if isinstance(value, float) else str(value)).quantize(CENT)

"""Exact microseconds since 1970 of stored timestamps, the base of every time comparison in SQL."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from salesnb.db import session_scope
from salesnb.models import Lead
from salesnb.rules.sqlfuncs import epoch_us

MOMENTS = [
    datetime(2026, 3, 10, 9, 0, tzinfo=timezone.utc),
    datetime(2026, 3, 10, 8, 59, 59, 999_999, tzinfo=timezone.utc),
    datetime(2024, 2, 29, 23, 59, 59, 1, tzinfo=timezone.utc),
    datetime(1969, 12, 31, 23, 59, 59, 500_000, tzinfo=timezone.utc),
    datetime(2038, 1, 19, 3, 14, 8, tzinfo=timezone.utc),
]


def test_epoch_microseconds_are_exact(engine):
    with session_scope(engine) as s:
        s.add_all(Lead(lead_id=f"L{i}", customer_id="C1", owner_id="U1", created_at=at)
                  for i, at in enumerate(MOMENTS))
    with session_scope(engine) as s:
        got = dict(s.execute(select(Lead.lead_id, epoch_us(Lead.created_at))).all())
    epoch = datetime(1970, 1, 1, tzinfo=timezone.utc)
    assert got == {f"L{i}": (at - epoch) // timedelta(microseconds=1) for i, at in enumerate(MOMENTS)}


@pytest.mark.parametrize("text", ["2026-03-10 09:00:00.000000", "1969-12-31 23:59:59.500000",
                                  "2024-02-29 23:59:59", "2038-01-19 03:14:08.000001", "not a time",
                                  "2026-13-40 25:00:00"])
def test_sqlite_reads_the_seconds_alike_with_unixepoch_and_strftime(text, monkeypatch):
    """epoch_us on SQLite: unixepoch() where the library has it (3.38), else strftime('%s'); the same values."""
    from sqlalchemy import create_engine, literal

    from salesnb.rules import sqlfuncs

    if sqlite3.sqlite_version_info < (3, 38):
        pytest.skip("this SQLite library has no unixepoch(): only the strftime form runs here")
    got = []
    for form in ("unixepoch({})", "CAST(strftime('%s', {}) AS INTEGER)"):
        monkeypatch.setattr(sqlfuncs, "_SQLITE_SECONDS", form)
        with create_engine("sqlite://").connect() as conn:  # a new engine: nothing compiled before
            sql = str(select(epoch_us(literal(text))).compile(conn))
            assert form.split("(")[0] in sql
            got.append(conn.execute(select(epoch_us(literal(text)))).scalar())
    assert got[0] == got[1]

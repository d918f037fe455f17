"""Read the canonical tables and findings into pandas frames, fast.

The KPI engines need a few columns of many rows.  Going through the ORM types
would convert every timestamp in Python; instead the queries here are plain
SQL and the timestamp columns are parsed by pandas in one vectorised call
(SQLite hands back naive UTC text, PostgreSQL aware datetimes).  Every
timestamp column comes back as ``datetime64[ns, UTC]``.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import pandas as pd
from sqlalchemy import Connection, bindparam, text

from ..timeutil import local_tz
from ..types import UTCDateTime


def utc(ts: datetime | pd.Timestamp) -> pd.Timestamp:
    """An aware datetime (naive means local) as a UTC pandas Timestamp."""
    stamp = pd.Timestamp(ts)
    if stamp.tzinfo is None:
        stamp = stamp.tz_localize(local_tz())
    return stamp.tz_convert("UTC")


def read_frame(conn: Connection, sql: str, times: tuple[str, ...] = (), **params) -> pd.DataFrame:
    """Run ``sql`` (``:name`` parameters; datetimes bound as stored timestamps) into a frame.

    Columns named in ``times`` are parsed to UTC timestamps.
    """
    stmt = text(sql)
    params = {k: v for k, v in params.items() if k in stmt._bindparams}
    binds = [bindparam(k, type_=UTCDateTime()) for k, v in params.items() if isinstance(v, datetime)]
    binds += [bindparam(k, expanding=True) for k, v in params.items() if isinstance(v, (list, tuple, frozenset, set))]
    if binds:
        stmt = stmt.bindparams(*binds)
    values = {k: (v.to_pydatetime() if isinstance(v, pd.Timestamp) else sorted(v) if isinstance(v, (frozenset, set))
                  else v) for k, v in params.items()}
    result = conn.execute(stmt, values)
    columns = list(result.keys())
    rows = result.cursor.fetchall() if result.cursor is not None else []  # plain DBAPI tuples: no Row objects
    frame = pd.DataFrame.from_records(rows, columns=columns) if rows else pd.DataFrame(columns=columns, dtype=object)
    for col in times:
        frame[col] = to_utc_series(frame[col])
    return frame


def to_utc_series(values: pd.Series) -> pd.Series:
    """Stored timestamps (naive-UTC text, or aware datetimes) → ``datetime64[ns, UTC]``."""
    if values.empty:
        return pd.Series(pd.DatetimeIndex([], tz="UTC"), index=values.index)
    return pd.to_datetime(values, utc=True, format="ISO8601").astype("datetime64[ns, UTC]")


def iso_week(values: pd.Series) -> pd.Series:
    """ISO week label (``2026-W05``) of UTC timestamps, in the local zone."""
    local = values.dt.tz_convert(local_tz()).dt.tz_localize(None).dt.normalize()
    monday = local - pd.to_timedelta(local.dt.day_of_week, unit="D")
    labels = {m: "{}-W{:02d}".format(*m.isocalendar()[:2]) for m in monday.dropna().unique()}
    return monday.map(labels).astype(object).where(values.notna())


def week_start(label: str) -> pd.Timestamp:
    """The local Monday 00:00 that starts ISO week ``label`` (``2026-W05``), as UTC."""
    monday = datetime.strptime(label + "-1", "%G-W%V-%u")
    return pd.Timestamp(monday).tz_localize(local_tz()).tz_convert("UTC")


def week_of(ts: datetime | pd.Timestamp) -> str:
    """ISO week label of one timestamp (local zone)."""
    return iso_week(pd.Series([utc(ts)]))[0]


def blank_to_na(values: pd.Series) -> pd.Series:
    """Strings that are empty or whitespace count as missing."""
    text_values = values.astype("string")
    return text_values.where(text_values.str.strip().fillna("") != "")


@lru_cache(maxsize=16)
def fixed_offset_minutes(zone: ZoneInfo, until_year: int) -> int | None:
    """The zone's UTC offset in minutes when it never changed from 2000 to ``until_year`` (no daylight
    saving, e.g. Asia/Shanghai), else None."""
    offsets = {datetime(year, month, 1, tzinfo=zone).utcoffset()
               for year in range(2000, until_year + 2) for month in (1, 4, 7, 10)}
    return int(offsets.pop() / timedelta(minutes=1)) if len(offsets) == 1 else None


def day_key_sql(dialect: str, column: str, as_of: datetime) -> str:
    """SQL for a grouping key of a stored timestamp that :func:`keys_to_weeks` maps to its local ISO week.

    PostgreSQL gives the local date (it knows the zone; a date, cheaper to make than its text: 1.8 M leads
    grouped by day 1.4 → 1.0 s); SQLite, which has no zone
    database, adds the zone's fixed offset, or for a zone with daylight saving
    keeps the UTC minute (exact too: every zone's offsets are whole minutes).
    """
    zone = local_tz()
    if dialect == "postgresql":
        if not all(ch.isalnum() or ch in "/_+-" for ch in zone.key):
            raise ValueError(f"bad time zone name {zone.key!r}")
        return f"CAST(({column}) AT TIME ZONE '{zone.key}' AS date)"
    offset = fixed_offset_minutes(zone, as_of.year)
    if offset is not None:
        return f"date({column}, '{offset:+d} minutes')"
    return f"strftime('%Y-%m-%d %H:%M', {column})"


def keys_to_weeks(keys: pd.Series) -> pd.Series:
    """ISO week labels of the keys :func:`day_key_sql` made (local dates, or UTC minutes)."""
    distinct = [k for k in keys.dropna().unique()]
    labels: dict[str | date, str] = {}
    for key in distinct:
        if isinstance(key, date) or len(key) == 10:
            day = key if isinstance(key, date) else date.fromisoformat(key)
            labels[key] = "{}-W{:02d}".format(*day.isocalendar()[:2])
    minutes = [k for k in distinct if k not in labels]
    if minutes:
        stamps = pd.Series(pd.to_datetime(minutes, format="%Y-%m-%d %H:%M", utc=True))
        labels.update(zip(minutes, iso_week(stamps), strict=True))
    return keys.map(labels).astype(object).where(keys.notna())

"""Time helpers: the local zone (Asia/Shanghai by default) and lenient timestamp parsing.

Timestamps are stored in UTC and handed out as aware datetimes in the local
zone.  Input without an offset is local time, as docs/design.md says.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

UTC = timezone.utc
_local_tz = ZoneInfo("Asia/Shanghai")

_CN_DATE = re.compile(
    r"^\s*(\d{4})\s*[年/.-]\s*(\d{1,2})\s*[月/.-]\s*(\d{1,2})\s*日?"
    r"(?:[\sT]+(\d{1,2})[:时](\d{1,2})(?:[:分](\d{1,2})(?:\.(\d{1,6}))?)?秒?)?\s*$"
)
_COMPACT = re.compile(r"^\s*(\d{4})(\d{2})(\d{2})(?:\s*(\d{2}):?(\d{2}):?(\d{2})?)?\s*$")


def local_tz() -> ZoneInfo:
    """The zone used for naive input and for output."""
    return _local_tz


def set_local_tz(name: str) -> None:
    """Change the local zone (from settings)."""
    global _local_tz
    _local_tz = ZoneInfo(name)


def now() -> datetime:
    """The current time, aware, in the local zone."""
    return datetime.now(_local_tz)


def to_local(value: datetime) -> datetime:
    """Make ``value`` aware (naive means local) and express it in the local zone."""
    if value.tzinfo is None:
        return value.replace(tzinfo=_local_tz)
    if value.tzinfo is _local_tz:
        return value  # what astimezone would return (documented), without its cost: values read are local already
    return value.astimezone(_local_tz)


def to_utc_naive(value: datetime) -> datetime:
    """Aware or local-naive datetime → naive UTC (the SQLite storage form)."""
    return to_local(value).astimezone(UTC).replace(tzinfo=None)


def parse_timestamp(value: object) -> datetime:
    """Parse a timestamp the way users write them; raise ValueError otherwise.

    Accepts datetime/date objects, ISO 8601 (with or without offset),
    ``YYYY-MM-DD HH:MM[:SS]``, ``YYYY/MM/DD``, ``2026年11月27日 09:30`` and
    ``20261127 093000``.  Naive values are local time.
    """
    if isinstance(value, datetime):
        return to_local(value)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=_local_tz)
    if not isinstance(value, str):
        raise ValueError(f"not a timestamp: {value!r}")
    text = value.strip()
    if not text:
        raise ValueError("empty timestamp")
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        return to_local(parsed)
    except ValueError:
        pass
    m = _CN_DATE.match(text) or _COMPACT.match(text)
    if m:
        y, mo, d, hh, mm, ss, *frac = m.groups() + (None,) * (7 - len(m.groups()))
        micro = int((frac[0] or "0").ljust(6, "0")) if frac and frac[0] else 0
        return datetime(
            int(y), int(mo), int(d), int(hh or 0), int(mm or 0), int(ss or 0), micro, tzinfo=_local_tz
        )
    raise ValueError(f"not a timestamp: {value!r} (expected e.g. 2026-11-27 09:30)")


def parse_as_of(value: str | datetime | None) -> datetime:
    """``--as-of`` values: None means now."""
    return now() if value is None else parse_timestamp(value)


def hours(n: float) -> timedelta:
    return timedelta(hours=n)

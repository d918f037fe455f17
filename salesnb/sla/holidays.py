"""A team's own holidays and adjusted workdays (调休), kept in the ``holidays`` table.

chinese_calendar knows only the years the State Council has published
(through 2026 in the installed version).  A team enters the next year's
arrangement from a sheet (``salesnb holidays import FILE``, or ``salesnb
import`` of a file with 日期 / 类型 / 名称), in the escalation app, or with a
template bundle; working-hours clocks use these days ahead of the library's
table.  From :data:`WARN_DAYS` days before the covered range ends, the daily
summary and the escalation app say so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from .. import audit
from ..auth.people import Actor
from ..auth.permissions import authorize
from ..errors import SalesnbError
from ..i18n import register, t
from ..models import Holiday
from ..timeutil import now, to_local

KINDS = ("holiday", "workday")
WARN_DAYS = 60

register({
    "zh-CN": {
        "holidays.ending": "节假日和调休安排只覆盖到 {until}（还有 {days} 天）。之后按普通周末计算工作时间，"
                           "春节等假期会被当作工作日。请录入 {year} 年的安排：salesnb holidays import 文件，"
                           "或在「SLA 升级」应用中填写。",
        "holidays.bad_line": "第 {line} 行：{text!r} 应为「日期 类型 名称」，如 2027-02-06 放假 春节",
        "holidays.bad_kind": "第 {line} 行：类型应为 放假/holiday 或 上班/workday，收到 {kind!r}",
    },
    "en": {
        "holidays.ending": "Holidays and adjusted workdays are known only up to {until} ({days} days left). After "
                           "that, working hours fall back to plain weekends and the Spring Festival would count as "
                           "working days. Enter {year}'s arrangement: salesnb holidays import FILE, or in the "
                           "escalation app.",
        "holidays.bad_line": "line {line}: {text!r} should be 'date kind name', e.g. 2027-02-06 holiday Spring Festival",
        "holidays.bad_kind": "line {line}: the kind is holiday (放假) or workday (上班), got {kind!r}",
    },
})
_KIND_WORDS = {"holiday": "holiday", "放假": "holiday", "休": "holiday", "workday": "workday", "上班": "workday",
               "班": "workday", "补班": "workday"}


@dataclass(frozen=True)
class HolidayTable:
    """The stored days (day, kind, name), hashable so that clocks can be cached per table."""

    entries: tuple[tuple[date, str, str | None], ...] = ()
    _kinds: dict[date, str] = field(default_factory=dict, compare=False, hash=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_kinds", {day: kind for day, kind, _ in self.entries})

    def kind(self, day: date) -> str | None:
        """``holiday``, ``workday`` or None (the team said nothing about ``day``)."""
        return self._kinds.get(day)

    def years(self) -> set[int]:
        return {day.year for day, _, _ in self.entries}


EMPTY = HolidayTable()


def load_holidays(session: Session) -> HolidayTable:
    """The team's stored days, in date order."""
    rows = session.execute(select(Holiday.day, Holiday.kind, Holiday.name).order_by(Holiday.day)).all()
    return HolidayTable(tuple((r.day, r.kind, r.name) for r in rows))


@lru_cache(maxsize=1)
def library_last_year() -> int:
    """The last year chinese_calendar knows the holidays of."""
    import chinese_calendar

    year = date.today().year + 5
    while year > 2000:
        try:
            chinese_calendar.get_holiday_detail(date(year, 6, 1))
            return year
        except NotImplementedError:
            year -= 1
    return year


def covered_until(table: HolidayTable) -> date:
    """The last day whose arrangement is known: the library's years and every year the team entered."""
    years = {library_last_year(), *table.years()}
    last = max(years)
    while last + 1 in years:  # contiguous: a gap year is not covered
        last += 1
    return date(max(library_last_year(), last), 12, 31)


def coverage_warning(table: HolidayTable, as_of: datetime | date, language: str | None = None) -> str | None:
    """The visible warning when ``as_of`` is within :data:`WARN_DAYS` days of the end of the covered range."""
    day = to_local(as_of).date() if isinstance(as_of, datetime) else as_of
    until = covered_until(table)
    if day < until - timedelta(days=WARN_DAYS):
        return None
    return t("holidays.ending", language, until=until.isoformat(), days=max(0, (until - day).days),
             year=until.year + 1)


def parse_lines(text: str) -> list[tuple[date, str, str | None]]:
    """``2027-02-06 放假 春节`` lines (the escalation app's editor) → entries; SalesnbError naming the line."""
    entries = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = line.split(maxsplit=2)
        try:
            day = date.fromisoformat(parts[0])
        except (ValueError, IndexError):
            raise SalesnbError(t("holidays.bad_line", line=number, text=line[:60])) from None
        kind = _KIND_WORDS.get(parts[1].lower()) if len(parts) > 1 else None
        if kind is None:
            raise SalesnbError(t("holidays.bad_kind", line=number, kind=parts[1] if len(parts) > 1 else ""))
        entries.append((day, kind, parts[2].strip() if len(parts) > 2 else None))
    return entries


def format_lines(table: HolidayTable) -> str:
    """The entries as editor lines (the inverse of :func:`parse_lines`)."""
    return "\n".join(f"{day.isoformat()} {kind} {name or ''}".rstrip() for day, kind, name in table.entries)


def replace_year_entries(session: Session, entries: list[tuple[date, str, str | None]], *, actor: Actor | str,
                         years: set[int] | None = None, at: datetime | None = None) -> int:
    """Store ``entries``, replacing every stored day of the years they (or ``years``) cover; audit-logged.

    ``actor`` needs ``config.edit`` (ops).
    """
    actor = authorize(session, actor, "config.edit").user_id
    years = set(years or ()) | {day.year for day, _, _ in entries}
    if not years:
        return 0
    before = [(d.isoformat(), k, n) for d, k, n in load_holidays(session).entries if d.year in years]
    session.execute(delete(Holiday).where(Holiday.day >= date(min(years), 1, 1),
                                          Holiday.day <= date(max(years), 12, 31)))
    session.add_all(Holiday(day=d, kind=k, name=n) for d, k, n in sorted(set(entries)))
    audit.record(session, actor=actor, action="holidays.saved", entity_type="holidays",
                 entity_id=",".join(str(y) for y in sorted(years)), before={"days": before},
                 after={"days": [(d.isoformat(), k, n) for d, k, n in sorted(set(entries))]}, at=at or now())
    return len(entries)


def as_dicts(table: HolidayTable) -> list[dict[str, Any]]:
    """JSON form (bundles): ``[{"day": "2027-02-06", "kind": "holiday", "name": "春节"}]``."""
    return [{"day": d.isoformat(), "kind": k, "name": n} for d, k, n in table.entries]

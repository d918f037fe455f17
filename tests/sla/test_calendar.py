"""Working-time arithmetic: weekends, Chinese holidays, adjusted workdays (调休), pauses, fallback years."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salesnb.sla import CalendarSpec, Clock, PolicyError, WorkingHoursClock
from salesnb.sla.calendar import merge_pauses, year_has_holiday_data
from salesnb.timeutil import local_tz

TZ = local_tz()
H = timedelta(hours=1)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=TZ)


def working(**kw) -> WorkingHoursClock:
    return WorkingHoursClock(CalendarSpec.from_dict({"mode": "working_hours", **kw}))


def test_two_hours_from_friday_1700_lands_on_monday():
    clock = working()
    friday = at("2026-11-13 17:00")
    assert friday.strftime("%a") == "Fri"
    assert clock.add(friday, 2 * H) == at("2026-11-16 10:00")  # 17:00-18:00 Friday, 09:00-10:00 Monday
    assert clock.add(friday, 1 * H) == at("2026-11-13 18:00")  # exactly at closing time, not Monday 09:00
    assert clock.between(friday, at("2026-11-16 10:00")) == 2 * H


def test_lunch_break_and_non_working_start():
    clock = working()
    assert clock.add(at("2026-11-16 11:30"), 1 * H) == at("2026-11-16 14:00")
    assert clock.add(at("2026-11-14 11:30"), 1 * H) == at("2026-11-16 10:00")  # Saturday start
    assert clock.add(at("2026-11-14 11:30"), timedelta(0)) == at("2026-11-14 11:30")
    assert clock.add(at("2026-11-16 07:00"), 3 * H) == at("2026-11-16 12:00")


def test_national_day_holiday_is_skipped():
    clock = working()
    # 国庆 2026-10-01..07: a 2-hour deadline from Wednesday 30 Sep 17:00 lands on Thursday 8 Oct
    assert clock.add(at("2026-09-30 17:00"), 2 * H) == at("2026-10-08 10:00")
    assert not clock.is_workday(at("2026-10-01 00:00").date())  # a Thursday, but a holiday
    assert clock.between(at("2026-10-01 09:00"), at("2026-10-07 18:00")) == timedelta(0)


def test_adjusted_working_saturday_and_sunday_count():
    clock = working()
    saturday = at("2026-10-10 00:00").date()
    assert saturday.strftime("%a") == "Sat" and clock.is_workday(saturday)  # 调休 for 国庆
    assert clock.add(at("2026-10-09 17:00"), 2 * H) == at("2026-10-10 10:00")
    # Sunday 20 Sep 2026 is also a working day: Friday 18 Sep 17:00 + 2 h lands on that Sunday
    assert clock.add(at("2026-09-18 17:00"), 2 * H) == at("2026-09-20 10:00")
    # an ordinary Saturday is off
    assert not clock.is_workday(at("2026-10-17 00:00").date())


def test_adjusted_workday_hours_can_be_set():
    clock = working(adjusted_workday_hours=[["10:00", "16:00"]])
    assert clock.add(at("2026-10-09 17:00"), 2 * H) == at("2026-10-10 11:00")


def test_holidays_can_be_switched_off():
    clock = working(chinese_holidays=False)
    assert clock.add(at("2026-09-30 17:00"), 2 * H) == at("2026-10-01 10:00")
    assert not clock.is_workday(at("2026-10-10 00:00").date())


def test_unknown_year_falls_back_to_plain_weekends_with_a_warning():
    assert year_has_holiday_data(2026) and not year_has_holiday_data(2099)
    clock = working()
    assert clock.add(at("2026-11-13 17:00"), 2 * H) == at("2026-11-16 10:00")
    assert clock.warnings == set()  # nothing outside the known years was needed
    clock = working()
    friday = at("2099-01-02 17:00")
    assert friday.strftime("%a") == "Fri"
    assert clock.add(friday, 2 * H) == at("2099-01-05 10:00")
    assert any("2099" in w and "weekly" in w for w in clock.warnings)


def test_custom_week_and_round_the_clock_windows():
    clock = working(hours={"sat": [["08:00", "12:00"]], "sun": [["00:00", "24:00"]]})
    assert clock.add(at("2026-11-14 11:00"), 2 * H) == at("2026-11-15 01:00")
    assert clock.add(at("2026-11-15 23:00"), 2 * H) == at("2026-11-21 09:00")


def test_other_time_zone():
    clock = working(timezone="Europe/Berlin", chinese_holidays=False)
    start = datetime(2026, 11, 13, 17, 0, tzinfo=clock.tz)
    assert clock.add(start, 2 * H) == datetime(2026, 11, 16, 10, 0, tzinfo=clock.tz)


def test_24x7():
    clock = Clock()
    assert clock.add(at("2026-11-13 17:00"), 2 * H) == at("2026-11-13 19:00")
    assert clock.between(at("2026-11-13 17:00"), at("2026-11-14 17:00")) == 24 * H


def test_pauses_push_the_deadline_and_do_not_count():
    clock = Clock()
    start = at("2026-11-02 09:00")
    pauses = [(at("2026-11-02 10:00"), at("2026-11-02 13:00"))]
    assert clock.add_paused(start, 2 * H, pauses) == at("2026-11-02 14:00")
    assert clock.elapsed(start, at("2026-11-02 14:00"), pauses) == 2 * H
    assert clock.add_paused(start, 2 * H, [(at("2026-11-02 10:00"), None)]) is None  # still paused
    assert clock.elapsed(start, at("2026-11-03 10:00"), [(at("2026-11-02 10:00"), None)]) == 1 * H
    # working hours: the pause eats working time only
    wh = working()
    friday = at("2026-11-13 17:00")
    assert wh.add_paused(friday, 2 * H, [(at("2026-11-13 17:30"), at("2026-11-16 09:30"))]) == at("2026-11-16 11:00")


def test_merge_pauses():
    s = at("2026-11-02 09:00")
    merged = merge_pauses([(s + 3 * H, s + 5 * H), (s + H, s + 4 * H), (s - 5 * H, s - 4 * H), (s + 6 * H, None),
                           (s + 7 * H, s + 8 * H)], s)
    assert merged == [(s + H, s + 5 * H), (s + 6 * H, None)]


@pytest.mark.parametrize("spec, message", [
    ({"mode": "working_hours", "hours": {"mon": [["9", "10"]]}}, "mon"),
    ({"mode": "working_hours", "hours": {"mon": [["09:00", "12:00"], ["11:00", "13:00"]]}}, "previous one"),
    ({"mode": "working_hours", "hours": {d: [] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}}, "at least one"),
    ({"mode": "working_hours", "timezone": "Mars/Olympus"}, "timezone"),
])
def test_bad_calendar(spec, message):
    with pytest.raises(PolicyError) as caught:
        CalendarSpec.from_dict(spec)
    assert message in caught.value.render("en")


def test_spec_round_trip():
    spec = CalendarSpec.from_dict({"mode": "working_hours", "hours": {"mon": [["08:30", "17:30"]]},
                                   "adjusted_workday_hours": [["09:00", "17:00"]], "chinese_holidays": False})
    assert CalendarSpec.from_dict(spec.to_dict()) == spec


_CLOCK = working()


@settings(max_examples=200, deadline=None)
@given(start=st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2026, 12, 1)),
       minutes=st.integers(min_value=0, max_value=60 * 200))
def test_add_and_between_agree(start, minutes):
    start = start.replace(tzinfo=TZ, microsecond=0)
    duration = timedelta(minutes=minutes)
    end = _CLOCK.add(start, duration)
    assert end >= start
    assert _CLOCK.between(start, end) == duration
    if minutes:  # the earliest such instant: a minute earlier is not enough
        assert _CLOCK.between(start, end - timedelta(minutes=1)) < duration
    assert end - start >= _CLOCK.min_wall_time(duration)  # the bound the SQL scan relies on


def test_min_wall_time_is_tight_enough_to_matter():
    clock = working()  # longest day 7.5 h
    assert clock.min_wall_time(2 * H) == 2 * H
    assert clock.min_wall_time(24 * H) == (24 / 7.5 - 1) * 23 * H  # 50.6 h, not 24 h
    assert Clock().min_wall_time(24 * H) == 24 * H

"""timeline(policy, created_at): the events the configurator widget shows."""

from __future__ import annotations

from salesnb.sla import Policy, default_policies, due_levels, timeline

from .helpers import H, T0


def test_default_invoice_timeline():
    events = timeline(default_policies()["invoice_confirm"], T0, language="en")
    assert [(e.kind, e.level, e.at) for e in events] == [
        ("start", None, T0), ("deadline", None, T0 + 2 * H),
        ("escalation", 1, T0 + 2 * H), ("escalation", 2, T0 + 4 * H), ("escalation", 3, T0 + 8 * H)]
    level1 = events[2]
    assert level1.notify == ("role:finance_manager",) and level1.cc == ("role:sales_director",)
    assert level1.todo_for == "role:finance" and level1.label == "escalation L1" and level1.offset_hours == 2
    assert events[0].to_dict()["at"] == T0.isoformat()


def test_working_hours_timeline_with_warning_repeats_and_holidays():
    policy = Policy.from_dict({
        "node": "contract_approval", "target_hours": 4,
        "calendar": {"mode": "working_hours"},
        "levels": [{"level": 0, "delay_hours": -1, "notify": ["owner"]},
                   {"level": 1, "notify": ["manager"], "repeat_every_hours": 2, "max_repeats": 2}],
    })
    start = T0.replace(month=9, day=30, hour=15)  # Wednesday before 国庆
    events = timeline(policy, start)
    assert [(e.kind, e.repeat_no, e.at.strftime("%m-%d %H:%M")) for e in events] == [
        ("start", 0, "09-30 15:00"),
        ("warning", 0, "09-30 18:00"),   # 3 working hours: 15:00-18:00
        ("deadline", 0, "10-08 10:00"),  # holidays 10-01..07 skipped
        ("escalation", 0, "10-08 10:00"),
        ("repeat", 1, "10-08 12:00"),
        ("repeat", 2, "10-08 15:30"),    # lunch break 12:00-13:30
    ]
    assert all(e.notices == () for e in events)


def test_timeline_with_a_pause_and_the_fallback_notice():
    policy = Policy.from_dict({"node": "n", "target_hours": 2, "calendar": {"mode": "working_hours"},
                               "levels": [{"level": 1, "notify": ["owner"]}]})
    start = T0.replace(year=2026, month=12, day=31, hour=16)
    events = timeline(policy, start, pauses=[(start + H, start + 2 * H)])
    kinds = [e.kind for e in events]
    assert kinds == ["start", "pause", "resume", "deadline", "escalation"]
    # 16:00-17:00 counts, 17:00-18:00 is paused; 2027 is unknown to chinese_calendar: 1 January counts as a Friday
    assert events[-1].at == start.replace(year=2027, month=1, day=1, hour=10)
    assert any("2027" in n for n in events[-1].notices) and events[0].notices == ()
    never = timeline(policy, start, pauses=[(start + H, None)])
    assert never[-1].at is None and never[-1].kind == "escalation"


def test_due_levels_follow_the_timeline():
    policy = default_policies()["lead_first_response"]
    plan = [(e.level, e.at) for e in timeline(policy, T0) if e.kind in ("warning", "escalation")]
    for level, at in plan:
        due = due_levels(policy, T0, at)
        assert due[-1].level.level == level and due[-1].due_at == at
        assert [d.level.level for d in due_levels(policy, T0, at, logged={level: 0})] == []
    # first seen after the deadline: no warning any more, but every missed escalation level
    assert [d.level.level for d in due_levels(policy, T0, T0 + 9 * H)] == [1, 2]
    # a ladder never runs backwards: level 1 missing while level 2 fired stays missing
    assert [d.level.level for d in due_levels(policy, T0, T0 + 9 * H, logged={2: 0})] == []

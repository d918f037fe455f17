"""The escalation app shows when the holiday calendar runs out and edits the team's holidays."""

from datetime import datetime

from salesnb.db import session_scope
from salesnb.sla import default_policies, load_holidays, save_policy
from salesnb.timeutil import local_tz
from salesnb.widgets.escalation import EscalationConfigurator

LATE_2026 = datetime(2026, 11, 27, 9, 0, tzinfo=local_tz())


def test_warns_and_edits_the_next_years_holidays(seeded):
    definition = default_policies()["invoice_confirm"].to_dict()
    definition["calendar"] = {"mode": "working_hours", "chinese_holidays": True}
    with session_scope(seeded) as session:
        save_policy(session, definition)
    w = EscalationConfigurator(seeded, as_of=LATE_2026, node="invoice_confirm")
    assert "2026-12-31" in w.calendar_warning and "2026-12-31" in w.warning_view.value
    w.days_box.value = "2027-02-06 放假 春节<script>\n2027-02-14 上班 春节调休\n# comment\n"
    w.days_button.click()
    assert w.error == ""
    with session_scope(seeded) as session:
        entries = load_holidays(session).entries
    assert [(d.isoformat(), k) for d, k, _ in entries] == [("2027-02-06", "holiday"), ("2027-02-14", "workday")]
    assert w.calendar_warning == "" and w.warning_view.value == ""
    assert "2027-02-14 workday 春节调休" in w.days_box.value
    w.days_box.value = "2027-02-31 放假"
    w.days_button.click()
    assert "第 1 行" in w.error and len(entries) == 2

"""Policies: defaults from docs/design.md, validation, storage and the targets the sla_breach check reads."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from salesnb.db import session_scope
from salesnb.models import AuditLog, SlaPolicy, User
from salesnb.sla import PolicyError, default_policies, get_policy, load_policies, policy_targets, reset_policy, save_policy
from salesnb.timeutil import local_tz

AT = datetime(2026, 11, 2, 9, 0, tzinfo=local_tz())


def test_defaults_match_design():
    policies = default_policies()
    assert {n: p.target for n, p in policies.items()} == {
        "lead_first_response": timedelta(hours=4), "invoice_confirm": timedelta(hours=2),
        "contract_approval": timedelta(hours=24), "claim_review": timedelta(hours=48),
        "shipment_booking": timedelta(hours=24),
    }
    for policy in policies.values():
        assert policy.calendar.mode == "24x7"
        escalations = [lv for lv in policy.levels if not lv.is_warning]
        # levels 1, 2, 3 at 1x, 2x, 4x the target, like the sla_breach check
        assert [policy.offset(lv) / policy.target for lv in escalations] == [1, 2, 4]
    invoice = policies["invoice_confirm"].levels[0]
    assert invoice.notify == ("role:finance_manager",)
    assert invoice.cc == ("role:sales_director",)
    assert invoice.todo_for == "role:finance"
    lead = policies["lead_first_response"]
    assert lead.levels[0].is_warning and lead.offset(lead.levels[0]) == timedelta(hours=3)
    assert lead.levels[1].notify == ("manager",) and lead.levels[1].cc == ("role:sales_director",)
    claim = policies["claim_review"].levels[0]
    assert "role:finance" in claim.notify and "entity_owner" in claim.notify
    assert policies["shipment_booking"].levels[0].notify == ("role:warehouse",)


def test_policy_targets_merge_stored_policies(engine):
    with session_scope(engine) as s:
        targets = policy_targets(s)
    assert targets["invoice_confirm"].target == timedelta(hours=2)
    assert targets["invoice_confirm"].calendar_mode == "24x7"
    assert targets["claim_review"].deadline(AT, 2) == AT + timedelta(hours=96)

    definition = get_policy_dict("invoice_confirm")
    definition["target_hours"] = 3
    definition["calendar"] = {"mode": "working_hours"}
    with session_scope(engine) as s:
        s.add(User(user_id="O1", name="运营甲", role="ops"))
    with session_scope(engine) as s:
        save_policy(s, definition, actor="O1", at=AT)
        save_policy(s, {"node": "quality_check", "target_hours": 8,
                        "levels": [{"level": 1, "notify": ["owner"]}]}, actor="O1", at=AT)
    with session_scope(engine) as s:
        targets = policy_targets(s)
        row = s.get(SlaPolicy, "invoice_confirm")
        audits = s.scalars(select(AuditLog.action).where(AuditLog.entity_type == "sla_policy")).all()
    assert targets["invoice_confirm"].target == timedelta(hours=3)
    assert targets["invoice_confirm"].calendar_mode == "working_hours"
    # Monday 2026-11-02 09:00 + 3 working hours = 12:00; 6 working hours = 16:30 (lunch 12:00-13:30)
    assert targets["invoice_confirm"].deadline(AT) == AT.replace(hour=12)
    assert targets["invoice_confirm"].deadline(AT, 2) == AT.replace(hour=16, minute=30)
    assert targets["quality_check"].target == timedelta(hours=8)
    assert row.version == 1 and row.updated_by == "O1"
    assert audits == ["sla.policy_saved", "sla.policy_saved"]

    with session_scope(engine) as s:
        saved = save_policy(s, {**definition, "enabled": False}, actor="O1", at=AT)
        assert saved.version == 2
    with session_scope(engine) as s:
        assert "invoice_confirm" not in policy_targets(s)
        assert load_policies(s)["invoice_confirm"].enabled is False
        assert reset_policy(s, "invoice_confirm", actor="O1") is True
    with session_scope(engine) as s:
        back = get_policy(s, "invoice_confirm")
    assert back.source == "default" and back.target == timedelta(hours=2)


def get_policy_dict(node: str) -> dict:
    return default_policies()[node].to_dict()


def test_round_trip_keeps_every_field():
    for policy in default_policies().values():
        again = type(policy).from_dict(policy.to_dict(), source="default")
        assert again == policy


@pytest.mark.parametrize("change, message", [
    ({"target_hours": 0}, "target_hours"),
    ({"target_hours": "abc"}, "target_hours"),
    ({"calendar": {"mode": "sometimes"}}, "calendar.mode"),
    ({"calendar": {"mode": "working_hours", "hours": {"mon": [["18:00", "09:00"]]}}}, "calendar.hours.mon[0]"),
    ({"calendar": {"mode": "working_hours", "hours": {"funday": []}}}, "funday"),
    ({"levels": [{"level": 1, "notify": ["role:astronaut"]}]}, "levels[0].notify[0]"),
    ({"levels": [{"level": 1, "notify": []}]}, "levels[0].notify"),
    ({"levels": [{"level": 1, "notify": ["owner"], "delay_hours": 4},
                 {"level": 2, "notify": ["owner"], "delay_hours": 1}]}, "level 2 must come later"),
    ({"levels": [{"level": 0, "notify": ["owner"], "delay_hours": -9}]}, "before the task starts"),
    ({"levels": [{"level": 1, "notify": ["owner"], "max_repeats": 2}]}, "repeat_every_hours"),
    ({"condition": {"field": "amount"}}, "condition_table"),
    ({"colour": "red"}, "unknown policy field"),
])
def test_invalid_definitions_name_the_field(change, message):
    definition = {"node": "x", "target_hours": 2, "levels": [{"level": 1, "notify": ["owner"]}], **change}
    with pytest.raises(PolicyError) as caught:
        type(default_policies()["invoice_confirm"]).from_dict(definition)
    assert message in caught.value.render("en")


def test_invalid_definition_writes_nothing(engine):
    with pytest.raises(PolicyError):
        with session_scope(engine) as s:
            save_policy(s, {"node": "x", "target_hours": -1, "levels": []})
    with session_scope(engine) as s:
        assert s.scalar(select(SlaPolicy.node)) is None
        assert s.scalar(select(AuditLog.id)) is None

"""RuleEditor: conditions against another field, on related records (within N hours), sub-groups, computed
fields; each of the seven built-in checks rebuilt as a stored rule opens, previews and saves unchanged."""

from __future__ import annotations

import json
from pathlib import Path

from salesnb.db import session_scope
from salesnb.rules import get_rule, save_rule
from salesnb.widgets.rule_editor import RuleEditor

from .seed import AS_OF

REBUILT = json.loads((Path(__file__).parents[2] / "docs" / "examples" / "builtin-checks-as-rules.json")
                     .read_text(encoding="utf-8"))


def test_no_related_order_within_hours_of_acceptance(seeded):
    w = RuleEditor(seeded, as_of=AS_OF)
    status = w.add_condition()
    status.field_box.value, status.op_box.value = "status", "eq"
    status.value_controls[0].value = "accepted"
    assert w.match_count == 2  # Q001, Q002
    rel = w.add_related()
    assert "orders" in [v for _l, v in rel.table_box.options]
    rel.table_box.value = "orders"
    rel.key_box.value = "quote_id"
    assert w.rule["all"][1] == {"not_exists": {"table": "orders", "on": {"quote_id": "quote_id"}}}
    assert w.match_count == 1  # Q002 has order O002
    rel.when_box.value = "accepted_at"  # O002 came 18 h after Q002 was accepted
    rel.rel_time_box.value = "created_at"
    rel.amount_box.value, rel.unit_box.value = 12, "hours"
    assert w.rule["all"][1]["not_exists"]["within"] == {"field": "created_at", "of": "accepted_at",
                                                       "offset": {"hours": 12}}
    assert w.match_count == 2
    rel.unit_box.value = "days"
    assert w.match_count == 1
    rel.presence_box.value = "exists"
    assert w.match_count == 1 and "Q002" in w.preview_view.value


def test_compare_with_another_field(seeded):
    w = RuleEditor(seeded, as_of=AS_OF)
    cond = w.add_condition()
    cond.field_box.value, cond.op_box.value = "accepted_at", "gt"
    assert cond.against_box.layout.display == ""
    cond.against_box.value = "field"
    field_box, _plus, amount, unit = cond.value_controls
    field_box.value = "quoted_at"
    amount.value, unit.value = 12, "hours"
    assert w.rule == {"all": [{"field": "accepted_at", "op": "gt",
                               "value": {"field": "quoted_at", "offset": {"hours": 12}}}]}
    assert w.match_count == 1  # Q001 was accepted a day after its quote, Q002 six hours after
    cond.op_box.value = "is_null"
    assert cond.against_box.layout.display == "none"


def test_a_sub_group_and_a_computed_field(seeded):
    w = RuleEditor(seeded, as_of=AS_OF)
    w.table_box.value = "contracts"
    assert "所需交期天数（系统计算）" in [label for label, _v in w.add_condition().field_box.options]
    w.remove_condition(w.rows[0])
    group = w.add_group("any")
    first = group.conditions.add(None)
    first.field_box.value, first.op_box.value = "required_days", "is_null"
    assert w.rule == {"all": [{"any": [{"field": "required_days", "op": "is_null"}]}]}
    assert w.match_count >= 0 and w.problem == "请填写检查名称"


def test_each_rebuilt_builtin_check_opens_and_saves_unchanged(seeded):
    with session_scope(seeded) as s:
        for name, definition in REBUILT.items():
            save_rule(s, f"rebuilt_{name}", definition, kind="check", actor="system")
    w = RuleEditor(seeded, as_of=AS_OF)
    for name, definition in REBUILT.items():
        w.open_item(f"rebuilt_{name}")
        assert w.error == "" and w.table == definition["table"], name
        assert w.rule == definition["rule"], name
        assert w.match_count >= 0, (name, w.problem)
    w.save_button.click()  # the last one opened: a new version keeps its owner and start field
    assert w.error == "", w.error
    with session_scope(seeded) as s:
        last = list(REBUILT)[-1]
        stored = get_rule(s, f"rebuilt_{last}")
        assert stored.version == 2 and stored.definition["rule"] == REBUILT[last]["rule"]
        assert stored.definition["started"] == REBUILT[last]["started"]

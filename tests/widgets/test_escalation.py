"""EscalationConfigurator: edit a node's policy and ladder, see the example timeline, save a version."""

from salesnb.db import session_scope
from salesnb.models import User
from salesnb.sla import get_policy
from salesnb.widgets.escalation import EscalationConfigurator

from .seed import AS_OF, XSS


def test_loads_the_default_policy_and_its_timeline(seeded):
    w = EscalationConfigurator(seeded, as_of=AS_OF, node="lead_first_response")
    assert w.node == "lead_first_response" and w.valid and w.problem == ""
    assert w.target_box.value == 4 and w.mode_box.value == "24x7"
    assert "预警" in w.level_editors[0].title.value
    assert len(w.level_editors) == 4  # warning + L1..L3
    assert w.level_editors[1].notify.value == ["负责人的主管"]
    assert w.level_editors[1].cc.value == ["角色：销售总监"]
    kinds = [(e["kind"], e["at"][:16]) for e in w.events]
    assert kinds[:4] == [("start", "2026-03-16T10:00"), ("warning", "2026-03-16T13:00"),
                         ("deadline", "2026-03-16T14:00"), ("escalation", "2026-03-16T14:00")]
    assert w.events[3]["notify"] == ["负责人的主管"] and w.events[3]["todo_for"] == "任务负责人"
    assert "升级 L3" in w.timeline_view.value and "待办：任务负责人" in w.timeline_view.value


def test_working_hours_shift_the_timeline(seeded):
    w = EscalationConfigurator(seeded, as_of=AS_OF, node="lead_first_response")
    w.example_box.value = "2026-03-13 16:00"  # a Friday afternoon
    w.mode_box.value = "working_hours"
    assert w.holidays_box.layout.display == ""
    deadline = next(e for e in w.events if e["kind"] == "deadline")
    assert deadline["at"].startswith("2026-03-16T11:00")  # 2 h on Friday, 2 h on Monday morning


def test_edit_ladder_and_save_a_new_version(seeded):
    w = EscalationConfigurator(seeded, as_of=AS_OF, node="invoice_confirm")
    w.target_box.value = 3
    editor = w.add_level()
    assert [e.delay.value for e in w.level_editors][-1] == 9.0  # one target (3 h) after the last level (6 h)
    editor.notify.value = ["角色：运营", "员工：王芳（F01）"]
    editor.todo.value = "user:F01"
    assert w.valid
    w.save_button.click()
    assert w.error == "" and w.notice == "节点 发票确认 的策略已保存（第 1 版）"
    with session_scope(seeded) as s:
        policy = get_policy(s, "invoice_confirm")
    assert policy.source == "stored" and policy.version == 1 and policy.target.total_seconds() == 3 * 3600
    assert [lv.level for lv in policy.levels] == [1, 2, 3, 4]
    assert policy.levels[-1].notify == ("role:ops", "user:F01") and policy.levels[-1].todo_for == "user:F01"
    assert w.reset_button.layout.display == "" and "已保存第 1 版" in w.version_view.value


def test_a_level_without_recipients_cannot_be_saved(seeded):
    w = EscalationConfigurator(seeded, as_of=AS_OF, node="claim_review")
    w.level_editors[0].notify.value = []
    assert not w.valid and "第 1 级至少要通知一个人" in w.problem and w.save_button.disabled
    assert "设置有误" in w.timeline_view.value
    w.safely(w.save)()
    assert "第 1 级至少要通知一个人" in w.error
    with session_scope(seeded) as s:
        assert get_policy(s, "claim_review").source == "default"


def test_removing_and_resetting(seeded):
    w = EscalationConfigurator(seeded, as_of=AS_OF, node="contract_approval")
    w.level_editors[-1].remove.click()
    assert len(w.level_editors) == 2 and w.valid
    w.save_button.click()
    with session_scope(seeded) as s:
        assert len(get_policy(s, "contract_approval").levels) == 2
    w.reset_button.click()
    assert w.notice == "节点 contract_approval 已恢复默认策略" and len(w.level_editors) == 3
    with session_scope(seeded) as s:
        assert get_policy(s, "contract_approval").source == "default"


def test_bad_example_time_and_escaped_names(seeded):
    with session_scope(seeded) as s:
        s.add(User(user_id="X01", name=XSS, role="ops"))
    w = EscalationConfigurator(seeded, as_of=AS_OF, node="lead_first_response")
    w.example_box.value = "下周一"
    assert not w.valid and "示例开始时间无法识别" in w.problem
    w.example_box.value = "2026-03-16 09:00"
    assert w.valid
    w.level_editors[1].notify.value = [f"员工：{XSS}（X01）"]
    w.name_box.value = XSS
    assert w.definition["levels"][1]["notify"] == ["user:X01"]
    assert "&lt;img src=x onerror=alert(1)&gt;（X01）" in w.timeline_view.value
    assert "<img" not in w.timeline_view.value

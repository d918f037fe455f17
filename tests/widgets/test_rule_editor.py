"""RuleEditor: build conditions with drop-downs, live preview counts, save a check version or a scorecard version."""

from salesnb.db import session_scope
from salesnb.models import Rule
from salesnb.rules import get_rule
from salesnb.scorecards import get_scorecard
from salesnb.widgets.rule_editor import RuleEditor

from .seed import AS_OF, XSS


def set_condition(cond, field, op, *values):
    cond.field_box.value = field
    cond.op_box.value = op
    controls = [c for c in cond.value_controls if c.__class__.__name__ != "HTML"]
    for control, value in zip(controls, values):
        control.value = value


def test_build_a_check_and_watch_the_preview(seeded):
    w = RuleEditor(seeded, as_of=AS_OF)
    assert w.purpose == "check" and w.table == "quotes"
    assert w.problem == "至少添加一个条件" and w.save_button.disabled and w.match_count == -1
    cond = w.add_condition()
    set_condition(cond, "status", "eq", "accepted")
    assert [label for label, _v in cond.value_controls[0].options][:3] == ["草稿", "已报价", "已接受"]
    assert w.rule == {"all": [{"field": "status", "op": "eq", "value": "accepted"}]}
    assert (w.match_count, w.total) == (2, 3)
    assert "当前命中 2 条（共 3 条）" in w.preview_view.value and "Q001" in w.preview_view.value
    amount = w.add_condition()
    set_condition(amount, "amount", "ge", "100000")
    assert w.match_count == 1
    w.match_box.value = "any"
    assert w.match_count == 2
    w.match_box.value = "at_least"
    w.at_least_box.value = 2
    assert w.rule["at_least"] == 2 and w.match_count == 1
    assert w.problem == "请填写检查名称" and w.save_button.disabled
    w.name_box.value = "大额报价已接受"
    assert not w.save_button.disabled
    w.save_button.click()
    assert w.error == "" and w.notice.startswith("检查“大额报价已接受”已保存（custom_quotes_1 第 1 版）")
    with session_scope(seeded) as s:
        stored = get_rule(s, "custom_quotes_1")
        assert stored.kind == "check" and stored.definition["table"] == "quotes"
        assert stored.definition["rule"] == {"at_least": 2, "of": [
            {"field": "status", "op": "eq", "value": "accepted"},
            {"field": "amount", "op": "ge", "value": 100000.0}]}
        assert stored.definition["title"]["zh-CN"] == "大额报价已接受"
    w.remove_condition(amount)
    w.save_button.click()
    with session_scope(seeded) as s:
        assert [r.version for r in s.query(Rule).filter_by(name="custom_quotes_1")] == [1, 2]
    again = RuleEditor(seeded, as_of=AS_OF)
    again.open_item("custom_quotes_1")  # a link's ?item= opens the stored rule
    assert again.open_box.value == "custom_quotes_1" and again.name_box.value == "大额报价已接受"


def test_relative_time_condition(seeded):
    w = RuleEditor(seeded, as_of=AS_OF)
    cond = w.add_condition()
    set_condition(cond, "accepted_at", "le", 48, "hours", -1)
    assert w.rule == {"all": [{"field": "accepted_at", "op": "le",
                               "value": {"as_of": True, "offset": {"hours": -48}}}]}
    assert w.match_count == 2  # accepted on 03-12 and 03-11, as of 03-16 10:00
    set_condition(cond, "accepted_at", "le", 100, "hours", -1)  # before 03-12 06:00
    assert w.match_count == 1


def test_incomplete_values_are_explained(seeded):
    w = RuleEditor(seeded, as_of=AS_OF)
    cond = w.add_condition()
    set_condition(cond, "amount", "gt", "")
    assert w.problem == "第 1 个条件还没有填写比较的值"
    set_condition(cond, "amount", "gt", "很多")
    assert w.problem == "第 1 个条件的值不是数字：很多" and w.save_button.disabled


def test_open_a_stored_check(seeded):
    w = RuleEditor(seeded, as_of=AS_OF)
    w.table_box.value = "orders"
    set_condition(w.add_condition(), "status", "in", ["已发货", "已签收"])
    w.name_box.value = "已发货订单"
    w.save_button.click()
    other = RuleEditor(seeded, as_of=AS_OF)
    assert ("已发货订单（custom_orders_1 v1）", "custom_orders_1") in other.open_box.options
    other.open_box.value = "custom_orders_1"
    assert other.table == "orders" and other.name_box.value == "已发货订单"
    assert list(other.rows[0].value_controls[0].value) == ["已发货", "已签收"]
    assert other.rule == {"all": [{"field": "status", "op": "in", "value": ["shipped", "delivered"]}]}
    assert other.match_count == 1


def test_edit_a_scorecard_grading_rule(seeded):
    w = RuleEditor(seeded, as_of=AS_OF, purpose="grade")
    assert w.grade == "A" and len(w.rows) == 3 and w.match_box.value == "all"
    freq = w.rows[2]
    assert freq.field_box.value == "purchase_freq_per_month" and freq.op_box.value == "ge"
    assert freq.value_controls[0].value == 2
    assert (w.match_count, w.total) == (1, 3)  # L002: budget, date, 3/month
    freq.value_controls[0].value = 4
    assert w.match_count == 0
    w.save_button.click()
    assert w.notice.startswith("评分卡已保存为第 2 版")
    with session_scope(seeded) as s:
        card = get_scorecard(s)
    assert card.version == 2
    assert card.grade({"budget_provided": True, "delivery_date_specified": True, "purchase_freq_per_month": 3}) == "B"
    assert card.grade({"budget_provided": True, "delivery_date_specified": True, "purchase_freq_per_month": 4}) == "A"


def test_sample_values_are_escaped(seeded):
    w = RuleEditor(seeded, as_of=AS_OF, table="leads")
    set_condition(w.add_condition(), "source", "not_empty")
    assert w.match_count == 3
    assert "<img" not in w.preview_view.value and "&lt;img src=x onerror=alert(1)&gt;" in w.preview_view.value
    assert XSS not in w.preview_view.value

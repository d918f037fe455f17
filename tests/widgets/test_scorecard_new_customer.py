"""A rep creates a new customer and lead in the scorecard app: Save waits for the whole card; the SLA clock starts."""

from __future__ import annotations

from sqlalchemy import func, select

from salesnb.db import session_scope
from salesnb.models import AuditLog, Customer, Lead, Task
from salesnb.widgets.scorecard import ScorecardForm

from .seed import AS_OF


def customers(engine) -> int:
    with session_scope(engine) as s:
        return s.scalar(select(func.count()).select_from(Customer))


def test_a_new_customer_and_lead_saved_only_with_a_complete_card(seeded):
    w = ScorecardForm(seeded, actor="U01", as_of=AS_OF)
    w.customer_search.value = "苏州新客户机电"
    assert w.customer_picker.options == () or list(w.customer_picker.options) == []
    assert w.new_customer_button.layout.display == "" and "苏州新客户机电" in w.new_customer_button.description
    w.new_customer_button.click()
    assert w.new_customer_name == "苏州新客户机电" and w.customer_id == ""
    assert "将新建客户" in w.customer_chosen.value
    w.owner_box.value = "U01"
    w.region_box.value = "华东"
    assert w.save_button.disabled and "是否提供预算" in w.missing and "客户" not in w.missing
    w.set_answer("budget_provided", True)
    w.set_answer("delivery_date_specified", False)
    assert w.save_button.disabled  # 未完成不得保存
    w.safely(w.save)()  # even a direct call is refused by the library, and nothing is written
    assert "评分卡未填写完整" in w.error and "近3个月采购频次" in w.error
    assert customers(seeded) == 4
    w.set_answer("purchase_freq_per_month", 1)
    assert not w.save_button.disabled
    w.save_button.click()
    assert w.error == "" and "L20260316-001" in w.notice
    with session_scope(seeded) as s:
        customer = s.scalars(select(Customer).where(Customer.name == "苏州新客户机电")).one()
        assert (customer.customer_id, customer.region, customer.owner_id) == ("C20260316-001", "华东", "U01")
        lead = s.get(Lead, "L20260316-001")
        assert lead.customer_id == customer.customer_id and lead.owner_id == "U01" and lead.grade
        task = s.get(Task, "lead_first_response:L20260316-001")
        assert (task.node, task.owner_id, task.created_at, task.done_at) == ("lead_first_response", "U01", AS_OF, None)
        assert s.scalars(select(AuditLog.actor).where(AuditLog.action == "customer.create")).one() == "U01"


def test_a_known_name_offers_no_new_customer_and_a_duplicate_is_refused(seeded):
    w = ScorecardForm(seeded, actor="U01", as_of=AS_OF)
    w.customer_search.value = "北京中科仪器"
    assert w.new_customer_button.layout.display == "none"
    w.customer_search.value = "北京中科仪器 "  # the same name with a space: still the same customer
    assert w.new_customer_button.layout.display == "none"


def test_a_new_lead_of_a_known_customer_starts_its_first_response_task(seeded):
    w = ScorecardForm(seeded, actor="U01", as_of=AS_OF)
    w.customer_search.value = "华电"
    w.customer_picker.value = "C001"
    w.owner_box.value = "U01"
    for name, value in (("budget_provided", True), ("delivery_date_specified", True), ("purchase_freq_per_month", 3)):
        w.set_answer(name, value)
    w.save_button.click()
    assert w.error == ""
    with session_scope(seeded) as s:
        assert s.get(Task, "lead_first_response:L20260316-001").owner_id == "U01"
        assert customers(seeded) == 4

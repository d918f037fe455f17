"""ScorecardForm: required fields gate Save, grading on save, what A triggers, editing a lead."""

from sqlalchemy import select

from salesnb.db import session_scope
from salesnb.models import Lead, LeadScore, OutboxMessage, PriorityPoolEntry
from salesnb.widgets.scorecard import ScorecardForm

from .seed import AS_OF, XSS


def fill_new(w, customer="C001", owner="U01", budget=True, date=True, freq=3):
    w.customer_search.value = "华电"
    assert w.customer_picker.options[0][1] == customer
    w.customer_picker.value = customer
    w.owner_box.value = owner
    for name, value in (("budget_provided", budget), ("delivery_date_specified", date),
                        ("purchase_freq_per_month", freq)):
        if value is not None:
            w.set_answer(name, value)


def test_save_disabled_until_required_fields_are_filled(seeded):
    w = ScorecardForm(seeded, as_of=AS_OF)
    assert w.mode == "new" and w.lead_id == "L20260316-001"
    assert w.save_button.disabled and not w.can_save
    assert w.missing == ["客户", "负责销售", "是否提供预算", "是否明确交期", "近3个月采购频次（次/月）"]
    assert "还需填写：客户、负责销售、是否提供预算" in w.status_view.value
    fill_new(w, freq=None)
    assert w.customer_id == "C001" and w.region_box.value == "华东"
    assert w.missing == ["近3个月采购频次（次/月）"] and w.save_button.disabled
    w.set_answer("purchase_freq_per_month", 2)
    assert w.missing == [] and w.can_save and not w.save_button.disabled
    assert "已填写完整" in w.status_view.value
    w.set_answer("budget_provided", None)
    assert w.missing == ["是否提供预算"] and w.save_button.disabled


def test_grade_a_notifies_the_manager_and_enters_the_pool(seeded):
    w = ScorecardForm(seeded, as_of=AS_OF)
    fill_new(w)
    w.source_box.value = "展会"
    w.save_button.click()
    assert w.error == "" and w.notice == "线索 L20260316-001 已保存，评为 A 级"
    assert w.grade == "A"
    assert w.triggered == ["已通知主管 陈经理（M01）", "已加入“新品优先体验池”"]
    assert ">A</span>" in w.result_view.value
    assert w.mode == "edit" and w.lead_id_box.disabled
    with session_scope(seeded) as s:
        lead = s.get(Lead, "L20260316-001")
        assert (lead.customer_id, lead.owner_id, lead.region, lead.source) == ("C001", "U01", "华东", "展会")
        assert (lead.budget_provided, lead.delivery_date_specified, lead.purchase_freq_per_month) == (True, True, 3.0)
        assert lead.grade == "A" and lead.created_at == AS_OF
        assert s.scalar(select(PriorityPoolEntry.lead_id)) == "L20260316-001"
        assert s.scalar(select(OutboxMessage.recipients).where(OutboxMessage.entity_id == "L20260316-001")) == ["M01"]


def test_grade_c_triggers_nothing(seeded):
    w = ScorecardForm(seeded, as_of=AS_OF)
    fill_new(w, budget=False, date=False, freq=0)
    w.save_button.click()
    assert w.grade == "C" and w.triggered == ["该评级不触发通知"]
    with session_scope(seeded) as s:
        assert s.scalar(select(PriorityPoolEntry.id)) is None


def test_edit_an_existing_lead(seeded):
    w = ScorecardForm(seeded, as_of=AS_OF)
    w.mode_box.value = "edit"
    assert w.finder.layout.display == "" and w.lead_id == ""
    w.lead_search.value = "L002"
    assert [v for _l, v in w.lead_picker.options] == ["L002"]
    w.lead_picker.value = "L002"
    assert w.customer_id == "C002" and w.owner_id == "U02"
    assert w.answers == {"budget_provided": True, "delivery_date_specified": True, "purchase_freq_per_month": 3,
                         "inquiry_type": "tender"}
    assert w.can_save
    w.set_answer("purchase_freq_per_month", 1)
    w.save_button.click()
    assert w.grade == "B" and w.triggered == ["该评级不触发通知"]
    with session_scope(seeded) as s:
        assert s.get(Lead, "L002").purchase_freq_per_month == 1.0
        assert s.scalars(select(LeadScore.grade).where(LeadScore.lead_id == "L002")).all() == ["B"]


def test_incomplete_lead_in_edit_mode_cannot_be_saved(seeded):
    w = ScorecardForm(seeded, as_of=AS_OF)
    w.load("L001")
    assert w.mode == "edit" and not w.can_save and "是否提供预算" in w.missing
    w.safely(w.save)()  # even if Save were clicked, the library refuses an incomplete card
    assert "缺少必填项「是否提供预算」" in w.error and w.grade == ""
    with session_scope(seeded) as s:
        assert s.get(Lead, "L001").grade is None


def test_xss_customer_and_source_are_escaped(seeded):
    w = ScorecardForm(seeded, as_of=AS_OF)
    w.load("L003")
    assert "<img" not in w.customer_chosen.value and "&lt;img" in w.customer_chosen.value
    assert w.source_box.value == XSS  # a text box shows it as text
    w.set_answer("budget_provided", True)
    w.set_answer("delivery_date_specified", False)
    w.set_answer("purchase_freq_per_month", 0)
    w.save_button.click()
    assert w.grade == "B" and "<img" not in w.result_view.value


def test_english_labels(seeded):
    from salesnb.i18n import set_language

    set_language("en")
    w = ScorecardForm(seeded, as_of=AS_OF)
    assert w.missing[:2] == ["Customer", "Sales rep"] and "Budget provided" in w.missing


def test_a_link_opens_a_lead_the_person_sees(seeded):
    rep = ScorecardForm(seeded, as_of=AS_OF, actor="U02")
    rep.lead_search.value = "L00"
    assert [v for _l, v in rep.lead_picker.options] == ["L002"]  # U01's leads are not offered
    rep.open_item("L001")
    assert rep.lead_id != "L001" and rep.error  # another rep's lead does not open
    rep.open_item("L002")
    assert rep.mode == "edit" and rep.lead_id == "L002" and rep.customer_id == "C002"

"""A Q&A record added from the customer card: stored with who added it, and on the card at once and on next lookup."""

from __future__ import annotations

from sqlalchemy import select

from salesnb.db import session_scope
from salesnb.models import AuditLog, Interaction
from salesnb.widgets.customer_card import CustomerCard

from .seed import AS_OF, XSS


def test_add_a_qa_record_and_find_it_on_the_next_lookup(seeded):
    w = CustomerCard(seeded, actor="U01", as_of=AS_OF)
    assert w.qa_form.layout.display == "none"  # no customer yet
    w.select("C001")
    assert w.qa_form.layout.display == ""
    w.qa_button.click()
    assert "至少填写" in w.error
    w.qa_channel.value = "微信"
    w.qa_question.value = "是否支持 IEC 60076 标准？"
    w.qa_materials.value = "型式试验报告、<b>认证</b>"
    w.qa_engineer.value = "孙工"
    w.qa_button.click()
    assert w.error == "" and "添加问答记录 I20260316-001" in w.notice
    assert "是否支持 IEC 60076 标准？" in w.card_view.value and "&lt;b&gt;认证&lt;/b&gt;" in w.card_view.value
    assert w.qa_question.value == ""
    with session_scope(seeded) as s:
        row = s.get(Interaction, "I20260316-001")
        assert (row.customer_id, row.channel, row.engineer, row.at) == ("C001", "微信", "孙工", AS_OF)
        assert s.scalars(select(AuditLog.actor).where(AuditLog.action == "interaction.add")).one() == "U01"

    again = CustomerCard(seeded, actor="D01", as_of=AS_OF)  # the next lookup, by someone else
    again.search_box.value = "huadian"
    again.picker.value = "C001"
    assert again.card.interactions[0]["question"] == "是否支持 IEC 60076 标准？"
    assert "孙工（1 次）" in again.card_view.value and "型式试验报告" in again.card.materials


def test_only_those_who_may_add_see_the_form(seeded):
    other = CustomerCard(seeded, actor="U02", as_of=AS_OF)  # C003 is U01's customer
    other.select("C003")
    assert other.qa_form.layout.display == "none"
    assert XSS not in other.card_view.value  # escaped as ever

"""MyWork (我的待办): one card per item with its action; the actions are the library's."""

from __future__ import annotations

import pytest

from salesnb.db import session_scope
from salesnb.models import Contract, PaymentClaim, Task
from salesnb.widgets.my_work import MyWork

from ..test_work import add_work
from .seed import AS_OF


@pytest.fixture
def work(seeded):
    add_work(seeded)
    return seeded


def test_a_rep_closes_a_to_do(work):
    w = MyWork(work, as_of=AS_OF, actor="U01")
    assert w.items[0] == "task:T1" and w.count == 3
    card = w.cards["task:T1"].children[0].value
    assert 'href="scorecard.ipynb?item=L001"' in card and "线索 L001 首次响应" in card
    assert set(w.buttons["task:T1"]) == {"done"} and w.buttons["finding:1"] == {}
    w.buttons["task:T1"]["done"].click()
    assert w.error == "" and w.notice == "待办 T1 已完成" and "task:T1" not in w.items
    with session_scope(work) as s:
        assert s.get(Task, "T1").done_at is not None


def test_a_manager_approves_from_my_work(work):
    w = MyWork(work, as_of=AS_OF, actor="M01")
    assert [k for k in w.items if k.startswith("contract:")] == ["contract:K001"]
    w.open_item("K001")
    assert w.selected == "contract:K001" and "snb-work-selected" in w.cards["contract:K001"]._dom_classes
    w.buttons["contract:K001"]["approve"].click()
    assert w.error == "" and w.notice == "合同 K001 已审批通过"
    with session_scope(work) as s:
        assert s.get(Contract, "K001").status == "approved"


def test_a_director_rejects_with_a_reason(work):
    w = MyWork(work, as_of=AS_OF, actor="D01")
    card = w.buttons["contract:K001"]
    assert set(card) == {"approve", "reason", "reject"}
    card["reject"].click()
    assert w.error == "请先填写驳回原因"
    card["reason"].value = "价格需重新谈"
    card["reject"].click()
    assert w.notice == "合同 K001 已驳回" and "contract:K001" not in w.items
    with session_scope(work) as s:
        assert s.get(Contract, "K001").status == "rejected"


def test_finance_reviews_a_claim_in_english(work):
    from salesnb.i18n import set_language

    set_language("en")
    w = MyWork(work, as_of=AS_OF, actor="F01")
    assert w.items == ["claim:PC001"] and "Payment claims to review (1)" in w.list.children[0].value
    w.buttons["claim:PC001"]["reject"].click()
    assert w.error == "Please give a reason for rejecting first"
    w.buttons["claim:PC001"]["reason"].value = "金额不符"
    w.buttons["claim:PC001"]["reject"].click()
    assert w.notice == "Payment claim PC001 rejected" and w.items == []
    assert "Nothing waits for you" in w.summary.value
    with session_scope(work) as s:
        assert s.get(PaymentClaim, "PC001").status == "rejected"

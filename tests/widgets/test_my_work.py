"""MyWork (我的待办): one card per item with its action; the actions are the library's."""

from __future__ import annotations

from html import unescape

import pytest
from sqlalchemy import select

from salesnb.db import session_scope
from salesnb.models import AuditLog, Contract, PaymentClaim, Task, TaskNote, User
from salesnb.widgets.my_work import MyWork

from ..test_work import add_work
from .seed import AS_OF, at


@pytest.fixture
def work(seeded):
    add_work(seeded)
    return seeded


def test_a_rep_closes_a_to_do(work):
    w = MyWork(work, as_of=AS_OF, actor="U01")
    assert w.items[0] == "task:T1" and w.count == 3
    card = w.cards["task:T1"].children[0].value
    assert 'href="scorecard.ipynb?item=L001"' in card and "线索 L001 首次响应" in card
    assert set(w.buttons["task:T1"]) == {"note", "add_note", "done"} and w.buttons["finding:1"] == {}
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


def test_a_rep_adds_a_note_to_a_to_do(work):
    w = MyWork(work, as_of=AS_OF, actor="U01")
    assert set(w.buttons["task:T1"]) == {"note", "add_note", "done"}
    assert w.team_box.children == () and w.team_items == []  # a rep hands out no work
    w.buttons["task:T1"]["add_note"].click()
    assert w.error == "备注不能为空"
    w.buttons["task:T1"]["note"].value = "客户要 <b>样品</b>，已寄出"
    w.buttons["task:T1"]["add_note"].click()
    assert w.error == "" and w.notice == "已给待办 T1 添加备注"
    card = w.cards["task:T1"].children[0].value
    assert "张伟：客户要 &lt;b&gt;样品&lt;/b&gt;，已寄出" in card and "<b>样品" not in card  # escaped
    assert w.buttons["task:T1"]["note"].value == ""  # a fresh card
    with session_scope(work) as s:
        note = s.scalar(select(TaskNote))
        assert (note.task_id, note.author_id, note.text) == ("T1", "U01", "客户要 <b>样品</b>，已寄出")


def test_a_manager_pages_through_the_teams_to_dos_and_reassigns_one(work):
    with session_scope(work) as s:
        s.add(User(user_id="U03", name="王强", role="sales", manager_id="M01", region="华东"))
        s.add_all([Task(task_id=f"TU{k}", node="quote_followup", entity_type="quote", entity_id="Q001",
                        owner_id="U03", created_at=at(14, 9, k)) for k in range(3)])
    w = MyWork(work, as_of=AS_OF, actor="M01", team_size=2)
    assert w.team_items == ["team:T1", "team:TU0"] and w.team_total == 4
    assert "我团队的待办（4）" in w.team_box.children[0].value
    assert "处理人 张伟" in w.cards["team:T1"].children[0].value
    assert set(w.buttons["team:T1"]) == {"note", "add_note", "to", "reassign"}
    assert [v for _, v in w.buttons["team:T1"]["to"].options] == ["", "U03"]  # their people, not the holder
    assert w.previous_button.disabled and not w.next_button.disabled
    w.next_button.click()
    assert w.team_items == ["team:TU1", "team:TU2"] and w.next_button.disabled and w.team_offset == 2
    with session_scope(work) as s:  # meanwhile both to-dos of the last page are closed
        for task_id in ("TU1", "TU2"):
            s.get(Task, task_id).done_at = AS_OF
    w.refresh()
    assert w.team_items == ["team:T1", "team:TU0"] and w.team_offset == 0 and w.team_total == 2
    assert w.next_button.disabled and not any(k.startswith("team:TU1") for k in w.cards)
    w.buttons["team:T1"]["reassign"].click()
    assert w.error == "请先选择转派给谁"
    w.buttons["team:T1"]["to"].value = "U03"
    w.buttons["team:T1"]["reassign"].click()
    assert w.error == "" and w.notice == "待办 T1 已转派给 王强"
    assert "team:T1" in w.team_items and "处理人 王强" in w.cards["team:T1"].children[0].value
    with session_scope(work) as s:
        assert s.get(Task, "T1").owner_id == "U03"
        assert s.scalar(select(AuditLog.actor).where(AuditLog.action == "task.reassign")) == "M01"
    w.buttons["team:TU0"]["note"].value = "先处理 TU0"
    w.buttons["team:TU0"]["add_note"].click()
    assert w.notice == "已给待办 TU0 添加备注" and "陈经理：先处理 TU0" in w.cards["team:TU0"].children[0].value


def test_the_team_view_in_english(work, english):
    w = MyWork(work, as_of=AS_OF, actor="M01")
    assert "My team's to-dos (1)" in unescape(w.team_box.children[0].value)
    assert "1–1 of 1" in w.team_box.children[-1].children[1].value
    assert w.buttons["team:T1"]["reassign"].description == "Reassign"


def test_a_long_section_draws_its_first_cards_and_more_on_request(work):
    with session_scope(work) as s:
        s.add_all([Task(task_id=f"X{n:02d}", node="lead_first_response", entity_type="lead", entity_id=f"LX{n:02d}",
                        owner_id="U01", created_at=at(1, 8, n)) for n in range(12)])
    w = MyWork(work, as_of=AS_OF, actor="U01", section_size=5)
    tasks = [k for k in w.cards if k.startswith("task:")]
    assert len(tasks) == 5 and w.count >= 14  # every item counted, five drawn
    more = [c for c in w.list.children if "snb-work-more-task" in c._dom_classes]
    assert len(more) == 1 and "再显示 5 项" in more[0].description
    more[0].click()
    assert w.error == "" and len([k for k in w.cards if k.startswith("task:")]) == 10
    w.open_item("LX11")  # a link to an item further down draws the section down to it, highlighted
    assert "snb-work-selected" in w.cards["task:X11"]._dom_classes


def test_cards_share_their_layout_and_style_models(work):
    """Each card's widgets use the page's few shared layouts and styles: a page of cards loads fewer models."""
    w = MyWork(work, as_of=AS_OF, actor="D01")
    parts = [part for card in w.cards.values() for part in (card, *card.children)]
    parts += [control for actions in w.buttons.values() for control in actions.values()]
    assert len(parts) > 10
    layouts = {id(part.layout) for part in parts}
    styles = {id(part.style) for part in parts if hasattr(part, "style")}
    assert len(layouts) <= 3 and len(styles) <= 4

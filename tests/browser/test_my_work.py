"""My work in the browser: a rep closes a to-do and its escalation stops; a manager notes and reassigns a team to-do.

The module adds its own to-dos (of the rep U01, first-response ones past their 4-hour target) and a second rep
under M01, and removes them, with everything the escalation scan wrote about them, afterwards.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import delete, select

from salesnb.db import make_engine, session_scope
from salesnb.models import AuditLog, EscalationLog, EscalationRecipient, OutboxMessage, Task, TaskNote, User
from salesnb.sla import escalate

from ..widgets.seed import AS_OF, at
from .helpers import pick_option

TASKS = {  # task id → (title, created): the first two are 5 hours old at AS_OF, past the 4-hour target
    "TB-CLOSE": ("回复上海华电的首次询价", at(16, 5)),
    "TB-OPEN": ("回复北京中科的首次询价", at(16, 5)),
    "TB-MOVE": ("给上海华电寄送样品", at(16, 8)),
}


@pytest.fixture(scope="module")
def to_dos(server):
    engine = make_engine(server.db_url)
    with session_scope(engine) as s:
        s.add(User(user_id="U03", name="王强", role="sales", manager_id="M01", region="华东"))
        for task_id, (title, created) in TASKS.items():
            s.add(Task(task_id=task_id, node="lead_first_response", entity_type="lead", entity_id="L001",
                       owner_id="U01", created_at=created, title=title))
    yield engine
    ids = list(TASKS)
    with session_scope(engine) as s:
        todos = list(s.scalars(select(Task.task_id).where(Task.entity_type == "task", Task.entity_id.in_(ids))))
        rungs = select(EscalationLog.id).where(EscalationLog.task_id.in_(ids)).scalar_subquery()
        s.execute(delete(EscalationRecipient).where(EscalationRecipient.log_id.in_(rungs)))
        for model, column in ((EscalationLog, EscalationLog.task_id), (OutboxMessage, OutboxMessage.entity_id),
                              (AuditLog, AuditLog.entity_id), (TaskNote, TaskNote.task_id),
                              (Task, Task.entity_id), (Task, Task.task_id)):
            s.execute(delete(model).where(column.in_([*ids, *todos])))
        s.execute(delete(User).where(User.user_id == "U03"))
    engine.dispose()


def test_a_closed_to_do_leaves_my_work_and_its_escalation_stops(app_page, to_dos):
    app_page.sign_in("U01")
    page = app_page.open("my_work")
    card = page.locator(".snb-work-task", has_text="回复上海华电的首次询价")
    card.locator("button.snb-work-done").click()
    expect(page.locator(".snb-banner .snb-msg.snb-good")).to_contain_text("待办 TB-CLOSE 已完成")
    expect(card).to_have_count(0)
    expect(page.locator(".snb-work-task", has_text="回复北京中科的首次询价")).to_be_visible()
    app_page.screenshot("my_work_closed")

    report = escalate(to_dos, AS_OF, nodes=["lead_first_response"])  # the scan that runs every minute
    with session_scope(to_dos) as s:
        queued = set(s.scalars(select(OutboxMessage.entity_id).where(OutboxMessage.event_type == "sla_escalation")))
        assert s.get(Task, "TB-CLOSE").done_at is not None
    assert "TB-OPEN" in queued and "TB-CLOSE" not in queued  # the open one escalates, the closed one does not
    assert report.fired >= 1 and app_page.errors == []


def test_a_manager_notes_and_reassigns_a_team_to_do(app_page, to_dos):
    app_page.sign_in("M01")
    page = app_page.open("my_work")
    card = page.locator(".snb-work-team-task", has_text="给上海华电寄送样品")
    expect(card).to_contain_text("处理人 张伟")
    card.locator(".snb-work-note input").fill("客户周五前要样品，请王强接手")
    card.locator("button.snb-work-add_note").click()
    expect(page.locator(".snb-banner .snb-msg.snb-good")).to_contain_text("已给待办 TB-MOVE 添加备注")
    expect(card).to_contain_text("陈经理：客户周五前要样品，请王强接手")
    pick_option(page, ".snb-work-team-task:has-text('给上海华电寄送样品') .snb-work-reassign-to select", "王强")
    app_page.screenshot("my_work_team")
    card.locator("button.snb-work-reassign").click()
    expect(page.locator(".snb-banner .snb-msg.snb-good")).to_contain_text("待办 TB-MOVE 已转派给 王强")
    expect(card).to_contain_text("处理人 王强")
    with session_scope(to_dos) as s:
        assert s.get(Task, "TB-MOVE").owner_id == "U03"
        assert s.scalar(select(AuditLog.actor).where(AuditLog.action == "task.reassign",
                                                     AuditLog.entity_id == "TB-MOVE")) == "M01"
    app_page.screenshot("my_work_reassigned")
    assert app_page.errors == []

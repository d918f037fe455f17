"""Submit → feasibility → pending approval / frozen; approve, reject, edit; three strikes; audit."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from docx import Document
from sqlalchemy import func, select

from salesnb.contracts import approve, describe, edit, get_attachment, reject, submit
from salesnb.db import session_scope
from salesnb.errors import PermissionDenied, SalesnbError
from salesnb.models import AuditLog, Contract, ContractSubmission, OutboxMessage, Task
from salesnb.notify.recipients import load_attachments

from .helpers import SUBMIT_AT, seed


def docx_text(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(parts)


def test_feasible_submission_waits_for_approval_with_a_guarantee_document(engine):
    seed(engine)
    with session_scope(engine) as s:
        result = submit(s, "K1", actor="U1", at=SUBMIT_AT)
    assert result.feasible and result.status == "pending_approval" and result.attachment_id
    with session_scope(engine) as s:
        contract = s.get(Contract, "K1")
        assert contract.status == "pending_approval" and contract.frozen_reason is None
        assert contract.submitted_at == SUBMIT_AT
        attachment = get_attachment(s, "K1")
        text = docx_text(attachment.content)
        task = s.scalar(select(Task).where(Task.node == "contract_approval"))
        message = s.scalar(select(OutboxMessage).where(OutboxMessage.event_type == "contract_submitted"))
        assert s.scalar(select(func.count()).select_from(ContractSubmission)) == 1
    assert attachment.filename.endswith(".docx") and attachment.kind == "delivery_guarantee"
    for expected in ("交付保障书", "K1", "上海某某贸易有限公司", "产品线 | P", "数量 | 10",
                     "承诺交期 | 8 天（2026年3月10日前交付）", "排产日期 | 2026年3月7日",
                     "顺丰，发往华东，在途 3 天", "预计交付日期 | 2026年3月10日", "签发人：李销售"):
        assert expected in text, expected
    assert task.owner_id == "M1" and task.done_at is None and task.entity_id == "K1"
    assert message.recipients == ["M1"]


def test_infeasible_submission_is_frozen_with_the_reason_and_suggestion(engine):
    seed(engine, contracts={"K1": {"promised_delivery_days": 6}})
    with session_scope(engine) as s:
        result = submit(s, "K1", actor="U1", at=SUBMIT_AT)
    assert result.status == "frozen" and result.attachment_id is None and result.streak == 1
    with session_scope(engine) as s:
        reason = s.get(Contract, "K1").frozen_reason
        frozen_note = s.scalar(select(OutboxMessage).where(OutboxMessage.event_type == "contract_frozen"))
        assert describe(s, "K1")["attachments"] == []
    assert reason["code"] == "too_short"
    assert reason["slot_date"] == "2026-03-07" and reason["transit_days"] == 3
    assert (reason["required_days"], reason["promised_days"], reason["shortfall_days"]) == (8, 6, 2)
    assert reason["suggestion_zh"] == "调整交期或走加急通道"
    assert reason["suggestion_en"] == "adjust the delivery date or use the expedite channel"
    assert "差 2 天" in reason["reason_zh"] and "2 days short" in reason["reason_en"]
    assert frozen_note.recipients == ["U1"] and "调整交期或走加急通道" in frozen_note.body


@pytest.mark.parametrize(("terms", "code", "text"), [
    ({"quantity": 1000}, "no_slot", "没有剩余产能"),
    ({"dest_region": "西北"}, "no_lane", "没有发往 西北 的物流线路"),
])
def test_no_slot_and_no_lane_freeze(engine, terms, code, text):
    seed(engine, contracts={"K1": terms})
    with session_scope(engine) as s:
        submit(s, "K1", actor="U1", at=SUBMIT_AT)
    with session_scope(engine) as s:
        reason = s.get(Contract, "K1").frozen_reason
    assert reason["code"] == code and text in reason["reason_zh"]


def test_editing_the_terms_rechecks_and_issues_a_new_document(engine):
    seed(engine, contracts={"K1": {"promised_delivery_days": 6}})
    with session_scope(engine) as s:
        submit(s, "K1", actor="U1", at=SUBMIT_AT)
    with session_scope(engine) as s:
        first = edit(s, "K1", actor="U1", at=SUBMIT_AT + timedelta(hours=1), promised_delivery_days=9)
    assert first.status == "pending_approval"
    with session_scope(engine) as s:
        second = edit(s, "K1", actor="U1", at=SUBMIT_AT + timedelta(hours=2), quantity=20, promised_delivery_days=20)
    assert second.feasible and second.feasibility.slot_date.isoformat() == "2026-03-14"
    with session_scope(engine) as s:
        info = describe(s, "K1")
        latest = docx_text(get_attachment(s, "K1").content)
        edits = s.scalars(select(AuditLog).where(AuditLog.action == "contract.edit").order_by(AuditLog.id)).all()
        open_tasks = s.scalars(select(Task.task_id).where(Task.node == "contract_approval", Task.done_at.is_(None))).all()
    assert [x["feasible"] for x in info["submissions"]] == [False, True, True]
    assert [a["kind"] for a in info["attachments"]] == ["delivery_guarantee", "delivery_guarantee_pdf"] * 2
    assert "数量 | 20" in latest and "排产日期 | 2026年3月14日" in latest
    assert edits[0].before["promised_delivery_days"] == 6 and edits[0].after["promised_delivery_days"] == 9
    assert edits[1].after["quantity"] == 20 and edits[1].actor == "U1"
    assert open_tasks == [f"contract_approval:K1:{second.submission_id}"]


def test_edit_refuses_unknown_terms_and_bad_numbers(english, engine):
    seed(engine)
    with session_scope(engine) as s, pytest.raises(SalesnbError, match="cannot edit amount"):
        edit(s, "K1", actor="U1", at=SUBMIT_AT, amount=5)
    with session_scope(engine) as s, pytest.raises(SalesnbError, match="positive"):
        edit(s, "K1", actor="U1", at=SUBMIT_AT, quantity=0)


def test_approve_and_reject_rules_and_audit(engine):
    seed(engine, contracts={"K1": {}, "K2": {"promised_delivery_days": 2}, "K3": {}, "K4": {"owner_id": "M1"}})
    with session_scope(engine) as s:
        submit(s, "K1", actor="U1", at=SUBMIT_AT)
        submit(s, "K2", actor="U1", at=SUBMIT_AT)
        submit(s, "K4", actor="M1", at=SUBMIT_AT)
    later = SUBMIT_AT + timedelta(hours=3)
    with session_scope(engine) as s, pytest.raises(SalesnbError, match="已被熔断冻结"):
        approve(s, "K2", actor="M1", at=later)
    with session_scope(engine) as s, pytest.raises(SalesnbError, match="请先提交"):
        approve(s, "K3", actor="M1", at=later)
    with session_scope(engine) as s, pytest.raises(PermissionDenied, match="李销售（U1） 无权审批合同"):
        approve(s, "K1", actor="U1", at=later)  # a rep approves nothing, their own contract least of all
    with session_scope(engine) as s, pytest.raises(PermissionDenied, match="不能审批自己的合同"):
        approve(s, "K4", actor="M1", at=later)  # a manager may approve, but not their own
    with session_scope(engine) as s, pytest.raises(SalesnbError, match="驳回需要填写原因"):
        reject(s, "K2", actor="M1", at=later, reason=" ")
    with session_scope(engine) as s:
        approve(s, "K1", actor="M1", at=later, note="ok")
        reject(s, "K2", actor="M1", at=later, reason="客户取消")
    with session_scope(engine) as s:
        k1, k2 = s.get(Contract, "K1"), s.get(Contract, "K2")
        log = s.scalars(select(AuditLog).where(AuditLog.entity_type == "contract", AuditLog.entity_id != "K4")
                        .order_by(AuditLog.id)).all()
        assert [e.entity_id for e in log if e.action == "capacity.reserve"] == ["K1"]  # approving reserves
        log = [e for e in log if e.action.startswith("contract.")]
        approval_task = s.scalar(select(Task).where(Task.node == "contract_approval", Task.entity_id == "K1"))
    assert k1.status == "approved" and k1.approved_at == later
    assert k2.status == "rejected"
    actions = [(e.action, e.entity_id, e.actor) for e in log]
    assert actions == [("contract.submit", "K1", "U1"), ("contract.submit", "K2", "U1"),
                       ("contract.approve", "K1", "M1"), ("contract.reject", "K2", "M1")]
    assert log[2].before["status"] == "pending_approval" and log[2].after["status"] == "approved"
    assert log[2].at == later and log[3].note == "客户取消"
    assert approval_task.done_at == later
    with session_scope(engine) as s, pytest.raises(SalesnbError, match="已经审批通过"):
        submit(s, "K1", actor="U1", at=later)
    with session_scope(engine) as s, pytest.raises(SalesnbError, match="条款不能再修改"):
        edit(s, "K1", actor="U1", at=later, quantity=1)


def _submit_many(engine, verdicts, start=0):
    """Submit K1, K2, K1, … one after another; True = feasible terms, False = 2 promised days."""
    results = []
    for n, feasible in enumerate(verdicts, start):
        at = SUBMIT_AT + timedelta(minutes=n)
        with session_scope(engine) as s:
            results.append(edit(s, f"K{n % 2 + 1}", actor="M1", at=at,  # the reps' manager
                                promised_delivery_days=8 if feasible else 2))
    return results


def _training_tasks(engine):
    with session_scope(engine) as s:
        return s.scalars(select(Task).where(Task.node == "training").order_by(Task.created_at)).all()


def test_three_strikes_assign_training_and_tell_the_manager(engine):
    seed(engine, contracts={"K1": {}, "K2": {}})
    results = _submit_many(engine, [False, False, False])
    assert [r.streak for r in results] == [1, 2, 3]
    assert results[2].training_task_id is not None
    tasks = _training_tasks(engine)
    assert len(tasks) == 1
    task = tasks[0]
    assert task.owner_id == "U1" and task.kind == "todo" and task.done_at is None
    assert task.details["guide"] == "交付能力白皮书" and task.details["streak"] == 3
    assert set(task.details["contracts"]) == {"K1", "K2"}
    with session_scope(engine) as s:
        note = s.scalar(select(OutboxMessage).where(OutboxMessage.event_type == "contract_training"))
    assert note.recipients == ["M1"] and note.cc == ["U1"] and "交付能力白皮书" in note.body
    with session_scope(engine) as s:
        rep = s.scalar(select(OutboxMessage).where(OutboxMessage.event_type == "contract_training_rep"))
        [document] = load_attachments(s, rep.payload["attachments"])
    assert rep.recipients == ["U1"] and task.task_id in rep.body and "my_work.ipynb" in rep.body
    assert document.filename == "交付能力白皮书.pdf" and document.content.startswith(b"%PDF")


def test_a_feasible_submission_in_between_resets_the_count(engine):
    seed(engine, contracts={"K1": {}, "K2": {}})
    results = _submit_many(engine, [False, False, True, False, False])
    assert [r.streak for r in results] == [1, 2, 0, 1, 2]
    assert _training_tasks(engine) == []
    more = _submit_many(engine, [False], start=5)  # third in a row since the reset
    assert more[0].streak == 3 and len(_training_tasks(engine)) == 1


def test_strikes_are_counted_per_rep(engine):
    seed(engine, contracts={"K1": {}, "K2": {"owner_id": "U2"}})
    results = _submit_many(engine, [False, False, False])  # K1 (U1), K2 (U2), K1 (U1)
    assert [r.streak for r in results] == [1, 1, 2]
    assert _training_tasks(engine) == []

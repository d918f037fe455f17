"""ContractApproval: verdicts, approve / reject, edit-and-resubmit, the guarantee download, escaping."""

import base64
import re

import pytest
from sqlalchemy import select

from salesnb.contracts import approve
from salesnb.db import session_scope
from salesnb.errors import PermissionDenied
from salesnb.models import AuditLog, Contract, ContractSubmission
from salesnb.widgets.contract_approval import ContractApproval

from .seed import AS_OF, XSS


def status(engine, contract_id):
    with session_scope(engine) as s:
        return s.get(Contract, contract_id).status


def test_queue_and_check_of_an_unchecked_contract(seeded):
    w = ContractApproval(seeded, as_of=AS_OF)
    assert [v for _l, v in w.queue.options] == ["K001", "K002", "K003"]
    assert "未检查 3 份" in w.summary.value
    assert w.selected == "K001" and w.verdict == "unchecked"
    assert w.check_button.layout.display == "" and w.decision.layout.display == "none"
    w.check_button.click()
    assert w.error == "" and "K001 交付可行，已提交审批" in w.notice
    assert w.selected == "K001" and w.verdict == "feasible"
    assert "最早排产 2026-03-17" in w.verdict_view.value and "预计 2026-03-19 交付" in w.verdict_view.value
    assert w.decision.layout.display == "" and w.editor.layout.display == "none"
    link = w.guarantee.value
    assert 'download="交付保障书_DG-K001-' in link
    payload = re.search(r'href="data:[^;]+;base64,([^"]+)"', link).group(1)
    assert base64.b64decode(payload)[:2] == b"PK"  # a .docx is a zip


def test_approve_as_manager(seeded):
    w = ContractApproval(seeded, as_of=AS_OF, actor="M01")
    w.check_button.click()
    w.approve_button.click()
    assert w.error == "" and w.notice == "合同 K001 已审批通过"
    assert status(seeded, "K001") == "approved"
    assert "K001" not in [v for _l, v in w.queue.options]


def test_frozen_contract_shows_reason_then_edit_and_resubmit(seeded):
    w = ContractApproval(seeded, as_of=AS_OF)
    w.queue.value = "K002"
    w.check_button.click()
    assert w.verdict == "frozen" and status(seeded, "K002") == "frozen"
    assert "K002 交期来不及，已被熔断冻结" in w.notice and "snb-warn" in w._banner.value
    assert "审批已冻结" in w.verdict_view.value and "差 2 天" in w.verdict_view.value
    assert "建议：调整交期或走加急通道" in w.verdict_view.value
    assert w.decision.layout.display == "none" and w.editor.layout.display == ""
    assert w.preview == "infeasible"
    w.days.value = 10
    assert w.preview == "feasible" and "交付可行（需 5 天）" in w.preview_view.value
    w.resubmit_button.click()
    assert w.verdict == "feasible" and status(seeded, "K002") == "pending_approval"
    with session_scope(seeded) as s:
        assert s.get(Contract, "K002").promised_delivery_days == 10
        assert [x.feasible for x in s.scalars(select(ContractSubmission).where(
            ContractSubmission.contract_id == "K002").order_by(ContractSubmission.id))] == [False, True]


def test_reject_needs_a_reason(seeded):
    w = ContractApproval(seeded, as_of=AS_OF, actor="D01")
    w.check_button.click()
    w.reject_button.click()
    assert w.error == "请填写驳回原因" and status(seeded, "K001") == "pending_approval"
    w.reason.value = "价格需重新谈"
    w.reject_button.click()
    assert w.notice == "合同 K001 已驳回" and status(seeded, "K001") == "rejected"


def test_the_signed_in_person_decides_no_picker(seeded):
    """No approver drop-down; a rep sees their own contracts and no approve / reject; a manager only their team's."""
    rep = ContractApproval(seeded, as_of=AS_OF, actor="U01")
    assert not hasattr(rep, "approver_box")
    assert [v for _l, v in rep.queue.options] == ["K001", "K003"]  # not U02's K002
    rep.check_button.click()  # the rep submits their own contract
    assert rep.verdict == "feasible" and rep.error == ""
    assert rep.decision.layout.display == "none" and rep.no_decision.layout.display == ""
    other = ContractApproval(seeded, as_of=AS_OF, actor="M02")  # U02's manager: not K001's
    assert [v for _l, v in other.queue.options] == ["K002"]
    manager = ContractApproval(seeded, as_of=AS_OF, actor="M01")
    manager.open_item("K001")
    assert manager.selected == "K001" and manager.decision.layout.display == ""
    manager.open_item("K002")  # not in their queue: the selection stays
    assert manager.selected == "K001"


def test_xss_customer_is_escaped(seeded):
    w = ContractApproval(seeded, as_of=AS_OF)
    assert (f"K003 · {XSS} · 待检查", "K003") in w.queue.options  # a Select shows labels as text
    w.queue.value = "K003"
    assert "<img" not in w.facts.value and "&lt;img src=x onerror=alert(1)&gt;" in w.facts.value


def test_empty_queue(engine):
    w = ContractApproval(engine, as_of=AS_OF)
    assert w.selected == "" and "没有待处理的合同" in w.facts.value and w.error == ""


def test_a_signed_in_person_acts_as_themselves_and_the_library_decides(seeded):
    """The signed-in person acts: the rep's click is refused by the library, another team's manager sees nothing."""
    rep = ContractApproval(seeded, as_of=AS_OF, actor="U01")
    rep.check_button.click()  # the owner submits their own contract
    assert rep.error == "" and status(seeded, "K001") == "pending_approval"
    rep.approve_button.click()
    assert "张伟（U01） 无权审批合同" in rep.error and status(seeded, "K001") == "pending_approval"
    other = ContractApproval(seeded, as_of=AS_OF, actor="M02")  # another team's manager does not even see it
    assert "K001" not in {value for _label, value in other.queue.options}
    with session_scope(seeded) as s, pytest.raises(PermissionDenied, match="刘经理（M02） 无权审批合同"):
        approve(s, "K001", actor=other.actor, at=AS_OF)  # and the library refuses them
    assert status(seeded, "K001") == "pending_approval"
    manager = ContractApproval(seeded, as_of=AS_OF, actor="M01")
    manager.queue.value = "K001"
    manager.approve_button.click()
    assert manager.error == "" and status(seeded, "K001") == "approved"
    with session_scope(seeded) as s:
        entry = s.scalar(select(AuditLog).where(AuditLog.action == "contract.approve"))
    assert entry.actor == "M01"


def test_the_queue_is_counted_and_paged_in_the_database(seeded, monkeypatch):
    """At most a page of contracts in the list, the count of all of them, previous / next and a status filter."""
    from salesnb.widgets import contract_approval

    monkeypatch.setattr(contract_approval, "PAGE_SIZE", 2)
    w = ContractApproval(seeded, as_of=AS_OF)
    assert [v for _l, v in w.queue.options] == ["K001", "K002"]
    assert "第 1–2 条，共 3 条" in w.pager.label.value
    assert w.pager.prev_button.disabled and not w.pager.next_button.disabled
    w.pager.next_button.click()
    assert [v for _l, v in w.queue.options] == ["K003"] and w.selected == "K003"
    assert "第 3–3 条，共 3 条" in w.pager.label.value and w.pager.next_button.disabled
    w.open_item("K001")  # a link to a contract on another page still opens it
    assert w.selected == "K001" and w.error == ""
    w.pager.prev_button.click()
    w.queue.value = "K002"
    w.check_button.click()  # K002 is frozen
    w.show_box.value = "frozen"
    assert [v for _l, v in w.queue.options] == ["K002"] and "第 1–1 条，共 1 条" in w.pager.label.value
    w.show_box.value = "unchecked"
    assert [v for _l, v in w.queue.options] == ["K001", "K003"] and w.error == ""

"""The contract approval workflow with the delivery-feasibility circuit breaker.

``submit`` runs the feasibility check and records a ``contract_submissions``
row.  Feasible: the contract waits for approval (``pending_approval``), a
交付保障书 is attached and an approval to-do (node ``contract_approval``, for the
SLA engine) goes to the rep's manager.  Infeasible: the contract is ``frozen``
with the reason and the suggestion in ``contracts.frozen_reason``.  A manager
then ``approve``s or ``reject``s; ``edit`` changes the terms and re-submits.
A rep whose submissions trip the breaker three times in a row (across all of
their contracts; a feasible submission resets the count) gets a training to-do
and a message with the 《交付能力白皮书》 attached (:mod:`salesnb.contracts.whitepaper`),
and their manager is told.

Approving re-checks the contract against free capacity less what other approved contracts hold and
reserves its production capacity (:mod:`salesnb.contracts.reservations`); a contract whose slot was taken
meanwhile is frozen with the reason instead of approved.  Rejecting, or ``cancel``-ling an approved
contract, releases the capacity.

Every function takes the caller's ``Session`` (one transaction: the state
change, its audit entry and its notifications commit together) and the time
``at`` of the action.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from .. import audit
from ..auth.people import Actor
from ..auth.permissions import authorize
from ..config import load_settings
from ..errors import ContractError
from ..i18n import t
from ..links import item_url
from ..models import Contract, ContractSubmission, Customer, Task, User
from ..notify.outbox import enqueue
from ..timeutil import now, to_local
from . import guarantee
from .feasibility import Feasibility, check_contract
from .reservations import lock_capacity, release, reserve
from .messages import GUIDE, GUIDE_REF, frozen_explanation, frozen_reason, reason_text
from .whitepaper import whitepaper_attachment, whitepaper_url

STRIKES = 3
EDITABLE = ("promised_delivery_days", "quantity", "dest_region")
APPROVAL_NODE = "contract_approval"
TRAINING_NODE = "training"


@dataclass(frozen=True)
class SubmissionResult:
    """What one submission did."""

    contract_id: str
    submission_id: int
    status: str
    feasibility: Feasibility
    attachment_id: int | None = None
    streak: int = 0
    training_task_id: str | None = None

    @property
    def feasible(self) -> bool:
        return self.feasibility.feasible


def _contract(session: Session, contract_id: str) -> Contract:
    contract = session.get(Contract, contract_id)
    if contract is None:
        raise ContractError("contract.unknown", contract_id=repr(contract_id))
    return contract


def _snapshot(contract: Contract) -> dict[str, Any]:
    return {
        "status": contract.status,
        **{name: getattr(contract, name) for name in EDITABLE},
        "frozen_code": (contract.frozen_reason or {}).get("code"),
    }


def _manager_of(session: Session, user_id: str) -> str | None:
    return session.scalar(select(User.manager_id).where(User.user_id == user_id))


def _close_approval_tasks(session: Session, contract_id: str, at: datetime) -> None:
    session.execute(
        update(Task)
        .where(Task.node == APPROVAL_NODE, Task.entity_type == "contract",
               Task.entity_id == contract_id, Task.done_at.is_(None))
        .values(done_at=at)
    )


def _streak(session: Session, owner_id: str) -> int:
    """Consecutive infeasible submissions of ``owner_id``, most recent first."""
    verdicts = session.execute(
        select(ContractSubmission.feasible, ContractSubmission.details).where(ContractSubmission.owner_id == owner_id)
        .order_by(ContractSubmission.submitted_at.desc(), ContractSubmission.id.desc())
    )
    streak = 0
    for feasible, details in verdicts:
        if (details or {}).get("at_approval"):  # capacity taken by another contract: not the rep's strike
            continue
        if feasible:
            break
        streak += 1
    return streak


def submit(session: Session, contract_id: str, *, actor: Actor | str, at: datetime) -> SubmissionResult:
    """Submit ``contract_id`` for approval: check feasibility, then wait for approval or freeze.

    ``actor`` (an :class:`~salesnb.auth.Actor`, a user id, or ``"system"``) must be the owner or above them.
    """
    contract = _contract(session, contract_id)
    actor = authorize(session, actor, "contract.submit", contract.owner_id).user_id
    if contract.status == "approved":
        raise ContractError("contract.already_approved", contract_id=contract_id)
    before = _snapshot(contract)
    feasibility = check_contract(session, contract, at)
    submission = ContractSubmission(
        contract_id=contract_id, owner_id=contract.owner_id, submitted_at=at,
        feasible=feasibility.feasible, details={**feasibility.to_dict(), "actor": actor},
    )
    session.add(submission)
    session.flush()
    _close_approval_tasks(session, contract_id, at)
    contract.submitted_at = at
    if feasibility.feasible:
        result = _accept_for_approval(session, contract, submission, feasibility, actor=actor, at=at)
    else:
        result = _freeze(session, contract, submission, feasibility, at=at)
    audit.record(session, actor=actor, action="contract.submit", entity_type="contract", entity_id=contract_id,
                 before=before, after={**_snapshot(contract), "submission_id": submission.id,
                                       "feasible": feasibility.feasible}, at=at)
    return result


def _accept_for_approval(session: Session, contract: Contract, submission: ContractSubmission,
                         feasibility: Feasibility, *, actor: str, at: datetime) -> SubmissionResult:
    contract.status = "pending_approval"
    contract.frozen_reason = None
    customer = session.get(Customer, contract.customer_id)
    owner = session.get(User, contract.owner_id)
    facts = guarantee.GuaranteeFacts(
        number=guarantee.guarantee_number(contract, submission.id), contract_id=contract.contract_id,
        customer_name=customer.name if customer else contract.customer_id,
        product_line=contract.product_line, quantity=int(contract.quantity), dest_region=contract.dest_region,
        feasibility=feasibility, issued_at=at, issued_by=owner.name if owner else contract.owner_id,
    )
    attachment = guarantee.attach(session, facts, actor=actor)
    approver = _manager_of(session, contract.owner_id)
    session.add(Task(
        task_id=f"{APPROVAL_NODE}:{contract.contract_id}:{submission.id}", node=APPROVAL_NODE,
        entity_type="contract", entity_id=contract.contract_id, owner_id=approver, created_at=at,
        kind="workflow", title=f"审批合同 {contract.contract_id}",
        details={"submission_id": submission.id, "attachment_id": attachment.id},
    ))
    enqueue(
        session, dedup_key=f"contract_submitted:{contract.contract_id}:{submission.id}",
        recipients=[approver or contract.owner_id],
        subject=t("contract.submitted.subject", contract_id=contract.contract_id),
        body=t("contract.submitted.body", customer=facts.customer_name, promised_days=feasibility.promised_days,
               expected=feasibility.expected_delivery_date.isoformat()),
        event_type="contract_submitted", entity_type="contract", entity_id=contract.contract_id,
        payload={"submission_id": submission.id, "attachment_id": attachment.id}, at=at,
    )
    return SubmissionResult(contract.contract_id, submission.id, contract.status, feasibility,
                            attachment_id=attachment.id)


def _freeze(session: Session, contract: Contract, submission: ContractSubmission,
            feasibility: Feasibility, *, at: datetime, strike: bool = True) -> SubmissionResult:
    contract.status = "frozen"
    reason = frozen_reason(feasibility, submission_id=submission.id,
                           product_line=contract.product_line, dest_region=contract.dest_region)
    contract.frozen_reason = reason
    enqueue(
        session, dedup_key=f"contract_frozen:{contract.contract_id}:{submission.id}",
        recipients=[contract.owner_id],
        subject=t("contract.frozen.subject", contract_id=contract.contract_id),
        body=t("contract.frozen.body", reason=reason_text(feasibility, product_line=contract.product_line,
                                                           dest_region=contract.dest_region),
               suggestion=t("contract.suggestion")),
        event_type="contract_frozen", entity_type="contract", entity_id=contract.contract_id,
        payload=reason, at=at,
    )
    if not strike:
        return SubmissionResult(contract.contract_id, submission.id, contract.status, feasibility)
    streak = _streak(session, contract.owner_id)
    task_id = None
    if streak % STRIKES == 0:
        task_id = _assign_training(session, contract.owner_id, streak, submission, at=at)
    return SubmissionResult(contract.contract_id, submission.id, contract.status, feasibility,
                            streak=streak, training_task_id=task_id)


def _assign_training(session: Session, owner_id: str, streak: int, submission: ContractSubmission,
                     *, at: datetime) -> str:
    recent = session.scalars(
        select(ContractSubmission.contract_id).where(ContractSubmission.owner_id == owner_id)
        .order_by(ContractSubmission.submitted_at.desc(), ContractSubmission.id.desc()).limit(streak)
    ).all()
    task_id = f"{TRAINING_NODE}:{owner_id}:{submission.id}"
    session.add(Task(
        task_id=task_id, node=TRAINING_NODE, entity_type="user", entity_id=owner_id, owner_id=owner_id,
        created_at=at, kind="todo", title=t("contract.training.title", streak=streak),
        details={"guide": GUIDE, "guide_ref": GUIDE_REF, "streak": streak,
                 "contracts": list(dict.fromkeys(recent)), "submission_id": submission.id},
    ))
    manager = _manager_of(session, owner_id)
    rep = session.scalar(select(User.name).where(User.user_id == owner_id)) or owner_id
    enqueue(
        session, dedup_key=f"contract_training:{owner_id}:{submission.id}",
        recipients=[manager or owner_id], cc=[owner_id] if manager else [],
        subject=t("contract.training.subject", rep=rep, streak=streak),
        body=t("contract.training.body", rep=rep, contracts="、".join(dict.fromkeys(recent))),
        event_type="contract_training", entity_type="user", entity_id=owner_id,
        payload={"task_id": task_id, "guide": GUIDE, "guide_ref": GUIDE_REF}, at=at,
    )
    _send_whitepaper(session, owner_id, rep, streak, list(dict.fromkeys(recent)), task_id, at=at)
    audit.record(session, actor="system", action="contract.training_assigned", entity_type="user",
                 entity_id=owner_id, after={"task_id": task_id, "streak": streak}, at=at)
    return task_id


def _send_whitepaper(session: Session, owner_id: str, rep: str, streak: int, contracts: list[str], task_id: str,
                     *, at: datetime) -> None:
    """The rep's own message: the 《交付能力白皮书》 attached (and linked when it is online), and the to-do."""
    settings = load_settings()
    document = whitepaper_attachment(session, settings, at)
    online = whitepaper_url(settings)
    todo = item_url(settings, "task", task_id)
    lines = [t("contract.training.rep_body", rep=rep, streak=streak, contracts="、".join(contracts), task_id=task_id)]
    if online:
        lines.append(t("contract.training.rep_link", link=online))
    lines.append(t("contract.training.rep_todo", link=todo))
    enqueue(
        session, dedup_key=f"contract_training_rep:{owner_id}:{task_id}", recipients=[owner_id],
        subject=t("contract.training.rep_subject", streak=streak), body="\n".join(lines),
        event_type="contract_training_rep", entity_type="task", entity_id=task_id,
        payload={"task_id": task_id, "attachments": [document.id], "document": document.filename,
                 "url": online or todo}, at=at,
    )


def _latest_submission(session: Session, contract_id: str) -> ContractSubmission | None:
    return session.scalar(
        select(ContractSubmission).where(ContractSubmission.contract_id == contract_id)
        .order_by(ContractSubmission.submitted_at.desc(), ContractSubmission.id.desc()).limit(1)
    )


def _decide(session: Session, contract: Contract, *, decision: str, actor: str, at: datetime,
            note: str | None) -> Contract:
    before = _snapshot(contract)
    contract.status = decision
    if decision == "approved":
        contract.approved_at = at
    _close_approval_tasks(session, contract.contract_id, at)
    action = {"approved": "approve", "rejected": "reject", "cancelled": "cancel"}[decision]
    audit.record(session, actor=actor, action=f"contract.{action}",
                 entity_type="contract", entity_id=contract.contract_id, before=before,
                 after=_snapshot(contract), note=note, at=at)
    enqueue(
        session, dedup_key=f"contract_{decision}:{contract.contract_id}:{to_local(at).isoformat()}",
        recipients=[contract.owner_id],
        subject=t("contract.decided.subject", contract_id=contract.contract_id, decision=t(f"contract.{decision}")),
        body=t("contract.decided.body", actor=actor, note=note or ""),
        event_type=f"contract_{decision}", entity_type="contract", entity_id=contract.contract_id, at=at,
    )
    return contract


def approve(session: Session, contract_id: str, *, actor: Actor | str, at: datetime,
            note: str | None = None) -> Contract:
    """Approve a contract whose latest submission passed the feasibility check.

    ``actor`` must be a sales manager above the owner or a sales director, never the owner.
    """
    contract = _contract(session, contract_id)
    actor = authorize(session, actor, "contract.approve", contract.owner_id).user_id
    if contract.status != "pending_approval":
        key = "contract.frozen_not_pending" if contract.status == "frozen" else "contract.not_pending"
        raise ContractError(key, contract_id=contract_id, status=contract.status)
    latest = _latest_submission(session, contract_id)
    if latest is None or not latest.feasible:
        raise ContractError("contract.not_checked", contract_id=contract_id)
    if actor == contract.owner_id:
        raise ContractError("contract.own", actor=actor, contract_id=contract_id)
    lock_capacity(session, contract.product_line)
    feasibility = check_contract(session, contract, contract.submitted_at or latest.submitted_at)
    if not feasibility.feasible:  # another contract took the capacity since the submission
        return _freeze_at_approval(session, contract, feasibility, actor=actor, at=at)
    reserve(session, contract, feasibility, actor=actor, at=at)
    return _decide(session, contract, decision="approved", actor=actor, at=at, note=note)


def _freeze_at_approval(session: Session, contract: Contract, feasibility: Feasibility, *, actor: str,
                        at: datetime) -> Contract:
    """Frozen at approval with the reason (a check recorded like a submission; not a strike for the rep)."""
    before = _snapshot(contract)
    submission = ContractSubmission(
        contract_id=contract.contract_id, owner_id=contract.owner_id, submitted_at=at, feasible=False,
        details={**feasibility.to_dict(), "actor": actor, "at_approval": True},
    )
    session.add(submission)
    session.flush()
    _close_approval_tasks(session, contract.contract_id, at)
    _freeze(session, contract, submission, feasibility, at=at, strike=False)
    audit.record(session, actor=actor, action="contract.frozen_at_approval", entity_type="contract",
                 entity_id=contract.contract_id, before=before,
                 after={**_snapshot(contract), "submission_id": submission.id}, at=at)
    return contract


def reject(session: Session, contract_id: str, *, actor: Actor | str, at: datetime, reason: str) -> Contract:
    """Reject a pending or frozen contract, with a reason (who may: as :func:`approve`)."""
    contract = _contract(session, contract_id)
    actor = authorize(session, actor, "contract.reject", contract.owner_id).user_id
    if contract.status not in ("pending_approval", "frozen"):
        raise ContractError("contract.not_rejectable", contract_id=contract_id, status=contract.status)
    if not reason or not reason.strip():
        raise ContractError("contract.reject_reason")
    release(session, contract_id, actor=actor, at=at)
    return _decide(session, contract, decision="rejected", actor=actor, at=at, note=reason.strip())


def cancel(session: Session, contract_id: str, *, actor: Actor | str, at: datetime, reason: str) -> Contract:
    """Cancel an approved contract (the customer withdrew, the order fell through): its capacity is released.

    Who may: as :func:`reject` (a manager above the owner, a director).
    """
    contract = _contract(session, contract_id)
    actor = authorize(session, actor, "contract.reject", contract.owner_id).user_id
    if contract.status != "approved":
        raise ContractError("contract.cancel_not_approved", contract_id=contract_id, status=contract.status)
    if not reason or not reason.strip():
        raise ContractError("contract.cancel_reason")
    release(session, contract_id, actor=actor, at=at)
    return _decide(session, contract, decision="cancelled", actor=actor, at=at, note=reason.strip())


def edit(session: Session, contract_id: str, *, actor: Actor | str, at: datetime, resubmit: bool = True,
         **terms: Any) -> SubmissionResult | None:
    """Change delivery days, quantity or destination; by default re-submit (re-check) at once.

    ``actor`` must be the owner or above them.
    """
    unknown = sorted(set(terms) - set(EDITABLE))
    if unknown:
        raise ContractError("contract.not_editable_terms", terms=", ".join(unknown), editable=", ".join(EDITABLE))
    changes = {k: v for k, v in terms.items() if v is not None}
    contract = _contract(session, contract_id)
    person = authorize(session, actor, "contract.edit", contract.owner_id)
    actor = person.user_id
    if contract.status == "approved":
        raise ContractError("contract.approved_terms", contract_id=contract_id)
    for name in ("promised_delivery_days", "quantity"):
        if name in changes and int(changes[name]) <= 0:
            raise ContractError("contract.positive", name=name, value=repr(changes[name]))
    before = _snapshot(contract)
    for name, value in changes.items():
        setattr(contract, name, value if name == "dest_region" else int(value))
    audit.record(session, actor=actor, action="contract.edit", entity_type="contract", entity_id=contract_id,
                 before=before, after=_snapshot(contract), at=at)
    session.flush()
    return submit(session, contract_id, actor=person, at=at) if resubmit else None


def submissions(session: Session, contract_id: str) -> list[ContractSubmission]:
    """Every submission of the contract, oldest first."""
    return list(session.scalars(
        select(ContractSubmission).where(ContractSubmission.contract_id == contract_id)
        .order_by(ContractSubmission.submitted_at, ContractSubmission.id)
    ))


def _frozen_text(session: Session, contract: Contract) -> dict[str, str]:
    """Why a frozen contract is frozen, in words (also one that arrived frozen by import)."""
    if contract.status != "frozen":
        return {}
    checked = None
    if not contract.frozen_reason and contract.product_line and contract.quantity and contract.dest_region \
            and contract.promised_delivery_days:
        checked = check_contract(session, contract, contract.submitted_at or now())
    why, suggestion = frozen_explanation(contract, feasibility=checked)
    return {"frozen_why": why, "frozen_suggestion": suggestion}


def describe(session: Session, contract_id: str) -> dict[str, Any]:
    """Everything ``salesnb contract show`` prints: terms, status, why frozen, submissions, attachments."""
    contract = _contract(session, contract_id)
    return {
        "contract_id": contract.contract_id,
        "customer_id": contract.customer_id,
        "owner_id": contract.owner_id,
        "status": contract.status,
        "product_line": contract.product_line,
        **{name: getattr(contract, name) for name in EDITABLE},
        "submitted_at": contract.submitted_at.isoformat() if contract.submitted_at else None,
        "approved_at": contract.approved_at.isoformat() if contract.approved_at else None,
        "frozen_reason": contract.frozen_reason,
        **_frozen_text(session, contract),
        "submissions": [
            {"id": s.id, "submitted_at": s.submitted_at.isoformat(), "feasible": s.feasible,
             "code": s.details.get("code"), "required_days": s.details.get("required_days"),
             "promised_days": s.details.get("promised_days")}
            for s in submissions(session, contract_id)
        ],
        "attachments": [
            {"id": a.id, "kind": a.kind, "filename": a.filename, "bytes": len(a.content),
             "created_at": a.created_at.isoformat()}
            for a in guarantee.list_attachments(session, contract_id)
        ],
    }

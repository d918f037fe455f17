"""The ``delivery_infeasible`` check: the contract breaker's rule over every pending contract.

The rule and the way production slots and lanes are read live in
:mod:`salesnb.contracts.feasibility`; this module only turns its verdicts
into check hits.  The verdicts are computed in Python (capacity comes
through the source plugins, which may be another system) — in a check run
on a connection of their own, started with the run (:func:`judge_pending`,
the check's ``prefetch``) —, written to a
temporary table on the check run's connection (:func:`salesnb.checks.computed.fill_verdicts`,
which also gives rules the computed field ``contracts.required_days``) and
selected from there, so the check engine stores them like any other check's hits.

Hit columns: ``entity_id`` (the contract), ``owner_id`` and the details
``promised_days``, ``wait_days``, ``transit_days``, ``required_days``,
``reason`` (a reason code) and ``reason_text``.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine, Select, case, select
from sqlalchemy.orm import Session

from ..contracts.feasibility import REASONS, PendingVerdict, assess_pending
from ..db import plan_beside
from ..i18n import t
from ..models import Contract
from .base import CheckContext
from .computed import fill_verdicts, infeasible_verdicts


def judge_pending(engine: Engine, as_of: datetime) -> list[PendingVerdict]:
    """The breaker's verdicts on the pending contracts, judged on a connection of their own (the check's
    prefetch: the rule runs in Python while the run's connection queries the checks before it)."""
    with Session(engine) as session:
        plan_beside(session)
        return assess_pending(session, as_of)


def infeasible_hits(ctx: CheckContext) -> Select:
    """Pending-approval contracts submitted by ``ctx.as_of`` that the breaker's rule finds infeasible."""
    verdicts = ctx.prefetched.result() if ctx.prefetched is not None else None
    fill_verdicts(ctx.session, ctx.as_of, refused_only=True, verdicts=verdicts)
    hits = infeasible_verdicts().subquery("verdicts")
    labels = {code: t(f"check.delivery_infeasible.{code}", ctx.language) for code in REASONS}
    reason_text = case(*((hits.c.reason == code, text) for code, text in labels.items()), else_=hits.c.reason)
    submitted = select(Contract.submitted_at).where(Contract.contract_id == hits.c.entity_id).scalar_subquery()
    return select(*hits.c, reason_text.label("reason_text"), submitted.label("started_at"))

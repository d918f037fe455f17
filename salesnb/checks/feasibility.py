"""The ``delivery_infeasible`` check: the contract breaker's rule over every pending contract.

The rule and the way production slots and lanes are read live in
:mod:`salesnb.contracts.feasibility`; this module only turns its verdicts
into check hits.  The verdicts are computed in Python (capacity comes
through the source plugins, which may be another system), written to a
temporary table on the check run's connection and selected from there, so
the check engine stores them like any other check's hits.

Hit columns: ``entity_id`` (the contract), ``owner_id`` and the details
``promised_days``, ``wait_days``, ``transit_days``, ``required_days``,
``reason`` (a reason code) and ``reason_text``.
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Integer,
    MetaData,
    Select,
    String,
    Table,
    delete,
    insert,
    select,
)

from ..contracts.feasibility import REASONS, assess_pending
from ..i18n import t
from ..models import Contract
from .base import CheckContext

_HITS = Table(
    "salesnb_feasibility_hits", MetaData(),
    Column("entity_id", String(200), primary_key=True), Column("owner_id", String(200)),
    Column("promised_days", Integer), Column("wait_days", Integer), Column("transit_days", Integer),
    Column("required_days", Integer), Column("reason", String(20)), Column("reason_text", String(200)),
    prefixes=["TEMPORARY"],
)


def infeasible_hits(ctx: CheckContext) -> Select:
    """Pending-approval contracts submitted by ``ctx.as_of`` that the breaker's rule finds infeasible."""
    conn = ctx.session.connection()
    _HITS.create(conn, checkfirst=True)
    conn.execute(delete(_HITS))
    labels = {code: t(f"check.delivery_infeasible.{code}", ctx.language) for code in REASONS}
    rows = [{"entity_id": v.contract_id, "owner_id": v.owner_id, "promised_days": f.promised_days,
             "wait_days": f.wait_days, "transit_days": f.transit_days, "required_days": f.required_days,
             "reason": f.code, "reason_text": labels[f.code]}
            for v in assess_pending(ctx.session, ctx.as_of) if not (f := v.feasibility).feasible]
    if rows:
        conn.execute(insert(_HITS), rows)
    submitted = select(Contract.submitted_at).where(Contract.contract_id == _HITS.c.entity_id).scalar_subquery()
    return select(*_HITS.c, submitted.label("started_at"))

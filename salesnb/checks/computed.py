"""The SQL of the computed fields (``salesnb.rules.fields.COMPUTED_FIELDS``), each from the one rule that defines it.

A rule names a computed field like a column; :func:`computed_source` gives
the check engine (and the rule editor's preview) its table with the computed
fields the rule uses added as columns.  The built-in checks use the same
expressions, so a stored rule over a computed field finds what they find.

- ``contracts.required_days``: the delivery breaker's days (wait for the first
  production slot with room + the fastest lane's transit) for contracts pending
  approval and submitted by the run's time (:mod:`salesnb.contracts.feasibility`);
  NULL when there is no slot or no lane, and for other contracts.
- ``invoices.days_overdue``: whole days past ``issued_at`` plus the contract's
  payment terms, rounded up; 0 when not overdue, NULL without ``issued_at``.
- ``invoices.contract_owner_id``: the owner of the invoice's contract (its own
  ``contract_id``, else its order's).
- ``tasks.sla_level``: the escalation level a task's age has reached as of the
  run (past 1×, 2×, 4× its node's target: 1, 2, 3; else 0), under the SLA
  policies' clocks (working hours where a policy says so).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    ColumnElement,
    Integer,
    MetaData,
    String,
    Table,
    and_,
    case,
    delete,
    func,
    literal,
    select,
)
from sqlalchemy.sql import FromClause

from ..contracts.feasibility import OK, PendingVerdict, assess_pending
from ..db import insert_columns
from ..models import Base, Contract
from ..receivables.queries import invoice_contract
from ..rules.fields import computed_names, field_set
from ..rules.nodes import MICROS, epoch_us
from ..rules.sqlfuncs import epoch_us as sql_epoch_us
from ..sla import policy_targets

DAY_US = MICROS["days"]
# docs/design.md: lead_first_response 4 h, invoice_confirm 2 h, contract_approval 24 h, claim_review 48 h, shipment_booking 24 h
DEFAULT_SLA_TARGETS = {"lead_first_response": 4, "invoice_confirm": 2, "contract_approval": 24,
                       "claim_review": 48, "shipment_booking": 24}
SLA_MULTIPLES = (1, 2, 4)

# the breaker's verdict on every pending contract, filled on the check run's connection
VERDICTS = Table(
    "salesnb_feasibility_verdicts", MetaData(),
    Column("entity_id", String(200), primary_key=True), Column("owner_id", String(200)),
    Column("promised_days", Integer), Column("wait_days", Integer), Column("transit_days", Integer),
    Column("required_days", Integer), Column("reason", String(20)),
    prefixes=["TEMPORARY"],
)


def fill_verdicts(session, as_of: datetime, refused_only: bool = False,
                  verdicts: list[PendingVerdict] | None = None) -> None:
    """Write the breaker's verdict on every contract pending approval at ``as_of`` to :data:`VERDICTS` (only
    the refusals with ``refused_only``: all the check needs); ``verdicts``: those already judged."""
    conn = session.connection()
    VERDICTS.create(conn, checkfirst=True)
    conn.execute(delete(VERDICTS))
    if verdicts is None:
        verdicts = assess_pending(session, as_of)
    if refused_only:
        verdicts = [v for v in verdicts if v.feasibility.code != OK]
    if verdicts:
        figures = [v.feasibility for v in verdicts]
        insert_columns(conn, VERDICTS, entity_id=[v.contract_id for v in verdicts],
                       owner_id=[v.owner_id for v in verdicts], promised_days=[f.promised_days for f in figures],
                       wait_days=[f.wait_days for f in figures], transit_days=[f.transit_days for f in figures],
                       required_days=[f.required_days for f in figures], reason=[f.code for f in figures])


def infeasible_verdicts() -> Any:
    """The filled verdicts the breaker refuses."""
    return select(VERDICTS).where(VERDICTS.c.reason != OK)


def payment_terms(contract_terms: ColumnElement[Any], default_terms_days: int = 0) -> ColumnElement[Any]:
    """An invoice's payment terms in days: its contract's, else the default."""
    return func.coalesce(contract_terms, int(default_terms_days))


def days_overdue(src: FromClause, as_of: datetime, default_terms_days: int = 0,
                 contract_terms: ColumnElement[Any] | None = None) -> ColumnElement[Any]:
    """Whole days past issued_at + payment terms (contract's, else the default), rounded up; 0 when not overdue.

    ``contract_terms``: the contract's ``payment_terms_days`` when the query already joins the contract
    (else a subquery per invoice reads it)."""
    if contract_terms is None:
        contract_terms = select(Contract.payment_terms_days).where(
            Contract.contract_id == invoice_contract(src)).scalar_subquery()
    terms = payment_terms(contract_terms, default_terms_days)
    overdue_us = (literal(epoch_us(as_of), BigInteger()) - sql_epoch_us(src.c.issued_at)
                  - terms * literal(DAY_US, BigInteger()))
    days = (overdue_us + literal(DAY_US - 1, BigInteger())) // literal(DAY_US, BigInteger())
    return case((src.c.issued_at.is_(None), None), (overdue_us > 0, days), else_=0)


def contract_owner(src: FromClause) -> ColumnElement[Any]:
    """The owner of the invoice's contract."""
    return select(Contract.owner_id).where(Contract.contract_id == invoice_contract(src)).scalar_subquery()


def sla_cutoffs(session, as_of: datetime, targets: Mapping[str, float] | None = None,
                multiples: Iterable[float] = SLA_MULTIPLES) -> dict[str, tuple[datetime, ...]]:
    """Per node, the created_at cut-offs for levels 1, 2, 3 (a task created before one is past that level).

    ``targets`` (hours per node, ``[checks.sla_breach] targets``) when given,
    else the SLA policies (whose clock may count working hours only), else
    docs/design.md's defaults in calendar hours.
    """
    multiples = [float(m) for m in multiples]
    if targets:
        return {node: tuple(as_of - timedelta(hours=float(h) * m) for m in multiples) for node, h in targets.items()}
    policies = policy_targets(session) if session is not None else None
    if policies is None:
        return {node: tuple(as_of - timedelta(hours=h * m) for m in multiples)
                for node, h in DEFAULT_SLA_TARGETS.items()}
    cutoffs = {}
    for node, target in policies.items():
        if target.calendar_mode == "24x7":
            cutoffs[node] = tuple(as_of - target.target * m for m in multiples)
        else:  # elapsed working time > m × target  ⇔  created_at before the instant that much earlier
            clock, end = target.clock, target.clock.position(as_of)
            cutoffs[node] = tuple(clock.at(end - target.target.total_seconds() * m) for m in multiples)
    return cutoffs


def sla_level(src: FromClause, cutoffs: Mapping[str, tuple[datetime, ...]]) -> ColumnElement[Any]:
    """0 within target, else the highest level whose cut-off the task's created_at is before."""
    node, created = src.c.node, src.c.created_at
    whens = [(and_(node == n, created < cuts[i]), i + 1)
             for i in (2, 1, 0) for n, cuts in cutoffs.items() if len(cuts) > i]
    return case(*whens, else_=0) if whens else literal(0)


def _required_days(ctx: Any, src: FromClause) -> ColumnElement[Any]:
    fill_verdicts(ctx.session, ctx.as_of)
    return select(VERDICTS.c.required_days).where(VERDICTS.c.entity_id == src.c.contract_id).scalar_subquery()


IMPLEMENTATIONS: dict[tuple[str, str], Callable[[Any, FromClause], ColumnElement[Any]]] = {
    ("contracts", "required_days"): _required_days,
    ("invoices", "days_overdue"): lambda ctx, src: days_overdue(src, ctx.as_of),
    ("invoices", "contract_owner_id"): lambda ctx, src: contract_owner(src),
    ("tasks", "sla_level"): lambda ctx, src: sla_level(src, sla_cutoffs(ctx.session, ctx.as_of)),
}


def computed_source(ctx: Any, table: str, names: Iterable[str] | None = None) -> FromClause:
    """``table`` with the computed fields ``names`` (default: all of the table's) as extra columns.

    ``ctx`` is the run's :class:`~salesnb.checks.base.CheckContext` (its
    ``as_of`` and ``session``).  With no computed field asked for, the table itself.
    """
    base = Base.metadata.tables[table]
    wanted = [n for n in computed_names(field_set(table)) if names is None or n in set(names)]
    if not wanted:
        return base
    return select(base, *(IMPLEMENTATIONS[(table, n)](ctx, base).label(n) for n in wanted)).subquery(f"{table}_computed")


@dataclass(frozen=True)
class _Moment:
    as_of: datetime
    session: Any


def computed_preview_source(session, table: str, names: Iterable[str], as_of: datetime) -> FromClause:
    """:func:`computed_source` outside a check run (the rule editor's preview)."""
    return computed_source(_Moment(as_of, session), table, names)

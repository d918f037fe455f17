"""Alerts for new findings: one digest per owner per check run, written with the findings.

A check run can open hundreds of findings; one message per finding would hit
the robots' 20 messages/min limit and bury the owner.  Instead each owner gets
one row (event ``checks.new_findings``) that counts the new breakpoints of
each check and carries them as digest items, most important first
(critical, oldest, largest amount; :mod:`salesnb.notify.digest`), capped at
:data:`~salesnb.notify.digest.ITEMS_KEPT`.  At delivery it is folded with the
person's other pending rows into one digest that fits the channel.  Critical
findings also go to the owner's manager (cc).  Findings without an owner go
to the ``ops`` users.  The dedup key is ``findings:RUN:OWNER`` — a finding is
new in exactly one run, so a rerun adds nothing.

In the run that takes a baseline, findings that started before
``quiet_before`` (or whose start is unknown) are backlog: no alert
(:mod:`salesnb.checks.backlog` sums them up for the managers).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, func, literal, or_, select
from sqlalchemy.orm import Session

from .. import i18n
from ..config import Settings
from ..links import my_work_url
from ..models import Base, Finding, User
from ..notify.digest import ITEMS_KEPT, SEVERITY_RANK, digest_item, render_items
from ..notify.outbox import enqueue

NO_OWNER = "__ops__"
BODY_BYTES = 2000  # the stored body (the digest re-renders it for each channel)

i18n.register({
    "zh-CN": {
        "alerts.subject": "【断点提醒】{name}：新发现 {count} 个流程断点",
        "alerts.line": "- {check}：{count} 个",
        "alerts.footer": "请在「断点清单」应用中查看并处理。（检查时间 {as_of}）",
        "alerts.ops": "运营",
    },
    "en": {
        "alerts.subject": "[Breakpoints] {name}: {count} new breakpoint(s)",
        "alerts.line": "- {check}: {count}",
        "alerts.footer": "See the Findings app to act on them. (checked as of {as_of})",
        "alerts.ops": "Ops",
    },
})

# tables whose rows carry an amount, and how an order finds its contract's
_AMOUNT_TABLES = ("quotes", "contracts", "invoices", "payment_claims")


@dataclass
class _Digest:
    counts: dict[str, int] = field(default_factory=dict)
    items: list[dict[str, Any]] = field(default_factory=list)
    critical: bool = False


def alert_condition(run_id: int, as_of: datetime, quiet_before: datetime | None):
    """Findings first seen in run ``run_id`` that deserve an alert (not a baseline's backlog)."""
    is_new = and_(Finding.run_id == run_id, Finding.first_seen == as_of, Finding.resolved_at.is_(None))
    if quiet_before is None:
        return is_new
    return and_(is_new, Finding.started_at.is_not(None), Finding.started_at >= quiet_before)


def finding_amount():
    """SQL: the amount of the record a finding is about (its own, or an order's contract's), else NULL."""
    parts = []
    for name in _AMOUNT_TABLES:
        table = Base.metadata.tables[name]
        key = list(table.primary_key.columns)[0]
        parts.append((Finding.entity_type == name,
                      select(table.c.amount).where(key == Finding.entity_id).scalar_subquery()))
    orders, contracts = Base.metadata.tables["orders"], Base.metadata.tables["contracts"]
    parts.append((Finding.entity_type == "orders",
                  select(contracts.c.amount).where(contracts.c.contract_id == orders.c.contract_id,
                                                   orders.c.order_id == Finding.entity_id).scalar_subquery()))
    return case(*parts, else_=literal(None))


def severity_rank():
    return case(*((Finding.severity == s, r) for s, r in SEVERITY_RANK.items()), else_=len(SEVERITY_RANK))


def enqueue_new_finding_alerts(session: Session, run_id: int, as_of: datetime, labels: dict[str, str],
                               critical_checks: set[str], language: str, *, quiet_before: datetime | None = None,
                               settings: Settings | None = None) -> int:
    """Enqueue one digest per owner for the findings first seen in run ``run_id``; return how many."""
    wanted = alert_condition(run_id, as_of, quiet_before)
    owner_key = func.coalesce(Finding.owner_id, NO_OWNER)
    digests: dict[str, _Digest] = defaultdict(_Digest)
    for owner, check, count in session.execute(
            select(owner_key, Finding.check_name, func.count()).where(wanted).group_by(owner_key, Finding.check_name)):
        digest = digests[owner]
        digest.counts[check] = count
        digest.critical |= check in critical_checks
    if not digests:
        return 0
    amount = finding_amount()
    ranked = (select(owner_key.label("owner"), Finding.id, Finding.check_name, Finding.entity_type, Finding.entity_id,
                     Finding.severity, Finding.started_at, Finding.message, amount.label("amount"),
                     func.row_number().over(
                         partition_by=owner_key,
                         order_by=(severity_rank(), Finding.started_at.asc().nulls_last(),
                                   amount.desc().nulls_last(), Finding.entity_id)).label("n"))
              .where(wanted).subquery())
    for row in session.execute(select(ranked).where(ranked.c.n <= ITEMS_KEPT).order_by(ranked.c.owner, ranked.c.n)):
        digests[row.owner].items.append(digest_item(
            kind=row.entity_type, item_id=row.entity_id, severity=row.severity, since=row.started_at,
            amount=row.amount, text=row.message or row.entity_id, check=row.check_name, finding_id=row.id))
    users = {u.user_id: u for u in session.scalars(select(User))}
    ops = sorted(u.user_id for u in users.values() if u.role == "ops")
    link = my_work_url(settings)
    sent = 0
    for owner, digest in sorted(digests.items()):
        user = users.get(owner)
        recipients = [owner] if user is not None else ops
        if not recipients:
            continue
        cc = [user.manager_id] if digest.critical and user is not None and user.manager_id else []
        total = sum(digest.counts.values())
        name = user.name if user is not None else i18n.t("alerts.ops", language)
        header = [i18n.t("alerts.line", language, check=labels.get(c, c), count=n)
                  for c, n in sorted(digest.counts.items())]
        body = render_items(digest.items, total, link, max_bytes=BODY_BYTES, header=header, language=language)
        body += "\n" + i18n.t("alerts.footer", language, as_of=f"{as_of:%Y-%m-%d %H:%M}")
        if enqueue(session, dedup_key=f"findings:{run_id}:{owner}", recipients=recipients, cc=cc,
                   subject=i18n.t("alerts.subject", language, name=name, count=total), body=body,
                   event_type="checks.new_findings", entity_type="user", entity_id=owner,
                   payload={"run_id": run_id, "counts": digest.counts, "total": total, "items": digest.items,
                            "url": link}, at=as_of) is not None:
            sent += 1
    return sent


def backlog_condition(quiet_before: datetime):
    """Open findings that are a baseline's backlog: started before ``quiet_before``, or no one knows when."""
    return and_(Finding.resolved_at.is_(None), or_(Finding.started_at.is_(None), Finding.started_at < quiet_before))

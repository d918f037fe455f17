"""Alerts for new findings: one digest per owner per check run, written with the findings.

A check run can open hundreds of findings; one message per finding would hit
the robots' 20 messages/min limit and bury the owner.  Instead each owner gets
one digest listing how many new breakpoints of each check are theirs, with a
few examples; critical findings also go to the owner's manager (cc).  Findings
without an owner go to the ``ops`` users.  The dedup key is
``findings:RUN:OWNER`` — a finding is new in exactly one run (the run that
inserted its row), so a rerun, even one with the same ``as_of``, adds nothing.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from .. import i18n
from ..models import Finding, User
from ..notify.outbox import enqueue

EXAMPLES_PER_OWNER = 5
NO_OWNER = "__ops__"

i18n.register({
    "zh-CN": {
        "alerts.subject": "【断点提醒】{name}：新发现 {count} 个流程断点",
        "alerts.line": "- {check}：{count} 个",
        "alerts.example": "  · {message}",
        "alerts.footer": "请在「断点清单」应用中查看并处理。（检查时间 {as_of}）",
        "alerts.ops": "运营",
    },
    "en": {
        "alerts.subject": "[Breakpoints] {name}: {count} new breakpoint(s)",
        "alerts.line": "- {check}: {count}",
        "alerts.example": "  · {message}",
        "alerts.footer": "See the Findings app to act on them. (checked as of {as_of})",
        "alerts.ops": "Ops",
    },
})


@dataclass
class _Digest:
    counts: dict[str, int] = field(default_factory=dict)
    examples: list[str] = field(default_factory=list)
    critical: bool = False


def enqueue_new_finding_alerts(session: Session, run_id: int, as_of: datetime, labels: dict[str, str],
                               critical_checks: set[str], language: str, after_id: int = 0) -> int:
    """Enqueue one digest per owner for the findings run ``run_id`` opened; return how many.

    ``after_id`` is the highest finding id before the run: a finding the run only saw again (a rerun
    with the same ``as_of`` updates ``run_id`` of the findings it finds) is not new.
    """
    is_new = and_(Finding.run_id == run_id, Finding.id > after_id, Finding.first_seen == as_of,
                  Finding.resolved_at.is_(None))
    owner_key = func.coalesce(Finding.owner_id, NO_OWNER)
    digests: dict[str, _Digest] = defaultdict(_Digest)
    for owner, check, count in session.execute(
            select(owner_key, Finding.check_name, func.count()).where(is_new).group_by(owner_key, Finding.check_name)):
        digest = digests[owner]
        digest.counts[check] = count
        digest.critical |= check in critical_checks
    if not digests:
        return 0
    ranked = (select(owner_key.label("owner"), Finding.message, Finding.entity_id,
                     func.row_number().over(partition_by=owner_key, order_by=(Finding.check_name, Finding.entity_id))
                     .label("n"))
              .where(is_new).subquery())
    for owner, message, entity_id in session.execute(
            select(ranked.c.owner, ranked.c.message, ranked.c.entity_id).where(ranked.c.n <= EXAMPLES_PER_OWNER)
            .order_by(ranked.c.owner, ranked.c.n)):
        digests[owner].examples.append(message or entity_id)
    users = {u.user_id: u for u in session.scalars(select(User))}
    ops = sorted(u.user_id for u in users.values() if u.role == "ops")
    sent = 0
    for owner, digest in sorted(digests.items()):
        user = users.get(owner)
        recipients = [owner] if user is not None else ops
        if not recipients:
            continue
        cc = [user.manager_id] if digest.critical and user is not None and user.manager_id else []
        total = sum(digest.counts.values())
        name = user.name if user is not None else i18n.t("alerts.ops", language)
        lines = [i18n.t("alerts.line", language, check=labels.get(c, c), count=n)
                 for c, n in sorted(digest.counts.items())]
        lines += [i18n.t("alerts.example", language, message=m) for m in digest.examples]
        lines.append(i18n.t("alerts.footer", language, as_of=f"{as_of:%Y-%m-%d %H:%M}"))
        if enqueue(session, dedup_key=f"findings:{run_id}:{owner}", recipients=recipients, cc=cc,
                   subject=i18n.t("alerts.subject", language, name=name, count=total), body="\n".join(lines),
                   event_type="checks.new_findings", entity_type="user", entity_id=owner,
                   payload={"run_id": run_id, "counts": digest.counts}, at=as_of) is not None:
            sent += 1
    return sent

"""The backlog summary: in the run that takes a baseline, each manager hears once about their team's backlog.

The backlog is every open finding that started before the baseline's
``quiet_before`` (or whose start is unknown).  Each is counted for the
manager of its owner (an owner without a manager counts for themselves;
findings without a known owner for the ``ops`` users); each manager gets one
message (event ``checks.backlog_summary``, dedup key ``baseline:ID:USER``):
the total, the count per check, the people with the most, and a link to the
findings list.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .. import i18n
from ..config import Settings
from ..links import app_url
from ..models import Baseline, Finding, User
from ..notify.outbox import enqueue
from ..timeutil import to_local
from .alerts import backlog_condition

TOP_PEOPLE = 10
FINDINGS_APP = "findings"

i18n.register({
    "zh-CN": {
        "backlog.subject": "【断点基线】{name}：团队现有 {total} 个历史断点待清理",
        "backlog.intro": "salesnb 已开始自动检查。以下断点在 {quiet_before} 之前就已存在，"
                         "本次不逐条提醒，请安排清理；之后只提醒新出现的断点。",
        "backlog.check": "- {check}：{count} 个",
        "backlog.person": "- {name}：{count} 个",
        "backlog.people": "按负责人：",
        "backlog.more_people": "- 其他 {n} 人：{count} 个",
        "backlog.link": "查看清单：{link}",
    },
    "en": {
        "backlog.subject": "[Baseline] {name}: your team has {total} older breakpoints to clear",
        "backlog.intro": "salesnb now checks automatically. These breakpoints existed before {quiet_before}; "
                         "they are not alerted one by one - please plan their clean-up. From now on only new "
                         "breakpoints are alerted.",
        "backlog.check": "- {check}: {count}",
        "backlog.person": "- {name}: {count}",
        "backlog.people": "By owner:",
        "backlog.more_people": "- {n} others: {count}",
        "backlog.link": "See the list: {link}",
    },
})


def enqueue_backlog_summaries(session: Session, baseline: Baseline, as_of: datetime,
                              labels: dict[str, str], language: str, settings: Settings | None = None) -> int:
    """One backlog summary per manager for ``baseline``; return how many."""
    counts = session.execute(
        select(Finding.owner_id, Finding.check_name, func.count())
        .where(backlog_condition(baseline.quiet_before))
        .group_by(Finding.owner_id, Finding.check_name)).all()
    if not counts:
        return 0
    users = {u.user_id: u for u in session.scalars(select(User))}
    ops = sorted(u.user_id for u in users.values() if u.role == "ops")
    by_check: dict[str, Counter] = defaultdict(Counter)
    by_person: dict[str, Counter] = defaultdict(Counter)
    for owner, check, n in counts:
        user = users.get(owner or "")
        readers = ([user.manager_id if user.manager_id in users else owner] if user is not None else ops)
        for reader in readers:
            by_check[reader][check] += n
            by_person[reader][owner or ""] += n
    link = app_url(settings, FINDINGS_APP)
    quiet_before = f"{to_local(baseline.quiet_before):%Y-%m-%d %H:%M}"
    sent = 0
    for reader in sorted(by_check):
        total = sum(by_check[reader].values())
        name = users[reader].name if reader in users else reader
        lines = [i18n.t("backlog.intro", language, quiet_before=quiet_before)]
        lines += [i18n.t("backlog.check", language, check=labels.get(c, c), count=n)
                  for c, n in by_check[reader].most_common()]
        people = by_person[reader].most_common()
        lines.append(i18n.t("backlog.people", language))
        for owner, n in people[:TOP_PEOPLE]:
            who = users[owner].name if owner in users else (owner or i18n.t("alerts.ops", language))
            lines.append(i18n.t("backlog.person", language, name=who, count=n))
        if len(people) > TOP_PEOPLE:
            lines.append(i18n.t("backlog.more_people", language, n=len(people) - TOP_PEOPLE,
                                count=sum(n for _, n in people[TOP_PEOPLE:])))
        lines.append(i18n.t("backlog.link", language, link=link))
        if enqueue(session, dedup_key=f"baseline:{baseline.id}:{reader}", recipients=[reader],
                   subject=i18n.t("backlog.subject", language, name=name, total=total), body="\n".join(lines),
                   event_type="checks.backlog_summary", entity_type="user", entity_id=reader,
                   payload={"baseline_id": baseline.id, "total": total, "counts": dict(by_check[reader]),
                            "url": link}, at=as_of) is not None:
            sent += 1
    return sent

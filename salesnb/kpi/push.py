"""The weekly KPI push: each manager gets their region's KPIs against the thresholds and the anomaly notes.

:func:`push_weekly_kpis` is what the ``weekly_kpi_report`` template calls.
Every sales manager gets one message (event ``kpi.weekly``, dedup key
``kpi_weekly:WEEK:USER``, so a rerun of the week sends nothing new) for their
region — their own ``region``, else the one most of the people under them
are in: each KPI of the week and overall, its threshold and whether it is
met (or *not yet measurable*, never red), the anomaly notes of the region and
of their people, and a link to the dashboard.  Sales directors get the same
for the whole company.  Delivery follows ``[notify]`` routing like any
message (WeCom / DingTalk / Feishu / e-mail).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pandas as pd
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from ..config import Settings
from ..i18n import register, t
from ..links import dashboard_url
from ..models import User
from ..notify.outbox import enqueue
from .anomalies import AnomalyNote, anomaly_notes
from .frames import week_of
from .kpis import ALL_KPIS, KpiReport, compute_kpis, state
from .messages import kpi_label, percent

NOTES_SHOWN = 8
MANAGER_ROLES = ("sales_manager",)
COMPANY_ROLES = ("sales_director",)

register({
    "zh-CN": {
        "kpi.push.subject": "【销售健康度周报】{scope} {week}",
        "kpi.push.company": "全公司",
        "kpi.push.region": "{region}区域",
        "kpi.push.line": "{kpi}：本周 {week_value}，累计 {overall}（阈值 {threshold}）{verdict}",
        "kpi.push.ok": "达标", "kpi.push.red": "未达标", "kpi.push.pending": "尚不可衡量", "kpi.push.none": "暂无数据",
        "kpi.push.reason": "（{reason}）",
        "kpi.push.notes": "异常说明：",
        "kpi.push.no_notes": "本周没有需要关注的异常。",
        "kpi.push.more_notes": "……另有 {n} 条，见仪表盘",
        "kpi.push.link": "查看仪表盘：{link}",
    },
    "en": {
        "kpi.push.subject": "[Sales health weekly] {scope} {week}",
        "kpi.push.company": "Company",
        "kpi.push.region": "Region {region}",
        "kpi.push.line": "{kpi}: this week {week_value}, overall {overall} (threshold {threshold}) {verdict}",
        "kpi.push.ok": "met", "kpi.push.red": "BELOW", "kpi.push.pending": "not yet measurable",
        "kpi.push.none": "no data", "kpi.push.reason": " ({reason})",
        "kpi.push.notes": "Anomaly notes:",
        "kpi.push.no_notes": "Nothing unusual this week.",
        "kpi.push.more_notes": "... {n} more on the dashboard",
        "kpi.push.link": "Dashboard: {link}",
    },
})


@dataclass
class PushReport:
    """What one weekly push enqueued."""

    week: str
    sent: int = 0  # messages enqueued now (a rerun of the week enqueues none)
    recipients: dict[str, str | None] = field(default_factory=dict)  # user id → region (None: company)
    skipped: list[str] = field(default_factory=list)  # managers without a region

    def to_dict(self) -> dict:
        return {"week": self.week, "sent": self.sent, "recipients": dict(self.recipients),
                "skipped": list(self.skipped)}


def push_weekly_kpis(engine: Engine, as_of: datetime, *, settings: Settings | None = None,
                     report: KpiReport | None = None, notes: list[AnomalyNote] | None = None,
                     week: str | None = None, language: str | None = None) -> PushReport:
    """Enqueue each manager's weekly KPI message (see the module doc); return who got one.

    ``week`` is the ISO week reported (default: the last full week before
    ``as_of``); ``report`` and ``notes`` are computed when omitted.
    """
    language = language or (settings.language if settings is not None else None)
    week = week or week_of(as_of - timedelta(weeks=1))
    report = report or compute_kpis(engine, as_of, settings=settings)
    notes = notes if notes is not None else anomaly_notes(engine, as_of, report=report, week=week)
    result = PushReport(week=week)
    with Session(engine) as session, session.begin():
        users = list(session.scalars(select(User).where(User.active.is_not(False))))
        team = _teams(users)
        for user in sorted(users, key=lambda u: u.user_id):
            if user.role in COMPANY_ROLES:
                region = None
            elif user.role in MANAGER_ROLES:
                region = user.region or _main_region(team.get(user.user_id, set()), users)
                if region is None:
                    result.skipped.append(user.user_id)
                    continue
            else:
                continue
            people = team.get(user.user_id, set())
            mine = [n for n in notes if region is None or n.region == region or n.owner_id in people]
            subject, body, link = _message(report, mine, region, week, settings, language)
            if enqueue(session, dedup_key=f"kpi_weekly:{week}:{user.user_id}", recipients=[user.user_id],
                       subject=subject, body=body, event_type="kpi.weekly", entity_type="user",
                       entity_id=user.user_id, payload={"week": week, "region": region, "url": link},
                       at=as_of) is not None:
                result.sent += 1
            result.recipients[user.user_id] = region
    return result


def _message(report: KpiReport, notes: list[AnomalyNote], region: str | None, week: str,
             settings: Settings | None, language: str | None) -> tuple[str, str, str]:
    scope_name = t("kpi.push.region", language, region=region) if region else t("kpi.push.company", language)
    overall_scope, overall_keys = ("region", {"region": region}) if region else ("overall", {})
    week_scope, week_keys = ("week_region", {"region": region}) if region else ("week", {})
    lines = []
    for kpi in ALL_KPIS:
        overall = report.row(kpi, overall_scope, **overall_keys)
        weekly = report.row(kpi, week_scope, week=week, **week_keys)
        # no row for the region (e.g. no baseline yet): the company's row says whether it is measurable
        verdict_of = next((r for r in (overall, weekly, report.row(kpi)) if r is not None), None)
        tone = "none" if verdict_of is None else state(verdict_of["rate"], verdict_of["ok"],
                                                       verdict_of["measurable"])
        verdict = t(f"kpi.push.{tone}", language)
        if tone == "pending":
            verdict += t("kpi.push.reason", language,
                         reason=report.pending_reason(kpi, overall_scope, language, **overall_keys))
        lines.append(t("kpi.push.line", language, kpi=kpi_label(kpi, language), week_value=_shown(weekly, language),
                       overall=_shown(overall, language), threshold=percent(report.thresholds[kpi]),
                       verdict=verdict))
    lines.append(t("kpi.push.notes", language) if notes else t("kpi.push.no_notes", language))
    lines += [f"- {n.text(language)}" for n in notes[:NOTES_SHOWN]]
    if len(notes) > NOTES_SHOWN:
        lines.append(t("kpi.push.more_notes", language, n=len(notes) - NOTES_SHOWN))
    link = dashboard_url(settings, region)
    lines.append(t("kpi.push.link", language, link=link))
    return t("kpi.push.subject", language, scope=scope_name, week=week), "\n".join(lines), link


def _shown(row, language: str | None) -> str:
    if row is None:
        return "—"
    if not bool(row["measurable"]):
        return t("kpi.push.pending", language)
    return percent(None if pd.isna(row["rate"]) else float(row["rate"]))


def _teams(users: list[User]) -> dict[str, set[str]]:
    """Everyone under each person, transitively (through ``manager_id``)."""
    manager_of = {u.user_id: u.manager_id for u in users}
    reports: dict[str, set[str]] = {}
    for user in users:
        seen: set[str] = set()
        boss = user.manager_id
        while boss and boss not in seen:
            seen.add(boss)
            reports.setdefault(boss, set()).add(user.user_id)
            boss = manager_of.get(boss)
    return reports


def _main_region(people: set[str], users: list[User]) -> str | None:
    regions = Counter(u.region for u in users if u.user_id in people and u.region)
    return regions.most_common(1)[0][0] if regions else None

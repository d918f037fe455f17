"""Anomaly notes on the hand-made data set (week 2026-W11 against 2026-W10)."""

from __future__ import annotations

import pytest

from salesnb.db import session_scope
from datetime import timedelta

from salesnb.kpi import FIRST_RESPONSE, compute_kpis
from salesnb.kpi.kpis import KpiOptions
from salesnb.kpi.anomalies import ANOMALY_RULES, AnomalyNote, anomaly_notes, notes_frame, register_anomaly_rule
from salesnb.models import ContractSubmission
from salesnb.plugins import get_plugin_manager, hookimpl

from .handmade import AS_OF, build, ts


@pytest.fixture
def notes(engine):
    build(engine)
    with session_scope(engine) as session:
        # 李四 ran a contract check on 02-20 and none since: 19 days before as_of (03-11 12:00).
        session.add(ContractSubmission(contract_id="C0", owner_id="r2", submitted_at=ts(2, 20), feasible=True,
                                       details={}))
    # every A lead counts however young (the A-lead maturity window is tested in test_kpis)
    report = compute_kpis(engine, AS_OF, options=KpiOptions(a_lead_maturity=timedelta(0)))
    return anomaly_notes(engine, AS_OF, report=report, params={"min_items": 2})


def by_rule(notes, rule):
    return [n for n in notes if n.rule == rule]


def test_first_response_drop_names_the_rep(notes):
    # East first response: W10 L1 L2 pass, L3 fails -> 66.7 %; W11 L6 passes, L8 fails -> 50.0 %.
    # Compliance East stays at 83.3 % both weeks; North has too few items in W11 for a comparison.
    drops = by_rule(notes, "kpi_week_drop")
    assert [(n.kpi, n.region, n.owner_id) for n in drops] == [(FIRST_RESPONSE, "East", "r2")]
    assert drops[0].text() == ("East区域客户响应黄金4小时达标率本周（2026-W11）下降 17 个百分点（66.7% → 50.0%），"
                               "主要是 李四 的线索（1/1 项未达标）")
    assert drops[0].text("en") == ("Region East: First response within 4 h fell 17 points this week "
                                   "(2026-W11, 66.7% → 50.0%), mostly leads of 李四 (1 of 1 misses)")


def test_below_threshold_and_red_line(notes):
    below = {n.kpi: n.text("en") for n in by_rule(notes, "kpi_below_threshold")}
    # W11: first response 2/3, compliance East 10/12 + North 3/4 = 13/16; no baseline: repair not yet measurable.
    assert below == {
        "first_response_4h_rate": "First response within 4 h in 2026-W11 is 66.7%, below the 90.0% threshold (2/3)",
        "sales_action_compliance_rate":
            "Sales action compliance rate in 2026-W11 is 81.2%, below the 95.0% threshold (13/16)",
    }
    red = by_rule(notes, "a_lead_red")
    assert [n.text() for n in red] == ["East区域 2026-W11 A类线索转化率 50.0%，低于 85.0% 红线（1/2）"]


def test_contract_check_gap(notes):
    gaps = by_rule(notes, "contract_check_gap")
    # 张三 checked on 03-10 (1 day ago): no note.  李四 last checked 02-20.
    assert [n.text() for n in gaps] == ["销售 李四 已连续 19 天未触发合同校验节点（上次 2026-02-20）"]
    frame = notes_frame(gaps, "en")
    assert frame.loc[0, "note"] == "Rep 李四 has not triggered the contract check for 19 days (last on 2026-02-20)"
    assert frame.loc[0, "region"] == "East"


def test_rules_are_extensible(engine):
    build(engine)

    @register_anomaly_rule("test_many_leads")
    def many_leads(ctx):
        if len(ctx.data.leads) > 5:
            yield AnomalyNote(rule="test_many_leads", key="{count} leads", params={"count": len(ctx.data.leads)})

    class Plugin:
        @hookimpl
        def salesnb_anomaly_rules(self):
            return {"test_plugin_rule": lambda ctx: [AnomalyNote(rule="test_plugin_rule", key="week {week}",
                                                                 params={"week": ctx.week})]}

    pm = get_plugin_manager()
    plugin = Plugin()
    pm.register(plugin, name="test-anomaly-plugin")
    try:
        notes = anomaly_notes(engine, AS_OF, rules=["test_many_leads", "test_plugin_rule"])
        assert [n.text() for n in notes] == ["9 leads", "week 2026-W11"]
        with pytest.raises(KeyError, match="no_such_rule"):
            anomaly_notes(engine, AS_OF, rules=["no_such_rule"])
    finally:
        pm.unregister(plugin)
        ANOMALY_RULES.pop("test_many_leads")

"""Imported leads with an incomplete 意向评分卡: accepted, listed by the scorecard_incomplete check, and counted
against the sales action compliance rate."""

from __future__ import annotations

from salesnb.checks import run_checks
from salesnb.checks.frames import findings_frame
from salesnb.io import import_paths
from salesnb.kpi import COMPLIANCE, compute_kpis

from .helpers import AS_OF, base_people


def test_an_imported_incomplete_lead_is_accepted_listed_and_counted(engine, tmp_path):
    base_people(engine)
    path = tmp_path / "线索.csv"
    path.write_text("线索编号,客户编号,负责人编号,创建时间,是否提供预算,是否明确交期,近3月采购频次,状态\n"
                    "L1,C1,U1,2026-03-09 09:00,是,是,2,open\n"
                    "L2,C1,U1,2026-03-09 09:00,是,,,open\n"  # imported with half a card: accepted
                    "L3,C1,U2,2026-03-09 09:00,,,,lost\n", encoding="utf-8")  # lost: nothing to follow up
    assert import_paths(engine, [path]).results[0].inserted == 3
    report = run_checks(engine, AS_OF, only=["scorecard_incomplete"])
    assert report.checks["scorecard_incomplete"].count == 1
    frame = findings_frame(engine, check="scorecard_incomplete")
    assert list(frame.entity_id) == ["L2"] and list(frame.owner_id) == ["U1"]
    assert "L2" in frame.message.iloc[0] and "意向评分卡" in frame.message.iloc[0]
    items = compute_kpis(engine, AS_OF, kpis=(COMPLIANCE,)).items[COMPLIANCE]
    fields = items[items["kind"] == "scorecard_field"]
    assert int(fields["items"].sum()) == 9 and int((fields["items"] - fields["passed"]).sum()) == 5  # L2's two answers and L3's three count

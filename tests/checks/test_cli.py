"""``salesnb check --json``, ``checks list``, ``rules``, ``scorecards`` and ``grade`` from the command line."""

from __future__ import annotations

import json

from click.testing import CliRunner

from salesnb.cli import main
from salesnb.db import make_engine
from salesnb.models import Invoice, Lead, Task

from .helpers import AS_OF, D, H, add, base_people


def cli(db_url, *args):
    result = CliRunner().invoke(main, ["--db", db_url, *args], catch_exceptions=False)
    return result.exit_code, result.output


def test_check_json_counts_buckets_levels(db_url):
    engine = make_engine(db_url)
    base_people(engine)
    add(engine, Lead, {"lead_id": "L1", "created_at": AS_OF - 5 * H})
    add(engine, Invoice, {"invoice_id": "I1", "issued_at": AS_OF - 40 * D}, {"invoice_id": "I2", "issued_at": AS_OF - 100 * D})
    add(engine, Task, {"task_id": "T1", "node": "claim_review", "created_at": AS_OF - 100 * H})
    engine.dispose()
    code, out = cli(db_url, "check", "--as-of", "2026-03-10 09:00", "--json")
    assert code == 0  # findings are not a failure
    report = json.loads(out)
    checks = report["checks"]
    assert set(checks) == {"lead_response_overdue", "quote_not_ordered", "shipped_without_tracking",
                           "delivery_infeasible", "claim_stalled", "invoice_overdue", "sla_breach",
                           "scorecard_incomplete"}
    assert checks["lead_response_overdue"]["count"] == 1 and checks["quote_not_ordered"]["count"] == 0
    assert checks["invoice_overdue"]["buckets"] == {"1-30": 0, "31-60": 1, "61-90": 0, "90+": 1}
    assert checks["sla_breach"]["levels"] == {"1": 0, "2": 1, "3": 0}
    assert report["totals"]["count"] == 4 and report["as_of"] == "2026-03-10T09:00:00+08:00"
    code, out = cli(db_url, "check", "--as-of", "2026-03-10 09:00", "--only", "sla_breach", "--only",
                    "lead_response_overdue", "--json")
    assert list(json.loads(out)["checks"]) == ["sla_breach", "lead_response_overdue"]
    assert json.loads(out)["totals"]["persisting"] == 2
    code, out = cli(db_url, "--lang", "en", "check", "--as-of", "2026-03-10 09:00")
    assert code == 0 and out.startswith("As of 2026-03-10 09:00: 4 findings (0 new, 4 persisting, 0 resolved)")


def test_check_failures_exit_non_zero(db_url, tmp_path):
    code, out = cli(db_url, "check", "--only", "no_such_check")
    assert code == 2
    code, out = cli(db_url, "check", "--as-of", "yesterday-ish")
    assert code == 2 and "--as-of" in out


def test_rules_scorecards_and_grade_commands(db_url, tmp_path):
    engine = make_engine(db_url)
    base_people(engine)
    add(engine, Lead, {"lead_id": "L1", "budget_provided": True, "delivery_date_specified": True,
                       "purchase_freq_per_month": 3})
    engine.dispose()
    rule = tmp_path / "rule.json"
    rule.write_text(json.dumps({"table": "leads", "rule": {"field": "source", "op": "is_empty"},
                                "message": {"zh-CN": "线索 {entity_id} 无来源", "en": "Lead {entity_id} has no source"}}))
    assert cli(db_url, "rules", "save", "lead_without_source", str(rule)) == (
        0, "已保存检查规则 lead_without_source 第 1 版\n")
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"table": "leads", "rule": {"field": "sauce", "op": "is_empty"}}))
    code, out = cli(db_url, "rules", "save", "bad", str(bad))
    assert code == 2 and "definition.rule.field: unknown field 'sauce' in leads" in out
    code, out = cli(db_url, "checks", "list", "--json")
    listed = {c["name"]: c for c in json.loads(out)}
    assert listed["lead_without_source"]["source"] == "stored rule" and listed["sla_breach"]["source"] == "builtin"
    code, out = cli(db_url, "check", "--only", "lead_without_source", "--json")
    assert json.loads(out)["checks"]["lead_without_source"]["count"] == 1
    code, out = cli(db_url, "grade", "--as-of", "2026-03-10 09:00", "--json")
    assert code == 0 and json.loads(out)["grades"] == {"A": 1} and json.loads(out)["promoted"] == 1
    code, out = cli(db_url, "scorecards", "show")
    definition = json.loads(out)["definition"]
    definition["default_grade"] = "D"
    card = tmp_path / "card.json"
    card.write_text(json.dumps(definition, ensure_ascii=False), encoding="utf-8")
    assert cli(db_url, "scorecards", "save", str(card))[0] == 0
    code, out = cli(db_url, "scorecards", "list")
    assert "意向评分卡  1        False" in out and "意向评分卡  2        True" in out

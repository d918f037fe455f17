"""``salesnb bank import``, ``reconcile [--json]``, its review commands, ``claim`` and ``aging``."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from click.testing import CliRunner

from salesnb.cli import main
from salesnb.db import make_engine

from .statements import EXPECTED, seed_ledger, write_statements


def run(db_url, *args, ok=True):
    result = CliRunner().invoke(main, ["--db", db_url, *args], catch_exceptions=False)
    if ok:
        assert result.exit_code == 0, result.output
    return result


@pytest.fixture(scope="module")
def statement_files(tmp_path_factory):
    return [str(p) for p in write_statements(tmp_path_factory.mktemp("cli-bank"))]


def test_import_reconcile_review_and_unmatch(db_url, statement_files):
    engine = make_engine(db_url)
    seed_ledger(engine)
    engine.dispose()
    imported = json.loads(run(db_url, "bank", "import", *statement_files, "--json").output)
    assert imported["inserted"] == 16 and imported["incoming"] == 13
    assert "新增 0，更新 0，未变 16" in run(db_url, "bank", "import", *statement_files).output
    dry = run(db_url, "reconcile", "--as-of", "2026-02-01", "--dry-run").output
    assert dry.startswith("（试运行）处理 13 笔流水：自动匹配 10")
    report = json.loads(run(db_url, "reconcile", "--as-of", "2026-02-01", "--json").output)
    assert (report["matched"], report["queued"], report["unmatched"]) == (10, 2, 1)
    applied = {(m["txn_id"], m["invoice_id"]): (m["amount"], m["rule"]) for m in report["applied"]}
    assert set(EXPECTED) <= set(applied) and len(applied) == len(EXPECTED) + 1
    assert all(set(m) == {"txn_id", "invoice_id", "amount", "rule", "confidence"} for m in report["applied"])
    again = json.loads(run(db_url, "reconcile", "--as-of", "2026-02-01", "--json").output)
    assert (again["matched"], again["queued"], again["applied"]) == (0, 0, [])
    review = json.loads(run(db_url, "reconcile", "review", "--json").output)
    txns = {c["txn_id"] for c in review["candidates"]}
    assert len(txns) == 2 and len(review["unmatched"]) == 1
    assert "笔流水待确认" in run(db_url, "reconcile", "review").output
    li_si = next(c["txn_id"] for c in review["candidates"] if c["payer_name"] == "李四")
    confirmed = run(db_url, "reconcile", "confirm", li_si, "--by", "F1").output
    assert f"{li_si} → INV-5001: 4200.00" in confirmed
    assert "撤销 2 个匹配" in run(db_url, "reconcile", "unmatch", "CCB-77002", "--by", "F1", "--note", "x").output
    refused = run(db_url, "reconcile", "confirm", "ICBC0001", "INV-5002", "--by", "F1", ok=False)
    assert refused.exit_code == 2 and "已经匹配" in refused.output


def test_claims_and_aging(db_url):
    engine = make_engine(db_url)
    seed_ledger(engine)
    engine.dispose()
    assert "CLM-INV-1001-1：财务审核中" in run(
        db_url, "claim", "submit", "INV-1001", "--amount", "5,000", "--by", "U1", "--at", "2026-01-20 09:00").output
    too_much = run(db_url, "claim", "submit", "INV-1001", "--amount", "7000.01", "--by", "U1", ok=False)
    assert too_much.exit_code == 2 and "超过" in too_much.output
    run(db_url, "claim", "confirm", "CLM-INV-1001-1", "--by", "F1", "--at", "2026-01-21 09:00")
    aging = json.loads(run(db_url, "aging", "--as-of", "2026-03-10", "--json").output)
    by_invoice = {i["invoice_id"]: i for i in aging["invoices"]}
    assert len(by_invoice) == 12 and by_invoice["INV-1001"]["bucket"] == "31-60"
    assert Decimal(str(by_invoice["INV-1001"]["outstanding"])) == Decimal("7000.00")
    assert aging["by_owner"]["U1"]["total"] == pytest.approx(float(sum(
        Decimal(str(i["outstanding"])) for i in aging["invoices"])))
    table = run(db_url, "aging", "--as-of", "2026-03-10").output
    assert "12 张逾期发票" in table and "31-60" in table
    assert "没有逾期发票" in run(db_url, "aging", "--as-of", "2026-01-10").output

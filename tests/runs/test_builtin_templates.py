"""The three built-in templates, executed by papermill on a small demo data set, and a run that fails."""

from __future__ import annotations

import csv
from datetime import timedelta

import nbformat
import openpyxl
from click.testing import CliRunner
from sqlalchemy import delete, func, select, update

from salesnb.cli import main
from salesnb.db import session_scope
from salesnb.demo import build_demo_db
from salesnb.kpi import FIRST_RESPONSE, compute_kpis
from salesnb.kpi.kpis import report_from_counts
from salesnb.kpi.snapshots import latest_kpi_snapshot
from salesnb.models import BankTransaction, Finding, OutboxMessage, Quote, TemplateRun, User
from salesnb.runs import FAILED_EVENT, run_template
from salesnb.timeutil import parse_timestamp

from .notebooks import settings_for

AS_OF = "2026-11-27 08:00"
HEADERS = ["交易时间", "交易流水号", "借方金额", "贷方金额", "对方户名", "对方账号", "摘要"]


def move_bank_lines_to_a_statement(engine, folder):
    """Take the demo's bank lines out of the database and write them as a bank's CSV export."""
    with session_scope(engine) as session:
        lines = session.scalars(select(BankTransaction).order_by(BankTransaction.txn_id)).all()
        rows = [[f"{t.booked_at:%Y-%m-%d %H:%M:%S}", t.txn_id, t.amount if t.direction == "out" else "",
                 t.amount if t.direction == "in" else "", t.payer_name or "", t.payer_account or "", t.memo or ""]
                for t in lines]
        session.execute(delete(BankTransaction))
    folder.mkdir()
    with (folder / "statement_1.csv").open("w", newline="", encoding="utf-8-sig") as fh:
        writer = csv.writer(fh)
        writer.writerow(["招商银行 账户交易明细"])
        writer.writerow(HEADERS)
        writer.writerows(rows)
    return len(rows)


def test_builtin_templates_on_demo_data(engine, db_url, tmp_path):
    build_demo_db(engine, orders=60, seed=11, as_of=AS_OF)
    with session_scope(engine) as session:
        session.add(User(user_id="ops1", name="运维", role="ops"))
    lines = move_bank_lines_to_a_statement(engine, tmp_path / "bank")
    settings = settings_for(db_url, tmp_path)

    daily = run_template(settings, engine, "daily_checks", {"as_of": AS_OF})
    assert daily.ok, daily.error
    with session_scope(engine) as session:
        open_findings = session.scalar(select(func.count()).select_from(Finding).where(Finding.resolved_at.is_(None)))
    assert daily.metrics["findings_open"] == open_findings > 0
    assert daily.metrics["findings_new"] == open_findings
    assert daily.metrics["data_problems"] == 0  # demo data: the checks saw every input
    assert daily.metrics["steps"] == ["sync", "grade", "reconcile", "checks", "escalate", "notify"]
    assert daily.metrics["leads_graded"] > 0 and daily.metrics["escalations_fired"] > 0
    with session_scope(engine) as session:
        sent = session.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == "sent"))
    assert daily.metrics["notifications_sent"] == sent  # delivered (to the console channel) by the notify step
    snapshot = latest_kpi_snapshot(engine, parse_timestamp(AS_OF), timedelta(hours=1))  # for the dashboard
    assert snapshot is not None
    assert round(report_from_counts(snapshot[0]).value(FIRST_RESPONSE), 4) == daily.metrics[FIRST_RESPONSE]

    weekly = run_template(settings, engine, "weekly_kpi_report", {"as_of": AS_OF, "weeks": "4"})
    assert weekly.ok, weekly.error
    expected = compute_kpis(engine, parse_timestamp(AS_OF)).value(FIRST_RESPONSE)
    assert weekly.metrics[FIRST_RESPONSE] == expected
    assert weekly.metrics["report_week"] == "2026-W47" and weekly.metrics["orders"] == 60
    book = openpyxl.load_workbook(weekly.metrics["files"]["xlsx"])
    assert {"总体", "按周", "A类线索转化", "异常说明", "流程审计", "前后对比"} <= set(book.sheetnames)
    page = open(weekly.metrics["files"]["html"], encoding="utf-8").read()
    assert "销售健康度周报" in page and "Plotly.newPlot" in page

    recon = run_template(settings, engine, "reconciliation", {"as_of": AS_OF, "bank_folder": "bank"})
    assert recon.ok, recon.error
    assert recon.metrics["files"] == 1 and recon.metrics["lines_imported"] == lines
    assert recon.metrics["matched"] > 0
    assert openpyxl.load_workbook(tmp_path / recon.parameters["output_dir"] / "reconciliation.xlsx").sheetnames == [
        "matched", "review", "unmatched"]

    # a bank file with a broken amount: the import step fails, and the run with it
    (tmp_path / "bank" / "statement_2.csv").write_text(
        "交易时间,交易流水号,贷方金额,对方户名\n2026-11-26 10:00:00,X1,一百元,某公司\n", encoding="utf-8")
    (tmp_path / "salesnb.toml").write_text('[runs]\nops_channel = "ops_robot"\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["run", "reconciliation", "-p", "as_of", AS_OF, "-p", "bank_folder", "bank"],
                                env={"SALESNB_DB_URL": db_url, "SALESNB_HOME": str(tmp_path),
                                     "SALESNB_CONFIG": str(tmp_path / "salesnb.toml")})
    assert result.exit_code == 1, result.output
    assert "InputError" in result.output and "statement_2.csv" in result.output
    with session_scope(engine) as session:
        failed = session.scalars(select(TemplateRun).where(TemplateRun.status == "failed")).one()
        assert "statement_2.csv" in failed.error and failed.template == "reconciliation"
        alert = session.scalars(select(OutboxMessage).where(OutboxMessage.event_type == FAILED_EVENT)).one()
        ops = session.scalars(select(User.user_id).where(User.role == "ops")).all()
        assert alert.channel == "ops_robot" and sorted(alert.recipients) == sorted(ops)  # every ops user
        assert "reconciliation" in alert.subject and "statement_2.csv" in alert.body
        assert session.scalar(select(func.count()).select_from(BankTransaction)) == lines  # nothing half-imported
    top = nbformat.read(failed.output_path, as_version=4).cells[0]
    assert "papermill-error-cell-tag" in top.metadata.get("tags", [])  # the error is the first thing one sees
    assert "An Exception was encountered" in top.source


def test_the_daily_checks_summary_says_what_the_checks_could_not_see(engine, db_url, tmp_path):
    build_demo_db(engine, orders=40, seed=11, as_of=AS_OF)
    with session_scope(engine) as session:
        session.execute(update(Quote).values(accepted_at=None))  # as when 客户接受时间 went into extra
    daily = run_template(settings_for(db_url, tmp_path), engine, "daily_checks",
                         {"as_of": AS_OF, "steps": "checks", "kpi_headline": False})
    assert daily.ok, daily.error
    assert daily.metrics["data_problems"] == 1
    summary = nbformat.read(daily.output_path, as_version=4).cells
    printed = "".join(o.get("text", "") for c in summary if c.cell_type == "code" for o in c.get("outputs", []))
    assert "数据问题" in printed and "quotes.accepted_at" in printed

"""The checks say what they could not see: an input empty for a whole table is a data problem, not a count."""

from __future__ import annotations

from click.testing import CliRunner
from sqlalchemy import func, select, update

from salesnb.checks import latest_data_problems, run_checks
from salesnb.cli import main
from salesnb.db import session_scope
from salesnb.demo import build_demo_db
from salesnb.models import CheckRun, Contract, Lane, Quote
from salesnb.pipeline import daily_run

from .helpers import AS_OF


def test_demo_data_has_no_data_problem(engine):
    build_demo_db(engine, orders=80, seed=11, as_of=AS_OF)
    report = run_checks(engine, AS_OF, alerts=False)
    assert report.data_problems() == []
    assert all(not r.blind for r in report.checks.values())


def test_the_daily_summary_of_quotes_without_accepted_at_says_so(engine, db_url):
    build_demo_db(engine, orders=80, seed=11, as_of=AS_OF)
    with session_scope(engine) as s:
        s.execute(update(Quote).values(accepted_at=None))  # as when 客户接受时间 went into extra
        accepted = s.scalar(select(func.count()).select_from(Quote).where(Quote.status == "accepted"))
    assert accepted > 0

    run = daily_run(engine, AS_OF, steps=["checks"])
    result = run.reports["checks"].checks["quote_not_ordered"]
    assert result.count == 0  # the confident count the issue saw …
    (blind,) = result.blind  # … now comes with what the check could not see
    assert (blind.table, blind.column, blind.rows) == ("quotes", "accepted_at", accepted)
    (problem,) = run.data_problems()
    assert "报价已接受未下单" in problem and "accepted_at" in problem and str(accepted) in problem
    summary = "\n".join(run.summary())
    assert "数据问题" in summary and problem in summary
    assert run.to_dict()["data_problems"] == [problem]
    assert latest_data_problems(engine) == [problem]
    with session_scope(engine) as s:
        stored = s.scalars(select(CheckRun).order_by(CheckRun.id.desc())).first().summary
    assert stored["checks"]["quote_not_ordered"]["blind"][0]["column"] == "accepted_at"

    out = CliRunner().invoke(main, ["--db", db_url, "--lang", "en", "daily", "--steps", "checks", "--as-of",
                                    AS_OF.isoformat()])
    assert out.exit_code == 0, out.output
    assert "Data problems" in out.output and "cannot see quotes.accepted_at" in out.output


def test_payment_terms_and_lanes_missing_everywhere(engine):
    build_demo_db(engine, orders=80, seed=11, as_of=AS_OF)
    with session_scope(engine) as s:
        s.execute(update(Contract).values(payment_terms_days=None))
        s.query(Lane).delete()
    report = run_checks(engine, AS_OF, alerts=False, language="en")
    overdue = report.checks["invoice_overdue"].blind
    assert [(b.table, b.column) for b in overdue] == [("contracts", "payment_terms_days")]
    infeasible = report.checks["delivery_infeasible"].blind
    assert [(b.table, b.column, b.rows) for b in infeasible] == [("lanes", None, 0)]
    assert "cannot see lanes" in infeasible[0].message
    assert len(report.data_problems()) == 2

"""On the demo data set, every check finds what the plain-Python reference finds, on each backend."""

from __future__ import annotations

from salesnb.checks import run_checks
from salesnb.demo import build_demo_db

from .helpers import AS_OF
from .reference import expected_counts


def test_counts_match_the_reference_on_demo_data(engine):
    build_demo_db(engine, orders=150, seed=11, as_of=AS_OF)
    report = run_checks(engine, AS_OF)
    counts, buckets, levels = expected_counts(engine, AS_OF)
    assert {name: r.count for name, r in report.checks.items()} == counts
    assert all(counts.values()), counts  # the demo data has some of every breakpoint
    assert {k: v for k, v in report.checks["invoice_overdue"].breakdown[1].items() if v} == buckets
    assert {k: v for k, v in report.checks["sla_breach"].breakdown[1].items() if v} == levels

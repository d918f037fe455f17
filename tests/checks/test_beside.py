"""SQLite: a second connection builds some checks' deltas beside the run's connection; the findings are the same."""

from __future__ import annotations

from sqlalchemy import select, update

from salesnb.checks import run_checks, runner
from salesnb.db import make_engine, session_scope
from salesnb.models import Finding, Invoice, Lead, Quote, Task

from .helpers import AS_OF, D, H, add, base_people


def _store(engine) -> None:
    base_people(engine)
    add(engine, Lead, *({"lead_id": f"L{k}", "created_at": AS_OF - (k + 5) * H} for k in range(6)),
        {"lead_id": "L9", "created_at": AS_OF - 2 * D, "budget_provided": None})
    add(engine, Quote, *({"quote_id": f"Q{k}", "status": "accepted", "accepted_at": AS_OF - (3 + k) * D}
                         for k in range(4)))
    add(engine, Invoice, *({"invoice_id": f"I{k}", "issued_at": AS_OF - (20 + 10 * k) * D} for k in range(5)))
    add(engine, Task, *({"task_id": f"T{k}", "node": "lead_first_response", "created_at": AS_OF - (5 + 4 * k) * H}
                        for k in range(4)))


def _a_day_of_changes(engine) -> None:
    with session_scope(engine) as s:
        s.execute(update(Lead).where(Lead.lead_id == "L0").values(first_response_at=AS_OF - H))
        s.execute(update(Invoice).where(Invoice.invoice_id == "I1").values(status="paid"))
        s.add(Lead(lead_id="L7", customer_id="C1", owner_id="U2", created_at=AS_OF - 30 * H))


def _findings(engine) -> set[tuple]:
    with session_scope(engine) as s:
        return {(f.check_name, f.entity_id, f.owner_id, f.level, f.bucket, f.message, str(f.details),
                 f.resolved_at is None) for f in s.scalars(select(Finding))}


def test_a_rerun_takes_deltas_built_beside_and_finds_what_one_connection_finds(sqlite_engine, tmp_path,
                                                                               monkeypatch):
    _store(sqlite_engine)
    run_checks(sqlite_engine, AS_OF)
    _a_day_of_changes(sqlite_engine)
    copy = tmp_path / "alone.db"
    with sqlite_engine.connect() as conn:  # the store as it is, WAL included
        conn.exec_driver_sql(f"VACUUM INTO '{copy}'")
    alone = make_engine(f"sqlite:///{copy}")

    handed = []
    original = runner._delta_from_rows

    def recording(conn, delta, check, rows):
        handed.append(check.name)
        return original(conn, delta, check, rows)

    monkeypatch.setattr(runner, "_delta_from_rows", recording)
    both = run_checks(sqlite_engine, AS_OF + H)
    assert handed, "no delta was built on the second connection"

    monkeypatch.setattr(runner, "BESIDE_ROWS", -1)  # every delta built again on the run's connection
    one = run_checks(alone, AS_OF + H)
    assert {n: (r.count, r.new, r.resolved) for n, r in both.checks.items()} == \
        {n: (r.count, r.new, r.resolved) for n, r in one.checks.items()}
    assert list(both.checks) == list(one.checks)  # reported in the checks' order
    assert _findings(sqlite_engine) == _findings(alone)
    assert both.checks["lead_response_overdue"].resolved == 1 and both.checks["lead_response_overdue"].new == 1
    alone.dispose()


def test_a_failure_beside_fails_the_run(sqlite_engine, monkeypatch):
    _store(sqlite_engine)

    def broken(self, check, ctx):
        raise RuntimeError(f"{check.name} could not be built")

    monkeypatch.setattr(runner._Beside, "_delta_rows", broken)
    try:
        run_checks(sqlite_engine, AS_OF)
    except RuntimeError as exc:
        assert "could not be built" in str(exc)
    else:
        raise AssertionError("the run did not fail")
    with session_scope(sqlite_engine) as s:
        assert s.scalar(select(Finding.id)) is None  # nothing stored

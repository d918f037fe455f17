"""Each of the seven built-in checks, rebuilt as a stored rule (docs/examples/builtin-checks-as-rules.json),
finds the same records with the same owners and start times on the demo data, on each backend."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select

from salesnb.checks import run_checks
from salesnb.db import session_scope
from salesnb.models import Finding
from salesnb.demo import build_demo_db
from salesnb.rules import save_rule

from .helpers import AS_OF

RULES = json.loads((Path(__file__).parents[2] / "docs" / "examples" / "builtin-checks-as-rules.json")
                   .read_text(encoding="utf-8"))
SEVEN = ("lead_response_overdue", "quote_not_ordered", "shipped_without_tracking", "delivery_infeasible",
         "claim_stalled", "invoice_overdue", "sla_breach")


def _found(engine, check: str) -> set[tuple]:
    """(entity, owner, clock start) of the open findings of ``check``."""
    f = Finding.__table__
    with engine.connect() as conn:
        rows = conn.execute(select(f.c.entity_id, f.c.owner_id, f.c.started_at)
                            .where(f.c.check_name == check, f.c.resolved_at.is_(None))).all()
    return {tuple(r) for r in rows}


def test_the_example_file_rebuilds_all_seven():
    assert sorted(RULES) == sorted(SEVEN)


def test_each_rebuilt_check_finds_what_the_builtin_finds(engine):
    build_demo_db(engine, orders=150, seed=11, as_of=AS_OF)
    with session_scope(engine) as s:
        for name, definition in RULES.items():
            save_rule(s, f"rebuilt_{name}", definition, kind="check", actor="system")
    report = run_checks(engine, AS_OF)
    for check in SEVEN:
        builtin, rebuilt = _found(engine, check), _found(engine, f"rebuilt_{check}")
        assert builtin, f"the demo data has no {check} finding to compare"
        assert rebuilt == builtin, (check, sorted(builtin ^ rebuilt)[:5])
        assert report.checks[f"rebuilt_{check}"].count == report.checks[check].count

"""Export → re-import is a no-op for every canonical table, in both formats, on both backends —
including the sub-second timestamps of records created in the app."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from salesnb.db import session_scope
from salesnb.demo import build_demo_db
from salesnb.io import export_table, import_paths
from salesnb.models import CANONICAL_MODELS, Invoice, Lead, Task
from salesnb.receivables.claims import submit_claim
from salesnb.scorecards import save_lead
from salesnb.timeutil import now

from .helpers import snapshot


@pytest.fixture
def store(engine):
    build_demo_db(engine, orders=40, seed=11, as_of="2026-11-27 08:00")
    created = now().replace(microsecond=123456)
    with session_scope(engine) as session:
        save_lead(session, {"lead_id": "APP-1", "customer_id": session.scalar(select(Lead.customer_id).limit(1)),
                            "owner_id": session.scalar(select(Lead.owner_id).limit(1)), "created_at": created},
                  {"budget_provided": True, "delivery_date_specified": False, "purchase_freq_per_month": 2},
                  actor="U0001", at=created)
        invoice = session.scalars(select(Invoice).where(Invoice.status == "issued").limit(1)).one()
        submit_claim(session, invoice.invoice_id, owner_id="U0001", amount="1.00", at=created.replace(microsecond=5))
        session.add(Task(task_id="APP-T1", node="lead_first_response", entity_type="lead", entity_id="APP-1",
                         created_at=created.replace(microsecond=7), details={"from": "app"}))
    return engine


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_every_table_round_trips_exactly(store, tmp_path, fmt):
    with session_scope(store) as session:
        assert session.scalar(select(func.count()).where(Lead.created_at.is_not(None))) > 1
    files = []
    for model in CANONICAL_MODELS:
        path = tmp_path / f"{model.__tablename__}.{fmt}"
        export_table(store, model.__tablename__, path)
        files.append(path)
    before = snapshot(store)
    assert [m.__tablename__ for m in CANONICAL_MODELS if not before[m.__tablename__]] == []
    report = import_paths(store, files)
    changed = {r.table: (r.inserted, r.updated) for r in report.results if r.inserted or r.updated}
    assert changed == {}
    after = snapshot(store)
    assert {t: rows for t, rows in after.items() if t != "import_log"} == \
        {t: rows for t, rows in before.items() if t != "import_log"}

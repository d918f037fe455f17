"""A day of business on a benchmark store: about ``fraction`` of the rows of the busy tables new or changed.

Written through the importer (:func:`salesnb.io.import_frame`), the way a
day's exports or a sync arrive, one transaction per table:

- leads: new ones (with complete and incomplete cards) and changed card answers;
- orders: open orders shipped (some get a shipment with a tracking number, some not yet);
- invoices: issued invoices paid;
- tasks: open to-dos done.

Deterministic for a given store and ``seed``.  Prints what it wrote.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import pandas as pd
from sqlalchemy import Engine, func, select

from salesnb.db import session_scope
from salesnb.io import import_frame
from salesnb.models import Base, Invoice, Lead, Order, Task
from salesnb.schema import table_spec


def _rows(engine: Engine, table: str, ids: list[str], **changes) -> pd.DataFrame:
    """The importable columns of ``table``'s rows ``ids`` (whole rows: an import names every required column),
    with ``changes`` applied."""
    target = Base.metadata.tables[table]
    names = [c.name for c in table_spec(table).columns if c.name in target.c]
    key = target.c[table_spec(table).primary_key[0]]
    with engine.connect() as conn:
        frame = pd.DataFrame(conn.execute(select(*(target.c[n] for n in names)).where(key.in_(ids))).all(),
                             columns=names)
    return frame.assign(**changes)


def _sample(engine: Engine, column, where, n: int, rng: random.Random) -> list[str]:
    with engine.connect() as conn:
        ids = list(conn.scalars(select(column).where(where).order_by(column)))
    return sorted(rng.sample(ids, min(n, len(ids))))


def apply_day_of_changes(engine: Engine, day: datetime, fraction: float = 0.01, seed: int = 7) -> dict[str, int]:
    """Write one day of changes at ``day`` (an aware datetime: the next day's business hours)."""
    rng = random.Random(seed)
    with engine.connect() as conn:
        counts = {name: conn.scalar(select(func.count()).select_from(model))
                  for name, model in (("leads", Lead), ("orders", Order), ("invoices", Invoice), ("tasks", Task))}
        template = conn.execute(select(Lead.customer_id, Lead.owner_id).limit(1000)).all()
    written: dict[str, int] = {}
    stamp = (day + timedelta(hours=1)).strftime("%Y-%m-%d %H:%M:%S")

    n_leads = max(1, int(counts["leads"] * fraction))
    new_leads = []
    for i in range(n_leads // 2):
        customer, owner = template[i % len(template)]
        complete = rng.random() < 0.95
        new_leads.append({"lead_id": f"NL{day:%Y%m%d}-{i:06d}", "customer_id": customer, "owner_id": owner,
                          "created_at": (day + timedelta(minutes=rng.randrange(600))).strftime("%Y-%m-%d %H:%M:%S"),
                          "status": "open", "budget_provided": rng.random() < 0.5 if complete else None,
                          "delivery_date_specified": rng.random() < 0.5,
                          "purchase_freq_per_month": float(rng.randrange(4))})
    changed = _sample(engine, Lead.lead_id, Lead.status == "open", n_leads - len(new_leads), rng)
    changed_leads = _rows(engine, "leads", changed, budget_provided=True,
                          delivery_date_specified=[rng.random() < 0.7 for _ in changed],
                          purchase_freq_per_month=[float(rng.randrange(1, 4)) for _ in changed])
    with session_scope(engine) as session:
        written["leads"] = _imported(import_frame(session, "leads", pd.DataFrame(new_leads)))
        written["leads"] += _imported(import_frame(session, "leads", changed_leads))

    shipped = _sample(engine, Order.order_id, Order.status == "open", int(counts["orders"] * fraction), rng)
    with session_scope(engine) as session:
        written["orders"] = _imported(import_frame(session, "orders",
                                                   _rows(engine, "orders", shipped, status="shipped", shipped_at=stamp)))
        tracked = shipped[: len(shipped) * 3 // 4]  # a quarter still waits for its tracking number
        written["shipments"] = _imported(import_frame(session, "shipments", pd.DataFrame(
            [{"shipment_id": f"SH{day:%Y%m%d}-{i:06d}", "order_id": o, "carrier": "顺丰", "tracking_no": f"SF{i:010d}",
              "shipped_at": stamp} for i, o in enumerate(tracked)])))

    paid = _sample(engine, Invoice.invoice_id, Invoice.status == "issued", int(counts["invoices"] * fraction), rng)
    with session_scope(engine) as session:
        written["invoices"] = _imported(import_frame(session, "invoices", _rows(engine, "invoices", paid, status="paid")))

    done = _sample(engine, Task.task_id, Task.done_at.is_(None), int(counts["tasks"] * fraction), rng)
    with session_scope(engine) as session:
        written["tasks"] = _imported(import_frame(session, "tasks", _rows(engine, "tasks", done, done_at=stamp)))
    return written


def _imported(result) -> int:
    return int(result.inserted + result.updated)

"""Store parsed bank lines in ``bank_transactions`` (upsert by ``txn_id``).

Insert new serials, update changed lines, leave identical ones alone.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import BankTransaction
from .bank_statements import COLUMNS


def store_lines(session: Session, frame: pd.DataFrame, *, source: str, actor: str) -> tuple[int, int, int]:
    """Upsert ``frame`` (canonical bank columns) in the caller's transaction; (inserted, updated, unchanged)."""
    return _upsert(session, frame)


def _upsert(session: Session, frame: pd.DataFrame) -> tuple[int, int, int]:
    records: list[dict[str, Any]] = frame[list(COLUMNS)].to_dict("records")
    ids = [r["txn_id"] for r in records]
    existing: dict[str, BankTransaction] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        existing.update({t.txn_id: t for t in session.scalars(
            select(BankTransaction).where(BankTransaction.txn_id.in_(chunk)))})
    inserted = updated = unchanged = 0
    for record in records:
        record = {k: (None if v is None or v is pd.NA or (isinstance(v, float) and pd.isna(v)) else v)
                  for k, v in record.items()}
        current = existing.get(record["txn_id"])
        if current is None:
            session.add(BankTransaction(**record))
            inserted += 1
            continue
        changed = False
        for name, value in record.items():
            if getattr(current, name) != value:
                setattr(current, name, value)
                changed = True
        updated += changed
        unchanged += not changed
    session.flush()
    return inserted, updated, unchanged

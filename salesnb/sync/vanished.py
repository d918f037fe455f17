"""Rows that vanished from a source: on a full sync, keys in the store that the source no longer has.

They are reported, never deleted: the other system may have archived them,
or another source fills the same table (the report then lists that source's
rows too — give each table one full-synced source).
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
from sqlalchemy import Engine, select

from ..models import Base
from ..schema import table_spec
from .write import keys_of


def store_keys(engine: Engine, table: str) -> set[str]:
    """Every key of ``table`` in the store, as text (like :func:`~salesnb.sync.write.keys_of`)."""
    pk = list(table_spec(table).primary_key)
    model = Base.metadata.tables[table]
    with engine.connect() as conn:
        rows = conn.execute(select(*(model.c[k] for k in pk))).all()
    if not rows:
        return set()
    frame = pd.DataFrame([tuple(r) for r in rows], columns=pk)
    keys = keys_of(frame, table)
    return set(keys) if keys is not None else set()


def vanished(engine: Engine, table: str, seen: Iterable[str]) -> list[str]:
    """Keys in the store that a full read did not see, sorted."""
    return sorted(store_keys(engine, table) - set(seen))

"""The built-in source: production slots, lanes and bank transactions as imported into the store."""

from __future__ import annotations

import operator

from sqlalchemy import select

from ...models import BankTransaction, Lane, ProductionSlot
from ...schema import table_spec
from ..hookspecs import hookimpl

_MODELS = {"production_slots": ProductionSlot, "lanes": Lane, "bank_transactions": BankTransaction}
# filter name → (column, comparison)
_FILTERS = {
    "production_slots": {"product_line": ("product_line", operator.eq), "date_from": ("date", operator.ge),
                         "date_to": ("date", operator.le), "min_capacity": ("free_capacity", operator.ge)},
    "lanes": {"dest_region": ("dest_region", operator.eq), "carrier": ("carrier", operator.eq)},
    "bank_transactions": {"booked_from": ("booked_at", operator.ge), "booked_to": ("booked_at", operator.lt),
                          "direction": ("direction", operator.eq)},
}
_ORDER = {"production_slots": ("product_line", "date"), "lanes": ("dest_region", "transit_days", "carrier"),
          "bank_transactions": ("booked_at", "txn_id")}


@hookimpl(trylast=True)
def salesnb_read_source(engine, table, filters):
    model = _MODELS.get(table)
    if model is None:
        return None
    conditions = []
    for name, value in filters.items():
        if name not in _FILTERS[table]:
            raise ValueError(f"unknown filter {name!r} for {table}; expected {', '.join(_FILTERS[table])}")
        if value is not None:
            column, compare = _FILTERS[table][name]
            conditions.append(compare(getattr(model, column), value))
    columns = [c.name for c in table_spec(table).columns]
    query = (select(*(getattr(model, c) for c in columns)).where(*conditions)
             .order_by(*(getattr(model, c) for c in _ORDER[table])))
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    import pandas as pd  # the sources hook answers with frames; registering the plugin loads no pandas

    return pd.DataFrame([tuple(r) for r in rows], columns=columns)

"""Source plugins: where production slots, lanes and bank transactions come from.

Engines call :func:`read_source`; the ``salesnb_read_source`` hook asks
third-party sources (an ERP, a bank API) first and the built-in ``store``
source last.
"""

from __future__ import annotations

from typing import Any

from ..manager import get_plugin_manager

SOURCE_TABLES = ("production_slots", "lanes", "bank_transactions")


def read_source(engine, table: str, **filters: Any):
    """Rows of ``table`` (a pandas DataFrame with canonical columns) matching ``filters``.

    Filters: production_slots — ``product_line``, ``date_from``, ``date_to``,
    ``min_capacity``; lanes — ``dest_region``, ``carrier``;
    bank_transactions — ``booked_from``, ``booked_to`` (half-open), ``direction``.
    """
    if table not in SOURCE_TABLES:
        raise ValueError(f"no source table {table!r}; expected one of {', '.join(SOURCE_TABLES)}")
    frame = get_plugin_manager().hook.salesnb_read_source(engine=engine, table=table, filters=dict(filters))
    if frame is None:
        raise LookupError(f"no source plugin answered for {table!r}")
    return frame

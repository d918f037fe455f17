"""One rule language for records, frames and SQL.

A rule is JSON data (see :mod:`salesnb.rules.parse` for the grammar); it is
validated against the fields of a table and compiles to

* :func:`to_predicate` — a Python function on one record,
* :func:`to_mask` — a pandas boolean mask on a frame,
* :func:`to_sql` — a SQLAlchemy expression, so checks run inside SQLite or PostgreSQL.

All three agree, NULLs included (a comparison with a missing value is false).
"""

from __future__ import annotations

import importlib
from typing import Any

# name → module: imported on first use, so a caller of to_sql does not pay for pandas (to_mask)
_EXPORTS = {
    "FieldInfo": "fields", "FieldSet": "fields", "field_set": "fields",
    "RuleError": "parse", "parse_rule": "parse", "validate_rule": "parse",
    "to_predicate": "predicate", "to_mask": "mask", "to_sql": "sql",
    "save_rule": "store", "latest_rules": "store", "get_rule": "store", "validate_definition": "store",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

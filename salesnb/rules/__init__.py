"""One rule language for records, frames and SQL.

A rule is JSON data (see :mod:`salesnb.rules.parse` for the grammar); it is
validated against the fields of a table and compiles to

* :func:`to_predicate` — a Python function on one record,
* :func:`to_mask` — a pandas boolean mask on a frame,
* :func:`to_sql` — a SQLAlchemy expression, so checks run inside SQLite or PostgreSQL.

All three agree, NULLs included (a comparison with a missing value is false).
"""

from .fields import FieldInfo, FieldSet, field_set
from .mask import to_mask
from .parse import RuleError, parse_rule, validate_rule
from .predicate import to_predicate
from .sql import to_sql
from .store import get_rule, latest_rules, save_rule, validate_definition

__all__ = [
    "FieldInfo", "FieldSet", "field_set",
    "RuleError", "parse_rule", "validate_rule",
    "to_predicate", "to_mask", "to_sql",
    "save_rule", "latest_rules", "get_rule", "validate_definition",
]

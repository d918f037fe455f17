"""What a stored rule definition may hold, validated without the check engine.

Kinds: ``check`` (a custom check, turned into a :class:`salesnb.checks.Check`
by :mod:`salesnb.checks.stored`) and ``filter`` (``{"table": ..., "rule": ...}``,
a saved selection).  A check definition::

    {"table": "orders", "rule": {...}, "severity": "warning",
     "owner": "owner_id" | {"via": "contract_id", "table": "contracts"},
     "started": "accepted_at",  (the time the breakpoint's clock starts; default created_at)
     "title": {"zh-CN": "...", "en": "..."},
     "message": {"zh-CN": "订单 {entity_id} ...", "en": "Order {entity_id} ..."}}
"""

from __future__ import annotations

from typing import Any

from ..models import Base
from .fields import canonical_tables, field_set
from .parse import RuleError, parse_rule

#: How serious a check's findings are; shared by the check engine and the rule editor.
SEVERITIES = ("info", "warning", "critical")

KEYS = {"table", "rule", "severity", "owner", "started", "title", "message", "description"}


def validate_check_definition(definition: Any, name: str = "check") -> None:
    """Raise :class:`RuleError` listing every problem of a stored check definition."""
    problems: list[str] = []
    if not isinstance(definition, dict):
        raise RuleError(['definition: expected {"table": ..., "rule": ...}'], name)
    extra = sorted(set(definition) - KEYS)
    if extra:
        problems.append(f"definition: unexpected key(s) {', '.join(extra)} (allowed: {', '.join(sorted(KEYS))})")
    table = definition.get("table")
    if table not in canonical_tables():
        problems.append(f"definition.table: unknown table {table!r}; known: {', '.join(canonical_tables())}")
        raise RuleError(problems, name)
    if "rule" not in definition:
        problems.append("definition.rule: required")
    else:
        try:
            parse_rule(definition["rule"], table, name=name)
        except RuleError as exc:
            problems.extend(p.replace("rule", "definition.rule", 1) for p in exc.problems)
    if definition.get("severity", "warning") not in SEVERITIES:
        problems.append(f"definition.severity: expected one of {', '.join(SEVERITIES)}")
    fields = field_set(table)
    owner = definition.get("owner", "owner_id" if "owner_id" in Base.metadata.tables[table].c else None)
    if isinstance(owner, str) and getattr(fields.get(owner), "kind", None) != "str":
        problems.append(f"definition.owner: {table} has no text field {owner!r}")
    elif isinstance(owner, dict):
        via, target = owner.get("via"), owner.get("table")
        if via not in Base.metadata.tables[table].c or target not in canonical_tables() \
                or "owner_id" not in Base.metadata.tables[target].c:
            problems.append('definition.owner: expected {"via": column, "table": table with owner_id}')
    started = definition.get("started")
    if started is not None and getattr(fields.get(started), "kind", None) != "datetime":
        problems.append(f"definition.started: {table} has no datetime field {started!r}")
    for key in ("title", "message"):
        value = definition.get(key)
        if value is not None and not (isinstance(value, str) or
                                      (isinstance(value, dict) and all(isinstance(v, str) for v in value.values()))):
            problems.append(f"definition.{key}: expected text or {{\"zh-CN\": text, \"en\": text}}")
    if problems:
        raise RuleError(problems, name)



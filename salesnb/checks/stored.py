"""Checks from stored rules (table ``rules``, kind ``check``).

A definition::

    {"table": "orders", "rule": {...}, "severity": "warning",
     "owner": "owner_id" | {"via": "contract_id", "table": "contracts"},
     "title": {"zh-CN": "...", "en": "..."},
     "message": {"zh-CN": "订单 {entity_id} ...", "en": "Order {entity_id} ..."}}

Only ``table`` and ``rule`` are required; the message may use ``{entity_id}``,
``{owner_id}``, ``{region}`` and ``{check}``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from ..models import Base
from ..rules.fields import canonical_tables
from ..rules.parse import RuleError, parse_rule
from .base import SEVERITIES, Check, related_owner

KEYS = {"table", "rule", "severity", "owner", "title", "message", "description"}


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
    owner = definition.get("owner", "owner_id" if "owner_id" in Base.metadata.tables[table].c else None)
    if isinstance(owner, str) and owner not in Base.metadata.tables[table].c:
        problems.append(f"definition.owner: {table} has no column {owner!r}")
    elif isinstance(owner, dict):
        via, target = owner.get("via"), owner.get("table")
        if via not in Base.metadata.tables[table].c or target not in canonical_tables() \
                or "owner_id" not in Base.metadata.tables[target].c:
            problems.append('definition.owner: expected {"via": column, "table": table with owner_id}')
    for key in ("title", "message"):
        value = definition.get(key)
        if value is not None and not (isinstance(value, str) or
                                      (isinstance(value, dict) and all(isinstance(v, str) for v in value.values()))):
            problems.append(f"definition.{key}: expected text or {{\"zh-CN\": text, \"en\": text}}")
    if problems:
        raise RuleError(problems, name)


def check_from_definition(name: str, definition: dict[str, Any]) -> Check:
    """A :class:`Check` from a validated stored definition."""
    table = definition["table"]
    owner: Any = definition.get("owner", "owner_id" if "owner_id" in Base.metadata.tables[table].c else None)
    if isinstance(owner, dict):
        owner = related_owner(owner["via"], owner["table"])
    message = definition.get("message") or {"zh-CN": f"{name}：{{entity_id}}", "en": f"{name}: {{entity_id}}"}
    return Check(name=name, table=table, rule=definition["rule"], severity=definition.get("severity", "warning"),
                 owner=owner, title=definition.get("title"), message=message, source="stored rule")


def stored_checks(session: Session) -> list[Check]:
    """The newest enabled version of every stored check rule."""
    from ..rules.store import latest_rules

    return [check_from_definition(row.name, row.definition)
            for row in latest_rules(session, "check", enabled_only=True)]

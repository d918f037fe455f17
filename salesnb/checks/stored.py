"""Checks from stored rules (table ``rules``, kind ``check``).

A definition (validated by :mod:`salesnb.rules.definitions`)::

    {"table": "orders", "rule": {...}, "severity": "warning",
     "owner": "owner_id" | {"via": "contract_id", "table": "contracts"}, "started": "accepted_at",
     "title": {"zh-CN": "...", "en": "..."},
     "message": {"zh-CN": "订单 {entity_id} ...", "en": "Order {entity_id} ..."}}

Only ``table`` and ``rule`` are required; the message may use ``{entity_id}``,
``{owner_id}``, ``{region}`` and ``{check}``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from ..models import Base
from ..rules.store import latest_rules
from .base import Check, related_owner


def check_from_definition(name: str, definition: dict[str, Any]) -> Check:
    """A :class:`Check` from a validated stored definition."""
    table = definition["table"]
    owner: Any = definition.get("owner", "owner_id" if "owner_id" in Base.metadata.tables[table].c else None)
    if isinstance(owner, dict):
        owner = related_owner(owner["via"], owner["table"])
    message = definition.get("message") or {"zh-CN": f"{name}：{{entity_id}}", "en": f"{name}: {{entity_id}}"}
    return Check(name=name, table=table, rule=definition["rule"], severity=definition.get("severity", "warning"),
                 owner=owner, title=definition.get("title"), message=message, source="stored rule",
                 started=definition.get("started"))


def stored_checks(session: Session) -> list[Check]:
    """The newest enabled version of every stored check rule."""
    return [check_from_definition(row.name, row.definition)
            for row in latest_rules(session, "check", enabled_only=True)]

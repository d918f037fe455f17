"""How many records a rule matches right now, and a few of them: the rule editor's live preview.

Two kinds of rule are previewed:

- a rule over a canonical table (a custom check or a saved filter): counted
  inside the database with :func:`salesnb.rules.to_sql`;
- a scorecard grading rule over the scorecard's fields: evaluated on every
  lead's stored answers with :func:`salesnb.rules.to_predicate`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import FromClause

from ..db import session_scope
from ..models import Base, Lead
from .fields import FieldInfo, field_set
from .nodes import node_fields
from .parse import parse_rule
from .predicate import to_predicate
from .sql import to_sql


# (session, table, computed field names, as_of) → the table with those computed fields as columns
SourceFor = Callable[[Session, str, set[str], datetime], FromClause]


@dataclass
class Preview:
    """The outcome of a preview: ``count`` matching records out of ``total``, and a sample of them."""

    count: int
    total: int
    columns: list[str] = field(default_factory=list)
    sample: list[list[Any]] = field(default_factory=list)


def rule_fields(rule: Any) -> list[str]:
    """Field names a rule compares, in order of first use (nested groups included)."""
    seen: dict[str, None] = {}

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("field"), str):
                seen.setdefault(node["field"], None)
            for key in ("all", "any", "of"):
                for item in node.get(key) or []:
                    walk(item)
            if "not" in node:
                walk(node["not"])

    walk(rule)
    return list(seen)


def preview_table_rule(engine: Engine, table: str, rule: Any, as_of: datetime, sample: int = 5, *,
                       source: SourceFor | None = None) -> Preview:
    """Count the rows of ``table`` matching ``rule`` as of ``as_of``; sample the first ``sample`` of them.

    The sample holds the primary key and the fields the rule uses.  ``source``
    gives the table with the computed fields the rule names
    (:func:`salesnb.checks.computed.computed_preview_source`).
    Raises :class:`salesnb.rules.RuleError` for an invalid rule.
    """
    node = parse_rule(rule, table)
    with session_scope(engine) as session:
        target = Base.metadata.tables[table] if source is None else source(session, table, node_fields(node), as_of)
        condition = to_sql(node, table, as_of, source=target)
        key = [target.c[c.name] for c in Base.metadata.tables[table].primary_key.columns]
        shown = key + [target.c[name] for name in rule_fields(rule) if name in target.c and target.c[name] not in key]
        count = session.scalar(select(func.count()).select_from(target).where(condition))
        total = session.scalar(select(func.count()).select_from(target))
        rows = session.execute(select(*shown).where(condition).order_by(*key).limit(sample)).all()
    return Preview(int(count or 0), int(total or 0), [c.name for c in shown], [list(r) for r in rows])


def preview_scorecard_rule(engine: Engine, fields: dict[str, tuple[str, str | None]], rule: Any,
                           sample: int = 5) -> Preview:
    """Count the leads whose stored scorecard answers satisfy ``rule``.

    ``fields`` maps each scorecard field to ``(kind, leads column or None)``;
    answers without a column are read from ``leads.extra["scorecard"]``.
    Leads with a required answer missing simply do not match a comparison on it.
    """
    kinds = field_set({name: FieldInfo(name, kind) for name, (kind, _column) in fields.items()})
    predicate = to_predicate(rule, kinds)
    used = rule_fields(rule)
    count = total = 0
    rows: list[list[Any]] = []
    with session_scope(engine) as session:
        for lead in session.scalars(select(Lead).order_by(Lead.lead_id).execution_options(yield_per=2000)):
            stored = (lead.extra or {}).get("scorecard") or {}
            record = {}
            for name, (kind, column) in fields.items():
                value = getattr(lead, column) if column else stored.get(name)
                record[name] = float(value) if value is not None and kind == "float" else value
            total += 1
            if predicate(record):
                count += 1
                if len(rows) < sample:
                    rows.append([lead.lead_id, *(record.get(name) for name in used)])
    return Preview(count, total, ["lead_id", *used], rows)

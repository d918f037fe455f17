"""What a check is: a named rule (or a small query) over one table, with severity, owner and message.

Every check yields *hits*: a SELECT with one row per entity and the columns
``entity_id`` (required), ``owner_id``, ``region``, ``level``, ``bucket`` and
``started_at`` (when the breakpoint's clock started: the record time the check
measures from; it orders digests and tells a baseline's backlog from new
breakpoints); any other column is a detail (stored in ``findings.details`` and usable in the
message template as ``{name}``).  Check thresholds are parameters: defaults
here, overridden in ``salesnb.toml`` under ``[checks.NAME]``.
"""

from __future__ import annotations

import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Select, String, cast, func, literal, null, select
from sqlalchemy.sql import ColumnElement, FromClause

from ..errors import ConfigError
from ..i18n import t
from ..models import Base, Finding, User
from ..rules import parse_rule, to_sql
from ..rules.definitions import SEVERITIES
from ..rules.nodes import node_fields
from ..rules.sqlfuncs import json_object
from . import messages  # noqa: F401 - the keys of the errors below
from .computed import computed_source

STANDARD_COLUMNS = ("entity_id", "owner_id", "region", "level", "bucket", "started_at")

Expr = ColumnElement[Any]
OwnerSpec = str | Callable[[FromClause], Expr] | None


@dataclass(frozen=True)
class CheckContext:
    """Everything a check needs to build its SQL: the time, its parameters, the language, a session."""

    as_of: datetime
    params: Mapping[str, Any]
    language: str = "zh-CN"
    session: Any = None  # a Session on the run's connection, for checks that read settings from the store
    prefetched: Any = None  # a Future of the check's ``prefetch`` when the run started it


@dataclass
class Check:
    """A named breakpoint check.

    Give either ``rule`` (JSON rule over ``table``, or a function of the
    parameters returning one) or ``query`` (a function of the
    :class:`CheckContext` returning a SELECT with ``entity_id`` and optional
    standard / detail columns).  ``owner`` is a column name of ``table`` or a
    function of the table returning an SQL expression (e.g. an owner found
    through a join).  ``needs`` names the columns the check reads
    (:class:`~salesnb.checks.blind.Needs`): a run reports those empty on every
    row in scope as a data problem instead of trusting the count.  ``message`` is an i18n key or
    ``{"zh-CN": ..., "en": ...}`` with ``{placeholders}`` naming parameters or hit columns.  ``started`` names
    the column of ``table`` a rule check measures from (default ``created_at``
    when the table has one); a query check returns a ``started_at`` column.
    """

    name: str
    table: str
    rule: dict[str, Any] | Callable[[Mapping[str, Any]], dict[str, Any]] | None = None
    query: Callable[[CheckContext], Select] | None = None
    severity: str = "warning"
    owner: OwnerSpec = "owner_id"
    entity_type: str | None = None
    message: str | Mapping[str, str] | None = None
    title: str | Mapping[str, str] | None = None
    params: Mapping[str, Any] = field(default_factory=dict)
    breakdown: tuple[str, tuple[str, ...]] | None = None  # ("bucket" | "level", keys always reported)
    source: str = "python"
    needs: tuple[Any, ...] = ()  # salesnb.checks.blind.Needs: inputs reported when empty for a whole table
    started: str | None = None
    # work the check can do on a connection of its own, beside the checks run before it (Python, like the
    # breaker's rule): called as prefetch(engine, as_of) in a worker thread at the start of the run
    prefetch: Callable[[Any, datetime], Any] | None = None

    def __post_init__(self) -> None:
        if (self.rule is None) == (self.query is None):
            raise ConfigError("checks.def.rule_or_query", name=self.name)
        if self.severity not in SEVERITIES:
            raise ConfigError("checks.def.severity", name=self.name, severities=", ".join(SEVERITIES))
        if self.table not in Base.metadata.tables:
            raise ConfigError("checks.def.table", name=self.name, table=repr(self.table))
        if self.entity_type is None:
            self.entity_type = self.table

    # ------------------------------------------------------------ parts
    def rule_for(self, params: Mapping[str, Any]) -> dict[str, Any] | None:
        """The JSON rule with parameters applied (None for query checks)."""
        return self.rule(params) if callable(self.rule) else self.rule

    def label(self, language: str = "zh-CN") -> str:
        return _text(self.title, language) or self.name

    def template(self, language: str = "zh-CN") -> str:
        return _text(self.message, language) or f"{self.name}: {{entity_id}}"

    def validate(self, params: Mapping[str, Any]) -> None:
        """Raise if the rule does not validate (query checks are code and validated by their tests)."""
        rule = self.rule_for(params)
        if rule is not None:
            parse_rule(rule, self.table, name=f"check {self.name}")

    def hits(self, ctx: CheckContext) -> Select:
        """One row per entity the check finds (see the module docstring for the columns)."""
        if self.query is not None:
            return self.query(ctx)
        stored = Base.metadata.tables[self.table]
        pk = list(stored.primary_key.columns)
        if len(pk) != 1:
            raise ConfigError("checks.def.key", name=self.name)
        node = parse_rule(self.rule_for(ctx.params), self.table, name=f"check {self.name}")
        wanted = node_fields(node) | {n for n in (self.owner, self.started) if isinstance(n, str)}
        table = computed_source(ctx, self.table, wanted)  # the table, plus the computed fields it names
        columns = [cast(table.c[pk[0].name], String).label("entity_id"), owner_expr(self.owner, table).label("owner_id")]
        if "region" in table.c:
            columns.append(table.c.region.label("region"))
        started = self.started or ("created_at" if "created_at" in table.c else None)
        if started is not None:
            columns.append(table.c[started].label("started_at"))
        return select(*columns).where(to_sql(node, self.table, ctx.as_of, source=table))


def _text(value: str | Mapping[str, str] | None, language: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return t(value, language)
    return value.get(language) or value.get("zh-CN") or next(iter(value.values()), None)


def owner_expr(owner: OwnerSpec, table: FromClause) -> Expr:
    if owner is None:
        return null()
    if callable(owner):
        return owner(table)
    return table.c[owner]


def finding_select(check: Check, ctx: CheckContext) -> Select:
    """The check's hits shaped as findings: entity_id, owner_id, region, level, bucket, started_at, message,
    details, each typed as its ``findings`` column (a column the check does not give is a typed NULL, so a
    table created from this query compares and copies like ``findings``)."""
    hits = materialised(check.hits(ctx), "hits")
    cols, stored = hits.c, Finding.__table__.c

    def given(name: str) -> Expr:
        return cols[name] if name in cols else cast(null(), stored[name].type)

    owner, region, source = given("owner_id"), given("region"), hits
    if "owner_id" in cols:
        # the owner's region by a join, not a subquery per hit: PostgreSQL ran that once for each of 450,000 hits
        users = User.__table__
        source = hits.outerjoin(users, users.c.user_id == owner)
        region = func.coalesce(cols.region, users.c.region) if "region" in cols else users.c.region
    extra = {c.key: c for c in cols if c.key not in STANDARD_COLUMNS}
    return select(
        cols.entity_id,
        owner.label("owner_id"),
        region.label("region"),
        given("level").label("level"),
        given("bucket").label("bucket"),
        given("started_at").label("started_at"),
        render_message(check.template(ctx.language), ctx.params, cols).label("message"),
        (json_object(extra) if extra else given("details")).label("details"),
    ).select_from(source)


def materialised(query: Select, name: str):
    """``query`` as a CTE computed once (``AS MATERIALIZED``, SQLite ≥ 3.35 and PostgreSQL ≥ 12).

    Without it both databases may inline the subquery and evaluate its
    expressions (correlated subqueries, time arithmetic) once per reference.
    """
    return query.cte(name).prefix_with("MATERIALIZED")


def render_message(template: str, params: Mapping[str, Any], columns) -> Expr:
    """SQL concatenating the template's text, parameter values and hit columns (NULL shows as '-')."""
    parts: list[Expr] = []
    for text, name, spec, _conv in string.Formatter().parse(template):
        if text:
            parts.append(literal(text, String))
        if name is None:
            continue
        if name in params:
            parts.append(literal(format(params[name], spec or ""), String))
        elif name in columns:
            parts.append(func.coalesce(cast(columns[name], String), "-"))
        else:
            parts.append(literal("{" + name + "}", String))
    if not parts:
        return literal("", String)
    message = parts[0]
    for part in parts[1:]:
        message = message.op("||")(part)
    return cast(message, String)


def related_owner(via: str, target: str, key: str = "owner_id") -> Callable[[FromClause], Expr]:
    """Owner read from another table: ``target.owner_id`` where ``target``'s key = ``table.via``."""
    def expr(table: FromClause) -> Expr:
        other = Base.metadata.tables[target]
        pk = list(other.primary_key.columns)[0]
        return select(other.c[key]).where(pk == table.c[via]).scalar_subquery()
    return expr


def first_owner(*specs: Callable[[FromClause], Expr]) -> Callable[[FromClause], Expr]:
    """The first non-null of several owner expressions."""
    return lambda table: func.coalesce(*(spec(table) for spec in specs))


__all__ = ["Check", "CheckContext", "finding_select", "materialised", "render_message", "related_owner", "first_owner",
           "owner_expr"]

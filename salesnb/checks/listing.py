"""The open findings a person lists, counted and paged in the database (no frame of every finding).

An app shows counts first (per check, with the worst severity), then one page
of rows; a store with 100,000s of open findings costs a few indexed queries
per page, not a table of every finding in the browser.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, Engine, Row, String, cast, func, or_, select

from ..auth.visibility import Scope
from ..models import Finding, OpenFindingCount

SEVERITY_RANK = {"info": 0, "warning": 1, "critical": 2}
LIST_COLUMNS = ("id", "check_name", "entity_type", "entity_id", "owner_id", "region", "severity", "message",
                "first_seen")


@dataclass(frozen=True)
class FindingQuery:
    """Which open findings: a person's scope and the filters of the list (empty: any)."""

    scope: Scope | None = None
    owner: str = ""
    region: str = ""
    check: str = ""
    entity: str = ""

    def conditions(self) -> list[ColumnElement[bool]]:
        """The conditions on ``findings``."""
        f = Finding.__table__.c
        return [f.resolved_at.is_(None), *self._filters(f, entity=True)]

    def count_conditions(self) -> list[ColumnElement[bool]]:
        """The same conditions on ``open_finding_counts`` (usable when no entity is asked for)."""
        c = OpenFindingCount.__table__.c
        return [c.n > 0, *self._filters(c, entity=False)]

    def _filters(self, columns, *, entity: bool) -> list[ColumnElement[bool]]:
        out: list[ColumnElement[bool]] = []
        if self.scope is not None:
            out.append(self.scope.clause(columns.owner_id))
        for column, value in (("owner_id", self.owner), ("region", self.region), ("check_name", self.check)):
            if value:
                out.append(columns[column] == value)
        if entity and self.entity:
            out.append(columns.entity_id == self.entity)
        return out


@dataclass(frozen=True)
class CheckCount:
    """How many listed findings one check has, and the worst severity among them."""

    check_name: str
    count: int
    severity: str


def count_by_check(engine: Engine, query: FindingQuery) -> list[CheckCount]:
    """Per check (by name): the number of findings the query lists and their worst severity.

    Read from the trigger-kept ``open_finding_counts`` (a few hundred rows however many findings are
    open), or from the findings when one entity is asked for.
    """
    if query.entity:
        f = Finding.__table__.c
        stmt = (select(f.check_name, f.severity, func.count()).where(*query.conditions())
                .group_by(f.check_name, f.severity))
    else:
        c = OpenFindingCount.__table__.c
        stmt = (select(c.check_name, c.severity, func.sum(c.n)).where(*query.count_conditions())
                .group_by(c.check_name, c.severity))
    counts: dict[str, list] = {}
    with engine.connect() as conn:
        for name, severity, n in conn.execute(stmt):
            entry = counts.setdefault(name, [0, severity])
            entry[0] += int(n)
            if SEVERITY_RANK.get(severity, -1) > SEVERITY_RANK.get(entry[1], -1):
                entry[1] = severity
    return [CheckCount(name, n, severity) for name, (n, severity) in sorted(counts.items()) if n]


def filter_choices(engine: Engine, scope: Scope | None) -> dict[str, list[str]]:
    """The owners, regions and checks that open findings in ``scope`` have (for the filter drop-downs)."""
    c = OpenFindingCount.__table__.c
    base = FindingQuery(scope=scope).count_conditions()
    out = {}
    with engine.connect() as conn:
        for key, column in (("owner", c.owner_id), ("region", c.region), ("check", c.check_name)):
            out[key] = sorted(v for v in conn.scalars(select(column).where(*base, column != "").distinct()))
    return out


def findings_page(engine: Engine, query: FindingQuery, *, limit: int | None = 200, offset: int = 0) -> list[Row]:
    """One page of the listed findings (by check, newest first), each row with :data:`LIST_COLUMNS`."""
    f = Finding.__table__.c
    stmt = (select(*(f[c] for c in LIST_COLUMNS)).where(*query.conditions())
            .order_by(f.check_name, f.first_seen.desc(), f.entity_id, f.id).offset(offset))
    if limit is not None:
        stmt = stmt.limit(limit)
    with engine.connect() as conn:
        return conn.execute(stmt).all()


def find_entity(engine: Engine, scope: Scope | None, item: str) -> str | None:
    """The entity an ``?item=`` names — an entity id or a finding id — among the open findings in ``scope``."""
    f = Finding.__table__.c
    stmt = (select(f.entity_id).where(*FindingQuery(scope=scope).conditions(),
                                      or_(f.entity_id == item, cast(f.id, String) == item)).limit(1))
    with engine.connect() as conn:
        return conn.scalar(stmt)

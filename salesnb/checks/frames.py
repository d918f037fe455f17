"""Findings and a check's matching rows as pandas DataFrames."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from ..auth.visibility import Scope
from ..config import Settings, load_settings
from ..models import Base, CheckRun, Finding, OpenFindingCount
from ..timeutil import parse_timestamp
from .base import CheckContext, finding_select
from .registry import available_checks, check_params

FINDING_COLUMNS = ("id", "check_name", "entity_type", "entity_id", "owner_id", "region", "severity", "level",
                   "bucket", "message", "details", "first_seen", "last_seen", "resolved_at", "run_id")


def findings_frame(engine: Engine, open_only: bool = True, check: str | None = None, *,
                   scope: Scope | None = None) -> pd.DataFrame:
    """Stored findings (open ones by default; of one ``check`` if given), newest first.

    ``scope`` keeps the findings of the owners a person sees (:func:`salesnb.auth.scope_of`).
    """
    f = Finding.__table__
    query = select(*(f.c[c] for c in FINDING_COLUMNS)).order_by(f.c.check_name, f.c.first_seen.desc(), f.c.entity_id)
    if open_only:
        query = query.where(f.c.resolved_at.is_(None))
    if check is not None:
        query = query.where(f.c.check_name == check)
    if scope is not None:
        query = query.where(scope.clause(f.c.owner_id))
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    frame = pd.DataFrame(rows, columns=list(FINDING_COLUMNS))
    return frame.astype({"id": "int64", "level": "Int64", "run_id": "Int64"})


def open_findings_by_check(engine: Engine) -> pd.Series:
    """How many findings each check has open (counted in the database), largest first."""
    c = OpenFindingCount.__table__.c  # kept by triggers on findings: no scan of every open finding
    query = select(c.check_name, func.sum(c.n)).where(c.n > 0).group_by(c.check_name)
    with engine.connect() as conn:
        counts = {name: int(n) for name, n in conn.execute(query).all()}
    return pd.Series(counts, name="open", dtype="int64").rename_axis("check_name").sort_values(ascending=False)


def latest_data_problems(engine: Engine) -> list[str]:
    """What the latest successful check run could not see (:mod:`salesnb.checks.blind`), one sentence each."""
    query = select(CheckRun.summary).where(CheckRun.status == "ok").order_by(CheckRun.id.desc()).limit(1)
    with engine.connect() as conn:
        summary = conn.scalar(query)
    return list((summary or {}).get("data_problems") or [])


def check_frame(engine: Engine, name: str, as_of: datetime | str, *, settings: Settings | None = None,
                with_rows: bool = True) -> pd.DataFrame:
    """What check ``name`` finds as of ``as_of`` (nothing stored): the finding columns and, with
    ``with_rows``, the matching rows of the check's table."""
    settings = settings or load_settings()
    as_of = parse_timestamp(as_of)
    with Session(engine) as session:
        check = available_checks(session)[name]
        config = settings.section("checks").get(name) or {}
        ctx = CheckContext(as_of, check_params(check, config), settings.language, session)
        hits = finding_select(check, ctx).subquery("hits")
        query = select(hits)
        if with_rows:
            table = Base.metadata.tables[check.table]
            pk = list(table.primary_key.columns)[0]
            row_cols = [c for c in table.c if c.name not in hits.c and c.name != "extra"]
            query = select(hits, *row_cols).join(table, pk == hits.c.entity_id)
        rows = session.execute(query.order_by(hits.c.entity_id))
        return pd.DataFrame(rows.all(), columns=list(rows.keys()))

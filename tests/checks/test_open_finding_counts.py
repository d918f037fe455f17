"""The open-finding counts the database keeps by triggers equal a count of the findings, whatever writes them."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

from sqlalchemy import delete, func, select, text, update

from salesnb.auth.visibility import Scope
from salesnb.checks.listing import FindingQuery, count_by_check, filter_choices
from salesnb.db import make_engine, session_scope, upgrade
from salesnb.models import Finding, OpenFindingCount

T0 = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
CHECKS, SEVERITIES, OWNERS, REGIONS = ["a", "b", "c"], ["info", "warning", "critical"], ["r1", "r2", None], \
    ["East", "", None]


def kept(engine) -> dict[tuple, int]:
    c = OpenFindingCount.__table__.c
    with engine.connect() as conn:
        return {tuple(r[:4]): r[4] for r in conn.execute(select(c.check_name, c.severity, c.owner_id, c.region, c.n)
                                                         .where(c.n != 0))}


def counted(engine) -> dict[tuple, int]:
    f = Finding.__table__.c
    key = (f.check_name, f.severity, func.coalesce(f.owner_id, ""), func.coalesce(f.region, ""))
    with engine.connect() as conn:
        return {tuple(r[:4]): r[4] for r in conn.execute(select(*key, func.count()).where(f.resolved_at.is_(None))
                                                         .group_by(*key))}


def _finding(rng: random.Random, n: int) -> dict:
    return dict(check_name=rng.choice(CHECKS), entity_type="lead", entity_id=f"L{n}", owner_id=rng.choice(OWNERS),
                region=rng.choice(REGIONS), severity=rng.choice(SEVERITIES), first_seen=T0, last_seen=T0,
                resolved_at=None if rng.random() < 0.7 else T0)


def test_counts_follow_every_kind_of_write(engine):
    rng = random.Random(5)
    with session_scope(engine) as session:  # bulk insert, as the check engine writes
        session.execute(Finding.__table__.insert(), [_finding(rng, n) for n in range(300)])
    assert kept(engine) == counted(engine) and sum(counted(engine).values()) > 150
    f = Finding.__table__.c
    for step in range(120):
        target = rng.randrange(1, 320)
        with session_scope(engine) as session:
            kind = step % 6
            if kind == 0:
                session.execute(update(Finding).where(f.id == target).values(resolved_at=T0 + timedelta(hours=1)))
            elif kind == 1:
                session.execute(update(Finding).where(f.id == target).values(resolved_at=None))  # reopened
            elif kind == 2:
                session.execute(update(Finding).where(f.id == target).values(owner_id=rng.choice(OWNERS),
                                                                             region=rng.choice(REGIONS)))
            elif kind == 3:
                session.execute(update(Finding).where(f.id == target).values(severity=rng.choice(SEVERITIES),
                                                                             check_name=rng.choice(CHECKS)))
            elif kind == 4:
                session.execute(delete(Finding).where(f.id == target))
            else:
                session.add(Finding(**_finding(rng, 1000 + step)))
    with session_scope(engine) as session:  # the per-run touch of last_seen moves nothing
        session.execute(update(Finding).values(last_seen=T0 + timedelta(days=1)))
    assert kept(engine) == counted(engine)
    with session_scope(engine) as session:  # a bulk resolve of one check, as a run resolves what it no longer sees
        session.execute(update(Finding).where(f.check_name == "a", f.resolved_at.is_(None))
                        .values(resolved_at=T0 + timedelta(days=2)))
    assert kept(engine) == counted(engine)
    assert not any(key[0] == "a" for key in counted(engine))


def test_lists_read_the_counts(engine):
    rng = random.Random(9)
    with session_scope(engine) as session:
        session.execute(Finding.__table__.insert(), [_finding(rng, n) for n in range(200)])
    f = Finding.__table__.c
    with engine.connect() as conn:
        for query in (FindingQuery(), FindingQuery(scope=Scope(frozenset({"r1"}))), FindingQuery(region="East"),
                      FindingQuery(check="b", owner="r2")):
            rows = conn.execute(select(f.check_name, func.count()).where(*query.conditions())
                                .group_by(f.check_name)).all()
            assert {c.check_name: c.count for c in count_by_check(engine, query)} == dict(rows)
        choices = filter_choices(engine, None)
        assert choices["owner"] == ["r1", "r2"] and choices["region"] == ["East"] and choices["check"] == CHECKS
        # a finding whose counts row was lost shows the counts are what the lists read
        conn.execute(text("DELETE FROM open_finding_counts WHERE check_name = 'c'"))
        conn.commit()
    assert "c" not in {c.check_name for c in count_by_check(engine, FindingQuery())}


def test_the_migration_counts_the_findings_already_there(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    upgrade(engine, "0014")
    rng = random.Random(3)
    with engine.begin() as conn:
        conn.execute(Finding.__table__.insert(), [_finding(rng, n) for n in range(100)])
    upgrade(engine)
    assert kept(engine) == counted(engine) and counted(engine)
    engine.dispose()


def test_postgresql_moves_the_counts_once_per_statement(engine):
    """A row trigger rewrote a counts row per finding: a first run's 1.4 M inserts took minutes on PostgreSQL."""
    if engine.dialect.name != "postgresql":
        return  # SQLite has row triggers only
    with engine.connect() as conn:
        levels = conn.execute(text("SELECT tgname, (tgtype & 1) = 1 AS per_row FROM pg_trigger "
                                   "WHERE tgrelid = 'findings'::regclass AND NOT tgisinternal")).all()
    assert {name for name, _ in levels} == {"findings_open_count_inserted", "findings_open_count_deleted",
                                            "findings_open_count_updated"}
    assert not any(per_row for _, per_row in levels)

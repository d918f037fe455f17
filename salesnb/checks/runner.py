"""Run checks inside the database and keep ``findings`` up to date, set-based.

For each check one statement compares its hits with its open findings and
keeps only what changed, in a temporary table (the delta): hits without an
open finding, open findings no longer hit, and hits whose level, bucket,
message or details differ from their finding's.  The hits themselves are
never written: on a rerun with little changed the delta is small.  Then
set-based statements apply it: changed findings get the new values and
``last_seen`` (the time of the last change), new hits become rows
(``first_seen``), findings no longer hit get ``resolved_at``.  A finding's
persistence is implied by it being open, so a rerun with nothing changed
writes no findings rows.  A whole run is one transaction and writes one
``check_runs`` row (a check's prefetch reads on a connection of its own).
Timestamps are the run's ``as_of``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from threading import Lock
from time import perf_counter
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    Engine,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    and_,
    cast,
    func,
    insert,
    null,
    literal,
    or_,
    select,
    text,
    union_all,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.pool import SingletonThreadPool, StaticPool
from sqlalchemy.sql import ColumnElement
from sqlalchemy.orm import Session
from sqlalchemy.schema import CreateTable, DropTable

from ..config import Settings, load_settings
from ..db import CreateTempTableAs, plan_for_bulk, refresh_statistics
from ..errors import ConfigError
from ..models import Baseline, CheckRun, Finding, OpenFindingCount
from ..timeutil import now, parse_timestamp
from ..types import UTCDateTime
from .alerts import backlog_condition, enqueue_new_finding_alerts
from .backlog import enqueue_backlog_summaries
from .base import Check, CheckContext, finding_select
from .blind import BlindSpot, blind_spots
from .baseline import AlertSettings, latest_baseline, record_baseline
from .registry import available_checks, check_params, select_checks

HIT_COLUMNS = ("entity_id", "owner_id", "region", "level", "bucket", "started_at", "message", "details")
_DELTA_COLUMNS = (*HIT_COLUMNS, "finding_id")
PG_LOCK_KEY = 7_390_001  # one check run at a time per database


@dataclass
class CheckResult:
    """What one check found in one run."""

    name: str
    title: str
    severity: str
    count: int
    new: int
    persisting: int
    resolved: int
    seconds: float
    breakdown: tuple[str, dict[str, int]] | None = None  # ("buckets" | "levels", counts)
    blind: list[BlindSpot] = field(default_factory=list)  # inputs empty for a whole table: the count is not trusted

    def to_dict(self) -> dict[str, Any]:
        out = {k: v for k, v in asdict(self).items() if k not in ("name", "breakdown", "blind")}
        out["seconds"] = round(self.seconds, 4)
        if self.breakdown:
            out[self.breakdown[0]] = self.breakdown[1]
        if self.blind:
            out["blind"] = [b.to_dict() for b in self.blind]
        return out


@dataclass
class CheckReport:
    """The result of :func:`run_checks`: per check counts of findings (new / persisting / resolved)."""

    run_id: int
    as_of: datetime
    seconds: float
    checks: dict[str, CheckResult] = field(default_factory=dict)
    alerts: int = 0  # digest notifications enqueued for new findings
    baseline_id: int | None = None  # the baseline this run took
    backlog: int = 0  # findings of that baseline that started before its quiet_before: no alert
    backlog_summaries: int = 0  # one per manager

    def total(self, key: str = "count") -> int:
        return sum(getattr(r, key) for r in self.checks.values())

    def data_problems(self) -> list[str]:
        """What the checks could not see, one sentence each (empty when they saw everything)."""
        return [b.message for r in self.checks.values() for b in r.blind]

    def to_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id, "as_of": self.as_of.isoformat(), "seconds": round(self.seconds, 4),
            "totals": {k: self.total(k) for k in ("count", "new", "persisting", "resolved")},
            "alerts": self.alerts,
            "baseline": None if self.baseline_id is None else {
                "id": self.baseline_id, "backlog": self.backlog, "summaries": self.backlog_summaries},
            "checks": {name: r.to_dict() for name, r in self.checks.items()},
            "data_problems": self.data_problems(),
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False)


def _delta_table() -> Table:
    """The shape of a check's changes (created by :func:`_materialise_delta` from a query, not from this): the hit
    columns and the open finding's id — a new hit has no finding, a finding no longer hit has no hit (NULL
    ``entity_id``), a changed one has both."""
    delta = Table(
        "salesnb_check_delta", MetaData(),
        Column("entity_id", String(200)), Column("owner_id", String(200)),
        Column("region", String(100)), Column("level", Integer), Column("bucket", String(20)),
        Column("started_at", UTCDateTime()), Column("message", Text), Column("details", JSON),
        Column("finding_id", Integer),
        prefixes=["TEMPORARY"],
    )
    Index("ix_salesnb_check_delta_entity", delta.c.entity_id, unique=True)  # NULLs (no longer hit) may repeat
    return delta


def run_checks(engine: Engine, as_of: datetime | str, only: Iterable[str] | None = None, *,
               settings: Settings | None = None, params: Mapping[str, Mapping[str, Any]] | None = None,
               language: str | None = None, alerts: bool = True, baseline: str = "never") -> CheckReport:
    """Run the checks (all enabled ones, or ``only`` these) as of ``as_of`` and store the findings.

    With ``alerts`` (the default) each owner of new findings gets one digest
    notification, enqueued in the same transaction (:mod:`salesnb.checks.alerts`).

    ``baseline`` says whether this run takes a baseline (:mod:`salesnb.checks.baseline`):
    ``"never"`` (the default), ``"first"`` (when the database has none and
    ``[alerts] quiet_first_run`` is on: the daily run) or ``"always"``
    (``salesnb baseline``).  A run that takes one, or reruns at its time,
    alerts only breakpoints younger than ``[alerts] backlog_age_days`` and
    sends each manager one summary of the rest.  Only a run of every check
    takes a baseline.

    ``params`` overrides check parameters per check name, over ``[checks.NAME]``
    in the settings.  Returns a :class:`CheckReport`; raises on failure (nothing
    is stored then, except a failed ``check_runs`` row).
    """
    as_of = parse_timestamp(as_of)
    settings = settings or load_settings()
    config = {k: v for k, v in settings.section("checks").items() if isinstance(v, dict)}
    language = language or settings.language
    started, clock = now(), perf_counter()
    try:
        with Session(engine) as session, session.begin():
            conn = session.connection()
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_LOCK_KEY})
                plan_for_bulk(conn)
            run = CheckRun(as_of=as_of, started_at=started, status="running")
            session.add(run)
            session.flush()
            known = session.scalar(select(func.max(Finding.id))) or 0  # rows above it are this run's
            checks = select_checks(available_checks(session), only, config)
            prepared = [(c, check_params(c, {**config.get(c.name, {}), **(params or {}).get(c.name, {})}))
                        for c in checks]
            for check, p in prepared:
                check.validate(p)
            delta = _delta_table()
            report = CheckReport(run.id, as_of, 0.0)
            with (_prefetching(engine, as_of, [c for c, _ in prepared]) as prefetched,
                  _beside(engine, conn) as beside):
                contexts = {c.name: CheckContext(as_of, p, language, session, prefetched.get(c.name))
                            for c, p in prepared}
                queue = beside.share([(c, contexts[c.name]) for c, _ in prepared])
                results = {}
                for check, ctx in queue:
                    results[check.name] = _run_one(conn, delta, check, ctx, run.id)
                for check, rows in beside.handed():  # the checks whose deltas the second connection built
                    results[check.name] = _run_one(conn, delta, check, contexts[check.name], run.id, rows)
                report.checks.update((c.name, results[c.name]) for c, _ in prepared)
            conn.execute(DropTable(delta, if_exists=True))
            if alerts:
                labels = {c.name: c.label(language) for c, _ in prepared}
                taken = _baseline_of_run(session, as_of, run.id, baseline if only is None else "never", settings)
                quiet_before = taken.quiet_before if taken is not None else None
                report.alerts = enqueue_new_finding_alerts(
                    session, run.id, as_of, labels, {c.name for c, _ in prepared if c.severity == "critical"},
                    language, quiet_before=quiet_before, settings=settings, after_id=known)
                if taken is not None:
                    report.baseline_id = taken.id
                    report.backlog = session.scalar(select(func.count()).select_from(Finding).where(
                        backlog_condition(taken.quiet_before))) or 0
                    report.backlog_summaries = enqueue_backlog_summaries(
                        session, taken, as_of, labels, language, settings)
                    taken.summary = {"backlog": report.backlog, "summaries": report.backlog_summaries,
                                     "open": report.total("count")}
            report.seconds = perf_counter() - clock
            run.finished_at, run.status = now(), "ok"
            run.summary = report.to_dict()
        return report
    except Exception as exc:
        _record_failure(engine, as_of, started, exc)
        raise


@contextmanager
def _prefetching(engine: Engine, as_of: datetime, checks: list[Check]) -> Iterator[dict[str, Future]]:
    """The checks' prefetches started in a worker thread, each on a connection of its own (name → Future),
    while the run's connection queries the checks before them.  None (the checks then do the work in turn)
    when the engine's pool hands every thread the same connection, or each thread its own in-memory database."""
    wanted = [c for c in checks if c.prefetch is not None]
    if not wanted or isinstance(engine.pool, (StaticPool, SingletonThreadPool)):
        yield {}
        return
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="salesnb-prefetch")
    futures = {c.name: pool.submit(c.prefetch, engine, as_of) for c in wanted}
    try:
        yield futures
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)  # the run fails now; a prefetch closes its own session
        raise
    pool.shutdown()


BESIDE_ROWS = 20_000  # a delta built on the second connection is handed over up to this size (a rerun's)


class _Beside:
    """SQLite: a second connection builds the deltas of some checks while the run's connection works on the
    others (a database on two cores: SQLite releases Python's lock while it works).  Both take checks from one
    queue, the run's connection from its start, the second from its end.  A delta holds only what changed, so on a rerun it is small and handed over as rows; a
    larger one (a first run) is built again on the run's connection.  The second connection only reads the
    committed store (WAL) and writes its own temporary tables: the run's write lock does not stop it, and no
    other writer can commit while the run holds it, so both see the same findings of a check until the run
    applies its delta."""

    def __init__(self, engine: Engine | None):
        self.engine = engine
        self._lock = Lock()
        self._queue: list[tuple[Check, CheckContext]] = []
        self._taken: list[tuple[Check, Future]] = []
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="salesnb-delta") if engine else None

    def share(self, checks: list[tuple[Check, CheckContext]]) -> Iterator[tuple[Check, CheckContext]]:
        """The checks for the run's connection, in order, while the second connection takes others."""
        self._queue = list(checks)
        if self._pool is not None:
            self._pool.submit(self._work)
        while True:
            with self._lock:
                if not self._queue:
                    return
                item = self._queue.pop(0)
            yield item

    def handed(self) -> Iterator[tuple[Check, list[tuple] | None]]:
        """The checks the second connection took, with their delta rows (None: build it again)."""
        for check, future in list(self._taken):
            yield check, future.result()

    def _work(self) -> None:
        while True:
            with self._lock:
                if not self._queue:
                    return
                check, ctx = self._queue.pop()  # from the end: the run's connection works from the start
                future: Future = Future()
                self._taken.append((check, future))
            try:
                future.set_result(self._delta_rows(check, ctx))
            except BaseException as exc:  # noqa: BLE001 - the run's thread raises it
                future.set_exception(exc)
                return

    def _delta_rows(self, check: Check, ctx: CheckContext) -> list[tuple] | None:
        with Session(self.engine) as session:
            conn = session.connection()
            delta = _delta_table()
            _materialise_delta(conn, delta, check, replace(ctx, session=session))
            size = conn.exec_driver_sql(f"SELECT count(*) FROM {delta.name}").scalar()
            rows = None if size > BESIDE_ROWS else [
                tuple(row) for row in conn.exec_driver_sql(f"SELECT {', '.join(_DELTA_COLUMNS)} FROM {delta.name}")]
            conn.execute(DropTable(delta, if_exists=True))
            return rows

    def close(self, failed: bool) -> None:
        if self._pool is not None:
            with self._lock:
                self._queue = []
            self._pool.shutdown(wait=not failed, cancel_futures=True)


@contextmanager
def _beside(engine: Engine, conn) -> Iterator[_Beside]:
    """A :class:`_Beside` on SQLite with a file the pool gives each thread its own connection to; elsewhere one
    that leaves every check to the run's connection (PostgreSQL's single statement per check is short)."""
    usable = conn.dialect.name == "sqlite" and not isinstance(engine.pool, (StaticPool, SingletonThreadPool))
    beside = _Beside(engine if usable else None)
    try:
        yield beside
    except BaseException:
        beside.close(failed=True)
        raise
    beside.close(failed=False)


BASELINE_MODES = ("never", "first", "always")


def _baseline_of_run(session: Session, as_of: datetime, run_id: int, mode: str,
                     settings: Settings) -> Baseline | None:
    """The baseline this run takes (or a rerun at its time repeats), else None."""
    if mode not in BASELINE_MODES:
        raise ValueError(f"baseline must be one of {', '.join(BASELINE_MODES)}, got {mode!r}")
    if mode == "never":
        return None
    config = AlertSettings.from_settings(settings)
    if mode == "first":
        existing = latest_baseline(session)
        if existing is not None:
            return existing if existing.taken_at == as_of else None
        if not config.quiet_first_run:
            return None
    return record_baseline(session, as_of, config.backlog_age, run_id=run_id)


def _record_failure(engine: Engine, as_of: datetime, started: datetime, exc: Exception) -> None:
    try:
        with Session(engine) as session, session.begin():
            session.add(CheckRun(as_of=as_of, started_at=started, finished_at=now(), status="failed",
                                 summary={"error": f"{type(exc).__name__}: {exc}"[:2000]}))
    except Exception:  # noqa: BLE001 - the original error matters more
        pass


def _changed(check: Check, stored, hits) -> ColumnElement[bool]:
    """SQL: an open finding (columns ``stored``) differs from the check's hit (``hits``) in a stored column."""
    return or_(stored.c.severity != check.severity,
               *(_differs(stored.c[c], hits.c[c]) for c in HIT_COLUMNS if c != "entity_id"))


def _differs(stored, hit) -> ColumnElement[bool]:
    """SQL: the stored value and the hit's differ (NULLs equal; JSON compared as its text)."""
    if isinstance(stored.type, JSON):
        stored, hit = cast(stored, Text), cast(hit, Text)
    return stored.is_distinct_from(hit)


def _materialise_delta(conn, delta: Table, check: Check, ctx: CheckContext) -> None:
    """What changed between the check's hits and its open findings, as a fresh temporary table: the hits
    without an open finding, the open findings not hit, and the hits whose level, bucket, message... differ
    from their finding's.  One pass over both, and on a rerun with little changed a small table: the hits
    themselves are never written.  Indexed by entity afterwards (an entity found twice is refused there)
    and analysed on PostgreSQL, which never analyses temporary tables itself."""
    f = Finding.__table__
    is_open = and_(f.c.check_name == check.name, f.c.resolved_at.is_(None))
    if conn.dialect.name == "postgresql":  # one hash full join: each side read once
        hits = finding_select(check, ctx).subquery("hit")
        stored = select(f).where(is_open).subquery("stored")
        changed = or_(stored.c.id.is_(None), hits.c.entity_id.is_(None), _changed(check, stored, hits))
        query = (select(*(hits.c[c] for c in HIT_COLUMNS), stored.c.id.label("finding_id"))
                 .select_from(hits.join(stored, stored.c.entity_id == hits.c.entity_id, full=True)).where(changed))
    else:  # SQLite's full join scans every finding: each hit looks its finding up, the open findings the hits' ids
        # the check's own hits are materialised once (finding_select); their shape as findings is not copied again
        hits = finding_select(check, ctx).cte("hit").prefix_with("NOT MATERIALIZED")
        hit_again = (select(*(hits.c[c] for c in HIT_COLUMNS), f.c.id.label("finding_id"))
                     .select_from(hits.outerjoin(f, and_(is_open, f.c.entity_id == hits.c.entity_id)))
                     .where(or_(f.c.id.is_(None), _changed(check, f, hits))))
        # NOT IN, not NOT EXISTS: SQLite then indexes the hits' ids alone (0.3 s less for 450,000 hits)
        hit_ids = select(hits.c.entity_id).where(hits.c.entity_id.is_not(None))
        gone = select(*(cast(null(), f.c[c].type).label(c) for c in HIT_COLUMNS), f.c.id).where(
            is_open, f.c.entity_id.not_in(hit_ids))
        query = union_all(hit_again, gone)
    conn.execute(DropTable(delta, if_exists=True))
    conn.execute(CreateTempTableAs(delta.name, query))
    _index_delta(conn, delta, check)
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"ANALYZE {delta.name}")


def _index_delta(conn, delta: Table, check: Check) -> None:
    """Index the delta by entity; an entity found twice among the new or changed hits fails the run."""
    try:
        for index in delta.indexes:
            index.create(conn)
    except IntegrityError as exc:
        raise ConfigError("checks.run.duplicate_entity", name=check.name) from exc


def _delta_from_rows(conn, delta: Table, check: Check, rows: list[tuple]) -> None:
    """The delta another connection built (:class:`_Beside`), as this connection's temporary table: its rows
    as stored, no type converted."""
    conn.execute(DropTable(delta, if_exists=True))
    conn.execute(CreateTable(delta))
    if rows:
        marks = ", ".join("?" for _ in _DELTA_COLUMNS)
        conn.exec_driver_sql(f"INSERT INTO {delta.name} ({', '.join(_DELTA_COLUMNS)}) VALUES ({marks})", rows)
    _index_delta(conn, delta, check)


def _run_one(conn, delta: Table, check: Check, ctx: CheckContext, run_id: int,
             handed: list[tuple] | None = None) -> CheckResult:
    """Build the check's delta (or take the rows another connection ``handed`` over) and apply it."""
    clock = perf_counter()
    as_of, name = ctx.as_of, check.name
    f = Finding.__table__
    # the open findings, from the trigger-kept counts (an index count read 450,000 entries a check)
    counts = OpenFindingCount.__table__
    was_open = conn.scalar(select(func.coalesce(func.sum(counts.c.n), 0)).where(counts.c.check_name == name))
    if handed is None:
        _materialise_delta(conn, delta, check, ctx)
    else:
        _delta_from_rows(conn, delta, check, handed)
    # An open finding that is hit again is still open: only what changed about it is written (its
    # level, bucket, message...), so a rerun with nothing changed writes no findings rows at all.
    conn.execute(
        update(f).where(f.c.id == delta.c.finding_id, delta.c.entity_id.is_not(None)).values(
            last_seen=as_of, run_id=run_id, severity=check.severity,
            **{c: delta.c[c] for c in HIT_COLUMNS if c != "entity_id"}))
    fresh = select(
        literal(name, String), literal(check.entity_type, String), *(delta.c[c] for c in HIT_COLUMNS),
        literal(check.severity, String), literal(as_of, UTCDateTime()), literal(as_of, UTCDateTime()),
        literal(run_id, Integer),
    ).where(delta.c.finding_id.is_(None))
    new = conn.execute(insert(f).from_select(
        ["check_name", "entity_type", *HIT_COLUMNS, "severity", "first_seen", "last_seen", "run_id"], fresh)
        .execution_options(preserve_rowcount=True)).rowcount
    resolved = conn.execute(
        update(f).where(f.c.id.in_(select(delta.c.finding_id).where(delta.c.entity_id.is_(None))))
        .values(resolved_at=as_of, run_id=run_id)).rowcount
    count = was_open + new - resolved  # the hits: every open finding before was hit again or resolved
    persisting = count - new
    # fresh statistics, or the next check's anti-join may take findings for a tiny table
    refresh_statistics(conn, new, f.name)
    breakdown = None
    if check.breakdown:  # the open findings of the check are now its hits
        column, keys = check.breakdown
        tally = {k: 0 for k in keys}
        for key, n in conn.execute(select(f.c[column], func.count()).where(f.c.check_name == name,
                                                                           f.c.resolved_at.is_(None))
                                   .group_by(f.c[column])):
            tally[str(key)] = n
        breakdown = ("buckets" if column == "bucket" else "levels", tally)
    blind = blind_spots(conn, check, as_of, ctx.language)
    return CheckResult(name, check.label(ctx.language), check.severity, count, new, persisting, resolved,
                       perf_counter() - clock, breakdown, blind)

"""The sync driver: every configured source's streams, read and written batch by batch.

=====  ==================  ==========================================  ============================
stage  what                how                                         module
=====  ==================  ==========================================  ============================
1      configure           ``[sync.NAME]`` → source objects (plugins)  :mod:`~salesnb.sync.sources`
2      order               streams in table-dependency order           here
3      read                the source yields batches after the cursor  the source's plugin
4      write               columns mapped, rows validated and          :mod:`~salesnb.sync.write`
                           upserted like an import, cursor advanced
                           in the same transaction
5      vanished            on ``full``: store keys the source lacks    :mod:`~salesnb.sync.vanished`
6      finish              status, counts, last error                  :mod:`~salesnb.sync.state`
=====  ==================  ==========================================  ============================

A stream whose batch has a bad row stops there: that batch is rolled back
(cursor included), the problems are reported and kept as the stream's last
error, and the other streams go on.  ``dry_run`` reads, maps and validates
every batch and rolls each back.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine

from ..auth.people import Actor
from ..auth.permissions import authorize
from ..config import Settings, load_settings
from ..customer_search import index_customer_names
from ..db import session_factory, session_scope
from ..errors import SalesnbError
from ..i18n import t
from ..notify.redact import redact, register_secrets
from ..schema import table_specs
from . import state
from .base import ReadContext, Source, Stream
from .sources import make_sources
from .vanished import vanished
from .write import BadRows, RowProblem, keys_of, canonical_frame, write_batch

VANISHED_SHOWN = 20


@dataclass
class StreamResult:
    """What syncing one stream did."""

    source: str
    stream: str
    table: str
    rows: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    batches: int = 0
    vanished: list[str] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    error: str | None = None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.error is None

    def line(self, dry_run: bool = False) -> str:
        extra = t("sync.report.dry") if dry_run else ""
        return t("sync.report.line", source=self.source, stream=self.stream, table=self.table, rows=self.rows,
                 inserted=self.inserted, updated=self.updated, unchanged=self.unchanged, extra=extra)

    def to_dict(self) -> dict[str, Any]:
        out = {k: getattr(self, k) for k in ("source", "stream", "table", "rows", "inserted", "updated",
                                             "unchanged", "batches", "error")}
        out["vanished"] = {"count": len(self.vanished), "keys": self.vanished[:VANISHED_SHOWN]}
        out["problems"] = [p.to_dict() for p in self.problems]
        out["seconds"] = round(self.seconds, 3)
        return out


@dataclass
class SyncReport:
    """The streams synced, in order."""

    streams: list[StreamResult] = field(default_factory=list)
    full: bool = False
    dry_run: bool = False
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return all(s.ok for s in self.streams)

    def total(self, attr: str) -> int:
        return sum(getattr(s, attr) for s in self.streams)

    @property
    def warnings(self) -> list[str]:
        """Errors and vanished rows, one line each (the daily run prints them with ⚠)."""
        out = []
        for s in self.streams:
            if s.error:
                out.append(f"{s.source}/{s.stream}: {s.error}")
            if s.vanished:
                out.append(t("sync.vanished", source=s.source, stream=s.stream, count=len(s.vanished),
                             keys=", ".join(s.vanished[:VANISHED_SHOWN])))
        return out

    def summary(self) -> str:
        return t("sync.report.total", **{k: self.total(k) for k in ("rows", "inserted", "updated", "unchanged")})

    def lines(self) -> list[str]:
        out = [s.line(self.dry_run) for s in self.streams]
        for s in self.streams:
            if s.error:
                out.append(t("sync.report.error", source=s.source, stream=s.stream, error=s.error))
            if s.vanished:
                out.append("⚠ " + t("sync.vanished", source=s.source, stream=s.stream, count=len(s.vanished),
                                    keys=", ".join(s.vanished[:VANISHED_SHOWN])))
        return out

    def to_dict(self) -> dict[str, Any]:
        return {"streams": [s.to_dict() for s in self.streams], "full": self.full, "dry_run": self.dry_run,
                "ok": self.ok, "seconds": round(self.seconds, 3),
                "totals": {k: self.total(k) for k in ("rows", "inserted", "updated", "unchanged")}}


def run_sync(engine: Engine, names: Sequence[str] = (), *, settings: Settings | None = None, full: bool = False,
             dry_run: bool = False, actor: str = "system", sources: Sequence[Source] | None = None) -> SyncReport:
    """Sync the configured sources (all, or those ``names``), each stream batch by batch.

    Parameters
    ----------
    engine : the store (migrated).
    names : source names (``[sync.NAME]``); default every configured source.
    settings : where ``[sync.*]`` is read (default: :func:`~salesnb.config.load_settings`).
    full : read everything, ignoring cursors, and report store rows the sources no longer have.
    dry_run : read and validate, write nothing (cursors unchanged).
    sources : source objects to use instead of the configured ones.

    Returns a :class:`SyncReport`; bad rows and failed reads are in it (and in
    each stream's state), not raised.  Configuration errors raise
    :class:`~salesnb.errors.SyncError`.
    """
    started = time.perf_counter()
    if sources is None:
        sources = make_sources(settings or load_settings(), names)
    for source in sources:  # masked in every message and log line from here on
        register_secrets(source.secrets())
    order = {name: i for i, name in enumerate(table_specs())}
    work = [(source, stream) for source in sources for stream in source.streams()]
    work.sort(key=lambda pair: (order.get(pair[1].table, -1), pair[0].name, pair[1].name))  # folders first
    report = SyncReport(full=full, dry_run=dry_run)
    try:
        for source, stream in work:
            report.streams.append(sync_stream(engine, source, stream, full=full, dry_run=dry_run, actor=actor))
    finally:
        for source in sources:
            source.close()
    if not dry_run and any(stream.table == "customers" for _source, stream in work):
        index_customer_names(engine)  # renamed and new customers are found by the search box
    report.seconds = time.perf_counter() - started
    return report


def _write(engine: Engine, source: Source, stream: Stream, batch, actor: str, dry_run: bool) -> list:
    """One batch and the stream's cursor in one transaction (rolled back on a dry run or any error)."""
    session = session_factory(engine)()
    try:
        written = write_batch(session, source.name, stream, batch, actor)
        if dry_run:
            session.rollback()
        else:
            state.advance(session, source.name, stream.name, stream.table, batch.cursor, batch.merge)
            session.commit()  # the rows and the cursor together
        return written
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def sync_stream(engine: Engine, source: Source, stream: Stream, *, full: bool = False, dry_run: bool = False,
                actor: str = "system") -> StreamResult:
    """Read one stream after its cursor and write it batch by batch (see the module's table)."""
    started = time.perf_counter()
    result = StreamResult(source.name, stream.name, stream.table)
    cursor = None if full else state.cursor_of(engine, source.name, stream.name)
    seen: set[str] | None = set() if full else None
    context = ReadContext(engine=engine, full=full, dry_run=dry_run)
    errors: list[str] = []
    batches = None
    try:
        batches = source.read(stream, cursor, context)  # 3 read
        for batch in batches:
            result.batches += 1
            try:
                written = _write(engine, source, stream, batch, actor, dry_run)  # 4 write
            except BadRows as exc:
                if not source.independent_batches:
                    raise
                result.problems += exc.problems  # a broken file: reported, the next files go on
                errors.append(redact(exc.render()))
                continue
            for r in written:
                result.rows += r.rows
                result.inserted += r.inserted
                result.updated += r.updated
                result.unchanged += r.unchanged
            if seen is not None and batch.frame is None:
                seen = None  # written by the source itself (files, messages): no rows to compare the store with
            if seen is not None:
                keys = keys_of(canonical_frame(batch.frame, stream)[0], stream.table)
                if keys is None:
                    seen = None
                else:
                    seen.update(keys)
        if seen is not None and not dry_run:
            result.vanished = vanished(engine, stream.table, seen)  # 5 vanished
        if errors:
            result.error = "\n".join(errors)
    except BadRows as exc:
        result.problems = exc.problems
        result.error = redact(exc.render())
    except SalesnbError as exc:
        result.error = redact(str(exc))
    except Exception as exc:  # a source's own failure (a driver, a parser): reported, the other streams go on
        result.error = redact(t("sync.read_failed", source=source.name, stream=stream.name,
                                detail=f"{type(exc).__name__}: {exc}"))
    finally:
        close = getattr(batches, "close", None)
        if close is not None:
            close()  # a stopped stream releases what its reader holds (a database cursor, a connection)
    result.seconds = time.perf_counter() - started
    if not dry_run:
        state.finish(engine, source.name, stream.name, stream.table, rows=result.rows, inserted=result.inserted,
                     updated=result.updated, unchanged=result.unchanged, vanished=len(result.vanished),
                     error=result.error)
    return result


def sync_now(engine: Engine, actor: Actor | str, names: Sequence[str] = (), *, settings: Settings,
             full: bool = False) -> SyncReport:
    """Run the sync of ``names`` (default all) now, as ``actor`` (who must be allowed ``data.import``)."""
    with session_scope(engine) as session:
        person = authorize(session, actor, "data.import")
    return run_sync(engine, names, settings=settings, full=full, actor=person.user_id)

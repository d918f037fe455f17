"""Importing files and frames into the canonical tables: validate everything, then upsert by primary key.

One call of :func:`import_paths` is one transaction: every file is read in
chunks, converted, staged and checked; if any problem was found anywhere,
nothing is written and :class:`~salesnb.errors.InputError` lists the problems
(file, Excel row, column, what was expected — the first 50 of them).
Otherwise each file is upserted in dependency order, so rows of one file can
reference rows of another file of the same import.

Re-importing identical data changes nothing: the upsert only touches rows
whose values differ, and an ``import_log`` row is written only for files that
inserted or updated something.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pandas as pd
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from ..db import session_scope
from ..errors import InputError, Problem
from ..models import Base, ImportLog
from ..schema import table_spec, table_specs
from ..timeutil import local_tz, now
from .bulk import Staging, reference_columns
from .direct import DirectLoad, Fallback, is_empty
from .messages import msg
from .readers import CHUNK_ROWS, SUPPORTED_SUFFIXES, FrameSource, Source, open_source
from .validate import CAP, ProblemLog, check_header, convert_chunk

SQLITE_CACHE_KIB = 64 * 1024  # fixed, whatever the size of the files
DIRECT_LOAD = True  # sources whose table is empty skip staging and upsert (see salesnb.io.direct)
DEFER_INDEXES_ROWS = 100_000  # a direct load this long drops secondary indexes and builds them at the end


@dataclass
class TableResult:
    """What importing one source did."""

    source: str
    table: str
    rows: int
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    seconds: float = 0.0
    mode: str = "upsert"  # "insert": loaded straight into the empty table

    @property
    def changed(self) -> bool:
        return bool(self.inserted or self.updated)


@dataclass
class ImportReport:
    """The result of one import: one :class:`TableResult` per source, and the files skipped in folders."""

    results: list[TableResult] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0

    def total(self, attr: str) -> int:
        return sum(getattr(r, attr) for r in self.results)

    @property
    def rows(self) -> int:
        return self.total("rows")

    def by_table(self) -> dict[str, TableResult]:
        out: dict[str, TableResult] = {}
        for r in self.results:
            agg = out.setdefault(r.table, TableResult("*", r.table, 0))
            for attr in ("rows", "inserted", "updated", "unchanged", "seconds"):
                setattr(agg, attr, getattr(agg, attr) + getattr(r, attr))
        return out

    def summary(self) -> str:
        lines = [msg("io.report.header")]
        for r in self.results:
            lines.append(f"{r.source}\t{r.table}\t{r.rows}\t{r.inserted}\t{r.updated}\t{r.unchanged}")
        lines.append(msg(
            "io.report.total", rows=self.rows, inserted=self.total("inserted"),
            updated=self.total("updated"), unchanged=self.total("unchanged"), seconds=self.seconds,
        ))
        lines += [msg("io.report.skipped", name=name, reason=reason) for name, reason in self.skipped]
        return "\n".join(lines)


class Batch:
    """Sources imported in one transaction: staged, checked together, upserted only if all is well."""

    def __init__(self, session: Session, actor: str, cap: int = CAP, chunk_rows: int = CHUNK_ROWS):
        self.session = session
        self.conn = session.connection()
        self.actor = actor
        self.log = ProblemLog(cap)
        self.chunk_rows = chunk_rows
        self.pending: dict[str, list[Staging]] = {}  # staged but not upserted (yet, or because of problems)
        self._restore_cache = self._grow_sqlite_cache()

    def _grow_sqlite_cache(self) -> int | None:
        """A bounded, larger SQLite page cache while importing: index inserts into tables of millions
        of rows touch pages all over their B-trees (-19% CPU at 2 M rows).  Returns the size to restore."""
        if self.conn.dialect.name != "sqlite":
            return None
        previous = int(self.conn.exec_driver_sql("PRAGMA main.cache_size").scalar())
        self.conn.exec_driver_sql(f"PRAGMA main.cache_size = {-SQLITE_CACHE_KIB}")
        return previous

    def run(self, source: Source) -> TableResult:
        """Stage, check and (when the batch is clean so far) upsert one source whose header passed
        :func:`check_header`; straight into the table when it is empty."""
        started = time.perf_counter()
        header = source.header
        spec = header.spec
        present = header.present()
        columns = [c.name for c in spec.columns if c.name in present]
        if header.extras():
            columns.append("extra")
        labels = header.labels()
        result = None
        if DIRECT_LOAD and not self.log and is_empty(self.conn, Base.metadata.tables[spec.name]):
            result = self._load_directly(source, columns, labels)
        if result is None:
            result = self._stage_and_upsert(source, columns, labels)
        if result.changed:
            self.session.add(ImportLog(
                at=now(), actor=self.actor, file_name=source.name[:1000], sha256=source.sha256(),
                table_name=spec.name, rows=result.rows, inserted=result.inserted,
                updated=result.updated, unchanged=result.unchanged,
            ))
        result.seconds = time.perf_counter() - started
        return result

    def _load_directly(self, source: Source, columns: list[str], labels: dict[str, str]) -> TableResult | None:
        """Every row new (the table is empty): insert them straight, or None when anything is wrong
        (rolled back; the staging path then names the problems)."""
        spec = source.header.spec
        mark = self.log.mark()
        load = DirectLoad(self.conn, spec, columns, DEFER_INDEXES_ROWS)
        load.begin()
        try:
            for mapped in source.chunks(self.chunk_rows):
                typed = convert_chunk(mapped, spec, labels, source.name, self.log)
                if self.log:
                    raise Fallback("unreadable values")
                load.write(typed, len(mapped))
            load.finish()
        except (Fallback, InputError):
            load.abort()
            self.log.reset(mark)
            return None
        return TableResult(source.name, spec.name, load.rows, inserted=load.rows, mode="insert")

    def _stage_and_upsert(self, source: Source, columns: list[str], labels: dict[str, str]) -> TableResult:
        spec = source.header.spec
        staging = Staging(self.conn, spec, columns)
        self.pending.setdefault(spec.name, []).append(staging)
        try:
            for mapped in source.chunks(self.chunk_rows):
                staging.load(convert_chunk(mapped, spec, labels, source.name, self.log), mapped.rows)
        except InputError as exc:
            self.log.absorb(exc)
        staging.loaded()
        self._check_keys(source.name, staging, labels)
        self._check_references(source.name, staging, labels)
        result = TableResult(source.name, spec.name, staging.rows)
        if self.log:
            staging.index_keys()
        else:
            result.inserted, result.updated, result.unchanged = staging.upsert()
            self.pending[spec.name].remove(staging)
            staging.drop()
        return result

    def _check_keys(self, name: str, staging: Staging, labels: dict[str, str]) -> None:
        keys = staging.spec.primary_key
        label = "+".join(labels.get(k, staging.spec.column(k).zh) for k in keys)
        for row, key, first in staging.duplicates():
            shown = "/".join(str(k) for k in key)
            self.log.add(Problem(name, row, label, msg("io.duplicate", label=label, ident=shown, first=first)))

    def _check_references(self, name: str, staging: Staging, labels: dict[str, str]) -> None:
        for column, ref in reference_columns(staging.spec, staging.columns):
            target = ref.split(".")[0]
            also = [s for s in self.pending.get(target, []) if s is not staging]
            if target == staging.spec.name:
                staging.index_keys()
                also.append(staging)
            for row, value in staging.dangling(column, ref, also):
                label = labels.get(column, column)
                self.log.add(Problem(name, row, label, msg("io.dangling", value=value, table=target)))

    def close(self) -> None:
        """Drop what is still staged, then raise if anything was wrong."""
        for stagings in self.pending.values():
            for staging in stagings:
                staging.drop()
        self.pending.clear()
        if self._restore_cache is not None:
            self.conn.exec_driver_sql(f"PRAGMA main.cache_size = {self._restore_cache}")
            self._restore_cache = None
        self.log.raise_if_any()


def collect_files(paths: Iterable[str | Path]) -> tuple[list[Path], list[Path]]:
    """(files named explicitly, files found in named folders)."""
    explicit: list[Path] = []
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for child in sorted(path.iterdir()):
                if (child.is_file() and child.suffix.lower() in SUPPORTED_SUFFIXES
                        and not child.name.startswith((".", "~$"))):
                    found.append(child)
        else:
            explicit.append(path)
    return explicit, found


def open_sources(paths: Iterable[str | Path], table: str | None, log: ProblemLog,
                 skipped: list[tuple[str, str]]) -> list[Source]:
    """Open every file (folders: their supported files), in dependency order of their tables."""
    if table is not None and table not in table_specs():
        raise InputError([Problem("--table", None, None, msg("io.unknown_table", table=table, known=", ".join(table_specs())))])
    explicit, found = collect_files(paths)
    sources: list[Source] = []
    for path in explicit + found:
        hinted = table or (path.stem.lower() if path.stem.lower() in table_specs() else None)
        try:
            source = open_source(path, hinted)
        except InputError as exc:
            if path in found:  # a stray file in a folder (e.g. a readme or ground truth) is skipped, not fatal
                skipped.append((str(path), exc.problems[0].message if exc.problems else str(exc)))
            else:
                log.absorb(exc)
            continue
        if path in found and hinted is None and not mostly_canonical(source.header):
            skipped.append((str(path), msg("io.weak_match", table=source.table)))
            continue
        sources.append(source)
    if not sources and not log:
        raise InputError([Problem(", ".join(map(str, paths)) or "-", None, None,
                                  msg("io.no_files", suffixes=" ".join(SUPPORTED_SUFFIXES)))])
    order = {name: i for i, name in enumerate(table_specs())}
    return sorted(sources, key=lambda s: (order[s.table], s.name))


def mostly_canonical(header) -> bool:
    """More of the header's named columns belong to its table than not (guards folder imports against stray files)."""
    named = [c for c in header.columns if c != ""]
    known = [c for c in named if c is not None]
    return len(known) > len(named) - len(known)


def import_paths(engine: Engine, paths: Iterable[str | Path], table: str | None = None,
                 actor: str = "cli", chunk_rows: int = CHUNK_ROWS) -> ImportReport:
    """Import files and folders in one transaction.

    Parameters
    ----------
    engine : Engine
        A migrated database.
    paths : iterable of paths
        Files (CSV, xlsx, xls, HTML saved as xls, tab text) and folders (their
        supported files, not recursive).  In folders, files that no table
        matches, or whose columns are mostly not the table's, are skipped and
        listed in ``ImportReport.skipped``.
    table : str, optional
        The canonical table of every file.  When None, a file named after a
        table (``orders.csv``) is that table; otherwise the table is inferred
        from the header.
    actor : str
        Who imports (recorded in ``import_log``).

    Returns
    -------
    ImportReport
        Rows, inserted, updated and unchanged per file.

    Raises
    ------
    InputError
        Listing every problem (up to 50) with file, Excel row and column; nothing is written.
    """
    started = time.perf_counter()
    paths = list(paths)
    report = ImportReport()
    pre_log = ProblemLog()
    sources = open_sources(paths, table, pre_log, report.skipped)
    with session_scope(engine) as session:
        batch = Batch(session, actor, chunk_rows=chunk_rows)
        batch.log.add_counted(pre_log.problems, pre_log.total)
        try:
            for source in sources:
                if check_header(source.name, source.header, batch.log):
                    report.results.append(batch.run(source))
        finally:
            batch.close()
    report.seconds = time.perf_counter() - started
    return report


def import_frame(session: Session, table: str, frame: pd.DataFrame, source: str = "frame",
                 actor: str = "api") -> TableResult:
    """Validate and upsert a DataFrame inside the caller's transaction.

    Columns are canonical names or header aliases (Chinese included); values
    may be text or Python/pandas values.  Row numbers in problems count the
    header as row 1.  The session is flushed first (its pending rows satisfy
    references) and expired after (loaded objects reread what the import
    wrote).  Raises :class:`~salesnb.errors.InputError` (nothing written).
    """
    table_spec(table)
    session.flush()  # the caller's pending rows count as existing for reference checks
    batch = Batch(session, actor)
    origin = FrameSource(frame, table, source)
    result = None
    try:
        if check_header(origin.name, origin.header, batch.log):
            result = batch.run(origin)
    finally:
        batch.close()
    assert result is not None  # close() raised otherwise
    session.expire_all()  # objects already loaded in the session may have been updated underneath
    return result


def read_table(path: str | Path, table: str | None = None) -> pd.DataFrame:
    """Read one file into a typed DataFrame with canonical column names (nothing is written).

    Detects the format, encoding, header row and (unless given) the table.
    Types: str, ``Int64``, ``Float64``, :class:`~decimal.Decimal` amounts,
    ``boolean``, aware timestamps in the local zone, dates.  Extra columns
    follow under their own header text.  ``frame.attrs`` holds ``table``,
    ``header_row``, ``encoding`` and ``source``.  Raises
    :class:`~salesnb.errors.InputError` for unreadable values or duplicate ids
    (references to other tables are not checked here).
    """
    source = open_source(path, table)
    header = source.header
    log = ProblemLog()
    check_header(source.name, header, log)
    labels = header.labels()
    parts: list[pd.DataFrame] = []
    rows: list[pd.Series] = []
    for mapped in source.chunks():
        parts.append(convert_chunk(mapped, header.spec, labels, source.name, log))
        rows.append(pd.Series(mapped.rows))
    frame = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    row_numbers = pd.concat(rows, ignore_index=True) if rows else pd.Series(dtype=int)
    _frame_duplicates(source.name, frame, row_numbers, header, labels, log)
    log.raise_if_any()
    frame = _friendly_types(frame, header)
    if "extra" in frame.columns:
        extra = pd.DataFrame([json.loads(v) if isinstance(v, str) else {} for v in frame.pop("extra")])
        extra.columns = [f"{c} (extra)" if c in frame.columns else c for c in extra.columns]
        frame = frame.join(extra)
    frame.attrs.update(table=header.table, header_row=header.row, encoding=source.encoding, source=source.name)
    return frame


def _frame_duplicates(name, frame, row_numbers, header, labels, log) -> None:
    keys = [k for k in header.spec.primary_key if k in frame.columns]
    if len(keys) != len(header.spec.primary_key) or frame.empty:
        return
    key_frame = frame[keys]
    dup = key_frame.duplicated(keep="first") & key_frame.notna().all(axis=1)
    if not dup.any():
        return
    first_rows = row_numbers.groupby([key_frame[k] for k in keys]).transform("min")
    label = "+".join(labels.get(k, k) for k in keys)
    for i in dup[dup].index:
        shown = "/".join(str(key_frame.at[i, k]) for k in keys)
        log.add(Problem(name, int(row_numbers[i]), label, msg("io.duplicate", label=label, ident=shown, first=int(first_rows[i]))))


def _friendly_types(frame: pd.DataFrame, header) -> pd.DataFrame:
    for col in header.spec.columns:
        if col.name not in frame.columns:
            continue
        if col.kind == "datetime":
            frame[col.name] = frame[col.name].dt.tz_convert(str(local_tz()))
        elif col.kind == "decimal":
            frame[col.name] = frame[col.name].map(lambda v: None if v is None else Decimal(v).quantize(Decimal("0.01")))
        elif col.kind == "date":
            frame[col.name] = frame[col.name].dt.date
    return frame

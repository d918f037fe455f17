"""The import driver: every file goes through the stages in order, in one transaction.

=====  ===============  =============================================  =======================
stage  what             how                                            module
=====  ===============  =============================================  =======================
1      read             format, encoding, candidate sheets / tables    :mod:`~salesnb.io.readers`
2      locate header    which candidate, row and table                 :mod:`~salesnb.io.locate`
3      map headers      header → column with a score, or unused        :mod:`~salesnb.io.headers`,
                                                                        :mod:`~salesnb.io.shape`
4      convert          text → typed values, unreadable cells          :mod:`~salesnb.io.convert`
5      people           names, phones, platform ids → user ids         :mod:`~salesnb.io.people`
6      validate         every problem with file, Excel row, column     :mod:`~salesnb.io.validate`
7      write            staged and upserted, or loaded straight        :mod:`~salesnb.io.bulk`,
                                                                        :mod:`~salesnb.io.direct`
=====  ===============  =============================================  =======================

Stages 1-3 make an :class:`~salesnb.io.plan.ImportPlan` per file
(:func:`plan_import`): what a person checks and corrects before anything is
read.  :func:`apply_import` runs stages 4-7 over plans in one transaction:
if any problem was found anywhere, nothing is written and
:class:`~salesnb.errors.InputError` lists the problems (file, Excel row,
column, what was expected — the first 50 of them).  Otherwise each file is
upserted in dependency order, so rows of one file can reference rows of
another file of the same import.  :func:`import_paths` does both for files
and folders.

Re-importing identical data changes nothing: the upsert only touches rows
whose values differ, and an ``import_log`` row is written only for files that
inserted or updated something.
"""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from ..auth.people import Actor
from ..auth.permissions import authorize
from ..customer_search import index_customer_names
from ..db import refresh_statistics, session_scope
from ..directory import Directory
from ..errors import InputError, Problem
from ..models import Base, ImportLog
from ..schema import table_spec, table_specs
from ..sla.autoclose import TABLES as AUTOCLOSE_TABLES
from ..sla.autoclose import close_waiting_tasks
from ..timeutil import local_tz, now
from .bulk import Staging, reference_columns
from .convert import convert_chunk
from .direct import DirectLoad, Fallback, is_empty
from .headers import IGNORE, HeaderMap, match_row
from .locate import locate
from .mappings import Entry, HeaderMappings, as_mappings, load_mapping_file, remembered, store_mappings
from .messages import msg
from .people import person_columns, resolve
from .plan import ImportPlan, columns_of
from .results import TableResult
from .formats import SUPPORTED_SUFFIXES
from .readers import CHUNK_ROWS, MAX_COLUMNS, SEARCH_ROWS, FrameSource, Source, open_file
from .shape import map_chunk
from .validate import CAP, ProblemLog, check_chunk, header_problems, log_dangling, log_duplicates

SQLITE_CACHE_KIB = 64 * 1024  # fixed, whatever the size of the files
DIRECT_LOAD = True  # sources whose table is empty skip staging and upsert (see salesnb.io.direct)
DEFER_INDEXES_ROWS = 100_000  # a direct load this long drops secondary indexes and builds them at the end


@dataclass
class ImportReport:
    """The result of one import: one :class:`TableResult` per source, and the files skipped in folders."""

    results: list[TableResult] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0
    remembered: int = 0  # header mappings stored for the next file

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
            if r.mapping is not None:
                lines += ["  " + line for line in r.mapping.lines(r.table)]
        lines.append(msg(
            "io.report.total", rows=self.rows, inserted=self.total("inserted"),
            updated=self.total("updated"), unchanged=self.total("unchanged"), seconds=self.seconds,
        ))
        lines += [msg("io.report.skipped", name=name, reason=reason) for name, reason in self.skipped]
        if self.remembered:
            lines.append(msg("io.report.remembered", count=self.remembered))
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return {"results": [r.to_dict() for r in self.results], "skipped": [list(s) for s in self.skipped],
                "seconds": round(self.seconds, 3), "remembered": self.remembered,
                "totals": {k: self.total(k) for k in ("rows", "inserted", "updated", "unchanged")}}


class Batch:
    """Plans imported in one transaction: staged, checked together, upserted only if all is well."""

    def __init__(self, session: Session, actor: str, cap: int = CAP, chunk_rows: int = CHUNK_ROWS):
        self.session = session
        self.conn = session.connection()
        self.actor = actor
        self.log = ProblemLog(cap)
        self.chunk_rows = chunk_rows
        self.directory = Directory(self.conn)
        self.pending: dict[str, list[Staging]] = {}  # staged but not upserted (yet, or because of problems)
        self.changed: set[str] = set()  # tables this batch changed
        self._restore_cache = self._grow_sqlite_cache()

    def _grow_sqlite_cache(self) -> int | None:
        """A bounded, larger SQLite page cache while importing: index inserts into tables of millions
        of rows touch pages all over their B-trees (-19% CPU at 2 M rows).  Returns the size to restore."""
        if self.conn.dialect.name != "sqlite":
            return None
        previous = int(self.conn.exec_driver_sql("PRAGMA main.cache_size").scalar())
        self.conn.exec_driver_sql(f"PRAGMA main.cache_size = {-SQLITE_CACHE_KIB}")
        return previous

    def run(self, plan: ImportPlan) -> TableResult:
        """Stages 4-7 for one plan without header problems: straight into the table when it is empty."""
        started = time.perf_counter()
        header, source = plan.header, plan.source
        spec = header.spec
        present = header.present()
        columns = [c.name for c in spec.columns if c.name in present]
        if header.extras():
            columns.append("extra")
        result = None
        if DIRECT_LOAD and not self.log and is_empty(self.conn, Base.metadata.tables[spec.name]):
            result = self._load_directly(plan, columns)
        if result is None:
            result = self._stage_and_upsert(plan, columns)
        if result.changed:
            self.changed.add(spec.name)
            # a first import fills tables from nothing: the next queries must not plan for empty ones
            refresh_statistics(self.conn, result.inserted + result.updated, spec.name)
            self.session.add(ImportLog(
                at=now(), actor=self.actor, file_name=source.name[:1000], sha256=source.sha256(),
                table_name=spec.name, rows=result.rows, inserted=result.inserted,
                updated=result.updated, unchanged=result.unchanged,
            ))
        result.seconds = time.perf_counter() - started
        result.mapping = plan.report()
        return result

    def chunks(self, plan: ImportPlan) -> Iterator[tuple[pd.DataFrame, np.ndarray]]:
        """The plan's rows, chunk by chunk, through stages 3b-6: (typed frame, Excel row numbers)."""
        header, spec, name = plan.header, plan.header.spec, plan.name
        labels = header.labels()
        for rows, raw in plan.source.raw_chunks(self.chunk_rows):
            mapped = map_chunk(rows, raw, header)  # 3b shape
            if not len(mapped):
                continue
            chunk = convert_chunk(mapped.rows, mapped.values, mapped.extra, spec)  # 4 convert
            resolve(chunk, spec, self.directory)  # 5 people
            yield check_chunk(chunk, spec, labels, name, self.log), mapped.rows  # 6 validate

    def _load_directly(self, plan: ImportPlan, columns: list[str]) -> TableResult | None:
        """Every row new (the table is empty): insert them straight, or None when anything is wrong
        (rolled back; the staging path then names the problems)."""
        spec = plan.header.spec
        mark = self.log.mark()
        load = DirectLoad(self.conn, spec, columns, DEFER_INDEXES_ROWS)
        load.begin()
        try:
            for typed, rows in self.chunks(plan):
                if self.log:
                    raise Fallback("unreadable values")
                load.write(typed, len(rows))  # 7 write
            load.finish()
        except (Fallback, InputError):
            load.abort()
            self.log.reset(mark)
            return None
        return TableResult(plan.name, spec.name, load.rows, inserted=load.rows, mode="insert")

    def _stage_and_upsert(self, plan: ImportPlan, columns: list[str]) -> TableResult:
        spec = plan.header.spec
        staging = Staging(self.conn, spec, columns)
        self.pending.setdefault(spec.name, []).append(staging)
        try:
            for typed, rows in self.chunks(plan):
                staging.load(typed, rows)  # 7 write (staged)
        except InputError as exc:
            self.log.absorb(exc)
        staging.loaded()
        labels = plan.header.labels()
        log_duplicates(plan.name, spec, staging.duplicates(), labels, self.log)  # 6 validate, set-based
        self._check_references(plan.name, staging, labels)
        result = TableResult(plan.name, spec.name, staging.rows)
        if self.log:
            staging.index_keys()
        else:
            result.inserted, result.updated, result.unchanged = staging.upsert()  # 7 write
            self.pending[spec.name].remove(staging)
            staging.drop()
        return result

    def _check_references(self, name: str, staging: Staging, labels: dict[str, str]) -> None:
        people = set(person_columns(staging.spec))
        for column, ref in reference_columns(staging.spec, staging.columns):
            target = ref.split(".")[0]
            also = [s for s in self.pending.get(target, []) if s is not staging]
            if target == staging.spec.name:
                staging.index_keys()
                also.append(staging)
            closest = self.directory.closest if column in people else None
            log_dangling(name, column, target, staging.dangling(column, ref, also), labels, self.log, closest)

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
        if self.changed & AUTOCLOSE_TABLES:  # confirmed invoices, tracking numbers: their to-dos close now
            close_waiting_tasks(self.session, now(), self.actor)


# ---------------------------------------------------------------- stages 1-3: plans


def _no_header(name: str, table: str | None) -> InputError:
    key = "io.no_header_table" if table else "io.no_header"
    return InputError([Problem(name, None, None, msg(key, table=table, rows=SEARCH_ROWS))])


def _planned(source: Source, candidate: int, texts: list[str], table: str, row: int, given: HeaderMappings,
             allow_unmapped: bool, path: Path | None = None, temporary: bool = False) -> ImportPlan:
    """Stage 3: map the located header (with suggestions for unused headers) and settle the source."""
    header = match_row(texts, table, given.for_table(table), suggest=True)
    header.row = row
    source.choose(candidate, row, len(texts))
    return ImportPlan(
        name=source.name, table=table, kind=source.kind, encoding=source.encoding, header_row=row,
        columns=columns_of(header), missing=header.missing(), missing_required=header.missing_required(),
        problems=header_problems(source.name, header, allow_unmapped), source_system=given.source_system,
        allow_unmapped=allow_unmapped, header=header, source=source, candidate=candidate, given=given,
        path=path, temporary=temporary,
    )


def _plan_file(path: Path, table: str | None, given: HeaderMappings, allow_unmapped: bool,
               name: str | None = None, temporary: bool = False) -> ImportPlan:
    try:
        source = open_file(path, name)  # 1 read
        located = locate(source.candidates(), table, given.by_table())  # 2 locate the header
        if located is None:
            raise _no_header(source.name, table)
        columns = len(located.header.texts)
        if columns > MAX_COLUMNS:
            raise InputError([Problem(source.name, located.header.row, None,
                                      msg("io.too_many_columns", columns=columns, limit=MAX_COLUMNS))])
    except BaseException:
        if temporary:
            path.unlink(missing_ok=True)
        raise
    found = located.header
    return _planned(source, located.candidate, found.texts, found.table, found.row, given, allow_unmapped,
                    path, temporary)  # 3 map the headers


def gather_mappings(engine: Engine | None, mappings, mapping_file, source_system: str) -> HeaderMappings:
    """Mappings given now, then a mapping file's, then those remembered in the store."""
    given = as_mappings(mappings)
    if mapping_file is not None:
        from_file = load_mapping_file(mapping_file)
        source_system = source_system or from_file.source_system
        given = given.merged(from_file)
    given.source_system = source_system
    if engine is not None:
        with session_scope(engine) as session:
            given = given.merged(remembered(session, source_system))
    return given


def plan_import(path_or_bytes: str | Path | bytes, table: str | None = None, *, engine: Engine | None = None,
                name: str | None = None, mappings: HeaderMappings | Mapping[str, str] | Iterable[str] | None = None,
                mapping_file: str | Path | None = None, source_system: str = "",
                allow_unmapped: bool = False) -> ImportPlan:
    """Read a file up to its header and say what importing it would do (nothing is written).

    Parameters
    ----------
    path_or_bytes : path or bytes
        A file, or the bytes of an upload (then give ``name``, e.g. ``"订单.xlsx"``;
        the plan keeps a temporary copy until :meth:`ImportPlan.close` or a successful apply).
    table : str, optional
        The canonical table; default: inferred from the header.
    engine : Engine, optional
        Where remembered mappings are read from.
    mappings : dict ``{header: column}``, ``["HEADER=COLUMN", …]`` or :class:`HeaderMappings`, optional
        Mappings a person gives now (``column`` may be ``table.column``; ``""`` = not used).
    mapping_file : path, optional
        A TOML mapping file (:mod:`salesnb.io.mappings`); its ``source`` names the source system.
    source_system : str
        The system the file comes from, for remembered mappings (``""``: any).
    allow_unmapped : bool
        Accept unused headers suggested for columns the file lacks (otherwise a problem).

    Returns
    -------
    ImportPlan
        Table, header row, every header's column with score and reason (or the
        closest column when unused), missing columns, problems known so far.

    Raises
    ------
    InputError
        The file cannot be read or has no recognisable header.
    """
    if table is not None and table not in table_specs():
        raise InputError([Problem("--table", None, None, msg("io.unknown_table", table=table, known=", ".join(table_specs())))])
    given = gather_mappings(engine, mappings, mapping_file, source_system)
    if isinstance(path_or_bytes, (bytes, bytearray)):
        label = name or "upload"
        with tempfile.NamedTemporaryFile(prefix="salesnb-upload-", suffix=Path(label).suffix, delete=False) as fh:
            fh.write(path_or_bytes)
        return _plan_file(Path(fh.name), table, given, allow_unmapped, name=label, temporary=True)
    return _plan_file(Path(path_or_bytes), table, given, allow_unmapped, name=name)


def remap(plan: ImportPlan, mappings: HeaderMappings | Mapping[str, str] | Iterable[str],
          allow_unmapped: bool | None = None) -> ImportPlan:
    """The plan again with a person's corrections (``{header: column}``, ``""`` = not used) over its mappings.

    Corrections are remembered when the plan is applied with ``remember=True``.
    """
    given = as_mappings(mappings).merged(plan.given or HeaderMappings())
    given.source_system = plan.source_system
    allow = plan.allow_unmapped if allow_unmapped is None else allow_unmapped
    return _planned(plan.source, plan.candidate, plan.header.texts, plan.table, plan.header_row, given, allow,
                    plan.path, plan.temporary)


def _remembered_entries(plan: ImportPlan) -> list[Entry]:
    """Mappings a person gave now that the plan used (or ignored): remembered after a good import."""
    out = []
    for pos, match in plan.header.matches.items():
        if match.reason == "given":
            out.append(Entry(plan.table, plan.header.texts[pos], match.column, "given"))
    for pos in plan.header.ignored:
        out.append(Entry(plan.table, plan.header.texts[pos], IGNORE, "given"))
    return out


#: Tables that are configuration: importing them is ``config.edit`` (ops), not ``data.import``.
CONFIG_TABLES = frozenset({"users", "holidays"})


def import_action(tables: Iterable[str | None]) -> str:
    """The permission an import of ``tables`` needs."""
    return "config.edit" if CONFIG_TABLES & set(tables) else "data.import"


def apply_import(plans: ImportPlan | Iterable[ImportPlan],
                 mappings: HeaderMappings | Mapping[str, str] | Iterable[str] | None = None, *,
                 engine: Engine, actor: Actor | str = "system", remember_mappings: bool = True,
                 chunk_rows: int = CHUNK_ROWS, skipped: Iterable[tuple[str, str]] = (),
                 problems: ProblemLog | None = None) -> ImportReport:
    """Import planned files in one transaction (stages 4-7), all or nothing.

    ``mappings`` correct every plan first (:func:`remap`).  Mappings a person
    gave are remembered in the store for the next file with those headers
    (``remember_mappings``).  Raises :class:`~salesnb.errors.InputError` listing
    every problem (up to 50) with file, Excel row and column; nothing is
    written then.  Temporary copies of uploads are removed after a successful import.
    ``skipped`` and ``problems`` carry what planning found (folder files skipped,
    files that could not be planned), reported with the rest.
    ``actor`` (an :class:`~salesnb.auth.Actor`, a user id or ``"system"``) needs ``data.import``
    (``config.edit`` for the configuration tables: users, holidays); their user id is recorded.
    """
    started = time.perf_counter()
    plans = [plans] if isinstance(plans, ImportPlan) else list(plans)
    if mappings is not None:
        plans = [remap(p, mappings) for p in plans]
    order = {name: i for i, name in enumerate(table_specs())}
    plans.sort(key=lambda p: (order[p.table], p.name))
    report = ImportReport(skipped=list(skipped))
    with session_scope(engine) as session:
        actor = authorize(session, actor, import_action(p.table for p in plans)).user_id
        batch = Batch(session, actor, chunk_rows=chunk_rows)
        if problems is not None:
            batch.log.add_counted(problems.problems, problems.total)
        try:
            for plan in plans:
                if plan.problems:
                    for problem in plan.problems:
                        batch.log.add(problem)
                    continue
                report.results.append(batch.run(plan))
        finally:
            batch.close()
        if remember_mappings:
            by_system: dict[str, list[Entry]] = {}
            for plan in plans:
                by_system.setdefault(plan.source_system, []).extend(_remembered_entries(plan))
            report.remembered = sum(store_mappings(session, entries, system, actor) for system, entries in by_system.items())
    for plan in plans:
        plan.close()
    report.seconds = time.perf_counter() - started
    return report


# ---------------------------------------------------------------- files and folders


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


def plan_paths(paths: Iterable[str | Path], table: str | None, given: HeaderMappings, log: ProblemLog,
               skipped: list[tuple[str, str]], allow_unmapped: bool = False) -> list[ImportPlan]:
    """Plan every file (folders: their supported files), in dependency order of their tables."""
    if table is not None and table not in table_specs():
        raise InputError([Problem("--table", None, None, msg("io.unknown_table", table=table, known=", ".join(table_specs())))])
    paths = list(paths)
    explicit, found = collect_files(paths)
    plans: list[ImportPlan] = []
    for path in explicit + found:
        hinted = table or (path.stem.lower() if path.stem.lower() in table_specs() else None)
        try:
            plan = _plan_file(path, hinted, given, allow_unmapped)
        except InputError as exc:
            if path in found:  # a stray file in a folder (e.g. a readme or ground truth) is skipped, not fatal
                skipped.append((str(path), exc.problems[0].message if exc.problems else str(exc)))
            else:
                log.absorb(exc)
            continue
        if path in found and hinted is None and not mostly_canonical(plan.header):
            skipped.append((str(path), msg("io.weak_match", table=plan.table)))
            continue
        plans.append(plan)
    if not plans and not log:
        raise InputError([Problem(", ".join(map(str, paths)) or "-", None, None,
                                  msg("io.no_files", suffixes=" ".join(SUPPORTED_SUFFIXES)))])
    order = {name: i for i, name in enumerate(table_specs())}
    return sorted(plans, key=lambda p: (order[p.table], p.name))


def mostly_canonical(header: HeaderMap) -> bool:
    """More of the header's named columns belong to its table than not (guards folder imports against stray files)."""
    named = [c for c in header.columns if c != ""]
    known = [c for c in named if c is not None]
    return len(known) > len(named) - len(known)


def import_paths(engine: Engine, paths: Iterable[str | Path], table: str | None = None,
                 actor: Actor | str = "system", chunk_rows: int = CHUNK_ROWS, *,
                 mappings: HeaderMappings | Mapping[str, str] | Iterable[str] | None = None,
                 mapping_file: str | Path | None = None, source_system: str = "",
                 allow_unmapped: bool = False, remember_mappings: bool = True) -> ImportReport:
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
    actor : Actor or str
        Who imports (their user id is recorded in ``import_log`` and with remembered mappings): an
        :class:`~salesnb.auth.Actor`, a user id, or ``"system"``; needs ``data.import`` (see :func:`apply_import`).
    mappings, mapping_file, source_system, allow_unmapped :
        As for :func:`plan_import`.
    remember_mappings : bool
        Store the ``mappings`` given for the next file with those headers.

    Returns
    -------
    ImportReport
        Rows, inserted, updated and unchanged per file, and per file the
        headers used (score, reason), not used, and the columns missing.

    Raises
    ------
    InputError
        Listing every problem (up to 50) with file, Excel row and column; nothing is written.
    """
    started = time.perf_counter()
    given = gather_mappings(engine, mappings, mapping_file, source_system)
    pre_log = ProblemLog()
    skipped: list[tuple[str, str]] = []
    plans = plan_paths(paths, table, given, pre_log, skipped, allow_unmapped)
    report = apply_import(plans, engine=engine, actor=actor, remember_mappings=remember_mappings,
                          chunk_rows=chunk_rows, skipped=skipped, problems=pre_log)
    if any(plan.table == "customers" for plan in plans):
        index_customer_names(engine)  # renamed and new customers are found by the search box
    report.seconds = time.perf_counter() - started
    return report


def open_source(path: str | Path, table: str | None = None, name: str | None = None) -> ImportPlan:
    """Stages 1-3 for one file without a database: its plan (format, encoding, header row, table, mapping)."""
    return plan_import(path, table, name=name)


# ---------------------------------------------------------------- frames


def frame_plan(frame: pd.DataFrame, table: str, name: str) -> ImportPlan:
    """The plan of a DataFrame whose columns are canonical names or header aliases (row 1 = header)."""
    source = FrameSource(frame, name)
    texts = source.candidates()[0][0][1]
    return _planned(source, 0, texts, table, 1, HeaderMappings(), allow_unmapped=True)


def import_frame(session: Session, table: str, frame: pd.DataFrame, source: str = "frame",
                 actor: Actor | str = "system") -> TableResult:
    """Validate and upsert a DataFrame inside the caller's transaction.

    Columns are canonical names or header aliases (Chinese included); values
    may be text or Python/pandas values; people may be named by name, phone
    or platform id.  Row numbers in problems count the header as row 1.  The
    session is flushed first (its pending rows satisfy references) and
    expired after (loaded objects reread what the import wrote).  Raises
    :class:`~salesnb.errors.InputError` (nothing written).
    """
    table_spec(table)
    actor = authorize(session, actor, import_action([table])).user_id
    session.flush()  # the caller's pending rows count as existing for reference checks
    batch = Batch(session, actor)
    plan = frame_plan(frame, table, source)
    result = None
    try:
        for problem in plan.problems:
            batch.log.add(problem)
        if not plan.problems:
            result = batch.run(plan)
    finally:
        batch.close()
    assert result is not None  # close() raised otherwise
    session.expire_all()  # objects already loaded in the session may have been updated underneath
    return result


def import_plans(session: Session, plans: Iterable[ImportPlan], actor: Actor | str = "system") -> list[TableResult]:
    """Stages 4-7 for planned files inside the caller's transaction (the folder sync source), all or nothing.

    Like :func:`apply_import` without its own transaction: raises
    :class:`~salesnb.errors.InputError` (nothing written by these plans) and
    leaves committing to the caller, who may record more in the same
    transaction.  Mappings are not remembered.
    """
    order = {name: i for i, name in enumerate(table_specs())}
    plans = sorted(plans, key=lambda p: (order[p.table], p.name))
    actor = authorize(session, actor, import_action(p.table for p in plans)).user_id  # as apply_import
    session.flush()
    batch = Batch(session, actor)
    results = []
    try:
        for plan in plans:
            if plan.problems:
                for problem in plan.problems:
                    batch.log.add(problem)
                continue
            results.append(batch.run(plan))
    finally:
        batch.close()
        for plan in plans:
            plan.close()
    session.expire_all()
    return results


def read_table(path: str | Path, table: str | None = None) -> pd.DataFrame:
    """Read one file into a typed DataFrame with canonical column names (nothing is written).

    Detects the format, encoding, header row and (unless given) the table.
    Types: str, ``Int64``, ``Float64``, :class:`~decimal.Decimal` amounts,
    ``boolean``, aware timestamps in the local zone, dates.  Extra columns
    follow under their own header text.  ``frame.attrs`` holds ``table``,
    ``header_row``, ``encoding`` and ``source``.  People are not resolved (no
    database).  Raises :class:`~salesnb.errors.InputError` for unreadable
    values or duplicate ids (references to other tables are not checked here).
    """
    plan = plan_import(path, table, allow_unmapped=True)
    header = plan.header
    log = ProblemLog()
    for problem in plan.problems:
        log.add(problem)
    labels = header.labels()
    parts: list[pd.DataFrame] = []
    rows: list[pd.Series] = []
    for numbers, raw in plan.source.raw_chunks(CHUNK_ROWS):
        mapped = map_chunk(numbers, raw, header)
        if not len(mapped):
            continue
        chunk = convert_chunk(mapped.rows, mapped.values, mapped.extra, header.spec)
        parts.append(check_chunk(chunk, header.spec, labels, plan.name, log))
        rows.append(pd.Series(mapped.rows))
    frame = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    row_numbers = pd.concat(rows, ignore_index=True) if rows else pd.Series(dtype=int)
    _frame_duplicates(plan.name, frame, row_numbers, header, labels, log)
    log.raise_if_any()
    frame = _friendly_types(frame, header)
    if "extra" in frame.columns:
        extra = pd.DataFrame([json.loads(v) if isinstance(v, str) else {} for v in frame.pop("extra")])
        extra.columns = [f"{c} (extra)" if c in frame.columns else c for c in extra.columns]
        frame = frame.join(extra)
    frame.attrs.update(table=header.table, header_row=header.row, encoding=plan.encoding, source=plan.name)
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
    log_duplicates(name, header.spec, ((int(row_numbers[i]), tuple(key_frame.loc[i, keys]), int(first_rows[i]))
                                       for i in dup[dup].index), labels, log)


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

"""Export a table or a SELECT result to xlsx or CSV, with Chinese headers in zh-CN.

CSV is written as UTF-8 with a byte-order mark, which is what makes Excel
open Chinese text correctly on a double click.  Timestamps are local time as
``YYYY-MM-DD HH:MM:SS`` (with ``.ffffff`` when they have a fraction of a
second, as times recorded by the apps do: an export imports back unchanged);
amounts are exact (``1234.50`` in CSV, a number with two decimals in xlsx);
booleans are 是/否 in zh-CN.  With ``people="names"`` the people columns of a
table (owners, managers) hold names — ``姓名（编号）`` where two users share a
name — under headers without 编号 (负责人, 上级), as a team's own sheets do;
the importer reads them back.  Rows are streamed, so a large table does not
have to fit in memory.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable, Iterator
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, Select, TextClause, select, text
from sqlalchemy.exc import DBAPIError

from ..directory import names_of
from ..errors import SalesnbError
from ..models import Base
from ..schema import normalise_header, table_specs
from ..timeutil import UTC, to_local
from ..types import CENT
from .messages import msg
from .people import person_columns
from .sql_guard import DEFAULT_TIMEOUT, check_query, end_read_only, start_read_only, timed_out

XLSX_MAX_ROWS = 1_048_576
FETCH_ROWS = 5_000
_SELECT = re.compile(r"^\s*(?:--[^\n]*\n\s*|/\*.*?\*/\s*)*(select|with)\b", re.IGNORECASE | re.DOTALL)
_NAME = re.compile(r"^\s*[A-Za-z_][A-Za-z0-9_]*\s*$")
FORMULA_START = ("=", "+", "-", "@")
_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")
_STORED_UTC = re.compile(r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d+)?$")


@cache
def _query_columns() -> dict[str, tuple[str, str]]:
    """Column name → (Chinese label, kind) for columns of query results, from every canonical table.

    The label is the first header text all tables with that column accept
    (``amount`` → 金额, ``created_at`` → 创建时间), else the first table's.
    """
    seen: dict[str, list] = {}
    for spec in table_specs().values():
        for col in spec.columns:
            seen.setdefault(col.name, []).append(col)
    out: dict[str, tuple[str, str]] = {}
    for name, cols in seen.items():
        common = [t for t in (cols[0].zh, *cols[0].aliases)
                  if all(normalise_header(t) in {normalise_header(x) for x in (c.zh, *c.aliases)} for c in cols)]
        kinds = {c.kind for c in cols}
        out[name] = (common[0] if common else cols[0].zh, kinds.pop() if len(kinds) == 1 else "str")
    return out


PEOPLE = ("ids", "names")


def person_label(zh: str) -> str:
    """The header of a people column holding names: 负责人编号 → 负责人, 上级编号 → 上级."""
    for suffix in ("编号", "工号", "ID", "id"):
        if zh.endswith(suffix) and len(zh) > len(suffix):
            return zh[: -len(suffix)]
    return zh


def _table_columns(conn, name: str, language: str, people: str = "ids") -> tuple[Select, list[str], list[str], list[str]]:
    """Statement, column names, header labels and extra keys of a table export.

    Canonical tables export their import columns followed by the keys kept in
    ``extra``, so that an export imports back unchanged; other tables export
    every column.
    """
    table = Base.metadata.tables.get(name)
    if table is None:
        raise SalesnbError(msg("io.unknown_table", table=name, known=", ".join(table_specs())))
    spec = table_specs().get(name)
    if spec is None:
        names = [c.name for c in table.columns]
        return select(table), names, names, []
    names = list(spec.column_names)
    extra_keys: dict[str, None] = {}
    for (value,) in conn.execution_options(stream_results=True).execute(
            select(table.c.extra).where(table.c.extra.is_not(None))):
        if isinstance(value, dict):
            extra_keys.update(dict.fromkeys(value))
    zh = {c.name: c.zh for c in spec.columns}
    if people == "names":
        zh.update({c: person_label(zh[c]) for c in person_columns(spec)})
    labels = [zh[n] if language == "zh-CN" else n for n in names] + list(extra_keys)
    return select(*[table.c[n] for n in names], table.c.extra), names, labels, list(extra_keys)


class Amount(float):
    """An exact amount on its way into an xlsx cell (shown with two decimals)."""


def _formatter(kind: str, language: str, for_xlsx: bool) -> Callable[[Any], Any]:
    yes, no = ("是", "否") if language == "zh-CN" else ("true", "false")

    def fmt(value: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, bool) or (kind == "bool" and isinstance(value, int)):
            return yes if value else no
        if kind == "datetime" and isinstance(value, str) and _STORED_UTC.match(value):
            value = datetime.fromisoformat(value).replace(tzinfo=UTC)  # raw SQLite text is naive UTC
        if isinstance(value, datetime):
            local = to_local(value).replace(tzinfo=None) if value.tzinfo else value
            if local.microsecond:  # times recorded by the app: exact text, so that a re-import changes nothing
                return local.strftime("%Y-%m-%d %H:%M:%S.%f")
            return local if for_xlsx else local.strftime("%Y-%m-%d %H:%M:%S")
        if isinstance(value, date):
            return value if for_xlsx else value.isoformat()
        if kind == "decimal" and isinstance(value, float):
            value = Decimal(repr(value))
        if isinstance(value, Decimal):
            exact = value.quantize(CENT) if kind == "decimal" else value
            return Amount(exact) if for_xlsx else str(exact)
        if isinstance(value, (dict, list)):
            return json.dumps(value, ensure_ascii=False)
        return value

    return fmt


def export_table(engine: Engine, table_or_select: str | Select | TextClause, path: str | Path,
                 language: str = "zh-CN", fmt: str | None = None, people: str = "ids",
                 timeout: float | None = DEFAULT_TIMEOUT) -> int:
    """Write a table or a query result to ``path`` (xlsx or csv, by suffix or ``fmt``).

    Parameters
    ----------
    engine : Engine
    table_or_select : str or Select or TextClause
        A table name, a SQL ``SELECT``/``WITH`` text, or a SQLAlchemy statement.
        Query columns named like canonical columns get their Chinese header and type.
    path : path
    language : {"zh-CN", "en"}
        zh-CN: Chinese headers and 是/否; en: column names and true/false.
    fmt : {"xlsx", "csv"}, optional
    people : {"ids", "names"}
        How a table's people columns (owner_id, manager_id …) name people:
        user ids, or names (``姓名（编号）`` when a name is shared).
    timeout : float, optional
        Seconds a SQL text may run (read-only, checked first by :func:`salesnb.io.sql_guard.check_query`).

    Returns
    -------
    int
        The number of data rows written.
    """
    path = Path(path)
    fmt = (fmt or path.suffix.lstrip(".") or "csv").lower()
    if fmt not in ("xlsx", "csv"):
        raise SalesnbError("io.export.format", format=repr(fmt))
    if people not in PEOPLE:
        raise SalesnbError("io.export.people", people=people)
    labels_known = _query_columns()
    is_name = isinstance(table_or_select, str) and _NAME.match(table_or_select)
    if isinstance(table_or_select, str) and not is_name:
        if not _SELECT.match(table_or_select):
            raise SalesnbError(msg("io.not_select"))
        check_query(table_or_select, engine.dialect.name)
    path.parent.mkdir(parents=True, exist_ok=True)
    with engine.connect() as conn:
        try:
            if is_name:
                name = table_or_select.strip()
                statement, names, labels, extra_keys = _table_columns(conn, name, language, people)
                spec = table_specs().get(name)
                kinds = {c.name: c.kind for c in spec.columns} if spec else {}
                named = set(person_columns(spec)) if spec and people == "names" else set()
                shown = names_of(conn) if named else {}
            else:
                statement = text(table_or_select) if isinstance(table_or_select, str) else table_or_select
                names, labels, extra_keys, kinds, named = [], [], [], {}, set()
                if isinstance(table_or_select, str):
                    start_read_only(conn, timeout)
            result = conn.execution_options(stream_results=True).execute(statement)
            if not names:
                names = list(result.keys())
                labels = [labels_known[n][0] if language == "zh-CN" and n in labels_known else n for n in names]
                kinds = {n: labels_known[n][1] for n in names if n in labels_known}
            formatters = [_formatter(kinds.get(n, "str"), language, fmt == "xlsx") for n in names]
            if named:
                formatters = [(lambda v, _f=f: _f(shown.get(v, v))) if n in named else f for n, f in zip(names, formatters)]
            width = len(names)

            def shaped(row) -> list:
                out = [f(v) for f, v in zip(formatters, row[:width])]
                if extra_keys:
                    extra = row[width] if isinstance(row[width], dict) else {}
                    out += [extra.get(k) for k in extra_keys]
                return out

            rows = (shaped(row) for batch in _batches(result) for row in batch)
            partial = path.with_name(path.name + ".part")  # the file appears only when complete
            try:
                written = (_write_xlsx if fmt == "xlsx" else _write_csv)(partial, labels, rows)
            except BaseException:
                partial.unlink(missing_ok=True)
                raise
            partial.replace(path)
        except DBAPIError as exc:
            if timed_out(exc):
                raise SalesnbError(msg("io.sql.timeout", seconds=f"{timeout:g}")) from None
            raise SalesnbError(msg("io.query_failed", detail=str(exc.orig).strip())) from None
        finally:
            conn.rollback()
            if isinstance(table_or_select, str) and not is_name:
                end_read_only(conn)
    return written


def _batches(result) -> Iterator[list]:
    while batch := result.fetchmany(FETCH_ROWS):
        yield batch


def _write_csv(path: Path, labels: list[str], rows: Iterator[list]) -> int:
    count = 0
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(labels)
        for row in rows:
            writer.writerow([csv_safe(v) for v in row])
            count += 1
    return count


def _write_xlsx(path: Path, labels: list[str], rows: Iterator[list]) -> int:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for label in labels:
        cell = WriteOnlyCell(sheet, value=label)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    count = 0
    full = False
    for row in rows:
        if count + 1 >= XLSX_MAX_ROWS:
            full = True
            break
        count += 1
        sheet.append([_xlsx_cell(sheet, v) for v in row])
    workbook.save(path)  # also when full: a write-only workbook is only closed cleanly by saving
    if full:
        raise SalesnbError(msg("io.too_many_rows", limit=XLSX_MAX_ROWS - 1))
    return count


def _xlsx_cell(sheet, value: Any) -> Any:
    from openpyxl.cell import WriteOnlyCell

    if isinstance(value, datetime):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "yyyy-mm-dd hh:mm:ss"
        return cell
    if isinstance(value, date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "yyyy-mm-dd"
        return cell
    if isinstance(value, Amount):
        cell = WriteOnlyCell(sheet, value=float(value))
        cell.number_format = "0.00"
        return cell
    if isinstance(value, str) and value.startswith("="):
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"  # data, never a live formula
        return cell
    return value


def csv_safe(value: Any) -> Any:
    """Text that Excel would run as a formula gets a leading apostrophe (the importer removes it again)."""
    if isinstance(value, str) and value[:1] in FORMULA_START and not _NUMBER.match(value):
        return "'" + value
    return value

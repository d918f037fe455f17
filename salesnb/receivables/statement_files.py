"""Read a bank export into a grid of cell texts, whatever the file really is.

Chinese bank exports come as real .xlsx/.xls, as HTML tables or tab/comma text
saved with an ".xls" name, in UTF-8 or GB18030, with banner rows above the
header and merged cells.  :func:`read_grid` sniffs the content (not the
suffix) and returns every row as a list of strings, merged cells filled with
their value so that a two-level header ("发生额" over "借方 | 贷方") reads
naturally.  Account numbers and serials stay text: numbers from spreadsheets
are rendered without a trailing ".0" or exponent.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path

from ..errors import InputError, Problem
from ..io.encoding import detect_bytes_encoding
from ..io.readers import sniff

Grid = list[list[str]]


def cell_text(value: object) -> str:
    """A spreadsheet cell as text: integers without ".0", dates in ISO form, None as ''."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return format(Decimal(repr(value)), "f")
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, (date, time)):
        return value.isoformat()
    return str(value).strip()


def decode(raw: bytes) -> str:
    """Decode text of unknown encoding (BOM, UTF-8, else GB18030 and friends, as the importer detects it)."""
    encoding = detect_bytes_encoding(raw)
    try:
        return raw.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return raw.decode("gb18030", errors="replace")


def _xlsx_grid(path: Path) -> Grid:
    from openpyxl import load_workbook

    workbook = load_workbook(path, data_only=True)
    sheet = workbook.worksheets[0]
    grid = [[cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    for merged in sheet.merged_cells.ranges:
        value = grid[merged.min_row - 1][merged.min_col - 1]
        for r in range(merged.min_row - 1, min(merged.max_row, len(grid))):
            for c in range(merged.min_col - 1, merged.max_col):
                if c < len(grid[r]):
                    grid[r][c] = value
    return grid


def _xls_grid(path: Path) -> Grid:
    from python_calamine import CalamineWorkbook

    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
    return [[cell_text(v) for v in row] for row in sheet.to_python(skip_empty_area=False)]


def _html_grid(text: str) -> Grid:
    """The rows of the largest <table>, with colspan/rowspan cells repeated."""
    import lxml.html

    root = lxml.html.fromstring(text)
    tables = root.xpath("//table")
    if not tables:
        return []
    table = max(tables, key=lambda t: len(t.xpath(".//tr")))
    grid: Grid = []
    pending: dict[tuple[int, int], str] = {}  # (row, col) → text carried down by rowspan
    for r, tr in enumerate(table.xpath(".//tr")):
        row: list[str] = []
        col = 0
        for cell in tr.xpath("./td|./th"):
            while (r, col) in pending:
                row.append(pending.pop((r, col)))
                col += 1
            value = " ".join(cell.text_content().split())
            span = max(1, int(cell.get("colspan", "1") or 1))
            down = max(1, int(cell.get("rowspan", "1") or 1))
            for c in range(col, col + span):
                row.append(value)
                for below in range(r + 1, r + down):
                    pending[(below, c)] = value
            col += span
        while (r, col) in pending:
            row.append(pending.pop((r, col)))
            col += 1
        grid.append(row)
    return grid


def _text_grid(text: str) -> Grid:
    sample = "\n".join(text.splitlines()[:50])
    counts = {d: sample.count(d) for d in ("\t", ",", ";", "|")}
    delimiter = max(counts, key=counts.get) if max(counts.values()) else ","
    return [[c.strip() for c in row] for row in csv.reader(io.StringIO(text), delimiter=delimiter)]


def read_grid(path: str | Path) -> Grid:
    """Every row of the first sheet/table of a bank export, as text cells."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError([Problem(str(path), None, None, f"cannot read file: {exc.strerror or exc}")]) from exc
    try:
        kind = sniff(path)
        if kind == "excel":
            return _xlsx_grid(path) if raw.startswith(b"PK\x03\x04") else _xls_grid(path)
        text = decode(raw)
        return _html_grid(text) if kind == "html" else _text_grid(text)
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001 - any parser failure becomes a message about the file
        raise InputError([Problem(str(path), None, None, f"not a readable bank statement: {exc}")]) from exc

"""Read a bank export into a grid of cell texts, whatever the file really is.

Chinese bank exports come as real .xlsx/.xls, as HTML tables, Excel 2003 XML
or tab/comma text saved with an ".xls" name, in UTF-8 or GB18030, with banner rows above the
header and merged cells.  :func:`read_grid` sniffs the content (not the
suffix) and returns every row as a list of strings, merged cells filled with
their value (the importer's grid readers do HTML and XML) so that a two-level header ("发生额" over "借方 | 贷方") reads
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
from ..io.readers import _SS as XML_SS
from ..io.readers import _html_charset, _xml_sheet_grid, sniff
from ..io.readers import _html_grid as _table_grid

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


def _html_grid(raw: bytes) -> Grid:
    """The rows of the page's largest <table>, colspan/rowspan cells repeated (the importer's table reader)."""
    import lxml.html

    encoding = _html_charset(raw) or detect_bytes_encoding(raw)
    doc = lxml.html.document_fromstring(raw, parser=lxml.html.HTMLParser(encoding=encoding))
    tables = [_table_grid(t) for t in doc.iter("table")]
    return max(tables, key=len, default=[])


def _xml_grid(path: Path) -> Grid:
    """The first worksheet of an Excel 2003 XML Spreadsheet, rows at their Excel numbers."""
    from lxml import etree

    root = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)).getroot()
    sheet = next(root.iter(f"{{{XML_SS}}}Worksheet"), None)
    numbered = _xml_sheet_grid(sheet) if sheet is not None else []
    grid: Grid = [[] for _ in range(max((n for n, _ in numbered), default=0))]
    for number, cells in numbered:
        grid[number - 1] = cells
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
        if kind == "xml":
            return _xml_grid(path)
        if kind == "html":
            return _html_grid(raw)
        return _text_grid(decode(raw))
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001 - any parser failure becomes a message about the file
        raise InputError([Problem(str(path), None, None, f"not a readable bank statement: {exc}")]) from exc

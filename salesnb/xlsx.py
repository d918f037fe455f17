"""xlsx files written a row at a time (openpyxl's write-only mode): memory stays flat in the number of rows."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import BinaryIO

from .labels import display, is_missing

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def write_xlsx(out: BinaryIO, headers: Sequence[str], rows: Iterable[Sequence[object]], title: str = "Sheet1") -> int:
    """Write a workbook with one sheet to ``out``: a bold header row, then ``rows``; the number of rows.

    Text is always stored as text (a value like ``=HYPERLINK(...)`` from the
    data never becomes a formula); times are local, to the minute.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=title[:31] or "Sheet1")
    bold = Font(bold=True)
    header_cells = []
    for text in headers:
        cell = WriteOnlyCell(sheet, value=str(text))
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    count = 0
    for row in rows:
        sheet.append([_cell(sheet, value, WriteOnlyCell) for value in row])
        count += 1
    book.save(out)
    return count


def _cell(sheet, value: object, cell_type):
    if value is None or is_missing(value):
        return None
    if isinstance(value, bool):
        return display(value)
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (datetime, date)):
        return display(value)
    cell = cell_type(sheet, value=str(value))
    cell.data_type = "s"  # never a formula
    return cell

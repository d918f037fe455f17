"""Files the apps hand to the browser: an xlsx of what is on screen, a stored attachment.

Voila has no download channel of its own; a file is offered as an
``<a download>`` link whose ``href`` is a data URI (fine for the few hundred
kilobytes a filtered list or a 交付保障书 weighs).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal

from . import html

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_bytes(headers: Sequence[str], rows: Sequence[Sequence[object]], title: str = "Sheet1") -> bytes:
    """An xlsx workbook with one sheet: a bold header row, then ``rows``.

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
    for row in rows:
        sheet.append([_cell(sheet, value, WriteOnlyCell) for value in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cell(sheet, value: object, cell_type):
    if value is None or html.is_missing(value):
        return None
    if isinstance(value, bool):
        return html.display(value)
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (datetime, date)):
        return html.display(value)
    cell = cell_type(sheet, value=str(value))
    cell.data_type = "s"  # never a formula
    return cell


def link(data: bytes, filename: str, label: str, mime: str = XLSX_MIME) -> str:
    """The download link markup (filename and label escaped)."""
    return html.download_link(data, filename, label, mime)

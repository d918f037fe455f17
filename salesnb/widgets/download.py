"""Files the apps hand to the browser: an xlsx of what is on screen, a stored attachment.

Voila has no download channel of its own; a file is offered as an
``<a download>`` link whose ``href`` is a data URI (fine for the few hundred
kilobytes a dashboard or a 交付保障书 weighs).  Lists that can hold a whole
company's rows (the findings) link to the server's export endpoint instead,
which streams the file (:mod:`salesnb.web.exports`).
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from ..xlsx import XLSX_MIME, write_xlsx
from . import html

__all__ = ["XLSX_MIME", "link", "xlsx_bytes"]


def xlsx_bytes(headers: Sequence[str], rows: Sequence[Sequence[object]], title: str = "Sheet1") -> bytes:
    """An xlsx workbook with one sheet (:func:`salesnb.xlsx.write_xlsx`), as bytes."""
    out = io.BytesIO()
    write_xlsx(out, headers, rows, title)
    return out.getvalue()


def link(data: bytes, filename: str, label: str, mime: str = XLSX_MIME) -> str:
    """The download link markup (filename and label escaped)."""
    return html.download_link(data, filename, label, mime)

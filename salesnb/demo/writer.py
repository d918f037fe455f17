"""Write typed column blocks to CSV (UTF-8) or xlsx, a block at a time, byte-for-byte reproducibly."""

from __future__ import annotations

import csv
import re
import zipfile
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np

from ..errors import SalesnbError
from ..schema import table_spec
from . import messages  # noqa: F401 - the keys of the errors below
from .timeline import NA, date_text, to_text

XLSX_MAX_ROWS = 1_048_575
TRUTH_COLUMNS = (("txn_id", "str"), ("invoice_id", "str"), ("amount", "decimal"), ("fee", "decimal"))
_EPOCH = datetime(1970, 1, 1)
_BOOL = {1: "是", 0: "否", -1: ""}


def columns_of(table: str) -> tuple[tuple[str, str], ...]:
    """(name, kind) of every column written for ``table``: the canonical columns, or the truth file's."""
    if table == "bank_truth":
        return TRUTH_COLUMNS
    return tuple((c.name, c.kind) for c in table_spec(table).columns)


def money_text(cents: np.ndarray) -> list[str]:
    return [f"{'-' if c < 0 else ''}{abs(c) // 100}.{abs(c) % 100:02d}" for c in cents.tolist()]


def as_text(kind: str, values) -> list[str]:
    """Format one column for CSV."""
    if kind == "datetime":
        return to_text(np.asarray(values, dtype=np.int64))
    if kind == "decimal":
        return money_text(np.asarray(values, dtype=np.int64))
    if kind == "bool":
        return [_BOOL[v] for v in np.asarray(values).tolist()]
    if kind == "int":
        return ["" if v == NA else str(v) for v in np.asarray(values, dtype=np.int64).tolist()]
    if kind == "float":
        return ["" if v != v else f"{v:g}" for v in np.asarray(values, dtype=float).tolist()]
    if kind == "date":
        return date_text(np.asarray(values, dtype=np.int64))
    return values.tolist() if isinstance(values, np.ndarray) else list(values)  # already text ('' = empty)


def as_cells(kind: str, values) -> list:
    """Format one column for xlsx: real dates and numbers, empty cells for missing values."""
    if kind == "datetime":
        return [None if v == NA else _EPOCH + timedelta(seconds=v) for v in np.asarray(values).tolist()]
    if kind == "decimal":
        return [c / 100 for c in np.asarray(values, dtype=np.int64).tolist()]
    if kind == "int":
        return [None if v == NA else v for v in np.asarray(values, dtype=np.int64).tolist()]
    if kind == "float":
        return [None if v != v else v for v in np.asarray(values, dtype=float).tolist()]
    if kind == "date":
        return [date(1970, 1, 1) + timedelta(days=v) for v in np.asarray(values).tolist()]
    return [v or None for v in as_text(kind, values)]


class TableWriter:
    """One output file; ``write`` appends a block of columns (``name → values``)."""

    def __init__(self, path: Path, table: str, fmt: str):
        self.path = path
        self.table = table
        self.fmt = fmt
        self.columns = columns_of(table)
        self.rows = 0
        header = [name for name, _ in self.columns]
        if fmt == "csv":
            self._file = open(path, "w", encoding="utf-8", newline="")
            self._csv = csv.writer(self._file, lineterminator="\n")
            self._csv.writerow(header)
        else:
            from openpyxl import Workbook

            self._book = Workbook(write_only=True)
            self._sheet = self._book.create_sheet(table)
            self._sheet.append(header)

    def write(self, block: dict[str, object]) -> None:
        n = len(next(iter(block.values()))) if block else 0
        if n == 0:
            return
        self.rows += n
        if self.fmt == "csv":
            cols = [as_text(kind, block[name]) for name, kind in self.columns]
            self._csv.writerows(zip(*cols))
            return
        if self.rows > XLSX_MAX_ROWS:
            raise SalesnbError("demo.xlsx_rows", table=self.table, rows=self.rows)
        cols = [as_cells(kind, block[name]) for name, kind in self.columns]
        for row in zip(*cols):
            self._sheet.append(row)

    def close(self, stamp: datetime) -> None:
        if self.fmt == "csv":
            self._file.close()
            return
        self._book.save(self.path)
        normalise_xlsx(self.path, stamp)


def normalise_xlsx(path: Path, stamp: datetime) -> None:
    """Make an xlsx reproducible: fixed zip entry times and document created/modified stamps."""
    iso = stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    with zipfile.ZipFile(path) as src:
        entries = [(info.filename, src.read(info.filename)) for info in src.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for name, data in entries:
            if name == "docProps/core.xml":
                text = data.decode("utf-8")
                text = re.sub(r"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)", rf"\g<1>{iso}\g<3>", text)
                data = text.encode("utf-8")
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            dst.writestr(info, data)

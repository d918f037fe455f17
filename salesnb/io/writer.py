"""Writing converted chunks into one table through the raw driver: SQLite ``executemany``, PostgreSQL ``COPY``.

Values go in exactly the storage form SQLAlchemy's own types use (UTC
timestamps as ``YYYY-MM-DD HH:MM:SS.ffffff`` text on SQLite, ``timestamptz``
text on PostgreSQL, amounts as REAL / numeric, booleans 1/0 / t/f, JSON
text), so the ORM reads the rows back as if it had written them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sqlalchemy import Column, Connection

from ..schema import TableSpec
from .convert import date_storage_text, utc_storage_text

NULL = r"\N"
ROWS_PER_INSERT = 50
SQLITE_MAX_PARAMS = 999  # the lowest limit SQLite was ever built with
_COPY_ESCAPES = (("\\", "\\\\"), ("\t", "\\t"), ("\n", "\\n"), ("\r", "\\r"))


def column_kinds(spec: TableSpec) -> dict[str, str]:
    """Column → the kind its values are written as (enums are text; ``extra`` is JSON)."""
    kinds = {c.name: (c.kind if not c.enum else "str") for c in spec.columns}
    kinds["extra"] = "json"
    return kinds


def python_values(series: pd.Series, kind: str) -> np.ndarray:
    """One typed column as SQLite driver values, an object array (None for missing)."""
    if kind == "datetime":
        return utc_storage_text(series)
    if kind == "date":
        return date_storage_text(series)
    if kind == "decimal":
        return np.array([None if v is None else float(v) for v in series], dtype=object)
    if kind == "bool":
        out = np.full(len(series), None, dtype=object)
        known = series.notna().to_numpy()
        out[known] = np.where(series[known].to_numpy(dtype=bool), 1, 0).astype(object)
        return out
    return series.to_numpy(dtype=object, na_value=None)


def copy_text(series: pd.Series, kind: str) -> np.ndarray:
    """One typed column as PostgreSQL COPY text fields (``\\N`` for missing)."""
    if kind == "datetime":
        values = utc_storage_text(series, suffix="+00")
    elif kind == "date":
        values = date_storage_text(series)
    elif kind == "bool":
        values = python_values(series, kind)
        values[values == 1] = "t"
        values[values == 0] = "f"
    elif kind == "int":
        values = series.astype(object).map(lambda v: str(int(v)), na_action="ignore").to_numpy(dtype=object, na_value=None)
    elif kind == "float":
        values = series.astype(object).map(lambda v: repr(float(v)), na_action="ignore").to_numpy(dtype=object, na_value=None)
    else:
        values = np.array(series.to_numpy(dtype=object, na_value=None), dtype=object)  # a writable copy
    missing = pd.isna(values)
    if kind in ("str", "json") and not missing.all():
        present = np.flatnonzero(~missing)
        text = values[present].tolist()
        joined = "".join(text)
        if any(char in joined for char, _ in _COPY_ESCAPES):  # rare: most columns need no escaping
            for char, escaped in _COPY_ESCAPES:
                text = [t.replace(char, escaped) for t in text]
            values[present] = np.array(text, dtype=object)
    values[missing] = NULL
    return values


def _copy_scalar(value: object) -> str:
    if value is None:
        return NULL
    if isinstance(value, bool):
        return "t" if value else "f"
    text = str(value)
    for char, escaped in _COPY_ESCAPES:
        text = text.replace(char, escaped)
    return text


def storage_constant(column: Column, value: object, conn: Connection) -> object:
    """A Python value as the driver receives it for ``column`` (the type's own bind processing)."""
    processor = column.type.dialect_impl(conn.dialect).bind_processor(conn.dialect)
    return processor(value) if processor else value


class ChunkWriter:
    """Appends chunks of typed columns (plus constant columns) to one table.

    Parameters
    ----------
    conn : Connection
        The import's connection (inside its transaction).
    table : str
        Table written to.
    columns : list of str
        Typed columns, in order; a chunk lacking one writes NULL.
    kinds : dict
        Column → kind (see :func:`column_kinds`).
    leading : str, optional
        An integer column written first from the ``leading`` array of each chunk (the staging tables' Excel row numbers).
    constants : dict, optional
        Column → driver value written on every row (defaults of columns the source lacks).
    """

    def __init__(self, conn: Connection, table: str, columns: list[str], kinds: dict[str, str],
                 leading: str | None = None, constants: dict[str, object] | None = None):
        self.conn = conn
        self.table = table
        self.columns = columns
        self.kinds = kinds
        self.leading = leading
        self.constants = constants or {}
        self.postgresql = conn.dialect.name == "postgresql"
        self._open = None
        names = ([leading] if leading else []) + columns + list(self.constants)
        cols = ", ".join(f'"{c}"' for c in names)
        if self.postgresql:
            self.sql = f'COPY "{table}" ({cols}) FROM STDIN'
            self._constant_text = [_copy_scalar(v) for v in self.constants.values()]
        else:
            # several rows per statement: one statement execution opens the table's B-tree cursors once
            self.width = len(names)
            self.per = max(1, min(ROWS_PER_INSERT, SQLITE_MAX_PARAMS // self.width))
            one = f'({", ".join("?" * self.width)})'
            self.sql = f'INSERT INTO "{table}" ({cols}) VALUES {one}'
            self.sql_many = f'INSERT INTO "{table}" ({cols}) VALUES {", ".join([one] * self.per)}'

    def _copy(self):
        """The COPY of this writer, started on first use: one per table for all its chunks, so the
        server works on what was sent while the next chunk is converted here."""
        if self._open is None:
            cursor = self.conn.connection.driver_connection.cursor()
            context = cursor.copy(self.sql)
            self._open = (cursor, context, context.__enter__())
        return self._open[2]

    def close(self) -> None:
        """End the COPY (PostgreSQL; the server reports refused rows here).  Call before other statements."""
        if self._open is None:
            return
        cursor, context, _ = self._open
        self._open = None
        try:
            context.__exit__(None, None, None)
        finally:
            cursor.close()

    def write(self, typed: pd.DataFrame, n: int, leading: np.ndarray | None = None) -> None:
        """Append ``n`` rows; ``leading`` holds the leading column's values when there is one."""
        if not n:
            return
        if self.postgresql:
            fields = [leading.astype(str).astype(object)] if self.leading else []
            for c in self.columns:
                fields.append(copy_text(typed[c], self.kinds[c]) if c in typed else np.full(n, NULL, dtype=object))
            fields += [np.full(n, text, dtype=object) for text in self._constant_text]
            payload = "\n".join("\t".join(t) for t in zip(*fields)) + "\n"
            self._copy().write(payload.encode("utf-8"))
        else:
            grid = np.empty((n, self.width), dtype=object)
            at = 0
            if self.leading:
                grid[:, 0] = leading
                at = 1
            for c in self.columns:
                grid[:, at] = python_values(typed[c], self.kinds[c]) if c in typed else None
                at += 1
            for value in self.constants.values():
                grid[:, at] = value
                at += 1
            full = n - n % self.per
            cur = self.conn.connection.driver_connection.cursor()
            try:
                if full:
                    cur.executemany(self.sql_many, grid[:full].reshape(-1, self.per * self.width).tolist())
                if full < n:
                    cur.executemany(self.sql, grid[full:].tolist())
            finally:
                cur.close()

"""The ``sql`` sync source: any database SQLAlchemy can reach, one SELECT per stream.

Settings::

    [sync.erp]
    type = "sql"
    url = "${ERP_DB_URL}"          # any SQLAlchemy URL; ${VAR} comes from the environment
    batch_rows = 50000             # rows per transaction (optional)

    [sync.erp.streams.customers]   # the stream's name; its table is the name unless `table` says otherwise
    query = 'SELECT 客户编号, 客户名称, 区域, 负责人, 更新时间 FROM 客户'   # or: source_table = "客户"
    cursor = "更新时间"             # optional: incremental reads (WHERE 更新时间 > last seen, in order)
    columns = { 负责人 = "owner_id" }   # optional: the source's column → canonical column ("" = not used)

Columns named like a canonical column or one of its Chinese headers or
aliases need no mapping.  The cursor column must only grow (an update time,
an increasing id); a batch never ends in the middle of equal cursor values.
Unless it maps to a canonical column, the cursor column is not stored.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cached_property
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, text

from ...schema import header_index, normalise_header
from ...sync.base import Batch, ReadContext, Source, Stream
from ...sync.state import decode, encode
from ..hookspecs import hookimpl

if TYPE_CHECKING:
    import pandas as pd

BATCH_ROWS = 50_000


class SqlSource(Source):
    type = "sql"

    @cached_property
    def engine(self) -> Engine:
        from ...db import make_engine

        return make_engine(self.option("url", required=True))

    def close(self) -> None:
        if "engine" in self.__dict__:
            self.__dict__.pop("engine").dispose()

    def read(self, stream: Stream, cursor: dict[str, Any] | None, context: ReadContext) -> Iterator[Batch]:
        quote = self.engine.dialect.identifier_preparer.quote
        query = stream.option("query")
        if not query:
            table = stream.option("source_table") or stream.name
            query = f"SELECT * FROM {quote(table)}"
        cursor_col = stream.option("cursor")
        batch_rows = int(stream.option("batch_rows") or self.option("batch_rows") or BATCH_ROWS)
        sql, params = f"SELECT * FROM ({query}) salesnb_src", {}
        if cursor_col and cursor and "value" in cursor and not context.full:
            sql += f" WHERE {quote(cursor_col)} > :salesnb_cursor"
            params["salesnb_cursor"] = decode(cursor["value"])
        if cursor_col:
            sql += f" ORDER BY {quote(cursor_col)}"
        keep_cursor = bool(cursor_col) and (cursor_col in stream.columns and stream.columns[cursor_col] != ""
                                            or normalise_header(cursor_col) in header_index(stream.table))
        with self.engine.connect() as conn:
            result = conn.execution_options(stream_results=True, yield_per=batch_rows).execute(text(sql), params)
            columns = list(result.keys())
            at = columns.index(cursor_col) if cursor_col else None
            carry: list[tuple] = []
            last_cursor = cursor
            for part in result.partitions(batch_rows):
                rows = carry + [tuple(r) for r in part]
                carry = []
                if at is not None:  # hold back the rows that share the last cursor value: a batch ends between values
                    cut = len(rows)
                    while cut > 0 and rows[cut - 1][at] == rows[-1][at]:
                        cut -= 1
                    rows, carry = rows[:cut], rows[cut:]
                    if not rows:
                        continue
                    last_cursor = {"value": encode(rows[-1][at])}
                yield Batch(self._frame(rows, columns, cursor_col, keep_cursor), last_cursor)
            if carry:
                if at is not None:
                    last_cursor = {"value": encode(carry[-1][at])}
                yield Batch(self._frame(carry, columns, cursor_col, keep_cursor), last_cursor, done=True)

    @staticmethod
    def _frame(rows: list[tuple], columns: list[str], cursor_col: str | None, keep_cursor: bool) -> pd.DataFrame:
        import pandas as pd  # reading only: listing a source's streams (the Connectors page) loads no pandas

        frame = pd.DataFrame.from_records(rows, columns=columns)
        if cursor_col and not keep_cursor:
            frame = frame.drop(columns=[cursor_col])
        return frame


@hookimpl
def salesnb_sync_sources():
    return [SqlSource]

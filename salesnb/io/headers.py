"""Finding the header row of a sheet and mapping its cells to a canonical table.

Exports from CRM, ERP and banks put banner rows ("XX银行对账单", "账号: …",
blank lines) above the header, merge header cells, and split one header over
two rows.  The header is the row (or pair of rows) whose cells name the most
columns of some canonical table; the table is the one whose required columns
are all there, best match first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from ..schema import TableSpec, header_index, normalise_header, table_spec, table_specs

SEARCH_ROWS = 30

# Bank statements split the amount into a credit (money in) and a debit (money out) column.
CREDIT_HEADERS = frozenset(normalise_header(h) for h in (
    "贷方发生额", "贷方金额", "贷方", "收入金额", "收入", "存入金额", "收款金额", "来账金额", "贷方发生额(收入)",
))
DEBIT_HEADERS = frozenset(normalise_header(h) for h in (
    "借方发生额", "借方金额", "借方", "支出金额", "支出", "付款金额", "支取金额", "往账金额", "借方发生额(支出)",
))
CREDIT, DEBIT = "@credit", "@debit"


@lru_cache(maxsize=4096)
def folded(text: str) -> str:
    """:func:`~salesnb.schema.normalise_header`, cached (header search folds the same cells many times)."""
    return normalise_header(text)


@dataclass
class HeaderMap:
    """Where the header is and what each source column means.

    ``columns[i]`` is the canonical column of source column ``i``, or
    :data:`CREDIT` / :data:`DEBIT` (bank amount split), or ``None`` (an extra
    column, kept in ``extra``), or ``""`` (no header text: ignored).
    ``merged`` maps the second of two columns that together make one
    timestamp (交易日期 + 交易时间, in either order) to the first.
    """

    table: str
    row: int  # 1-based row number of the (last) header row
    texts: list[str]
    columns: list[str | None]
    merged: dict[int, int] = field(default_factory=dict)  # second column -> first column

    @property
    def spec(self) -> TableSpec:
        return table_spec(self.table)

    def positions(self) -> dict[str, int]:
        """Canonical column → source column position (first occurrence)."""
        out: dict[str, int] = {}
        for pos, col in enumerate(self.columns):
            if col and col not in out:
                out[col] = pos
        return out

    def extras(self) -> list[int]:
        return [pos for pos, col in enumerate(self.columns) if col is None]

    def labels(self) -> dict[str, str]:
        """Canonical column → the user's header text (what problems are reported under)."""
        labels: dict[str, str] = {}
        for pos, col in enumerate(self.columns):
            if col and col not in labels:
                labels[col] = self.texts[pos]
        for time_pos, date_pos in self.merged.items():
            col = self.columns[date_pos]
            labels[col] = f"{self.texts[date_pos]}+{self.texts[time_pos]}"
        if CREDIT in labels or DEBIT in labels:
            split = "/".join(labels[k] for k in (CREDIT, DEBIT) if k in labels)
            labels.setdefault("amount", split)
            labels.setdefault("direction", split)
        return labels

    def present(self) -> set[str]:
        """Canonical columns the source provides (directly or derived)."""
        cols = {c for c in self.columns if c and not c.startswith("@")}
        if self.table == "bank_transactions" and {CREDIT, DEBIT} & set(self.columns):
            cols |= {"amount", "direction"}
        return cols

    def missing_required(self) -> list[str]:
        present = self.present()
        return [c.name for c in self.spec.columns if c.required and c.default is None and c.name not in present]


def match_row(cells: list[str], table: str) -> HeaderMap:
    """Map one row of header texts onto ``table`` (row number left at 0)."""
    index = header_index(table)
    spec = table_spec(table)
    kinds = {c.name: c.kind for c in spec.columns}
    columns: list[str | None] = []
    merged: dict[int, int] = {}
    first: dict[str, int] = {}
    for pos, text in enumerate(cells):
        key = folded(text)
        col = index.get(key) if key else ""
        if col is None and table == "bank_transactions":
            col = CREDIT if key in CREDIT_HEADERS else DEBIT if key in DEBIT_HEADERS else None
        if col and col in first:
            if kinds.get(col) == "datetime" and first[col] not in merged.values():
                merged[pos] = first[col]
                columns.append("@time")
                continue
            col = None  # a second column with the same meaning: kept as extra
        if col:
            first[col] = pos
        columns.append(col)
    return HeaderMap(table, 0, list(cells), columns, merged)


def score(header: HeaderMap) -> tuple[int, int, int, int]:
    spec = header.spec
    present = header.present()
    pk_present = all(p in present for p in spec.primary_key)
    return (int(not header.missing_required()), int(pk_present), len(present), -len(spec.columns))


def _combine(upper: list[str], lower: list[str], table: str) -> list[str]:
    """A header split over two rows: per column, the lower text, the upper text or both joined."""
    index = header_index(table)
    width = max(len(upper), len(lower))
    upper = upper + [""] * (width - len(upper))
    lower = lower + [""] * (width - len(lower))
    out = []
    for up, low in zip(upper, lower):
        choices = [low, up, up + low]
        hit = next((c for c in choices if c and folded(c) in index), None)
        out.append(hit if hit is not None else (low or up))
    return out


def find_header(rows: list[tuple[int, list[str]]], table: str | None = None) -> HeaderMap | None:
    """Find the header among the first rows of a sheet.

    ``rows`` are ``(row_number, cells)`` pairs as the user sees them.  Returns
    the best mapping (table inferred when ``table`` is None), or None when no
    row names at least two columns of any table.
    """
    tables = [table] if table else list(table_specs())
    rows = rows[:SEARCH_ROWS]
    best: tuple[tuple, HeaderMap] | None = None

    def consider(header: HeaderMap) -> None:
        nonlocal best
        value = score(header)
        if value[2] >= 2 and (best is None or value > best[0]):  # earlier rows win ties
            best = (value, header)

    for number, cells in rows:
        if any(cells):
            for name in tables:
                header = match_row(cells, name)
                header.row = number
                consider(header)
    # a header split over two rows must beat every one-row reading
    for (_, upper), (number, lower) in zip(rows, rows[1:]):
        if any(upper) and any(lower):
            for name in tables:
                header = match_row(_combine(upper, lower, name), name)
                header.row = number
                consider(header)
    return best[1] if best else None

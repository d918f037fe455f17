"""Stage 3b, shape rows: a positional text chunk → canonical text columns, as the header map says.

Blank rows and total rows (``合计 …`` under a statement) are dropped; cells
are stripped and unwrapped (``="0012"``, a protecting apostrophe); a date
column and a time column become one timestamp text; a bank's credit/debit
pair becomes amount + direction; headers that feed no column go into the
row's ``extra`` JSON.  Values stay text: :mod:`salesnb.io.convert` parses them.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .headers import CREDIT, DEBIT, HeaderMap

FOOTER = re.compile(r"^(合计|总计|小计|本页合计|累计|共\s*\d+\s*笔)")


@dataclass
class Mapped:
    """One chunk of a source in canonical terms (text still to be parsed)."""

    rows: np.ndarray  # row numbers as seen in Excel
    values: dict[str, np.ndarray]  # canonical column -> stripped text ("" = empty), object arrays
    extra: np.ndarray | None  # JSON object text of the extra columns (None where all empty)

    def __len__(self) -> int:
        return len(self.rows)


_WRAPPED = re.compile(r"""^="(.*)"$|^'([=+\-@].*)$""", re.DOTALL)


def _clean(values: np.ndarray) -> np.ndarray:
    """Strip spaces, the ``="…"`` wrapper bank CSVs put around long numbers, and the apostrophe
    that protects formula-like text (as :func:`salesnb.io.exporter.csv_safe` writes it).

    ``str.strip`` returns the very same object when there is nothing to strip,
    so clean columns (the usual case) cost one pass and no copies; the rarer
    fixes are looked for on one joined string.
    """
    cells = [v.strip() for v in values]
    joined = _SEP.join(cells)
    if "\x00" in joined:  # NUL bytes (seen in bank exports) cannot be stored as text
        cells = [v.replace("\x00", "").strip() for v in cells]
    if '="' in joined or "'" in joined:
        for i, v in enumerate(cells):
            match = _WRAPPED.match(v) if v[:1] in ("=", "'") else None
            if match:
                cells[i] = match.group(1) if match.group(1) is not None else match.group(2)
    return np.array(cells, dtype=object)


_SEP = "\x01"


def map_chunk(rows: np.ndarray, frame: pd.DataFrame, header: HeaderMap) -> Mapped:
    """Turn a positional text chunk into canonical columns (+ extra JSON), dropping blank and total rows."""
    used = [pos for pos, col in enumerate(header.columns) if col != "" and pos < frame.shape[1]]
    text = {pos: _clean(frame.iloc[:, pos].to_numpy(dtype=object)) for pos in used}
    if not text:
        return Mapped(rows[:0], {}, None)
    nonempty = np.zeros(len(frame), dtype=bool)
    for values in text.values():
        nonempty |= values != ""
    keep = nonempty & ~_footer_rows(text, header)
    if not keep.all():
        rows = rows[keep]
        text = {pos: values[keep] for pos, values in text.items()}
    positions = header.positions()
    values = {col: text[pos] for col, pos in positions.items() if not col.startswith("@") and pos in text}
    for time_pos, date_pos in header.merged.items():
        if time_pos in text and date_pos in text:
            values[header.columns[date_pos]] = _join_date_time(text[date_pos], text[time_pos])
    if header.table == "bank_transactions":
        _bank_amounts(values, text, positions)
    return Mapped(rows, values, _extra_json(text, header))


def _footer_rows(text: dict[int, np.ndarray], header: HeaderMap) -> np.ndarray:
    """Rows like ``合计 …`` at the bottom of statements: no key, and a total label."""
    n = len(next(iter(text.values())))
    positions = header.positions()
    keys = [positions[k] for k in header.spec.primary_key if k in positions]
    no_key = np.ones(n, dtype=bool) if keys else np.zeros(n, dtype=bool)
    for pos in keys:
        no_key &= text[pos] == ""
    for i in np.flatnonzero(no_key):
        no_key[i] = any(FOOTER.match(values[i]) for values in text.values())
    return no_key


def _join_date_time(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """交易日期 + 交易时间 (in either order) → one timestamp text; a cell that already holds both wins."""
    out = []
    for a, b in zip(first, second):
        a_date, b_date = bool(_HAS_DATE.search(a)), bool(_HAS_DATE.search(b))
        if a_date and b_date:
            out.append(a if len(a) >= len(b) else b)
        elif b_date:
            out.append(f"{b} {a}".strip())
        else:
            out.append(f"{a} {b}".strip())
    return np.array(out, dtype=object)


_HAS_DATE = re.compile(r"\d{4}\D?\d{1,2}\D?\d{1,2}")
_ZERO = re.compile(r"[-+]?[0.,\s¥￥]*")


def _bank_amounts(values: dict[str, np.ndarray], text: dict[int, np.ndarray], positions: dict[str, int]) -> None:
    """Credit/debit columns → amount + direction; a negative single amount means money out."""
    has_direction = "direction" in values
    n = len(next(iter(text.values())))
    if "amount" not in values and (CREDIT in positions or DEBIT in positions):
        empty = np.full(n, "", dtype=object)
        credit = text.get(positions.get(CREDIT, -1), empty)
        debit = text.get(positions.get(DEBIT, -1), empty)
        credit_set = np.array([bool(c) and not _ZERO.fullmatch(c) for c in credit], dtype=bool)
        values["amount"] = np.where(credit_set, credit, debit)
        if not has_direction:
            values["direction"] = np.where(credit_set, "in", np.where(debit != "", "out", "")).astype(object)
    elif "amount" in values and not has_direction:
        amount = values["amount"]
        negative = np.array([a.startswith("-") or (a.startswith("(") and a.endswith(")")) for a in amount], dtype=bool)
        if negative.any():
            values["amount"] = np.array([a.strip("-()") if neg else a for a, neg in zip(amount, negative)], dtype=object)
            values["direction"] = np.where(negative, "out", "").astype(object)


def _extra_json(text: dict[int, np.ndarray], header: HeaderMap) -> np.ndarray | None:
    extras = [pos for pos in header.extras() if pos in text]
    if not extras:
        return None
    names: list[str] = []
    for pos in extras:
        name = header.texts[pos]
        suffix = 2
        while name in names:
            name = f"{header.texts[pos]} ({suffix})"
            suffix += 1
        names.append(name)
    columns = [text[pos].tolist() for pos in extras]
    out = []
    for cells in zip(*columns):
        record = {k: v for k, v in zip(names, cells) if v != ""}
        out.append(json.dumps(record) if record else None)
    return np.array(out, dtype=object)

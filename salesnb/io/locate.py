"""Stage 2, locate the header: which sheet (table, delimiter), which row, which canonical table.

Exports from CRM, ERP and banks put banner rows ("XX银行对账单", "账号: …",
blank lines) above the header, merge header cells, and split one header over
two rows.  The header is the row (or pair of rows) whose cells name the most
columns of some canonical table (as :mod:`salesnb.io.headers` maps them,
mappings people gave included); the table is the one whose required columns
are all there, best match first.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..schema import table_specs
from .headers import Given, HeaderMap, Vocabulary, folded, match_row, vocabulary

SEARCH_ROWS = 30

Rows = list[tuple[int, list[str]]]  # (row number as the user sees it, cell texts)


@dataclass
class Located:
    """The header found: in which candidate (sheet, table of a page, delimiter), mapped as which table."""

    candidate: int
    header: HeaderMap


def score(header: HeaderMap) -> tuple[int, int, int, int]:
    """How well a header row fits its table: all required columns, the key, the number of columns, fewer columns."""
    spec = header.spec
    present = header.present()
    pk_present = all(p in present for p in spec.primary_key)
    return (int(not header.missing_required()), int(pk_present), len(present), -len(spec.columns))


def _combine(upper: list[str], lower: list[str], table: str, given: Given | None) -> list[str]:
    """A header split over two rows: per column, the lower text, the upper text or both joined."""
    vocab = vocabulary(table)
    width = max(len(upper), len(lower))
    upper = upper + [""] * (width - len(upper))
    lower = lower + [""] * (width - len(lower))
    out = []
    for up, low in zip(upper, lower):
        choices = [low, up, up + low]
        hit = next((c for c in choices if c and _known(c, vocab, given)), None)
        out.append(hit if hit is not None else (low or up))
    return out


def _known(text: str, vocab: Vocabulary, given: Given | None) -> bool:
    return bool(given and folded(text) in given) or vocab.match(text, False)[0] is not None


def find_header(rows: Rows, table: str | None = None,
                given: Mapping[str, Given] | None = None) -> HeaderMap | None:
    """Find the header among the first rows of a sheet.

    ``rows`` are ``(row_number, cells)`` pairs as the user sees them;
    ``given`` maps a table to the header mappings people gave for it.
    Returns the best mapping (table inferred when ``table`` is None), or None
    when no row names at least two columns of any table.
    """
    tables = [table] if table else list(table_specs())
    given = given or {}
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
                header = match_row(cells, name, given.get(name))
                header.row = number
                consider(header)
    # a header split over two rows must beat every one-row reading
    for (_, upper), (number, lower) in zip(rows, rows[1:]):
        if any(upper) and any(lower):
            for name in tables:
                header = match_row(_combine(upper, lower, name, given.get(name)), name, given.get(name))
                header.row = number
                consider(header)
    return best[1] if best else None


def locate(candidates: Sequence[Rows], table: str | None = None,
           given: Mapping[str, Given] | None = None) -> Located | None:
    """The best header over every candidate reading of a file (sheets, tables of a page, delimiters).

    Earlier candidates win ties.  None when no candidate has a header.
    """
    best: Located | None = None
    for index, rows in enumerate(candidates):
        header = find_header(rows, table, given)
        if header is not None and (best is None or score(header) > score(best.header)):
            best = Located(index, header)
    return best

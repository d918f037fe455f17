"""Fuzzing the import path: random bytes, random encodings, random header and cell shapes.

Every input ends in success (exit 0) or a clean, bounded error message (exit 2):
never a traceback, never a partial write.
"""

from __future__ import annotations

import io
import itertools

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from salesnb.cli import main
from salesnb.errors import MAX_MESSAGE_CHARS
from salesnb.schema import table_specs

from .helpers import snapshot

HEADERS = sorted({text for spec in table_specs().values() for col in spec.columns
                  for text in (col.name, col.zh, *col.aliases[:1])})
CELLS = st.one_of(
    st.sampled_from(["", " ", "是", "否", "true", "2026-11-27 09:30", "2026/11/27", "2026-11-27T09:30:00.123456+08:00",
                     "1,234.50", "¥1,000.00", "-0", "1e309", "NaN", "=1+1", "'=SUM(A1)", "U1", "C1", "O1", "合计",
                     "sales", "open", "accepted", "\u202e", "a/b", "..\\..", "x" * 300, "9" * 40]),
    st.text(max_size=20),
    st.integers(-10**20, 10**20).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)
ENCODINGS = ["utf-8", "utf-8-sig", "gb18030", "utf-16", "big5", "latin-1", "shift_jis"]
SUFFIXES = [".csv", ".txt", ".tsv", ".xls", ".xlsx", ".htm"]


@st.composite
def tables(draw):
    """A grid: maybe banner rows, a header of known and unknown names, rows of odd cells."""
    width = draw(st.integers(1, 8))
    header = draw(st.lists(st.one_of(st.sampled_from(HEADERS), st.text(max_size=8)), min_size=width, max_size=width))
    banner = draw(st.lists(st.lists(CELLS, max_size=3), max_size=2))
    rows = draw(st.lists(st.lists(CELLS, min_size=0, max_size=width + 2), max_size=6))
    return [*banner, header, *rows]


def as_text(grid, delimiter: str) -> str:
    out = io.StringIO()
    import csv

    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerows(grid)
    return out.getvalue()


def as_xlsx(grid) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    workbook = Workbook()
    sheet = workbook.active
    for row in grid:
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", c) for c in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@st.composite
def files(draw):
    kind = draw(st.sampled_from(["bytes", "text", "text", "xlsx", "html"]))
    suffix = draw(st.sampled_from(SUFFIXES))
    if kind == "bytes":
        return suffix, draw(st.binary(max_size=3000))
    grid = draw(tables())
    if kind == "xlsx":
        return ".xlsx", as_xlsx(grid)
    if kind == "html":
        cells = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in grid)
        return suffix, f"<html><body><table>{cells}</table></body></html>".encode("utf-8", "replace")
    text = as_text(grid, draw(st.sampled_from([",", "\t", ";", "|"])))
    encoding = draw(st.sampled_from(ENCODINGS))
    data = text.encode(encoding, errors="replace")
    if draw(st.booleans()):  # damage: cut somewhere, or splice random bytes in
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.binary(max_size=40)) + data[at + draw(st.integers(0, 20)):]
    return suffix, data


counter = itertools.count()


def test_import_ends_in_success_or_a_clean_bounded_error(engine, tmp_path):
    url = engine.url.render_as_string(hide_password=False)
    runner = CliRunner()

    @settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(files())
    def check(file):
        suffix, data = file
        path = tmp_path / f"fuzz{next(counter)}{suffix}"
        path.write_bytes(data)
        before = snapshot(engine)
        result = runner.invoke(main, ["--db", url, "import", str(path)])
        assert result.exit_code in (0, 2), (result.exit_code, result.output[:2000])
        assert "Traceback" not in result.output
        if result.exit_code == 2:
            assert result.output.startswith("错误：") and len(result.output) <= MAX_MESSAGE_CHARS + 200
            assert snapshot(engine) == before

    check()

"""Reading sources in chunks: CSV / tab text, xlsx / xls (calamine), HTML saved as .xls, pandas frames.

A :class:`Source` knows its header (:class:`~salesnb.io.headers.HeaderMap`),
and yields :class:`Mapped` chunks: canonical column → stripped text, the
extra columns as JSON text, and each row's number as the user sees it in
Excel (banner rows and header rows counted).  Everything is read as text, so
account numbers, serials and ids never pass through a float.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputError, Problem
from .convert import cell_text
from .encoding import detect_bytes_encoding, detect_encoding
from .headers import CREDIT, DEBIT, SEARCH_ROWS, HeaderMap, find_header, match_row, score
from .messages import msg

CHUNK_ROWS = 20_000  # rows per chunk: memory is bounded by this, not by the file size
SPARE_COLUMNS = 4
DELIMITERS = (",", "\t", ";", "|")
BYTE_LINE_ENCODINGS = ("utf-8", "utf-8-sig", "gb18030")
EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xlsb", ".xls", ".ods")
TEXT_SUFFIXES = (".csv", ".tsv", ".txt")
HTML_SUFFIXES = (".htm", ".html", ".xml")
SUPPORTED_SUFFIXES = EXCEL_SUFFIXES + TEXT_SUFFIXES + HTML_SUFFIXES
FOOTER = re.compile(r"^(合计|总计|小计|本页合计|累计|共\s*\d+\s*笔)")
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MAX_FILE_BYTES = 4 << 30  # 4 GiB: larger files are split (or synced from the source system)
MAX_COLUMNS = 1_000
EMPTY_CHECK_BYTES = 1 << 20  # a file this small is read whole to tell "empty" from "no header"
_BINARY_MAGIC = (b"%PDF", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"\x7fELF", b"\x1f\x8b", b"Rar!", b"7z\xbc\xaf")
_TEXT_CONTROLS = frozenset(b"\t\n\r\f\x1a")


@dataclass
class Mapped:
    """One chunk of a source in canonical terms (text still to be parsed)."""

    rows: np.ndarray  # row numbers as seen in Excel
    values: dict[str, np.ndarray]  # canonical column -> stripped text ("" = empty), object arrays
    extra: np.ndarray | None  # JSON object text of the extra columns (None where all empty)

    def __len__(self) -> int:
        return len(self.rows)


class Source:
    """A readable input whose header has been found."""

    name: str
    kind: str
    encoding: str | None = None
    header: HeaderMap

    @property
    def table(self) -> str:
        return self.header.table

    def raw_chunks(self, size: int) -> Iterator[tuple[np.ndarray, pd.DataFrame]]:
        """(row numbers, frame of text by source column position) for the data rows."""
        raise NotImplementedError

    def chunks(self, size: int = CHUNK_ROWS) -> Iterator[Mapped]:
        for rows, frame in self.raw_chunks(size):
            mapped = map_chunk(rows, frame, self.header)
            if len(mapped):
                yield mapped

    def sha256(self) -> str:
        raise NotImplementedError


class FileSource(Source):
    def __init__(self, path: Path, name: str | None = None):
        self.path = path
        self.name = name or str(path)

    def sha256(self) -> str:
        digest = hashlib.sha256()
        with open(self.path, "rb") as fh:
            while block := fh.read(1 << 20):
                digest.update(block)
        return digest.hexdigest()

    def _no_header(self, table: str | None) -> InputError:
        key = "io.no_header_table" if table else "io.no_header"
        return InputError([Problem(self.name, None, None, msg(key, table=table, rows=SEARCH_ROWS))])


# ---------------------------------------------------------------- CSV and tab text


class TextSource(FileSource):
    """Delimited text (CSV, or the tab-separated text banks save as ``.xls``)."""

    kind = "text"

    def __init__(self, path: Path, table: str | None = None, name: str | None = None):
        super().__init__(path, name)
        self.encoding = detect_encoding(path)
        with open(path, encoding=self.encoding, errors="replace", newline="") as fh:
            lines = [line for _, line in zip(range(SEARCH_ROWS * 2), fh)]
        best = None
        for delimiter in DELIMITERS:
            records, consumed = _split_records(lines, delimiter)
            header = find_header(records, table)
            if header is not None and (best is None or score(header) > score(best[0])):
                best = (header, delimiter, records, consumed)
        if best is None:
            raise self._no_header(table)
        self.header, self.delimiter, records, consumed = best
        self.skip_lines = consumed[self.header.row]
        # lone "\r" line ends (old Mac CSV) are only understood by the text reader
        self.lone_cr = any(line.endswith("\r") for line in lines)
        widths = [len(cells) for number, cells in records if number >= self.header.row]
        # a few spare columns absorb trailing delimiters ("a,b,c,,") that some exports add to data rows
        self.width = max([len(self.header.texts), *widths]) + SPARE_COLUMNS

    def raw_chunks(self, size: int) -> Iterator[tuple[np.ndarray, pd.DataFrame]]:
        next_row = self.header.row + 1
        # pandas decodes UTF-8 itself from a binary handle, with flat memory; a text handle makes it
        # hold on to decoded buffers.  "\n" is a byte of its own in UTF-8 and GB18030, so lines can
        # be skipped in bytes.
        binary = self.encoding in BYTE_LINE_ENCODINGS and not self.lone_cr
        encoding = "utf-8" if self.encoding == "utf-8-sig" else self.encoding
        with (open(self.path, "rb") if binary else open(self.path, encoding=self.encoding, newline="")) as fh:
            for _ in range(self.skip_lines):
                fh.readline()
            reader = pd.read_csv(
                fh, sep=self.delimiter, header=None, names=range(self.width), dtype=object,
                keep_default_na=False, na_filter=False, skip_blank_lines=False,
                chunksize=size, engine="c", **({"encoding": encoding} if binary else {}),
            )
            try:
                for frame in reader:
                    rows = np.arange(next_row, next_row + len(frame))
                    next_row += len(frame)
                    yield rows, frame.reset_index(drop=True)
            except (pd.errors.ParserError, UnicodeDecodeError) as exc:
                line = re.search(r"line (\d+)", str(exc))
                row = self.header.row + int(line.group(1)) if line else None
                raise InputError([Problem(self.name, row, None, msg("io.unreadable_text", detail=_short(exc)))]) from None


def _split_records(lines: list[str], delimiter: str) -> tuple[list[tuple[int, list[str]]], dict[int, int]]:
    """Parse the first lines into (record number, cells) and, per record, the lines consumed through it."""
    records: list[tuple[int, list[str]]] = []
    consumed: dict[int, int] = {}
    reader = csv.reader(lines, delimiter=delimiter)
    try:
        for number, cells in enumerate(reader, start=1):
            records.append((number, [c.strip() for c in cells]))
            consumed[number] = reader.line_num
    except csv.Error:
        pass
    if records and consumed[records[-1][0]] == len(lines) and len(lines) == SEARCH_ROWS * 2:
        records.pop()  # the last record may be cut off by the sample
    return records, consumed


def _short(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0][:200]


# ---------------------------------------------------------------- workbooks (calamine)


class ExcelSource(FileSource):
    """xlsx / xlsm / xlsb / ods / real .xls, read with python-calamine."""

    kind = "excel"

    def __init__(self, path: Path, table: str | None = None, name: str | None = None):
        from python_calamine import CalamineWorkbook

        super().__init__(path, name)
        try:
            workbook = CalamineWorkbook.from_path(str(path))
        except Exception as exc:  # noqa: BLE001 - any reader failure is the user's file
            raise InputError([Problem(self.name, None, None, msg("io.unreadable_excel", detail=_short(exc)))]) from None
        best = None
        for sheet_name in workbook.sheet_names:
            sheet = workbook.get_sheet_by_name(sheet_name)
            head = list(self._rows(sheet, limit=SEARCH_ROWS))
            header = find_header(head, table)
            if header is not None and (best is None or score(header) > score(best[0])):
                best = (header, sheet_name, head)
        if best is None:
            raise self._no_header(table)
        self.header, self.sheet_name, head = best
        self.workbook = workbook
        self.width = max(len(self.header.texts), *(len(cells) for _, cells in head))

    @staticmethod
    def _rows(sheet, limit: int | None = None) -> Iterator[tuple[int, list[str]]]:
        """(row number, cell texts) with merged cells filled from their top-left cell."""
        start_col = sheet.start[1] if sheet.start else 0
        fills: dict[tuple[int, int], tuple[int, int]] = {}
        for (r1, c1), (r2, c2) in sheet.merged_cell_ranges or ():
            for r in range(r1, r2 + 1):
                for c in range(c1, c2 + 1):
                    if (r, c) != (r1, c1):
                        fills[(r, c - start_col)] = (r1, c1 - start_col)
        kept: dict[tuple[int, int], str] = {}
        origins = set(fills.values())
        for index, raw in enumerate(sheet.iter_rows()):
            if limit is not None and index >= limit:
                return
            cells = [cell_text(v).strip() for v in raw]
            if fills:
                for col, text in enumerate(cells):
                    if (index, col) in origins:
                        kept[(index, col)] = text
                for col in range(len(cells)):
                    origin = fills.get((index, col))
                    if origin is not None:
                        cells[col] = kept.get(origin, "")
            yield index + 1, cells

    def raw_chunks(self, size: int) -> Iterator[tuple[np.ndarray, pd.DataFrame]]:
        sheet = self.workbook.get_sheet_by_name(self.sheet_name)
        batch: list[list[str]] = []
        numbers: list[int] = []
        for number, cells in self._rows(sheet):
            if number <= self.header.row:
                continue
            batch.append((cells + [""] * self.width)[: self.width])
            numbers.append(number)
            if len(batch) >= size:
                yield np.array(numbers), pd.DataFrame(batch, dtype=object)
                batch, numbers = [], []
        if batch:
            yield np.array(numbers), pd.DataFrame(batch, dtype=object)


# ---------------------------------------------------------------- HTML and XML saved as .xls


class GridSource(FileSource):
    """A source read whole into grids of cell texts (one per table or sheet); the best header wins."""

    def _choose(self, grids: list[list[tuple[int, list[str]]]], table: str | None) -> None:
        best = None
        for numbered in grids:
            header = find_header(numbered, table)
            if header is not None and (best is None or score(header) > score(best[0])):
                best = (header, numbered)
        if best is None:
            raise self._no_header(table)
        self.header, numbered = best
        self.grid = [(n, cells) for n, cells in numbered if n > self.header.row]
        self.width = max([len(self.header.texts), *(len(c) for _, c in self.grid)])

    def raw_chunks(self, size: int) -> Iterator[tuple[np.ndarray, pd.DataFrame]]:
        for start in range(0, len(self.grid), size):
            part = self.grid[start : start + size]
            frame = pd.DataFrame([(c + [""] * self.width)[: self.width] for _, c in part], dtype=object)
            yield np.array([n for n, _ in part]), frame


class HtmlSource(GridSource):
    """An HTML table (what many banks and web systems save as ``.xls``)."""

    kind = "html"

    def __init__(self, path: Path, table: str | None = None, name: str | None = None):
        import lxml.html

        super().__init__(path, name)
        data = path.read_bytes()
        self.encoding = _html_charset(data) or detect_bytes_encoding(data)
        parser = lxml.html.HTMLParser(encoding=self.encoding)
        doc = lxml.html.document_fromstring(data, parser=parser)
        grids = []
        offset = 0  # Excel shows the tables of a page one under the other
        for table_el in doc.iter("table"):
            grid = _html_grid(table_el)
            grids.append([(offset + i + 1, cells) for i, cells in enumerate(grid)])
            offset += len(grid)
        self._choose(grids, table)


class XmlSpreadsheetSource(GridSource):
    """Excel 2003 "XML Spreadsheet" (``<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">``) saved as ``.xls``."""

    kind = "xml"

    def __init__(self, path: Path, table: str | None = None, name: str | None = None):
        from lxml import etree

        super().__init__(path, name)
        try:
            root = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)).getroot()
        except etree.XMLSyntaxError as exc:
            raise InputError([Problem(self.name, None, None, msg("io.unreadable_excel", detail=_short(exc)))]) from None
        self.encoding = root.getroottree().docinfo.encoding
        self._choose([_xml_sheet_grid(sheet) for sheet in root.iter(f"{{{_SS}}}Worksheet")], table)


_SS = "urn:schemas-microsoft-com:office:spreadsheet"


def _xml_sheet_grid(sheet) -> list[tuple[int, list[str]]]:
    """Rows of one XML Spreadsheet worksheet: ``ss:Index`` gaps kept, merged cells repeated."""
    rows: list[tuple[int, list[str]]] = []
    pending: dict[tuple[int, int], str] = {}
    number = 0
    for row in sheet.iter(f"{{{_SS}}}Row"):
        number = int(row.get(f"{{{_SS}}}Index", number + 1))
        cells: list[str] = []
        for cell in row.iter(f"{{{_SS}}}Cell"):
            col = int(cell.get(f"{{{_SS}}}Index", len(cells) + 1)) - 1
            while len(cells) < col:
                cells.append(pending.pop((number, len(cells)), ""))
            data = cell.find(f"{{{_SS}}}Data")
            text = "".join(data.itertext()) if data is not None else ""
            if data is not None and data.get(f"{{{_SS}}}Type") == "Number":
                try:
                    text = cell_text(float(text))
                except ValueError:
                    pass
            across = _span(str(int(cell.get(f"{{{_SS}}}MergeAcross", 0)) + 1))
            down = _span(str(int(cell.get(f"{{{_SS}}}MergeDown", 0)) + 1))
            for dc in range(across):
                cells.append(text)
                for dr in range(1, down):
                    pending[(number + dr, col + dc)] = text
        for (r, c) in sorted(k for k in pending if k[0] == number):
            while len(cells) <= c:
                cells.append("")
            cells[c] = pending.pop((r, c))
        rows.append((number, cells))
    return rows


def _html_charset(data: bytes) -> str | None:
    match = re.search(rb"""<meta[^>]+charset\s*=\s*["']?([\w-]+)""", data[:4096], re.IGNORECASE)
    if not match:
        return None
    name = match.group(1).decode("ascii").lower()
    return "gb18030" if name in ("gb2312", "gbk", "gb18030") else name


def _html_grid(table_el) -> list[list[str]]:
    """Rows of cell texts, with rowspan/colspan cells repeated over the cells they cover."""
    grid: list[list[str]] = []
    pending: dict[tuple[int, int], str] = {}
    rows = [tr for tr in table_el.iter("tr") if _owning_table(tr) is table_el]
    for r, tr in enumerate(rows):
        cells: list[str] = []
        col = 0
        for cell in tr:
            if cell.tag not in ("td", "th"):
                continue
            while (r, col) in pending:
                cells.append(pending.pop((r, col)))
                col += 1
            text = " ".join(cell.text_content().split())
            colspan = _span(cell.get("colspan"))
            rowspan = _span(cell.get("rowspan"))
            for dc in range(colspan):
                cells.append(text)
                for dr in range(1, rowspan):
                    pending[(r + dr, col + dc)] = text
            col += colspan
        while (r, col) in pending:
            cells.append(pending.pop((r, col)))
            col += 1
        grid.append(cells)
    return grid


def _owning_table(el):
    parent = el.getparent()
    while parent is not None and parent.tag != "table":
        parent = parent.getparent()
    return parent


def _span(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), 1000))
    except ValueError:
        return 1


# ---------------------------------------------------------------- pandas frames


class FrameSource(Source):
    """A pandas DataFrame whose columns are canonical names or header aliases (row 1 = header)."""

    kind = "frame"

    def __init__(self, frame: pd.DataFrame, table: str, name: str):
        self.name = name
        self.frame = frame
        self.header = match_row([str(c) for c in frame.columns], table)
        self.header.row = 1

    def raw_chunks(self, size: int) -> Iterator[tuple[np.ndarray, pd.DataFrame]]:
        for start in range(0, len(self.frame), size):
            part = self.frame.iloc[start : start + size]
            text = pd.DataFrame({i: [cell_text(v) for v in part.iloc[:, i]] for i in range(part.shape[1])}, dtype=object)
            yield np.arange(start + 2, start + 2 + len(part)), text.reset_index(drop=True)

    def sha256(self) -> str:
        hashed = pd.util.hash_pandas_object(self.frame.astype(str), index=False).to_numpy()
        return hashlib.sha256(hashed.tobytes() + repr(list(self.frame.columns)).encode()).hexdigest()


# ---------------------------------------------------------------- opening and mapping


def sniff(path: Path) -> str:
    """What a file really is: ``excel``, ``html``, ``xml`` (Excel 2003) or ``text`` (suffixes lie: banks' .xls is often HTML or text)."""
    with open(path, "rb") as fh:
        head = fh.read(4096)
    if head.startswith(_OLE2) or head.startswith(b"PK\x03\x04"):
        return "excel"
    probe = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if probe.startswith(b"<") and b"urn:schemas-microsoft-com:office:spreadsheet" in probe and b"<workbook" in probe:
        return "xml"
    if probe.startswith(b"<") and (b"<table" in head.lower() or b"<html" in probe[:200]):
        return "html"
    return "text"


def open_source(path: str | Path, table: str | None = None, name: str | None = None) -> Source:
    """Open a file, detect its format, encoding, header row and (unless given) table.

    Raises :class:`~salesnb.errors.InputError` when the file cannot be read or
    has no recognisable header.
    """
    path = Path(path)
    label = name or str(path)
    if not path.is_file():
        raise InputError([Problem(label, None, None, msg("io.not_a_file"))])
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise InputError([Problem(label, None, None, msg("io.too_big", size=size, limit=MAX_FILE_BYTES))])
    if _blank(path, size):
        raise InputError([Problem(label, None, None, msg("io.empty_file"))])
    kind = sniff(path)
    if kind == "text" and _binary(path):
        raise InputError([Problem(label, None, None, msg("io.not_tabular"))])
    cls = {"excel": ExcelSource, "html": HtmlSource, "xml": XmlSpreadsheetSource, "text": TextSource}[kind]
    source = cls(path, table, label)
    columns = len(source.header.texts)
    if columns > MAX_COLUMNS:
        raise InputError([Problem(label, source.header.row, None,
                                  msg("io.too_many_columns", columns=columns, limit=MAX_COLUMNS))])
    return source


def _blank(path: Path, size: int) -> bool:
    """True for a file with no cell text at all: nothing, a byte-order mark, blank lines, bare delimiters."""
    if size > EMPTY_CHECK_BYTES:
        return False
    data = path.read_bytes()
    for bom in (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"):
        data = data.removeprefix(bom)
    return not data.replace(b"\x00", b"").translate(None, b" \t\r\n\f,;|").strip()


def _binary(path: Path) -> bool:
    """True when a file sniffed as text is binary data (an image, a PDF, an executable…), judged on its start."""
    with open(path, "rb") as fh:
        head = fh.read(4096)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16/32 with a byte-order mark: NULs are expected
        return False
    if head.startswith(_BINARY_MAGIC):
        return True
    # a stray NUL or control character in a cell is the cell's problem; text is not made of them
    controls = sum(1 for byte in head if byte < 0x20 and byte not in _TEXT_CONTROLS)
    return controls > max(2, len(head) // 50)


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

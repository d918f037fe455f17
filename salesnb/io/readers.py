"""Stage 1, read: what a file really is, its encoding, its possible readings, and its rows as text.

A :class:`Source` offers *candidates* — the first rows of every way to read
it (each sheet of a workbook, each table of an HTML page, each delimiter of a
text file) — for :mod:`salesnb.io.locate` to find the header in.  Once told
which candidate and header row to use (:meth:`Source.choose`), it yields the
data rows in chunks: row numbers as the user sees them in Excel (banner rows
and header rows counted) and a frame of cell texts by source column
position.  Everything is read as text, so account numbers, serials and ids
never pass through a float.  :func:`read_grid` gives every row of a file's
main sheet or table, for readers with their own layout rules (bank statements).
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputError, Problem
from .convert import cell_text
from .encoding import detect_bytes_encoding, detect_encoding
from .messages import msg

CHUNK_ROWS = 20_000  # rows per chunk: memory is bounded by this, not by the file size
SEARCH_ROWS = 30  # rows of each candidate offered to the header search
SPARE_COLUMNS = 4
DELIMITERS = (",", "\t", ";", "|")
BYTE_LINE_ENCODINGS = ("utf-8", "utf-8-sig", "gb18030")
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MAX_FILE_BYTES = 4 << 30  # 4 GiB: larger files are split (or synced from the source system)
MAX_COLUMNS = 1_000
EMPTY_CHECK_BYTES = 1 << 20  # a file this small is read whole to tell "empty" from "no header"
_BINARY_MAGIC = (b"%PDF", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"\x7fELF", b"\x1f\x8b", b"Rar!", b"7z\xbc\xaf")
_TEXT_CONTROLS = frozenset(b"\t\n\r\f\x1a")


Rows = list[tuple[int, list[str]]]  # (row number as the user sees it, cell texts)


class Source:
    """A readable input: candidate readings, then (once a header is chosen) its data rows in chunks."""

    name: str
    kind: str
    encoding: str | None = None
    header_row: int = 0

    def candidates(self) -> list[Rows]:
        """The first :data:`SEARCH_ROWS` rows of every way to read the source."""
        raise NotImplementedError

    def choose(self, candidate: int, header_row: int, header_width: int) -> None:
        """Read candidate ``candidate`` from now on; data starts below row ``header_row``."""
        raise NotImplementedError

    def raw_chunks(self, size: int) -> Iterator[tuple[np.ndarray, pd.DataFrame]]:
        """(row numbers, frame of text by source column position) for the data rows."""
        raise NotImplementedError

    def grid(self) -> list[list[str]]:
        """Every row of the main reading, row ``i`` being Excel row ``i + 1`` (see :func:`read_grid`)."""
        raise NotImplementedError

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


# ---------------------------------------------------------------- CSV and tab text


class TextSource(FileSource):
    """Delimited text (CSV, or the tab-separated text banks save as ``.xls``)."""

    kind = "text"

    def __init__(self, path: Path, name: str | None = None):
        super().__init__(path, name)
        self.encoding = detect_encoding(path)
        with open(path, encoding=self.encoding, errors="replace", newline="") as fh:
            lines = [line for _, line in zip(range(SEARCH_ROWS * 2), fh)]
        self.readings = [(delimiter, *_split_records(lines, delimiter)) for delimiter in DELIMITERS]
        # lone "\r" line ends (old Mac CSV) are only understood by the text reader
        self.lone_cr = any(line.endswith("\r") for line in lines)

    def candidates(self) -> list[Rows]:
        return [records for _, records, _ in self.readings]

    def choose(self, candidate: int, header_row: int, header_width: int) -> None:
        self.delimiter, records, consumed = self.readings[candidate]
        self.header_row = header_row
        self.skip_lines = consumed[header_row]
        widths = [len(cells) for number, cells in records if number >= header_row]
        # a few spare columns absorb trailing delimiters ("a,b,c,,") that some exports add to data rows
        self.width = max([header_width, *widths]) + SPARE_COLUMNS

    def grid(self) -> list[list[str]]:
        """Every record, split on the delimiter most frequent in the first lines."""
        sample = "".join(line for _, line in zip(range(50), self._lines()))
        counts = {d: sample.count(d) for d in DELIMITERS}
        delimiter = max(counts, key=counts.get) if max(counts.values()) else ","
        return [[c.strip() for c in row] for row in csv.reader(self._lines(), delimiter=delimiter)]

    def _lines(self) -> Iterator[str]:
        with open(self.path, encoding=self.encoding, errors="replace", newline="") as fh:
            yield from fh

    def raw_chunks(self, size: int) -> Iterator[tuple[np.ndarray, pd.DataFrame]]:
        next_row = self.header_row + 1
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
                row = self.header_row + int(line.group(1)) if line else None
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

    def __init__(self, path: Path, name: str | None = None):
        from python_calamine import CalamineWorkbook

        super().__init__(path, name)
        try:
            workbook = CalamineWorkbook.from_path(str(path))
        except Exception as exc:  # noqa: BLE001 - any reader failure is the user's file
            raise InputError([Problem(self.name, None, None, msg("io.unreadable_excel", detail=_short(exc)))]) from None
        self.workbook = workbook
        self.heads = [(sheet_name, list(self._rows(workbook.get_sheet_by_name(sheet_name), limit=SEARCH_ROWS)))
                      for sheet_name in workbook.sheet_names]

    def candidates(self) -> list[Rows]:
        return [head for _, head in self.heads]

    def choose(self, candidate: int, header_row: int, header_width: int) -> None:
        self.sheet_name, head = self.heads[candidate]
        self.header_row = header_row
        self.width = max(header_width, *(len(cells) for _, cells in head))

    def grid(self) -> list[list[str]]:
        """Every row of the first sheet, merged cells filled."""
        if not self.heads:
            return []
        return [cells for _, cells in self._rows(self.workbook.get_sheet_by_name(self.heads[0][0]))]

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
            if number <= self.header_row:
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

    grids: list[Rows]

    def candidates(self) -> list[Rows]:
        return [numbered[:SEARCH_ROWS] for numbered in self.grids]

    def choose(self, candidate: int, header_row: int, header_width: int) -> None:
        self.header_row = header_row
        self.data = [(n, cells) for n, cells in self.grids[candidate] if n > header_row]
        self.width = max([header_width, *(len(c) for _, c in self.data)])

    def raw_chunks(self, size: int) -> Iterator[tuple[np.ndarray, pd.DataFrame]]:
        for start in range(0, len(self.data), size):
            part = self.data[start : start + size]
            frame = pd.DataFrame([(c + [""] * self.width)[: self.width] for _, c in part], dtype=object)
            yield np.array([n for n, _ in part]), frame


class HtmlSource(GridSource):
    """An HTML table (what many banks and web systems save as ``.xls``)."""

    kind = "html"

    def __init__(self, path: Path, name: str | None = None):
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
        self.grids = grids

    def grid(self) -> list[list[str]]:
        """The rows of the page's largest table."""
        return [cells for _, cells in max(self.grids, key=len, default=[])]


class XmlSpreadsheetSource(GridSource):
    """Excel 2003 "XML Spreadsheet" (``<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">``) saved as ``.xls``."""

    kind = "xml"

    def __init__(self, path: Path, name: str | None = None):
        from lxml import etree

        super().__init__(path, name)
        try:
            root = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)).getroot()
        except etree.XMLSyntaxError as exc:
            raise InputError([Problem(self.name, None, None, msg("io.unreadable_excel", detail=_short(exc)))]) from None
        self.encoding = root.getroottree().docinfo.encoding
        self.grids = [_xml_sheet_grid(sheet) for sheet in root.iter(f"{{{_SS}}}Worksheet")]

    def grid(self) -> list[list[str]]:
        """The rows of the first worksheet, each at its Excel row number (gaps are empty rows)."""
        numbered = self.grids[0] if self.grids else []
        grid: list[list[str]] = [[] for _ in range(max((n for n, _ in numbered), default=0))]
        for number, cells in numbered:
            grid[number - 1] = cells
        return grid


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

    def __init__(self, frame: pd.DataFrame, name: str):
        self.name = name
        self.frame = frame

    def candidates(self) -> list[Rows]:
        return [[(1, [str(c) for c in self.frame.columns])]]

    def choose(self, candidate: int, header_row: int, header_width: int) -> None:
        self.header_row = 1

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


def open_file(path: str | Path, name: str | None = None) -> Source:
    """Open a file as what it really is (whatever its suffix says), ready to offer its candidates.

    Raises :class:`~salesnb.errors.InputError` when the file cannot be read.
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
    return cls(path, label)


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


def read_grid(path: str | Path) -> list[list[str]]:
    """Every row of a file's main sheet as text cells, row ``i`` being Excel row ``i + 1``.

    The first sheet of a workbook, the largest table of an HTML page, the
    first worksheet of an XML Spreadsheet, or the records of a text file (the
    most frequent delimiter); merged cells repeat their value.  This is the
    reader for inputs with layout rules of their own (bank statements); raises
    :class:`~salesnb.errors.InputError` when the file cannot be read.
    """
    try:
        return open_file(path).grid()
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001 - any parser failure is a message about the file
        raise InputError([Problem(str(path), None, None, msg("io.unreadable_file", detail=_short(exc)))]) from None

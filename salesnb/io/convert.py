"""Stage 4, convert: imported text → typed pandas columns (vectorised), unreadable cells marked.

Every parser takes an array of stripped strings ("" = empty) and returns a
:class:`Parsed`: the typed values (missing where empty or bad) and a boolean
mask of the non-empty cells that could not be read.  The typed forms are:

==========  =====================================================
kind        values
==========  =====================================================
str         pandas ``str`` (missing = NaN)
int         ``Int64``
float       ``Float64``
decimal     normal-form text such as ``-1234.5`` (at most 2 decimals), exact
bool        ``boolean``
datetime    ``datetime64[us, UTC]`` (naive input is local time)
date        ``datetime64[us]`` at midnight
==========  =====================================================
"""

from __future__ import annotations

import operator
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cache

import numpy as np
import pandas as pd

from ..schema import TableSpec
from ..timeutil import local_tz

# Chinese (and other) labels accepted for enum values; a column only uses the labels of its own values.
ENUM_LABELS: dict[str, tuple[str, ...]] = {
    # users.role
    "sales": ("销售", "销售代表", "业务员", "客户经理"),
    "sales_manager": ("销售经理", "销售主管", "区域经理"),
    "sales_director": ("销售总监", "总监"),
    "finance": ("财务", "会计", "出纳"),
    "finance_manager": ("财务经理", "财务主管"),
    "warehouse": ("仓库", "仓管", "库管", "仓储"),
    "ops": ("运营", "运维", "管理员"),
    # leads.inquiry_type
    "technical": ("技术咨询", "技术", "技术类"),
    "tender": ("招标比价", "招标", "比价", "询价比价"),
    # statuses
    "open": ("进行中", "跟进中", "未转化", "开放", "待发货", "未发货", "已下单", "新建"),
    "converted": ("已转化", "转化", "已成交", "成交"),
    "lost": ("丢单", "已丢单", "流失", "已流失", "输单", "未中标"),
    "draft": ("草稿",),
    "quoted": ("已报价", "报价中"),
    "accepted": ("已接受", "客户接受", "中标", "已中标", "已确认"),
    "pending_approval": ("待审批", "审批中", "已提交"),
    "approved": ("已审批", "审批通过", "已通过", "通过"),
    "frozen": ("冻结", "已冻结", "熔断"),
    "rejected": ("已驳回", "驳回", "拒绝", "已拒绝", "不通过", "审核不通过"),
    "shipped": ("已发货", "发货", "已出库"),
    "delivered": ("已送达", "已签收", "已交付", "已验收", "签收"),
    "cancelled": ("已取消", "取消", "作废", "已作废"),
    "requested": ("已申请", "申请中", "待开票"),
    "issued": ("已开票", "开票"),
    "partially_paid": ("部分回款", "部分付款", "部分收款"),
    "paid": ("已回款", "已付款", "已收款", "已结清"),
    "finance_review": ("财务审核中", "待审核", "审核中", "待财务审核"),
    "confirmed": ("已确认", "审核通过", "已到账"),
    # bank_transactions.direction
    "in": ("收", "收入", "贷", "贷方", "入账", "来账", "存入", "c", "cr", "credit"),
    "out": ("付", "支出", "借", "借方", "出账", "往账", "支取", "d", "dr", "debit"),
}

TRUE_WORDS = ("是", "true", "t", "1", "1.0", "y", "yes", "有", "√", "对")
FALSE_WORDS = ("否", "false", "f", "0", "0.0", "n", "no", "无", "×", "x", "不是", "错")

INT_LIMIT = 2_147_483_647  # INTEGER on PostgreSQL
MONEY_INT_DIGITS = 16  # numeric(18, 2)

_DT_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d")
_DT_PATTERN = (
    r"^(?P<y>\d{4})\s*[-/.年]\s*(?P<mo>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?"
    r"(?:(?:\s*T\s*|\s+)(?P<h>\d{1,2})\s*[:：时]\s*(?P<mi>\d{1,2})\s*分?"
    r"(?:\s*[:：]?\s*(?P<s>\d{1,2})(?:[.,](?P<f>\d{1,9}))?\s*秒?)?)?"
    r"\s*(?P<tz>Z|z|UTC|[+-]\d{2}:?\d{2})?$"
)
_COMPACT_PATTERN = (
    r"^(?P<y>\d{4})(?P<mo>\d{2})(?P<d>\d{2})"
    r"(?:[\sT]*(?P<h>\d{2}):?(?P<mi>\d{2})(?::?(?P<s>\d{2}))?)?$"
)


@dataclass
class Parsed:
    """Typed values and the mask of non-empty cells that could not be parsed."""

    values: pd.Series
    bad: np.ndarray


def enum_map(values: tuple[str, ...]) -> dict[str, str]:
    """Folded label → enum value, for one column's allowed values."""
    mapping: dict[str, str] = {}
    for value in values:
        for label in (value, value.replace("_", " "), value.replace("_", "-"), *ENUM_LABELS.get(value, ())):
            mapping.setdefault(label.lower(), value)
    return mapping


def expected_enum(values: tuple[str, ...]) -> str:
    """Human text listing allowed values with their first Chinese label."""
    parts = []
    for value in values:
        labels = [lab for lab in ENUM_LABELS.get(value, ()) if not lab.isascii()]
        parts.append(f"{value}({labels[0]})" if labels else value)
    return ", ".join(parts)


def as_text(text: pd.Series | np.ndarray | list) -> np.ndarray:
    """Text cells as a numpy object array of str."""
    if isinstance(text, pd.Series):
        return text.to_numpy(dtype=object)
    return np.asarray(text, dtype=object)


def _lookup(text: np.ndarray, mapping: dict[str, object]) -> list:
    """Map cells through ``mapping`` (keys lower case): exact hits first, then folded case."""
    out = [mapping.get(v) for v in text]
    for i, (v, hit) in enumerate(zip(text, out)):
        if hit is None and v:
            out[i] = mapping.get(v.lower())
    return out


def _numbers(text: np.ndarray, empty: np.ndarray) -> np.ndarray:
    """Float parse of non-empty cells (NaN where unreadable); thousands separators allowed."""
    numbers = np.full(len(text), np.nan)
    where = np.flatnonzero(~empty)
    if len(where):
        parsed = np.asarray(pd.to_numeric(text[where], errors="coerce"), dtype=float)
        retry = np.isnan(parsed)
        if retry.any():
            cleaned = [_SEPARATORS.sub("", v) for v in text[where][retry]]
            cleaned = [c if _PLAIN_NUMBER.fullmatch(c) else "" for c in cleaned]
            parsed[retry] = np.asarray(pd.to_numeric(cleaned, errors="coerce"), dtype=float)
        numbers[where] = parsed
    return numbers


_SEPARATORS = re.compile(r"[,，\s]")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def parse_str(text) -> Parsed:
    text = as_text(text)
    values = text.copy()
    values[text == ""] = None
    return Parsed(pd.Series(values, dtype=object), np.zeros(len(text), dtype=bool))


def parse_int(text) -> Parsed:
    text = as_text(text)
    empty = text == ""
    numbers = _numbers(text, empty)
    with np.errstate(invalid="ignore"):
        ok = ~np.isnan(numbers) & (np.abs(numbers) <= INT_LIMIT) & (numbers == np.round(numbers))
    values = pd.arrays.IntegerArray(np.where(ok, numbers, 0).astype("int64"), ~ok)
    return Parsed(pd.Series(values), ~ok & ~empty)


def parse_float(text) -> Parsed:
    text = as_text(text)
    empty = text == ""
    numbers = _numbers(text, empty)
    ok = np.isfinite(numbers)
    values = pd.arrays.FloatingArray(np.where(ok, numbers, 0.0), ~ok)
    return Parsed(pd.Series(values), ~ok & ~empty)


_MONEY_NORMAL = re.compile(rf"-?(?:0|[1-9]\d{{0,{MONEY_INT_DIGITS - 1}}})(?:\.\d{{1,2}})?")
_MONEY_JUNK = re.compile(r"(?i)[,，\s¥￥$]|元|rmb|cny")
_MONEY_TEXT = re.compile(rf"([+-]?)0*(\d{{1,{MONEY_INT_DIGITS}}})(?:\.(\d{{0,2}})0*)?")


def money_text(text: str) -> str | None:
    """``¥1,234.50``, ``1234.5元``, ``(12.00)``, ``+0012.300`` → normal form (``1234.50``, ``-12.00``, ``12.30``); None if unreadable."""
    if _MONEY_NORMAL.fullmatch(text):
        return text
    cleaned = _MONEY_JUNK.sub("", text)
    if cleaned.startswith("(") and cleaned.endswith(")"):
        cleaned = "-" + cleaned[1:-1]
    match = _MONEY_TEXT.fullmatch(cleaned)
    if not match:
        return None
    sign, whole, frac = match.groups()
    sign = "-" if sign == "-" else ""
    return f"{sign}{whole}.{frac}" if frac else f"{sign}{whole}"


def parse_decimal(text) -> Parsed:
    """Amounts, exact, as normal-form text with at most 2 decimals (more only as zeros)."""
    text = as_text(text)
    values = np.array([money_text(v) if v else None for v in text], dtype=object)
    ok = values != None  # noqa: E711 - elementwise
    return Parsed(pd.Series(values, dtype=object), ~ok & (text != ""))


_BOOLS = {w: True for w in TRUE_WORDS} | {w: False for w in FALSE_WORDS}


def parse_bool(text) -> Parsed:
    text = as_text(text)
    found = _lookup(text, _BOOLS)
    ok = np.array([v is not None for v in found], dtype=bool)
    values = pd.arrays.BooleanArray(np.array([bool(v) for v in found], dtype=bool), ~ok)
    return Parsed(pd.Series(values), ~ok & (text != ""))


def parse_enum(text, allowed: tuple[str, ...]) -> Parsed:
    text = as_text(text)
    values = np.array(_lookup(text, enum_map(allowed)), dtype=object)
    ok = values != None  # noqa: E711 - elementwise
    return Parsed(pd.Series(values, dtype=object), ~ok & (text != ""))


def _naive_parse(text: np.ndarray) -> tuple[pd.Series, pd.Series]:
    """Parse to naive datetime64[us] plus a UTC offset in minutes (NaN where none was written)."""
    cells = np.asarray(text, dtype=object)
    text = pd.Series(cells, dtype=object)
    offset = pd.Series(np.nan, index=text.index)
    stamps = np.full(len(cells), np.datetime64("NaT"), dtype="datetime64[us]")
    todo = cells != ""
    for fmt in _DT_FORMATS:  # the usual columns are all in the first format: one vectorised parse
        where = np.flatnonzero(todo)
        if not len(where):
            return pd.Series(stamps, index=text.index), offset
        parsed = pd.to_datetime(pd.Index(cells[where]), format=fmt, errors="coerce").to_numpy(dtype="datetime64[us]")
        hit = ~np.isnat(parsed)
        stamps[where[hit]] = parsed[hit]
        todo[where[hit]] = False
    result = pd.Series(stamps, index=text.index)
    if not todo.any():
        return result, offset
    todo = pd.Series(todo, index=text.index)
    rest = text[todo].str.strip()
    parts = rest.str.extract(_DT_PATTERN)
    compact = rest.str.extract(_COMPACT_PATTERN)
    parts = parts.where(parts["y"].notna(), compact.reindex(columns=parts.columns))
    frac = parts["f"].fillna("").str.slice(0, 6).str.ljust(6, "0")
    fields = pd.DataFrame({
        "year": pd.to_numeric(parts["y"], errors="coerce"),
        "month": pd.to_numeric(parts["mo"], errors="coerce"),
        "day": pd.to_numeric(parts["d"], errors="coerce"),
        "hour": pd.to_numeric(parts["h"], errors="coerce").fillna(0),
        "minute": pd.to_numeric(parts["mi"], errors="coerce").fillna(0),
        "second": pd.to_numeric(parts["s"], errors="coerce").fillna(0),
        "microsecond": pd.to_numeric(frac, errors="coerce").fillna(0),
    })
    valid = fields[["year", "month", "day"]].notna().all(axis=1)
    valid &= fields["hour"].between(0, 23) & fields["minute"].between(0, 59) & fields["second"].between(0, 59)
    if valid.any():
        stamps = pd.to_datetime(fields[valid].astype("int64"), errors="coerce")
        result[stamps.index] = stamps.astype("datetime64[us]")
        tz = parts.loc[valid, "tz"].dropna()
        if len(tz):
            offset[tz.index] = tz.map(_offset_minutes)
    return result, offset


def _offset_minutes(text: str) -> float:
    if text.upper() in ("Z", "UTC"):
        return 0.0
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    return float(sign * (int(digits[:2]) * 60 + int(digits[2:])))


def parse_datetime(text) -> Parsed:
    """ISO 8601 and ``YYYY-MM-DD HH:MM[:SS]`` (also ``/``, ``.``, ``年月日``, compact); naive = local time."""
    text = as_text(text)
    naive, offset = _naive_parse(text)
    has_offset = offset.notna()
    local = naive.where(~has_offset).dt.tz_localize(str(local_tz()), ambiguous="NaT", nonexistent="NaT").dt.tz_convert("UTC")
    if has_offset.any():
        shifted = naive[has_offset] - pd.to_timedelta(offset[has_offset], unit="m")
        local[has_offset[has_offset].index] = shifted.dt.tz_localize("UTC")
    values = local.astype("datetime64[us, UTC]")
    return Parsed(values, values.isna().to_numpy(dtype=bool) & (text != ""))


def parse_date(text) -> Parsed:
    text = as_text(text)
    naive, offset = _naive_parse(text)
    ok = naive.notna() & offset.isna() & (naive == naive.dt.normalize())
    values = naive.where(ok)
    return Parsed(values, ~ok.to_numpy(dtype=bool) & (text != ""))


def parse_column(text, kind: str, enum: tuple[str, ...] | None = None) -> Parsed:
    """Parse one column of stripped text (array or Series of str, "" = empty) by its kind (and enum values)."""
    if enum:
        return parse_enum(text, enum)
    parser = {
        "str": parse_str, "int": parse_int, "float": parse_float, "decimal": parse_decimal,
        "bool": parse_bool, "datetime": parse_datetime, "date": parse_date,
    }[kind]
    return parser(text)


@dataclass
class Chunk:
    """One chunk of a source on its way through the stages: text, typed values and what is wrong.

    ``text`` holds the canonical columns' stripped text (defaults filled in),
    ``typed`` their parsed values; ``bad`` marks non-empty cells that could not
    be read, ``ambiguous`` the people cells several users answer to
    (:mod:`salesnb.io.people`).  :mod:`salesnb.io.validate` turns both into
    problems.
    """

    rows: np.ndarray
    text: dict[str, np.ndarray]
    typed: dict[str, pd.Series]
    bad: dict[str, np.ndarray]
    extra: np.ndarray | None
    ambiguous: dict[str, dict[int, list[str]]] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.rows)

    def frame(self) -> pd.DataFrame:
        """The typed values (``extra`` as JSON text) as a frame."""
        typed = dict(self.typed)
        if self.extra is not None:
            typed["extra"] = pd.Series(self.extra, dtype=object)
        return pd.DataFrame(typed)


def convert_chunk(rows: np.ndarray, values: dict[str, np.ndarray], extra: np.ndarray | None, spec: TableSpec) -> Chunk:
    """Parse canonical text columns by their kind; empty cells of a column with a default take the default."""
    text: dict[str, np.ndarray] = {}
    typed: dict[str, pd.Series] = {}
    bad: dict[str, np.ndarray] = {}
    for col in spec.columns:
        cells = values.get(col.name)
        if cells is None:
            continue
        if col.default is not None:
            empty = cells == ""
            if empty.any():
                cells = np.where(empty, cell_text(col.default), cells).astype(object)
        parsed = parse_column(cells, col.kind, col.enum)
        text[col.name], typed[col.name], bad[col.name] = cells, parsed.values, parsed.bad
    return Chunk(rows, text, typed, bad, extra)


# ---------------------------------------------------------------- cells and storage forms


def cell_text(value: object) -> str:
    """One spreadsheet or Python value as import text (numbers as Excel shows them, never in float form)."""
    if value is None or value is pd.NaT or value is pd.NA:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        if value.is_integer():
            return str(int(value))
        return format(value, ".15g")
    if isinstance(value, datetime):
        if value.tzinfo is None and value.microsecond == 0:
            return value.strftime("%Y-%m-%d %H:%M:%S")
        return value.isoformat(sep=" ")
    if isinstance(value, (date, time)):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    return str(value)


_SECONDS = [f" {h:02d}:{m:02d}:{s:02d}." for h in range(24) for m in range(60) for s in range(60)]


@cache
def _whole_seconds(suffix: str) -> np.ndarray:
    """`` HH:MM:SS.000000`` + suffix for every second of a day."""
    return np.array([f"{t}000000{suffix}" for t in _SECONDS], dtype=object)


_EPOCH = date(1970, 1, 1)
_US_PER_DAY = 86_400_000_000


def utc_storage_text(values: pd.Series, suffix: str = "") -> np.ndarray:
    """UTC datetimes as naive ``YYYY-MM-DD HH:MM:SS.ffffff`` text (SQLAlchemy's SQLite form) followed by
    ``suffix`` (``"+00"`` makes PostgreSQL's timestamptz input); None for missing.

    Days and times of day are looked up rather than formatted one by one (a
    column has few distinct days, a day has 86,400 seconds), and each value is
    then one concatenation of two strings.
    """
    missing = values.isna().to_numpy()
    micros = values.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy().astype("datetime64[us]").view("int64")
    micros = np.where(missing, 0, micros)
    days, rest = np.divmod(micros, _US_PER_DAY)
    seconds, fraction = np.divmod(rest, 1_000_000)
    unique_days, position = np.unique(days, return_inverse=True)
    day_text = np.array([(_EPOCH + timedelta(days=int(d))).isoformat() for d in unique_days], dtype=object)
    time_text = _whole_seconds(suffix)[seconds]
    nonzero = np.flatnonzero(fraction)
    if len(nonzero):
        time_text[nonzero] = [f"{_SECONDS[s]}{f:06d}{suffix}" for s, f in zip(seconds[nonzero].tolist(), fraction[nonzero].tolist())]
    out = np.fromiter(map(operator.add, day_text[position.reshape(-1)].tolist(), time_text.tolist()), dtype=object, count=len(micros))
    out[missing] = None
    return out


def date_storage_text(values: pd.Series) -> np.ndarray:
    """Dates as ``YYYY-MM-DD``; None for missing."""
    out = values.dt.strftime("%Y-%m-%d").to_numpy(dtype=object, na_value=None)
    return out

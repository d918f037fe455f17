"""Chinese bank statement exports → canonical ``bank_transactions`` rows.

Banks disagree on everything: the header sits below banner rows (account,
period, "打印时间"), money comes as 借方/贷方 (debit = out, credit = in, seen
from the account holder's statement) or 收入/支出 columns, or as one 金额
column with a 收付标志 (借/贷, 收/付, D/C, 来账/往账) or a sign; date and time may
be separate (交易日期 + 交易时间); the payer is 对方户名 or 对方单位名称; the
memo is spread over 摘要, 用途, 附言.  :func:`parse_statement` finds the header
row, maps the columns to roles and returns a canonical frame; rows it cannot
read are reported with file, Excel row and column, and nothing is stored.

Lines without a bank serial (流水号) get a stable synthetic id from their
content, so re-importing the same file changes nothing.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pandas as pd
from sqlalchemy import Engine

from ..auth.people import Actor
from ..auth.permissions import authorize
from ..db import session_scope
from ..errors import InputError, Problem
from ..i18n import register, t
from ..io import import_frame, read_grid
from ..schema import normalise_header
from ..timeutil import parse_timestamp

register({
    "zh-CN": {
        "bank.no_header": "找不到银行流水的表头（需要日期列，如 交易日期，以及金额列，如 金额、借方/贷方 或 收入/支出）",
        "bank.not_amount": "不是金额：{text}",
        "bank.both_sides": "借方和贷方同时有金额",
        "bank.unknown_direction": "无法识别的收付标志 {flag}（应为 借/贷、收/付 或 D/C）",
        "bank.not_a_time": "不是日期/时间",
        "bank.duplicate_serial": "同一个流水号出现在多行",
    },
    "en": {
        "bank.no_header": "no bank statement header found (need a date column such as 交易日期 and an"
                          " amount column such as 金额, 借方/贷方 or 收入/支出)",
        "bank.not_amount": "not an amount: {text}",
        "bank.both_sides": "both debit (借方) and credit (贷方) are filled",
        "bank.unknown_direction": "unknown direction {flag} (expected 借/贷, 收/付 or D/C)",
        "bank.not_a_time": "not a date/time",
        "bank.duplicate_serial": "the same serial number appears on more than one line",
    },
})

Grid = list[list[str]]

COLUMNS = ("txn_id", "booked_at", "amount", "direction", "payer_name", "payer_account", "memo")

_PARTY = r"(对方|对手|付款人?|付款方|收/?付款人|收付款人|交易对方)"
# (role, pattern on the normalised header), first match wins; order matters.
ROLE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple((role, re.compile(p)) for role, p in (
    ("balance", r"余额"),
    ("direction", r"^(借贷|收付|收支|来往|资金)?(标志|方向|标识)$|^(借贷|收付|收支)(标志|方向|标识)|^借/?贷$|^收/?付$|^dc$|^drcr$"),
    ("txn_id", r"流水号|^交易流水|凭证号|交易序号|参考号|交易编号|^交易号$|^流水$"),
    ("payer_name", rf"^{_PARTY}.*(户名|名称|单位)|^对方单位$|^付款人$|^对方$|^付款方$"),
    ("payer_account", rf"^{_PARTY}.*(账号|账户|卡号)"),
    ("credit", r"贷方|收入|存入|转入|收款金额|来账金额"),
    ("debit", r"借方|支出|转出|付款金额|往账金额|取出"),
    ("amount", r"^(交易|发生)?金额|发生额"),
    ("time", r"^(交易|记账|入账)?时间$"),
    ("date", r"日期|^(交易|记账|入账)日$|交易时间|记账时间|入账时间"),
    ("memo", r"摘要|用途|附言|备注|附加信息|说明"),
))
FOOTER = re.compile(r"合计|总计|小计|汇总|共\s*\d+\s*笔|打印|制表")
IN_WORDS = {"贷", "贷方", "收", "收入", "来账", "入", "入账", "存入", "转入", "c", "cr", "credit", "+", "in", "1"}
OUT_WORDS = {"借", "借方", "付", "支", "支出", "往账", "出", "出账", "取出", "转出", "d", "dr", "debit", "-", "out", "2"}
_AMOUNT_NOISE = re.compile(r"[,\s¥￥$]|元|rmb|cny", re.IGNORECASE)


def header_role(text: str) -> str | None:
    """The role of a header cell (``credit``, ``payer_name`` …), None when it is not a bank column."""
    key = normalise_header(text)
    if not key:
        return None
    for role, pattern in ROLE_PATTERNS:
        if pattern.search(key):
            return role
    return None


@dataclass
class Layout:
    """Where the header is and which column plays which role."""

    header_row: int  # index in the grid of the last header row
    roles: dict[str, int]
    memo: list[int] = field(default_factory=list)
    headers: list[str] = field(default_factory=list)


def _roles(cells: list[str]) -> tuple[dict[str, int], list[int]]:
    roles: dict[str, int] = {}
    memo: list[int] = []
    for col, text in enumerate(cells):
        role = header_role(text)
        if role == "memo":
            if text and text not in [cells[m] for m in memo]:
                memo.append(col)
        elif role is not None and role not in roles:
            roles[role] = col
    return roles, memo


def _usable(roles: dict[str, int]) -> bool:
    has_money = "amount" in roles or "credit" in roles
    return has_money and ("date" in roles or "time" in roles)


def find_layout(grid: Grid, file: str, scan: int = 40) -> Layout:
    """Find the header row (the first row with a date and an amount/credit column among the first ``scan``)."""
    best: tuple[int, int] | None = None
    for r, row in enumerate(grid[:scan]):
        roles, memo = _roles(row)
        # Two-level header: "发生额" merged over "借方 | 贷方" in the next row.
        if r + 1 < len(grid):
            below = [low if low else high for high, low in zip(row, grid[r + 1] + [""] * len(row))]
            low_roles, low_memo = _roles(below)
            if {"credit", "debit"} <= set(low_roles) and _usable(low_roles) and not {"credit", "debit"} <= set(roles):
                return Layout(r + 1, low_roles, low_memo, below)
        if _usable(roles):
            score = len(roles) + len(memo)
            if best is None or score > best[1]:
                best = (r, score)
            if score >= 4:
                break
    if best is None:
        raise InputError([Problem(file, None, None, t("bank.no_header"))])
    roles, memo = _roles(grid[best[0]])
    return Layout(best[0], roles, memo, grid[best[0]])


def parse_amount(text: str) -> Decimal | None:
    """'1,234.50' / '¥1234.5元' / '(12.00)' / '-12' → Decimal; '' and '-' → None; ValueError otherwise."""
    value = unicodedata.normalize("NFKC", text or "").strip()
    value = _AMOUNT_NOISE.sub("", value)
    if value in ("", "-", "--", "—"):
        return None
    negative = value.startswith("(") and value.endswith(")")
    value = value.strip("()")
    try:
        amount = Decimal(value)
    except InvalidOperation:
        raise ValueError(t("bank.not_amount", text=repr(text))) from None
    return (-amount if negative else amount).quantize(Decimal("0.01"))


def parse_direction(text: str) -> str | None:
    value = unicodedata.normalize("NFKC", text or "").strip().lower()
    if value in IN_WORDS:
        return "in"
    if value in OUT_WORDS:
        return "out"
    if value.startswith(("贷", "收", "来")):
        return "in"
    if value.startswith(("借", "付", "支", "往")):
        return "out"
    return None


def _parse_time_cell(date_text: str, time_text: str) -> datetime:
    if date_text and time_text:
        clock = unicodedata.normalize("NFKC", time_text).strip()
        if re.fullmatch(r"\d{6}", clock):
            clock = f"{clock[:2]}:{clock[2:4]}:{clock[4:]}"
        try:
            return parse_timestamp(time_text)  # the time column sometimes holds the full timestamp
        except ValueError:
            pass
        day = parse_timestamp(date_text)
        return parse_timestamp(f"{day.date().isoformat()} {clock}")
    return parse_timestamp(date_text or time_text)


def _cell(row: list[str], col: int | None) -> str:
    if col is None or col >= len(row):
        return ""
    return row[col].strip()


def _synthetic_id(parts: Iterable[str], occurrence: int) -> str:
    digest = hashlib.sha1("|".join([*parts, str(occurrence)]).encode("utf-8")).hexdigest()
    return f"BK{digest[:18].upper()}"


def parse_statement(path: str | Path, *, grid: Grid | None = None) -> pd.DataFrame:
    """Read one bank export into a frame with :data:`COLUMNS` (incoming and outgoing lines).

    Raises :class:`InputError` naming file, Excel row and column for every
    line it cannot read; footer rows (合计, 打印时间 …) and blank rows are skipped.
    """
    file = str(path)
    grid = read_grid(path) if grid is None else grid
    layout = find_layout(grid, file)
    roles, headers = layout.roles, layout.headers
    problems: list[Problem] = []
    records: list[dict[str, object]] = []
    seen: Counter[tuple[str, ...]] = Counter()

    def header(col: int | None) -> str | None:
        return headers[col] if col is not None and col < len(headers) else None

    for r in range(layout.header_row + 1, len(grid)):
        row = grid[r]
        excel_row = r + 1
        if not any(c.strip() for c in row):
            continue
        date_text, time_text = _cell(row, roles.get("date")), _cell(row, roles.get("time"))
        money_cells = [_cell(row, roles.get(k)) for k in ("amount", "credit", "debit")]
        if not date_text and not time_text and not any(money_cells):
            continue
        try:
            booked_at = _parse_time_cell(date_text, time_text)
        except ValueError:
            if FOOTER.search(" ".join(row[:3])):
                continue  # 合计 / 打印时间 rows under the lines
            problems.append(Problem(file, excel_row, header(roles.get("date", roles.get("time"))),
                                    t("bank.not_a_time"), date_text or time_text))
            continue
        try:
            amount, direction = _money(row, roles)
        except ValueError as exc:
            col = roles.get("amount", roles.get("credit"))
            problems.append(Problem(file, excel_row, header(col), str(exc), money_cells[0] or money_cells[1]))
            continue
        if amount is None:
            continue  # a line with no movement (e.g. a balance carried forward)
        payer = _cell(row, roles.get("payer_name"))
        account = re.sub(r"\s+", "", _cell(row, roles.get("payer_account")))
        memo = " | ".join(dict.fromkeys(t for t in (_cell(row, c) for c in layout.memo) if t))
        txn_id = _cell(row, roles.get("txn_id"))
        if not txn_id:
            key = (booked_at.isoformat(), str(amount), direction, payer, account, memo)
            seen[key] += 1
            txn_id = _synthetic_id(key, seen[key])
        records.append({
            "txn_id": txn_id, "booked_at": booked_at, "amount": amount, "direction": direction,
            "payer_name": payer or None, "payer_account": account or None, "memo": memo or None,
        })
    if problems:
        raise InputError(problems)
    frame = pd.DataFrame.from_records(records, columns=list(COLUMNS))
    duplicated = frame["txn_id"].duplicated(keep=False)
    if duplicated.any():
        first = frame.loc[duplicated, "txn_id"].iloc[0]
        raise InputError([Problem(file, None, header(roles.get("txn_id")),
                                  t("bank.duplicate_serial"), first)])
    return frame


def _money(row: list[str], roles: dict[str, int]) -> tuple[Decimal | None, str]:
    """(positive amount, direction) of one line."""
    if "credit" in roles or "debit" in roles:
        credit = parse_amount(_cell(row, roles.get("credit")))
        debit = parse_amount(_cell(row, roles.get("debit")))
        credit = credit if credit else None
        debit = debit if debit else None
        if credit is not None and debit is not None:
            raise ValueError(t("bank.both_sides"))
        if credit is not None:
            return abs(credit), "in" if credit > 0 else "out"
        if debit is not None:
            return abs(debit), "out" if debit > 0 else "in"
        if "amount" not in roles:
            return None, "in"
    amount = parse_amount(_cell(row, roles.get("amount")))
    if amount is None or amount == 0:
        return None, "in"
    flag = _cell(row, roles.get("direction"))
    if "direction" in roles and flag:
        direction = parse_direction(flag)
        if direction is None:
            raise ValueError(t("bank.unknown_direction", flag=repr(flag)))
        return abs(amount), direction
    return abs(amount), "in" if amount > 0 else "out"


# ---------------------------------------------------------------- storing


@dataclass
class BankImportReport:
    """What ``import_statements`` read and stored."""

    files: list[str] = field(default_factory=list)
    lines: int = 0
    incoming: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0

    def as_dict(self) -> dict[str, object]:
        return dict(self.__dict__)


def read_statements(paths: Iterable[str | Path]) -> pd.DataFrame:
    """Parse several exports into one frame; every file's problems are reported together."""
    frames: list[pd.DataFrame] = []
    problems: list[Problem] = []
    for path in paths:
        try:
            frame = parse_statement(path)
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        frame["source_file"] = Path(path).name
        frames.append(frame)
    if problems:
        raise InputError(problems)
    if not frames:
        return pd.DataFrame(columns=[*COLUMNS, "source_file"])
    frame = pd.concat(frames, ignore_index=True)
    return frame.drop_duplicates(subset=[c for c in COLUMNS], keep="first").reset_index(drop=True)


def import_statements(engine: Engine, paths: Iterable[str | Path], *,
                      actor: Actor | str = "system") -> BankImportReport:
    """Parse bank exports and store their lines in ``bank_transactions`` (one transaction; rerun is a no-op).

    Storing goes through the importer's ``import_frame`` (validation, upsert by
    ``txn_id``), so bank lines are checked like every other table.  ``actor``
    (finance, or ``"system"``) needs ``bank.upload``; ``import_log`` names them.
    """
    paths = [Path(p) for p in paths]
    frame = read_statements(paths)
    report = BankImportReport(files=[str(p) for p in paths], lines=len(frame),
                              incoming=int((frame["direction"] == "in").sum()) if len(frame) else 0)
    with session_scope(engine) as session:
        actor = authorize(session, actor, "bank.upload")
        result = import_frame(session, "bank_transactions", frame.drop(columns=["source_file"]),
                              source=", ".join(p.name for p in paths), actor=actor)
    report.inserted, report.updated, report.unchanged = result.inserted, result.updated, result.unchanged
    return report

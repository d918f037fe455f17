"""How real exports spell the canonical columns: normal forms, notes and units, qualifiers, synonyms.

Headers written by other systems differ from ours the way CRM and ERP
exports differ from each other: full-width brackets with units or notes
(``账期（天）``, ``金额(元)``, ``近3个月采购频次（次/月）``), 编号 / 号 / ID / 代码
for the same key, 时间 / 日期 for the same moment, 金额 / 额, a qualifier in
front (``所属区域``, ``客户接受时间``, ``开票金额``), and plain synonyms
(负责人 / 业务员 / 跟进人).  This module only knows words; which header maps
to which column, with what score, is decided in :mod:`salesnb.io.headers`.

- :func:`deep_form` folds a header into a normal form in which those
  differences disappear, and returns the notes it removed;
- :func:`unit_conflict` tells whether a note is a unit other than the one a
  column holds (``金额（万元）`` is not an amount in 元: never mapped silently);
- :data:`QUALIFIERS` and :data:`SYNONYMS` are the words and groups used by the
  qualifier and synonym tiers.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..schema import ColumnSpec, normalise_header

ID_TOKEN, TIME_TOKEN, AMOUNT_TOKEN = "#", "@t", "额"

# Bracketed notes, in any bracket style; and a trailing "/unit" or "-unit".
_NOTE = re.compile(r"[（(\[【<《〔{]([^（）()\[\]【】<>《》〔〕{}]*)[）)\]】>》〕}]")
_SLASH_UNIT = re.compile(r"^(.{2,}?)[/／\-—_:：]\s*([^/／]{1,4})$")
_ID_WORDS = ("编号", "编码", "单号", "工号", "号码", "代码", "代号", "序号", "id", "no", "号")
_TIME_WORDS = ("时间", "日期", "时刻", "时点", "日")
_NUMERALS = {"一": "1", "两": "2", "二": "2", "三": "3", "四": "4", "五": "5", "六": "6", "七": "7", "八": "8", "九": "9", "十": "10"}
_NUMERAL = re.compile(r"([一两二三四五六七八九十])(?=个?[月天日周年次])")

# Units a header may name in a note: unit → (dimension, factor to the base unit).
UNITS: dict[str, tuple[str, float]] = {
    "元": ("money", 1), "人民币": ("money", 1), "人民币元": ("money", 1), "rmb": ("money", 1), "cny": ("money", 1),
    "¥": ("money", 1), "含税": ("money", 1), "含税元": ("money", 1), "元含税": ("money", 1),
    "万元": ("money", 10_000), "万": ("money", 10_000), "千元": ("money", 1_000), "百万": ("money", 1_000_000),
    "百万元": ("money", 1_000_000), "亿": ("money", 100_000_000), "亿元": ("money", 100_000_000),
    "美元": ("usd", 1), "usd": ("usd", 1), "$": ("usd", 1), "欧元": ("eur", 1),
    "天": ("days", 1), "日": ("days", 1), "d": ("days", 1), "day": ("days", 1), "days": ("days", 1),
    "自然日": ("days", 1), "工作日": ("working_days", 1), "周": ("days", 7), "星期": ("days", 7),
    "月": ("months", 1), "个月": ("months", 1), "年": ("years", 1),
    "小时": ("hours", 1), "h": ("hours", 1), "时": ("hours", 1), "分钟": ("minutes", 1),
    "次/月": ("per_month", 1), "次每月": ("per_month", 1), "次/每月": ("per_month", 1), "次月": ("per_month", 1),
    "次/年": ("per_year", 1), "次/周": ("per_week", 1), "次/季": ("per_quarter", 1), "次/季度": ("per_quarter", 1),
    "次": ("times", 1),
    "个": ("count", 1), "台": ("count", 1), "件": ("count", 1), "套": ("count", 1), "只": ("count", 1),
    "pcs": ("count", 1), "箱": ("boxes", 1), "吨": ("tons", 1), "kg": ("kg", 1), "%": ("percent", 1),
}
# What a note may say about a column that is not a unit at all (kept out of the unit check).
_COMPATIBLE = {
    "money": {("money", 1)},
    "days": {("days", 1)},
    "per_month": {("per_month", 1), ("times", 1)},
    "count": {("count", 1)},
}

# One qualifier in front of a header does not change what it means: 所属区域 = 区域, 客户接受时间 = 接受时间.
QUALIFIERS = ("客户", "所属", "实际", "本单", "当前", "最新")
# … nor do the words a table uses for its own rows: 开票金额 in invoices = 金额, 认领单号 in claims = 单号.
TABLE_WORDS: dict[str, tuple[str, ...]] = {
    "users": ("员工", "用户", "人员", "职员"),
    "customers": ("客户",),
    "leads": ("线索", "商机"),
    "quotes": ("报价单", "报价"),
    "contracts": ("合同",),
    "orders": ("订单", "销售订单"),
    "shipments": ("发运", "发货", "物流", "运单"),
    "invoices": ("发票", "开票"),
    "payment_claims": ("回款认领", "回款", "认领", "申请"),
    "bank_transactions": ("交易", "银行"),
    "tasks": ("任务", "待办"),
    "interactions": ("沟通", "交流", "记录"),
    "production_slots": ("排产", "生产"),
    "lanes": ("线路", "物流"),
}

# Groups of headers that mean the same thing; a group only maps to a column the table actually has.
SYNONYMS: tuple[tuple[str, ...], ...] = (
    ("客户名称", "客户全称", "客户简称", "公司名称", "单位名称", "企业名称", "公司全称"),
    ("负责人", "业务员", "销售", "销售员", "销售代表", "跟进人", "客户经理", "归属人", "所属销售", "销售负责人",
     "业务负责人", "跟进销售", "owner"),
    ("处理人", "经办人", "办理人", "执行人", "责任人", "负责人", "assignee"),
    ("申请人", "认领人", "提交人", "回款认领人"),
    ("上级", "直属上级", "上级主管", "直属领导", "上级领导", "汇报对象", "主管", "上级工号", "主管工号"),
    ("审批人", "审核人", "approver"),
    ("区域", "大区", "片区", "地区", "销售区域", "区域名称", "所属大区"),
    ("目的地区域", "目的区域", "交付区域", "收货区域", "交货区域", "到货区域", "送货区域", "目的地", "到达区域"),
    ("账期", "账期天数", "付款期限", "付款期限天数", "信用期", "信用账期", "付款账期", "回款账期", "账期天"),
    ("承诺交期", "承诺交期天数", "交货期", "交期", "交期天数", "承诺交货期", "交货天数", "交付周期", "承诺交付天数"),
    ("发票金额", "开票金额", "票面金额", "价税合计", "含税金额"),
    ("回款申请编号", "认领单号", "认领编号", "认领单编号", "申请编号", "申请单号"),
    ("申请金额", "认领金额", "回款金额", "到账金额"),
    ("对象类型", "业务类型", "单据类型", "关联单据类型"),
    ("对象编号", "业务编号", "单据编号", "关联单号", "关联单据编号"),
    ("接受时间", "客户接受时间", "客户确认时间", "中标时间", "接受日期"),
    ("首次响应时间", "首次跟进时间", "首响时间", "首次联系时间", "首次回复时间"),
    ("物流单号", "快递单号", "运单号", "追踪号", "物流运单号"),
    ("承运商", "物流公司", "快递公司", "承运单位", "承运人"),
    ("流程节点", "节点", "环节", "审批节点"),
    ("近3月采购频次", "采购频次", "月采购频次", "月均采购次数", "月采购次数", "采购频率"),
    ("手机号", "手机", "手机号码", "联系电话", "移动电话", "电话"),
    ("企业微信账号", "企微账号", "企业微信id", "企业微信userid", "企微id"),
    ("数量", "订货数量", "订购数量", "采购数量", "台数"),
    ("产品线", "产品系列", "产品类别", "产品大类"),
    ("报价金额", "报价总额", "报价总价"),
    ("合同金额", "合同总额", "合同总价", "合同额"),
    ("下单时间", "下单日期", "订单时间", "订单创建时间"),
    ("发货时间", "出库时间", "发运时间"),
    ("签收时间", "送达时间", "到货时间"),
    ("剩余产能", "可用产能", "空余产能", "可排产量"),
    ("在途天数", "运输天数", "时效天数", "运输时效"),
)


def _strip_id(key: str) -> str:
    for word in _ID_WORDS:
        if key.endswith(word) and len(key) > len(word) or key == word:
            stem = key[: len(key) - len(word)]
            return (stem[:-1] if stem.endswith("单") and len(stem) > 1 else stem) + ID_TOKEN  # 报价单编号 = 报价单号
    return key


def _strip_time(key: str) -> str:
    for word in _TIME_WORDS:
        if key.endswith(word) and (len(key) > len(word) or word != "日"):
            return key[: len(key) - len(word)] + TIME_TOKEN
    return key


def notes_of(text: str) -> tuple[str, list[str]]:
    """``text`` without its bracketed notes and trailing ``/unit``, and the notes (folded)."""
    notes: list[str] = []
    stripped = _NOTE.sub(lambda m: notes.append(normalise_header(m.group(1)) or "") or "", str(text))
    match = _SLASH_UNIT.match(stripped.strip())
    if match and normalise_header(match.group(2)) in UNITS:
        stripped = match.group(1)
        notes.append(normalise_header(match.group(2)))
    return stripped, [n for n in notes if n]


@lru_cache(maxsize=65536)
def deep_form(text: str) -> tuple[str, tuple[str, ...]]:
    """A header's normal form for matching across systems, and the notes removed from it.

    ``承诺交期（天）`` → (``承诺交期``, (``天``,)); ``上级工号`` and ``上级编号`` → ``上级#``;
    ``交易日期`` and ``交易时间`` → ``交易@t``; ``近三个月采购频次`` → ``近3月采购频次``.
    """
    stripped, notes = notes_of(text)
    key = normalise_header(stripped)
    key = _NUMERAL.sub(lambda m: _NUMERALS[m.group(1)], key).replace("个月", "月")
    key = key.replace("金额", AMOUNT_TOKEN)
    key = _strip_time(_strip_id(key))
    return key, tuple(notes)


def without_id(key: str) -> str:
    """A deep form without its trailing id token (``负责人#`` → ``负责人``): people columns take names too."""
    return key[: -len(ID_TOKEN)] if key.endswith(ID_TOKEN) and len(key) > len(ID_TOKEN) else key


def expected_unit(column: ColumnSpec) -> str | None:
    """The dimension a column's values are in (``days``, ``money``, ``per_month``, ``count``), if any."""
    if column.name.endswith("_days"):
        return "days"
    if column.kind == "decimal":
        return "money"
    if column.name.endswith("_per_month"):
        return "per_month"
    if column.kind == "int" and column.name in ("quantity", "free_capacity", "daily_capacity"):
        return "count"
    return None


def unit_conflict(column: ColumnSpec, notes: tuple[str, ...]) -> str | None:
    """The first note that names a unit other than the column's own (None when there is none)."""
    expected = expected_unit(column)
    if expected is None:
        return None
    for note in notes:
        unit = UNITS.get(note)
        if unit is not None and unit not in _COMPATIBLE[expected]:
            return note
    return None


@lru_cache(maxsize=1)
def synonym_index() -> dict[str, tuple[str, ...]]:
    """Deep form → the deep forms of every header in its synonym groups."""
    index: dict[str, set[str]] = {}
    for group in SYNONYMS:
        forms = {deep_form(word)[0] for word in group}
        for form in forms:
            index.setdefault(form, set()).update(forms - {form})
    return {k: tuple(sorted(v)) for k, v in index.items()}


@lru_cache(maxsize=64)
def _qualifier_words(table: str) -> tuple[str, ...]:
    return tuple(sorted({*QUALIFIERS, *TABLE_WORDS.get(table, ())}, key=len, reverse=True))


@lru_cache(maxsize=65536)
def qualified(key: str, table: str) -> tuple[str, ...]:
    """``key`` without one leading qualifier (general or the table's own word), longest first."""
    out: list[str] = []
    for word in _qualifier_words(table):
        if key.startswith(word):
            rest = key[len(word):]
            if len(rest) >= 2 and rest not in (ID_TOKEN, TIME_TOKEN) and rest not in out:
                out.append(rest)
    return tuple(out)

"""Values and records as people read them, in the user's language (no HTML here: widgets escape it)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from .i18n import register, t
from .timeutil import to_local

register({
    "zh-CN": {
        "common.yes": "是", "common.no": "否",
        "severity.info": "提示", "severity.warning": "警告", "severity.critical": "严重",
        "entity.customer": "客户", "entity.lead": "线索", "entity.quote": "报价", "entity.contract": "合同",
        "entity.order": "订单", "entity.shipment": "发运", "entity.invoice": "发票",
        "entity.payment_claim": "回款申请", "entity.task": "任务", "entity.user": "员工", "entity.bank_transaction": "银行流水",
    },
    "en": {
        "common.yes": "Yes", "common.no": "No",
        "severity.info": "Info", "severity.warning": "Warning", "severity.critical": "Critical",
        "entity.customer": "Customer", "entity.lead": "Lead", "entity.quote": "Quote", "entity.contract": "Contract",
        "entity.order": "Order", "entity.shipment": "Shipment", "entity.invoice": "Invoice",
        "entity.payment_claim": "Payment claim", "entity.task": "Task", "entity.user": "User", "entity.bank_transaction": "Bank line",
    },
})


def display(value: object) -> str:
    """A value as people read it: local times to the minute, money with two decimals, 是/否 for booleans."""
    if value is None or is_missing(value):
        return ""
    if isinstance(value, bool):
        return t("common.yes") if value else t("common.no")
    if isinstance(value, datetime):
        return to_local(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def is_missing(value: object) -> bool:
    """True for NaN and pandas NaT (the only values not equal to themselves)."""
    try:
        return bool(value != value)  # noqa: PLR0124 - the NaN test
    except (TypeError, ValueError):
        return False


def entity_label(entity_type: str, entity_id: str) -> str:
    """``线索 L001``: an entity as people name it."""
    key = f"entity.{entity_type}"
    kind = t(key)
    return f"{entity_type if kind == key else kind} {entity_id}"


def check_title(name: str) -> str:
    """The check's title in the UI language (its name when it has none)."""
    key = f"check.{name}.title"
    text = t(key)
    return name if text == key else text

"""Errors of the demo data generator (zh-CN, English)."""

from __future__ import annotations

from ..i18n import register

register({
    "zh-CN": {
        "demo.format": "未知格式 {format}；可用格式：{formats}",
        "demo.orders": "订单数至少为 1",
        "demo.xlsx_orders": "xlsx 输出最多 {limit} 个订单（受工作表大小限制）；请用 --format csv",
        "demo.xlsx_rows": "{table}：{rows} 行放不进一个 xlsx 工作表；请用 --format csv",
    },
    "en": {
        "demo.format": "unknown format {format}; use one of {formats}",
        "demo.orders": "orders must be at least 1",
        "demo.xlsx_orders": "xlsx output is limited to {limit} orders (sheet size); use --format csv",
        "demo.xlsx_rows": "{table}: {rows} rows do not fit in an xlsx sheet; use --format csv",
    },
})

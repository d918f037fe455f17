"""UI strings of the KPI area (zh-CN default, English available)."""

from __future__ import annotations

from ..i18n import register, t

register({
    "zh-CN": {
        "kpi.name.breakpoint_repair_rate": "流程断点修复率",
        "kpi.name.sales_action_compliance_rate": "销售动作合规率",
        "kpi.name.first_response_4h_rate": "客户响应黄金4小时达标率",
        "kpi.name.a_lead_conversion_rate": "A类线索转化率",
        "kpi.what.items": "检查项",
        "kpi.what.leads": "线索",
        "kpi.what.findings": "断点",
        "kpi.note.below_threshold":
            "{week} {kpi}为 {rate}，低于阈值 {threshold}（{numerator}/{denominator}）",
        "kpi.note.drop": "{region}区域{kpi}本周（{week}）下降 {points} 个百分点（{before} → {after}），"
                         "主要是 {rep} 的{what}（{rep_misses}/{misses} 项未达标）",
        "kpi.note.drop_no_rep": "{region}区域{kpi}本周（{week}）下降 {points} 个百分点（{before} → {after}）",
        "kpi.note.contract_check_gap": "销售 {rep} 已连续 {days} 天未触发合同校验节点（上次 {last}）",
        "kpi.note.a_lead_red":
            "{region}区域 {week} A类线索转化率 {rate}，低于 {threshold} 红线（{numerator}/{denominator}）",
        "kpi.stage.touch": "客户触达",
        "kpi.stage.qualify": "需求确认",
        "kpi.stage.quote": "方案报价",
        "kpi.stage.contract": "合同签署",
        "kpi.stage.order": "订单执行",
        "kpi.stage.delivery": "交付验收",
        "kpi.stage.payment": "回款结算",
        "kpi.unknown_region": "（未分区域）",
        "kpi.pending": "尚不可衡量",
        "kpi.pending.no_baseline": "尚未建立基线（第一次每日检查时建立）",
        "kpi.pending.grace": "基线建立满 {days} 天后开始计算",
        "kpi.pending.a_lead": "A类线索满 {days} 天后才计入（{pending} 条未满）",
        "kpi.pending.a_lead_window": "只计入满 {days} 天的 A类线索",
    },
    "en": {
        "kpi.name.breakpoint_repair_rate": "Breakpoint repair rate",
        "kpi.name.sales_action_compliance_rate": "Sales action compliance rate",
        "kpi.name.first_response_4h_rate": "First response within 4 h",
        "kpi.name.a_lead_conversion_rate": "A-lead conversion",
        "kpi.what.items": "check items",
        "kpi.what.leads": "leads",
        "kpi.what.findings": "breakpoints",
        "kpi.note.below_threshold":
            "{kpi} in {week} is {rate}, below the {threshold} threshold ({numerator}/{denominator})",
        "kpi.note.drop": "Region {region}: {kpi} fell {points} points this week ({week}, {before} → {after}), "
                         "mostly {what} of {rep} ({rep_misses} of {misses} misses)",
        "kpi.note.drop_no_rep":
            "Region {region}: {kpi} fell {points} points this week ({week}, {before} → {after})",
        "kpi.note.contract_check_gap":
            "Rep {rep} has not triggered the contract check for {days} days (last on {last})",
        "kpi.note.a_lead_red": "Region {region}: A-lead conversion in {week} is {rate}, under the {threshold} red line "
                               "({numerator}/{denominator})",
        "kpi.stage.touch": "Touch",
        "kpi.stage.qualify": "Qualify",
        "kpi.stage.quote": "Quote",
        "kpi.stage.contract": "Contract",
        "kpi.stage.order": "Order",
        "kpi.stage.delivery": "Delivery",
        "kpi.stage.payment": "Payment",
        "kpi.unknown_region": "(no region)",
        "kpi.pending": "not yet measurable",
        "kpi.pending.no_baseline": "no baseline yet (the first daily run takes it)",
        "kpi.pending.grace": "measured from {days} days after the baseline",
        "kpi.pending.a_lead": "A leads count once {days} days old ({pending} not yet)",
        "kpi.pending.a_lead_window": "only A leads at least {days} days old count",
    },
})


def kpi_label(kpi: str, language: str | None = None) -> str:
    """The display name of a KPI."""
    return t(f"kpi.name.{kpi}", language)


def days_text(value) -> str:
    """A ``timedelta`` as a number of days (``14``, ``3.5``)."""
    days = value.total_seconds() / 86400
    return f"{days:g}"


def percent(value: float | None) -> str:
    """``0.8734`` → ``87.3%`` (``—`` when missing)."""
    return "—" if value is None else f"{value * 100:.1f}%"

"""zh-CN / English texts of the built-in checks (titles, finding messages, reasons)."""

from ..i18n import register

register({
    "zh-CN": {
        "check.lead_response_overdue.title": "线索超时未响应",
        "check.scorecard_incomplete.title": "意向评分卡未填完整",
        "check.scorecard_incomplete.message": "线索 {entity_id} 的意向评分卡缺少必填项（导入或同步的线索），请补填",
        "check.lead_response_overdue.message": "线索 {entity_id} 创建已超过 {hours} 小时，仍未首次响应",
        "check.quote_not_ordered.title": "报价已接受未下单",
        "check.quote_not_ordered.message": "报价 {entity_id} 客户已接受超过 {hours} 小时，ERP 中仍无订单",
        "check.shipped_without_tracking.title": "已发货无物流单号",
        "check.shipped_without_tracking.message": "订单 {entity_id} 已发货超过 {hours} 小时，仍无物流单号",
        "check.delivery_infeasible.title": "交付不可行",
        "check.delivery_infeasible.message":
            "合同 {entity_id} 交付不可行（{reason_text}）：承诺 {promised_days} 天，最快需 {required_days} 天。"
            "请调整交期或走加急通道",
        "check.delivery_infeasible.no_slot": "无足够产能的排产日期",
        "check.delivery_infeasible.no_lane": "无到达目的地的物流线路",
        "check.delivery_infeasible.too_short": "承诺交期短于排产+运输所需",
        "check.claim_stalled.title": "回款认领审核滞留",
        "check.claim_stalled.message": "回款认领 {entity_id} 在财务审核中已超过 {hours} 小时",
        "check.invoice_overdue.title": "发票逾期未回款",
        "check.invoice_overdue.message": "发票 {entity_id} 已逾期 {days_overdue} 天（{bucket} 天）",
        "check.sla_breach.title": "流程节点超时",
        "check.sla_breach.message": "任务 {entity_id}（{node}）已超过时限，升级级别 {level}",
        "check.rule.message": "{check}：{entity_id}",
        "check.report.header": "检查时间 {as_of}：{total} 项发现（新增 {new}，持续 {persisting}，已解决 {resolved}）",
        "check.report.columns": "检查|发现|新增|持续|已解决|秒",
        "check.blind.column": "数据问题：「{check}」看不到 {zh}（{table}.{column}）——{rows} 条{scope}都没有这一列的值，"
                              "这项检查的结果不可信；请检查导入时这一列是否被映射（导入报告会列出未使用的列）",
        "check.blind.table": "数据问题：「{check}」看不到 {table}——这张表没有任何数据，这项检查的结果不可信",
        "check.scope.leads": "线索",
        "check.scope.accepted_quotes": "已接受的报价",
        "check.scope.orders": "订单",
        "check.scope.shipped_orders": "已发货的订单",
        "check.scope.shipments": "发运记录",
        "check.scope.pending_contracts": "待审批的合同",
        "check.scope.issued_invoices": "已开票未结清的发票",
        "check.scope.contracts": "合同",
        "check.data_problems": "数据问题（检查看不到的输入）：",
        "pipeline.findings": "各项检查的发现（未解决 / 新增 / 已解决）：",
        "pipeline.baseline": "已建立基线 #{id}：{backlog} 个较早的断点只记录不提醒，已向经理发送 {summaries} 份积压汇总",
    },
    "en": {
        "check.lead_response_overdue.title": "Lead response overdue",
        "check.scorecard_incomplete.title": "Incomplete scorecard",
        "check.scorecard_incomplete.message": "Lead {entity_id} (imported or synced) misses required scorecard answers; please fill them in",
        "check.lead_response_overdue.message": "Lead {entity_id} has had no first response for more than {hours} h",
        "check.quote_not_ordered.title": "Accepted quote without order",
        "check.quote_not_ordered.message": "Quote {entity_id} was accepted more than {hours} h ago and has no ERP order",
        "check.shipped_without_tracking.title": "Shipped without tracking number",
        "check.shipped_without_tracking.message": "Order {entity_id} shipped more than {hours} h ago and has no tracking number",
        "check.delivery_infeasible.title": "Delivery infeasible",
        "check.delivery_infeasible.message":
            "Contract {entity_id} cannot be delivered in time ({reason_text}): promised {promised_days} days, "
            "needs {required_days}. Adjust the delivery date or use the expedite channel",
        "check.delivery_infeasible.no_slot": "no production slot with enough capacity",
        "check.delivery_infeasible.no_lane": "no lane to the destination",
        "check.delivery_infeasible.too_short": "promise shorter than production + transit",
        "check.claim_stalled.title": "Payment claim stalled",
        "check.claim_stalled.message": "Payment claim {entity_id} has waited in finance review for more than {hours} h",
        "check.invoice_overdue.title": "Invoice overdue",
        "check.invoice_overdue.message": "Invoice {entity_id} is {days_overdue} days overdue ({bucket} days)",
        "check.sla_breach.title": "SLA breach",
        "check.sla_breach.message": "Task {entity_id} ({node}) is past its deadline, escalation level {level}",
        "check.rule.message": "{check}: {entity_id}",
        "check.report.header": "As of {as_of}: {total} findings ({new} new, {persisting} persisting, {resolved} resolved)",
        "check.report.columns": "check|findings|new|persisting|resolved|seconds",
        "check.blind.column": "Data problem: \"{check}\" cannot see {table}.{column} — none of {rows} {scope} has a value "
                              "in it, so the check's result cannot be trusted; check whether the import mapped that "
                              "column (the import report lists the columns not used)",
        "check.blind.table": "Data problem: \"{check}\" cannot see {table} — the table has no rows, so the check's "
                             "result cannot be trusted",
        "check.scope.leads": "leads",
        "check.scope.accepted_quotes": "accepted quotes",
        "check.scope.orders": "orders",
        "check.scope.shipped_orders": "shipped orders",
        "check.scope.shipments": "shipments",
        "check.scope.pending_contracts": "contracts pending approval",
        "check.scope.issued_invoices": "issued, unpaid invoices",
        "check.scope.contracts": "contracts",
        "check.data_problems": "Data problems (inputs the checks could not see):",
        "pipeline.findings": "findings by check (open / new / resolved):",
        "pipeline.baseline": "baseline #{id} taken: {backlog} older breakpoint(s) recorded without alerts, "
                             "{summaries} backlog summary(ies) to managers",
    },
})

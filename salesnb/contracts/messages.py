"""User-facing texts of the contract workflow (zh-CN and English)."""

from __future__ import annotations

from typing import Any

from ..i18n import register, t
from .feasibility import NO_LANE, NO_SLOT, TOO_SHORT, Feasibility

SUGGESTION_KEY = "contract.suggestion"
GUIDE = "交付能力指南"
GUIDE_REF = "guide:delivery-capability"

register({
    "zh-CN": {
        SUGGESTION_KEY: "调整交期或走加急通道",
        "contract.download.created": "已创建文件夹 {path}",
        "contract.download.not_a_folder": "{path} 已存在且不是文件夹，无法把附件保存到其中",
        "contract.download.cannot_write": "无法写入 {path}：{detail}",
        "contract.reason.too_short": (
            "最早可排产日 {slot_date}（提交后第 {production_days} 天）+ 运输 {transit_days} 天（{carrier}）"
            "= 需要 {required_days} 天，承诺 {promised_days} 天，差 {shortfall_days} 天"
        ),
        "contract.reason.no_slot": "产品线 {product_line} 自 {submitted_date} 起没有剩余产能 ≥ {quantity} 的排产日",
        "contract.reason.no_lane": "没有发往 {dest_region} 的物流线路",
        "contract.frozen.subject": "合同 {contract_id} 交付可行性熔断：审批已冻结",
        "contract.frozen.body": "{reason}。建议：{suggestion}。",
        "contract.submitted.subject": "合同 {contract_id} 待审批（交付可行）",
        "contract.submitted.body": "客户 {customer}，承诺交期 {promised_days} 天，预计 {expected} 交付；交付保障书已生成。",
        "contract.decided.subject": "合同 {contract_id} 审批结果：{decision}",
        "contract.decided.body": "审批人 {actor}。{note}",
        "contract.training.title": "学习《交付能力指南》：连续 {streak} 次交付可行性熔断",
        "contract.training.subject": "{rep} 连续 {streak} 次触发交付可行性熔断，已安排培训",
        "contract.training.body": "最近被冻结的合同：{contracts}。已为 {rep} 创建待办：学习《交付能力指南》。",
        "contract.approved": "通过",
        "contract.rejected": "驳回",
    },
    "en": {
        "contract.download.created": "created folder {path}",
        "contract.download.not_a_folder": "{path} exists and is not a folder: the attachment cannot be saved in it",
        "contract.download.cannot_write": "cannot write {path}: {detail}",
        SUGGESTION_KEY: "adjust the delivery date or use the expedite channel",
        "contract.reason.too_short": (
            "earliest production slot {slot_date} (day {production_days}) + {transit_days} transit days ({carrier})"
            " = {required_days} days required, {promised_days} promised, {shortfall_days} days short"
        ),
        "contract.reason.no_slot": "product line {product_line} has no production slot with free capacity"
                                   " ≥ {quantity} from {submitted_date} on",
        "contract.reason.no_lane": "no carrier lane to {dest_region}",
        "contract.frozen.subject": "Contract {contract_id} tripped the delivery breaker: approval frozen",
        "contract.frozen.body": "{reason}. Suggestion: {suggestion}.",
        "contract.submitted.subject": "Contract {contract_id} awaits approval (delivery feasible)",
        "contract.submitted.body": "Customer {customer}, {promised_days} days promised, expected delivery {expected};"
                                   " delivery guarantee attached.",
        "contract.decided.subject": "Contract {contract_id}: {decision}",
        "contract.decided.body": "Decided by {actor}. {note}",
        "contract.training.title": "Study the delivery-capability guide: {streak} breaker trips in a row",
        "contract.training.subject": "{rep} tripped the delivery breaker {streak} times in a row; training assigned",
        "contract.training.body": "Latest frozen contracts: {contracts}. A to-do was created for {rep}:"
                                  " study the delivery-capability guide (交付能力指南).",
        "contract.approved": "approved",
        "contract.rejected": "rejected",
    },
})


def reason_text(f: Feasibility, *, product_line: str, dest_region: str, language: str | None = None) -> str:
    """Why a submission tripped the breaker, in one sentence."""
    key = {TOO_SHORT: "contract.reason.too_short", NO_SLOT: "contract.reason.no_slot",
           NO_LANE: "contract.reason.no_lane"}[f.code]
    return t(key, language, product_line=product_line, dest_region=dest_region, **f.to_dict())


def frozen_reason(f: Feasibility, *, submission_id: int, product_line: str, dest_region: str) -> dict[str, Any]:
    """The ``contracts.frozen_reason`` record: the figures, the reason and the suggestion in both languages."""
    return {
        **f.to_dict(),
        "submission_id": submission_id,
        "reason_zh": reason_text(f, product_line=product_line, dest_region=dest_region, language="zh-CN"),
        "reason_en": reason_text(f, product_line=product_line, dest_region=dest_region, language="en"),
        "suggestion_zh": t(SUGGESTION_KEY, "zh-CN"),
        "suggestion_en": t(SUGGESTION_KEY, "en"),
    }

"""User-facing texts of the contract workflow (zh-CN and English)."""

from __future__ import annotations

from typing import Any

from ..i18n import get_language, register, t
from .feasibility import NO_LANE, NO_SLOT, TOO_SHORT, Feasibility

SUGGESTION_KEY = "contract.suggestion"
GUIDE = "交付能力白皮书"
GUIDE_REF = "guide:delivery-capability"

register({
    "zh-CN": {
        "contract.unknown": "没有合同 {contract_id}",
        "contract.already_approved": "合同 {contract_id} 已经审批通过",
        "contract.not_pending": "合同 {contract_id} 的状态是 {status}，不是待审批",
        "contract.frozen_not_pending": "合同 {contract_id} 已被熔断冻结，不是待审批（请修改条款后重新提交）",
        "contract.not_checked": "合同 {contract_id} 还没有通过交付可行性检查：请先提交",
        "contract.own": "{actor} 是合同 {contract_id} 的负责人，不能审批自己的合同",
        "contract.not_rejectable": "合同 {contract_id} 的状态是 {status}；只有待审批或已冻结的合同可以驳回",
        "contract.reject_reason": "驳回需要填写原因",
        "contract.not_editable_terms": "不能修改 {terms}；可修改的条款：{editable}",
        "contract.approved_terms": "合同 {contract_id} 已审批通过，条款不能再修改",
        "contract.positive": "{name} 必须是正数，收到 {value}",
        "contract.guarantee.infeasible": "合同 {contract_id} 交付不可行：不能出具交付保障书",
        "contract.guarantee.none": "合同 {contract_id} 没有交付保障书",
        "contract.attachment.none": "合同 {contract_id} 没有附件 {attachment_id}",
        "contract.missing_terms": "合同 {contract_id} 无法检查：缺少 {missing}",
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
        "contract.training.title": "学习《交付能力白皮书》：连续 {streak} 次交付可行性熔断",
        "contract.training.subject": "{rep} 连续 {streak} 次触发交付可行性熔断，已安排培训",
        "contract.training.body": "最近被冻结的合同：{contracts}。已为 {rep} 创建待办：学习《交付能力白皮书》。",
        "contract.training.rep_subject": "请学习《交付能力白皮书》：您已连续 {streak} 次触发交付可行性熔断",
        "contract.training.rep_body": (
            "{rep}，您最近提交的合同 {contracts} 连续 {streak} 次因交期不可行被冻结。"
            "已为您创建培训待办 {task_id}：学习《交付能力白皮书》（见附件），了解交期如何由排产和物流决定、"
            "报价前如何核算。学完后请在「我的工作」中关闭待办。"),
        "contract.training.rep_link": "白皮书：{link}",
        "contract.training.rep_todo": "培训待办：{link}",
        "contract.frozen.imported": "导入时已是冻结状态（来源系统{reason}）",
        "contract.frozen.imported.no_reason": "未提供原因",
        "contract.frozen.imported.reason": "给出的原因：{reason}",
        "contract.frozen.imported.check": "按当前排产与物流核算：{reason}",
        "contract.approved": "通过",
        "contract.rejected": "驳回",
        "contract.cancelled": "取消",
        "contract.cancel_not_approved": "合同 {contract_id} 的状态是 {status}；只有已审批通过的合同可以取消",
        "contract.cancel_reason": "取消合同需要填写原因",
    },
    "en": {
        "contract.unknown": "no contract {contract_id}",
        "contract.already_approved": "contract {contract_id} is already approved",
        "contract.not_pending": "contract {contract_id} is {status}, not pending approval",
        "contract.frozen_not_pending": "contract {contract_id} is frozen, not pending approval (edit the terms and resubmit)",
        "contract.not_checked": "contract {contract_id} has not passed the feasibility check: submit it first",
        "contract.own": "{actor} owns contract {contract_id} and cannot approve it",
        "contract.not_rejectable": "contract {contract_id} is {status}; only pending or frozen contracts can be rejected",
        "contract.reject_reason": "a rejection needs a reason",
        "contract.not_editable_terms": "cannot edit {terms}; editable terms: {editable}",
        "contract.approved_terms": "contract {contract_id} is approved; its terms can no longer be edited",
        "contract.positive": "{name} must be a positive number, got {value}",
        "contract.guarantee.infeasible": "contract {contract_id} is not feasible: no delivery guarantee can be issued",
        "contract.guarantee.none": "contract {contract_id} has no delivery guarantee",
        "contract.attachment.none": "contract {contract_id} has no attachment {attachment_id}",
        "contract.missing_terms": "contract {contract_id} cannot be checked: missing {missing}",
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
        "contract.training.title": "Study the delivery capability white paper: {streak} breaker trips in a row",
        "contract.training.subject": "{rep} tripped the delivery breaker {streak} times in a row; training assigned",
        "contract.training.body": "Latest frozen contracts: {contracts}. A to-do was created for {rep}:"
                                  " study the delivery capability white paper (交付能力白皮书).",
        "contract.training.rep_subject": "Please study the delivery capability white paper: {streak} breaker trips"
                                         " in a row",
        "contract.training.rep_body": (
            "{rep}, your contracts {contracts} were frozen {streak} times in a row because the promised delivery "
            "could not be met. Training to-do {task_id} was created for you: study the delivery capability white "
            "paper (attached) on how production slots and transit decide delivery dates and how to check them "
            "before quoting. Close the to-do in My work when done."),
        "contract.training.rep_link": "White paper: {link}",
        "contract.training.rep_todo": "Training to-do: {link}",
        "contract.frozen.imported": "arrived frozen by import (the source system {reason})",
        "contract.frozen.imported.no_reason": "gave no reason",
        "contract.frozen.imported.reason": "said: {reason}",
        "contract.frozen.imported.check": "checked against today's production slots and lanes: {reason}",
        "contract.approved": "approved",
        "contract.rejected": "rejected",
        "contract.cancelled": "cancelled",
        "contract.cancel_not_approved": "contract {contract_id} is {status}; only approved contracts can be cancelled",
        "contract.cancel_reason": "a cancellation needs a reason",
    },
})


def reason_text(f: Feasibility, *, product_line: str, dest_region: str, language: str | None = None) -> str:
    """Why a submission tripped the breaker, in one sentence."""
    key = {TOO_SHORT: "contract.reason.too_short", NO_SLOT: "contract.reason.no_slot",
           NO_LANE: "contract.reason.no_lane"}[f.code]
    return t(key, language, product_line=product_line, dest_region=dest_region, **f.to_dict())


IMPORTED_REASON_KEYS = ("frozen_reason", "冻结原因", "原因", "reason", "备注", "审批意见")


def frozen_explanation(contract, language: str | None = None, feasibility: Feasibility | None = None
                       ) -> tuple[str, str]:
    """(why, suggestion) for a frozen contract, always non-empty.

    Frozen by salesnb: the stored reason.  Arrived frozen by import (no
    stored reason): says so, with the source system's reason when the import
    kept one in ``extra`` and, when given, what today's feasibility check says.
    """
    lang = "zh" if (language or get_language()) == "zh-CN" else "en"
    stored = contract.frozen_reason or {}
    if stored.get(f"reason_{lang}"):
        return stored[f"reason_{lang}"], stored.get(f"suggestion_{lang}") or t(SUGGESTION_KEY, language)
    extra = contract.extra or {}
    source = next((str(extra[k]).strip() for k in IMPORTED_REASON_KEYS if str(extra.get(k) or "").strip()), "")
    said = (t("contract.frozen.imported.reason", language, reason=source) if source
            else t("contract.frozen.imported.no_reason", language))
    why = t("contract.frozen.imported", language, reason=said)
    if feasibility is not None and not feasibility.feasible:
        why += "；" if lang == "zh" else "; "
        why += t("contract.frozen.imported.check", language, reason=reason_text(
            feasibility, product_line=contract.product_line, dest_region=contract.dest_region, language=language))
    return why, t(SUGGESTION_KEY, language)


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

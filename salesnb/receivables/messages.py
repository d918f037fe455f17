"""Errors of claims, bank lines, matches and payments (zh-CN, English)."""

from __future__ import annotations

from ..i18n import register

register({
    "zh-CN": {
        "recv.claim.unknown": "没有回款认领 {claim_id}",
        "recv.claim.decided": "回款认领 {claim_id} 已经是 {status}",
        "recv.claim.exists": "回款认领 {claim_id} 已存在",
        "recv.claim.positive": "认领金额必须是正数，收到 {amount}",
        "recv.claim.too_much": "认领金额 {amount} 超过发票 {invoice_id} 尚可认领的 {room}（未收款减去审核中的认领）",
        "recv.invoice.unknown": "没有发票 {invoice_id}",
        "recv.invoice.not_claimable": "发票 {invoice_id} 的状态是 {status}；只能认领已开票、未收清的发票",
        "recv.reject_reason": "驳回需要填写原因",
        "recv.line.unknown_incoming": "没有入账的银行流水 {txn_id}",
        "recv.line.unknown": "没有银行流水 {txn_id}",
        "recv.line.outgoing": "银行流水 {txn_id} 是支出；只有收入流水可以冲销发票",
        "recv.line.matched": "银行流水 {txn_id} 已经匹配；请先撤销匹配",
        "recv.line.need_invoice": "请至少指定一张发票",
        "recv.line.left": "银行流水 {txn_id} 只剩 {left} 可用于发票 {invoice_id}",
        "recv.line.no_candidate": "银行流水 {txn_id} 没有候选发票；请指定要冲销的发票",
        "recv.line.no_such_candidate": "银行流水 {txn_id} 没有这个候选",
        "recv.line.no_applied": "银行流水 {txn_id} 没有已生效的匹配",
        "recv.line.no_applied_to": "银行流水 {txn_id} 没有到 {invoices} 的已生效匹配",
        "recv.pay.status": "发票 {invoice_id} 的状态是 {status}；只有已开票或部分收款的发票可以收款",
        "recv.pay.positive": "收款金额必须是正数，收到 {amount}",
        "recv.pay.too_much": "发票 {invoice_id}：{amount} 超过未收金额 {outstanding}",
        "recv.pay.take_back": "发票 {invoice_id}：不能冲回 {amount}，只收到了 {paid}",
        "recv.reconcile.race": "对账期间有发票被其他操作收款；未写入任何内容，请重新对账",
    },
    "en": {
        "recv.claim.unknown": "no payment claim {claim_id}",
        "recv.claim.decided": "payment claim {claim_id} is already {status}",
        "recv.claim.exists": "payment claim {claim_id} already exists",
        "recv.claim.positive": "claim amount must be positive, got {amount}",
        "recv.claim.too_much": "claim of {amount} exceeds what is left to claim on invoice {invoice_id}: {room}"
                               " (outstanding minus claims in review)",
        "recv.invoice.unknown": "no invoice {invoice_id}",
        "recv.invoice.not_claimable": "invoice {invoice_id} is {status}; claims are for issued, unpaid invoices",
        "recv.reject_reason": "a rejection needs a reason",
        "recv.line.unknown_incoming": "no incoming bank line {txn_id}",
        "recv.line.unknown": "no bank line {txn_id}",
        "recv.line.outgoing": "bank line {txn_id} is outgoing; only incoming lines pay invoices",
        "recv.line.matched": "bank line {txn_id} is already matched; unmatch it first",
        "recv.line.need_invoice": "name at least one invoice",
        "recv.line.left": "bank line {txn_id} has only {left} left for invoice {invoice_id}",
        "recv.line.no_candidate": "bank line {txn_id} has no candidate; name the invoice(s) to apply it to",
        "recv.line.no_such_candidate": "bank line {txn_id} has no such candidate",
        "recv.line.no_applied": "bank line {txn_id} has no applied match",
        "recv.line.no_applied_to": "bank line {txn_id} has no applied match to {invoices}",
        "recv.pay.status": "invoice {invoice_id} is {status}; only issued or partially paid invoices take payments",
        "recv.pay.positive": "payment amount must be positive, got {amount}",
        "recv.pay.too_much": "invoice {invoice_id}: {amount} exceeds the outstanding {outstanding}",
        "recv.pay.take_back": "invoice {invoice_id}: cannot take back {amount}, only {paid} was paid",
        "recv.reconcile.race": "invoices were paid by someone else while reconciling; nothing was written, "
                               "run reconcile again",
    },
})

"""Applying money to an invoice and taking it back: the one place that moves ``paid_amount``.

An invoice is open while ``status`` is issued or partially_paid and
``outstanding = amount − paid_amount`` is positive.  Money is never applied
beyond the amount.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from ..errors import ReceivablesError
from . import messages  # noqa: F401 - the keys of the errors below

OPEN_STATUSES = ("issued", "partially_paid")
ZERO = Decimal("0.00")
# Rules that settle more than the line brought: the bank fee the customer deducted is written off.
FEE_RULES = frozenset({"fee", "reference_fee", "split_invoices_fee", "split_payments_fee", "claim_fee",
                       "claim_third_party_fee", "claim_split_invoices_fee", "claim_split_invoices_third_party_fee",
                       "claim_split_rest_fee", "claim_split_rest_third_party_fee", "claim_third_party_local_fee"})


@dataclass(frozen=True)
class PaymentState:
    """The payment fields of an invoice."""

    amount: Decimal
    paid_amount: Decimal
    status: str
    paid_at: datetime | None

    @property
    def outstanding(self) -> Decimal:
        return self.amount - self.paid_amount

    def as_dict(self) -> dict[str, object]:
        return {"paid_amount": str(self.paid_amount), "status": self.status,
                "paid_at": self.paid_at.isoformat() if self.paid_at else None}


def state_of(invoice) -> PaymentState:
    """The :class:`PaymentState` of an ORM invoice."""
    return PaymentState(invoice.amount, invoice.paid_amount or ZERO, invoice.status, invoice.paid_at)


def pay(state: PaymentState, amount: Decimal, at: datetime, *, invoice_id: str = "") -> PaymentState:
    """``state`` after receiving ``amount`` at ``at``; refuses closed invoices and over-payment."""
    if state.status not in OPEN_STATUSES:
        raise ReceivablesError("recv.pay.status", invoice_id=invoice_id, status=state.status)
    if amount <= 0:
        raise ReceivablesError("recv.pay.positive", amount=str(amount))
    if amount > state.outstanding:
        raise ReceivablesError("recv.pay.too_much", invoice_id=invoice_id, amount=str(amount), outstanding=str(state.outstanding))
    paid = state.paid_amount + amount
    if paid == state.amount:
        return PaymentState(state.amount, paid, "paid", at)
    return PaymentState(state.amount, paid, "partially_paid", None)


def unpay(state: PaymentState, amount: Decimal, *, invoice_id: str = "") -> PaymentState:
    """``state`` after taking back ``amount`` (an undone match or claim)."""
    if amount > state.paid_amount:
        raise ReceivablesError("recv.pay.take_back", invoice_id=invoice_id, amount=str(amount), paid=str(state.paid_amount))
    paid = state.paid_amount - amount
    status = "issued" if paid == ZERO else "partially_paid"
    if state.status == "cancelled":
        status = "cancelled"
    return PaymentState(state.amount, paid, status, None)


def assign(invoice, state: PaymentState) -> None:
    """Write ``state`` onto an ORM invoice."""
    invoice.paid_amount = state.paid_amount
    invoice.status = state.status
    invoice.paid_at = state.paid_at

"""What reconciliation reasons about: bank lines, open invoices, claims, proposals, and the evidence rules
shared by every matching pass (typical bank fees, usual instalment shares, payer-history keys, memos that
pay no invoice).  Below both :mod:`.matching` and :mod:`.claim_evidence`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .names import name_keys

DAY = 86_400.0
TYPICAL_FEES = frozenset(c * 50 for c in (1, 2, 4, 5, 10, 20, 30, 40, 50, 60, 100))  # 0.5 … 50 yuan, in cents

@dataclass(frozen=True)
class Line:
    """An incoming bank line (amount in cents, time as a POSIX timestamp)."""

    txn_id: str
    amount: int
    booked: float
    payer_name: str | None = None
    payer_account: str | None = None
    memo: str | None = None


@dataclass(frozen=True)
class OpenInvoice:
    """An open invoice (outstanding in cents, issue time as a POSIX timestamp or None)."""

    invoice_id: str
    outstanding: int
    issued: float | None = None
    customer_id: str | None = None
    contract_id: str | None = None
    amount: int | None = None  # the invoice's full amount, when part of it is paid already


@dataclass(frozen=True)
class Claim:
    """A rep's payment claim (回款认领) not yet matched: the invoice, the claimed cents, when it was submitted."""

    claim_id: str
    invoice_id: str
    amount: int
    submitted: float


@dataclass(frozen=True)
class Proposal:
    txn_id: str
    invoice_id: str
    amount: int  # cents settled on the invoice
    rule: str
    confidence: float
    evidence: str | None = None  # e.g. the payment claim the match rests on



SHARES = tuple(range(10, 100, 10))  # per cent of an invoice paid in one instalment
SHARE_ROUNDING = 10_000  # instalments are often rounded to 100 yuan; such round amounts are common by chance
ROUND_AMOUNT = 100_000  # a multiple of 1,000 yuan says too little to pin an instalment on
DEPOSIT_WORDS = ("预付", "订金", "定金", "保证金", "押金", "deposit")
NOT_PAYMENT_WORDS = ("退款", "退税", "退回", "利息", "结息", "refund", "interest")


def not_for_invoices(memo: str | None) -> bool:
    """A deposit or guarantee is money in advance of any invoice; a refund, tax refund or interest pays none."""
    if not memo:
        return False
    text = memo.lower()
    return any(word in text for word in DEPOSIT_WORDS) or any(word in text for word in NOT_PAYMENT_WORDS)


ON_BEHALF_WORDS = ("代付", "代缴", "代为支付", "代支付", "代收代付", "委托付款", "代垫", "on behalf")


def on_behalf(memo: str | None) -> bool:
    """A memo saying the payer pays for someone else (代付)."""
    return bool(memo) and any(word in memo.lower() for word in ON_BEHALF_WORDS)


COMPANY_WORDS = ("公司", "厂", "店", "中心", "集团", "银行", "商行", "合作社", "事务所", "研究院", "学校", "医院")


def is_person(payer: str | None) -> bool:
    """A private person's name (张三, 欧阳明华): their transfers say nothing about which company pays."""
    if not payer:
        return False
    name = payer.strip()
    return len(name) <= 4 and re.fullmatch(r"[\u4e00-\u9fff·]+", name) is not None and not any(
        w in name for w in COMPANY_WORDS)


def is_share(amount: int, outstanding: int, exact: bool = False, round_sums: bool = False) -> bool:
    """``amount`` (maybe less a typical fee) is a usual percentage of ``outstanding``, to the cent or rounded to 100 yuan.

    A share rounded to a multiple of 1,000 yuan counts only with ``round_sums``: such a sum may be paid on account
    of any larger invoice, and only other evidence (a claim naming the invoice) makes it a share of this one."""
    if exact:
        return any(amount * 100 == outstanding * share for share in SHARES)
    for fee in (0, *TYPICAL_FEES):
        gross = amount + fee
        for share in SHARES:
            exact = outstanding * share
            if gross * 100 == exact:
                return True
            rounded = gross % SHARE_ROUNDING == 0 and (round_sums or gross % ROUND_AMOUNT != 0)
            if rounded and abs(gross * 100 - exact) <= 50 * SHARE_ROUNDING:
                return True
    return False



def rest_of_share(amount: int, full: int) -> bool:
    """``amount`` (maybe less a typical fee), an unusual sum, is what is left of an invoice of ``full`` after a
    usual share of it rounded to 100 yuan was paid: the last instalment of a split."""
    if round_less_fee(amount):
        return False
    for fee in (0, *TYPICAL_FEES):
        share = full - amount - fee
        if share <= 0 or share % SHARE_ROUNDING:
            continue
        if any(abs(share * 100 - full * pct) <= 50 * SHARE_ROUNDING for pct in SHARES):
            return True
    return False


def part_of(amount: int, outstanding: int, full: int | None = None, *, on_account: bool = True) -> bool:
    """Whether ``amount`` reads as a part payment of an invoice with ``outstanding`` left (``full`` its whole
    amount) — a competing reading that makes a weaker match doubtful.

    Maybe less a typical bank fee, the amount is a usual share of either (to the cent, or rounded to 100 or
    1,000 yuan — a unit of at most 5 % of the part: 3,000 is no rounded 40 % of 7,777.77), or what is left
    after such a share (or after two instalments, each rounded: 607,200 less 2 × 182,200 is 242,800), or
    (``on_account``) a round sum on account (a multiple of 1,000 yuan) smaller than what is left.
    """
    if amount >= outstanding:
        return False
    for fee in (0, *sorted(TYPICAL_FEES)):
        gross = amount + fee
        if gross >= outstanding:
            break
        if on_account and gross % ROUND_AMOUNT == 0:
            return True
        for base in {outstanding, full or outstanding}:
            # what was paid before the amount may be two instalments, each rounded: twice the rounding error
            for part, slack in ((gross, 50), (base - gross, 100)):
                rounding = next((unit for unit in (ROUND_AMOUNT, SHARE_ROUNDING)
                                 if part % unit == 0 and part >= 20 * unit), 0)
                if part > 0 and any(abs(part * 100 - base * share) <= slack * rounding for share in SHARES):
                    return True
    return False


def round_less_fee(amount: int, unit: int = SHARE_ROUNDING) -> bool:
    """The amount is a round sum (a multiple of ``unit``, 100 yuan), or one less a typical bank fee."""
    return any((amount + fee) % unit == 0 for fee in (0, *TYPICAL_FEES))


ACCOUNT, NAME = "account:", "name:"


@lru_cache(maxsize=200_000)
def payer_name_key(name: str | None) -> str:
    """The payer-history key of a payer name ('' for none or a private person).

    Stored in ``bank_transactions.payer_key``: a change to how names fold needs a migration that clears it."""
    if not name or is_person(name):
        return ""
    full, _ = name_keys(name)
    return NAME + full if full else ""


def payer_history(account_customers: dict[str, set[str]], payer_customers: dict[str, set[str]]) -> dict[str, set[str]]:
    """Payer history by payer key: "account:…" and "name:…" (the payer's folded name) → the customers it has
    paid for, from the customers each payer account and each payer name paid for."""
    # The arguments' sets are shared, never changed: a million-order store has hundreds of thousands of payers,
    # and a copy of each set held 40 MiB more.  Only a key several names fold to gets a set of its own.
    history: dict[str, set[str]] = {ACCOUNT + a: c for a, c in account_customers.items()}
    own: set[str] = set()
    for name, customers in payer_customers.items():
        key = payer_name_key(name)
        if not key:  # a private person or no name: never a line's key
            continue
        if key not in history:
            history[key] = customers
        elif key in own:
            history[key].update(customers)
        else:
            history[key] = history[key] | customers
            own.add(key)
    return history


def payer_keys(line: Line) -> tuple[str, ...]:
    """The payer-history keys of a line: its account and its payer's folded name."""
    name = payer_name_key(line.payer_name)
    if line.payer_account:
        return (ACCOUNT + line.payer_account, name) if name else (ACCOUNT + line.payer_account,)
    return (name,) if name else ()

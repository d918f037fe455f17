"""Bank statement lines of the statement period, as messy as real ones, and their ground truth.

Customers pay under abbreviated, bracketed or full-width names, through a
parent or a third company; memos carry an invoice or contract number or just
货款; banks deduct fees; one transfer settles several invoices, or one invoice
arrives in parts; and unrelated lines (outgoing payments, interest, deposits)
sit in between.  ``bank_truth`` says which invoice(s) each line really pays.
"""

from __future__ import annotations

import numpy as np

from . import vocab
from .deals import ISSUED, PAID, Deals, World
from .names import PAYER_KIND_WEIGHTS, PAYER_KINDS, payer_variant, person_names
from .states import BANK_PERIOD_DAYS, State
from .tables import Columns, Keys, sequence
from .timeline import DAY, HOUR, business_hours

FEES_YUAN = np.array([5, 10, 15, 20, 25, 50])
FEE_WEIGHTS = np.array([0.2, 0.25, 0.15, 0.2, 0.1, 0.1])


class _Lines:
    """Accumulates lines; each customer line knows the invoices it pays."""

    def __init__(self, rng: np.random.Generator, world: World):
        self.rng = rng
        self.world = world
        self.rows: list[tuple[int, int, str, str, str, str]] = []  # booked, cents, payer, account, memo, direction
        self.truth: list[tuple[int, str, int, int]] = []  # line index, invoice, cents, fee cents

    def add(self, booked: int, cents: int, payer: str, account: str, memo: str, direction: str = "in") -> int:
        self.rows.append((booked, cents, payer, account, memo, direction))
        return len(self.rows) - 1

    def customer_line(self, booked: int, customer: int, pays: list[tuple[str, int]], memo: str) -> None:
        """A customer's transfer for ``pays`` = [(invoice, cents)], maybe short by a bank fee."""
        rng = self.rng
        total = sum(c for _, c in pays)
        fee = int(rng.choice(FEES_YUAN, p=FEE_WEIGHTS)) * 100 if rng.random() < 0.25 else 0
        if fee >= total:
            fee = 0
        payer, account = self.payer(customer)
        line = self.add(booked, total - fee, payer, account, memo)
        for k, (invoice, cents) in enumerate(pays):
            f = fee if k == 0 else 0
            self.truth.append((line, invoice, cents - f, f))

    def payer(self, customer: int) -> tuple[str, str]:
        rng = self.rng
        names = self.world.customers.names
        kind = PAYER_KINDS[int(rng.choice(len(PAYER_KINDS), p=PAYER_KIND_WEIGHTS))]
        name = payer_variant(names["name"][customer], names["city"][customer], names["brand"][customer],
                             names["industry_word"][customer], kind)
        if kind in ("parent", "third_party"):
            account = "".join(str(x) for x in rng.integers(0, 10, 17))
        else:
            account = self.world.customers.account[customer]
        return name, account


def _choice(rng: np.random.Generator, options) -> str:
    return options[int(rng.integers(len(options)))]


def _memo_single(rng: np.random.Generator, invoice: str, contract: str) -> str:
    u = rng.random()
    if u < 0.25:
        return _choice(rng, ("发票号{i}", "付{i}号发票款", "{i}", "货款 发票{i}")).format(i=invoice)
    if u < 0.45:
        return _choice(rng, ("合同{c}货款", "{c}", "{c}设备款")).format(c=contract)
    return _choice(rng, vocab.CUSTOMER_MEMOS_GENERIC)


def bank_lines(rng: np.random.Generator, world: World, d: Deals, keys: Keys) -> tuple[Columns, Columns]:
    """bank_transactions rows of one block and the bank_truth rows for them."""
    T = world.as_of
    lines = _Lines(rng, world)
    recent = np.flatnonzero(d.state == State.O_PAID_RECENT)

    for i in recent[(d.pay_group[recent] < 0) & (d.split_parts[recent] == 0)].tolist():
        memo = _memo_single(rng, keys.invoice[i], keys.contract[i])
        lines.customer_line(int(d.t[PAID, i]), int(d.customer[i]), [(keys.invoice[i], int(d.contract_cents[i]))], memo)

    grouped = recent[d.pay_group[recent] >= 0]
    for g in np.unique(d.pay_group[grouped]).tolist():
        members = grouped[d.pay_group[grouped] == g].tolist()
        invoices = [keys.invoice[i] for i in members]
        memo = "发票" + "/".join(invoices) if rng.random() < 0.3 else _choice(rng, vocab.CUSTOMER_MEMOS_GENERIC)
        pays = [(keys.invoice[i], int(d.contract_cents[i])) for i in members]
        lines.customer_line(int(d.t[PAID, members[0]]), int(d.customer[members[0]]), pays, memo)

    for i in recent[d.split_parts[recent] > 0].tolist():
        total = int(d.contract_cents[i])
        if d.split_parts[i] == 2:
            shares = [float(rng.choice([0.3, 0.4, 0.5, 0.6, 0.7]))]
        else:
            shares = [(0.3, 0.3), (0.5, 0.3), (0.4, 0.4)][int(rng.integers(3))]
        parts = [int(round(total * s / 10_000)) * 10_000 for s in shares]
        parts.append(total - sum(parts))
        when = int(d.t[PAID, i])
        for k, cents in enumerate(parts):
            if when > T or cents <= 0:
                break
            memo = (f"{keys.contract[i]}第{k + 1}笔" if rng.random() < 0.4 else _choice(rng, vocab.CUSTOMER_MEMOS_GENERIC))
            lines.customer_line(when, int(d.customer[i]), [(keys.invoice[i], cents)], memo)
            when = int(business_hours(rng, np.array([when + int((2 + 13 * rng.random()) * DAY)]))[0])

    for i in np.flatnonzero(d.partial_paid).tolist():
        start = max(int(d.t[ISSUED, i]), T - (BANK_PERIOD_DAYS - 1) * DAY)
        when = start + int(rng.random() * max(T - HOUR - start, 0))
        total = int(d.contract_cents[i])
        cents = max(100_000, int(round(total * (0.3 + 0.4 * rng.random()) / 100_000)) * 100_000)
        if cents >= total:
            continue
        memo = f"{keys.contract[i]}部分货款" if rng.random() < 0.3 else _choice(rng, vocab.CUSTOMER_MEMOS_GENERIC)
        lines.customer_line(when, int(d.customer[i]), [(keys.invoice[i], cents)], memo)

    _noise(rng, world, lines, max(4, round(0.2 * len(lines.rows))))
    return _columns(world, lines)


def _noise(rng: np.random.Generator, world: World, lines: _Lines, count: int) -> None:
    """Lines that pay no invoice: outgoing payments, interest, refunds, deposits, private transfers."""
    T = world.as_of
    when = business_hours(rng, T - (rng.random(count) * (BANK_PERIOD_DAYS - 1) * DAY).astype(np.int64))
    kinds = rng.choice(5, count, p=[0.55, 0.15, 0.08, 0.1, 0.12])
    people = person_names(rng, count)
    cust = world.customers
    for k, at, person in zip(kinds.tolist(), when.tolist(), people):
        account = "".join(str(x) for x in rng.integers(0, 10, 16))
        if k == 0:
            cents = int(rng.integers(2_000, 300_000)) * 100
            lines.add(at, cents, _choice(rng, vocab.SUPPLIERS), account, _choice(rng, vocab.OUTGOING_MEMOS), "out")
        elif k == 1:  # a customer's deposit on a quote: real money, but no invoice yet
            c = int(rng.choice(len(cust.ids), p=cust.weight))
            cents = int(rng.integers(20, 500)) * 100_000
            lines.add(at, cents, cust.names["name"][c], cust.account[c], _choice(rng, ("预付款", "订金", "定金")))
        elif k == 2:
            lines.add(at, int(rng.integers(1_000, 80_000)), "银行结息", "", _choice(rng, ("利息", "结息")))
        elif k == 3:
            cents = int(rng.integers(500, 20_000)) * 100
            lines.add(at, cents, _choice(rng, vocab.SUPPLIERS), account, _choice(rng, vocab.INCOMING_NOISE_MEMOS))
        else:
            cents = int(rng.integers(1_000, 50_000)) * 100
            lines.add(at, cents, person, account, _choice(rng, ("往来款", "转账", "")))


def _columns(world: World, lines: _Lines) -> tuple[Columns, Columns]:
    n = len(lines.rows)
    booked = np.array([r[0] for r in lines.rows], dtype=np.int64)
    seq = sequence(world, "txn", booked)
    days = np.datetime_as_string((booked // DAY).astype("datetime64[D]"), unit="D")
    txn = np.array([f"{d.replace('-', '')}{s:08d}" for d, s in zip(days.tolist(), seq.tolist())], dtype=object)
    bank = {
        "txn_id": txn,
        "booked_at": booked,
        "amount": np.array([r[1] for r in lines.rows], dtype=np.int64),
        "payer_name": np.array([r[2] for r in lines.rows], dtype=object),
        "payer_account": np.array([r[3] for r in lines.rows], dtype=object),
        "memo": np.array([r[4] for r in lines.rows], dtype=object),
        "direction": np.array([r[5] for r in lines.rows], dtype=object),
    }
    order = np.argsort(seq, kind="stable")
    bank = {k: v[order] for k, v in bank.items()} if n else bank
    truth_line = np.array([r[0] for r in lines.truth], dtype=np.int64)
    truth = {
        "txn_id": txn[truth_line] if len(truth_line) else np.array([], dtype=object),
        "invoice_id": np.array([r[1] for r in lines.truth], dtype=object),
        "amount": np.array([r[2] for r in lines.truth], dtype=np.int64),
        "fee": np.array([r[3] for r in lines.truth], dtype=np.int64),
    }
    t_order = np.argsort(seq[truth_line], kind="stable") if len(truth_line) else np.array([], dtype=np.int64)
    truth = {k: v[t_order] for k, v in truth.items()}
    return bank, truth

"""Properties of the matcher: no bank line used twice, no invoice paid beyond its amount, reruns add nothing."""

from __future__ import annotations

import shutil
import tempfile
from collections import Counter, defaultdict
from datetime import datetime, timedelta
from decimal import Decimal
from itertools import combinations
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from salesnb.db import make_engine, session_scope
from salesnb.models import (
    BankMatch,
    BankTransaction,
    Contract,
    Customer,
    Invoice,
    PaymentClaim,
)
from salesnb.receivables import reconcile
from salesnb.receivables.matching import (
    Claim,
    Line,
    OpenInvoice,
    Options,
    plan_matches,
)
from salesnb.receivables.payments import FEE_RULES
from salesnb.receivables.subsets import subset_sums
from salesnb.timeutil import local_tz

NAMES = ["上海某某贸易有限公司", "杭州远大机械有限公司", "深圳市华强电子科技有限公司", "北京恒通物流股份有限公司"]
VARIANTS = {
    0: ["上海某某贸易", "上海某某贸易有限公司", "某某（上海）贸易有限公司"],
    1: ["杭州远大机械", "杭州远大机械有限公司"],
    2: ["深圳华强电子科技", "深圳市华强电子科技有限公司"],
    3: ["北京恒通物流股份公司", "北京恒通物流"],
}
BASE = datetime(2026, 1, 1, tzinfo=local_tz()).timestamp()
THIRD_PARTY = "江苏某某供应链管理有限公司"


@st.composite
def scenarios(draw):
    invoices = []
    for n in range(draw(st.integers(1, 10))):
        customer = draw(st.integers(0, 3))
        cents = draw(st.sampled_from([100_000, 250_000, 99_900, 1_234_567])) if draw(st.booleans()) \
            else draw(st.integers(1_000, 2_000_000))
        invoices.append(OpenInvoice(f"INV-{n:04d}", cents, BASE + n * 3600, f"C{customer}", f"HT-{customer:03d}0"))
    lines = []
    for n in range(draw(st.integers(0, 10))):
        kind = draw(st.sampled_from(["exact", "pair", "part", "fee", "random", "ref"]))
        inv = draw(st.sampled_from(invoices))
        other = draw(st.sampled_from(invoices))
        amount = {
            "exact": inv.outstanding, "pair": inv.outstanding + other.outstanding,
            "part": max(1, inv.outstanding // draw(st.integers(2, 4))), "fee": max(1, inv.outstanding - 1_500),
            "random": draw(st.integers(1, 3_000_000)), "ref": draw(st.sampled_from([inv.outstanding, inv.outstanding // 2 or 1])),
        }[kind]
        customer = int(inv.customer_id[1:])
        payer = draw(st.sampled_from(VARIANTS[customer] + ["张三", "", THIRD_PARTY]))
        memo = draw(st.sampled_from([f"货款 {inv.invoice_id}", f"合同{inv.contract_id}", "货款", None])) \
            if kind == "ref" else draw(st.sampled_from(["货款", None, f"{other.invoice_id}"]))
        lines.append(Line(f"T{n:04d}", amount, BASE + 86_400 * (1 + n), payer or None, None, memo))
    pairs = [(ln.txn_id, inv.invoice_id) for ln in lines for inv in invoices]
    excluded = draw(st.sets(st.sampled_from(pairs), max_size=4)) if pairs else set()
    claims = []
    for n, inv in enumerate(draw(st.lists(st.sampled_from(invoices), max_size=6))):
        amount = draw(st.sampled_from([inv.outstanding, max(1, inv.outstanding // 2), inv.outstanding + 100]))
        claims.append(Claim(f"CLM-{n}", inv.invoice_id, amount, BASE + 86_400 * draw(st.integers(0, 12))))
    return lines, invoices, excluded, claims


def check_plan(lines, invoices, excluded, plan, options=Options()):
    amount = {ln.txn_id: ln.amount for ln in lines}
    outstanding = {inv.invoice_id: inv.outstanding for inv in invoices}
    per_line: dict[str, int] = defaultdict(int)
    per_invoice: dict[str, int] = defaultdict(int)
    pairs = Counter((p.txn_id, p.invoice_id) for p in plan.applied)
    assert all(c == 1 for c in pairs.values()), "a line applied twice to the same invoice"
    for p in plan.applied:
        assert p.amount > 0 and p.confidence >= options.auto_threshold
        assert (p.txn_id, p.invoice_id) not in excluded
        per_line[p.txn_id] += p.amount
        per_invoice[p.invoice_id] += p.amount
    for txn, used in per_line.items():
        rules = {p.rule for p in plan.applied if p.txn_id == txn}
        assert len(rules) == 1, f"line {txn} used by several decisions: {rules}"
        over = used - amount[txn]
        assert over <= 0 or (rules <= FEE_RULES and over <= options.fee_max), f"line {txn} used beyond its amount"
    for invoice_id, paid in per_invoice.items():
        assert paid <= outstanding[invoice_id], f"invoice {invoice_id} paid beyond its amount"
    applied = set(per_line)
    queued = {p.txn_id for p in plan.candidates}
    unmatched = set(plan.unmatched)
    assert not (applied & queued) and not (applied & unmatched) and not (queued & unmatched)
    assert applied | queued | unmatched == set(amount)
    for p in plan.candidates:
        assert (p.txn_id, p.invoice_id) not in excluded and 0 < p.amount <= outstanding[p.invoice_id]


@settings(max_examples=300, deadline=None)
@given(scenarios(), st.sampled_from([None, {THIRD_PARTY: {"C1"}}, {THIRD_PARTY: {"C1", "C2"}}]))
def test_no_line_used_twice_and_no_invoice_overpaid(scenario, payer_history):
    lines, invoices, excluded, claims = scenario
    names = {f"C{k}": name for k, name in enumerate(NAMES)}
    plan = plan_matches(lines, invoices, names, excluded=excluded, claims=claims, payer_customers=payer_history)
    check_plan(lines, invoices, excluded, plan)


@given(st.lists(st.integers(1, 60), max_size=22), st.integers(1, 200))
def test_subset_sums_are_exact_and_complete(values, target):
    found = subset_sums(values, target, limit=100_000)
    assert all(len(s) >= 2 and len(set(s)) == len(s) and sum(values[i] for i in s) == target for s in found)
    assert len(set(found)) == len(found)
    max_size = None if len(values) <= 14 else 4
    expected = {c for size in range(2, (max_size or len(values)) + 1) for c in combinations(range(len(values)), size)
                if sum(values[i] for i in c) == target} if len(values) <= 16 else None
    if expected is not None:
        assert set(found) == expected


def _store(engine, lines, invoices, claims):
    with session_scope(engine) as s:
        for k, name in enumerate(NAMES):
            s.add(Customer(customer_id=f"C{k}", name=name))
            s.add(Contract(contract_id=f"HT-{k:03d}0", customer_id=f"C{k}", owner_id="U1", amount=1))
        for inv in invoices:
            s.add(Invoice(invoice_id=inv.invoice_id, contract_id=inv.contract_id, status="issued",
                          amount=Decimal(inv.outstanding) / 100, issued_at=datetime.fromtimestamp(inv.issued, local_tz())))
        for c in claims:
            if c.amount <= next(i.outstanding for i in invoices if i.invoice_id == c.invoice_id):
                s.add(PaymentClaim(claim_id=c.claim_id, invoice_id=c.invoice_id, owner_id="U1",
                                   amount=Decimal(c.amount) / 100, status="finance_review",
                                   submitted_at=datetime.fromtimestamp(c.submitted, local_tz())))
        for ln in lines:
            s.add(BankTransaction(txn_id=ln.txn_id, amount=Decimal(ln.amount) / 100, payer_name=ln.payer_name,
                                  memo=ln.memo, booked_at=datetime.fromtimestamp(ln.booked, local_tz())))


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_stored_reconciliation_never_overpays_and_reruns_add_nothing(sqlite_template, scenario):
    lines, invoices, _, claims = scenario
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "db.sqlite"
        shutil.copy(sqlite_template, path)
        engine = make_engine(f"sqlite:///{path}")
        try:
            _store(engine, lines, invoices, claims)
            as_of = datetime.fromtimestamp(BASE, local_tz()) + timedelta(days=60)
            reconcile(engine, as_of)
            again = reconcile(engine, as_of)
            with session_scope(engine) as s:
                stored = s.scalars(select(Invoice)).all()
                matches = s.scalars(select(BankMatch).where(BankMatch.status == "applied")).all()
        finally:
            engine.dispose()
    assert again.applied == [] and again.queued == 0
    applied = defaultdict(Decimal)
    for m in matches:
        applied[m.invoice_id] += m.amount
    for inv in stored:
        assert Decimal("0") <= inv.paid_amount <= inv.amount
        assert inv.paid_amount == applied.get(inv.invoice_id, Decimal("0.00"))
        assert inv.status == ("paid" if inv.paid_amount == inv.amount else
                              "partially_paid" if inv.paid_amount else "issued")

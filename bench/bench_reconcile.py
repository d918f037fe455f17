"""Benchmark: quality and speed of automatic bank reconciliation on demo data.

The demo generator (``salesnb.demo.generate``) writes messy bank lines (payer
names abbreviated, bracketed, full-width, paid by a parent or a third company;
memos with invoice or contract numbers or just 货款; fees deducted; one
transfer for several invoices; one invoice in several parts; unrelated lines)
and ``bank_truth.csv``: which invoice(s) each line really pays.  This script
loads customers, contracts, open invoices, the reps' payment claims on them and
bank lines into a fresh SQLite store (plain bulk inserts: the importer is not
what is measured), runs
``salesnb.receivables.reconcile`` (the automatic run, salesnb/receivables/auto_reconcile.py) and prints

- precision and recall of the automatically applied (txn_id, invoice_id)
  pairs against the truth, per rule, and the review queue / unmatched counts;
- why true pairs were missed (part payments, payers named unlike the
  customer, the rest; with or without a claim on the invoice);
- the reconciliation time.

Two runs: ``quality`` on a demo set of ``--orders`` orders as generated, and
``scale`` on ``--lines`` bank lines against ``--invoices`` open invoices (a
larger demo set, cut to those sizes keeping every invoice a kept line pays).

Each reconciles the whole statement period at once, as of its end: a rule
then sees which invoices are still open, and overdue, weeks after a line.
``--daily`` also runs each set as the daily job does: one reconciliation each
morning of the period (08:00), each reading the lines booked since the last
one for the first time (a line queued for review is not read again).  A rule
that only holds with hindsight shows its wrong matches there.

    .venv/bin/python bench/bench_reconcile.py [--orders 20000] [--lines 100000] [--invoices 100000]
                                              [--seed 7] [--as-of "2026-03-16 10:00"] [--skip-scale]
                                              [--postgres URL] [--show-wrong] [--daily]
"""

from __future__ import annotations

import argparse
import math
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pandas as pd
from sqlalchemy import insert

from salesnb.db import make_engine, upgrade
from salesnb.demo import generate
from salesnb.models import BankTransaction, Contract, Customer, Invoice, PaymentClaim
from salesnb.receivables import reconcile
from salesnb.receivables.names import name_score
from salesnb.timeutil import local_tz

LINES_PER_ORDER = 0.27  # bank lines the demo writes per order (statement period of 30 days)


def _timestamps(series: pd.Series) -> list[datetime | None]:
    parsed = pd.to_datetime(series, errors="coerce")
    tz = local_tz()
    return [None if pd.isna(v) else v.to_pydatetime().replace(tzinfo=tz) for v in parsed]


def _money(series: pd.Series) -> list[Decimal]:
    return [Decimal(v) for v in series]


def load(folder: Path, url: str, *, max_lines: int | None = None, max_invoices: int | None = None,
         seed: int = 7) -> tuple[object, pd.DataFrame, dict[str, int], dict[str, dict[str, str]]]:
    """A fresh store with the demo's customers, contracts, open invoices and bank lines; returns the truth and,
    for showing wrong matches, each line's and each invoice's description."""
    read = lambda name: pd.read_csv(folder / f"{name}.csv", dtype=str, keep_default_na=False)
    customers, contracts = read("customers"), read("contracts")
    invoices, bank, truth = read("invoices"), read("bank_transactions"), read("bank_truth")
    claims = read("payment_claims")
    invoices = invoices[invoices["status"].isin(["issued", "partially_paid"])]
    if max_lines is not None and len(bank) > max_lines:
        bank = bank.sample(n=max_lines, random_state=seed).sort_values("booked_at")
    truth = truth[truth["txn_id"].isin(set(bank["txn_id"]))]
    if max_invoices is not None and len(invoices) > max_invoices:
        needed = invoices["invoice_id"].isin(set(truth["invoice_id"]))
        others = invoices[~needed]
        room = max(0, max_invoices - int(needed.sum()))
        invoices = pd.concat([invoices[needed], others.sample(n=min(room, len(others)), random_state=seed)])
    claims = claims[claims["invoice_id"].isin(set(invoices["invoice_id"]))]
    engine = make_engine(url)
    upgrade(engine)
    with engine.begin() as conn:
        conn.execute(insert(Customer), [{"customer_id": c, "name": n} for c, n in
                                        zip(customers["customer_id"], customers["name"])])
        conn.execute(insert(Contract), [
            {"contract_id": c, "customer_id": k, "owner_id": o, "amount": Decimal(a or "0"), "status": "approved",
             "payment_terms_days": int(p) if p else None}
            for c, k, o, a, p in zip(contracts["contract_id"], contracts["customer_id"], contracts["owner_id"],
                                     contracts["amount"], contracts["payment_terms_days"])])
        conn.execute(insert(Invoice), [
            {"invoice_id": i, "contract_id": c or None, "amount": a, "status": s, "issued_at": t,
             "paid_amount": Decimal("0.00")}
            for i, c, a, s, t in zip(invoices["invoice_id"], invoices["contract_id"], _money(invoices["amount"]),
                                     invoices["status"], _timestamps(invoices["issued_at"]))])
        conn.execute(insert(BankTransaction), [
            {"txn_id": t, "booked_at": b, "amount": a, "payer_name": p or None, "payer_account": acc or None,
             "memo": m or None, "direction": d or "in"}
            for t, b, a, p, acc, m, d in zip(bank["txn_id"], _timestamps(bank["booked_at"]), _money(bank["amount"]),
                                             bank["payer_name"], bank["payer_account"], bank["memo"],
                                             bank["direction"])])
        if len(claims):
            conn.execute(insert(PaymentClaim), [
                {"claim_id": c, "invoice_id": i, "owner_id": o, "amount": a, "submitted_at": t, "reviewed_at": r,
                 "status": s}
                for c, i, o, a, t, r, s in zip(claims["claim_id"], claims["invoice_id"], claims["owner_id"],
                                               _money(claims["amount"]), _timestamps(claims["submitted_at"]),
                                               _timestamps(claims["reviewed_at"]), claims["status"])])
    sizes = {"customers": len(customers), "open_invoices": len(invoices), "bank_lines": len(bank),
             "incoming_lines": int((bank["direction"] == "in").sum()), "truth_pairs": len(truth),
             "claims": len(claims)}
    customer_of = dict(zip(contracts["contract_id"], contracts["customer_id"]))
    names = dict(zip(customers["customer_id"], customers["name"]))
    truth = truth.assign(
        payer=truth["txn_id"].map(dict(zip(bank["txn_id"], bank["payer_name"]))),
        customer=truth["invoice_id"].map(dict(zip(invoices["invoice_id"], invoices["contract_id"])))
        .map(customer_of).map(names),
        invoice_amount=truth["invoice_id"].map(dict(zip(invoices["invoice_id"], invoices["amount"]))),
        claimed=truth["invoice_id"].isin(set(claims.loc[claims["status"] != "rejected", "invoice_id"])),
    )
    described = {"line": {t: f"{a} from {p or '-'!r}, memo {m or '-'!r}" for t, a, p, m in
                          zip(bank["txn_id"], bank["amount"], bank["payer_name"], bank["memo"])},
                 "invoice": {i: f"{i} ({a}, {names.get(customer_of.get(c), '?')})" for i, a, c in
                             zip(invoices["invoice_id"], invoices["amount"], invoices["contract_id"])}}
    return engine, truth, sizes, described


def missed_kinds(truth: pd.DataFrame, applied: set[tuple[str, str]]) -> Counter:
    """Why true pairs were not applied: part payments, payers whose name is not the customer's, the rest;
    and whether a rep's claim (in review or confirmed) spoke of the invoice."""
    kinds: Counter = Counter()
    for row in truth.itertuples():
        if (row.txn_id, row.invoice_id) in applied:
            continue
        if Decimal(row.amount) + Decimal(row.fee) < Decimal(row.invoice_amount):
            kind = "part payment (invoice not paid in full by the lines here)"
        elif name_score(row.payer, row.customer) < 80:
            kind = "payer named unlike the customer (parent, third company)"
        else:
            kind = "other"
        kinds[f"{kind}, {'with' if row.claimed else 'no'} claim"] += 1
    return kinds


def score(report, truth: pd.DataFrame) -> dict[str, object]:
    """Precision / recall of applied (txn, invoice) pairs, overall and per rule."""
    true_pairs = set(zip(truth["txn_id"], truth["invoice_id"]))
    applied = [(m.txn_id, m.invoice_id, m.rule) for m in report.applied]
    hits = [(t, i, r) for t, i, r in applied if (t, i) in true_pairs]
    per_rule = Counter(r for _, _, r in applied)
    per_rule_hits = Counter(r for _, _, r in hits)
    truth_lines = set(truth["txn_id"])
    wrong_noise = {t for t, _, _ in applied if t not in truth_lines}
    return {
        "missed": missed_kinds(truth, {(t, i) for t, i, _ in applied}),
        "precision": len(hits) / len(applied) if applied else math.nan,
        "recall": len(hits) / len(true_pairs) if true_pairs else math.nan,
        "applied_pairs": len(applied), "correct_pairs": len(hits), "truth_pairs": len(true_pairs),
        "noise_lines_matched": len(wrong_noise),
        "per_rule": {r: (n, per_rule_hits[r] / n) for r, n in sorted(per_rule.items())},
    }


def show_wrong(report, truth: pd.DataFrame, described: dict[str, dict[str, str]]) -> None:
    """Every applied pair the truth does not have: the line, the invoice it was applied to, the right one(s)."""
    true_pairs = set(zip(truth["txn_id"], truth["invoice_id"]))
    pays = truth.groupby("txn_id")["invoice_id"].apply(list).to_dict()
    for m in report.applied:
        if (m.txn_id, m.invoice_id) not in true_pairs:
            right = ", ".join(described["invoice"].get(i, i) for i in pays.get(m.txn_id, ())) or "no invoice"
            print(f"    wrong: {m.txn_id} {described['line'][m.txn_id]} → {m.rule} applied "
                  f"{described['invoice'].get(m.invoice_id, m.invoice_id)}; it pays {right}")


def daily_reports(engine, as_of: datetime, days: int = 31) -> list:
    """One reconciliation each morning (08:00) of the ``days`` days up to ``as_of``, and one at ``as_of``."""
    morning = as_of.replace(hour=8, minute=0, second=0, microsecond=0)
    return [reconcile(engine, morning - timedelta(days=k)) for k in range(days, 0, -1)] + [reconcile(engine, as_of)]


class _Combined:
    """The reports of a day-by-day run read as one: every applied match, the last run's queue."""

    def __init__(self, reports: list):
        self.applied = [m for r in reports for m in r.applied]
        self.seconds = sum(r.seconds for r in reports)
        self.matched = sum(r.matched for r in reports)
        self.queued = sum(r.queued for r in reports)  # each run queues the lines it read first
        self.unmatched = reports[-1].unmatched  # a line no rule placed is read again by every run


def run(label: str, folder: Path, url: str, as_of: datetime, *, wrong: bool = False, daily: bool = False,
        **limits) -> None:
    """Load the demo set in ``folder`` into ``url``, reconcile as of ``as_of`` (the moment the data describes)
    twice — or (``daily``) each morning up to it, then once more —, and print the figures."""
    started = time.perf_counter()
    engine, truth, sizes, described = load(folder, url, **limits)
    loaded = time.perf_counter() - started
    cpu = time.process_time()
    report = _Combined(daily_reports(engine, as_of)) if daily else reconcile(engine, as_of)
    cpu = time.process_time() - cpu
    rerun = reconcile(engine, as_of)
    engine.dispose()
    s = score(report, truth)
    print(f"\n[{label}] {sizes['incoming_lines']:,} incoming of {sizes['bank_lines']:,} bank lines against "
          f"{sizes['open_invoices']:,} open invoices ({sizes['customers']:,} customers); load {loaded:.1f} s")
    print(f"  reconcile time      {report.seconds:8.2f} s   wall, {cpu:.2f} s CPU of this process "
          f"(rerun: {rerun.seconds:.2f} s, {len(rerun.applied)} new matches, {rerun.queued} newly queued)")
    print(f"  precision           {s['precision']:8.2%}   ({s['correct_pairs']:,} of {s['applied_pairs']:,} "
          f"applied pairs are true)")
    print(f"  recall              {s['recall']:8.2%}   (of {s['truth_pairs']:,} true pairs)")
    print(f"  lines: {report.matched:,} matched, {report.queued:,} queued for review, {report.unmatched:,} unmatched;"
          f" unrelated lines wrongly matched: {s['noise_lines_matched']}")
    for rule, (n, p) in s["per_rule"].items():
        print(f"    {rule:<20} {n:7,} pairs  precision {p:7.2%}")
    print("  true pairs not applied (left to review or unmatched):")
    for kind, n in s["missed"].most_common():
        print(f"    {n:7,}  {kind}")
    if wrong:
        show_wrong(report, truth, described)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orders", type=int, default=20_000, help="demo orders for the quality run")
    parser.add_argument("--lines", type=int, default=100_000, help="bank lines for the scale run")
    parser.add_argument("--invoices", type=int, default=100_000, help="open invoices for the scale run")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--as-of", default=None, help="the moment the demo data describes (default: now); "
                        "fix it to repeat a run's figures")
    parser.add_argument("--skip-scale", action="store_true")
    parser.add_argument("--postgres", default=None, help="also time the scale run on this empty PostgreSQL database")
    parser.add_argument("--show-wrong", action="store_true", help="print every wrongly applied pair: the line, "
                        "the invoice it was applied to and the one(s) it pays")
    parser.add_argument("--daily", action="store_true", help="also reconcile each set day by day, as the daily "
                        "job does (each morning's lines read once)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        started = time.perf_counter()
        files = generate(root / "quality", orders=args.orders, seed=args.seed, as_of=args.as_of)
        print(f"demo data: {args.orders:,} orders generated in {time.perf_counter() - started:.1f} s, "
              f"as of {files.as_of:%Y-%m-%d %H:%M}")
        run("quality", root / "quality", f"sqlite:///{root / 'quality.db'}", files.as_of, wrong=args.show_wrong)
        if args.daily:
            run("quality, day by day", root / "quality", f"sqlite:///{root / 'quality-daily.db'}", files.as_of,
                wrong=args.show_wrong, daily=True)
        if args.skip_scale:
            return 0
        orders = math.ceil(args.lines / LINES_PER_ORDER * 1.05)
        started = time.perf_counter()
        scale = generate(root / "scale", orders=orders, seed=args.seed + 1, as_of=args.as_of)
        print(f"\ndemo data: {orders:,} orders generated in {time.perf_counter() - started:.1f} s")
        limits = {"max_lines": args.lines, "max_invoices": args.invoices, "wrong": args.show_wrong}
        run("scale, SQLite", root / "scale", f"sqlite:///{root / 'scale.db'}", scale.as_of, **limits)
        if args.daily:
            run("scale, SQLite, day by day", root / "scale", f"sqlite:///{root / 'scale-daily.db'}", scale.as_of,
                daily=True, **limits)
        if args.postgres:
            run("scale, PostgreSQL", root / "scale", args.postgres, scale.as_of, **limits)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Bank lines differ from the invoices the way real ones do, and bank_truth accounts for every cent."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd

FEES = {Decimal(x) for x in ("5", "10", "15", "20", "25", "50")}


def _money(series: pd.Series) -> pd.Series:
    return series.map(Decimal)


def test_truth_adds_up_per_line_and_per_invoice(frames):
    bank = frames["bank_transactions"].assign(amount=lambda d: _money(d.amount))
    truth = frames["bank_truth"].assign(amount=lambda d: _money(d.amount), fee=lambda d: _money(d.fee))
    invoices = frames["invoices"].assign(amount=lambda d: _money(d.amount)).set_index("invoice_id")
    per_line = truth.groupby("txn_id").amount.sum()
    assert (per_line == bank.set_index("txn_id").amount[per_line.index]).all()
    settled = (truth.amount + truth.fee).groupby(truth.invoice_id).sum()
    assert (settled <= invoices.amount[settled.index]).all()
    assert (settled == invoices.amount[settled.index]).mean() > 0.8
    assert set(truth.fee[truth.fee > 0]) <= FEES and (truth.fee > 0).mean() > 0.1
    # invoices the bank pays are still open: the reconciliation has work to do
    assert set(invoices.status[settled.index]) <= {"issued"}


def test_lines_settle_several_invoices_or_part_of_one(frames):
    truth = frames["bank_truth"]
    assert (truth.groupby("txn_id").size() >= 2).sum() > 3  # one transfer for several invoices
    assert (truth.groupby("invoice_id").size() >= 2).sum() > 3  # one invoice in parts


def test_payer_names_and_memos_are_messy(frames):
    bank = frames["bank_transactions"]
    truth = frames["bank_truth"].drop_duplicates("txn_id")
    inv = frames["invoices"].merge(frames["contracts"][["contract_id", "customer_id"]], on="contract_id")
    names = inv.merge(frames["customers"][["customer_id", "name"]], on="customer_id").set_index("invoice_id").name
    paid = truth.merge(bank, on="txn_id")
    official = paid.invoice_id.map(names)
    exact = paid.payer_name == official
    assert 0.3 < exact.mean() < 0.7
    differing = paid.payer_name[~exact]
    assert differing.str.contains(r"\(").any() and differing.str.contains("集团").any()
    assert (~differing.str.endswith("公司")).any()  # abbreviated
    memos = paid.memo
    assert memos.str.contains(r"\d{8}").any() and memos.str.contains("HT").any()
    assert memos.isin(["货款", "付款", "设备款", "付货款", "转账", "往来款"]).any() and (memos == "").any()


def test_noise_lines_have_no_truth(frames):
    bank = frames["bank_transactions"]
    truth = frames["bank_truth"]
    noise = bank[~bank.txn_id.isin(truth.txn_id)]
    assert (noise.direction == "out").sum() > 0 and (noise.direction == "in").sum() > 0
    assert (bank.direction[bank.txn_id.isin(truth.txn_id)] == "in").all()
    assert (bank.amount.map(Decimal) > 0).all()

"""xlsx output, the CLI command, and build_demo_db on both databases."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
from click.testing import CliRunner
from sqlalchemy import func, select

from salesnb.cli import main
from salesnb.demo import build_demo_db, generate
from salesnb.models import CANONICAL_MODELS, BankTransaction, Invoice
from salesnb.schema import table_specs

from .conftest import AS_OF


def test_xlsx_is_readable_reproducible_and_matches_csv(tmp_path):
    xlsx = generate(tmp_path / "x", orders=60, seed=2, fmt="xlsx", as_of=AS_OF)
    again = generate(tmp_path / "y", orders=60, seed=2, fmt="xlsx", as_of=AS_OF)
    csv = generate(tmp_path / "c", orders=60, seed=2, as_of=AS_OF)
    assert {n: p.read_bytes() for n, p in xlsx.items()} == {n: p.read_bytes() for n, p in again.items()}
    for name in table_specs():
        sheet = pd.read_excel(xlsx[name], dtype=object, engine="calamine")
        text = pd.read_csv(csv[name], dtype=str, keep_default_na=False)
        assert list(sheet.columns) == list(text.columns)
        assert len(sheet) == len(text) == xlsx.rows[name]
    orders = pd.read_excel(xlsx["orders"], engine="calamine")
    assert isinstance(orders.created_at[0], (datetime, pd.Timestamp))
    amounts = pd.read_excel(xlsx["invoices"], engine="calamine").amount
    assert (amounts.round(2) == pd.read_csv(csv["invoices"]).amount).all()


def test_cli_writes_the_files_and_prints_a_summary(tmp_path):
    result = CliRunner().invoke(main, ["demo-data", "--orders", "40", "--seed", "4", "--out", str(tmp_path),
                                       "--as-of", AS_OF])
    assert result.exit_code == 0, result.output
    assert "orders.csv" in result.output and "bank_truth.csv" in result.output
    assert (tmp_path / "payment_claims.csv").exists()
    assert pd.read_csv(tmp_path / "orders.csv").shape[0] == 40
    bad = CliRunner().invoke(main, ["demo-data", "--orders", "0", "--out", str(tmp_path)])
    assert bad.exit_code != 0


def test_build_demo_db_loads_every_table(engine):
    built = build_demo_db(engine, orders=120, seed=9, as_of=AS_OF)
    with engine.connect() as conn:
        for model in CANONICAL_MODELS:
            count = conn.scalar(select(func.count()).select_from(model))
            assert count == built.rows[model.__tablename__] > 0, model.__tablename__
        issued = set(conn.scalars(select(Invoice.invoice_id).where(Invoice.status == "issued")))
        total = conn.scalar(select(func.sum(BankTransaction.amount)).where(BankTransaction.direction == "in"))
    assert set(built.bank_truth.invoice_id) <= issued
    assert built.bank_truth.amount.sum() <= total
    assert built.as_of == pd.Timestamp(AS_OF).tz_localize("Asia/Shanghai")


def test_the_generated_folder_imports_as_a_folder(sqlite_engine, tmp_path):
    from salesnb.io import import_paths

    files = generate(tmp_path, orders=30, seed=8, as_of=AS_OF)
    report = import_paths(sqlite_engine, [tmp_path], actor="system")
    with sqlite_engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(BankTransaction)) == files.rows["bank_transactions"]
        assert conn.scalar(select(func.count()).select_from(Invoice)) == files.rows["invoices"]
    assert "bank_truth.csv" in " ".join(str(s) for s in report.skipped)

"""Helpers for the import/export tests: small canonical data sets, ugly files, database snapshots."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from sqlalchemy import Engine, select

from salesnb.models import Base

# A small, consistent data set in canonical form (English headers), one list of rows per table.
CANONICAL: dict[str, list[dict[str, str]]] = {
    "users": [
        {"user_id": "U1", "name": "周总", "role": "sales_director", "manager_id": "", "region": "华东", "mobile": "13800000001"},
        {"user_id": "U2", "name": "吴经理", "role": "sales_manager", "manager_id": "U1", "region": "华东", "mobile": "13800000002"},
        {"user_id": "U3", "name": "郑小明", "role": "sales", "manager_id": "U2", "region": "华东", "mobile": "13800000003"},
        {"user_id": "U4", "name": "王会计", "role": "finance", "manager_id": "U1", "region": "", "mobile": ""},
    ],
    "customers": [
        {"customer_id": "C1", "name": "上海恒通机电有限公司", "region": "华东", "industry": "机械", "owner_id": "U3", "created_at": "2026-10-08 09:15:00"},
        {"customer_id": "C2", "name": "成都蓉城电气", "region": "西南", "industry": "电气", "owner_id": "U3", "created_at": "2026-10-09 14:00"},
    ],
    "leads": [
        {"lead_id": "L1", "customer_id": "C1", "owner_id": "U3", "region": "华东", "source": "展会", "inquiry_type": "technical",
         "created_at": "2026-11-02 10:00:00", "first_response_at": "2026-11-02 11:30:00", "budget_provided": "是",
         "delivery_date_specified": "否", "purchase_freq_per_month": "2.5", "status": "open", "converted_at": ""},
        {"lead_id": "L2", "customer_id": "C2", "owner_id": "U3", "region": "西南", "source": "官网", "inquiry_type": "tender",
         "created_at": "2026-11-03T08:00:00+08:00", "first_response_at": "", "budget_provided": "true",
         "delivery_date_specified": "1", "purchase_freq_per_month": "0", "status": "converted", "converted_at": "2026-11-20 16:00:00"},
    ],
    "quotes": [
        {"quote_id": "Q1", "lead_id": "L1", "customer_id": "C1", "owner_id": "U3", "amount": "128000.50",
         "quoted_at": "2026-11-05 10:00:00", "status": "accepted", "accepted_at": "2026-11-08 09:00:00"},
        {"quote_id": "Q2", "lead_id": "L2", "customer_id": "C2", "owner_id": "U3", "amount": "0.10",
         "quoted_at": "2026-11-06 10:00:00", "status": "quoted", "accepted_at": ""},
    ],
    "contracts": [
        {"contract_id": "K1", "quote_id": "Q1", "customer_id": "C1", "owner_id": "U3", "amount": "128000.50",
         "product_line": "伺服电机", "quantity": "40", "dest_region": "华东", "submitted_at": "2026-11-09 10:00:00",
         "promised_delivery_days": "30", "payment_terms_days": "60", "status": "approved", "approved_at": "2026-11-10 10:00:00"},
    ],
    "orders": [
        {"order_id": "O1", "contract_id": "K1", "quote_id": "Q1", "created_at": "2026-11-11 09:00:00", "status": "shipped",
         "shipped_at": "2026-11-15 17:45:00"},
        {"order_id": "O2", "contract_id": "K1", "quote_id": "Q1", "created_at": "2026-11-12 09:00:00", "status": "open", "shipped_at": ""},
    ],
    "shipments": [
        {"shipment_id": "S1", "order_id": "O1", "carrier": "顺丰", "tracking_no": "SF1234567890123",
         "shipped_at": "2026-11-15 18:00:00", "delivered_at": "2026-11-17 12:00:00"},
    ],
    "invoices": [
        {"invoice_id": "I1", "contract_id": "K1", "order_id": "O1", "amount": "64000.25", "requested_at": "2026-11-16 09:00:00",
         "confirmed_at": "2026-11-16 10:00:00", "issued_at": "2026-11-16 15:00:00", "status": "issued"},
    ],
    "payment_claims": [
        {"claim_id": "P1", "invoice_id": "I1", "owner_id": "U3", "amount": "64000.25", "submitted_at": "2026-11-25 09:00:00",
         "reviewed_at": "", "status": "finance_review"},
    ],
    "bank_transactions": [
        {"txn_id": "202611250001", "booked_at": "2026-11-25 10:12:13", "amount": "63990.25", "payer_name": "上海恒通机电",
         "payer_account": "6222021001123456789", "memo": "货款 I1", "direction": "in"},
    ],
    "tasks": [
        {"task_id": "T1", "node": "claim_review", "entity_type": "payment_claim", "entity_id": "P1", "owner_id": "U4",
         "created_at": "2026-11-25 09:00:00", "done_at": ""},
    ],
    "interactions": [
        {"interaction_id": "X1", "customer_id": "C1", "at": "2026-11-03 15:00:00", "channel": "电话",
         "question": "伺服电机的防护等级?", "materials": "产品手册 v3", "engineer": "李工"},
    ],
    "production_slots": [
        {"product_line": "伺服电机", "date": "2026-12-01", "free_capacity": "50"},
        {"product_line": "伺服电机", "date": "2026-12-02", "free_capacity": "0"},
    ],
    "lanes": [
        {"carrier": "顺丰", "dest_region": "华东", "transit_days": "2", "daily_capacity": "100"},
    ],
    "holidays": [
        {"day": "2027-02-06", "kind": "holiday", "name": "春节"},
        {"day": "2027-02-14", "kind": "workday", "name": "春节调休"},
    ],
}


def write_csv(path: Path, header: list[str], rows: list[list[str]], encoding: str = "utf-8",
              banner: list[list[str]] = (), delimiter: str = ",") -> Path:
    """Write rows (after optional banner rows) as delimited text in ``encoding``."""
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    for line in banner:
        writer.writerow(line)
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def write_table_csv(folder: Path, table: str, rows: list[dict[str, str]] | None = None, **kw) -> Path:
    rows = CANONICAL[table] if rows is None else rows
    header = list(rows[0])
    return write_csv(folder / f"{table}.csv", header, [[r[h] for h in header] for r in rows], **kw)


def write_canonical(folder: Path, tables: list[str] | None = None) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    return {t: write_table_csv(folder, t) for t in (tables or CANONICAL)}


def snapshot(engine: Engine) -> dict[str, list[tuple]]:
    """Every row of every table, in stored form, ordered — equal snapshots mean an unchanged database."""
    out: dict[str, list[tuple]] = {}
    with engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            rows = conn.execute(select(table).order_by(*table.primary_key.columns)).all()
            out[table.name] = [tuple(r) for r in rows]
    return out


def sqlite_file_bytes(engine: Engine) -> bytes:
    """The SQLite database file after a full checkpoint (WAL folded in)."""
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    return Path(engine.url.database).read_bytes()

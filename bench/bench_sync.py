"""Benchmark: sync an ERP table of N rows from PostgreSQL into a PostgreSQL store, full then incremental.

Builds a source database (``salesnb_bench_sync_src``) with the ERP's own
table ``客户`` (客户代码, 客户全称, 所属大区, 负责人, 更新时间; an index on
更新时间) of ``--rows`` rows, and a fresh store (``salesnb_bench_sync``) with
ten users.  Then, through :func:`salesnb.sync.run_sync` and the ``sql``
source:

1. a full sync into the empty store (rows/s);
2. ``--changed`` rows updated in the source, then an incremental sync: only
   they are read and written (target at 1,000,000 rows / 10,000 changed: ≤ 10 s);
3. a rerun (nothing to read).

    .venv/bin/python bench/bench_sync.py [--rows 1000000] [--changed 10000] [--pg-url URL] [--batch-rows 50000]
"""

from __future__ import annotations

import argparse
import os
import time

import pandas as pd
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

PG_URL = os.environ.get("SALESNB_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
SOURCE_DB, STORE_DB = "salesnb_bench_sync_src", "salesnb_bench_sync"


def fresh(pg_url: str, name: str) -> str:
    admin = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(pg_url).set(database=name).render_as_string(hide_password=False)


def build_source(url: str, rows: int) -> None:
    engine = create_engine(url)
    started = time.perf_counter()
    with engine.begin() as conn:
        conn.execute(text('CREATE TABLE "客户" ("客户代码" varchar(20) PRIMARY KEY, "客户全称" varchar(100), '
                          '"所属大区" varchar(20), "负责人" varchar(20), "更新时间" timestamp NOT NULL)'))
        conn.execute(text(
            'INSERT INTO "客户" SELECT \'C\' || lpad(i::text, 8, \'0\'), \'客户\' || i, '
            '(ARRAY[\'华东\',\'华南\',\'华北\',\'西南\'])[1 + i % 4], \'U\' || lpad((1 + i % 10)::text, 3, \'0\'), '
            'timestamp \'2026-01-01\' + i * interval \'1 second\' FROM generate_series(1, :n) AS i'), {"n": rows})
        conn.execute(text('CREATE INDEX "客户_更新时间" ON "客户" ("更新时间")'))
        conn.execute(text('ANALYZE "客户"'))
    engine.dispose()
    print(f"source: {rows:,} rows in 客户 ({time.perf_counter() - started:.1f} s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--changed", type=int, default=10_000)
    parser.add_argument("--batch-rows", type=int, default=50_000)
    parser.add_argument("--pg-url", default=PG_URL)
    args = parser.parse_args()

    from salesnb.config import Settings
    from salesnb.db import make_engine, session_scope, upgrade
    from salesnb.io import import_frame
    from salesnb.sync import run_sync

    source_url = fresh(args.pg_url, SOURCE_DB)
    build_source(source_url, args.rows)
    store = make_engine(fresh(args.pg_url, STORE_DB))
    upgrade(store)
    with session_scope(store) as session:
        import_frame(session, "users", pd.DataFrame(
            [{"user_id": f"U{i:03}", "name": f"销售{i}", "role": "sales"} for i in range(1, 11)]))
    settings = Settings(db_url="", raw={"sync": {"erp": {
        "type": "sql", "url": source_url, "batch_rows": args.batch_rows,
        "streams": {"customers": {"source_table": "客户", "cursor": "更新时间"}}}}})

    def timed(label: str, **kw) -> None:
        started = time.perf_counter()
        report = run_sync(store, settings=settings, **kw)
        seconds = time.perf_counter() - started
        s = report.streams[0]
        assert report.ok, report.lines()
        rate = f", {s.rows / seconds:,.0f} rows/s" if s.rows else ""
        print(f"{label:<28} {seconds:7.2f} s  read {s.rows:,}  inserted {s.inserted:,}  updated {s.updated:,}  "
              f"batches {s.batches}{rate}")

    timed("full sync (empty store)")
    src = create_engine(source_url)
    with src.begin() as conn:  # the ERP changes N rows spread over the table
        step = max(1, args.rows // args.changed)
        conn.execute(text('UPDATE "客户" SET "客户全称" = "客户全称" || \'（新）\', "更新时间" = now() '
                          'WHERE ("客户代码") IN (SELECT \'C\' || lpad(i::text, 8, \'0\') '
                          'FROM generate_series(1, :n, :step) AS i LIMIT :changed)'),
                     {"n": args.rows, "step": step, "changed": args.changed})
    src.dispose()
    timed(f"incremental ({args.changed:,} changed)")
    timed("rerun (nothing changed)")
    timed("full sync (all unchanged)", full=True)
    store.dispose()


if __name__ == "__main__":
    main()

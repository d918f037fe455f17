"""Benchmark: the whole check suite on the demo data (default 1,000,000 orders), SQLite and PostgreSQL,
against the same checks written directly as SQL in DuckDB on the same CSV files.

Prints seconds per check, total seconds and peak memory (each suite runs in a
child process, so its peak RSS is its own), the ratio to DuckDB, and whether
every count (and the invoice buckets and SLA levels) equals DuckDB's.

    .venv/bin/python bench/bench_checks.py                   # 1M orders (generate + import once, then reuse)
    .venv/bin/python bench/bench_checks.py --orders 100000   # smaller first

Data and databases are cached in ``--data`` (default ``$TMPDIR/salesnb-bench``)
and in the PostgreSQL database ``salesnb_bench_<orders>``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

AS_OF = "2026-03-10 09:00:00"
SEED = 7
PG_URL = os.environ.get("SALESNB_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
DAY_US = 86_400_000_000
SLA_TARGETS = {"lead_first_response": 4, "invoice_confirm": 2, "contract_approval": 24, "claim_review": 48,
               "shipment_booking": 24}


def peak_mb() -> float:
    """Peak resident memory of this process (VmHWM: unlike ru_maxrss it does not inherit the parent's peak)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# ---------------------------------------------------------------- data

def data_dir(args) -> Path:
    return Path(args.data) / f"demo-{args.orders}-s{SEED}"


def ensure_files(args) -> Path:
    folder = data_dir(args)
    marker = folder / ".complete"
    if not marker.exists():
        from salesnb.demo import generate

        started = time.perf_counter()
        files = generate(folder, orders=args.orders, seed=SEED, as_of=AS_OF)
        marker.write_text(json.dumps(files.rows))
        print(f"generated {args.orders:,} orders of demo data in {time.perf_counter() - started:.1f}s -> {folder}")
    return folder


def database_url(args, backend: str) -> str:
    if backend == "sqlite":
        return f"sqlite:///{data_dir(args) / 'salesnb.db'}"
    from sqlalchemy.engine import make_url

    return make_url(PG_URL).set(database=f"salesnb_bench_{args.orders}").render_as_string(hide_password=False)


def ensure_loaded(args, backend: str) -> None:
    """Import the CSV files once per backend, remembered by a marker file.

    SQLite gets them through :func:`salesnb.io.import_paths`; PostgreSQL too with
    ``--pg-load importer``, or by default a copy of the imported SQLite rows
    (``COPY``, identical data, minutes instead of most of an hour at 1M orders).
    """
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from salesnb.db import make_engine, upgrade

    folder, url = data_dir(args), database_url(args, backend)
    marker = folder / f".loaded-{backend}"
    if marker.exists():
        return
    if backend == "sqlite":
        (folder / "salesnb.db").unlink(missing_ok=True)
    else:
        admin = create_engine(make_url(PG_URL), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            name = make_url(url).database
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
    engine = make_engine(url)
    upgrade(engine)
    started = time.perf_counter()
    if backend == "postgresql" and args.pg_load == "copy":
        ensure_loaded(args, "sqlite")
        copy_from_sqlite(folder / "salesnb.db", engine)
    else:
        load(engine, folder)
    with engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")
    engine.dispose()
    print(f"imported into {backend} in {time.perf_counter() - started:.1f}s")
    marker.write_text(url)


def load(engine, folder: Path) -> None:
    from salesnb.io import import_paths
    from salesnb.schema import table_specs

    paths = [folder / f"{name}.csv" for name in table_specs() if (folder / f"{name}.csv").exists()]
    import_paths(engine, paths, actor="system")


def copy_from_sqlite(sqlite_path: Path, engine) -> None:
    """Copy every canonical table from the SQLite store to PostgreSQL (storage forms are compatible:
    naive-UTC timestamp text read in a UTC session, 0/1 booleans, JSON text)."""
    import sqlite3

    from salesnb.schema import table_specs

    source = sqlite3.connect(sqlite_path)
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        cur.execute("SET TIME ZONE 'UTC'")
        for name in table_specs():
            columns = [row[1] for row in source.execute(f'PRAGMA table_info("{name}")')]
            names = ", ".join(f'"{c}"' for c in columns)
            with cur.copy(f'COPY "{name}" ({names}) FROM STDIN') as copy:
                for row in source.execute(f'SELECT {names} FROM "{name}"'):
                    copy.write_row(row)
        raw.commit()
    finally:
        raw.close()
        source.close()


# ---------------------------------------------------------------- children: one suite each, own peak memory

def child_salesnb(url: str) -> dict:
    from sqlalchemy import delete

    from salesnb.checks import run_checks
    from salesnb.db import make_engine
    from salesnb.models import CheckRun, Finding

    engine = make_engine(url)
    postgres = engine.dialect.name == "postgresql"
    with engine.begin() as conn:  # a first run: every finding is new
        if postgres:  # no dead rows left over from earlier bench runs (a TRUNCATE fires no trigger: the counts too)
            conn.exec_driver_sql("TRUNCATE findings, check_runs, open_finding_counts")
        else:
            conn.execute(delete(Finding))
            conn.execute(delete(CheckRun))
    queries = queries_only(engine)
    started, cpu = time.perf_counter(), time.process_time()
    first = run_checks(engine, AS_OF)
    first_total, first_cpu = time.perf_counter() - started, time.process_time() - cpu
    if postgres:  # what autovacuum does between two daily runs
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE findings")
    started = time.perf_counter()
    second = run_checks(engine, AS_OF)  # a rerun: every finding persists
    second_total = time.perf_counter() - started
    return {
        "total": first_total, "cpu": first_cpu, "rerun_total": second_total, "peak_mb": peak_mb(),
        "queries_total": sum(queries.values()),
        "checks": {name: {"seconds": r.seconds, "rerun_seconds": second.checks[name].seconds, "count": r.count,
                          **({r.breakdown[0]: r.breakdown[1]} if r.breakdown else {})}
                   for name, r in first.checks.items()},
    }


def queries_only(engine) -> dict[str, float]:
    """Seconds to count each check's hits in the database, storing nothing (like for like with DuckDB)."""
    from sqlalchemy import func, select
    from sqlalchemy.orm import Session

    from salesnb.checks.base import CheckContext
    from salesnb.checks.registry import available_checks
    from salesnb.timeutil import parse_timestamp

    seconds = {}
    with Session(engine) as session:
        for name, check in available_checks(session).items():
            ctx = CheckContext(parse_timestamp(AS_OF), check.params, "zh-CN", session)
            started = time.perf_counter()
            session.scalar(select(func.count()).select_from(check.hits(ctx).subquery()))
            seconds[name] = time.perf_counter() - started
    return seconds


def duckdb_queries() -> dict[str, str]:
    """The eight checks as plain SQL over views of the CSV files (timestamps are local time, as written)."""
    as_of = f"TIMESTAMP '{AS_OF}'"
    sla_cases = " ".join(f"WHEN '{n}' THEN {h}" for n, h in SLA_TARGETS.items())
    return {
        "lead_response_overdue": f"""
            SELECT count(*) FROM leads WHERE first_response_at IS NULL AND created_at < {as_of} - INTERVAL 4 HOUR""",
        "quote_not_ordered": f"""
            SELECT count(*) FROM quotes q WHERE status = 'accepted' AND accepted_at <= {as_of} - INTERVAL 48 HOUR
              AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.quote_id = q.quote_id)""",
        "shipped_without_tracking": f"""
            SELECT count(*) FROM orders o WHERE status IN ('shipped', 'delivered')
              AND shipped_at <= {as_of} - INTERVAL 24 HOUR
              AND NOT EXISTS (SELECT 1 FROM shipments s WHERE s.order_id = o.order_id
                              AND trim(coalesce(CAST(s.tracking_no AS VARCHAR), '')) <> '')""",
        "delivery_infeasible": f"""
            WITH f AS (
              SELECT c.promised_delivery_days AS promised, CAST(c.submitted_at AS DATE) AS sd,
                (SELECT min(ps.date) FROM production_slots ps WHERE ps.product_line = c.product_line
                   AND ps.date >= CAST(c.submitted_at AS DATE) AND ps.free_capacity >= c.quantity) AS slot,
                (SELECT min(l.transit_days) FROM lanes l WHERE l.dest_region = c.dest_region) AS transit
              FROM contracts c
              WHERE c.status = 'pending_approval' AND c.submitted_at IS NOT NULL AND c.submitted_at <= {as_of})
            SELECT count(*) FROM f
            WHERE slot IS NULL OR transit IS NULL OR promised < date_diff('day', sd, slot) + transit""",
        "claim_stalled": f"""
            SELECT count(*) FROM payment_claims WHERE status = 'finance_review'
              AND submitted_at <= {as_of} - INTERVAL 48 HOUR""",
        "invoice_overdue": f"""
            WITH f AS (
              SELECT epoch_us({as_of}) - epoch_us(i.issued_at) - coalesce(c.payment_terms_days, 0) * {DAY_US} AS late
              FROM invoices i
              LEFT JOIN orders o ON o.order_id = i.order_id
              LEFT JOIN contracts c ON c.contract_id = coalesce(i.contract_id, o.contract_id)
              WHERE i.status IN ('issued', 'partially_paid') AND i.issued_at IS NOT NULL),
            d AS (SELECT (late + {DAY_US - 1}) // {DAY_US} AS days FROM f WHERE late > 0)
            SELECT CASE WHEN days <= 30 THEN '1-30' WHEN days <= 60 THEN '31-60' WHEN days <= 90 THEN '61-90'
                        ELSE '90+' END AS bucket, count(*) FROM d GROUP BY 1""",
        "scorecard_incomplete": """
            SELECT count(*) FROM leads WHERE status = 'open'
              AND (budget_provided IS NULL OR delivery_date_specified IS NULL OR purchase_freq_per_month IS NULL)""",
        "sla_breach": f"""
            WITH t AS (SELECT CASE node {sla_cases} END AS target_h, created_at FROM tasks WHERE done_at IS NULL),
            a AS (SELECT epoch_us({as_of}) - epoch_us(created_at) AS age, target_h * 3600000000 AS target FROM t
                  WHERE target_h IS NOT NULL)
            SELECT CASE WHEN age > 4 * target THEN '3' WHEN age > 2 * target THEN '2' ELSE '1' END AS level, count(*)
            FROM a WHERE age > target GROUP BY 1""",
    }


def child_duckdb(folder: str, materialise: bool) -> dict:
    import duckdb

    con = duckdb.connect()
    tables = ("leads", "quotes", "orders", "shipments", "contracts", "production_slots", "lanes", "payment_claims",
              "invoices", "tasks")
    started, cpu = time.perf_counter(), time.process_time()
    for name in tables:
        source = f"read_csv('{Path(folder) / (name + '.csv')}', header = true)"
        kind = "TABLE" if materialise else "VIEW"
        con.execute(f"CREATE {kind} {name} AS SELECT * FROM {source}")
    load_seconds = time.perf_counter() - started
    out = {"load_seconds": load_seconds, "checks": {}}
    for name, sql in duckdb_queries().items():
        started = time.perf_counter()
        rows = con.execute(sql).fetchall()
        entry = {"seconds": time.perf_counter() - started}
        if name in ("invoice_overdue", "sla_breach"):
            key = "buckets" if name == "invoice_overdue" else "levels"
            entry[key] = {str(k): int(v) for k, v in rows}
            entry["count"] = sum(entry[key].values())
        else:
            entry["count"] = int(rows[0][0])
        out["checks"][name] = entry
    out["total"] = load_seconds + sum(c["seconds"] for c in out["checks"].values())
    out["cpu"] = time.process_time() - cpu  # all of DuckDB's threads
    out["peak_mb"] = peak_mb()
    return out


def run_child(*argv: str) -> dict:
    result = subprocess.run([sys.executable, __file__, "--child", *argv], capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"child {argv[0]} failed:\n{result.stderr[-4000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------- report

def same_counts(ours: dict, theirs: dict) -> bool:
    for key in ("count", "buckets", "levels"):
        if key in theirs:
            mine = ours.get(key)
            if key != "count":
                mine = {k: v for k, v in (mine or {}).items() if v}
            if mine != theirs[key]:
                return False
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--data", default=str(Path(tempfile.gettempdir()) / "salesnb-bench"))
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--pg-load", choices=["copy", "importer"], default="copy",
                        help="load PostgreSQL by copying the imported SQLite rows (default) or with the importer")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, *rest = args.child
        result = child_salesnb(rest[0]) if kind == "salesnb" else child_duckdb(rest[0], rest[1] == "tables")
        print(json.dumps(result))
        return

    folder = ensure_files(args)
    backends = [b for b in args.backends.split(",") if b]
    results = {}
    for backend in backends:
        ensure_loaded(args, backend)
        results[backend] = run_child("salesnb", database_url(args, backend))
    duck_csv = run_child("duckdb", str(folder), "views")
    duck_mem = run_child("duckdb", str(folder), "tables")

    print(f"\ncheck suite on {args.orders:,} orders, as of {AS_OF} (first run: all findings new; rerun: all persist)")
    header = ["check", *(f"{b} s" for b in backends), *(f"{b} rerun s" for b in backends), "duckdb csv s",
              "count", "equal"]
    rows = []
    for name, duck in duck_csv["checks"].items():
        rows.append([name, *(f"{results[b]['checks'][name]['seconds']:.2f}" for b in backends),
                     *(f"{results[b]['checks'][name]['rerun_seconds']:.2f}" for b in backends),
                     f"{duck['seconds']:.2f}", f"{duck['count']:,}",
                     "yes" if all(same_counts(results[b]["checks"][name], duck) for b in backends) else "NO"])
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        print("  ".join(str(v).rjust(w) if i else str(v).ljust(w) for i, (v, w) in enumerate(zip(row, widths))))
    print(f"\nduckdb on the CSV files: {duck_csv['total']:.2f}s total ({duck_csv['load_seconds']:.2f}s to open views), "
          f"peak {duck_csv['peak_mb']:.0f} MB")
    print(f"duckdb with tables loaded in memory first: {duck_mem['load_seconds']:.2f}s load + "
          f"{duck_mem['total'] - duck_mem['load_seconds']:.2f}s queries, peak {duck_mem['peak_mb']:.0f} MB")
    if "sqlite" in results:  # CPU time: less sensitive to other load on the machine (PostgreSQL works in its server)
        print(f"cpu seconds: sqlite {results['sqlite']['cpu']:.2f}s, duckdb on csv {duck_csv['cpu']:.2f}s "
              f"({results['sqlite']['cpu'] / duck_csv['cpu']:.2f}x)")
    for backend in backends:
        r = results[backend]
        equal = all(same_counts(r["checks"][n], d) for n, d in duck_csv["checks"].items())
        print(f"{backend}: the check queries alone (counting, nothing stored) {r['queries_total']:.2f}s = "
              f"{r['queries_total'] / duck_csv['total']:.2f}x duckdb-on-csv")
        print(f"{backend}: {r['total']:.2f}s total (rerun {r['rerun_total']:.2f}s), peak {r['peak_mb']:.0f} MB, "
              f"{r['total'] / duck_csv['total']:.2f}x duckdb-on-csv, "
              f"{r['total'] / (duck_mem['total'] - duck_mem['load_seconds']):.1f}x duckdb-in-memory queries; "
              f"counts equal: {'yes' if equal else 'NO'}")
        print(f"{backend}: rerun {r['rerun_total']:.2f}s = {r['rerun_total'] / duck_csv['total']:.2f}x duckdb-on-csv "
              f"(aim: at most 2x)")


if __name__ == "__main__":
    main()

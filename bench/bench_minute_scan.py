"""Benchmark: the minute escalation scan of ``salesnb schedule`` over 1,000,000 open tasks with nothing due.

``salesnb schedule`` scans for due escalation levels every ``[schedule] scan_every`` (one minute), so a
scan that finds nothing must cost far less than a minute: target ≤ 1 s at 1,000,000 open tasks.  Fills a
fresh database per backend like ``bench_escalation.py`` (open tasks over the five default nodes, all
younger than any level unless ``--overdue-share`` says otherwise), then times ``--scans`` scans one minute
apart, as the scheduler runs them (:class:`salesnb.runs.schedule.Scanner`).

    .venv/bin/python bench/bench_minute_scan.py [--rows 1000000] [--scans 5] [--backends sqlite,postgresql]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_escalation import AS_OF, PeakRss, fill, fresh_pg  # noqa: E402

from salesnb.db import make_engine  # noqa: E402
from salesnb.runs.schedule import Scanner  # noqa: E402

DB = "salesnb_bench_minute_scan"


def bench(backend: str, url: str, rows: int, overdue_share: float, scans: int) -> None:
    print(f"{backend}: {rows:,} open tasks ({overdue_share:.0%} overdue)")
    started = time.perf_counter()
    fill(url, rows, overdue_share)
    print(f"  bulk insert {time.perf_counter() - started:8.2f} s")
    engine = make_engine(url)
    scanner = Scanner(timedelta(minutes=1))
    try:
        if overdue_share:  # the backlog's levels fire once first; the minute scans then find nothing new
            report = scanner.run(engine, AS_OF - timedelta(minutes=1))
            print(f"  backlog scan {report.seconds:8.2f} s  fired {report.fired}")
        times = []
        with PeakRss() as rss:
            for i in range(scans):
                report = scanner.run(engine, AS_OF + timedelta(minutes=i))
                times.append(report.seconds)
                print(f"  minute scan {i + 1}: {report.seconds:6.3f} s  fired {report.fired}  read {report.candidates}")
                sys.stdout.flush()
        print(f"  median {statistics.median(times):.3f} s, max {max(times):.3f} s, "
              f"peak RSS {rss.peak / 2**20:.0f} MiB (+{(rss.peak - rss.start) / 2**20:.1f})")
    finally:
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--scans", type=int, default=5)
    parser.add_argument("--overdue-share", type=float, default=0.0)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--pg-url", default=os.environ.get("SALESNB_BENCH_PG_URL",
                                                           "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"))
    args = parser.parse_args()
    for backend in [b.strip() for b in args.backends.split(",") if b.strip()]:
        if backend == "sqlite":
            with tempfile.TemporaryDirectory() as tmp:
                bench("sqlite", f"sqlite:///{Path(tmp) / 'bench.db'}", args.rows, args.overdue_share, args.scans)
        elif backend == "postgresql":
            url = fresh_pg(args.pg_url, DB)
            try:
                bench("postgresql", url, args.rows, args.overdue_share, args.scans)
            finally:
                admin = create_engine(args.pg_url, isolation_level="AUTOCOMMIT")
                with admin.connect() as conn:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)'))
                admin.dispose()
        else:
            parser.error(f"unknown backend {backend!r}")


if __name__ == "__main__":
    main()

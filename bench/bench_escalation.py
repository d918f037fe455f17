"""Benchmark: the escalation scan over 1,000,000 open tasks on SQLite and PostgreSQL.

Builds a fresh database per backend, bulk-inserts N open tasks over the five
default nodes (contract_approval switched to working hours, so the Python
refinement path runs too) and 200 users, then times three scans:

1. first run at AS_OF: fires every due rung (log, outbox, to-dos, audit);
2. second run at the same AS_OF: nothing new to fire — must be much faster;
3. third run one hour later: only the tasks that crossed a level boundary.

Most tasks are fresh (created in the last 90 minutes, before any rung);
``--overdue-share`` of them are spread over the previous 10 days.  Prints
seconds, rungs fired, tasks read into Python and peak RSS for each run.

    .venv/bin/python bench/bench_escalation.py [--tasks 1000000] [--backends sqlite,postgresql]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import psutil
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from salesnb.db import make_engine, session_scope, upgrade
from salesnb.models import User
from salesnb.sla import default_policies, escalate, save_policy
from salesnb.timeutil import local_tz

AS_OF = datetime(2026, 11, 18, 10, 0, tzinfo=local_tz())  # a Wednesday
NODES = ("lead_first_response", "invoice_confirm", "contract_approval", "claim_review", "shipment_booking")
REGIONS = ("east", "south", "north", "west")
ROLES = (("sales_director", 1), ("sales_manager", 4), ("sales", 30), ("finance_manager", 1), ("finance", 5),
         ("warehouse", 5), ("ops", 2))


class PeakRss:
    """Sample this process's resident memory every 20 ms while running."""

    def __init__(self) -> None:
        self.proc = psutil.Process()
        self.peak = 0
        self._stop = threading.Event()

    def __enter__(self) -> PeakRss:
        self.start = self.proc.memory_info().rss
        self.peak = self.start
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, self.proc.memory_info().rss)

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.proc.memory_info().rss)


def people() -> list[dict]:
    out = []
    for region in REGIONS:
        director = f"{region}-sales_director-0"
        for role, n in ROLES:
            for i in range(n):
                uid = f"{region}-{role}-{i}"
                manager = director if role == "sales_manager" else (
                    f"{region}-sales_manager-{i % 4}" if role == "sales" else None)
                out.append(dict(user_id=uid, name=uid, role=role, manager_id=manager, region=region))
    return out


def task_rows(n: int, overdue_share: float, seed: int = 7):
    """(task_id, node, entity_type, entity_id, owner_id, created_at UTC naive, kind) tuples."""
    rng = random.Random(seed)
    owners = [f"{r}-sales-{i}" for r in REGIONS for i in range(30)]
    as_of_utc = AS_OF.astimezone(timezone.utc).replace(tzinfo=None)
    for i in range(n):
        if rng.random() < overdue_share:
            age = timedelta(seconds=rng.uniform(0, 10 * 86400))
        else:
            age = timedelta(seconds=rng.uniform(0, 90 * 60))
        node = NODES[i % len(NODES)]
        yield (f"T{i:07d}", node, node.split("_")[0], f"E{i:07d}", owners[i % len(owners)], as_of_utc - age, "workflow")


def fill(url: str, n: int, overdue_share: float) -> None:
    engine = make_engine(url)
    upgrade(engine)
    with session_scope(engine) as s:
        s.add_all(User(**p) for p in people())
        contract = default_policies()["contract_approval"].to_dict()
        contract["calendar"] = {"mode": "working_hours"}
        save_policy(s, contract, actor="system")
    engine.dispose()
    columns = "task_id, node, entity_type, entity_id, owner_id, created_at, kind"
    if url.startswith("sqlite"):
        import sqlite3

        conn = sqlite3.connect(make_url(url).database)
        rows = ((*r[:5], r[5].strftime("%Y-%m-%d %H:%M:%S.%f"), r[6]) for r in task_rows(n, overdue_share))
        conn.executemany(f"INSERT INTO tasks ({columns}) VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
        conn.commit()
        conn.execute("ANALYZE")
        conn.close()
    else:
        import psycopg

        plain = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        with psycopg.connect(plain) as conn:
            with conn.cursor() as cur, cur.copy(f"COPY tasks ({columns}) FROM STDIN") as copy:
                for r in task_rows(n, overdue_share):
                    copy.write_row((*r[:5], r[5].replace(tzinfo=timezone.utc), r[6]))
            conn.execute("ANALYZE")


def fresh_pg(admin_url: str, name: str) -> str:
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def run(engine, label: str, as_of: datetime) -> float:
    with PeakRss() as rss:
        report = escalate(engine, as_of)
    print(f"  {label:<34} {report.seconds:8.2f} s  fired {report.fired:>7}  todos {report.todos:>6}  "
          f"read {report.candidates:>7}  peak RSS {rss.peak / 2**20:7.1f} MiB (+{(rss.peak - rss.start) / 2**20:.1f})")
    sys.stdout.flush()
    return report.seconds


def bench(backend: str, url: str, n: int, overdue_share: float) -> None:
    print(f"{backend}: {n:,} open tasks ({overdue_share:.0%} spread over 10 days, the rest < 90 min old)")
    started = time.perf_counter()
    fill(url, n, overdue_share)
    print(f"  bulk insert                        {time.perf_counter() - started:8.2f} s")
    engine = make_engine(url)
    try:
        first = run(engine, "first scan (fires everything due)", AS_OF)
        second = run(engine, "second scan (nothing new)", AS_OF)
        run(engine, "third scan (+1 h)", AS_OF + timedelta(hours=1))
        print(f"  second scan is {first / max(second, 1e-9):.0f}x faster than the first")
    finally:
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=1_000_000)
    parser.add_argument("--overdue-share", type=float, default=0.03)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--pg-url", default=os.environ.get("SALESNB_BENCH_PG_URL",
                                                           "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"))
    args = parser.parse_args()
    for backend in [b.strip() for b in args.backends.split(",") if b.strip()]:
        if backend == "sqlite":
            with tempfile.TemporaryDirectory() as tmp:
                bench("sqlite", f"sqlite:///{Path(tmp) / 'bench.db'}", args.tasks, args.overdue_share)
        elif backend == "postgresql":
            url = fresh_pg(args.pg_url, "salesnb_bench_escalation")
            try:
                bench("postgresql", url, args.tasks, args.overdue_share)
            finally:
                admin = create_engine(args.pg_url, isolation_level="AUTOCOMMIT")
                with admin.connect() as conn:
                    conn.execute(text('DROP DATABASE IF EXISTS "salesnb_bench_escalation" WITH (FORCE)'))
                admin.dispose()
        else:
            parser.error(f"unknown backend {backend!r}")


if __name__ == "__main__":
    main()

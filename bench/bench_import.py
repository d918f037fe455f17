"""Benchmark: import the demo data set into SQLite and PostgreSQL; rows/s per table and peak memory.

Generates the canonical demo files with :func:`salesnb.demo.generate` (or
reuses ``--data DIR``), then imports the folder with
:func:`salesnb.io.import_paths` into a fresh database per backend, each in its
own child process so that its peak resident memory (RSS) is the import's
alone.  Prints, per backend: rows and rows/s per table, overall rows/s (wall
clock) and the CPU seconds of the importing process, the RSS before the
import and at its peak.  ``--rerun`` imports the same files a second time
(every row unchanged, nothing written).

Memory does not grow with the file size: files are read in chunks of
``--chunk-rows`` rows and staged in temporary tables.  Compare the peak RSS of
two sizes (e.g. ``--orders 100000`` and ``--orders 1000000``) to see it.

    .venv/bin/python bench/bench_import.py [--orders 1000000] [--seed 7] [--data DIR]
        [--backends sqlite,postgresql] [--pg-url URL] [--chunk-rows 20000] [--rerun]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from salesnb.io.readers import CHUNK_ROWS

PG_URL = os.environ.get("SALESNB_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
PG_DATABASE = "salesnb_bench_import"


def generate(folder: Path, orders: int, seed: int) -> None:
    from salesnb.demo import generate as demo_generate

    started = time.perf_counter()
    files = demo_generate(folder, orders=orders, seed=seed, as_of="2026-11-27 09:00")
    rows = sum(n for name, n in files.rows.items() if name != "bank_truth")
    print(f"generated {orders:,} orders: {rows:,} rows in {time.perf_counter() - started:.1f} s -> {folder}")


def fresh_database(backend: str, workdir: Path, pg_url: str) -> str:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from salesnb.db import make_engine, upgrade

    if backend == "sqlite":
        path = workdir / "bench_import.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        url = f"sqlite:///{path}"
    else:
        admin = create_engine(pg_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{PG_DATABASE}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{PG_DATABASE}"'))
        admin.dispose()
        url = make_url(pg_url).set(database=PG_DATABASE).render_as_string(hide_password=False)
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    return url


class PeakRss:
    """Samples this process's RSS every 50 ms (ru_maxrss would include everything before the import)."""

    def __init__(self):
        import psutil

        self.process = psutil.Process()
        self.peak = self.process.memory_info().rss
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.05):
            self.peak = max(self.peak, self.process.memory_info().rss)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.process.memory_info().rss)


def child(url: str, data: str, chunk_rows: int, rerun: bool) -> None:
    """Run one import (and optionally the rerun) and print the figures as JSON."""
    import psutil

    from salesnb.db import make_engine
    from salesnb.io import import_paths

    engine = make_engine(url)
    out = {"rss_before": psutil.Process().memory_info().rss}
    for label in ("import", "rerun") if rerun else ("import",):
        cpu = time.process_time()
        with PeakRss() as rss:
            started = time.perf_counter()
            report = import_paths(engine, [data], actor="system", chunk_rows=chunk_rows)
            wall = time.perf_counter() - started
        out[label] = {
            "wall": wall, "cpu": time.process_time() - cpu, "rss_peak": rss.peak, "rows": report.rows,
            "inserted": report.total("inserted"), "unchanged": report.total("unchanged"),
            "tables": {t: [r.rows, r.seconds] for t, r in report.by_table().items()},
        }
    out["maxrss"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps(out))


def mib(n: float) -> str:
    return f"{n / 2**20:,.0f} MiB"


def show(backend: str, figures: dict) -> None:
    for label in ("import", "rerun"):
        run = figures.get(label)
        if not run:
            continue
        print(f"\n{backend} — {label}: {run['rows']:,} rows in {run['wall']:.1f} s = {run['rows'] / run['wall']:,.0f} rows/s "
              f"(importer CPU {run['cpu']:.1f} s = {run['rows'] / max(run['cpu'], 1e-9):,.0f} rows per CPU-second; "
              f"inserted {run['inserted']:,}, unchanged {run['unchanged']:,})")
        print(f"  RSS before {mib(figures['rss_before'])}, peak during {label} {mib(run['rss_peak'])}")
        if label == "import":
            print(f"  {'table':<18}{'rows':>12}{'seconds':>10}{'rows/s':>12}")
            for table, (rows, seconds) in run["tables"].items():
                print(f"  {table:<18}{rows:>12,}{seconds:>10.2f}{rows / max(seconds, 1e-9):>12,.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--data", type=Path, help="folder of canonical files (generated there if empty)")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--pg-url", default=PG_URL)
    parser.add_argument("--chunk-rows", type=int, default=CHUNK_ROWS)
    parser.add_argument("--rerun", action="store_true", help="import the same files again (a no-op)")
    parser.add_argument("--child", nargs=2, metavar=("URL", "DATA"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], args.child[1], args.chunk_rows, args.rerun)
        return

    with tempfile.TemporaryDirectory(prefix="salesnb-bench-import-") as tmp:
        workdir = Path(tmp)
        data = args.data or workdir / "data"
        if not data.exists() or not any(data.glob("*.csv")):
            generate(data, args.orders, args.seed)
        size = sum(p.stat().st_size for p in data.glob("*.csv"))
        print(f"data: {data} ({size / 2**20:,.0f} MiB of CSV), chunks of {args.chunk_rows:,} rows")
        for backend in [b.strip() for b in args.backends.split(",") if b.strip()]:
            url = fresh_database(backend, workdir, args.pg_url)
            command = [sys.executable, __file__, "--child", url, str(data), "--chunk-rows", str(args.chunk_rows)]
            if args.rerun:
                command.append("--rerun")
            result = subprocess.run(command, capture_output=True, text=True)
            if result.returncode != 0:
                print(f"{backend}: import failed\n{result.stderr[-4000:]}")
                continue
            show(backend, json.loads(result.stdout.strip().splitlines()[-1]))


if __name__ == "__main__":
    main()

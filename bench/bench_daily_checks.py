"""Benchmark: the ``daily_checks`` template end to end (``salesnb run``) on the demo data (default 1,000,000 orders).

Prints the wall-clock seconds of the whole run, the seconds of every cell
(read back from the executed notebook), how much is kernel start-up and
papermill overhead (measured on a trivial 3-cell notebook, and as the run's
time outside its cells), and the peak memory: of the largest process (the
kernel) and of the whole process tree (runner + kernel), sampled every 0.2 s.

The demo data and its imported databases are shared with ``bench_checks.py``
(``--data``, default ``$TMPDIR/salesnb-bench``; generated and imported on
first use).  The run works on a private copy of that database, because the
daily run writes (grades, findings, escalations, notifications).

    .venv/bin/python bench/bench_daily_checks.py                    # 1M orders, SQLite
    .venv/bin/python bench/bench_daily_checks.py --orders 100000 --backend postgresql
    .venv/bin/python bench/bench_daily_checks.py --next-day       # then a day of changes and the next run

``--next-day``: after the first run, a day of business (about 1 % of the
leads, orders, invoices and to-dos new or changed, written through the
importer by ``day_of_changes.py``) and the next day's run, measured the same
way and printed beside the first.  On PostgreSQL the night between them is a
``VACUUM ANALYZE`` (what autovacuum, on by default, does in those 24 hours;
``--no-night`` leaves it out).  ``--keep-first`` keeps a copy of the store as
the first run left it; ``--from-first`` then measures the night, the day of
changes and the next day again from that copy, without a first run.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_checks  # noqa: E402 - shares the cached demo data and databases
from day_of_changes import apply_day_of_changes  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SALESNB = [sys.executable, "-c", "from salesnb.cli import main; main()"]


class TreeMemory:
    """Samples the RSS of a process and its descendants: the largest single process and the sum."""

    def __init__(self, pid: int, every: float = 0.2):
        self.pid, self.every = pid, every
        self.largest = self.total = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                root = psutil.Process(self.pid)
                procs = [root, *root.children(recursive=True)]
                sizes = []
                for proc in procs:
                    try:
                        sizes.append(proc.memory_info().rss)
                    except psutil.Error:
                        pass
                self.largest = max(self.largest, *sizes, 0)
                self.total = max(self.total, sum(sizes))
            except psutil.Error:
                pass
            self._stop.wait(self.every)


def daily_url(args, backend: str) -> str:
    """Where this benchmark's private copy of the shared database is."""
    if backend == "sqlite":
        return f"sqlite:///{Path(args.data) / f'daily-{args.orders}.db'}"
    from sqlalchemy.engine import make_url

    url = make_url(bench_checks.database_url(args, backend))
    return url.set(database=f"salesnb_bench_daily_{args.orders}").render_as_string(hide_password=False)


def private_copy(args, backend: str) -> str:
    """A copy of the shared benchmark database that this run may change."""
    return _copy_store(bench_checks.database_url(args, backend), daily_url(args, backend))


def trivial_notebook(folder: Path) -> Path:
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    nb = new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    first = new_code_cell("x = 1")
    first.metadata["tags"] = ["parameters"]
    nb.cells = [first, new_code_cell("y = x + 1"), new_code_cell("print(y)")]
    path = folder / "trivial.ipynb"
    nbformat.write(nb, path)
    return path


def trivial_runs(folder: Path, times: int) -> list[float]:
    """Seconds of papermill runs of a 3-cell notebook: kernel start-up, execution, shutdown."""
    import papermill as pm

    path = trivial_notebook(folder)
    seconds = []
    for _ in range(times):
        started = time.perf_counter()
        pm.execute_notebook(str(path), str(folder / "trivial.out.ipynb"), kernel_name="python3",
                            progress_bar=False, parameters={"x": 2})
        seconds.append(time.perf_counter() - started)
    return seconds


def run_daily(url: str, as_of: str, home: Path, steps: str | None, notify_limit: int | None
              ) -> tuple[float, TreeMemory, dict]:
    env = {**os.environ, "SALESNB_DB_URL": url, "SALESNB_HOME": str(home), "SALESNB_LANG": "en"}  # parsed below
    env.pop("SALESNB_CONFIG", None)
    cmd = [*SALESNB, "run", "daily_checks", "-p", "as_of", as_of]
    if notify_limit is not None:
        cmd += ["-p", "notify_limit", str(notify_limit)]
    if steps:
        cmd += ["-p", "steps", steps]
    started = time.perf_counter()
    process = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               cwd=home)
    with TreeMemory(process.pid) as memory:
        output, _ = process.communicate()
    seconds = time.perf_counter() - started
    if process.returncode != 0:
        raise SystemExit(f"salesnb run failed ({process.returncode}):\n{output}")
    notebook = next(line.split("notebook:", 1)[1].strip() for line in output.splitlines() if "notebook:" in line)
    return seconds, memory, {"notebook": notebook, "output": output}


def cell_times(notebook: str) -> list[tuple[str, float]]:
    import nbformat

    nb = nbformat.read(notebook, as_version=4)
    rows = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        first = next((line for line in cell.source.splitlines() if line.strip() and not line.startswith("#")),
                     cell.source.splitlines()[0] if cell.source else "")
        rows.append((first[:60], float(cell.metadata.get("papermill", {}).get("duration") or 0.0)))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--data", default=str(Path(tempfile.gettempdir()) / "salesnb-bench"))
    parser.add_argument("--as-of", default=bench_checks.AS_OF)
    parser.add_argument("--steps", default=None, help="daily steps (default: the template's)")
    parser.add_argument("--notify-limit", type=int, default=2000,
                        help="notifications delivered by the run (the first run on demo data finds a backlog of "
                             "hundreds of thousands; 0 or less: all)")
    parser.add_argument("--trivial-runs", type=int, default=3)
    parser.add_argument("--next-day", action="store_true", help="then a day of changes and the next day's run")
    parser.add_argument("--fraction", type=float, default=0.01, help="share of rows a day changes (--next-day)")
    parser.add_argument("--no-night", action="store_true",
                        help="PostgreSQL, --next-day: no VACUUM ANALYZE between the runs (see night())")
    parser.add_argument("--keep-first", action="store_true",
                        help="keep a copy of the store as the first run left it (…-first)")
    parser.add_argument("--from-first", action="store_true",
                        help="no first run: the next day again, on a copy of the store --keep-first kept")
    parser.add_argument("--pg-load", choices=["copy", "importer"], default="copy",
                        help="how the shared PostgreSQL store is loaded the first time (as in bench_checks.py)")
    args = parser.parse_args()
    args.data = str(Path(args.data).resolve())  # the run's kernel works in another folder

    bench_checks.ensure_files(args)
    bench_checks.ensure_loaded(args, args.backend)
    home = Path(args.data) / f"daily-{args.orders}-home"
    shutil.rmtree(home, ignore_errors=True)
    home.mkdir(parents=True)
    limit = args.notify_limit if args.notify_limit > 0 else None
    if args.from_first:
        url = copy_first(daily_url(args, args.backend))
        first = None
    else:
        url = private_copy(args, args.backend)
        trivial = trivial_runs(home, args.trivial_runs)
        seconds, memory, run = run_daily(url, args.as_of, home, args.steps, limit)
        print(f"\ndaily_checks template on {args.orders:,} orders ({args.backend}), as of {args.as_of}")
        first = report(seconds, memory, run)
        print(f"  trivial 3-cell papermill run: median {statistics.median(trivial):.2f} s "
              f"(runs: {', '.join(f'{s:.2f}' for s in trivial)}) = kernel start-up and shutdown")
        if args.keep_first:
            print(f"\nthe store as the first run left it: {keep_copy(url)}")
        if not args.next_day:
            return
    from salesnb.db import make_engine
    from salesnb.timeutil import parse_as_of

    day = parse_as_of(args.as_of) + timedelta(days=1)
    engine = make_engine(url)
    if args.backend == "postgresql" and not args.no_night:
        night(engine)
    started = time.perf_counter()
    written = apply_day_of_changes(engine, day - timedelta(hours=1), args.fraction)
    engine.dispose()
    print(f"\na day of changes ({args.fraction:.0%}): {written} written in {time.perf_counter() - started:.1f} s")
    seconds, memory, run = run_daily(url, day.strftime("%Y-%m-%d %H:%M:%S"), home, args.steps, limit)
    print(f"next day's run, as of {day:%Y-%m-%d %H:%M}")
    second = report(seconds, memory, run)
    if first is None:
        return
    print(f"\n{'':<28}{'first run':>12}{'next day':>12}")
    for key, unit in (("seconds", "s"), ("largest_mib", "MiB"), ("tree_mib", "MiB")):
        print(f"{key + ' (' + unit + ')':<28}{first[key]:>12,.1f}{second[key]:>12,.1f}")


def keep_copy(url: str) -> str:
    """A copy of the store at ``url`` beside it (``…-first``, ``…_first``); return its URL."""
    return _copy_store(url, first_of(url))


def copy_first(url: str) -> str:
    """Replace the store at ``url`` with the copy :func:`keep_copy` kept of it; return ``url``."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    first = make_url(first_of(url))
    if first.get_backend_name() == "sqlite":
        kept = Path(first.database).exists()
    else:
        admin = create_engine(first.set(database="postgres"))
        with admin.connect() as conn:
            kept = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :name"),
                                {"name": first.database}).first() is not None
        admin.dispose()
    if not kept:
        raise SystemExit(f"no kept first run at {first.database}: run with --keep-first once")
    return _copy_store(first_of(url), url)


def first_of(url: str) -> str:
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return f"sqlite:///{Path(parsed.database).with_name(Path(parsed.database).stem + '-first.db')}"
    return parsed.set(database=f"{parsed.database}_first").render_as_string(hide_password=False)


def _copy_store(source: str, target: str) -> str:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    src, dst = make_url(source), make_url(target)
    started = time.perf_counter()
    if src.get_backend_name() == "sqlite":
        import sqlite3

        for suffix in ("", "-wal", "-shm"):
            Path(f"{dst.database}{suffix}").unlink(missing_ok=True)
        # a consistent copy even while another benchmark uses the shared file
        with sqlite3.connect(f"file:{src.database}?mode=ro", uri=True) as a, sqlite3.connect(dst.database) as b:
            a.backup(b)
    else:
        admin = create_engine(src.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{dst.database}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{dst.database}" TEMPLATE "{src.database}"'))
        admin.dispose()
    print(f"copied {src.database} to {dst.database} in {time.perf_counter() - started:.1f} s")
    return target


def night(engine) -> None:
    """The 24 hours between two daily runs, on PostgreSQL: ``VACUUM ANALYZE``, what autovacuum (on by default)
    does to tables a first run rewrote.  This machine's server runs with autovacuum off, so without it the next
    day would step over the dead index entries of every row the first run changed (``--no-night``)."""
    from sqlalchemy import text

    started = time.perf_counter()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        autovacuum = conn.execute(text("SHOW autovacuum")).scalar()
        conn.execute(text("VACUUM ANALYZE"))
    print(f"\nthe night: VACUUM ANALYZE in {time.perf_counter() - started:.1f} s "
          f"(the server's autovacuum: {autovacuum})")


def report(seconds: float, memory: TreeMemory, run: dict) -> dict:
    """Print one run's cells, overheads and memory; return its headline figures."""
    cells = cell_times(run["notebook"])
    in_cells = sum(s for _, s in cells)
    metrics = json.loads(next(line.split("metrics:", 1)[1] for line in run["output"].splitlines()
                              if "metrics:" in line))
    print(f"{'cell':<62}{'seconds':>9}")
    for source, took in cells:
        print(f"{source:<62}{took:>9.2f}")
    print(f"{'(in cells)':<62}{in_cells:>9.2f}")
    print(f"whole run (salesnb run, wall clock)        {seconds:8.1f} s")
    print(f"  outside the cells (CLI start, kernel start/stop, papermill, history row): {seconds - in_cells:.1f} s")
    print(f"peak RSS: largest process {memory.largest / 2**20:,.0f} MiB, whole tree {memory.total / 2**20:,.0f} MiB")
    print("key numbers: " + json.dumps(metrics, ensure_ascii=False))
    return {"seconds": seconds, "largest_mib": memory.largest / 2**20, "tree_mib": memory.total / 2**20}


if __name__ == "__main__":
    main()

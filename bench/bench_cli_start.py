"""Benchmark: what a command costs as a whole process (cron and the minute timers pay it every time).

Times, as separate processes run one after the other, ``salesnb --help`` and
``salesnb escalate`` on a migrated store with a few open tasks and nothing
due (one minute scan, as a crontab line would run it), and prints the median
wall seconds and the largest resident memory of each.  Aims: ``--help`` ≤ 0.3 s,
a scan with nothing due ≤ 0.5 s whole process.

    .venv/bin/python bench/bench_cli_start.py [--runs 7]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

from salesnb.db import make_engine, upgrade

SALESNB = [sys.executable, "-m", "salesnb"]


def measure(args: list[str], env: dict[str, str], runs: int) -> tuple[float, float]:
    """Median wall seconds and largest RSS (MiB, sampled every 5 ms) of ``salesnb ARGS`` run ``runs`` times."""
    seconds, peaks = [], []
    for _ in range(runs):
        started = time.perf_counter()
        proc = psutil.Popen([*SALESNB, *args], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        peak = 0
        while proc.poll() is None:
            try:
                peak = max(peak, proc.memory_info().rss)
            except psutil.NoSuchProcess:
                break
            time.sleep(0.005)
        seconds.append(time.perf_counter() - started)
        peaks.append(peak / 2**20)
        if proc.returncode != 0:
            raise SystemExit(f"salesnb {' '.join(args)} failed: {proc.stderr.read().decode()[-500:]}")
    return statistics.median(seconds), max(peaks)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="salesnb-bench-cli-"))
    url = f"sqlite:///{folder / 'salesnb.db'}"
    upgrade(make_engine(url))
    env = {**os.environ, "SALESNB_DB_URL": url, "SALESNB_HOME": str(folder), "SALESNB_LANG": "en"}
    print(f"{'command':40s} {'median s':>9s} {'peak MiB':>9s}")
    for command in (["--help"], ["escalate", "--as-of", "2026-03-11 09:00"]):
        wall, peak = measure(command, env, args.runs)
        print(f"{'salesnb ' + ' '.join(command):40s} {wall:9.3f} {peak:9.1f}")
    floor, floor_peak = measure(["--version"], env, args.runs)
    print(f"{'salesnb --version (the floor)':40s} {floor:9.3f} {floor_peak:9.1f}")


if __name__ == "__main__":
    main()

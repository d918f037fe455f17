"""Time demo data generation: `python bench/bench_demo_data.py [ORDERS] [OUT]` (default 1,000,000 orders).

Prints rows per table, total rows, seconds, rows/s and peak memory (RSS).  The
output folder is a temporary one, deleted afterwards, unless OUT is given.
"""

from __future__ import annotations

import resource
import shutil
import sys
import tempfile
from pathlib import Path

from salesnb.demo import generate


def main() -> None:
    orders = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    out = Path(sys.argv[2]) if len(sys.argv) > 2 else Path(tempfile.mkdtemp(prefix="salesnb-bench-demo-"))
    try:
        files = generate(out, orders=orders, seed=7, as_of="2026-03-02 10:00")
        size = sum(p.stat().st_size for p in files.values())
        for name, path in files.items():
            print(f"{path.name:<28} {files.rows[name]:>12,} rows")
        total = sum(files.rows.values())
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"demo-data {orders:,} orders: {total:,} rows, {size / 2**20:,.0f} MiB in {files.seconds:.1f} s "
              f"({total / files.seconds:,.0f} rows/s), peak RSS {peak_mb:,.0f} MiB")
    finally:
        if len(sys.argv) <= 2:
            shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()

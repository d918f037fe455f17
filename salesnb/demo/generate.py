"""``generate``: write a deterministic demo data set in the canonical format.

The reference tables (users, customers, lanes, production slots) are drawn
first; the deals are then generated and written in blocks of
:data:`BLOCK_ORDERS` orders, each from its own random stream, so memory stays
bounded and the output depends only on the seed, the size and ``as_of``.
"""

from __future__ import annotations

import time
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from ..errors import SalesnbError
from ..schema import table_specs
from ..timeutil import now, parse_timestamp, to_local
from . import messages  # noqa: F401 - the keys of the errors below
from .activity import interactions, tasks
from .bank import bank_lines
from .deals import LEAD, World, make_deals
from .names import person_names
from .org import build_customers, build_holidays, build_lanes, build_org, build_slots
from .tables import funnel_tables
from .timeline import DAY, HOUR, NA, business_hours
from .vocab import ENGINEER_COUNT, PRODUCT_LINES
from .writer import TableWriter

BLOCK_ORDERS = 50_000
XLSX_MAX_ORDERS = 100_000
FORMATS = ("csv", "xlsx")


class DemoFiles(dict):
    """``table name → Path`` of the files written (``bank_truth`` included), with row counts and ``as_of``."""

    def __init__(self, paths: dict[str, Path], rows: dict[str, int], as_of: datetime, seconds: float):
        super().__init__(paths)
        self.rows = rows
        self.as_of = as_of
        self.seconds = seconds


def resolve_as_of(as_of: datetime | str | None) -> datetime:
    """The demo's "now": given (aware, local zone, whole seconds) or the current hour."""
    if as_of is None:
        return now().replace(minute=0, second=0, microsecond=0)
    value = parse_timestamp(as_of) if isinstance(as_of, str) else to_local(as_of)
    return value.replace(microsecond=0)


def _wall_seconds(moment: datetime) -> int:
    """Local wall-clock seconds since 1970-01-01 (the generator's time scale)."""
    return int((moment.replace(tzinfo=None) - datetime(1970, 1, 1)).total_seconds())


def generate(out_dir: str | Path, orders: int = 200, seed: int = 7, fmt: str = "csv",
             as_of: datetime | str | None = None) -> DemoFiles:
    """Write a realistic, deterministic demo data set, one file per canonical table.

    Parameters
    ----------
    out_dir : folder to write into (created if missing; existing files of the same names are replaced).
    orders : number of ERP orders; every other table is sized from it.
    seed : random seed; the same seed, size and ``as_of`` give byte-identical files.
    fmt : ``"csv"`` (UTF-8) or ``"xlsx"`` (up to 100,000 orders).
    as_of : the moment the data set describes (default: now, truncated to the hour).
        Activity spans about the 12 weeks before it; older receivables reach further back.

    Returns
    -------
    DemoFiles
        ``table → Path`` for the 15 canonical tables plus ``bank_truth`` (which
        invoice(s) each bank line really pays: txn_id, invoice_id, amount, fee).
    """
    if fmt not in FORMATS:
        raise SalesnbError("demo.format", format=repr(fmt), formats=", ".join(FORMATS))
    if orders < 1:
        raise SalesnbError("demo.orders")
    if fmt == "xlsx" and orders > XLSX_MAX_ORDERS:
        raise SalesnbError("demo.xlsx_orders", limit=XLSX_MAX_ORDERS)
    started = time.perf_counter()
    moment = resolve_as_of(as_of)
    T = _wall_seconds(moment)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)

    rng = np.random.default_rng([seed, 0])
    width = max(7, len(str(12 * orders)))
    org = build_org(rng, orders)
    customers = build_customers(rng, max(40, orders // 5), org, T, width)
    engineers = np.array(person_names(rng, len(PRODUCT_LINES) * ENGINEER_COUNT, unique=True), dtype=object)
    world = World(T, org, customers, build_slots(rng, T), build_lanes(rng),
                  engineers.reshape(len(PRODUCT_LINES), ENGINEER_COUNT), id_width=width)

    names = [*table_specs(), "bank_truth"]
    writers = {name: TableWriter(out / f"{name}.{fmt}", name, fmt) for name in names}
    writers["users"].write(org.table)
    writers["lanes"].write(world.lanes)
    writers["production_slots"].write(world.slots.table())
    writers["holidays"].write(build_holidays())

    first_activity = np.full(len(customers.ids), np.iinfo(np.int64).max, dtype=np.int64)
    blocks = -(-orders // BLOCK_ORDERS)
    for b in range(blocks):
        block_rng = np.random.default_rng([seed, 1 + b])
        deals = make_deals(block_rng, world, orders * (b + 1) // blocks - orders * b // blocks)
        frames, keys = funnel_tables(block_rng, world, deals)
        frames["bank_transactions"], frames["bank_truth"] = bank_lines(block_rng, world, deals, keys)
        frames["tasks"] = tasks(block_rng, world, deals, keys)
        frames["interactions"] = interactions(block_rng, world, deals, keys.technical)
        for name, cols in frames.items():
            writers[name].write(cols)
        np.minimum.at(first_activity, deals.customer, deals.t[LEAD])

    # A customer exists before its first lead.
    active = first_activity != np.iinfo(np.int64).max
    before = first_activity - (HOUR + rng.random(len(first_activity)) * 30 * DAY).astype(np.int64)
    customers.created_at = business_hours(
        rng, np.where(active, np.minimum(customers.created_at, before), customers.created_at))
    assert not (customers.created_at == NA).any()
    writers["customers"].write(customers.table(org.ids))

    stamp = moment.astimezone(timezone.utc)
    for w in writers.values():
        w.close(stamp)
    return DemoFiles({n: w.path for n, w in writers.items()}, {n: w.rows for n, w in writers.items()},
                     moment, time.perf_counter() - started)

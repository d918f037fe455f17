"""``build_demo_db``: generate a small demo data set and load it into a database."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import pandas as pd
from sqlalchemy import Engine

from ..io import import_paths
from ..schema import table_specs
from .generate import generate


@dataclass
class DemoBuild:
    """What ``build_demo_db`` loaded: the data set's ``as_of``, rows per table and the bank truth."""

    as_of: datetime
    rows: dict[str, int]
    bank_truth: pd.DataFrame  # txn_id, invoice_id, amount, fee (Decimal)


def build_demo_db(engine: Engine, orders: int = 200, seed: int = 7,
                  as_of: datetime | str | None = None) -> DemoBuild:
    """Generate ``orders`` orders of demo data and import them into ``engine``'s database.

    The files go through the real importer (:func:`salesnb.io.import_paths`),
    in one transaction.  The schema must exist (``salesnb.upgrade``).
    """
    with tempfile.TemporaryDirectory(prefix="salesnb-demo-") as tmp:
        files = generate(tmp, orders=orders, seed=seed, as_of=as_of)
        tables = [name for name in table_specs() if name in files]
        import_paths(engine, [files[name] for name in tables], actor="system")
        truth = pd.read_csv(files["bank_truth"], dtype=str, keep_default_na=False)
    for col in ("amount", "fee"):
        truth[col] = truth[col].map(Decimal)
    return DemoBuild(files.as_of, {name: files.rows[name] for name in tables}, truth)

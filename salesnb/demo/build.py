"""``build_demo_db``: generate a small demo data set and load it into a database."""

from __future__ import annotations

import csv
import tempfile
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pandas as pd
from sqlalchemy import Engine

from ..schema import table_specs
from .generate import generate

_BOOLS = {"是": True, "否": False}


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
        _import([files[name] for name in tables], engine)
        truth = pd.read_csv(files["bank_truth"], dtype=str, keep_default_na=False)
    for col in ("amount", "fee"):
        truth[col] = truth[col].map(Decimal)
    return DemoBuild(files.as_of, {name: files.rows[name] for name in tables}, truth)


def _import(paths: list[Path], engine: Engine) -> None:
    try:
        from ..io import import_paths
    except ImportError:
        _insert_rows(paths, engine)
    else:
        import_paths(engine, paths, actor="demo")


def _insert_rows(paths: list[Path], engine: Engine) -> None:
    """Fallback while the importer is not available: typed Core inserts, one transaction."""
    specs = table_specs()
    with engine.begin() as conn:
        for path in paths:
            spec = specs[path.stem]
            kinds = {c.name: c.kind for c in spec.columns}
            with open(path, encoding="utf-8", newline="") as f:
                rows = [{k: _value(kinds[k], v) for k, v in row.items()} for row in csv.DictReader(f)]
            if rows:
                conn.execute(spec.model.__table__.insert(), rows)


def _value(kind: str, text: str):
    if text == "":
        return None
    if kind == "datetime":
        return datetime.fromisoformat(text)
    if kind == "decimal":
        return Decimal(text)
    if kind == "bool":
        return _BOOLS[text]
    if kind == "int":
        return int(text)
    if kind == "float":
        return float(text)
    if kind == "date":
        return date.fromisoformat(text)
    return text

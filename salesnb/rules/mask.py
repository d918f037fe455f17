"""Compile a rule to a pandas boolean mask on a frame (same NULL semantics as the predicate).

Datetime columns may be tz-aware (any zone), naive (meaning local time) or
text; they are compared as exact integer microseconds since 1970 UTC.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd

from ..timeutil import local_tz, parse_timestamp
from .fields import FieldSet, field_set
from .nodes import All, AnyOf, AsOf, AtLeast, Compare, Exists, FieldRef, Literal, Node, Not, Offset, Test, epoch_us
from .parse import coerce_value, parse_rule
from .predicate import OPS, missing

Frames = Mapping[str, pd.DataFrame]


def to_mask(rule: Any, frame: pd.DataFrame, table: Any, as_of: datetime | None = None,
            related: Frames | None = None) -> pd.Series:
    """Boolean Series (index of ``frame``): which rows satisfy ``rule``.

    ``related`` maps table names to frames, for ``exists`` / ``not_exists``.
    """
    fs = field_set(table)
    node = rule if not isinstance(rule, (dict, list)) else parse_rule(rule, fs)
    as_of_us = None if as_of is None else epoch_us(coerce_value(as_of, "datetime"))
    values = _Masker(frame, fs, as_of_us, related or {}).mask(node)
    return pd.Series(values, index=frame.index, dtype=bool)


def _time_us(series: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(microseconds since 1970 UTC as int64, valid mask) of a datetime-ish column."""
    if isinstance(series.dtype, pd.DatetimeTZDtype):
        ts = series.dt.tz_convert("UTC")
    elif pd.api.types.is_datetime64_dtype(series.dtype):
        ts = series.dt.tz_localize(local_tz()).dt.tz_convert("UTC")
    else:
        ts = pd.to_datetime(series.map(lambda v: None if missing(v) else parse_timestamp(v)), utc=True)
    valid = ts.notna().to_numpy()
    raw = ts.dt.as_unit("us").dt.tz_localize(None).to_numpy(dtype="datetime64[us]")
    return raw.view("int64"), valid


def _date_days(series: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    ts = pd.to_datetime(series.map(lambda v: None if missing(v) else coerce_value(v, "date")))
    valid = ts.notna().to_numpy()
    return ts.dt.as_unit("s").to_numpy(dtype="datetime64[s]").view("int64") // 86_400, valid


class _Masker:
    def __init__(self, frame: pd.DataFrame, fs: FieldSet, as_of_us: int | None, related: Frames):
        self.frame, self.fs, self.as_of_us, self.related = frame, fs, as_of_us, related
        self.n = len(frame)
        self._cache: dict[str, tuple[Any, np.ndarray]] = {}

    def mask(self, node: Node) -> np.ndarray:
        if isinstance(node, All):
            out = np.ones(self.n, dtype=bool)
            for item in node.items:
                out &= self.mask(item)
            return out
        if isinstance(node, AnyOf):
            out = np.zeros(self.n, dtype=bool)
            for item in node.items:
                out |= self.mask(item)
            return out
        if isinstance(node, Not):
            return ~self.mask(node.item)
        if isinstance(node, AtLeast):
            counts = np.zeros(self.n, dtype=np.int64)
            for item in node.items:
                counts += self.mask(item)
            return counts >= node.k
        if isinstance(node, Test):
            return self._test(node)
        if isinstance(node, Compare):
            return self._compare(node)
        if isinstance(node, Exists):
            return self._exists(node)
        raise TypeError(f"not a rule node: {node!r}")

    # ------------------------------------------------------------ columns
    def column(self, name: str) -> pd.Series:
        if name not in self.frame.columns:
            raise KeyError(f"the frame has no column {name!r} (the rule uses it)")
        return self.frame[name]

    def values(self, name: str) -> tuple[Any, np.ndarray]:
        """Comparable values and validity of a field: int64 µs for datetimes, days for dates."""
        if name not in self._cache:
            kind, series = self.fs.get(name).kind, self.column(name)
            if kind == "datetime":
                self._cache[name] = _time_us(series)
            elif kind == "date":
                self._cache[name] = _date_days(series)
            else:
                valid = series.notna().to_numpy(dtype=bool)
                data = series.to_numpy(dtype=object).copy()
                if kind == "decimal":
                    data[valid] = [coerce_value(v, "decimal") for v in data[valid]]
                self._cache[name] = (data, valid)
        return self._cache[name]

    def _literal(self, value: Any, kind: str) -> Any:
        if kind == "date":
            return (value - datetime(1970, 1, 1).date()).days
        return value

    def _offset(self, offset: Offset | None) -> tuple[np.ndarray, np.ndarray]:
        total = np.full(self.n, 0 if offset is None else offset.micros, dtype=np.int64)
        valid = np.ones(self.n, dtype=bool)
        for name, unit in (offset.terms if offset else ()):
            data, ok = self.values(name)
            amounts = np.zeros(self.n, dtype=np.int64)
            amounts[ok] = np.asarray(data[ok], dtype=np.int64)
            total += amounts * unit
            valid &= ok
        return total, valid

    # ------------------------------------------------------------ leaves
    def _compare(self, node: Compare) -> np.ndarray:
        left, valid = self.values(node.field)
        operand, kind, out = node.operand, node.kind, np.zeros(self.n, dtype=bool)
        if node.op in ("in", "not_in"):
            members = {self._literal(v, kind) for v in operand.value}
            hit = np.fromiter((v in members for v in left[valid]), dtype=bool, count=int(valid.sum()))
            out[valid] = hit if node.op == "in" else ~hit
            return out
        if isinstance(operand, Literal):
            right = self._literal(operand.value if kind != "datetime" else epoch_us(operand.value), kind)
        elif isinstance(operand, AsOf):
            if self.as_of_us is None:
                raise ValueError("this rule compares with as_of: pass as_of")
            shift, ok = self._offset(operand.offset)
            right, valid = self.as_of_us + shift, valid & ok
        else:
            right, ok = self.values(operand.name)
            valid = valid & ok
            if isinstance(operand, FieldRef) and operand.offset is not None:
                shift, ok = self._offset(operand.offset)
                right, valid = right + shift, valid & ok
        if isinstance(right, np.ndarray):
            right = right[valid]
        sub = left[valid]
        if node.op == "contains":
            pairs = zip(sub, right if isinstance(right, np.ndarray) else [right] * len(sub))
            out[valid] = [b in a for a, b in pairs]
        elif node.op == "starts_with":
            pairs = zip(sub, right if isinstance(right, np.ndarray) else [right] * len(sub))
            out[valid] = [a.startswith(b) for a, b in pairs]
        else:
            out[valid] = np.asarray(OPS[node.op](sub, right), dtype=bool)
        return out

    def _test(self, node: Test) -> np.ndarray:
        series = self.column(node.field)
        if node.op in ("is_null", "not_null"):
            present = series.notna().to_numpy(dtype=bool)
            return present if node.op == "not_null" else ~present
        empty = series.map(lambda v: missing(v) or (isinstance(v, str) and v.strip(" ") == "")).to_numpy(dtype=bool)
        return empty if node.op == "is_empty" else ~empty

    def _exists(self, node: Exists) -> np.ndarray:
        if node.table not in self.related:
            raise ValueError(f"this rule looks at related {node.table} rows: pass related={{'{node.table}': frame}}")
        rel_frame, rel_fs = self.related[node.table], field_set(node.table)
        inner = _Masker(rel_frame, rel_fs, self.as_of_us, self.related)
        keep = inner.mask(node.where) if node.where is not None else np.ones(len(rel_frame), dtype=bool)
        rel_keys, outer_keys, outer_valid = [], [], np.ones(self.n, dtype=bool)
        for rel_name, outer_name in node.on:
            data, ok = inner.values(rel_name)
            keep = keep & ok
            rel_keys.append(data)
            data, ok = self.values(outer_name)
            outer_valid &= ok
            outer_keys.append(data)
        found = np.zeros(self.n, dtype=bool)
        if node.within is None:
            present = set(zip(*(k[keep] for k in rel_keys)))
            found[outer_valid] = [key in present for key in zip(*(k[outer_valid] for k in outer_keys))]
        else:  # a key is found when its earliest related time is at most the record's limit
            at, ok = inner.values(node.within.field)
            keep = keep & ok
            earliest: dict[tuple, int] = {}
            for key, value in zip(zip(*(k[keep] for k in rel_keys)), at[keep]):
                if key not in earliest or value < earliest[key]:
                    earliest[key] = value
            start, ok = self.values(node.within.outer)
            shift, ok2 = self._offset(node.within.offset)
            outer_valid = outer_valid & ok & ok2
            limits = start[outer_valid] + shift[outer_valid]
            found[outer_valid] = [key in earliest and earliest[key] <= limit
                                  for key, limit in zip(zip(*(k[outer_valid] for k in outer_keys)), limits)]
        return ~found if node.negate else found

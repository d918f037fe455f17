"""Import/export specs of the canonical tables, read off the models' column metadata.

One source of truth: :mod:`salesnb.models` declares each canonical column with
its Chinese header, aliases, enum values, reference and whether it is
required; this module turns that into :class:`TableSpec` objects that the
importer, the exporter, the rule validator and the widgets share.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import cache

from sqlalchemy import Boolean, Date, Float, Integer, Numeric, inspect

from .models import CANONICAL_MODELS, Base
from .types import Money, UTCDateTime

# Kinds of value a column holds; the importer and the rule language speak these.
KINDS = ("str", "int", "float", "decimal", "bool", "datetime", "date")


@dataclass(frozen=True)
class ColumnSpec:
    name: str
    kind: str
    zh: str
    aliases: tuple[str, ...] = ()
    required: bool = False
    nullable: bool = True
    primary_key: bool = False
    enum: tuple[str, ...] | None = None
    ref: str | None = None  # "table.column"
    default: object = None

    def label(self, language: str = "zh-CN") -> str:
        return self.zh if language == "zh-CN" else self.name


@dataclass(frozen=True)
class TableSpec:
    name: str
    model: type[Base]
    columns: tuple[ColumnSpec, ...]
    primary_key: tuple[str, ...]
    internal: tuple[str, ...] = field(default=())

    def column(self, name: str) -> ColumnSpec:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(f"{self.name} has no column {name!r}")

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def references(self) -> dict[str, str]:
        return {c.name: c.ref for c in self.columns if c.ref}


def _kind(coltype) -> str:
    if isinstance(coltype, UTCDateTime):
        return "datetime"
    if isinstance(coltype, Money):
        return "decimal"
    if isinstance(coltype, Boolean):
        return "bool"
    if isinstance(coltype, Integer):
        return "int"
    if isinstance(coltype, Float):
        return "float"
    if isinstance(coltype, Numeric):
        return "decimal"
    if isinstance(coltype, Date):
        return "date"
    return "str"


def _spec(model: type[Base]) -> TableSpec:
    mapper = inspect(model)
    cols: list[ColumnSpec] = []
    internal: list[str] = []
    for column in mapper.columns:
        info = column.info
        if info.get("internal") or "zh" not in info:
            internal.append(column.name)
            continue
        default = column.default.arg if column.default is not None and not callable(column.default.arg) else None
        cols.append(
            ColumnSpec(
                name=column.name,
                kind=_kind(column.type),
                zh=info["zh"],
                aliases=tuple(info.get("aliases", ())),
                required=bool(info.get("required")) or column.primary_key,
                nullable=bool(column.nullable) and not column.primary_key,
                primary_key=column.primary_key,
                enum=tuple(info["enum"]) if info.get("enum") else None,
                ref=info.get("ref"),
                default=default,
            )
        )
    pk = tuple(c.name for c in mapper.primary_key)
    return TableSpec(model.__tablename__, model, tuple(cols), pk, tuple(internal))


@cache
def table_specs() -> dict[str, TableSpec]:
    """Every canonical table's spec, by table name, in dependency order."""
    specs = {m.__tablename__: _spec(m) for m in CANONICAL_MODELS}
    return {name: specs[name] for name in dependency_order(specs)}


def table_spec(name: str) -> TableSpec:
    try:
        return table_specs()[name]
    except KeyError:
        raise KeyError(f"unknown table {name!r}; known: {', '.join(table_specs())}") from None


def dependency_order(specs: dict[str, TableSpec]) -> list[str]:
    """Tables ordered so that each comes after the tables it references (self-references ignored)."""
    order: list[str] = []
    seen: set[str] = set()

    def visit(name: str, stack: tuple[str, ...] = ()) -> None:
        if name in seen:
            return
        if name in stack:
            raise ValueError(f"reference cycle: {' -> '.join(stack + (name,))}")
        for ref in specs[name].references.values():
            target = ref.split(".")[0]
            if target != name:
                visit(target, stack + (name,))
        seen.add(name)
        order.append(name)

    for name in specs:
        visit(name)
    return order


def normalise_header(text: object) -> str:
    """Fold a header for matching: NFKC (full-width → half-width), lower case, no spaces/punctuation."""
    folded = unicodedata.normalize("NFKC", str(text)).strip().lower()
    folded = re.sub(r"[\s_\-（）()\[\]【】:：*＊]+", "", folded)
    return folded


@cache
def header_index(table: str) -> dict[str, str]:
    """Normalised header → column name, for one table (English name, zh header, aliases)."""
    index: dict[str, str] = {}
    for col in table_spec(table).columns:
        for text in (col.name, col.zh, *col.aliases):
            index.setdefault(normalise_header(text), col.name)
    return index


def python_type(kind: str) -> type:
    return {
        "str": str, "int": int, "float": float, "decimal": Decimal,
        "bool": bool, "datetime": datetime, "date": date,
    }[kind]

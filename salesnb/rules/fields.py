"""What a rule may name: the fields of a table (or of a scorecard) with their kinds.

A rule is checked against a *field set*: a canonical table name (its import
columns plus the engines' internal columns such as ``leads.grade``), or an ad
hoc mapping ``{field: kind}`` such as the fields of a scorecard.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import JSON, Table

from ..models import Base
from ..schema import KINDS, _kind, table_specs

NUMERIC_KINDS = ("int", "float", "decimal")
ORDERED_KINDS = (*NUMERIC_KINDS, "datetime", "date")


@dataclass(frozen=True)
class FieldInfo:
    """One field a rule can use: its kind (``salesnb.schema.KINDS``), nullability and enum values."""

    name: str
    kind: str
    nullable: bool = True
    enum: tuple[str, ...] | None = None


@dataclass(frozen=True)
class FieldSet:
    """The fields of one table (``table`` set, so rules can compile to SQL) or of an ad hoc record."""

    name: str
    fields: Mapping[str, FieldInfo]
    table: Table | None = None

    def get(self, name: str) -> FieldInfo | None:
        return self.fields.get(name)


_cache: dict[str, FieldSet] = {}


def canonical_tables() -> tuple[str, ...]:
    """Names of the tables rules can run on."""
    return tuple(table_specs())


def field_set(source: str | FieldSet | Mapping[str, str | FieldInfo]) -> FieldSet:
    """Resolve a table name, a FieldSet or a ``{field: kind}`` mapping to a :class:`FieldSet`."""
    if isinstance(source, FieldSet):
        return source
    if isinstance(source, str):
        if source not in _cache:
            _cache[source] = _table_fields(source)
        return _cache[source]
    fields: dict[str, FieldInfo] = {}
    for name, info in source.items():
        if isinstance(info, FieldInfo):
            fields[name] = info
        elif info in KINDS:
            fields[name] = FieldInfo(name, info)
        else:
            raise ValueError(f"field {name!r}: unknown kind {info!r}; known: {', '.join(KINDS)}")
    return FieldSet("record", fields)


def _table_fields(name: str) -> FieldSet:
    specs = table_specs()
    if name not in specs:
        raise KeyError(f"unknown table {name!r}; known: {', '.join(specs)}")
    spec = specs[name]
    table: Table = Base.metadata.tables[name]
    fields = {c.name: FieldInfo(c.name, c.kind, c.nullable, c.enum) for c in spec.columns}
    for column in table.columns:
        if column.name in fields or isinstance(column.type, JSON):
            continue
        fields[column.name] = FieldInfo(column.name, _kind(column.type), bool(column.nullable))
    return FieldSet(name, fields, table)

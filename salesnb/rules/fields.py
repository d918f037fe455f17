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
    computed: bool = False  # worked out by an engine as of the run (see COMPUTED_FIELDS), not stored


@dataclass(frozen=True)
class FieldSet:
    """The fields of one table (``table`` set, so rules can compile to SQL) or of an ad hoc record."""

    name: str
    fields: Mapping[str, FieldInfo]
    table: Table | None = None

    def get(self, name: str) -> FieldInfo | None:
        return self.fields.get(name)


# Values the engines work out for a record as of a run, named in rules like columns.  Only their
# names and kinds are declared here; the check engine computes them (salesnb.checks.computed), each
# from the one rule that defines it (the delivery breaker, the payment terms, the SLA policies).
COMPUTED_FIELDS: dict[str, dict[str, str]] = {
    "contracts": {"required_days": "int"},  # days the breaker needs: wait for a production slot + transit
    "invoices": {"days_overdue": "int", "contract_owner_id": "str"},  # past issued_at + terms (0 if not)
    "tasks": {"sla_level": "int"},  # 0 within target, else the escalation level reached (1, 2, 3)
}

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
    for field, kind in COMPUTED_FIELDS.get(name, {}).items():
        fields[field] = FieldInfo(field, kind, computed=True)
    return FieldSet(name, fields, table)


def stored_fields(fs: FieldSet) -> FieldSet:
    """``fs`` without its computed fields (what a related table offers inside ``exists``)."""
    if not any(info.computed for info in fs.fields.values()):
        return fs
    return FieldSet(fs.name, {n: i for n, i in fs.fields.items() if not i.computed}, fs.table)


def computed_names(fs: FieldSet) -> tuple[str, ...]:
    """The computed fields of ``fs``."""
    return tuple(n for n, i in fs.fields.items() if i.computed)

"""Compile a rule to a SQLAlchemy boolean expression on the rule's table (SQLite and PostgreSQL).

Every leaf is made two-valued (never SQL NULL) by guarding nullable operands
with ``IS NOT NULL``: ``FALSE AND NULL`` is FALSE, so ``not`` and ``at_least``
agree with the Python predicate.  Comparisons with ``as_of`` plus a constant
offset compare the column with a bound timestamp (index-friendly, exact);
field arithmetic uses exact integer microseconds (:class:`~salesnb.rules.sqlfuncs.epoch_us`).
Related rows are correlated ``EXISTS`` subqueries.  Computed fields are
columns of ``source`` (the check engine builds it, see
:mod:`salesnb.checks.computed`); the bare table has none.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import reduce
from typing import Any

from sqlalchemy import BigInteger, ColumnElement, and_, case, false, func, literal, not_, or_, select, true
from sqlalchemy.sql import FromClause

from ..models import Base
from .fields import FieldSet, computed_names, field_set
from .nodes import (All, AnyOf, AsOf, AtLeast, Compare, Exists, FieldRef, Literal, Node, Not, Offset, Test, epoch_us,
                    node_fields)
from .parse import coerce_value, parse_rule
from .sqlfuncs import epoch_us as sql_epoch_us
from .sqlfuncs import str_contains


def to_sql(rule: Any, table: Any, as_of: datetime | None = None, source: FromClause | None = None) -> ColumnElement[bool]:
    """A boolean SQL expression for ``rule`` over ``table`` (a canonical table name).

    ``source`` is the table or an alias of it to refer to (default: the table
    itself), e.g. when the rule is embedded in a larger query.
    """
    fs = field_set(table)
    if fs.table is None:
        raise ValueError(f"{fs.name} is not a database table; rules on it compile to predicates and masks only")
    node = rule if not isinstance(rule, (dict, list)) else parse_rule(rule, fs)
    as_of = None if as_of is None else coerce_value(as_of, "datetime")
    src = source if source is not None else fs.table
    missing = [n for n in computed_names(fs) if n in node_fields(node) and n not in src.c]
    if missing:
        raise ValueError(f"computed field(s) {', '.join(missing)} need a source that computes them "
                         "(salesnb.checks.computed.computed_source)")
    return _SqlCompiler(as_of).compile(node, fs, src)


class _SqlCompiler:
    def __init__(self, as_of: datetime | None):
        self.as_of = as_of

    def compile(self, node: Node, fs: FieldSet, src: FromClause) -> ColumnElement[bool]:
        if isinstance(node, All):
            parts = [self.compile(n, fs, src) for n in node.items]
            return and_(*parts) if parts else true()
        if isinstance(node, AnyOf):
            parts = [self.compile(n, fs, src) for n in node.items]
            return or_(*parts) if parts else false()
        if isinstance(node, Not):
            return not_(self.compile(node.item, fs, src))
        if isinstance(node, AtLeast):
            if node.k == 0:
                return true()
            if not node.items:
                return false()
            counts = [case((self.compile(n, fs, src), 1), else_=0) for n in node.items]
            return reduce(lambda a, b: a + b, counts) >= node.k
        if isinstance(node, Test):
            return _test(src.c[node.field], node.op)
        if isinstance(node, Compare):
            return self._compare(node, fs, src)
        if isinstance(node, Exists):
            return self._exists(node, fs, src)
        raise TypeError(f"not a rule node: {node!r}")

    def _guarded(self, fs: FieldSet, src: FromClause, names: list[str], condition) -> ColumnElement[bool]:
        guards = [src.c[n].is_not(None) for n in dict.fromkeys(names) if fs.get(n).nullable]
        return and_(*guards, condition) if guards else condition

    def _compare(self, node: Compare, fs: FieldSet, src: FromClause) -> ColumnElement[bool]:
        col, operand, op = src.c[node.field], node.operand, node.op
        names = [node.field]
        if isinstance(operand, AsOf) and self.as_of is None:
            raise ValueError("this rule compares with as_of: pass as_of")
        if isinstance(operand, Literal):
            right: Any = operand.value
        elif isinstance(operand, AsOf) and operand.offset.constant:
            right = self.as_of + timedelta(microseconds=operand.offset.micros)
        elif isinstance(operand, FieldRef) and operand.offset is None:
            right = src.c[operand.name]
            names.append(operand.name)
        else:  # time arithmetic: exact integer microseconds
            col = sql_epoch_us(col)
            if isinstance(operand, AsOf):
                base: Any = literal(epoch_us(self.as_of), BigInteger())
            else:
                base = sql_epoch_us(src.c[operand.name])
                names.append(operand.name)
            right = base + self._offset(operand.offset, src)
            names.extend(n for n, _ in operand.offset.terms)
        return self._guarded(fs, src, names, _binary(col, op, right))

    def _offset(self, offset: Offset, src: FromClause):
        total: Any = literal(offset.micros, BigInteger())
        for name, unit in offset.terms:
            total = total + src.c[name] * literal(unit, BigInteger())
        return total

    def _exists(self, node: Exists, fs: FieldSet, src: FromClause) -> ColumnElement[bool]:
        rel_fs = field_set(node.table)
        rel = Base.metadata.tables[node.table].alias()
        conditions = [rel.c[r] == src.c[o] for r, o in node.on]
        if node.where is not None:
            conditions.append(self.compile(node.where, rel_fs, rel))
        if node.within is not None:
            w = node.within
            limit = sql_epoch_us(src.c[w.outer]) + self._offset(w.offset, src)
            guards = [src.c[n].is_not(None) for n in (w.outer, *(n for n, _ in w.offset.terms))]
            conditions.extend([rel.c[w.field].is_not(None), *guards, sql_epoch_us(rel.c[w.field]) <= limit])
        found = select(rel.c[node.on[0][0]]).where(*conditions).exists()
        return not_(found) if node.negate else found


def _binary(col, op: str, right) -> ColumnElement[bool]:
    if op == "eq":
        return col == right
    if op == "ne":
        return col != right
    if op == "lt":
        return col < right
    if op == "le":
        return col <= right
    if op == "gt":
        return col > right
    if op == "ge":
        return col >= right
    if op == "in":
        return col.in_(list(right))
    if op == "not_in":
        return col.not_in(list(right))
    if op == "contains":
        return str_contains(col, right)
    if op == "starts_with":
        length = len(right) if isinstance(right, str) else func.length(right)
        return func.substr(col, 1, length) == right
    raise ValueError(f"unknown operator {op}")


def _test(col, op: str) -> ColumnElement[bool]:
    if op == "is_null":
        return col.is_(None)
    if op == "not_null":
        return col.is_not(None)
    empty = or_(col.is_(None), func.trim(col) == "")
    return empty if op == "is_empty" else not_(empty)

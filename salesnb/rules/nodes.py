"""The parsed form of a rule: small frozen dataclasses the three compilers walk.

:func:`salesnb.rules.parse.parse_rule` turns the JSON form into these nodes
(validating it on the way); nothing here is ever built from user text by
evaluation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Union

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
MICROS = {"days": 86_400_000_000, "hours": 3_600_000_000, "minutes": 60_000_000, "seconds": 1_000_000}


def epoch_us(value: datetime) -> int:
    """Microseconds since 1970-01-01 UTC of an aware datetime (exact integer)."""
    return (value - EPOCH) // timedelta(microseconds=1)


@dataclass(frozen=True)
class Offset:
    """A duration: a constant number of microseconds plus ``field × unit`` terms (int fields)."""

    micros: int = 0
    terms: tuple[tuple[str, int], ...] = ()  # (field, signed microseconds per unit)

    @property
    def constant(self) -> bool:
        return not self.terms


@dataclass(frozen=True)
class Literal:
    value: Any  # typed for the field's kind; a tuple for in / not_in


@dataclass(frozen=True)
class FieldRef:
    name: str
    offset: Offset | None = None


@dataclass(frozen=True)
class AsOf:
    offset: Offset | None = None


Operand = Union[Literal, FieldRef, AsOf]


@dataclass(frozen=True)
class Compare:
    """``field op operand`` (eq, ne, lt, le, gt, ge, in, not_in, contains, starts_with)."""

    field: str
    op: str
    operand: Operand
    kind: str


@dataclass(frozen=True)
class Test:
    """``field op`` without operand (is_null, not_null, is_empty, not_empty)."""

    field: str
    op: str
    kind: str


@dataclass(frozen=True)
class All:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class AnyOf:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    item: Node


@dataclass(frozen=True)
class AtLeast:
    k: int
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Within:
    """Only related rows whose datetime ``field`` is at most ``outer`` + ``offset`` count ("within N hours")."""

    field: str
    outer: str
    offset: Offset


@dataclass(frozen=True)
class Exists:
    """A related row exists (``negate``: none exists) in ``table`` joined by ``on`` (related, outer)."""

    table: str
    on: tuple[tuple[str, str], ...]
    where: Node | None
    negate: bool = False
    within: Within | None = None


Node = Union[Compare, Test, All, AnyOf, Not, AtLeast, Exists]


def node_fields(node: Node) -> set[str]:
    """The fields of the rule's own record that ``node`` reads (related tables' fields excluded)."""
    if isinstance(node, (All, AnyOf, AtLeast)):
        return set().union(*(node_fields(n) for n in node.items))
    if isinstance(node, Not):
        return node_fields(node.item)
    if isinstance(node, Test):
        return {node.field}
    if isinstance(node, Compare):
        names = {node.field}
        operand = node.operand
        if isinstance(operand, FieldRef):
            names.add(operand.name)
        offset = getattr(operand, "offset", None)
        if offset is not None:
            names.update(n for n, _ in offset.terms)
        return names
    names = {o for _, o in node.on}
    if node.within is not None:
        names.add(node.within.outer)
        names.update(n for n, _ in node.within.offset.terms)
    return names

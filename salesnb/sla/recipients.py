"""Resolve a ladder's recipient specs (owner, manager, entity_owner, role:X, user:ID) to user ids."""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Base, User

# tasks.entity_type → canonical table (when it is not simply the plural)
ENTITY_TABLES = {"claim": "payment_claims", "payment_claim": "payment_claims"}


@dataclass(frozen=True)
class Person:
    user_id: str
    name: str
    role: str
    manager_id: str | None
    region: str | None


class Directory:
    """The ``users`` table in memory, for resolving recipients."""

    def __init__(self, people: Iterable[Person]):
        self.people = {p.user_id: p for p in people}
        self.by_role: dict[str, list[Person]] = {}
        for person in sorted(self.people.values(), key=lambda p: p.user_id):
            self.by_role.setdefault(person.role, []).append(person)

    @classmethod
    def load(cls, session: Session) -> Directory:
        rows = session.execute(select(User.user_id, User.name, User.role, User.manager_id, User.region))
        return cls(Person(*row) for row in rows)

    def name(self, user_id: str | None) -> str:
        person = self.people.get(user_id or "")
        return f"{person.name} ({person.user_id})" if person else (user_id or "-")

    def resolve(self, spec: str, owner_id: str | None, entity_owner_id: str | None = None) -> list[str]:
        """User ids for one spec; roles prefer users in the owner's region."""
        owner = self.people.get(owner_id or "")
        if spec == "owner":
            return [owner_id] if owner_id else []
        if spec == "manager":
            return [owner.manager_id] if owner and owner.manager_id else []
        if spec == "entity_owner":
            return [entity_owner_id] if entity_owner_id else []
        kind, _, value = spec.partition(":")
        if kind == "user":
            return [value]
        if kind == "role":
            members = self.by_role.get(value, [])
            if owner and owner.region:
                local = [p for p in members if p.region == owner.region]
                members = local or members
            return [p.user_id for p in members]
        return []

    def resolve_all(self, specs: Iterable[str], owner_id: str | None, entity_owner_id: str | None = None) -> list[str]:
        seen: dict[str, None] = {}
        for spec in specs:
            for user_id in self.resolve(spec, owner_id, entity_owner_id):
                seen.setdefault(user_id, None)
        return list(seen)

    def assignee(self, spec: str, owner_id: str | None, entity_owner_id: str | None, key: str) -> str | None:
        """One user for a to-do: spread over the candidates by a stable hash of ``key``."""
        candidates = self.resolve(spec, owner_id, entity_owner_id)
        if not candidates:
            return None
        return candidates[zlib.crc32(key.encode()) % len(candidates)]

    def unknown(self, user_ids: Iterable[str]) -> list[str]:
        return [u for u in user_ids if u not in self.people]


def entity_owners(session: Session, entity_type: str, entity_ids: Iterable[str]) -> dict[str, str]:
    """``owner_id`` of the records a batch of tasks is about (empty when the table has no owner)."""
    name = ENTITY_TABLES.get(entity_type) or (entity_type if entity_type in Base.metadata.tables else f"{entity_type}s")
    table = Base.metadata.tables.get(name)
    if table is None or "owner_id" not in table.c:
        return {}
    key = list(table.primary_key.columns)[0]
    ids = sorted(set(entity_ids))
    out: dict[str, str] = {}
    for i in range(0, len(ids), 500):
        rows = session.execute(select(key, table.c.owner_id).where(key.in_(ids[i:i + 500])))
        out.update({str(k): v for k, v in rows if v})
    return out

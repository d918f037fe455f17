"""Who is who, for the apps: user names and the people who can act in a role."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, select

from .db import session_scope
from .models import User


@dataclass(frozen=True)
class Person:
    user_id: str
    name: str
    role: str
    region: str | None

    @property
    def label(self) -> str:
        """``name（user_id）``: names repeat, ids do not."""
        return f"{self.name}（{self.user_id}）"


def people(engine: Engine, roles: tuple[str, ...] | None = None) -> list[Person]:
    """Every user (or those with one of ``roles``), by name."""
    query = select(User.user_id, User.name, User.role, User.region).order_by(User.name, User.user_id)
    if roles:
        query = query.where(User.role.in_(roles))
    with session_scope(engine) as session:
        return [Person(*row) for row in session.execute(query)]


def user_names(engine: Engine) -> dict[str, str]:
    """user_id → name of every user."""
    return {p.user_id: p.name for p in people(engine)}


def manager_of(engine: Engine, user_id: str) -> Person | None:
    """The manager (``users.manager_id``) of ``user_id``, if any."""
    with session_scope(engine) as session:
        user = session.get(User, user_id)
        manager = session.get(User, user.manager_id) if user is not None and user.manager_id else None
        return Person(manager.user_id, manager.name, manager.role, manager.region) if manager else None


def person(engine: Engine, user_id: str) -> Person | None:
    """One user, if any."""
    with session_scope(engine) as session:
        user = session.get(User, user_id)
        return Person(user.user_id, user.name, user.role, user.region) if user else None

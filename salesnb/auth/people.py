"""The acting person: a signed-in user with their role and the people under them, or ``system``."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import AuthError
from ..models import User
from . import messages  # noqa: F401  (registers the texts)

SYSTEM_ID = "system"


@dataclass(frozen=True)
class Actor:
    """Who acts: ``user_id``, ``role``, and ``reports`` — every user under them through ``manager_id``.

    ``system`` (:data:`SYSTEM`) is the batch steps' actor: the daily run, the
    scheduler and an admin's CLI commands that act on no one's behalf.
    ``session_token_hash`` ties an app's actor to its browser session, so
    each action can check the session is still alive.
    """

    user_id: str
    name: str
    role: str
    region: str | None = None
    reports: frozenset[str] = field(default_factory=frozenset)
    session_token_hash: str | None = None

    @property
    def is_system(self) -> bool:
        return self.user_id == SYSTEM_ID

    @property
    def label(self) -> str:
        """``name（user_id）``: names repeat, ids do not."""
        return self.name if self.is_system else f"{self.name}（{self.user_id}）"

    def is_above(self, user_id: str | None) -> bool:
        """True when ``user_id`` reports to this person, directly or further down."""
        return user_id is not None and user_id in self.reports

    def owns_or_leads(self, user_id: str | None) -> bool:
        """The person is ``user_id`` or above them."""
        return user_id is not None and (user_id == self.user_id or user_id in self.reports)


SYSTEM = Actor(SYSTEM_ID, "system", "system")


def reports_of(session: Session, user_id: str) -> frozenset[str]:
    """Every user below ``user_id`` in the manager chain (cycles in bad data are cut)."""
    children: dict[str, list[str]] = {}
    for uid, manager in session.execute(select(User.user_id, User.manager_id).where(User.manager_id.is_not(None))):
        children.setdefault(manager, []).append(uid)
    found: set[str] = set()
    todo = list(children.get(user_id, ()))
    while todo:
        uid = todo.pop()
        if uid in found or uid == user_id:
            continue
        found.add(uid)
        todo.extend(children.get(uid, ()))
    return frozenset(found)


def is_active(user: User) -> bool:
    return user.active is None or bool(user.active)


def load_actor(session: Session, user_id: str, *, session_token_hash: str | None = None) -> Actor:
    """The active user ``user_id`` as an :class:`Actor`; :class:`AuthError` when there is none."""
    if user_id == SYSTEM_ID:
        return SYSTEM
    user = session.get(User, user_id) if user_id else None
    if user is None or not is_active(user):
        raise AuthError("auth.no_user", user_id=user_id)
    return Actor(user.user_id, user.name, user.role, user.region, reports_of(session, user.user_id),
                 session_token_hash)


def resolve_cli_actor(session: Session, by: str | None) -> Actor:
    """The actor of a CLI command: ``--by USER`` (an existing, active user) or ``system``."""
    return SYSTEM if by in (None, "", SYSTEM_ID) else load_actor(session, by)

"""Managing people: list, add, disable, import, set a password — the library behind ``salesnb users``.

Every change needs ``config.edit`` (ops; ``system`` for an admin's CLI) and
is audited with the acting user id; a person may set their own password.
Disabling a user ends their sessions at once, in every ``salesnb serve``.
Importing reads a sheet of the canonical ``users`` table (managers and
platform ids included) through :func:`salesnb.io.import_paths`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from .. import audit
from ..db import session_scope
from ..errors import ConfigError
from ..io import ImportReport, import_paths
from ..models import ROLES, User, UserCredential
from ..timeutil import now
from .passwords import set_password
from .people import Actor, is_active
from .permissions import authorize
from .sessions import end_user_sessions

#: The columns ``salesnb users list`` shows, in order.
COLUMNS = ("user_id", "name", "role", "manager_id", "region", "active", "password", "wecom_userid",
           "dingtalk_userid", "feishu_user_id", "mobile", "email")
PLATFORM_FIELDS = ("wecom_userid", "dingtalk_userid", "feishu_user_id", "mobile", "email", "region", "aliases")


def list_users(session: Session, *, include_inactive: bool = True) -> list[dict[str, Any]]:
    """Every user (active ones first unless only they are asked for), with whether they have a local password."""
    with_password = set(session.scalars(select(UserCredential.user_id)))
    rows = session.scalars(select(User).order_by(User.user_id)).all()
    out = []
    for user in rows:
        active = is_active(user)
        if not active and not include_inactive:
            continue
        out.append({"user_id": user.user_id, "name": user.name, "role": user.role, "manager_id": user.manager_id,
                    "region": user.region, "active": active, "password": user.user_id in with_password,
                    "wecom_userid": user.wecom_userid, "dingtalk_userid": user.dingtalk_userid,
                    "feishu_user_id": user.feishu_user_id, "mobile": user.mobile, "email": user.email})
    return out


def add_user(session: Session, user_id: str, name: str, role: str, *, actor: Actor | str,
             manager_id: str | None = None, at: datetime | None = None, **fields: str | None) -> User:
    """Add an active user (``fields``: region, platform ids, mobile, email, aliases); ``config.edit``."""
    person = authorize(session, actor, "config.edit")
    unknown = sorted(set(fields) - set(PLATFORM_FIELDS))
    if unknown:
        raise ConfigError("users.bad_field", field=", ".join(unknown), known=", ".join(PLATFORM_FIELDS))
    user_id, name = (user_id or "").strip(), (name or "").strip()
    if not user_id or not name or user_id == "system":
        raise ConfigError("users.id_and_name")
    if role not in ROLES:
        raise ConfigError("users.bad_role", role=role, roles=", ".join(ROLES))
    if session.get(User, user_id) is not None:
        raise ConfigError("users.exists", user_id=user_id)
    if manager_id and session.get(User, manager_id) is None:
        raise ConfigError("users.no_manager", manager_id=manager_id)
    values = {k: v for k, v in fields.items() if v not in (None, "")}
    user = User(user_id=user_id, name=name, role=role, manager_id=manager_id or None, active=True, **values)
    session.add(user)
    session.flush()
    audit.record(session, actor=person.user_id, action="user.add", entity_type="users", entity_id=user_id,
                 after={"name": name, "role": role, "manager_id": manager_id, **values}, at=at or now())
    return user


def disable_user(session: Session, user_id: str, *, actor: Actor | str, at: datetime | None = None) -> int:
    """Mark ``user_id`` inactive and end their sessions everywhere; returns how many sessions ended."""
    person = authorize(session, actor, "config.edit")
    user = session.get(User, user_id)
    if user is None:
        raise ConfigError("users.not_found", user_id=user_id)
    if user_id == person.user_id:
        raise ConfigError("users.not_yourself")
    at = at or now()
    before = is_active(user)
    user.active = False
    ended = end_user_sessions(session, user_id, at)
    audit.record(session, actor=person.user_id, action="user.disable", entity_type="users", entity_id=user_id,
                 before={"active": before}, after={"active": False, "sessions_ended": ended}, at=at)
    return ended


def import_users(engine: Engine, paths: Iterable[str | Path], *, actor: Actor | str) -> ImportReport:
    """Import a users sheet (CSV / xlsx: 员工编号, 姓名, 角色, 上级编号, platform ids…) in one transaction.

    Needs ``config.edit``; ``import_log`` names who imported.  Users the sheet
    marks inactive lose their sessions.
    """
    report = import_paths(engine, list(paths), table="users", actor=actor)
    with session_scope(engine) as session:
        for user_id in session.scalars(select(User.user_id).where(User.active.is_(False))):
            end_user_sessions(session, user_id)
    return report


def set_user_password(session: Session, user_id: str, password: str, *, actor: Actor | str,
                      at: datetime | None = None) -> int:
    """Set a local password (``config.edit``, or one's own); a password set by an admin ends the user's sessions.

    Returns how many sessions ended.  Too short a password raises :class:`~salesnb.errors.AuthError`.
    """
    person = authorize(session, actor, "dashboard.view")  # who acts (anybody may set their own password)
    if person.user_id != user_id:
        authorize(session, person, "config.edit")
    if session.get(User, user_id) is None:
        raise ConfigError("users.not_found", user_id=user_id)
    set_password(session, user_id, password, actor=person, at=at)
    return 0 if person.user_id == user_id else end_user_sessions(session, user_id, at)

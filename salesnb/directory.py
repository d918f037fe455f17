"""Who is who: user names and the people who can act in a role, and every way a sheet may name a user.

:class:`Directory` answers "who is 张伟?" for imports and syncs: a user id,
``姓名（编号）``, a name, an alias (``users.aliases``), a mobile number, an
e-mail address or a platform id (``wecom_userid`` and any other ``*_userid``
/ ``*_user_id`` / ``*_open_id`` column) → the users it names (none, one, or
several when ambiguous).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rapidfuzz import fuzz, process
from sqlalchemy import Connection, Engine, select

from .db import session_scope
from .models import User
from .rules.predicate import missing

if TYPE_CHECKING:
    import pandas as pd


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


# ---------------------------------------------------------------- every way a sheet names a user

LABEL = re.compile(r"^(?P<name>.*?)\s*[（(]\s*(?P<id>[^（）()]+?)\s*[)）]$")
ALIAS_SEPARATORS = re.compile(r"[、,，;；|｜]")
_PLATFORM_SUFFIXES = ("_userid", "_user_id", "_open_id", "_union_id", "_unionid", "_openid")


def platform_columns() -> list[str]:
    """Platform id columns of ``users`` (``wecom_userid``, and those other connectors add)."""
    return [c.name for c in User.__table__.columns if c.name.endswith(_PLATFORM_SUFFIXES)]


def _name_key(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split()).casefold()


def _phone_key(text: str) -> str | None:
    digits = re.sub(r"[\s\-()（）+]", "", unicodedata.normalize("NFKC", text))
    if not digits.isdigit() or len(digits) < 7:
        return None
    return digits[2:] if digits.startswith("86") and len(digits) == 13 else digits


class Directory:
    """Who is who: every way a sheet may name a user → user ids (loaded once, then learning the import's users)."""

    def __init__(self, conn: Connection | None = None):
        self.conn = conn
        self.loaded = conn is None
        self.ids: set[str] = set()
        self.names: dict[str, str] = {}  # user id → name (for candidates)
        self.keys: dict[str, set[str]] = {}  # name / alias / phone / platform id / e-mail key → user ids

    def known_ids(self) -> set[str]:
        """Every user id known (the database's and the import's)."""
        self._load()
        return self.ids

    def _load(self) -> None:
        if self.loaded:
            return
        self.loaded = True
        cols = [User.user_id, User.name, User.aliases, User.mobile, User.email,
                *(User.__table__.c[c] for c in platform_columns())]
        for row in self.conn.execute(select(*cols)):
            self._add(*row[:5], platform=row[5:])

    def _add(self, user_id, name, aliases, mobile, email, platform=()) -> None:
        if not user_id:
            return
        self.ids.add(user_id)
        if name:
            self.names[user_id] = name
            self.keys.setdefault("n:" + _name_key(name), set()).add(user_id)
        for alias in ALIAS_SEPARATORS.split(aliases or ""):
            if alias.strip():
                self.keys.setdefault("n:" + _name_key(alias), set()).add(user_id)
        phone = _phone_key(mobile) if mobile else None
        if phone:
            self.keys.setdefault("p:" + phone, set()).add(user_id)
        if email:
            self.keys.setdefault("e:" + email.strip().casefold(), set()).add(user_id)
        for value in platform:
            if value:
                self.keys.setdefault("i:" + str(value).strip(), set()).add(user_id)

    def learn(self, typed: dict[str, pd.Series]) -> None:
        """Add users of this import (a converted chunk of the ``users`` table)."""
        self._load()
        n = len(typed["user_id"]) if "user_id" in typed else 0

        def column(name: str) -> list:
            series = typed.get(name)
            return [None] * n if series is None else [None if missing(v) else v for v in series]

        platforms = [column(c) for c in platform_columns()]
        for i, row in enumerate(zip(*(column(c) for c in ("user_id", "name", "aliases", "mobile", "email")))):
            self._add(*row, platform=[p[i] for p in platforms])

    def users_for(self, value: str) -> set[str]:
        """The users ``value`` names (empty when nobody, several when ambiguous)."""
        self._load()
        if value in self.ids:
            return {value}
        label = LABEL.match(value)
        if label and label.group("id") in self.ids:
            return {label.group("id")}
        found = set(self.keys.get("n:" + _name_key(value), ()))
        phone = _phone_key(value)
        if phone:
            found |= self.keys.get("p:" + phone, set())
        found |= self.keys.get("i:" + value.strip(), set())
        if "@" in value:
            found |= self.keys.get("e:" + value.strip().casefold(), set())
        return found

    def label(self, user_id: str) -> str:
        """``姓名（编号）``: names repeat, ids do not."""
        return f"{self.names.get(user_id, '?')}（{user_id}）"

    def closest(self, value: str, limit: int = 3) -> list[str]:
        """Labels of the users whose name is most like ``value`` (rapidfuzz), best first."""
        self._load()
        by_name: dict[str, list[str]] = {}
        for user_id, name in self.names.items():
            by_name.setdefault(name, []).append(user_id)
        found = process.extract(value, list(by_name), scorer=fuzz.ratio, limit=limit, score_cutoff=40)
        return [self.label(uid) for name, _, _ in found for uid in by_name[name]][:limit]


def names_of(conn: Connection, ids: Iterable[str] | None = None) -> dict[str, str]:
    """user id → how exports name the user: the name, or ``姓名（编号）`` when another user has the same name."""
    directory = Directory(conn)
    directory.known_ids()
    counts: dict[str, int] = {}
    for name in directory.names.values():
        counts[name] = counts.get(name, 0) + 1
    wanted = directory.ids if ids is None else set(ids) & directory.ids
    return {uid: (directory.names[uid] if counts.get(directory.names.get(uid, ""), 0) == 1 else directory.label(uid))
            for uid in wanted if uid in directory.names}

"""Stage 5, people: owner / approver / assignee cells may name a person however the sheet does.

Every column that references ``users.user_id`` accepts a user id, the
``姓名（编号）`` form exports write for names two users share, a name, an alias
(``users.aliases``), a mobile number, an e-mail address or a platform id
(``wecom_userid`` and any other ``*_userid`` / ``*_open_id`` column), resolved
through the users directory — the database's users plus the users of the
same import.  A value several users answer to is an error naming the row,
the column and the candidates; a value nobody answers to is left as it is and
reported by the reference check (:mod:`salesnb.io.validate`), with the
closest names.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process
from sqlalchemy import Connection, select

from ..models import User
from ..schema import TableSpec
from .convert import Chunk

LABEL = re.compile(r"^(?P<name>.*?)\s*[（(]\s*(?P<id>[^（）()]+?)\s*[)）]$")
ALIAS_SEPARATORS = re.compile(r"[、,，;；|｜]")
_PLATFORM_SUFFIXES = ("_userid", "_user_id", "_open_id", "_union_id", "_unionid", "_openid")


def person_columns(spec: TableSpec) -> list[str]:
    """Columns of ``spec`` that name a person (they reference ``users.user_id``)."""
    return [c.name for c in spec.columns if c.ref == "users.user_id"]


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
            return [None] * n if series is None else [None if pd.isna(v) else v for v in series]

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


def resolve(chunk: Chunk, spec: TableSpec, directory: Directory) -> None:
    """Replace people named by name, phone or platform id with user ids, in place.

    Ambiguous cells become empty and are recorded in ``chunk.ambiguous``
    (column → {index: candidate labels}); unknown ones are left for the
    reference check.  The users of a ``users`` chunk are learned first, so a
    manager named in the same file resolves.
    """
    if spec.name == "users":
        directory.learn(chunk.typed)
    for column in person_columns(spec):
        series = chunk.typed.get(column)
        if series is None:
            continue
        present = series.dropna()
        if present.empty:
            continue
        directory._load()
        distinct = [v for v in pd.unique(present.to_numpy(dtype=object)) if v not in directory.ids]
        if not distinct:
            continue  # every cell is a user id: the common case costs one pass
        replace: dict[str, object] = {}
        ambiguous: dict[str, list[str]] = {}
        for value in distinct:
            users = directory.users_for(value)
            if len(users) == 1:
                replace[value] = next(iter(users))
            elif len(users) > 1:
                replace[value] = None
                ambiguous[value] = sorted(directory.label(u) for u in users)
        if not replace:
            continue
        values = series.to_numpy(dtype=object)
        hits = np.flatnonzero(pd.Series(values).isin(list(replace)).to_numpy())
        out = values.copy()
        for i in hits:
            out[i] = replace[values[i]]
            if values[i] in ambiguous:
                chunk.ambiguous.setdefault(column, {})[int(i)] = ambiguous[values[i]]
        chunk.typed[column] = pd.Series(out, dtype=object)


def names_of(conn: Connection, ids: Iterable[str] | None = None) -> dict[str, str]:
    """user id → how exports name the user: the name, or ``姓名（编号）`` when another user has the same name."""
    directory = Directory(conn)
    directory._load()
    counts: dict[str, int] = {}
    for name in directory.names.values():
        counts[name] = counts.get(name, 0) + 1
    wanted = directory.ids if ids is None else set(ids) & directory.ids
    return {uid: (directory.names[uid] if counts.get(directory.names.get(uid, ""), 0) == 1 else directory.label(uid))
            for uid in wanted if uid in directory.names}

"""Local passwords: Argon2id hashes (argon2-cffi), never the password itself."""

from __future__ import annotations

from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.orm import Session

from .. import audit
from ..errors import AuthError
from ..models import UserCredential
from ..timeutil import now
from .people import Actor, load_actor

MIN_LENGTH = 8
_HASHER = PasswordHasher()  # Argon2id with the library's current memory-hard defaults
# A hash to verify against when the user does not exist, so both cases cost the same time.
_DUMMY_HASH = _HASHER.hash("salesnb: no such user")


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def verify(password_hash: str | None, password: str) -> bool:
    """True when ``password`` matches ``password_hash`` (a missing hash costs the same time and fails)."""
    try:
        return _HASHER.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def set_password(session: Session, user_id: str, password: str, *, actor: Actor, at: datetime | None = None) -> None:
    """Store a new password for the active user ``user_id`` (audited, the hash never logged)."""
    load_actor(session, user_id)  # an active user
    if len(password) < MIN_LENGTH:
        raise AuthError("auth.password.too_short", n=MIN_LENGTH)
    at = at or now()
    row = session.get(UserCredential, user_id)
    if row is None:
        session.add(UserCredential(user_id=user_id, password_hash=hash_password(password), set_at=at))
    else:
        row.password_hash, row.set_at = hash_password(password), at
    audit.record(session, actor=actor.user_id, action="user.set_password", entity_type="users", entity_id=user_id,
                 at=at)

"""Password sign-in with slow-down and lock-out, and a refusal that never says whether the user exists.

Failures are counted per login name, for names of no user as well, so
trying names tells an attacker nothing.  After each failure the next answer
is slowed down (``slowdown_seconds`` × failures, capped); after
``max_failures`` in a row the name is locked for ``lock_minutes``, even for
the right password.  A success clears the count.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from ..errors import AuthError
from ..models import SignInThrottle, User, UserCredential
from ..timeutil import now
from .passwords import verify
from .people import is_active
from .sessions import start_session


@dataclass(frozen=True)
class SignInPolicy:
    max_failures: int = 5
    lock_minutes: float = 15.0
    slowdown_seconds: float = 1.0
    slowdown_cap: float = 5.0
    session_hours: float = 12.0

    @classmethod
    def from_settings(cls, section: dict) -> SignInPolicy:
        known = {k: type(getattr(cls, k))(v) for k, v in section.items() if k in cls.__dataclass_fields__}
        return cls(**known)


@dataclass(frozen=True)
class SignInResult:
    """A successful sign-in: the cookie token and the user; ``delay`` is 0."""

    token: str
    user_id: str


def login_key(login: str) -> str:
    return (login or "").strip().casefold()[:200]


def find_user(session: Session, login: str) -> User | None:
    """The user a login name means: the user id, a mobile number or an e-mail (case-insensitive)."""
    key = login_key(login)
    if not key:
        return None
    return session.scalars(select(User).where(or_(func.lower(User.user_id) == key, User.mobile == key,
                                                  func.lower(User.email) == key)).limit(2)).first()


def delay_after(failures: int, policy: SignInPolicy) -> float:
    """Seconds to wait before answering after ``failures`` wrong passwords in a row."""
    return 0.0 if failures <= 0 else min(policy.slowdown_cap, policy.slowdown_seconds * failures)


def pending_delay(session: Session, login: str, policy: SignInPolicy) -> float:
    """How long to wait before checking a password for ``login`` (the slow-down)."""
    row = session.get(SignInThrottle, login_key(login))
    return delay_after(row.failures if row else 0, policy)


def sign_in(session: Session, login: str, password: str, *, policy: SignInPolicy = SignInPolicy(),
            client: str | None = None, at: datetime | None = None) -> SignInResult:
    """Check ``password`` for ``login``; open a session or raise :class:`AuthError` (the same for every failure).

    The caller commits ``session`` even when this raises, so the failure is counted
    (use :func:`record_failure` semantics: the throttle row is written before raising).
    """
    at = at or now()
    key = login_key(login)
    throttle = session.get(SignInThrottle, key)
    if throttle is not None and throttle.locked_until is not None and throttle.locked_until > at:
        raise AuthError("auth.signin.locked", minutes=math.ceil((throttle.locked_until - at).total_seconds() / 60))
    user = find_user(session, login)
    credential = session.get(UserCredential, user.user_id) if user is not None else None
    good = verify(credential.password_hash if credential else None, password or "")
    if not good or user is None or not is_active(user):
        _count_failure(session, key, throttle, policy, at)
        raise AuthError("auth.signin.failed")
    if throttle is not None:
        session.delete(throttle)
    token = start_session(session, user.user_id, provider="password", hours=policy.session_hours, client=client, at=at)
    return SignInResult(token, user.user_id)


def _count_failure(session: Session, key: str, throttle: SignInThrottle | None, policy: SignInPolicy,
                   at: datetime) -> None:
    if throttle is None:
        throttle = SignInThrottle(login=key, failures=0)
        session.add(throttle)
    throttle.failures = (throttle.failures or 0) + 1
    throttle.last_failure_at = at
    if throttle.failures >= policy.max_failures:
        throttle.locked_until = at + timedelta(minutes=policy.lock_minutes)
        throttle.failures = 0
    session.flush()

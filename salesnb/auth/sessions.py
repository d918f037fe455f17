"""Browser sessions in the database: the cookie holds a random token, the store only its SHA-256.

Several ``salesnb serve`` processes on one PostgreSQL therefore share every
session; signing out (or an admin disabling the user) ends it everywhere,
in the page and in the app kernels, which look the session up on each action.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from http.cookies import CookieError, SimpleCookie

from sqlalchemy import update
from sqlalchemy.orm import Session

from ..errors import AuthError
from ..models import WebSession
from ..timeutil import now
from .people import Actor, load_actor

COOKIE_NAME = "salesnb_session"
DEFAULT_HOURS = 12.0
# Sliding expiry: a session used within this long of its end is extended.
TOUCH_EVERY = timedelta(minutes=5)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def start_session(session: Session, user_id: str, *, provider: str, hours: float = DEFAULT_HOURS,
                  client: str | None = None, at: datetime | None = None) -> str:
    """Open a session for the active user ``user_id``; return the cookie token (shown nowhere else)."""
    load_actor(session, user_id)
    at = at or now()
    token = secrets.token_urlsafe(32)
    session.add(WebSession(token_hash=token_hash(token), user_id=user_id, provider=provider, created_at=at,
                           last_seen_at=at, expires_at=at + timedelta(hours=hours), client=(client or "")[:500]))
    return token


def _live(session: Session, digest: str, at: datetime) -> WebSession | None:
    row = session.get(WebSession, digest)
    if row is None or row.ended_at is not None or row.expires_at <= at:
        return None
    return row


def resolve_session(session: Session, token: str | None, *, hours: float = DEFAULT_HOURS,
                    at: datetime | None = None) -> Actor | None:
    """The signed-in person behind ``token`` (None: no such live session, or the user is no longer active)."""
    if not token:
        return None
    at = at or now()
    digest = token_hash(token)
    row = _live(session, digest, at)
    if row is None:
        return None
    try:
        actor = load_actor(session, row.user_id, session_token_hash=digest)
    except AuthError:
        return None
    if at - row.last_seen_at >= TOUCH_EVERY:
        row.last_seen_at = at
        row.expires_at = max(row.expires_at, at + timedelta(hours=hours))
    return actor


def check_alive(session: Session, actor: Actor, at: datetime | None = None) -> None:
    """Raise :class:`AuthError` when ``actor`` came from a browser session that has ended."""
    if actor.session_token_hash is None:
        return
    if _live(session, actor.session_token_hash, at or now()) is None:
        raise AuthError("auth.session.ended")
    load_actor(session, actor.user_id)  # still an active user


def end_session(session: Session, token: str | None, at: datetime | None = None) -> bool:
    """Sign out: end the session behind ``token``; True when there was a live one."""
    if not token:
        return False
    result = session.execute(update(WebSession).where(WebSession.token_hash == token_hash(token),
                                                      WebSession.ended_at.is_(None))
                             .values(ended_at=at or now()))
    return result.rowcount > 0


def end_user_sessions(session: Session, user_id: str, at: datetime | None = None) -> int:
    """End every live session of ``user_id`` (the user was disabled or changed password)."""
    result = session.execute(update(WebSession).where(WebSession.user_id == user_id, WebSession.ended_at.is_(None))
                             .values(ended_at=at or now()))
    return result.rowcount


def token_from_cookie_header(header: str | None) -> str | None:
    """The session token in a ``Cookie:`` header (as an app kernel receives it), if any."""
    if not header:
        return None
    cookies = SimpleCookie()
    try:
        cookies.load(header)
    except CookieError:
        return None
    morsel = cookies.get(COOKIE_NAME)
    return morsel.value if morsel is not None and morsel.value else None

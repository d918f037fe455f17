"""The session cookie: set, read and clear it the same way in every handler (password, single sign-on, sign-out)."""

from __future__ import annotations

from urllib.parse import urlsplit

from tornado.web import RequestHandler

from ..auth.sessions import COOKIE_NAME


def set_session_cookie(handler: RequestHandler, token: str, *, max_age_hours: float) -> None:
    """Give the browser its session token: HttpOnly, SameSite=Lax, Secure behind HTTPS, for the whole site."""
    secure = handler.request.protocol == "https"
    handler.set_cookie(COOKIE_NAME, token, path="/", httponly=True, samesite="Lax", secure=secure,
                       expires_days=max_age_hours / 24)


def session_token(handler: RequestHandler) -> str | None:
    """The token the browser sent (None without one)."""
    return handler.get_cookie(COOKIE_NAME) or None


def clear_session_cookie(handler: RequestHandler) -> None:
    handler.clear_cookie(COOKIE_NAME, path="/")


def safe_next(target: str | None, default: str = "/") -> str:
    """A post-sign-in redirect target that stays on this site (a path, never another host or scheme)."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target

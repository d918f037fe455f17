"""Single sign-on: the sign-in providers (plugins) and the step from a platform's user id to a session.

Providers come from the ``salesnb_signin_providers`` hook: the built-in
WeCom, DingTalk and Feishu ones (:mod:`salesnb.plugins.signin`) and any a
plugin adds; a plugin's provider replaces a built-in one of the same name.
A provider proves who the person is on the platform; :func:`sign_in_with_provider`
then finds the active user whose id column (``users.wecom_userid`` …) holds
that id and opens a database session, exactly as a password sign-in does.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..config import Settings
from ..errors import AuthError
from ..models import User
from ..plugins.manager import get_plugin_manager
from .people import is_active
from .sessions import DEFAULT_HOURS, start_session


def all_providers() -> dict[str, Any]:
    """Every registered provider by name, built-ins first (a plugin's provider wins over a built-in's name)."""
    found: dict[str, Any] = {}
    # pluggy calls the most recently registered plugin first; built-ins were registered first
    for result in reversed(get_plugin_manager().hook.salesnb_signin_providers()):
        for provider in result or ():
            found[str(provider.name)] = provider
    return found


def configured_providers(settings: Settings) -> list[Any]:
    """The providers that ``settings`` configures (``[sso.<name>]`` with every required option)."""
    return [provider for provider in all_providers().values() if provider.configured(settings)]


def get_provider(settings: Settings, name: str) -> Any:
    """The configured provider ``name``; :class:`AuthError` when there is none."""
    provider = all_providers().get(name)
    if provider is None or not provider.configured(settings):
        raise AuthError("auth.sso.unknown_provider", name=name)
    return provider


def sign_in_with_provider(session: Session, provider: Any, platform_user_id: str, *, hours: float = DEFAULT_HOURS,
                          client: str | None = None, at: datetime | None = None) -> str:
    """Open a session for the active user whose ``provider.user_column`` is ``platform_user_id``; return the token.

    An unknown id and a disabled user get the same :class:`AuthError`; two active
    users with the same id are an error for an administrator to fix.  The caller commits.
    """
    column = _column(provider)
    platform_user_id = (platform_user_id or "").strip()
    if not platform_user_id:
        raise AuthError("auth.sso.no_user", platform_user_id="")
    users = [u for u in session.scalars(select(User).where(column == platform_user_id).limit(10)) if is_active(u)]
    if not users:
        raise AuthError("auth.sso.no_user", platform_user_id=platform_user_id)
    if len(users) > 1:
        raise AuthError("auth.sso.ambiguous", column=provider.user_column, platform_user_id=platform_user_id)
    return start_session(session, users[0].user_id, provider=str(provider.name), hours=hours, client=client, at=at)


def _column(provider: Any):
    name = str(getattr(provider, "user_column", "") or "")
    column = User.__table__.columns.get(name)
    if column is None:
        raise AuthError("auth.sso.bad_column", name=getattr(provider, "name", "?"), column=name)
    return getattr(User, name)

"""Who sends a request: the session cookie, looked up in the database (or the one person of single-person mode).

Voila's handlers are jupyter_server handlers: each asks the identity
provider for the current user and sends anonymous requests to the sign-in
page (pages) or refuses them (the kernels' websockets, the APIs).  Nothing a
browser could forge (a header naming a user) is read here.
"""

from __future__ import annotations

import os

from jupyter_server.auth.identity import IdentityProvider, User
from sqlalchemy.orm import Session
from traitlets import Float, Unicode

from ..auth.people import load_actor
from ..auth.sessions import resolve_session
from ..db import get_engine
from ..errors import AuthError
from .cookies import session_token


class SessionIdentityProvider(IdentityProvider):
    """The signed-in person behind the ``salesnb_session`` cookie (a row of ``web_sessions``)."""

    single_user = Unicode("", config=True, help="Single-person mode (localhost only): every request is this user.")
    session_hours = Float(12.0, config=True, help="Hours a session lasts without use.")

    @property
    def auth_enabled(self) -> bool:
        return True

    @property
    def login_available(self) -> bool:
        return not self.single_user

    @property
    def logout_available(self) -> bool:
        return not self.single_user

    def get_handlers(self) -> list:
        return []  # the sign-in pages are added by SalesnbVoila, under the server's base URL

    def should_check_origin(self, handler) -> bool:
        return True

    def get_user(self, handler) -> User | None:
        engine = get_engine(os.environ.get("SALESNB_DB_URL") or None)
        with Session(engine) as session, session.begin():
            if self.single_user:
                try:
                    actor = load_actor(session, self.single_user)
                except AuthError:
                    return None
            else:
                actor = resolve_session(session, session_token(handler), hours=self.session_hours)
        if actor is None:
            return None
        return User(username=actor.user_id, name=actor.name, display_name=actor.name)

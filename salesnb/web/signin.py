"""Sign-in and sign-out pages: ``/salesnb/signin`` (password form) and ``/salesnb/signout``.

A wrong password, an unknown name and a disabled user get the same answer;
each wrong password slows the next answer down and five in a row lock the
name for a while (:mod:`salesnb.auth.signin`).  The password is checked in a
worker thread so a slow Argon2 hash never stalls the server.
"""

from __future__ import annotations

import asyncio
import os
from urllib.parse import urlencode

from jupyter_server.auth.decorator import allow_unauthenticated
from jupyter_server.base.handlers import JupyterHandler
from jupyter_server.utils import url_path_join
from sqlalchemy.orm import Session
from tornado.ioloop import IOLoop

from ..auth.sessions import end_session
from ..auth.signin import SignInPolicy, pending_delay, sign_in
from ..config import LANGUAGES, load_settings
from ..db import get_engine
from ..errors import AuthError
from ..i18n import t
from .cookies import clear_session_cookie, safe_next, session_token, set_session_cookie
from .pages import signin_page
from .sso import provider_links

SIGNIN_PATH = "/salesnb/signin"
SIGNOUT_PATH = "/salesnb/signout"


def _engine():
    return get_engine(os.environ.get("SALESNB_DB_URL") or None)


def policy() -> SignInPolicy:
    """The sign-in policy from ``[auth]`` in salesnb.toml (lock-out, slow-down, session hours)."""
    return SignInPolicy.from_settings(load_settings().section("auth"))


class _Page(JupyterHandler):
    def language(self) -> str:
        lang = self.get_argument("lang", None)
        return lang if lang in LANGUAGES else load_settings().language

    def home(self) -> str:
        return url_path_join(self.base_url, "voila/render/index.ipynb")

    def render_form(self, *, next_url: str, login: str = "", error: str | None = None, info: str | None = None,
                    status: int = 200) -> None:
        language = self.language()
        other = "en" if language != "en" else "zh-CN"
        query = urlencode({"next": next_url, "lang": other})
        self.set_status(status)
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.finish(signin_page(
            language=language, action=url_path_join(self.base_url, SIGNIN_PATH) + f"?lang={language}",
            next_url=next_url, xsrf_html=self.xsrf_form_html(), login=login, error=error, info=info,
            providers=self.provider_links(next_url, language),
            other_language_url=url_path_join(self.base_url, SIGNIN_PATH) + "?" + query))

    def provider_links(self, next_url: str, language: str) -> list[tuple[str, str]]:
        """(label, start URL) of each configured single sign-on provider."""
        return provider_links(load_settings(), next_url, language, base_url=self.base_url)


class SignInHandler(_Page):
    @allow_unauthenticated
    def get(self) -> None:
        next_url = safe_next(self.get_argument("next", None), self.home())
        error = t("web.signin.sso_failed", self.language()) if self.get_argument("error", None) == "sso" else None
        info = t("web.signin.signed_out", self.language()) if self.get_argument("signed_out", None) else None
        self.render_form(next_url=next_url, error=error, info=info)

    @allow_unauthenticated
    async def post(self) -> None:
        login = self.get_body_argument("login", "")[:200]
        password = self.get_body_argument("password", "")[:1000]
        next_url = safe_next(self.get_body_argument("next", None), self.home())
        rules = policy()
        client = f"{self.request.remote_ip} {self.request.headers.get('User-Agent', '')}"[:500]
        delay = await IOLoop.current().run_in_executor(None, _pending_delay, login, rules)
        if delay:
            await asyncio.sleep(delay)
        outcome = await IOLoop.current().run_in_executor(None, _attempt, login, password, rules, client)
        if isinstance(outcome, AuthError):
            self.log.info("salesnb sign-in refused (%s) from %s", outcome.key, self.request.remote_ip)
            self.render_form(next_url=next_url, login=login, error=outcome.render(self.language()), status=401)
            return
        set_session_cookie(self, outcome, max_age_hours=rules.session_hours)
        self.redirect(next_url)


def _pending_delay(login: str, rules: SignInPolicy) -> float:
    with Session(_engine()) as session:
        return pending_delay(session, login, rules)


def _attempt(login: str, password: str, rules: SignInPolicy, client: str) -> str | AuthError:
    """The session token, or the refusal (the failure is committed, so it counts)."""
    with Session(_engine()) as session:
        try:
            result = sign_in(session, login, password, policy=rules, client=client)
        except AuthError as exc:
            session.commit()
            return exc
        session.commit()
        return result.token


class SignOutHandler(_Page):
    @allow_unauthenticated
    def get(self) -> None:
        self._sign_out()

    @allow_unauthenticated
    def post(self) -> None:
        self._sign_out()

    def _sign_out(self) -> None:
        with Session(_engine()) as session, session.begin():
            end_session(session, session_token(self))
        clear_session_cookie(self)
        self.redirect(url_path_join(self.base_url, SIGNIN_PATH) + "?signed_out=1")


def signin_handlers() -> list[tuple[str, type]]:
    """The sign-in and sign-out routes (relative to the server's base URL)."""
    return [(SIGNIN_PATH, SignInHandler), (SIGNOUT_PATH, SignOutHandler)]

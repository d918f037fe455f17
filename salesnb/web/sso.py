"""Single sign-on routes: ``/salesnb/sso/<name>/start`` and ``/salesnb/sso/<name>/callback``.

``start?next=…`` draws a random ``state``, keeps it in an HttpOnly,
SameSite=Lax cookie (valid 10 minutes, sent only to these routes) together
with the provider, the page to open afterwards and the callback URL, and
sends the browser to the platform's sign-in page.  The cookie is a
double-submit check, like tornado's XSRF cookie, and is not signed: a
signature would need a key every ``salesnb serve`` process shares (Voila
draws a new cookie secret per process, and the start and the callback may
reach different processes), and nothing in it is trusted beyond the state
match — the page to open passes :func:`~salesnb.web.cookies.safe_next` again.  The platform sends the
browser back to ``callback`` with a code and the state; the handler checks
the state against the cookie (and forgets it), lets the provider trade the
code for the platform's user id, opens a session for the user holding that
id (:func:`salesnb.auth.sso.sign_in_with_provider`), sets the session
cookie and opens the page.  Any failure lands on the sign-in page with
``?error=sso&next=…``; the reason goes to the log, secrets masked.

The callback URL is ``[serve] public_url`` (the address at which browsers
reach the server's base URL) followed by ``salesnb/sso/<name>/callback``;
without it, the request's own scheme and host.  Register it with the
platform (WeCom: a trusted domain; DingTalk and Feishu: a redirect URL).
"""

from __future__ import annotations

import base64
import hmac
import inspect
import json
import logging
import os
import secrets
import time
import traceback
from typing import Any
from urllib.parse import urlencode, urlsplit

from jupyter_server.auth.decorator import allow_unauthenticated
from jupyter_server.base.handlers import JupyterHandler
from jupyter_server.utils import url_path_join
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from tornado.httputil import HTTPServerRequest
from tornado.ioloop import IOLoop

from ..auth.signin import SignInPolicy
from ..auth.sso import configured_providers, get_provider, sign_in_with_provider
from ..config import Settings, load_settings
from ..db import get_engine
from ..errors import AuthError
from ..i18n import t
from ..notify.redact import redact
from .cookies import safe_next, set_session_cookie

SSO_PATH = "/salesnb/sso"
STATE_COOKIE = "salesnb_sso"
STATE_MINUTES = 10
NAME_PATTERN = r"([A-Za-z0-9_-]+)"
MAX_PARAMS, MAX_VALUE = 20, 4096  # what a callback may carry into a provider

log = logging.getLogger("salesnb.web.sso")


def callback_url(settings: Settings, base_url: str, name: str, request: HTTPServerRequest | None = None) -> str:
    """Where the platform sends the browser back: ``public_url`` + ``salesnb/sso/<name>/callback``."""
    tail = url_path_join(SSO_PATH, name, "callback")
    public = str(settings.section("serve").get("public_url") or "").strip()
    if public:
        parts = urlsplit(public)
        return f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}{tail}"
    if request is None:
        raise ValueError("no [serve] public_url and no request to take the address from")
    return f"{request.protocol}://{request.host}{url_path_join(base_url, tail)}"


def start_path(base_url: str, name: str, next_url: str) -> str:
    """The start route of provider ``name``, opening ``next_url`` once signed in."""
    return url_path_join(base_url, SSO_PATH, name, "start") + "?" + urlencode({"next": next_url})


def provider_links(settings: Settings, next_url: str, language: str, *, base_url: str = "/") -> list[tuple[str, str]]:
    """(button label, start URL) of every configured provider, for the sign-in page."""
    return [(t("auth.sso.button", language, provider=provider.label(language)),
             start_path(base_url, provider.name, next_url)) for provider in configured_providers(settings)]


def authorize_url(provider: Any, settings: Settings, redirect_uri: str, state: str, user_agent: str) -> str:
    """The provider's sign-in page; a provider whose ``authorize_url`` takes ``user_agent`` gets the browser's."""
    if "user_agent" in inspect.signature(provider.authorize_url).parameters:
        return provider.authorize_url(settings, redirect_uri=redirect_uri, state=state, user_agent=user_agent)
    return provider.authorize_url(settings, redirect_uri=redirect_uri, state=state)


class _SsoHandler(JupyterHandler):
    """Shared by both routes: settings, the store, the way back to the sign-in page."""

    def initialize(self, settings: Settings | None = None, engine: Engine | None = None) -> None:
        self._salesnb_settings = settings
        self._salesnb_engine = engine

    def salesnb_settings(self) -> Settings:
        return self._salesnb_settings or load_settings()

    def salesnb_engine(self) -> Engine:
        return self._salesnb_engine or get_engine(os.environ.get("SALESNB_DB_URL") or None)

    @property
    def cookie_path(self) -> str:
        return url_path_join(self.base_url, SSO_PATH)

    def next_or_home(self, target: str | None) -> str:
        return safe_next(target, self.base_url)

    def fail(self, name: str, next_url: str, error: AuthError, **detail: Any) -> None:
        """Log why (secrets masked) and send the browser to the sign-in page with ``error=sso``."""
        extra = "".join(f" {key}={value}" for key, value in detail.items())
        log.warning("single sign-on through %s failed: %s%s", name, redact(error.render("en")), redact(extra))
        self.back_to_signin(next_url)

    def back_to_signin(self, next_url: str) -> None:
        """The sign-in page (the server's ``login_url``) with ``error=sso``."""
        self.redirect(self.get_login_url() + "?" + urlencode({"error": "sso", "next": next_url}))


class SsoStartHandler(_SsoHandler):
    """``GET /salesnb/sso/<name>/start?next=…``: remember a state, go to the platform's sign-in page."""

    @allow_unauthenticated
    def get(self, name: str) -> None:
        settings = self.salesnb_settings()
        next_url = self.next_or_home(self.get_argument("next", None))
        try:
            provider = get_provider(settings, name)
        except AuthError as exc:
            self.fail(name, next_url, exc)
            return
        state = secrets.token_urlsafe(24)
        redirect_uri = callback_url(settings, self.base_url, name, self.request)
        remembered = {"state": state, "provider": name, "next": next_url, "redirect_uri": redirect_uri,
                      "at": int(time.time())}
        value = base64.urlsafe_b64encode(json.dumps(remembered).encode()).decode()
        self.set_cookie(STATE_COOKIE, value, path=self.cookie_path, httponly=True, samesite="Lax",
                        secure=self.request.protocol == "https", max_age=STATE_MINUTES * 60)
        self.set_header("Cache-Control", "no-store")
        self.redirect(authorize_url(provider, settings, redirect_uri, state, self.request.headers.get("User-Agent", "")))


class SsoCallbackHandler(_SsoHandler):
    """``GET /salesnb/sso/<name>/callback?…&state=…``: check the state, trade the code, sign in, open the page."""

    @allow_unauthenticated
    async def get(self, name: str) -> None:
        remembered = self._remembered()
        self.clear_cookie(STATE_COOKIE, path=self.cookie_path)  # a state works once
        next_url = self.next_or_home(remembered.get("next"))
        state = self.get_argument("state", "")
        if (not remembered.get("fresh") or remembered.get("provider") != name or not state
                or not hmac.compare_digest(str(remembered.get("state", "")).encode(), state.encode())):
            self.fail(name, next_url, AuthError("auth.sso.state"))
            return
        params = {key: self.get_argument(key, "")[:MAX_VALUE] for key in list(self.request.arguments)[:MAX_PARAMS]}
        client = f"{self.request.remote_ip} {self.request.headers.get('User-Agent', '')}"[:500]
        try:
            token, hours = await IOLoop.current().run_in_executor(
                None, self._sign_in, name, params, str(remembered.get("redirect_uri", "")), client)
        except AuthError as exc:
            self.fail(name, next_url, exc, **({"platform_user_id": exc.params["platform_user_id"]}
                                              if "platform_user_id" in exc.params else {}))
            return
        except Exception:  # a provider's bug or an unreadable store: no traceback to the person
            log.error("single sign-on through %s broke:\n%s", name, redact(traceback.format_exc()))
            self.back_to_signin(next_url)
            return
        set_session_cookie(self, token, max_age_hours=hours)
        self.set_header("Cache-Control", "no-store")
        self.redirect(next_url)

    def _remembered(self) -> dict[str, Any]:
        raw = self.get_cookie(STATE_COOKIE) or ""
        try:
            value = json.loads(base64.urlsafe_b64decode(raw.encode()))
            value["fresh"] = 0 <= time.time() - float(value["at"]) <= STATE_MINUTES * 60
        except (ValueError, TypeError, KeyError):  # binascii.Error and JSON errors are ValueErrors
            return {}
        return value

    def _sign_in(self, name: str, params: dict[str, str], redirect_uri: str, client: str) -> tuple[str, float]:
        """In a worker thread: the platform's answer, then a session for its user (token, hours)."""
        settings = self.salesnb_settings()
        provider = get_provider(settings, name)
        platform_user_id = provider.exchange(settings, params=params, redirect_uri=redirect_uri)
        hours = SignInPolicy.from_settings(settings.section("auth")).session_hours
        with Session(self.salesnb_engine()) as session, session.begin():
            token = sign_in_with_provider(session, provider, platform_user_id, hours=hours, client=client)
        log.info("signed in through %s: platform user %s", name, platform_user_id)
        return token, hours


def sso_handlers(base_url: str = "/", *, settings: Settings | None = None,
                 engine: Engine | None = None) -> list[tuple[str, type, dict[str, Any]]]:
    """The single sign-on routes under ``base_url`` (settings and store: given, or the configured ones per request)."""
    kwargs = {"settings": settings, "engine": engine}
    return [
        (url_path_join(base_url, SSO_PATH, NAME_PATTERN, "start"), SsoStartHandler, kwargs),
        (url_path_join(base_url, SSO_PATH, NAME_PATTERN, "callback"), SsoCallbackHandler, kwargs),
    ]

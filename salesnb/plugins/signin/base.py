"""What a sign-in provider is, and what the built-in ones share: options, HTTP, errors, app tokens.

A provider turns the platform's web OAuth into the platform's user id:

- ``name`` — the route name (``/salesnb/sso/<name>/start``) and the ``[sso.<name>]`` section;
- ``labels`` — the platform's name per language (``{"zh-CN": "企业微信", "en": "WeCom"}``);
- ``user_column`` — the ``users`` column holding that id (``wecom_userid``);
- ``configured(settings) -> bool``;
- ``authorize_url(settings, *, redirect_uri, state) -> str`` — where the browser goes to sign in;
- ``exchange(settings, *, params, redirect_uri) -> str`` — the callback's query parameters
  (the code, however the platform names it) to the platform user id; raises
  :class:`~salesnb.errors.AuthError` with a message key on every failure.

:class:`SignInProvider` gives the built-ins their options (``[sso.<name>]`` in
salesnb.toml, the secret also from ``SALESNB_SSO_<NAME>_SECRET``, which wins),
one JSON-over-HTTP helper that turns transport failures into ``AuthError``
and registers every secret and token with :mod:`salesnb.notify.redact` (so
httpx's request log never shows one), and a per-process cache of app tokens.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
from collections.abc import Callable
from typing import Any, ClassVar
from urllib.parse import urlencode

import httpx

from ...auth import messages  # noqa: F401  (registers the texts)
from ...config import Settings
from ...errors import AuthError
from ...notify.redact import redact, register_secrets

TIMEOUT = httpx.Timeout(10.0, connect=5.0)
REFRESH_MARGIN = 300.0  # seconds before an app token's end when it is fetched again
MESSAGE_LIMIT = 200  # characters of a platform's error text kept in an error


class SignInProvider:
    """Base of the built-in providers; a third-party provider may subclass it or only have the same members."""

    name: ClassVar[str] = ""
    labels: ClassVar[dict[str, str]] = {}
    user_column: ClassVar[str] = ""
    required_options: ClassVar[tuple[str, ...]] = ()
    secret_option: ClassVar[str] = ""  # also read from SALESNB_SSO_<NAME>_SECRET
    defaults: ClassVar[dict[str, str]] = {}  # api_base, authorize_base …

    def label(self, language: str | None = None) -> str:
        """The platform's name in ``language`` (zh-CN when there is no such label)."""
        return self.labels.get(language or "zh-CN") or self.labels.get("zh-CN") or self.name

    @property
    def secret_env(self) -> str:
        return f"SALESNB_SSO_{self.name.upper()}_SECRET"

    def options(self, settings: Settings) -> dict[str, Any]:
        """``[sso.<name>]`` over the defaults, with the secret from the environment when it is set there."""
        section = settings.section("sso").get(self.name)
        merged: dict[str, Any] = {**self.defaults, **(section if isinstance(section, dict) else {})}
        if self.secret_option and os.environ.get(self.secret_env):
            merged[self.secret_option] = os.environ[self.secret_env]
        if self.secret_option and merged.get(self.secret_option):
            register_secrets([str(merged[self.secret_option])])
        return merged

    def missing_options(self, settings: Settings) -> list[str]:
        """The required options that are not set (empty when the provider can be used)."""
        section = settings.section("sso").get(self.name)
        if not isinstance(section, dict):
            return list(self.required_options)
        options = self.options(settings)
        return [key for key in self.required_options if not str(options.get(key) or "").strip()]

    def configured(self, settings: Settings) -> bool:
        """True when ``[sso.<name>]`` exists and names every required option."""
        return isinstance(settings.section("sso").get(self.name), dict) and not self.missing_options(settings)

    def authorize_url(self, settings: Settings, *, redirect_uri: str, state: str) -> str:
        raise NotImplementedError

    def exchange(self, settings: Settings, *, params: dict[str, str], redirect_uri: str) -> str:
        raise NotImplementedError

    # ------------------------------------------------------------ helpers for the built-ins
    @staticmethod
    def url(base: str, path: str, query: dict[str, Any] | None = None) -> str:
        """``base`` (no trailing slash needed) + ``path`` + the encoded ``query``."""
        full = str(base).rstrip("/") + path
        return f"{full}?{urlencode(query)}" if query else full

    @staticmethod
    def code_from(params: dict[str, str], *names: str) -> str:
        """The authorization code from the callback's parameters, under the first of ``names`` present."""
        if params.get("error"):
            raise AuthError("auth.sso.denied")
        for name in names:
            if params.get(name):
                return str(params[name])
        raise AuthError("auth.sso.code_invalid")


_http: httpx.Client | None = None
_http_lock = threading.Lock()


def http_client() -> httpx.Client:
    """One client per process for every provider (creating one costs ~0.2 s; it keeps connections alive)."""
    global _http
    with _http_lock:
        if _http is None or _http.is_closed:
            _http = httpx.Client(timeout=TIMEOUT)
        return _http


def call_json(method: str, url: str, *, service: str, **kwargs: Any) -> tuple[int, dict[str, Any]]:
    """One request to a platform API: (HTTP status, JSON object).  No answer, or no JSON object: AuthError.

    Errors name ``service`` and the failure's type, never the URL (it can carry a secret).
    """
    try:
        response = http_client().request(method, url, **kwargs)
    except httpx.HTTPError as exc:
        raise AuthError("auth.sso.unreachable", service=service, reason=type(exc).__name__) from None
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise AuthError("auth.sso.platform_error", service=service, code=f"HTTP {response.status_code}",
                        message="no JSON object in the reply")
    return response.status_code, body


def platform_error(service: str, code: object, message: object) -> AuthError:
    """The error for a platform's refusal, its text cut short and any secret masked."""
    return AuthError("auth.sso.platform_error", service=service, code=code,
                     message=redact(str(message or ""))[:MESSAGE_LIMIT])


class AppTokens:
    """App access tokens cached per process: fetched on first use, again shortly before they end or on demand."""

    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self.clock = clock
        self._tokens: dict[tuple[str, ...], tuple[str, float]] = {}
        self._lock = threading.Lock()

    @staticmethod
    def key(*parts: str, secret: str) -> tuple[str, ...]:
        return (*parts, hashlib.sha256(secret.encode()).hexdigest())

    def get(self, key: tuple[str, ...], fetch: Callable[[], tuple[str, float]], *, refresh: bool = False) -> str:
        """The token for ``key``; ``fetch()`` returns (token, lifetime in seconds)."""
        with self._lock:
            cached = self._tokens.get(key)
            if cached and not refresh and self.clock() < cached[1] - REFRESH_MARGIN:
                return cached[0]
            token, lifetime = fetch()
            register_secrets([token])
            self._tokens[key] = (token, self.clock() + lifetime)
            return token

    def forget(self) -> None:
        """Drop every cached token (tests, or after rotating a secret)."""
        with self._lock:
            self._tokens.clear()

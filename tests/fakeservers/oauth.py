"""What the platforms' web sign-in pages have in common, as the fakes play them.

The authorize page is a GET that, for the person signed in to the platform in
this browser (``signed_in`` on the fake), redirects straight back to
``redirect_uri`` with a code and the state — what a signed-in employee sees
after one click.  With ``consent = True`` it is a page with a confirm link
instead (DingTalk's ``prompt=consent`` page, Feishu's 授权 button, WeCom's
confirmation after a scan): the way back then starts on the platform's site,
as it does when a person scans a QR code, which is what SameSite rules see.  Codes work once and for five minutes (all three platforms
say so); the fakes answer a used, an expired and an unknown code with each
platform's own error.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from itertools import count
from urllib.parse import urlencode

from .base import Reply

CODE_LIFETIME = 300.0


@dataclass
class Grant:
    code: str
    person: str  # the platform account that signed in
    redirect_uri: str
    issued_at: float
    used: bool = False


class AuthCodes:
    """One-use authorization codes with a five-minute life."""

    def __init__(self, clock: Callable[[], float], prefix: str):
        self.clock = clock
        self.prefix = prefix
        self.grants: dict[str, Grant] = {}
        self._serial = count(1)

    def issue(self, person: str, redirect_uri: str = "") -> str:
        code = f"{self.prefix}{next(self._serial):04d}{secrets.token_hex(8)}"
        self.grants[code] = Grant(code, person, redirect_uri, self.clock())
        return code

    def redeem(self, code: str) -> tuple[str, Grant | None]:
        """("ok", grant) and the code is spent; or ("unknown" | "used" | "expired", grant or None)."""
        grant = self.grants.get(code or "")
        if grant is None:
            return "unknown", None
        if grant.used:
            return "used", grant
        if self.clock() - grant.issued_at > CODE_LIFETIME:
            return "expired", grant
        grant.used = True
        return "ok", grant


def with_query(location: str, **params: str) -> str:
    return location + ("&" if "?" in location else "?") + urlencode(params) if params else location


def redirect(location: str, **params: str) -> Reply:
    """A 302 to ``location`` with ``params`` added to its query."""
    return Reply(None, status=302, headers={"Location": with_query(location, **params)})


def back_to_app(consent: bool, location: str, **params: str) -> Reply:
    """The way back to the app: at once (a 302), or through a consent page the person confirms."""
    if not consent:
        return redirect(location, **params)
    target = escape(with_query(location, **params))
    return Reply(html=f'<!doctype html><html><body><p>授权登录</p><a id="confirm" href="{target}">确认登录</a>'
                      "</body></html>")

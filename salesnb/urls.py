"""Secrets inside URLs: a database URL may carry a password as ``user:password@`` or as a query
parameter (``?password=…``, ``sslpassword=…``, a token).  :func:`url_secrets` finds them,
:func:`safe_url` gives the URL with each replaced by ``***`` for printing or storing.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit, urlunsplit

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

MASK = "***"
SECRET_PARAM_WORDS = ("password", "passwd", "pwd", "secret", "token", "apikey", "api_key", "access_key")


def is_secret_param(name: str) -> bool:
    """True for a query parameter whose value is a credential."""
    lowered = name.lower()
    return any(word in lowered for word in SECRET_PARAM_WORDS)


def url_secrets(url: str | URL) -> list[str]:
    """The password and the secret query values of ``url`` (decoded); empty when it holds none."""
    parsed = _parse(url)
    if isinstance(parsed, URL):
        found = [parsed.password] if parsed.password else []
        for name, value in parsed.query.items():
            if is_secret_param(name):
                found.extend(v for v in ([value] if isinstance(value, str) else value) if v)
        return [str(s) for s in found]
    if parsed is None:
        return []
    found = [parsed.password] if parsed.password else []
    return found + [v for k, v in parse_qsl(parsed.query, keep_blank_values=True) if is_secret_param(k) and v]


def has_secret(url: str | URL) -> bool:
    return bool(url_secrets(url))


def safe_url(url: str | URL) -> str:
    """``url`` with its password and secret query values shown as ``***``."""
    parsed = _parse(url)
    if isinstance(parsed, URL):
        query: dict[str, Any] = {k: (MASK if is_secret_param(k) else v) for k, v in parsed.query.items()}
        shown = parsed.set(query=query)
        text = shown.render_as_string(hide_password=True)
        return text.replace(quote(MASK, safe=""), MASK)
    if parsed is None:
        return str(url)
    netloc = parsed.netloc
    if parsed.password:
        netloc = netloc.replace(f":{parsed.password}@", f":{MASK}@", 1) if f":{parsed.password}@" in netloc \
            else f"{parsed.username or ''}:{MASK}@{parsed.hostname or ''}" + (f":{parsed.port}" if parsed.port else "")
    query = "&".join(f"{k}={MASK if is_secret_param(k) else quote(v, safe='')}"
                     for k, v in parse_qsl(parsed.query, keep_blank_values=True))
    return urlunsplit((parsed.scheme, netloc, parsed.path, query, parsed.fragment))


def _parse(url: str | URL):
    if isinstance(url, URL):
        return url
    try:
        return make_url(str(url))
    except (ArgumentError, ValueError):
        pass
    try:
        parts = urlsplit(str(url))
    except ValueError:
        return None
    return parts if parts.scheme and parts.netloc else None

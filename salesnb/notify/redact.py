"""Keep secrets out of outputs and logs: replace every known secret value with ``***``.

Channel secrets (webhook keys, signing secrets, SMTP passwords) end up in
URLs and error texts; httpx logs request URLs at INFO level.  Every secret a
channel config holds is registered here, and a logging filter on the loggers
that could see one rewrites their records.

A secret is masked in the shapes it takes on the way out, not only as
itself: URL-encoded (``quote``, ``quote_plus``, lower-case hex, twice
encoded), base64 (standard and URL-safe, padded or not, also inside a longer
base64 text such as a Basic or SMTP ``AUTH PLAIN`` credential), hex, and
escaped for JSON, HTML or a Python ``repr``.
"""

from __future__ import annotations

import base64
import html
import json
import logging
import re
import threading
from collections.abc import Iterable
from functools import lru_cache
from urllib.parse import quote, quote_plus

MASK = "***"
MIN_SECRET_LEN = 4  # shorter values would mask ordinary words
MIN_ENCODED_LEN = 8  # a base64 fragment shorter than this could occur by chance
WATCHED_LOGGERS = ("httpx", "httpcore", "httpcore.connection", "httpcore.http11", "salesnb",
                   "salesnb.notify", "salesnb.notify.flush", "salesnb.plugins")

_secrets: set[str] = set()
_lock = threading.Lock()
_pattern: re.Pattern[str] | None = None


def register_secrets(values: Iterable[object]) -> None:
    """Remember secret values so that :func:`redact` and the log filter mask them."""
    global _pattern
    with _lock:
        for value in values:
            if isinstance(value, str) and len(value) >= MIN_SECRET_LEN and value not in _secrets:
                _secrets.add(value)
                _pattern = None
    _install_filter()


def redact(text: object, extra: Iterable[str] = ()) -> str:
    """``text`` with every registered (and ``extra``) secret, in any of its encoded forms, replaced by ``***``."""
    global _pattern
    out = str(text)
    with _lock:
        if _pattern is None:
            _pattern = _compile(frozenset(_secrets))
        pattern = _pattern
    more = frozenset(s for s in extra if isinstance(s, str) and len(s) >= MIN_SECRET_LEN) - _secrets
    if pattern is not None:
        out = pattern.sub(MASK, out)
    if more:
        out = _compile(more).sub(MASK, out)
    return out


def _compile(secrets: frozenset[str]) -> re.Pattern[str] | None:
    shapes = {shape for secret in secrets for shape in encoded_forms(secret)}
    if not shapes:
        return None
    return re.compile("|".join(re.escape(s) for s in sorted(shapes, key=len, reverse=True)))


@lru_cache(maxsize=256)
def encoded_forms(secret: str) -> frozenset[str]:
    """The shapes ``secret`` can take in a URL, a log line or a serialised message."""
    raw = secret.encode("utf-8")
    url = {quote(secret, safe=""), quote(secret), quote_plus(secret), quote(quote(secret, safe=""), safe="")}
    url |= {re.sub(r"%[0-9A-F]{2}", lambda m: m.group(0).lower(), u) for u in url}
    text = {secret, *url, raw.hex(), raw.hex().upper(), json.dumps(secret)[1:-1],
            json.dumps(secret, ensure_ascii=False)[1:-1], html.escape(secret), repr(secret)[1:-1]}
    for encode in (base64.b64encode, base64.urlsafe_b64encode):
        whole = encode(raw).decode()
        text |= {whole, whole.rstrip("=")}
        text |= {core for core in _base64_cores(raw, encode) if len(core) >= MIN_ENCODED_LEN}
    return frozenset(s for s in text if len(s) >= MIN_SECRET_LEN)


def _base64_cores(raw: bytes, encode) -> list[str]:
    """The characters of ``raw``'s base64 that do not depend on its neighbours, at each of the 3 alignments
    it can have inside a longer base64 text."""
    cores = []
    for offset in range(3):
        encoded = encode(b"\0" * offset + raw).decode()
        start = 4 if offset else 0  # the first group mixes the unknown bytes before the secret
        end = 4 * ((offset + len(raw)) // 3)  # a last partial group mixes the bytes after it
        cores.append(encoded[start:end])
    return cores


class RedactingFilter(logging.Filter):
    """Rewrite a log record's message with secrets masked (the record still goes out)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


_filter = RedactingFilter()


def _install_filter() -> None:
    for name in WATCHED_LOGGERS:
        logger = logging.getLogger(name)
        if _filter not in logger.filters:
            logger.addFilter(_filter)

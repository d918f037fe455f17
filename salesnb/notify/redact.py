"""Keep secrets out of outputs and logs: replace every known secret value with ``***``.

Channel secrets (webhook keys, signing secrets, SMTP passwords) end up in
URLs and error texts; httpx logs request URLs at INFO level.  Every secret a
channel config holds is registered here, and a logging filter on the loggers
that could see one rewrites their records.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable

MASK = "***"
MIN_SECRET_LEN = 4  # shorter values would mask ordinary words
WATCHED_LOGGERS = ("httpx", "httpcore", "httpcore.connection", "httpcore.http11", "salesnb",
                   "salesnb.notify", "salesnb.notify.flush", "salesnb.plugins")

_secrets: set[str] = set()
_lock = threading.Lock()


def register_secrets(values: Iterable[object]) -> None:
    """Remember secret values so that :func:`redact` and the log filter mask them."""
    with _lock:
        for value in values:
            if isinstance(value, str) and len(value) >= MIN_SECRET_LEN:
                _secrets.add(value)
    _install_filter()


def redact(text: object, extra: Iterable[str] = ()) -> str:
    """``text`` with every registered (and ``extra``) secret replaced by ``***``."""
    out = str(text)
    with _lock:
        secrets = sorted({*_secrets, *(s for s in extra if s and len(s) >= MIN_SECRET_LEN)}, key=len, reverse=True)
    for secret in secrets:
        if secret in out:
            out = out.replace(secret, MASK)
    return out


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

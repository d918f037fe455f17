"""HTTP for sources: retries with backoff, rate limits, and no secret in any message.

:class:`HttpClient` wraps an ``httpx.Client``: at most ``rate_per_minute``
requests a minute; a 429 waits ``Retry-After`` (capped) or backs off; a 5xx,
a timeout or a dropped connection backs off exponentially up to ``retries``
times; anything else raises :class:`~salesnb.errors.SyncError` with the URL
shown without its query string (tokens travel there).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection
from typing import Any

import httpx

from ..errors import SyncError
from ..notify.redact import redact

RETRY_STATUSES = {429, 500, 502, 503, 504}
MAX_RETRY_AFTER = 60.0


class HttpClient:
    def __init__(self, base_url: str = "", *, headers: dict[str, str] | None = None, retries: int = 4,
                 backoff: float = 0.5, rate_per_minute: float = 0, timeout: float = 30.0,
                 sleep: Callable[[float], None] = time.sleep):
        self.client = httpx.Client(base_url=base_url, headers=headers or {}, timeout=timeout)
        self.retries, self.backoff = retries, backoff
        self.interval = 60.0 / rate_per_minute if rate_per_minute else 0.0
        self.sleep = sleep
        self._last = 0.0
        self.requests = 0

    def close(self) -> None:
        self.client.close()

    def _pace(self) -> None:
        if self.interval:
            wait = self._last + self.interval - time.monotonic()
            if wait > 0:
                self.sleep(wait)
        self._last = time.monotonic()

    def request(self, method: str, url: str, *, allow: Collection[int] = (), **kw: Any) -> httpx.Response:
        """The response of the first attempt that is neither throttled nor failed, or SyncError.

        ``allow``: statuses ≥ 400 that are an answer, not a failure (an API saying "no such user" with a 400).
        """
        detail = ""
        shown = redact(url.split("?", 1)[0])
        for attempt in range(self.retries + 1):
            if attempt:
                self.sleep(self._delay(attempt, detail))
            self._pace()
            self.requests += 1
            try:
                response = self.client.request(method, url, **kw)
            except httpx.TransportError as exc:
                detail = f"{type(exc).__name__}"
                continue
            if response.status_code in RETRY_STATUSES:
                detail = f"HTTP {response.status_code}"
                self._retry_after = response.headers.get("Retry-After")
                continue
            if response.status_code >= 400 and response.status_code not in allow:
                raise SyncError("sync.http_failed", url=shown, attempts=attempt + 1,
                                detail=redact(f"HTTP {response.status_code} {response.text[:200]}"))
            return response
        raise SyncError("sync.http_failed", url=shown, attempts=self.retries + 1, detail=redact(detail))

    _retry_after: str | None = None

    def _delay(self, attempt: int, detail: str) -> float:
        if detail == "HTTP 429" and self._retry_after:
            try:
                return min(float(self._retry_after), MAX_RETRY_AFTER)
            except ValueError:
                pass
        return self.backoff * 2 ** (attempt - 1)

    def json(self, method: str, url: str, **kw: Any) -> Any:
        response = self.request(method, url, **kw)
        try:
            return response.json()
        except ValueError:
            raise SyncError("sync.http_failed", url=redact(url.split("?", 1)[0]), attempts=1,
                            detail="not JSON") from None


def dig(data: Any, path: str | None) -> Any:
    """``data["a"]["b"]`` for ``"a.b"`` (None when absent); the whole ``data`` for an empty path."""
    if not path:
        return data
    for part in path.split("."):
        if isinstance(data, dict):
            data = data.get(part)
        elif isinstance(data, list) and part.isdigit() and int(part) < len(data):
            data = data[int(part)]
        else:
            return None
    return data

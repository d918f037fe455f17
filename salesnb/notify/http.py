"""JSON-over-HTTP for the messenger APIs: map transport failures and error codes to delivery errors."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import httpx

from .notifier import InDoubt, PermanentFailure, RateLimited, TemporaryFailure

JSON_HEADERS = {"Content-Type": "application/json; charset=utf-8"}
DEFAULT_RATE_PAUSE = 60.0  # seconds to wait after a rate-limit code


def request_json(http: httpx.Client, method: str, url: str, *, content: bytes | None = None,
                 params: dict[str, Any] | None = None, files: dict[str, Any] | None = None) -> dict[str, Any]:
    """Send one request and return the JSON reply, raising a DeliveryError on failure.

    ``files`` sends a multipart/form-data upload (httpx's ``files``) instead of a JSON body.

    A failure to connect means the request never left: :class:`TemporaryFailure`.
    A failure after connecting (timeout reading, connection dropped) means the
    server may have acted on it: :class:`InDoubt`.
    """
    try:
        if files is not None:
            response = http.request(method, url, params=params, files=files)
        else:
            response = http.request(method, url, content=content, params=params,
                                    headers=JSON_HEADERS if content is not None else None)
    except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
        raise TemporaryFailure(f"cannot connect: {type(exc).__name__}: {exc}") from None
    except httpx.TransportError as exc:
        raise InDoubt(f"no answer: {type(exc).__name__}: {exc}") from None
    if response.status_code == 429:
        raise RateLimited("HTTP 429 Too Many Requests", retry_after=_retry_after(response))
    if response.status_code >= 500:
        raise TemporaryFailure(f"HTTP {response.status_code} from server")
    if response.status_code >= 400:
        raise PermanentFailure(f"HTTP {response.status_code} from server (wrong address or token?)")
    try:
        reply = response.json()
    except ValueError:
        raise TemporaryFailure(f"reply is not JSON (HTTP {response.status_code})") from None
    if not isinstance(reply, dict):
        raise TemporaryFailure("reply is not a JSON object")
    return reply


def check_code(reply: dict[str, Any], *, code_key: str, message_key: str,
               rate_codes: Collection[int], permanent_codes: Collection[int],
               rate_pause: float = DEFAULT_RATE_PAUSE, service: str = "") -> None:
    """Raise the delivery error that ``reply``'s error code calls for; return when it is 0.

    Unknown non-zero codes are treated as temporary (retried up to the outbox's
    attempt limit): the services also answer transient codes such as -1 "busy".
    """
    code = reply.get(code_key, 0)
    try:
        code = int(code)
    except (TypeError, ValueError):
        raise TemporaryFailure(f"{service} reply has no valid {code_key}: {code!r}") from None
    if code == 0:
        return
    reason = f"{service} error {code}: {reply.get(message_key, '')}".strip()
    if code in rate_codes:
        raise RateLimited(reason, code=code, retry_after=rate_pause)
    if code in permanent_codes:
        raise PermanentFailure(reason, code=code)
    raise TemporaryFailure(reason, code=code)


def _retry_after(response: httpx.Response) -> float:
    try:
        return float(response.headers.get("Retry-After", DEFAULT_RATE_PAUSE))
    except ValueError:
        return DEFAULT_RATE_PAUSE

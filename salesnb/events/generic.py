"""The generic webhook: any system that can call out POSTs canonical rows, signed with a shared secret.

Configured in ``[events.generic]``: ``secret``.  The request::

    POST /salesnb/events/generic
    X-Salesnb-Timestamp: 1700000000                       (unix seconds)
    X-Salesnb-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>

    {"event_id": "crm-42", "table": "leads", "rows": [{"lead_id": "L1", …}, …]}

Rows use the canonical column names (or their header aliases) and are validated and upserted exactly like
an import (:func:`salesnb.io.importer.import_frame`).  Pure functions here; the store side is
:mod:`salesnb.events.store`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Any

from ..errors import EventError
from ..schema import table_specs
from . import messages  # noqa: F401  (registers the texts)
from .model import check_fresh, check_size

SOURCE = "generic"
MAX_ROWS = 10_000
MAX_ID = 200


def sign(secret: str, timestamp: str | int, body: bytes) -> str:
    """``sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>">``."""
    mac = hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify(secret: str, timestamp: str | None, given: str | None, body: bytes, now: float | None = None) -> None:
    """Raise :class:`EventError` unless the signature is right and the timestamp within 5 minutes."""
    check_size(body)
    if not secret:
        raise EventError("events.not_configured", source=SOURCE)
    check_fresh(timestamp, now)
    expected = sign(secret, str(timestamp), body)
    if not hmac.compare_digest(expected.encode(), (given or "").strip().lower().encode()):
        raise EventError("events.bad_signature")


@dataclass(frozen=True)
class RowsEvent:
    event_id: str
    table: str
    rows: list[dict[str, Any]]


def parse(body: bytes) -> RowsEvent:
    """The event's id, canonical table and rows; raises ``events.bad_body`` / ``events.unknown_table``."""
    try:
        data = json.loads(body)
    except ValueError as exc:
        raise EventError("events.bad_body", reason="not JSON") from exc
    if not isinstance(data, dict):
        raise EventError("events.bad_body", reason="expected a JSON object")
    event_id, table, rows = data.get("event_id"), data.get("table"), data.get("rows")
    if not isinstance(event_id, (str, int)) or isinstance(event_id, bool) or not str(event_id).strip() \
            or len(str(event_id)) > MAX_ID:
        raise EventError("events.bad_body", reason=f"event_id must be a non-empty text of at most {MAX_ID} characters")
    if not isinstance(table, str) or table not in table_specs():
        raise EventError("events.unknown_table", table=str(table)[:60], known=", ".join(table_specs()))
    if not isinstance(rows, list) or not rows or not all(isinstance(r, dict) for r in rows):
        raise EventError("events.bad_body", reason="rows must be a non-empty list of objects")
    if len(rows) > MAX_ROWS:
        raise EventError("events.too_many_rows", limit=MAX_ROWS, rows=len(rows))
    return RowsEvent(str(event_id), table, rows)

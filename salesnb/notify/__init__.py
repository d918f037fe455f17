"""Notifications: the durable outbox, its delivery and the notifier base classes."""

from __future__ import annotations

import importlib
from typing import Any

# name → module: imported on first use, so enqueueing a message does not load the HTTP client or pandas
_EXPORTS = {
    "enqueue": "outbox", "flush": "flush", "FlushReport": "flush", "Backoff": "flush",
    "requeue": "status", "outbox_counts": "status", "outbox_messages": "status",
    "ChannelConfig": "channels", "NotifyConfig": "channels", "load_notify_config": "channels",
    "resolve_recipients": "recipients", "truncate_utf8": "textutil",
    **{name: "notifier" for name in ("Notifier", "Notification", "Recipient", "SendResult", "DeliveryContext",
                                     "DeliveryError", "PermanentFailure", "TemporaryFailure", "RateLimited",
                                     "InDoubt")},
}

__all__ = sorted(_EXPORTS)

# ``flush`` is also the name of a module of this package: bound now, so importing that module (which
# makes ``salesnb.notify.flush`` the module) cannot hide the function from ``from salesnb.notify import flush``.
from .flush import flush  # noqa: E402


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

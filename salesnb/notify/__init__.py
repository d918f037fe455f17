"""Notifications: the durable outbox, its delivery and the notifier base classes."""

from .channels import ChannelConfig, NotifyConfig, load_notify_config
from .flush import Backoff, FlushReport, flush
from .notifier import (
    DeliveryContext,
    DeliveryError,
    InDoubt,
    Notification,
    Notifier,
    PermanentFailure,
    RateLimited,
    Recipient,
    SendResult,
    TemporaryFailure,
)
from .outbox import enqueue
from .recipients import resolve_recipients
from .status import outbox_counts, outbox_messages, requeue
from .textutil import truncate_utf8

__all__ = [
    "enqueue", "flush", "FlushReport", "Backoff", "requeue", "outbox_counts", "outbox_messages",
    "ChannelConfig", "NotifyConfig", "load_notify_config", "resolve_recipients", "truncate_utf8",
    "Notifier", "Notification", "Recipient", "SendResult", "DeliveryContext",
    "DeliveryError", "PermanentFailure", "TemporaryFailure", "RateLimited", "InDoubt",
]

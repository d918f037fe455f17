"""Sending one notification on one channel, through the plugins."""

from __future__ import annotations

from ..errors import SalesnbError
from ..plugins.manager import get_plugin_manager
from .channels import ChannelConfig
from .notifier import (
    DeliveryContext,
    Notification,
    Notifier,
    PermanentFailure,
    SendResult,
)


def channel_types() -> dict[str, type[Notifier]]:
    """Every channel type the installed plugins provide (a later-registered plugin overrides)."""
    types: dict[str, type[Notifier]] = {}
    for contributed in get_plugin_manager().hook.salesnb_channel_types():
        for cls in contributed or ():
            # pluggy calls the last-registered plugin first: the first seen wins.
            types.setdefault(cls.type, cls)
    return types


def make_notifier(channel: ChannelConfig, context: DeliveryContext) -> Notifier:
    """The notifier of ``channel``'s type; raise SalesnbError for an unknown type or bad options."""
    types = channel_types()
    cls = types.get(channel.type)
    if cls is None:
        raise SalesnbError(
            f"channel {channel.name!r} has unknown type {channel.type!r}; installed types: {', '.join(sorted(types))}")
    return cls(channel, context)


def send_notification(channel: ChannelConfig, notification: Notification, notifier: Notifier) -> SendResult:
    """Deliver through the ``salesnb_send_notification`` hook (plugins first, then ``notifier``)."""
    result = get_plugin_manager().hook.salesnb_send_notification(
        channel=channel, notification=notification, notifier=notifier)
    if result is None:
        raise PermanentFailure(f"no plugin delivers channel type {channel.type!r}")
    return result

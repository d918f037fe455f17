"""The last-resort sender: hand the notification to the channel's notifier.

Registered as an ordinary plugin with ``trylast`` so that any other plugin
implementing ``salesnb_send_notification`` (an archive, a staging redirect)
is asked first.
"""

from __future__ import annotations

from ..hookspecs import hookimpl


@hookimpl(trylast=True)
def salesnb_send_notification(channel, notification, notifier):
    if notifier is None:
        return None
    return notifier.send(notification)

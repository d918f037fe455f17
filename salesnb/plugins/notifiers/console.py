"""Console / file notifier for development: one JSON line per message.

Options: ``path`` (append to this file; absent: standard output).  The
built-in ``console`` channel writes to ``notifications.log`` in the data
folder when no other default route is configured.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime, timezone

from ...notify.notifier import Notification, Notifier, SendResult
from ..hookspecs import hookimpl


class ConsoleNotifier(Notifier):
    type = "console"
    description = "development: print messages, or append them to a file, as JSON lines"

    def send(self, notification: Notification) -> SendResult:
        line = json.dumps({
            "at": datetime.fromtimestamp(self.context.clock(), timezone.utc).isoformat(),
            "channel": self.channel.name,
            "dedup_key": notification.dedup_key,
            "subject": notification.subject,
            "body": notification.body,
            "to": [p.user_id for p in notification.recipients],
            "cc": [p.user_id for p in notification.cc],
        }, ensure_ascii=False)
        path = self.option("path")
        if path:
            with open(path, "a", encoding="utf-8") as fh:
                fh.write(line + "\n")
        else:
            sys.stdout.write(line + "\n")
            sys.stdout.flush()
        return SendResult(self.channel.name, detail=f"written to {path or 'stdout'}")


@hookimpl
def salesnb_channel_types():
    return [ConsoleNotifier]

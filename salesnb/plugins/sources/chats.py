"""Chat messages pulled from a platform (an archive, a message list) → interactions and first responses.

What the chat sources (``wecom_archive``, ``feishu_messages``) share: a pulled message is applied exactly
like a message that arrived as an event, by :func:`salesnb.events.store.apply_message` — a team member
writing to a customer's contact becomes an interaction and sets the first response of the customer's open,
unanswered leads.  A message from anyone else (the customer answering, a colleague) or to no customer's
contact changes nothing; a message already applied (same platform and message id) changes nothing either.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy.orm import Session

from ...events.model import MessageEvent
from ...events.store import apply_message, customer_of_contact, sender_user
from ...io import TableResult


@dataclass(frozen=True)
class Pulled:
    """One message read from a platform: its id, who sent it, whom it went to, when, and its text."""

    message_id: str
    sender: tuple[str, ...]  # the sender's platform ids
    recipients: tuple[str, ...]  # ids a customer's ``contact_ids`` may list: the other side, the group, the chat
    at: datetime
    text: str | None = None


def apply_pulled(session: Session, platform: str, label: str, pulled: Sequence[Pulled],
                 read: int | None = None) -> list[TableResult]:
    """Apply each message in ``session`` (the batch's transaction).

    Counts: ``read`` items (default: the messages; an archive page also has recalls and logs), applied, the rest
    unchanged.
    """
    applied = 0
    for item in pulled:
        message = MessageEvent(platform, item.sender, "", item.at, item.text)
        if not item.recipients or sender_user(session, message) is None:
            continue  # not written by a member of the team
        contact = next((c for c in item.recipients if customer_of_contact(session, c) is not None), None)
        if contact is None:
            continue
        outcome = apply_message(session, replace(message, contact=contact), item.message_id)
        applied += outcome.get("message") == "applied"
    rows = len(pulled) if read is None else read
    return [TableResult(label, "interactions", rows=rows, inserted=applied, unchanged=rows - applied)]

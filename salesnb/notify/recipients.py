"""Recipients are user ids; each channel needs an address from the ``users`` table.  Attached files are
ids in the ``attachments`` table."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from ..models import Attachment, User
from .notifier import FileAttachment, Recipient


def resolve_recipients(session: Session | Connection, user_ids: Iterable[str]) -> tuple[list[Recipient], list[str]]:
    """Look ``user_ids`` up in ``users``; return the recipients (input order) and the unknown ids.

    Each recipient carries the WeCom user id, mobile and e-mail; a notifier
    picks the one its channel needs.
    """
    ids = list(dict.fromkeys(str(u) for u in user_ids if u not in (None, "")))
    if not ids:
        return [], []
    query = select(User.user_id, User.name, User.wecom_userid, User.mobile, User.email).where(User.user_id.in_(ids))
    rows = {u.user_id: u for u in session.execute(query)}
    found = [
        Recipient(user_id=u.user_id, name=u.name, wecom_userid=_clean(u.wecom_userid),
                  mobile=_clean(u.mobile), email=_clean(u.email))
        for uid in ids if (u := rows.get(uid)) is not None
    ]
    return found, [uid for uid in ids if uid not in rows]


def addresses(people: Iterable[Recipient], attribute: str) -> list[str]:
    """The non-empty ``attribute`` (``wecom_userid``, ``mobile`` or ``email``) of each person, once."""
    return list(dict.fromkeys(v for p in people if (v := getattr(p, attribute))))


def _clean(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def load_attachments(session: Session | Connection, ids: Iterable[object]) -> list[FileAttachment]:
    """The files of ``payload["attachments"]`` (ids in ``attachments``), in that order; unknown ids are skipped."""
    wanted = [int(i) for i in ids if str(i).isdigit()]
    if not wanted:
        return []
    query = select(Attachment.id, Attachment.filename, Attachment.mime, Attachment.content)
    rows = {r.id: r for r in session.execute(query.where(Attachment.id.in_(wanted)))}
    return [FileAttachment(rows[i].filename, rows[i].mime, bytes(rows[i].content)) for i in wanted if i in rows]

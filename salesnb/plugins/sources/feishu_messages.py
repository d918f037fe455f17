"""The ``feishu_messages`` sync source: Feishu chats' history → interactions and first responses.

Settings::

    [sync.feishu_chats]
    type = "feishu_messages"        # POST /open-apis/auth/v3/tenant_access_token/internal;
    app_id = "cli_…"                # GET /open-apis/im/v1/messages (container_id_type=chat, start_time, page_token);
    app_secret = "${FEISHU_APP_SECRET}"   # GET /open-apis/contact/v3/users/:open_id (the sender's user_id)
    chats = ["oc_…"]                # optional: default every oc_… id in customers.contact_ids
    page_size = 50                  # optional (the API allows 1–50)
    base_url = "https://open.feishu.cn"   # optional (a local server in tests)

The app needs the bot ability, must be in each chat, and the scopes to read a chat's history
(``im:message.history:readonly``; group chats also "read all messages in groups") and to read a user's
ids (``contact:user.id:readonly``).

Each chat's messages are read in order of creation (``sort_type=ByCreateTimeAsc``) from the chat's cursor,
page by page (``page_token`` while ``has_more``); each page is one batch, committed with the chat's cursor
``{"chats": {chat_id: <create_time of its last message, ms>}}``; the next run asks from that second on and
skips what is not later.  A page that still fails after the retries stops the stream there; the next run reads
that chat again from its last committed message (a message read twice changes nothing).

The list names a sender by ``open_id``; its ``user_id`` and ``union_id`` are looked up once per run, so a
member of the team matches ``users.feishu_user_id`` whichever id the directory stored.  A message a team
member sent in a chat that a customer's ``contact_ids`` lists becomes an interaction and sets the first
response of that customer's unanswered leads (:func:`salesnb.plugins.sources.chats.apply_pulled`); messages
of the customer or of bots change nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timezone
from functools import partial
from typing import Any

from sqlalchemy import select

from ...db import session_scope
from ...errors import SyncError
from ...events.store import contact_ids
from ...models import Customer
from ...sync.base import Batch, ReadContext, Source, Stream
from ...sync.http import HttpClient
from ..hookspecs import hookimpl
from .chats import Pulled, apply_pulled

PLATFORM = "feishu"
STREAM = "messages"
TOKEN_PATH = "/open-apis/auth/v3/tenant_access_token/internal"
MESSAGES_PATH = "/open-apis/im/v1/messages"
USER_PATH = "/open-apis/contact/v3/users/"


class FeishuMessagesSource(Source):
    type = "feishu_messages"

    def streams(self) -> list[Stream]:
        return [Stream(STREAM, "interactions", {})]

    def client(self) -> HttpClient:
        return HttpClient(self.option("base_url", "https://open.feishu.cn"), retries=int(self.option("retries", 4)),
                          backoff=float(self.option("backoff", 0.5)),
                          rate_per_minute=float(self.option("rate_per_minute", 0)),
                          timeout=float(self.option("timeout", 30)))

    def chats(self, context: ReadContext) -> list[str]:
        """The configured chats, or every Feishu chat id (``oc_…``) the customers' contact ids list."""
        given = self.option("chats")
        if given:
            return [str(c) for c in given]
        with session_scope(context.engine) as session:
            listed = session.scalars(select(Customer.contact_ids).where(Customer.contact_ids.like("%oc\\_%",
                                                                                                  escape="\\")))
            return sorted({c for text in listed for c in contact_ids(text) if c.startswith("oc_")})

    @staticmethod
    def _checked(data: Any, path: str) -> dict[str, Any]:
        if not isinstance(data, dict) or data.get("code", 0) != 0:
            code = data.get("code") if isinstance(data, dict) else "-"
            message = str(data.get("msg", "")) if isinstance(data, dict) else "not a JSON object"
            raise SyncError("sync.api_error", url=path, code=code, message=message[:200])
        return data

    def read(self, stream: Stream, cursor: dict[str, Any] | None, context: ReadContext) -> Iterator[Batch]:
        since = {} if context.full or not cursor else dict(cursor.get("chats") or {})
        size = max(1, min(int(self.option("page_size", 50)), 50))
        http = self.client()
        try:
            token = self._checked(http.json("POST", TOKEN_PATH, json={
                "app_id": self.option("app_id", required=True),
                "app_secret": self.option("app_secret", required=True)}), TOKEN_PATH)["tenant_access_token"]
            auth = {"Authorization": f"Bearer {token}"}
            senders: dict[str, tuple[str, ...]] = {}
            for chat in self.chats(context):
                seen = since.get(chat)  # create_time (ms) of the last message committed
                page_token = None
                while True:
                    params: dict[str, Any] = {"container_id_type": "chat", "container_id": chat,
                                              "sort_type": "ByCreateTimeAsc", "page_size": size}
                    if seen is not None:
                        params["start_time"] = str(int(seen) // 1000)  # seconds: the API's unit
                    if page_token:
                        params["page_token"] = page_token
                    data = self._checked(http.json("GET", MESSAGES_PATH, params=params, headers=auth), MESSAGES_PATH)
                    body = data.get("data") or {}
                    items = [i for i in body.get("items") or [] if isinstance(i, dict)
                             and (seen is None or _ms(i) is None or _ms(i) > int(seen))]
                    pulled = [p for p in (self.pulled(http, auth, senders, chat, i) for i in items) if p is not None]
                    last = max((m for m in map(_ms, items) if m is not None), default=seen)
                    label = f"{self.name}/{STREAM} {chat}"
                    more = bool(body.get("has_more")) and bool(body.get("page_token"))
                    if items:
                        yield Batch(None, {"chats": {chat: last}}, label=label, merge=True,
                                    apply=partial(apply_pulled, platform=PLATFORM, label=label, pulled=pulled,
                                                  read=len(items)))
                    if not more:
                        break
                    page_token = body["page_token"]
        finally:
            http.close()

    def sender_ids(self, http: HttpClient, auth: dict[str, str], cache: dict[str, tuple[str, ...]],
                   open_id: str) -> tuple[str, ...]:
        """``open_id`` with the person's ``user_id`` and ``union_id`` (just the open_id for someone outside)."""
        if open_id not in cache:
            response = http.request("GET", USER_PATH + open_id, params={"user_id_type": "open_id"}, headers=auth,
                                    allow=(400, 403, 404))  # someone outside the tenant: a code, not a failure
            try:
                data = response.json()
            except ValueError:
                data = None
            user = ((data.get("data") or {}).get("user") or {}) if isinstance(data, dict) and data.get("code") == 0 \
                else {}
            cache[open_id] = tuple(dict.fromkeys(
                [open_id, *(str(user[k]) for k in ("user_id", "union_id") if user.get(k))]))
        return cache[open_id]

    def pulled(self, http: HttpClient, auth: dict[str, str], senders: dict[str, tuple[str, ...]], chat: str,
               item: dict[str, Any]) -> Pulled | None:
        """A user's message as :class:`Pulled`; None for a bot's or the system's."""
        sender = item.get("sender") or {}
        if sender.get("sender_type") != "user" or not sender.get("id"):
            return None
        msgid, ms = str(item.get("message_id") or ""), _ms(item)
        if not msgid or ms is None:
            raise SyncError("sync.archive_bad_message", name=self.name, msgid=msgid or "-",
                            field="create_time" if msgid else "message_id")
        at = datetime.fromtimestamp(ms / 1000, tz=timezone.utc)
        ids = (str(sender["id"]),)
        if sender.get("id_type", "open_id") == "open_id":
            ids = self.sender_ids(http, auth, senders, str(sender["id"]))
        text = None
        if item.get("msg_type") == "text":
            try:
                content = json.loads((item.get("body") or {}).get("content") or "{}")
                text = content.get("text") if isinstance(content, dict) else None
            except ValueError:
                pass
        return Pulled(msgid, ids, (str(item.get("chat_id") or chat),), at, text)


def _ms(item: dict[str, Any]) -> int | None:
    """A message's ``create_time`` (ms, sent as text)."""
    value = str(item.get("create_time", ""))
    return int(value) if value.isdigit() else None


@hookimpl
def salesnb_sync_sources():
    return [FeishuMessagesSource]

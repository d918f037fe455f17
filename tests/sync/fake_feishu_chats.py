"""Feishu's message history and contact APIs, answering like the real ones: a tenant token, messages of a chat in
order of creation from ``start_time`` (seconds) with ``page_token`` / ``has_more``, senders named by open_id, and a
user's ids only for members of the tenant."""

from __future__ import annotations

import json

from tests.fakeservers.base import FakeServer, Reply, Request

APP_ID, APP_SECRET, TOKEN = "cli_chats", "feishu-chat-secret", "t-chat-token-5521"


def message(message_id: str, chat: str, sender: str, create_ms: int, text: str, sender_type: str = "user") -> dict:
    return {"message_id": message_id, "root_id": "", "parent_id": "", "msg_type": "text",
            "create_time": str(create_ms), "update_time": str(create_ms), "deleted": False, "updated": False,
            "chat_id": chat, "sender": {"id": sender, "id_type": "open_id" if sender_type == "user" else "app_id",
                                        "sender_type": sender_type, "tenant_key": "tk-1"},
            "body": {"content": json.dumps({"text": text}, ensure_ascii=False)}, "mentions": []}


class FakeFeishuChats(FakeServer):
    def __init__(self, members: dict[str, dict]):
        super().__init__()
        self.members = members  # open_id → {"user_id", "union_id"}: people of the tenant
        self.items: list[dict] = []
        self.fail: dict[tuple[str, str], int] = {}  # (chat, page_token) → how many more times it answers 500

    def is_message(self, request: Request) -> bool:
        return False

    def handle(self, request: Request) -> Reply:
        if request.path == "/open-apis/auth/v3/tenant_access_token/internal":
            body = request.json or {}
            if body.get("app_id") != APP_ID or body.get("app_secret") != APP_SECRET:
                return Reply({"code": 10014, "msg": "app secret invalid"})
            return Reply({"code": 0, "msg": "ok", "tenant_access_token": TOKEN, "expire": 7200})
        if request.headers.get("authorization") != f"Bearer {TOKEN}":
            return Reply({"code": 99991663, "msg": "Invalid access token for authorization."}, status=400)
        q = request.query
        if request.path == "/open-apis/im/v1/messages":
            size = int(q.get("page_size", 20))
            if q.get("container_id_type") != "chat" or not 1 <= size <= 50:
                return Reply({"code": 99992402, "msg": "field validation failed"}, status=400)
            chat, token = q.get("container_id", ""), q.get("page_token", "")
            if self.fail.get((chat, token), 0) > 0:
                self.fail[(chat, token)] -= 1
                return Reply({"code": 1500, "msg": "internal error"}, status=500)
            start = int(q.get("start_time", 0))
            rows = sorted((i for i in self.items if i["chat_id"] == chat and int(i["create_time"]) // 1000 >= start),
                          key=lambda i: int(i["create_time"]))
            offset = int(token or 0)
            page = rows[offset:offset + size]
            more = offset + size < len(rows)
            return Reply({"code": 0, "msg": "success", "data": {
                "has_more": more, "items": page, **({"page_token": str(offset + size)} if more else {})}})
        if request.path.startswith("/open-apis/contact/v3/users/") and q.get("user_id_type") == "open_id":
            open_id = request.path.rsplit("/", 1)[1]
            if open_id not in self.members:
                return Reply({"code": 41050, "msg": "no user authority error"}, status=400)
            return Reply({"code": 0, "msg": "success", "data": {"user": {"open_id": open_id,
                                                                          **self.members[open_id]}}})
        return Reply({"code": 404, "msg": "not found"}, status=404)

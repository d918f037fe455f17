"""A paged JSON API (a CRM's customers), answering like a real one: bearer token, 429 when too fast, failing pages."""

from __future__ import annotations

from tests.fakeservers.base import FakeServer, Reply, Request

TOKEN = "crm-s3cret-token-0042"


class FakeCrm(FakeServer):
    def __init__(self, rows: list[dict], page_size_max: int = 100):
        super().__init__()
        self.rows = rows
        self.page_size_max = page_size_max
        self.fail: dict[int, int] = {}  # page → how many more times it answers 500
        self.throttle: set[int] = set()  # request numbers (1-based) answered 429
        self.pages: list[int] = []  # pages answered 200, in order

    def is_message(self, request: Request) -> bool:
        return False

    def handle(self, request: Request) -> Reply:
        if request.headers.get("authorization") != f"Bearer {TOKEN}":
            return Reply({"code": 401, "msg": "unauthorized"}, status=401)
        if len(self.requests) in self.throttle:
            return Reply({"code": 429, "msg": "too many requests"}, status=429, headers={"Retry-After": "0"})
        page, size = int(request.query.get("page", 1)), int(request.query.get("page_size", 20))
        if self.fail.get(page, 0) > 0:
            self.fail[page] -= 1
            return Reply({"code": 500, "msg": "internal error"}, status=500)
        since = request.query.get("updated_since")
        rows = sorted((r for r in self.rows if since is None or r["updated_at"] > since),
                      key=lambda r: (r["updated_at"], r["id"]))
        items = rows[(page - 1) * size: page * size]
        self.pages.append(page)
        return Reply({"code": 0, "data": {"items": items, "has_more": page * size < len(rows)}})

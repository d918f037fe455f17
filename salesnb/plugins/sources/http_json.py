"""The ``http_json`` sync source: a paged JSON API (page numbers or a next-page token).

Settings::

    [sync.crm]
    type = "http_json"
    base_url = "https://crm.example.com"
    headers = { Authorization = "Bearer ${CRM_TOKEN}" }   # secrets from the environment, never logged
    rate_per_minute = 300          # optional: requests a minute at most
    retries = 4                    # optional: per request, on 429 / 5xx / a dropped connection
    backoff = 0.5                  # optional: seconds before the first retry, doubled each time

    [sync.crm.streams.customers]
    path = "/api/customers"
    items = "data.items"           # where the rows are in each answer
    paging = "page"                # "page": page_param / size_param; "token": next token at `next`
    page_param = "page"            # first_page = 1, size_param = "page_size", page_size = 100
    # paging = "token"; next = "data.next_cursor"; token_param = "cursor"
    has_more = "data.has_more"     # optional: otherwise a short page is the last
    since_param = "updated_since"  # optional, incremental: sent with the largest since_field seen so far
    since_field = "updated_at"
    columns = { id = "customer_id", owner = "owner_id", "area.name" = "region" }   # nested fields: dotted

Each page is one batch, committed with the stream's cursor: the page to
resume from while a pass is under way, the largest ``since_field`` once it
is complete.  A page that still fails after the retries stops the stream;
the next run resumes at that page, never past it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ...schema import header_index, normalise_header
from ...sync.base import Batch, ReadContext, Source, Stream
from ...sync.http import HttpClient, dig
from ..hookspecs import hookimpl


class HttpJsonSource(Source):
    type = "http_json"

    def client(self) -> HttpClient:
        return HttpClient(self.option("base_url", ""), headers=self.option("headers", {}),
                          retries=int(self.option("retries", 4)), backoff=float(self.option("backoff", 0.5)),
                          rate_per_minute=float(self.option("rate_per_minute", 0)),
                          timeout=float(self.option("timeout", 30)))

    def read(self, stream: Stream, cursor: dict[str, Any] | None, context: ReadContext) -> Iterator[Batch]:
        import pandas as pd  # reading only: listing a source's streams (the Connectors page) loads no pandas

        opt = stream.option
        cursor = {} if context.full or not cursor else dict(cursor)
        since_field, since_param = opt("since_field"), opt("since_param")
        resume = cursor.get("resume")
        pass_since = cursor.get("pass_since") if resume is not None else cursor.get("since")
        seen = cursor.get("pass_max") if resume is not None else None
        token_paging = opt("paging", "page") == "token"
        size = int(opt("page_size", 100))
        page = resume if resume is not None else (None if token_paging else int(opt("first_page", 1)))
        keep_since = bool(since_field) and normalise_header(since_field) in header_index(stream.table) \
            or since_field in stream.columns
        http = self.client()
        try:
            while True:
                params = dict(opt("params", {}))
                params[opt("size_param", "page_size")] = size
                if page is not None:
                    params[opt("token_param", "cursor") if token_paging else opt("page_param", "page")] = page
                if since_param and pass_since is not None:
                    params[since_param] = pass_since
                data = http.json(opt("method", "GET"), opt("path", ""), params=params)
                items = dig(data, opt("items", "items")) or []
                if since_field:
                    values = [i.get(since_field) for i in items
                              if isinstance(i, dict) and i.get(since_field) is not None]
                    if values:
                        seen = max([*values, *([seen] if seen is not None else [])])
                if token_paging:
                    following = dig(data, opt("next", "next_cursor")) or None
                    more = bool(following) and (not opt("has_more") or bool(dig(data, opt("has_more"))))
                else:
                    following = page + 1
                    more = bool(dig(data, opt("has_more"))) if opt("has_more") else len(items) >= size
                frame = pd.json_normalize(items, sep=".") if items else pd.DataFrame()  # {"a": {"b"}} → "a.b"
                if since_field and not keep_since and since_field in frame.columns:
                    frame = frame.drop(columns=[since_field])
                if more:
                    yield Batch(frame, {"since": cursor.get("since"), "resume": following, "pass_since": pass_since,
                                        "pass_max": seen})
                    page = following
                    continue
                yield Batch(frame, {"since": seen if seen is not None else cursor.get("since")}, done=True)
                return
        finally:
            http.close()


@hookimpl
def salesnb_sync_sources():
    return [HttpJsonSource]

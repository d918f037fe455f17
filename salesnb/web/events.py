"""The inbound event endpoints, thin tornado handlers over :mod:`salesnb.events`.

``/salesnb/events/wecom`` (GET: URL check; POST: events), ``/salesnb/events/dingtalk``,
``/salesnb/events/feishu`` and ``/salesnb/events/generic``.  They need no sign-in — a platform cannot
sign in — and are instead verified by the platform's signature, a timestamp within 5 minutes and the
event id (:mod:`salesnb.events.store`); they are behind the Host allow-list like every route.  Refusals:
403 (signature, timestamp, token, receiver), 400 (unreadable body), 404 (source not configured in
``[events.<source>]``), 422 (a generic event's rows, with row and column).  Every delivery, accepted or
refused, is recorded with its reason's message key (:mod:`salesnb.events.deliveries`; never the body) for the
Connectors page.  Work on the store runs in a worker thread.
"""

from __future__ import annotations

import json
import logging
import os
import time
from typing import Any

import tornado.web
from jupyter_server.utils import url_path_join
from sqlalchemy import Engine
from tornado.ioloop import IOLoop

from ..config import Settings, load_settings
from ..db import get_engine
from ..errors import EventError, InputError
from ..events import deliveries, dingtalk, feishu, generic, store, wecom

EVENTS_PATH = "/salesnb/events"
BAD_REQUEST = ("events.bad_body", "events.unknown_table", "events.too_many_rows")

log = logging.getLogger("salesnb.web.events")


class _EventHandler(tornado.web.RequestHandler):
    source = ""

    def initialize(self, settings: Settings | None = None, engine: Engine | None = None) -> None:
        self._salesnb_settings = settings
        self._salesnb_engine = engine

    def check_xsrf_cookie(self) -> None:
        """Platforms post without cookies; the signature is the check."""

    def config(self) -> dict[str, Any]:
        settings = self._salesnb_settings or load_settings()
        section = settings.section("events").get(self.source)
        return section if isinstance(section, dict) else {}

    def engine(self) -> Engine:
        return self._salesnb_engine or get_engine(os.environ.get("SALESNB_DB_URL") or None)

    async def refuse(self, error: EventError) -> None:
        status = 404 if error.key == "events.not_configured" else 400 if error.key in BAD_REQUEST else 403
        log.warning("event from %s refused (%s): %s", self.source, self.request.remote_ip, error.render("en"))
        await self.record(deliveries.refused, self.source, error.key, status)
        self.set_status(status)
        self.finish({"error": error.key, "message": error.render("en")})

    async def record(self, write, *args: Any, **kwargs: Any) -> None:
        """Record a delivery that stores nothing else; a store that cannot record it does not change the answer."""
        try:
            await IOLoop.current().run_in_executor(None, lambda: write(self.engine(), *args, **kwargs))
        except Exception:  # noqa: BLE001 - logged; the platform still gets its answer
            log.exception("could not record a delivery to %s", self.source)

    async def checked(self) -> None:
        await self.record(deliveries.checked, self.source)

    async def accept(self, opened) -> dict[str, Any]:
        return await IOLoop.current().run_in_executor(None, store.accept_opened, self.engine(), opened)


class WecomEvents(_EventHandler):
    source = wecom.SOURCE

    async def get(self) -> None:
        try:
            cfg = wecom.WecomConfig.from_section(self.config())
            answer = wecom.verify_url(cfg, self.get_argument("msg_signature", ""), self.get_argument("timestamp", ""),
                                      self.get_argument("nonce", ""), self.get_argument("echostr", ""))
        except EventError as exc:
            await self.refuse(exc)
            return
        await self.checked()
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.finish(answer)

    async def post(self) -> None:
        try:
            cfg = wecom.WecomConfig.from_section(self.config())
            opened = wecom.open_event(cfg, self.get_argument("msg_signature", ""), self.get_argument("timestamp", ""),
                                      self.get_argument("nonce", ""), self.request.body)
        except EventError as exc:
            await self.refuse(exc)
            return
        await self.accept(opened)
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.finish(wecom.reply_text())


class DingtalkEvents(_EventHandler):
    source = dingtalk.SOURCE

    async def post(self) -> None:
        signature = self.get_argument("msg_signature", "") or self.get_argument("signature", "")
        timestamp = self.get_argument("timeStamp", "") or self.get_argument("timestamp", "")
        try:
            cfg = dingtalk.DingtalkConfig.from_section(self.config())
            opened = dingtalk.open_event(cfg, signature, timestamp, self.get_argument("nonce", ""), self.request.body)
        except EventError as exc:
            await self.refuse(exc)
            return
        if opened.challenge is None:
            await self.accept(opened)
        else:
            await self.checked()
        self.finish(dingtalk.reply(cfg, int(time.time() * 1000)))


class FeishuEvents(_EventHandler):
    source = feishu.SOURCE

    async def post(self) -> None:
        headers = {k.lower(): v for k, v in self.request.headers.items()}
        try:
            cfg = feishu.FeishuConfig.from_section(self.config())
            opened = feishu.open_event(cfg, headers, self.request.body)
        except EventError as exc:
            await self.refuse(exc)
            return
        if opened.challenge is not None:
            await self.checked()
            self.finish({"challenge": opened.challenge})
            return
        await self.accept(opened)
        self.finish({"code": 0, "msg": "success"})


class GenericEvents(_EventHandler):
    source = generic.SOURCE

    async def post(self) -> None:
        body = self.request.body
        try:
            generic.verify(str(self.config().get("secret") or ""), self.request.headers.get("X-Salesnb-Timestamp"),
                           self.request.headers.get("X-Salesnb-Signature"), body)
            event = generic.parse(body)
        except EventError as exc:
            await self.refuse(exc)
            return
        try:
            outcome = await IOLoop.current().run_in_executor(None, store.accept_rows, self.engine(), event)
        except InputError as exc:
            await self.record(deliveries.refused, self.source, "events.rows_refused", 422, event_id=event.event_id,
                              event_type=f"rows.{event.table}", details={"total": exc.total})
            self.set_status(422)
            self.finish({"error": "events.rows_refused", "event_id": event.event_id, "table": event.table,
                         "total": exc.total, "problems": [problem_json(p) for p in exc.problems]})
            return
        self.finish(outcome)


def problem_json(problem) -> dict[str, Any]:
    """A row problem as the generic endpoint answers it: ``row`` = 1-based position in ``rows``."""
    row = None if problem.row is None else problem.row - 1  # import_frame counts the header as row 1
    value = problem.value if isinstance(problem.value, (str, int, float, bool, type(None))) else str(problem.value)
    return {"row": row, "column": problem.column, "message": problem.message, "value": json.loads(json.dumps(value))}


def events_handlers(base_url: str = "/", *, settings: Settings | None = None,
                    engine: Engine | None = None) -> list[tuple[str, type, dict[str, Any]]]:
    """The event routes under ``base_url`` (settings and store: given, or the configured ones per request)."""
    kwargs = {"settings": settings, "engine": engine}
    return [(url_path_join(base_url, EVENTS_PATH, name), handler, kwargs) for name, handler in (
        ("wecom", WecomEvents), ("dingtalk", DingtalkEvents), ("feishu", FeishuEvents), ("generic", GenericEvents))]

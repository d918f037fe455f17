"""Secrets are masked in every shape they take on the way out: URL-encoded, base64, hex, JSON, HTML."""

from __future__ import annotations

import base64
import html
import json
import logging
import re
from urllib.parse import quote, quote_plus

import httpx
import pytest

from salesnb.notify import Notifier
from salesnb.notify.redact import redact, register_secrets
from salesnb.plugins import hookimpl
from tests.notify.conftest import add_messages, deliver, rows_by_key
from tests.plugins.conftest import register_plugin  # noqa: F401 - fixture

TOKEN = "ab+Cd/ef=gh&ij%20kl 中文"


def forms(secret: str) -> dict[str, str]:
    raw = secret.encode()
    return {
        "raw": secret,
        "quote": quote(secret, safe=""),
        "quote_slash": quote(secret),
        "quote_plus": quote_plus(secret),
        "quote_lower_hex": re.sub(r"%[0-9A-F]{2}", lambda m: m.group(0).lower(), quote(secret, safe="")),
        "double_quote": quote(quote(secret, safe=""), safe=""),
        "base64": base64.b64encode(raw).decode(),
        "base64_urlsafe": base64.urlsafe_b64encode(raw).decode(),
        "base64_unpadded": base64.b64encode(raw).decode().rstrip("="),
        "basic_auth": base64.b64encode(b"robot:" + raw).decode(),
        "smtp_auth_plain": base64.b64encode(b"\0me@example.com\0" + raw).decode(),
        "hex": raw.hex(),
        "HEX": raw.hex().upper(),
        "json": json.dumps(secret)[1:-1],
        "html": html.escape(secret),
    }


@pytest.mark.parametrize("form", list(forms(TOKEN)))
def test_every_encoded_form_is_masked(form):
    register_secrets([TOKEN])
    shown = forms(TOKEN)[form]
    masked = redact(f"POST https://x/send?access_token={shown}&timestamp=1 failed")
    assert "***" in masked
    core = TOKEN.encode().hex()[:12]
    for value in forms(TOKEN).values():
        assert value not in masked
    assert core not in masked.lower()


def test_ordinary_text_is_left_alone():
    register_secrets([TOKEN])
    text = "发票 INV-001 已开具, amount 1000, see https://example.com/a?b=c"
    assert redact(text) == text


class RaisingNotifier(Notifier):
    """A third party's channel type that calls ``raise_for_status`` (its error text holds the request URL)."""

    type = "raising_robot"
    required_options = ("access_token",)

    def send(self, notification):
        response = self.context.http.post(self.url("https://robot.invalid", "/robot/missing"),
                                          params={"access_token": self.option("access_token")}, json={})
        response.raise_for_status()


class RaisingPlugin:
    @hookimpl
    def salesnb_channel_types(self):
        return [RaisingNotifier]


def test_url_encoded_token_stays_out_of_logs_and_last_error(register_plugin, engine, users, tmp_path, fake_clock,
                                                           dingtalk_server, caplog):
    register_plugin(RaisingPlugin(), name="raising-plugin")
    add_messages(engine, 1, "ext", at=fake_clock.now())
    channels = {"ext": {"type": "raising_robot", "access_token": TOKEN, "base_url": dingtalk_server.url}}
    with caplog.at_level(logging.INFO):
        report = deliver(engine, tmp_path, channels, fake_clock)
    assert report.retried == 1
    error = rows_by_key(engine)["msg-0"].last_error
    assert "404" in error and "/robot/missing" in error
    logged = caplog.text
    assert "/robot/missing" in logged  # httpx's request line is there, masked
    for value in forms(TOKEN).values():
        assert value not in error and value not in logged
    assert quote_plus(TOKEN) in str(httpx.URL("https://x/", params={"access_token": TOKEN}))  # what httpx sends

"""pytest fixtures for the fake servers; in a conftest.py: ``from tests.fakeservers.fixtures import *``.

The HTTP fakes share ``fake_clock`` (time moves only when a test says so),
so rate limits and token expiry are tested without sleeping.
"""

from __future__ import annotations

import pytest

from .clock import FakeClock
from .dingtalk import FakeDingTalk
from .feishu import FakeFeishu
from .smtp import FakeSMTP
from .wecom import FakeWeCom

__all__ = ["fake_clock", "wecom_server", "dingtalk_server", "feishu_server", "smtp_server"]


@pytest.fixture
def fake_clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def wecom_server(fake_clock):
    with FakeWeCom(clock=fake_clock.time) as server:
        yield server


@pytest.fixture
def dingtalk_server(fake_clock):
    with FakeDingTalk(clock=fake_clock.time) as server:
        yield server


@pytest.fixture
def feishu_server(fake_clock):
    with FakeFeishu(clock=fake_clock.time) as server:
        yield server


@pytest.fixture
def smtp_server():
    with FakeSMTP(user="salesnb-bot", password="smtp-pass-123") as server:
        yield server

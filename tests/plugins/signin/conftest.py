"""Shared by the sign-in provider tests: the team with platform ids, settings pointing at a fake, one walk through
the platform's sign-in page (a real HTTP round trip to the fake, as the browser would make it)."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest

from salesnb.config import Settings
from salesnb.db import session_scope
from salesnb.models import User
from tests.fakeservers.fixtures import *  # noqa: F401,F403 - the fake servers' fixtures

CALLBACK = "https://sales.example.com/salesnb/sso/{name}/callback"

TEAM = [
    # 张三 is in every platform's fake directory and active here
    dict(user_id="U1", name="张三", role="sales", wecom_userid="zhangsan", dingtalk_userid="zhangsan-dt",
         feishu_user_id="zhangsan-fs"),
    # 李四 is in every platform's fake directory but disabled here
    dict(user_id="U2", name="李四", role="sales", wecom_userid="lisi", dingtalk_userid="lisi-dt",
         feishu_user_id="lisi-fs", active=False),
    dict(user_id="U3", name="王五", role="finance"),
]


@pytest.fixture
def team(engine):
    with session_scope(engine) as session:
        session.add_all(User(**row) for row in TEAM)
    return engine


def settings_for(name: str, options: dict, **raw) -> Settings:
    return Settings(db_url="sqlite://", raw={"sso": {name: options}, **raw})


def walk_to_callback(authorize_url: str, redirect_uri: str) -> dict[str, str]:
    """GET the platform's sign-in page as the browser does; return the query it sends the browser back with."""
    reply = httpx.get(authorize_url, follow_redirects=False)
    assert reply.status_code == 302, reply.text
    back = urlsplit(reply.headers["location"])
    assert f"{back.scheme}://{back.netloc}{back.path}" == redirect_uri
    return dict(parse_qsl(back.query))

"""Directory sync from local WeCom / DingTalk / Feishu contact APIs: people, platform ids, the manager chain."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from salesnb.config import Settings
from salesnb.db import session_scope
from salesnb.models import User
from salesnb.sync import run_sync
from tests.fakeservers.contacts import FakeDingTalkContacts, FakeFeishuContacts, FakeWeComContacts

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)

OPTIONS = {"regions": {"华东销售部": "华东", "西南销售部": "西南"}, "roles": {"财务部": "finance"},
           "leader_roles": {"财务部": "finance_manager", "公司": "sales_director"}}
PLATFORMS = {
    "wecom_directory": (FakeWeComContacts, "wecom_userid", {"corp_id": "ww-corp", "corp_secret": "contact-secret"}),
    "dingtalk_directory": (FakeDingTalkContacts, "dingtalk_userid",
                           {"app_key": "ding-key", "app_secret": "ding-contact-secret"}),
    "feishu_directory": (FakeFeishuContacts, "feishu_user_id",
                         {"app_id": "cli_contacts", "app_secret": "feishu-contact-secret"}),
}


def users(engine, column):
    with session_scope(engine) as session:
        return {u.user_id: (u.name, u.manager_id, u.role, u.region, getattr(u, column))
                for u in session.scalars(select(User))}


@pytest.mark.parametrize("kind", list(PLATFORMS))
def test_directory_builds_users_and_the_manager_chain(team, kind):
    server_class, column, credentials = PLATFORMS[kind]
    with server_class() as server:
        settings = Settings(db_url="", raw={"sync": {"org": {"type": kind, "base_url": server.url,
                                                             **credentials, **OPTIONS}}})
        report = run_sync(team, settings=settings)
        assert report.ok, report.lines()
        found = users(team, column)
        # people already in the store keep their ids and roles (matched by mobile or platform id)
        assert found["U001"] == ("张伟", "boss", "sales_manager", "华东", "zhangwei")
        assert found["U002"] == ("李娜", "U001", "sales", "华东", "lina")
        assert found["U003"] == ("王芳", "U002", "sales", "华东", "wangfang")
        # new people: ids from the platform, roles from the settings, the chain up to the top
        assert found["boss"] == ("周总", None, "sales_director", None, "boss")
        assert found["zhaolei"] == ("赵磊", "boss", "sales_manager", "西南", "zhaolei")
        assert found["chenjing"] == ("陈静", "zhaolei", "sales", "西南", "chenjing")
        assert found["liuyang"] == ("刘洋", "boss", "finance_manager", "财务部", "liuyang")
        assert report.streams[0].inserted == 4 and report.streams[0].updated == 3

        assert run_sync(team, settings=settings).streams[0].unchanged == 7  # a rerun changes nothing


def test_a_wrong_secret_is_reported_without_the_secret(team):
    with FakeWeComContacts() as server:
        settings = Settings(db_url="", raw={"sync": {"org": {"type": "wecom_directory", "base_url": server.url,
                                                             "corp_id": "ww-corp", "corp_secret": "wrong-secret-1"}}})
        report = run_sync(team, settings=settings)
    assert not report.ok and "40001" in report.streams[0].error and "wrong-secret-1" not in report.streams[0].error

"""``salesnb notify …`` and ``salesnb plugins``; secrets never reach the output or the logs."""

import json
import logging

import pytest
from click.testing import CliRunner

from salesnb.cli import main
from tests.fakeservers import FakeWeCom

from .conftest import add_messages, rows_by_key

ROBOT_KEY = "wk-7f3a9c1e-SECRET"
SMTP_PASSWORD = "smtp-pass-123"


@pytest.fixture
def robot_server(fake_clock):
    with FakeWeCom(keys=(ROBOT_KEY,)) as server:
        yield server


@pytest.fixture
def cli_on(tmp_path, robot_server, smtp_server, caplog):
    """``cli_on(db_url)(*args)``: run the CLI; the config file holds no secret, the environment does."""
    config = tmp_path / "salesnb.toml"
    config.write_text(f"""
[channels.robot]
type = "wecom_robot"
base_url = "{robot_server.url}"

[channels.mail]
type = "email"
host = "{smtp_server.host}"
port = {smtp_server.port}
sender = "bot@example.com"
user = "salesnb-bot"

[notify]
default = ["robot"]
""", encoding="utf-8")
    env = {"SALESNB_CONFIG": str(config), "SALESNB_HOME": str(tmp_path), "SALESNB_LANG": "zh-CN",
           "SALESNB_CHANNEL_ROBOT_KEY": ROBOT_KEY, "SALESNB_CHANNEL_MAIL_PASSWORD": SMTP_PASSWORD}
    caplog.set_level(logging.DEBUG)
    runner = CliRunner()

    def on(db_url):
        return lambda *args, code=0: run(db_url, *args, code=code)

    def run(db_url, *args, code=0):
        result = runner.invoke(main, ["--db", db_url, *args], env=env, catch_exceptions=False)
        output = result.output + (result.stderr if result.stderr_bytes else "")
        assert result.exit_code == code, output
        for secret in (ROBOT_KEY, SMTP_PASSWORD):
            assert secret not in output
            assert secret not in caplog.text
        return output

    return on


@pytest.fixture
def cli(cli_on, tmp_path):
    """The CLI on a SQLite file, for commands that do not touch the database."""
    return cli_on(f"sqlite:///{tmp_path / 'cli.db'}")


@pytest.fixture
def cli_db(cli_on, db_url):
    """The CLI on each backend."""
    return cli_on(db_url)


def test_notify_test_sends_a_chinese_test_message(cli, robot_server, caplog):
    out = cli("notify", "test", "robot")
    assert "已在通道 robot（wecom_robot）发送测试消息：ok" in out
    [message] = robot_server.messages
    assert message["text"].startswith("**salesnb 测试消息**\n这是一条来自 salesnb 的测试消息（通道 robot")
    assert "/cgi-bin/webhook/send?key=*** " in caplog.text  # httpx logged the URL, masked


def test_notify_test_with_a_bad_key_explains_without_showing_it(cli, robot_server, monkeypatch):
    robot_server.keys = {"another-key"}
    out = cli("notify", "test", "robot", "--message", "你好", code=2)
    assert "通道 robot 的测试消息发送失败：WeCom robot error 93000" in out


def test_notify_test_email_to_a_user(cli_db, users, smtp_server):
    out = cli_db("notify", "test", "mail", "--to", "U1")
    assert "已在通道 mail（email）发送测试消息" in out
    [message] = smtp_server.messages
    assert message["To"].endswith("<zhangsan@example.com>")
    assert message["Subject"] == "salesnb 测试消息"


def test_notify_test_unknown_channel_and_user(cli_db, users):
    assert "没有名为 'nope' 的通道；已配置的通道：console, mail, robot" in cli_db("notify", "test", "nope", code=2)
    assert "未知的员工编号：U99" in cli_db("notify", "test", "mail", "--to", "U99", code=2)


def test_notify_channels_masks_secrets(cli):
    out = cli("notify", "channels")
    assert "robot (wecom_robot)" in out and "key=***" in out and "password=***" in out
    assert "default → robot" in out


def test_flush_list_and_retry(cli_db, engine, users, fake_clock, robot_server):
    from salesnb.timeutil import now

    add_messages(engine, 3, None, at=now())
    robot_server.script({"errcode": 93000, "errmsg": f"invalid webhook url {ROBOT_KEY}"})
    out = cli_db("notify", "flush")
    assert "已发送 2，待重试 0，失败 1，已路由 3" in out
    assert "robot: failed 1, sent 2" in out
    assert "93000" in out and "***" in out  # the service echoed the key; it is masked
    assert ROBOT_KEY not in rows_by_key(engine)["msg-0#robot"].last_error
    listing = cli_db("notify", "list")
    assert "routed" in listing and "failed" in listing and "sent" in listing
    assert "93000" in cli_db("notify", "list", "--status", "failed")
    assert "已重新排队 1 条消息" in cli_db("notify", "retry")
    assert "已发送 1" in cli_db("notify", "flush")
    assert len(robot_server.messages) == 3


def test_plugins_lists_builtins_and_their_hooks(cli):
    out = cli("plugins")
    assert "salesnb.plugins.notifiers.wecom_robot (built-in): salesnb_channel_types" in out
    assert "salesnb.plugins.notifiers.deliver (built-in): salesnb_send_notification" in out
    assert "salesnb.plugins.sources.store (built-in): salesnb_read_source" in out
    rows = json.loads(cli("plugins", "--json"))
    assert {r["name"] for r in rows} >= {"salesnb.plugins.notifiers.email", "salesnb.plugins.notifiers.feishu"}

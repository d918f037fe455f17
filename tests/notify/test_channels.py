import logging

import pytest

from salesnb.errors import SalesnbError
from salesnb.notify.channels import ChannelConfig, load_notify_config
from salesnb.notify.redact import redact

from .conftest import make_settings

CHANNELS = {
    "sales_robot": {"type": "wecom_robot", "key": "robot-key-from-file", "msgtype": "text"},
    "sales_robot_night": {"type": "wecom_robot", "key": "other-key-1234"},
    "mail": {"type": "email", "host": "smtp.example.com", "sender": "bot@example.com", "password": "file-pass-999"},
}


def test_channels_come_from_the_config_file(tmp_path):
    config = load_notify_config(make_settings(tmp_path, channels=CHANNELS), environ={})
    robot = config.channel("sales_robot")
    assert robot.type == "wecom_robot"
    assert robot.get("key") == "robot-key-from-file"
    assert robot.get("msgtype") == "text"


def test_environment_overrides_a_key_of_the_right_channel(tmp_path):
    env = {"SALESNB_CHANNEL_SALES_ROBOT_KEY": "env-key-abcdef",
           "SALESNB_CHANNEL_SALES_ROBOT_NIGHT_KEY": "env-night-key-987",
           "SALESNB_CHANNEL_MAIL_PORT": "2525"}
    config = load_notify_config(make_settings(tmp_path, channels=CHANNELS), environ=env)
    assert config.channel("sales_robot").get("key") == "env-key-abcdef"
    # the longest channel name wins: SALES_ROBOT_NIGHT_KEY is not "night_key" of sales_robot
    assert config.channel("sales_robot_night").get("key") == "env-night-key-987"
    assert "night_key" not in config.channel("sales_robot").options
    assert config.channel("mail").get_int("port", 25) == 2525


def test_a_channel_can_be_defined_in_the_environment_alone(tmp_path):
    env = {"SALESNB_CHANNEL_DING_TYPE": "dingtalk", "SALESNB_CHANNEL_DING_ACCESS_TOKEN": "tok-xyz-123"}
    config = load_notify_config(make_settings(tmp_path), environ=env)
    ding = config.channel("ding")
    assert ding.type == "dingtalk"
    assert ding.get("access_token") == "tok-xyz-123"


def test_default_route_falls_back_to_the_console_log(tmp_path):
    config = load_notify_config(make_settings(tmp_path, channels=CHANNELS), environ={})
    assert config.route(None) == ["console"]
    assert config.channel("console").get("path") == str(tmp_path / "notifications.log")


def test_routes_per_event_type_and_default(tmp_path):
    notify = {"default": ["sales_robot", "mail"], "routes": {"sla.escalation": ["sales_robot_night"]}}
    config = load_notify_config(make_settings(tmp_path, channels=CHANNELS, notify=notify), environ={})
    assert config.route(None) == ["sales_robot", "mail"]
    assert config.route("lead.graded") == ["sales_robot", "mail"]
    assert config.route("sla.escalation") == ["sales_robot_night"]
    env = {"SALESNB_NOTIFY_DEFAULT": "mail"}
    assert load_notify_config(make_settings(tmp_path, channels=CHANNELS, notify=notify), environ=env).default == ["mail"]


def test_a_route_to_an_unknown_channel_is_refused(english, tmp_path):
    with pytest.raises(SalesnbError, match="unknown channel.*nope"):
        load_notify_config(make_settings(tmp_path, channels=CHANNELS, notify={"default": ["nope"]}), environ={})


def test_a_channel_without_type_is_refused(english, tmp_path):
    with pytest.raises(SalesnbError, match="has no type"):
        load_notify_config(make_settings(tmp_path, channels={"x": {"key": "k"}}), environ={})


def test_missing_required_option_names_the_setting(tmp_path):
    cfg = ChannelConfig("sales_robot", "wecom_robot", {})
    with pytest.raises(SalesnbError, match="SALESNB_CHANNEL_SALES_ROBOT_KEY"):
        cfg.require("key")


def test_repr_and_masked_hide_secrets():
    cfg = ChannelConfig("mail", "email", {"host": "smtp.example.com", "password": "pa55-word-xyz",
                                           "corpsecret": "corp-secret-value", "access_token": "tok-secret-1"})
    text = repr(cfg) + str(cfg) + repr(cfg.masked())
    for secret in ("pa55-word-xyz", "corp-secret-value", "tok-secret-1"):
        assert secret not in text
    assert "smtp.example.com" in text
    assert cfg.redact("POST https://x/send?access_token=tok-secret-1 failed") == "POST https://x/send?access_token=*** failed"


def test_secrets_are_masked_in_logs_of_http_libraries(tmp_path, caplog):
    load_notify_config(make_settings(tmp_path, channels=CHANNELS), environ={})
    with caplog.at_level(logging.DEBUG):
        logging.getLogger("httpx").info('HTTP Request: POST %s "HTTP/1.1 200 OK"',
                                        "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=robot-key-from-file")
    assert "robot-key-from-file" not in caplog.text
    assert "key=***" in caplog.text
    assert redact("file-pass-999 leaked") == "*** leaked"

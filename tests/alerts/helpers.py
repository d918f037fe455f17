"""Settings with a WeCom robot channel that every default message goes to."""

from __future__ import annotations

from salesnb.config import Settings

PUBLIC_URL = "https://salesnb.example.cn"


def wecom_settings(tmp_path, server, db_url="sqlite://", msgtype="markdown", **sections) -> Settings:
    raw = {"channels": {"robot": {"type": "wecom_robot", "key": "robot-key", "base_url": server.url,
                                  "msgtype": msgtype, "mention": "userid"}},
           "notify": {"default": ["robot"]}, "serve": {"public_url": PUBLIC_URL}, **sections}
    return Settings(db_url=db_url, data_dir=tmp_path, raw=raw)

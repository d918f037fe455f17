"""Texts of the inbound events (refusals and their reasons), in zh-CN and English."""

from __future__ import annotations

from ..i18n import register

register({
    "zh-CN": {
        "events.bad_signature": "签名不正确，事件被拒绝",
        "events.stale": "时间戳 {timestamp} 与服务器时间相差超过 {seconds} 秒，事件被拒绝",
        "events.no_timestamp": "缺少时间戳，事件被拒绝",
        "events.decrypt": "无法解密事件内容（密钥不对或内容被篡改）",
        "events.bad_aes_key": "EncodingAESKey 应为 43 个字符的 base64 文本",
        "events.wrong_receiver": "事件不是发给本企业/本应用的（接收方编号不符）",
        "events.bad_body": "事件内容无法读取：{reason}",
        "events.bad_token": "事件的 verification token 不正确",
        "events.not_configured": "未配置 [events.{source}]，不接收该来源的事件",
        "events.unknown_table": "未知的表 {table}；可用：{known}",
        "events.too_many_rows": "一个事件最多 {limit} 行，收到 {rows} 行",
        "events.duplicate": "事件 {event_id} 已处理过，本次未做任何更改",
    },
    "en": {
        "events.bad_signature": "the signature is wrong; event refused",
        "events.stale": "timestamp {timestamp} is more than {seconds} s away from the server's clock; event refused",
        "events.no_timestamp": "no timestamp; event refused",
        "events.decrypt": "the event cannot be decrypted (wrong key or altered text)",
        "events.bad_aes_key": "the EncodingAESKey must be 43 characters of base64",
        "events.wrong_receiver": "the event is addressed to another corp or app (receiver id differs)",
        "events.bad_body": "the event body cannot be read: {reason}",
        "events.bad_token": "the event's verification token is wrong",
        "events.not_configured": "[events.{source}] is not configured; events from it are not accepted",
        "events.unknown_table": "unknown table {table}; known: {known}",
        "events.too_many_rows": "at most {limit} rows per event, got {rows}",
        "events.duplicate": "event {event_id} was already handled; nothing changed",
    },
})

"""Errors of the notification channels and routes (zh-CN, English)."""

from __future__ import annotations

from ..i18n import register

register({
    "zh-CN": {
        "notify.flush.sent": "已发送 {n}", "notify.flush.retry": "待重试 {n}", "notify.flush.failed": "失败 {n}",
        "notify.flush.held": "暂缓（结果不明）{n}", "notify.flush.routed": "已路由 {n}", "notify.flush.digests": "汇总 {n}",
        "notify.flush.sep": "，",
        "notify.option.required": "通道 {channel}（{type}）缺少必填选项 {option}（在 [channels.{name}] 中设置，或设置环境变量 {env}）",
        "notify.option.integer": "通道 {channel}：选项 {option} 必须是整数，收到 {value}",
        "notify.option.bool": "通道 {channel}：选项 {option} 必须是 true 或 false，收到 {value}",
        "notify.option.choice": "通道 {channel}：{option} 必须是 {choices} 之一，收到 {value}",
        "notify.channel.unknown": "没有名为 {name} 的通道；已配置的通道：{known}",
        "notify.channel.not_table": "[channels.{name}] 必须是一个选项表",
        "notify.channel.no_type": "通道 {name} 没有类型（请设置 [channels.{name}] type = \"wecom_robot\" …）",
        "notify.route.unknown_channels": "通知路由 {route} 引用了未知通道：{missing}",
    },
    "en": {
        "notify.flush.sent": "sent {n}", "notify.flush.retry": "to retry {n}", "notify.flush.failed": "failed {n}",
        "notify.flush.held": "held (in doubt) {n}", "notify.flush.routed": "routed {n}", "notify.flush.digests": "digests {n}",
        "notify.flush.sep": ", ",
        "notify.option.required": "channel {channel} ({type}): option {option} is required "
                                  "(set it under [channels.{name}] or in {env})",
        "notify.option.integer": "channel {channel}: option {option} must be a whole number, got {value}",
        "notify.option.bool": "channel {channel}: option {option} must be true or false, got {value}",
        "notify.option.choice": "channel {channel}: {option} must be one of {choices}, got {value}",
        "notify.channel.unknown": "no channel named {name}; configured channels: {known}",
        "notify.channel.not_table": "[channels.{name}] must be a table of options",
        "notify.channel.no_type": "channel {name} has no type (set [channels.{name}] type = \"wecom_robot\" …)",
        "notify.route.unknown_channels": "notify route {route} names unknown channel(s): {missing}",
    },
})

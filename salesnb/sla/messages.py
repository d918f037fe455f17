"""UI text of the SLA engine (zh-CN default, English)."""

from __future__ import annotations

from ..i18n import register

register({
    "zh-CN": {
        "sla.subject.warning": "【即将超时】{node} {entity}",
        "sla.subject.level": "【超时升级 L{level}】{node} {entity}",
        "sla.subject.repeat": "（第{repeat}次提醒）",
        "sla.body": ("{title}\n流程节点：{node}\n对象：{entity}\n负责人：{owner}\n开始时间：{created}\n"
                     "时限：{target} 小时（{calendar}）\n截止时间：{deadline}\n本级触发：{due}\n级别：{level_text}\n"
                     "通知：{notify}\n抄送：{cc}{todo}"),
        "sla.body.todo": "\n已创建待办 {todo_id}，处理人：{assignee}",
        "sla.body.collapsed": "\n（检查间隔期间 {levels} 级也已到期，只发本级一次）",
        "sla.level.warning": "预警（截止前）",
        "sla.level.n": "L{level}",
        "sla.calendar.24x7": "全天候计时",
        "sla.calendar.working_hours": "工作时间计时，含法定节假日与调休",
        "sla.todo.title": "【SLA 待办 L{level}】{node}：{entity} 已超时，请处理",
        "sla.event.start": "开始计时",
        "sla.event.warning": "预警",
        "sla.event.deadline": "截止",
        "sla.event.escalation": "升级 L{level}",
        "sla.event.repeat": "升级 L{level} 第{repeat}次重复提醒",
        "sla.event.pause": "暂停计时",
        "sla.event.resume": "恢复计时",
    },
    "en": {
        "sla.subject.warning": "[SLA warning] {node} {entity}",
        "sla.subject.level": "[SLA escalation L{level}] {node} {entity}",
        "sla.subject.repeat": " (reminder {repeat})",
        "sla.body": ("{title}\nNode: {node}\nRecord: {entity}\nOwner: {owner}\nStarted: {created}\n"
                     "Target: {target} h ({calendar})\nDeadline: {deadline}\nThis level due: {due}\nLevel: {level_text}\n"
                     "Notified: {notify}\nCc: {cc}{todo}"),
        "sla.body.todo": "\nTo-do {todo_id} created for {assignee}",
        "sla.body.collapsed": "\n(level(s) {levels} also fell due while no scan ran; only this level is sent)",
        "sla.level.warning": "warning (before the deadline)",
        "sla.level.n": "L{level}",
        "sla.calendar.24x7": "24×7 clock",
        "sla.calendar.working_hours": "working hours, Chinese holidays and adjusted workdays",
        "sla.todo.title": "[SLA to-do L{level}] {node}: {entity} is overdue",
        "sla.event.start": "clock starts",
        "sla.event.warning": "warning",
        "sla.event.deadline": "deadline",
        "sla.event.escalation": "escalation L{level}",
        "sla.event.repeat": "escalation L{level}, reminder {repeat}",
        "sla.event.pause": "clock paused",
        "sla.event.resume": "clock resumed",
    },
})

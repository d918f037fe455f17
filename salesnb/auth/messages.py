"""Texts of sign-in and permissions (zh-CN and English)."""

from __future__ import annotations

from ..i18n import register

register({
    "zh-CN": {
        "auth.denied": "{name} 无权{action}",
        "auth.denied.own": "不能审批自己的合同",
        "auth.no_user": "没有编号为 {user_id} 的在职用户",
        "auth.signin.failed": "用户名或密码不正确",
        "auth.signin.locked": "尝试次数过多，请 {minutes} 分钟后再试",
        "auth.session.ended": "登录已失效，请重新登录",
        "auth.password.too_short": "密码至少需要 {n} 个字符",
        "action.contract.approve": "审批合同", "action.contract.reject": "驳回合同",
        "action.contract.submit": "提交合同", "action.contract.edit": "修改合同",
        "action.lead.edit": "编辑线索", "action.claim.file": "提交回款认领",
        "action.claim.review": "审核回款认领", "action.bank.review": "确认或撤销银行流水匹配",
        "action.bank.upload": "上传银行流水", "action.shipment.record": "登记发货和运单号",
        "action.task.close": "关闭待办", "action.task.reassign": "转派待办",
        "action.config.edit": "修改配置（评分卡、规则、SLA、计划、模板包、用户、连接器）",
        "action.data.import": "导入数据", "action.dashboard.view": "查看仪表盘",
        "action.interaction.add": "添加客户问答记录",
    },
    "en": {
        "auth.denied": "{name} may not {action}",
        "auth.denied.own": "nobody approves their own contract",
        "auth.no_user": "no active user {user_id}",
        "auth.signin.failed": "wrong user name or password",
        "auth.signin.locked": "too many attempts; try again in {minutes} minutes",
        "auth.session.ended": "your sign-in has ended; please sign in again",
        "auth.password.too_short": "a password needs at least {n} characters",
        "action.contract.approve": "approve contracts", "action.contract.reject": "reject contracts",
        "action.contract.submit": "submit contracts", "action.contract.edit": "edit contracts",
        "action.lead.edit": "edit leads", "action.claim.file": "file payment claims",
        "action.claim.review": "review payment claims", "action.bank.review": "confirm or undo bank matches",
        "action.bank.upload": "upload bank statements", "action.shipment.record": "record shipments",
        "action.task.close": "close to-dos", "action.task.reassign": "reassign to-dos",
        "action.config.edit": "change the configuration (scorecards, rules, SLA, schedules, bundles, users, connectors)",
        "action.data.import": "import data", "action.dashboard.view": "view the dashboard",
        "action.interaction.add": "add customer Q&A records",
    },
})

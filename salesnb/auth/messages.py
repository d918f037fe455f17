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
        "action.task.close": "关闭待办", "action.task.pause": "暂停或恢复待办计时",
        "action.task.reassign": "转派待办", "action.task.note": "给待办添加备注",
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
        "action.task.close": "close to-dos", "action.task.pause": "pause or resume a to-do's clock",
        "action.task.reassign": "reassign to-dos", "action.task.note": "add notes to to-dos",
        "action.config.edit": "change the configuration (scorecards, rules, SLA, schedules, bundles, users, connectors)",
        "action.data.import": "import data", "action.dashboard.view": "view the dashboard",
        "action.interaction.add": "add customer Q&A records",
    },
})

# Single sign-on (salesnb.auth.sso and the sign-in provider plugins).  The same text
# for an unknown and a disabled account; platform errors name the API and its code.
register({
    "zh-CN": {
        "auth.sso.button": "使用{provider}登录",
        "auth.sso.unknown_provider": "没有名为 {name} 的单点登录方式，或它尚未配置（salesnb.toml 的 [sso.{name}]）",
        "auth.sso.state": "登录请求已失效，请重新登录",
        "auth.sso.denied": "已在平台上取消授权，未登录",
        "auth.sso.code_invalid": "授权码无效、已被使用或已过期，请重新登录",
        "auth.sso.not_member": "该账号不是本企业的成员",
        "auth.sso.no_user": "没有与该账号对应的在职用户",
        "auth.sso.ambiguous": "多个在职用户的 {column} 都是 {platform_user_id}，请管理员修正用户表",
        "auth.sso.bad_column": "登录方式 {name} 指定的用户列 {column} 不存在",
        "auth.sso.platform_error": "{service} 返回错误 {code}：{message}",
        "auth.sso.unreachable": "无法连接 {service}（{reason}）",
        "auth.sso.no_user_id": "{service} 没有返回用户 ID：应用需开通 {permission} 权限",
    },
    "en": {
        "auth.sso.button": "Sign in with {provider}",
        "auth.sso.unknown_provider": "no single sign-on provider {name}, or it is not configured ([sso.{name}] in salesnb.toml)",
        "auth.sso.state": "the sign-in request has expired or is not valid; please sign in again",
        "auth.sso.denied": "the sign-in was declined on the platform",
        "auth.sso.code_invalid": "the authorization code is not valid, was used already or has expired; please sign in again",
        "auth.sso.not_member": "this account is not a member of the company",
        "auth.sso.no_user": "no active user has this account",
        "auth.sso.ambiguous": "several active users have {column} = {platform_user_id}; an administrator must fix the users table",
        "auth.sso.bad_column": "sign-in provider {name} names the user column {column}, which does not exist",
        "auth.sso.platform_error": "{service} answered error {code}: {message}",
        "auth.sso.unreachable": "cannot reach {service} ({reason})",
        "auth.sso.no_user_id": "{service} returned no user id: the app needs the {permission} permission",
    },
})

# Managing people (salesnb.auth.users, ``salesnb users``).
register({
    "zh-CN": {
        "users.bad_field": "不认识的用户字段 {field}；可用：{known}",
        "users.id_and_name": "用户需要编号和姓名（编号不能是 system）",
        "users.bad_role": "角色 {role} 不存在；可用角色：{roles}",
        "users.exists": "用户 {user_id} 已存在",
        "users.no_manager": "上级 {manager_id} 不是已有用户",
        "users.not_found": "没有编号为 {user_id} 的用户",
        "users.not_yourself": "不能停用自己的账号",
        "users.password.tty": "新密码",
        "users.password.none": "没有从标准输入读到密码（密码不能作为参数传入）",
    },
    "en": {
        "users.bad_field": "unknown user field {field}; known: {known}",
        "users.id_and_name": "a user needs an id and a name (the id cannot be system)",
        "users.bad_role": "no role {role}; roles: {roles}",
        "users.exists": "user {user_id} exists already",
        "users.no_manager": "manager {manager_id} is not a user",
        "users.not_found": "no user {user_id}",
        "users.not_yourself": "you cannot disable your own account",
        "users.password.tty": "New password",
        "users.password.none": "no password on standard input (a password is never an argument)",
    },
})

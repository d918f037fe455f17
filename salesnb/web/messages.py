"""Texts of the web layer's own pages (sign-in, refusals), in zh-CN and English."""

from __future__ import annotations

from ..i18n import register

register({
    "zh-CN": {
        "web.signin.title": "登录 · 销售流程断点管理",
        "web.signin.heading": "销售流程断点管理",
        "web.signin.login": "工号 / 手机号 / 邮箱",
        "web.signin.password": "密码",
        "web.signin.submit": "登录",
        "web.signin.or": "或使用",
        "web.signin.sso_failed": "单点登录没有成功，请重试或使用密码登录",
        "web.signin.signed_out": "已退出登录",
        "web.signin.other_language": "English",
        "web.host_refused": "拒绝访问：主机名 {host} 不在允许列表中",
        "serve.single_user_local": "单人模式（--user）只能在本机使用，不能监听 {host}",
        "serve.bad_setting": "salesnb.toml 的 [serve] {setting} 应为不小于 0 的整数，收到 {value}",
        "serve.no_apps": "{folder} 中没有 Voila 应用（应有 index.ipynb）",
        "serve.signin_failed": "{login} 登录失败（HTTP {status}）",
    },
    "en": {
        "web.signin.title": "Sign in · Sales hand-off control",
        "web.signin.heading": "Sales hand-off control",
        "web.signin.login": "User id / mobile / e-mail",
        "web.signin.password": "Password",
        "web.signin.submit": "Sign in",
        "web.signin.or": "or sign in with",
        "web.signin.sso_failed": "Single sign-on did not succeed; try again or use your password",
        "web.signin.signed_out": "You are signed out",
        "web.signin.other_language": "中文",
        "web.host_refused": "Refused: host name {host} is not on the allow-list",
        "serve.single_user_local": "single-person mode (--user) is for localhost only, not {host}",
        "serve.bad_setting": "[serve] {setting} in salesnb.toml must be a whole number ≥ 0, got {value}",
        "serve.no_apps": "no Voila apps in {folder} (expected index.ipynb there)",
        "serve.signin_failed": "signing in as {login} failed (HTTP {status})",
    },
})

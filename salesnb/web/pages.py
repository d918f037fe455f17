"""The web layer's own pages (sign-in), as small self-contained HTML: every value escaped, usable on a phone."""

from __future__ import annotations

from html import escape

from ..i18n import t
from . import messages  # noqa: F401  (registers the texts)

_STYLE = """
body{margin:0;font-family:"Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif;background:#f4f6f9;color:#1f2d3d}
main{max-width:360px;margin:8vh auto;padding:28px 24px;background:#fff;border-radius:10px;
box-shadow:0 2px 12px rgba(0,0,0,.08)}
h1{font-size:20px;margin:0 0 20px}label{display:block;font-size:13px;margin:14px 0 6px;color:#4a5a6a}
input{width:100%;box-sizing:border-box;padding:10px;font-size:15px;border:1px solid #c8d1dc;border-radius:6px}
button,.sso a{display:block;width:100%;box-sizing:border-box;margin-top:20px;padding:11px;font-size:15px;
border:0;border-radius:6px;background:#1f6feb;color:#fff;text-align:center;text-decoration:none;cursor:pointer}
.sso p{margin:22px 0 0;font-size:13px;color:#6a7a8a;text-align:center}.sso a{background:#2c8f52;margin-top:10px}
.msg{padding:10px;border-radius:6px;font-size:14px;margin-bottom:10px}.bad{background:#fdecea;color:#a1271b}
.info{background:#eaf3fd;color:#1b4f8a}.lang{display:block;text-align:right;font-size:13px;margin-top:18px;color:#1f6feb}
"""


def signin_page(*, language: str, action: str, next_url: str, xsrf_html: str, login: str = "",
                error: str | None = None, info: str | None = None,
                providers: list[tuple[str, str]] = (), other_language_url: str | None = None) -> str:
    """The sign-in form (``xsrf_html`` is tornado's hidden field; ``providers`` are (label, start URL))."""
    def text(key: str) -> str:
        return escape(t(key, language))

    notes = ""
    if error:
        notes += f'<div class="msg bad" role="alert">{escape(error)}</div>'
    if info:
        notes += f'<div class="msg info">{escape(info)}</div>'
    sso = ""
    if providers:
        links = "".join(f'<a href="{escape(url)}" data-provider="{escape(url.rsplit("/", 2)[-2])}">{escape(label)}</a>'
                        for label, url in providers)
        sso = f'<div class="sso"><p>{text("web.signin.or")}</p>{links}</div>'
    other = (f'<a class="lang" href="{escape(other_language_url)}">{text("web.signin.other_language")}</a>'
             if other_language_url else "")
    return f"""<!doctype html>
<html lang="{escape(language)}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{text("web.signin.title")}</title><style>{_STYLE}</style></head>
<body><main class="snb-signin"><h1>{text("web.signin.heading")}</h1>{notes}
<form method="post" action="{escape(action)}">{xsrf_html}
<input type="hidden" name="next" value="{escape(next_url)}">
<label for="login">{text("web.signin.login")}</label>
<input id="login" name="login" autocomplete="username" value="{escape(login)}" required autofocus>
<label for="password">{text("web.signin.password")}</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">{text("web.signin.submit")}</button></form>{sso}{other}</main></body></html>"""

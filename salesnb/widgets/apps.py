"""The Voila apps: one entry per job, built by :func:`show` from a one-line notebook.

Each notebook in ``voila_apps/`` is ``from salesnb.widgets.apps import show; show("NAME")``.
With Voila's preheated kernels the notebook runs before anyone asks for the
page: the heavy imports and the widget are ready, and :func:`show` then waits
for the page request (:func:`~salesnb.widgets.preheat.wait_for_request`) so the data shown is
read when the page is opened, not when the kernel was warmed up.

The person comes from the request itself: the server hands the kernel the
page request's ``Cookie`` header (``HTTP_COOKIE``), and the kernel looks the
session up in the database (:func:`page_actor`) — never a widget value or a
header naming a user.  In single-person mode (``salesnb serve --user``, localhost
only) the server sets ``SALESNB_SINGLE_USER`` instead.  A query string
``?lang=en`` switches the language of one page, and ``?item=<id>`` (the links
in notifications, :mod:`salesnb.links`) opens the app on that item: the
widget's ``open_item``, which selects it only if the person sees it.
``$SALESNB_AS_OF`` fixes the apps' clock (demos and tests).
"""

from __future__ import annotations

import importlib
import os
import sys
from dataclasses import dataclass
from urllib.parse import parse_qs, urlencode

import ipywidgets as widgets

from ..auth.people import Actor, load_actor
from ..auth.sessions import resolve_session, token_from_cookie_header
from ..config import LANGUAGES, load_settings
from ..db import get_engine, session_scope
from ..errors import AuthError
from ..i18n import register, set_language, t
from ..memory import release_memory
from ..timeutil import parse_timestamp, set_local_tz
from . import html
from .base import AppWidget, log, readable_error
from .preheat import wait_for_request
from .protocol import READY_MARK
from .style import CSS


@dataclass(frozen=True)
class App:
    """One Voila app: its notebook name, the widget class that implements it, and its texts."""

    name: str
    module: str
    widget: str
    # pandas loads pyarrow (≈ 50–70 MiB) whenever it is installed; an app whose frames stay small (the
    # dashboard's report is a few thousand rows of counts) runs pandas on Python strings without it
    arrow: bool = True

    @property
    def title(self) -> str:
        return t(f"app.{self.name}.title")

    @property
    def description(self) -> str:
        return t(f"app.{self.name}.description")


APPS: tuple[App, ...] = (
    App("my_work", "salesnb.widgets.my_work", "MyWork"),
    App("dashboard", "salesnb.widgets.dashboard", "Dashboard", arrow=False),
    App("scorecard", "salesnb.widgets.scorecard", "ScorecardForm"),
    App("contracts", "salesnb.widgets.contract_approval", "ContractApproval"),
    App("reconciliation", "salesnb.widgets.reconciliation", "ReconciliationQueue"),
    App("customer_card", "salesnb.widgets.customer_card", "CustomerCard"),
    App("findings", "salesnb.widgets.findings", "Findings"),
    App("rules", "salesnb.widgets.rule_editor", "RuleEditor"),
    App("escalation", "salesnb.widgets.escalation", "EscalationConfigurator"),
    App("connectors", "salesnb.widgets.connectors", "Connectors"),
    App("import", "salesnb.widgets.importer", "ImportApp"),
    App("claims", "salesnb.widgets.claims", "PaymentClaims"),
)

register({
    "zh-CN": {
        "app.index.title": "销售流程断点管理",
        "app.signin": "重新登录",
        "app.index.subtitle": "选择要办理的事项。所有数据实时来自系统数据库。",
        "app.dashboard.title": "销售健康度仪表盘",
        "app.dashboard.description": "三项健康指标与阈值、周趋势、各区域 A 类线索转化率、异常说明和流程审计。",
        "app.scorecard.title": "线索意向评分卡",
        "app.scorecard.description": "新建或编辑线索，填写意向评分卡，自动评级；A 级线索通知主管并进入新品优先体验池。",
        "app.contracts.title": "合同审批",
        "app.contracts.description": "待审批合同与交付可行性结论；查看熔断原因、修改后重新提交、下载交付保障书。",
        "app.reconciliation.title": "回款对账",
        "app.reconciliation.description": "银行流水待人工确认的匹配：确认、驳回或撤销匹配。",
        "app.customer_card.title": "客户问答速查卡",
        "app.customer_card.description": "输入客户名称，查看问过的技术问题、已发资料、对接工程师和各环节未结事项。",
        "app.findings.title": "断点清单",
        "app.findings.description": "各项检查发现的当前断点，可按负责人、区域、检查项筛选并导出 Excel。",
        "app.rules.title": "规则编辑器",
        "app.rules.description": "用下拉框搭建检查规则和评分规则，实时预览命中数量，保存为新版本。",
        "app.escalation.title": "升级策略配置",
        "app.escalation.description": "设置各流程节点的时限、工作日历和逐级升级（通知谁、抄送谁、生成待办），并预览时间线。",
        "app.my_work.title": "我的待办",
        "app.my_work.description": "等我处理的事：待办、待我审批的合同、待审核的回款申请、通知或抄送我的升级、我负责的断点。手机上也能办。",
        "app.connectors.title": "数据同步",
        "app.connectors.description": "ERP、CRM、接口、导出文件夹和通讯录各来源的同步状态、上次运行、行数和错误；可立即同步。",
        "app.claims.title": "回款认领",
        "app.claims.description": "销售对自己的发票提交回款认领；财务确认到账或驳回（写明原因）。",
        "app.import.title": "数据导入",
        "app.import.description": "上传 CSV / Excel 文件，检查表头和列的去向，映射不认识的表头，一次性导入；查看导入记录。",
    },
    "en": {
        "app.index.title": "Sales hand-off control",
        "app.signin": "Sign in again",
        "app.index.subtitle": "Pick a job. All data comes live from the system database.",
        "app.dashboard.title": "Sales health dashboard",
        "app.dashboard.description": "The three health KPIs against their thresholds, weekly trends, A-lead conversion by region, anomaly notes and the process audit.",
        "app.scorecard.title": "Lead scorecard",
        "app.scorecard.description": "Create or edit a lead, fill in its intent scorecard, get a grade; A leads notify the manager and join the priority pool.",
        "app.contracts.title": "Contract approval",
        "app.contracts.description": "Contracts waiting for approval with the delivery-feasibility verdict; frozen reasons, edit and resubmit, guarantee download.",
        "app.reconciliation.title": "Bank reconciliation",
        "app.reconciliation.description": "Bank lines waiting for review with their candidate invoices: confirm, reject or unmatch.",
        "app.customer_card.title": "Customer Q&A card",
        "app.customer_card.description": "Type a customer's name: questions asked, material sent, engineers involved, open issues at every stage.",
        "app.findings.title": "Findings",
        "app.findings.description": "Current breakpoints found by the checks, filterable by owner, region and check, exportable to Excel.",
        "app.rules.title": "Rule editor",
        "app.rules.description": "Build check and grading rules with drop-downs, preview how many records match, save a new version.",
        "app.escalation.title": "Escalation policies",
        "app.escalation.description": "Set each workflow node's deadline, working calendar and escalation ladder, with a timeline preview.",
        "app.my_work.title": "My work",
        "app.my_work.description": "What waits for me: to-dos, contracts to approve, payment claims to review, escalations I am told or copied about, findings I own. Works on a phone.",
        "app.connectors.title": "Connectors",
        "app.connectors.description": "Each sync source (ERP, CRM, APIs, drop folders, contact directory): "
                                      "state, last run, rows and errors; run now.",
        "app.claims.title": "Payment claims",
        "app.claims.description": "Reps file a payment claim on their own invoice; "
                                  "finance confirms it or rejects it with a reason.",
        "app.import.title": "Import data",
        "app.import.description": "Upload a CSV / Excel file, check its headers and where each column goes, "
                                  "map unknown headers, import all or nothing; see past imports.",
    },
})


class Landing(AppWidget):
    """The landing page: one tile per app."""

    title_key = "app.index.title"
    subtitle_key = "app.index.subtitle"

    def __init__(self, engine, *, query: str = "", **kwargs):
        super().__init__(engine, **kwargs)
        suffix = f"?{query}" if query else ""
        tiles = "".join(
            html.raw_tag("a", html.tag("b", app.title) + html.tag("span", app.description),
                         cls="snb-tile", href=f"{app.name}.ipynb{suffix}", data_app=app.name)
            for app in APPS
        )
        self.body.children = [widgets.HTML(html.raw_tag("div", tiles, cls="snb-tiles"))]


def configure(language: str | None = None) -> str:
    """Apply the settings (language, time zone) in this kernel; return the database URL."""
    settings = load_settings()
    set_local_tz(settings.timezone)
    set_language(language if language in LANGUAGES else settings.language)
    return settings.db_url


def fixed_clock():
    """``$SALESNB_AS_OF``: a fixed "now" for demos and tests (``None``, the real clock, otherwise)."""
    value = os.environ.get("SALESNB_AS_OF")
    return parse_timestamp(value) if value else None


def _request_language(name: str) -> tuple[str | None, str, str]:
    """Wait for the page request when preheated; return ``lang`` and ``item`` from the query string, and the
    query to pass on to other pages (the language only)."""
    if os.environ.get("VOILA_PREHEAT") == "True":
        # The server log line tells operators (and the benchmark) this kernel is warm.
        print(f"{READY_MARK} app={name} kernel={os.environ.get('VOILA_KERNEL_ID', '?')}",
              file=sys.__stderr__, flush=True)
        wait_for_request()
    query = parse_qs(os.environ.get("QUERY_STRING", ""))
    lang = (query.get("lang") or [None])[0]
    item = (query.get("item") or [""])[0][:200]
    return lang, (f"lang={lang}" if lang in LANGUAGES else ""), item


def page_actor(engine, environ=os.environ) -> Actor | None:
    """The person who opened this page: the session of the request's cookie (or the single-person user)."""
    with session_scope(engine) as session:
        single = environ.get("SALESNB_SINGLE_USER")
        if single:
            try:
                return load_actor(session, single)
            except AuthError:
                return None
        hours = float(load_settings().section("auth").get("session_hours", 12.0))
        return resolve_session(session, token_from_cookie_header(environ.get("HTTP_COOKIE")), hours=hours)


def build(name: str, engine=None, **kwargs) -> AppWidget:
    """The widget of app ``name`` (``"index"`` for the landing page) on ``engine``."""
    engine = engine if engine is not None else get_engine(configure())
    if name == "index":
        return Landing(engine, **kwargs)
    kwargs.pop("query", None)
    return getattr(importlib.import_module(app_info(name).module), app_info(name).widget)(engine, **kwargs)


def app_info(name: str) -> App:
    """The :class:`App` called ``name``."""
    for app in APPS:
        if app.name == name:
            return app
    raise KeyError(f"unknown app {name!r}; known: index, {', '.join(a.name for a in APPS)}")


def show(name: str) -> widgets.Widget:
    """Build app ``name`` for a Voila page (the one call of each app notebook) and return it for display.

    Never raises: a failure shows a readable message on the page (details in the server log).
    """
    problem: Exception | None = None
    try:
        engine = get_engine(configure())
        if name != "index":
            if not app_info(name).arrow:
                sys.modules.setdefault("pyarrow", None)  # pandas then finds no pyarrow (an import answers None)
            importlib.import_module(app_info(name).module)  # heavy imports happen while the kernel is preheated
        with engine.connect():
            pass  # open the first database connection ahead of the request too
    except Exception as exc:  # noqa: BLE001 - the page shows a message instead of a traceback
        problem = exc
    if problem is None and os.environ.get("VOILA_PREHEAT") == "True":
        warm_up(name, engine)
    lang, query, item = _request_language(name)
    if problem is not None:
        return _failure(problem)
    try:
        configure(lang)
        actor = page_actor(engine)
        if actor is None:
            return _signed_out()
        if name == "index":
            return build(name, engine, query=query, actor=actor)
        home = f"index.ipynb?{query}" if query else "index.ipynb"
        widget = build(name, engine, home=home, as_of=fixed_clock(), actor=actor)
        if item:
            widget.safely(widget.open_item)(item)
        release_memory(collect=False)  # the build's dropped frames: a millisecond, no garbage collection
        return widget
    except Exception as exc:  # noqa: BLE001
        return _failure(exc)


def warm_up(name: str, engine) -> None:
    """Build the app once and throw it away, while the kernel waits for its page request.

    The first build pays for what is cached afterwards (SQLAlchemy's compiled
    statements, pandas and plotly code paths, plotly's templates: 0.5 s of the
    dashboard's first build); the page then builds the app again on the data
    as of the request.  Every widget is closed again (none reaches the page),
    and the memory the build freed is handed back
    (:func:`salesnb.memory.release_memory`); what stays is what the page's build
    reuses (the dashboard's KPI snapshot: :func:`~salesnb.kpi.snapshots.latest_kpi_snapshot`).
    """
    try:
        build(name, engine, as_of=fixed_clock())
    except Exception as exc:  # noqa: BLE001 - the real build shows any problem on the page
        log.warning("warming up app %s failed: %s", name, exc)
    finally:
        widgets.Widget.close_all()
        release_memory()  # what the throw-away build freed goes back to the system, not into the idle kernel


def _signed_out(environ=os.environ) -> widgets.Widget:
    """The page of a request whose session ended between the server's check and the kernel's.

    Its sign-in link comes back to the same page and query (``SCRIPT_NAME`` and ``QUERY_STRING`` of the request).
    """
    page, query = environ.get("SCRIPT_NAME", ""), environ.get("QUERY_STRING", "")
    back = f"?{urlencode({'next': page + (f'?{query}' if query else '')})}" if page.startswith("/") else ""
    link = html.tag("a", t("app.signin"), href=f"../../salesnb/signin{back}")
    box = widgets.HTML(f"<style>{CSS}</style>" + html.message(t("auth.session.ended"), "bad") + link)
    box.add_class("snb-app")
    box.add_class("snb-signed-out")
    return box


def _failure(exc: Exception) -> widgets.Widget:
    log.error("app failed to start", exc_info=exc)
    box = widgets.HTML(f"<style>{CSS}</style>" + html.message(readable_error(exc), "bad", title=t("error.title")))
    box.add_class("snb-app")
    box.add_class("snb-failed")
    return box

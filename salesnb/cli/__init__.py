"""The ``salesnb`` command line.

Every command lives in a module named after it (``salesnb check`` in
:mod:`salesnb.cli.check_cmd`, ``salesnb audit-process`` in
:mod:`salesnb.cli.audit_process_cmd`), listed in :data:`COMMANDS` with its
one-line help.  Command modules are imported only when their command runs,
so ``salesnb --help`` and a cron job's short command start fast.  User
errors (:class:`salesnb.errors.SalesnbError`) print their message in the
configured language and exit 2; anything else prints a one-line error and
exits 1 (``--debug`` shows the traceback).
"""

from __future__ import annotations

import importlib
import os
import sys

import click

from ..errors import MAX_MESSAGE_CHARS, SalesnbError, shorten
from ..i18n import t
from . import messages  # noqa: F401 - the CLI's own message keys
from .context import AppContext
from .output import ui_language

# command → (module, attribute, one-line help shown by ``salesnb --help``)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "aging": ("salesnb.cli.aging_cmd", "aging_cmd", "Overdue invoices by owner and aging bucket."),
    "audit-process": ("salesnb.cli.audit_process_cmd", "audit_process_cmd",
                      "Breakpoints per order across the seven stages, before and after a date."),
    "bank": ("salesnb.cli.bank_cmd", "bank_group", "Bank statements: import files."),
    "baseline": ("salesnb.cli.baseline_cmd", "baseline_cmd",
                 "Take the baseline: record today's breakpoints, one backlog summary per manager."),
    "check": ("salesnb.cli.check_cmd", "check_cmd", "Run the breakpoint checks and update the findings."),
    "checks": ("salesnb.cli.checks_cmd", "checks_group", "The registered checks and their parameters."),
    "claim": ("salesnb.cli.claim_cmd", "claim_group", "Payment claims (回款认领): submit, confirm, reject."),
    "contract": ("salesnb.cli.contract_cmd", "contract_group",
                 "Contracts: submit (delivery-feasibility breaker), approve, reject, edit, show."),
    "daily": ("salesnb.cli.daily_cmd", "daily_command", "The daily run: sync, grade, reconcile, checks, escalate, notify."),
    "db": ("salesnb.cli.db_cmd", "db_group", "The database schema: upgrade, current revision."),
    "demo": ("salesnb.cli.demo_cmd", "demo_command", "Build a demo database, run the daily checks, serve the apps."),
    "demo-data": ("salesnb.cli.demo_data_cmd", "demo_data", "Write a deterministic demo data set in the canonical format."),
    "escalate": ("salesnb.cli.escalate_cmd", "escalate_cmd", "Fire due SLA escalation levels."),
    "export": ("salesnb.cli.export_cmd", "export_cmd", "Export a canonical table or a query to CSV / xlsx."),
    "grade": ("salesnb.cli.grade_cmd", "grade_cmd", "Grade leads with the active 意向评分卡."),
    "holidays": ("salesnb.cli.holidays_cmd", "holidays_group",
                 "The team's holidays and adjusted workdays (调休): import, list."),
    "import": ("salesnb.cli.import_cmd", "import_cmd", "Import canonical CSV / xlsx files in one transaction."),
    "kpi": ("salesnb.cli.kpi_cmd", "kpi_cmd", "The three health KPIs against their thresholds."),
    "lab": ("salesnb.cli.lab_cmd", "lab_command", "JupyterLab on your copies of the templates, wired to the store."),
    "mappings": ("salesnb.cli.mappings_cmd", "mappings_cmd",
                 "Header mappings remembered for the next file: list, export, load, forget."),
    "notify": ("salesnb.cli.notify_cmd", "notify_group", "The outbox: deliver, list, retry; test a channel."),
    "plugins": ("salesnb.cli.plugins_cmd", "plugins_command", "Installed plugins and the hooks they implement."),
    "reconcile": ("salesnb.cli.reconcile_cmd", "reconcile_group",
                  "Match bank lines to invoices; review, confirm, reject, unmatch."),
    "rules": ("salesnb.cli.rules_cmd", "rules_group", "Stored rules: save, list, show."),
    "run": ("salesnb.cli.run_cmd", "run_cmd", "Run a notebook template with papermill."),
    "runs": ("salesnb.cli.runs_cmd", "runs_cmd", "The history of template runs."),
    "schedule": ("salesnb.cli.schedule_cmd", "schedule_cmd", "Run scheduled templates and the minute escalation scan (or print a crontab)."),
    "scorecards": ("salesnb.cli.scorecards_cmd", "scorecards_group", "The 意向评分卡 versions: list, show, save."),
    "serve": ("salesnb.cli.serve_cmd", "serve_command", "Serve the Voila web apps."),
    "sla": ("salesnb.cli.sla_cmd", "sla_group", "SLA policies per workflow node, timelines and traces."),
    "sync": ("salesnb.cli.sync_cmd", "sync_cmd",
             "Read the configured sources (ERP, CRM, drop folders, contact directories) into the store."),
    "template": ("salesnb.cli.template_cmd", "template_group",
                 "Notebook templates and team bundles: list, copy, export, import."),
    "users": ("salesnb.cli.users_cmd", "users_group",
              "The people who sign in: list, add, disable, import, set-password (from standard input)."),
}


def load_command(name: str) -> click.Command:
    """The click command ``name`` (its module imported now)."""
    module, attribute, _ = COMMANDS[name]
    return getattr(importlib.import_module(module), attribute)


class SalesnbGroup(click.Group):
    """The top-level group: commands loaded on use, user errors printed without a traceback."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return load_command(cmd_name) if cmd_name in COMMANDS else None

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # The registry's help lines, so listing the commands imports none of them.
        with formatter.section("Commands"):
            formatter.write_dl([(name, COMMANDS[name][2]) for name in self.list_commands(ctx)])

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.exceptions.Abort):
            raise
        except SalesnbError as exc:
            click.echo(t("cli.error", message=_safe_text(exc)), err=True)
            sys.exit(2)
        except Exception as exc:  # noqa: BLE001 - the CLI never shows a bare traceback
            if ctx.obj is not None and getattr(ctx.obj, "debug", False):
                raise
            click.echo(t("cli.error.unexpected", kind=type(exc).__name__, message=_safe_text(exc)), err=True)
            click.echo(t("cli.debug_hint"), err=True)
            sys.exit(1)


def _language(obj: AppContext) -> str:
    """The language of the command: --lang, else SALESNB_LANG / salesnb.toml, else zh-CN.

    A broken salesnb.toml falls back to zh-CN here; the command itself reports it in full.
    """
    if obj.language:
        return obj.language
    try:
        return obj.settings.language
    except Exception:  # noqa: BLE001
        return "zh-CN"


def _safe_text(exc: BaseException) -> str:
    """An error's message with secrets masked and its length bounded."""
    from ..notify.redact import redact  # loaded only when there is an error to print

    return shorten(redact(exc), MAX_MESSAGE_CHARS)


@click.group(cls=SalesnbGroup)
@click.option("--db", "db_url", envvar="SALESNB_DB_URL", help="SQLAlchemy database URL (default: ./salesnb.db, SQLite).")
@click.option("--lang", type=click.Choice(["zh-CN", "en"]), default=None, help="UI language for exported headers and messages.")
@click.option("--debug", is_flag=True, default=lambda: os.environ.get("SALESNB_DEBUG") == "1", help="Show tracebacks.")
@click.version_option(package_name="salesnb")
@click.pass_context
def main(ctx: click.Context, db_url: str | None, lang: str | None, debug: bool) -> None:
    """salesnb: close the broken hand-offs of the sales process."""
    ctx.obj = AppContext(db_url=db_url, language=lang, debug=debug)
    ctx.with_resource(ui_language(_language(ctx.obj)))  # the whole command speaks one language
    ctx.call_on_close(ctx.obj.close)

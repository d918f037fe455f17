"""``salesnb contract``: submit for approval (with the delivery-feasibility breaker), approve, reject, cancel, edit,
show."""

from __future__ import annotations

from pathlib import Path

import click

from ..contracts import approve, cancel, describe, edit, get_attachment, reject, submit
from ..contracts.workflow import SubmissionResult
from ..db import session_scope
from ..errors import SalesnbError
from ..filenames import safe_file_name
from ..i18n import t
from ..models import Contract
from .context import app
from .options import AT_OPTION, JSON_OPTION, parse_time
from .output import echo_json


def _echo_result(result: SubmissionResult, as_json: bool) -> None:
    f = result.feasibility
    if as_json:
        echo_json({"contract_id": result.contract_id, "submission_id": result.submission_id,
                   "status": result.status, "attachment_id": result.attachment_id, "streak": result.streak,
                   "training_task_id": result.training_task_id, "feasibility": f.to_dict()})
        return
    if result.feasible:
        click.echo(t("cli.contract.feasible", id=result.contract_id, required=f.required_days, slot=f.slot_date,
                     carrier=f.carrier, transit=f.transit_days, promised=f.promised_days))
        click.echo(t("cli.contract.guarantee", attachment=result.attachment_id))
        return
    with session_scope(app().engine) as session:
        reason = session.get(Contract, result.contract_id).frozen_reason or {}
    language = app().settings.language
    suffix = "zh" if language == "zh-CN" else "en"
    click.echo(t("cli.contract.frozen", id=result.contract_id, reason=reason.get(f"reason_{suffix}")))
    click.echo(t("cli.contract.suggestion", suggestion=reason.get(f"suggestion_{suffix}")))
    if result.training_task_id:
        click.echo(t("cli.contract.training", streak=result.streak, task=result.training_task_id))


@click.group("contract")
def contract_group() -> None:
    """Contract approval with the delivery-feasibility circuit breaker (交付可行性熔断)."""


@contract_group.command("submit")
@click.argument("contract_id")
@click.option("--by", "actor", default=None, help="Who submits (default: the contract's owner).")
@AT_OPTION
@JSON_OPTION
def submit_cmd(contract_id: str, actor: str | None, at: str | None, as_json: bool) -> None:
    """Check delivery feasibility and submit for approval (frozen when infeasible)."""
    with session_scope(app().engine) as session:
        contract = session.get(Contract, contract_id)
        result = submit(session, contract_id, actor=actor or (contract.owner_id if contract else "system"),
                        at=parse_time(at))
    _echo_result(result, as_json)


@contract_group.command("edit")
@click.argument("contract_id")
@click.option("--days", "promised_delivery_days", type=click.IntRange(min=1), help="New promised delivery days.")
@click.option("--quantity", type=click.IntRange(min=1), help="New quantity.")
@click.option("--dest", "dest_region", help="New destination region.")
@click.option("--resubmit/--no-resubmit", default=True, show_default=True, help="Re-check at once.")
@click.option("--by", "actor", default=None, help="Who edits (default: the contract's owner).")
@AT_OPTION
@JSON_OPTION
def edit_cmd(contract_id: str, promised_delivery_days: int | None, quantity: int | None, dest_region: str | None,
             resubmit: bool, actor: str | None, at: str | None, as_json: bool) -> None:
    """Change delivery days, quantity or destination, and re-check."""
    with session_scope(app().engine) as session:
        contract = session.get(Contract, contract_id)
        result = edit(session, contract_id, actor=actor or (contract.owner_id if contract else "system"),
                      at=parse_time(at), resubmit=resubmit, promised_delivery_days=promised_delivery_days,
                      quantity=quantity, dest_region=dest_region)
    if result is None:
        click.echo(t("cli.contract.edited", id=contract_id))
    else:
        _echo_result(result, as_json)


@contract_group.command("approve")
@click.argument("contract_id")
@click.option("--by", "actor", required=True, help="The approver (user id).")
@click.option("--note", default=None)
@AT_OPTION
def approve_cmd(contract_id: str, actor: str, note: str | None, at: str | None) -> None:
    """Approve a contract that passed the feasibility check."""
    with session_scope(app().engine) as session:
        contract = approve(session, contract_id, actor=actor, at=parse_time(at), note=note)
        status, reason = contract.status, dict(contract.frozen_reason or {})
    if status == "approved":
        click.echo(t("cli.contract.approved", id=contract_id, actor=actor))
        return
    suffix = "zh" if app().settings.language == "zh-CN" else "en"
    click.echo(t("cli.contract.frozen_at_approval", id=contract_id, reason=reason.get(f"reason_{suffix}")))
    click.echo(t("cli.contract.suggestion", suggestion=reason.get(f"suggestion_{suffix}")))


@contract_group.command("reject")
@click.argument("contract_id")
@click.option("--by", "actor", required=True, help="Who rejects (user id).")
@click.option("--reason", required=True, help="Why (shown to the rep).")
@AT_OPTION
def reject_cmd(contract_id: str, actor: str, reason: str, at: str | None) -> None:
    """Reject a pending or frozen contract."""
    with session_scope(app().engine) as session:
        reject(session, contract_id, actor=actor, at=parse_time(at), reason=reason)
    click.echo(t("cli.contract.rejected", id=contract_id, actor=actor))


@contract_group.command("cancel")
@click.argument("contract_id")
@click.option("--by", "actor", required=True, help="Who cancels (user id).")
@click.option("--reason", required=True, help="Why (shown to the rep).")
@AT_OPTION
def cancel_cmd(contract_id: str, actor: str, reason: str, at: str | None) -> None:
    """Cancel an approved contract; its reserved production capacity is released."""
    with session_scope(app().engine) as session:
        cancel(session, contract_id, actor=actor, at=parse_time(at), reason=reason)
    click.echo(t("cli.contract.cancelled", id=contract_id, actor=actor))


@contract_group.command("show")
@click.argument("contract_id")
@JSON_OPTION
def show_cmd(contract_id: str, as_json: bool) -> None:
    """Terms, status, why frozen, every submission and the attachments."""
    with session_scope(app().engine) as session:
        info = describe(session, contract_id)
    if as_json:
        echo_json(info)
        return
    click.echo(t("cli.contract.show", id=info["contract_id"], customer=info["customer_id"], owner=info["owner_id"],
                 status=info["status"]))
    click.echo(t("cli.contract.terms", line=info["product_line"], quantity=info["quantity"], dest=info["dest_region"],
                 days=info["promised_delivery_days"]))
    if info.get("frozen_why"):
        click.echo(t("cli.contract.show_frozen", why=info["frozen_why"], suggestion=info["frozen_suggestion"]))
    for s in info["submissions"]:
        verdict = t("cli.contract.verdict.ok") if s["feasible"] else t("cli.contract.verdict.no", code=s["code"])
        click.echo(t("cli.contract.submission", id=s["id"], at=s["submitted_at"], verdict=verdict,
                     required=s["required_days"], promised=s["promised_days"]))
    for a in info["attachments"]:
        click.echo(t("cli.contract.attachment", id=a["id"], name=a["filename"], bytes=a["bytes"], at=a["created_at"]))


@contract_group.command("download")
@click.argument("contract_id")
@click.option("--id", "attachment_id", type=int, default=None, help="Attachment id (default: the latest 交付保障书).")
@click.option("-o", "--output", default=".", show_default=True,
              help="Folder to write to (created if missing), or a file name with its suffix.")
def download_cmd(contract_id: str, attachment_id: int | None, output: str) -> None:
    """Save an attachment of the contract (by default its latest delivery guarantee)."""
    ctx = app()
    language = ctx.settings.language
    with session_scope(ctx.engine) as session:
        attachment = get_attachment(session, contract_id, attachment_id)
        name, content = safe_file_name(attachment.filename, "attachment"), attachment.content
    target = Path(output)
    as_folder = output.endswith(("/", "\\")) or target.is_dir() or not target.suffix
    folder = target if as_folder else target.parent
    if folder.exists() and not folder.is_dir():
        raise SalesnbError(t("contract.download.not_a_folder", language, path=folder))
    try:
        if not folder.exists():
            folder.mkdir(parents=True)
            click.echo(t("contract.download.created", language, path=folder), err=True)
        if as_folder:
            target = folder / name
        target.write_bytes(content)
    except OSError as exc:
        raise SalesnbError(t("contract.download.cannot_write", language, path=target,
                                 detail=exc.strerror or exc)) from None
    click.echo(str(target))

"""Template runs: execute a parameterised notebook with papermill and keep its history.

A run is one row of ``template_runs`` (start, end, status, parameters, the
executed notebook's path, key numbers, error) and one executed notebook under
``<runs dir>/<template>/``.  The row is inserted *before* the notebook starts;
a scheduled run carries ``(job, scheduled_for)``, which is unique, so two
schedulers never run the same slot (the second insert fails and that
scheduler skips the slot).

The notebook side of the protocol (:func:`~salesnb.runs.notebook.start_run`,
:func:`~salesnb.runs.notebook.emit_metrics`) is in :mod:`salesnb.runs.notebook`;
:func:`read_metrics` reads the published numbers back after the run.

A failed cell fails the run: status ``failed``, the error in the row,
papermill's error cell at the top of the output notebook, and a message to
the ops channel in the outbox (``[runs] ops_channel`` — default: the
``default`` route with event type ``template_run.failed`` — to
``[runs] ops_recipients``, default every user whose role is ``ops``).
"""

from __future__ import annotations

import json
import os
import traceback
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, select, update
from sqlalchemy.exc import IntegrityError

from ..config import Settings
from ..db import session_scope
from ..i18n import register, t
from ..errors import SalesnbError
from ..filenames import safe_file_name
from ..models import TemplateRun, User
from ..notify.outbox import enqueue
from ..notify.redact import redact, register_secrets
from .notebook import METRICS_MIME
from .papermill_loader import papermill
from .templates import coerce_parameters, resolve_template, template_name, template_parameters
from ..timeutil import now
from ..urls import safe_url, url_secrets

if TYPE_CHECKING:
    import pandas as pd

FAILED_EVENT = "template_run.failed"
KERNEL_NAME = "python3"
OWN_KERNEL_NAME = "salesnb"
RUN_ENV = ("SALESNB_DB_URL", "SALESNB_LANG", "SALESNB_TZ", "SALESNB_CONFIG", "SALESNB_HOME")

register({
    "zh-CN": {
        "runs.failed.subject": "模板运行失败：{template}（第 {run_id} 次运行）",
        "runs.failed.body": "模板 {template} 运行失败。\n错误：{error}\n输出笔记本：{path}",
        "runs.secret_parameter": "参数 {name} 的地址中含有密码：密码不能写进笔记本和运行记录。"
                                 "请把它放在环境变量或 salesnb.toml 中（数据库地址请用 db_url 参数或 SALESNB_DB_URL）",
    },
    "en": {
        "runs.failed.subject": "Template run failed: {template} (run {run_id})",
        "runs.failed.body": "Template {template} failed.\nError: {error}\nOutput notebook: {path}",
        "runs.secret_parameter": "parameter {name} holds a URL with a password, which must not be written into the "
                                 "notebook or the run history; put it in the environment or salesnb.toml "
                                 "(for the database: the db_url parameter or SALESNB_DB_URL)",
    },
})


def read_metrics(notebook_path: Path) -> dict[str, Any]:
    """Every :func:`emit_metrics` output of an executed notebook, merged in cell order."""
    import nbformat

    metrics: dict[str, Any] = {}
    notebook = nbformat.read(notebook_path, as_version=4)
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if METRICS_MIME in data:
                value = data[METRICS_MIME]
                metrics.update(json.loads(value) if isinstance(value, str) else value)
    return metrics


# ---------------------------------------------------------------- running


@dataclass
class RunResult:
    """The outcome of one run (mirrors its ``template_runs`` row)."""

    run_id: int
    template: str
    status: str
    parameters: dict[str, Any]
    output_path: Path
    started_at: datetime
    finished_at: datetime | None = None
    metrics: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    job: str | None = None
    scheduled_for: datetime | None = None

    @property
    def ok(self) -> bool:
        return self.status == "succeeded"


def runs_dir(settings: Settings) -> Path:
    """Where executed notebooks go: ``[runs] dir`` (relative to the data folder), default ``runs``."""
    folder = Path(settings.section("runs").get("dir") or "runs")
    return folder if folder.is_absolute() else settings.data_dir / folder


def run_template(
    settings: Settings,
    engine: Engine,
    template: str | Path,
    parameters: Mapping[str, Any] | None = None,
    *,
    job: str | None = None,
    scheduled_for: datetime | None = None,
    as_of: datetime | None = None,
    timeout: int | None = None,
) -> RunResult | None:
    """Run a template with papermill and record it; ``None`` when the (job, slot) was already claimed.

    Parameters
    ----------
    settings, engine : where the run is recorded; the notebook gets the same database
        through ``SALESNB_DB_URL`` (never written into the notebook).
    template : a template name or a notebook path.
    parameters : values for the notebook's parameters cell (strings are converted to the declared types).
    job, scheduled_for : the schedule slot this run fills (unique together).
    as_of : the ``as_of`` parameter (default ``scheduled_for``, else now).
    timeout : per-cell timeout in seconds.
    """
    path = resolve_template(template, settings)
    name = template_name(path)
    declared = template_parameters(path)
    given = coerce_parameters(path, parameters or {}, declared)
    notebook_db_url = _secret_db_url(given)
    started = now()
    effective_as_of = given.get("as_of") or (as_of or scheduled_for or started).isoformat()
    params = {k: v for k, v in {"as_of": effective_as_of, "language": settings.language}.items() if k in declared}
    params.update(given)
    recorded = dict(params, db_url=safe_url(notebook_db_url)) if notebook_db_url else params

    run_id = _claim(engine, name, started, recorded, job, scheduled_for)
    if run_id is None:
        return None
    stamp = started.strftime("%Y%m%d-%H%M%S")
    output = runs_dir(settings) / safe_file_name(name, "template") / f"{stamp}-{run_id}.ipynb"
    if "output_dir" in declared and "output_dir" not in given:
        params["output_dir"] = recorded["output_dir"] = str(output.with_suffix(""))
    output.parent.mkdir(parents=True, exist_ok=True)
    _update(engine, run_id, output_path=str(output), parameters=recorded)

    error = _execute(path, output, params, settings, timeout, db_url=notebook_db_url)
    error = None if error is None else redact(error)
    metrics = read_metrics(output) if output.exists() else {}
    status = "failed" if error else "succeeded"
    finished = now()
    with session_scope(engine) as session:
        session.execute(update(TemplateRun).where(TemplateRun.id == run_id).values(
            finished_at=finished, status=status, metrics=metrics, error=error))
        if error:
            _alert_ops(session, settings, run_id, name, error, output)
    return RunResult(run_id=run_id, template=name, status=status, parameters=recorded, output_path=output,
                     started_at=started, finished_at=finished, metrics=metrics, error=error, job=job,
                     scheduled_for=scheduled_for)


def _secret_db_url(given: dict[str, Any]) -> str | None:
    """A ``db_url`` parameter with a password goes to the kernel through the environment, not the notebook:
    it is taken out of ``given`` (the notebook gets ``None``) and returned.  Any other parameter holding a
    URL with a password is refused."""
    for key, value in given.items():
        if isinstance(value, str) and key != "db_url" and url_secrets(value):
            raise SalesnbError(t("runs.secret_parameter", name=key))
    value = given.get("db_url")
    if not isinstance(value, str) or not url_secrets(value):
        return None
    register_secrets(url_secrets(value))
    given["db_url"] = None
    return value


def _claim(engine: Engine, name: str, started: datetime, params: dict[str, Any], job: str | None,
           scheduled_for: datetime | None) -> int | None:
    try:
        with session_scope(engine) as session:
            row = TemplateRun(template=name, started_at=started, status="running", parameters=params,
                              job=job, scheduled_for=scheduled_for)
            session.add(row)
            session.flush()
            return row.id
    except IntegrityError:
        if job is None:
            raise
        return None


def _update(engine: Engine, run_id: int, **values: Any) -> None:
    with session_scope(engine) as session:
        session.execute(update(TemplateRun).where(TemplateRun.id == run_id).values(**values))


def kernel_name() -> str:
    """The kernel runs use: ``python3`` when it starts this interpreter, else a ``salesnb`` spec installed for it.

    A ``python3`` spec whose command is ``python`` runs the current interpreter (jupyter_client
    substitutes it); one that names another interpreter (e.g. a user-level spec) would run the
    notebooks without salesnb, so a spec for this interpreter is installed in ``sys.prefix``.
    """
    import sys

    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    manager = KernelSpecManager()
    try:
        command = manager.get_kernel_spec(KERNEL_NAME).argv[0]
    except NoSuchKernel:
        command = None
    if command in ("python", f"python{sys.version_info[0]}", sys.executable):
        return KERNEL_NAME
    try:
        if manager.get_kernel_spec(OWN_KERNEL_NAME).argv[0] == sys.executable:
            return OWN_KERNEL_NAME
    except NoSuchKernel:
        pass
    from ipykernel.kernelspec import install

    install(manager, kernel_name=OWN_KERNEL_NAME, display_name=f"Python ({sys.prefix})", prefix=sys.prefix)
    return OWN_KERNEL_NAME


def _execute(path: Path, output: Path, params: dict[str, Any], settings: Settings, timeout: int | None,
             db_url: str | None = None) -> str | None:
    """Run the notebook (its database: ``db_url``, else the run's); the error text when a cell (or the
    kernel) failed, else None."""
    pm, errors = papermill(), papermill("exceptions")

    try:
        with _run_environment(settings, db_url):
            pm.execute_notebook(str(path), str(output), parameters=params, kernel_name=kernel_name(),
                                progress_bar=False, log_output=False, cwd=str(settings.data_dir),
                                execution_timeout=timeout)
    except errors.PapermillExecutionError as exc:
        return f"cell {exc.exec_count}: {exc.ename}: {exc.evalue}"
    except Exception as exc:  # noqa: BLE001 - a kernel crash or bad notebook fails the run, visibly
        return f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=3)}"
    return None


@contextmanager
def _run_environment(settings: Settings, db_url: str | None = None) -> Iterator[None]:
    """The kernel inherits the run's database and language through the environment (not the notebook)."""
    saved = {k: os.environ.get(k) for k in RUN_ENV}
    os.environ["SALESNB_DB_URL"] = db_url or settings.db_url
    os.environ["SALESNB_LANG"] = settings.language
    os.environ["SALESNB_TZ"] = settings.timezone
    os.environ["SALESNB_HOME"] = str(settings.data_dir)
    if settings.source is not None:
        os.environ["SALESNB_CONFIG"] = str(settings.source)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _alert_ops(session, settings: Settings, run_id: int, name: str, error: str, output: Path) -> None:
    section = settings.section("runs")
    recipients = section.get("ops_recipients")
    if not recipients:
        recipients = session.scalars(select(User.user_id).where(User.role == "ops")).all()
    enqueue(session, dedup_key=f"template_run:{run_id}:failed", recipients=list(recipients),
            channel=section.get("ops_channel"), event_type=FAILED_EVENT, entity_type="template_run",
            entity_id=str(run_id), subject=t("runs.failed.subject", template=name, run_id=run_id),
            body=t("runs.failed.body", template=name, error=error_summary(error), path=output),
            payload={"template": name, "run_id": run_id, "error": error, "output_path": str(output)})


def error_summary(error: str, lines: int = 6) -> str:
    """The first lines of an error (the message and, for input errors, the first problems)."""
    kept = [line for line in error.strip().splitlines() if line.strip()][:lines]
    return "\n".join(kept)


def runs_frame(engine: Engine, *, template: str | None = None, limit: int = 50) -> pd.DataFrame:
    """The run history, newest first."""
    import pandas as pd  # only here: the process that runs a template does without pandas

    stmt = select(TemplateRun).order_by(TemplateRun.started_at.desc(), TemplateRun.id.desc()).limit(limit)
    if template:
        stmt = stmt.where(TemplateRun.template == template)
    with session_scope(engine) as session:
        rows = session.scalars(stmt).all()
        records = [{
            "id": r.id, "template": r.template, "job": r.job, "scheduled_for": r.scheduled_for,
            "started_at": r.started_at, "finished_at": r.finished_at, "status": r.status,
            "seconds": (r.finished_at - r.started_at).total_seconds() if r.finished_at else None,
            "parameters": r.parameters, "metrics": r.metrics, "error": r.error, "output_path": r.output_path,
        } for r in rows]
    return pd.DataFrame(records, columns=["id", "template", "job", "scheduled_for", "started_at", "finished_at",
                                          "status", "seconds", "parameters", "metrics", "error", "output_path"])

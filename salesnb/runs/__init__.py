"""Notebook runs: templates, papermill execution and its history, schedules, template bundles.

One package for everything that runs a parameterised notebook:

- :mod:`.notebook` — the notebook side (``start_run``, ``emit_metrics``), what
  the template notebooks import from ``salesnb.runs``;
- :mod:`.templates` — finding, listing, copying templates and their parameters;
- :mod:`.execute` — running a template with papermill and keeping its history;
- :mod:`.schedule` — the cron-style scheduler of template runs;
- :mod:`.bundles` — exporting and importing a team's templates, rules,
  scorecards and SLA policies as one file.
"""

from __future__ import annotations

from .execute import (
    FAILED_EVENT,
    RunResult,
    error_summary,
    kernel_name,
    read_metrics,
    run_template,
    runs_frame,
)
from .notebook import METRICS_MIME, RunSetup, emit_metrics, open_engine, start_run

__all__ = [
    "FAILED_EVENT", "METRICS_MIME", "RunResult", "RunSetup", "emit_metrics", "error_summary", "kernel_name",
    "open_engine", "read_metrics", "run_template", "runs_frame", "start_run",
]

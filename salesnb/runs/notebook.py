"""The notebook side of a template run: open the run's store, publish key numbers.

Every template notebook starts with one call::

    run = start_run(db_url, config_file, as_of, output_dir, language)

which reads the settings (the run's ``SALESNB_DB_URL`` / ``salesnb.toml``
unless the parameters say otherwise), applies the language and time zone,
opens a migrated engine, parses ``as_of`` and creates the output folder.
:func:`emit_metrics` publishes key numbers as a display output of type
:data:`METRICS_MIME`; :func:`salesnb.runs.execute.read_metrics` reads them
back after the run.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from ..config import Settings, load_settings
from ..db import make_engine, upgrade
from ..i18n import set_language
from ..timeutil import parse_as_of, set_local_tz
from ..urls import safe_url

METRICS_MIME = "application/vnd.salesnb.metrics+json"


def open_engine(db_url: str | None = None, config_file: str | None = None) -> tuple[Settings, Engine]:
    """Settings and a migrated engine for a template's ``db_url`` / ``config_file`` parameters."""
    if config_file:
        os.environ["SALESNB_CONFIG"] = str(config_file)
    settings = load_settings(db_url)
    set_local_tz(settings.timezone)
    set_language(settings.language)
    engine = make_engine(settings.db_url)
    upgrade(engine)
    return settings, engine


@dataclass(frozen=True)
class RunSetup:
    """What a template's cells work with: settings, engine, the run's time, language and output folder."""

    settings: Settings
    engine: Engine
    as_of: datetime
    language: str
    out: Path | None

    def describe(self) -> str:
        """One line naming the run's time and store (the password hidden)."""
        return f"as of {self.as_of:%Y-%m-%d %H:%M} · {safe_url(self.engine.url)}"


def start_run(db_url: str | None = None, config_file: str | None = None, as_of: Any = None,
              output_dir: str | None = None, language: str | None = None) -> RunSetup:
    """Set a template run up from its standard parameters (the first code cell of every template)."""
    settings, engine = open_engine(db_url, config_file)
    language = language or settings.language
    set_language(language)
    out = Path(output_dir) if output_dir else None
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
    return RunSetup(settings, engine, parse_as_of(as_of), language, out)


def emit_metrics(**metrics: Any) -> None:
    """Publish key numbers of a run (JSON-able values) for :func:`~salesnb.runs.execute.read_metrics`."""
    from IPython.display import display

    clean = json.loads(json.dumps(metrics, default=_json_default))
    display({METRICS_MIME: clean, "text/plain": json.dumps(clean, ensure_ascii=False)}, raw=True)


def _json_default(value: Any) -> Any:
    if hasattr(value, "item"):
        return value.item()
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)

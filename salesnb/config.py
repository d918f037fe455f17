"""Settings: a ``salesnb.toml`` file, overridden by ``SALESNB_*`` environment variables.

The config file is looked up in ``$SALESNB_CONFIG`` or ``./salesnb.toml``.
Secrets (webhook keys, SMTP passwords) belong in the environment or in this
file, never in notebooks.  Sections other than the top-level keys
(``[channels.NAME]``, ``[schedule]``, ``[sla]`` …) are kept as plain dicts for
the engines that own them.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEFAULT_DB_FILE = "salesnb.db"
LANGUAGES = ("zh-CN", "en")


@dataclass
class Settings:
    db_url: str
    language: str = "zh-CN"
    timezone: str = "Asia/Shanghai"
    data_dir: Path = field(default_factory=lambda: Path.cwd())
    raw: dict[str, Any] = field(default_factory=dict)
    source: Path | None = None

    def section(self, name: str) -> dict[str, Any]:
        """Return a config section (``[name]``) as a dict, empty when absent."""
        value = self.raw.get(name, {})
        return value if isinstance(value, dict) else {}


def config_path() -> Path | None:
    explicit = os.environ.get("SALESNB_CONFIG")
    if explicit:
        return Path(explicit)
    local = Path.cwd() / "salesnb.toml"
    return local if local.exists() else None


def load_settings(db_url: str | None = None) -> Settings:
    """Build the settings: explicit argument > environment > config file > defaults."""
    path = config_path()
    raw: dict[str, Any] = {}
    if path is not None and path.exists():
        with path.open("rb") as fh:
            raw = tomllib.load(fh)
    data_dir = Path(os.environ.get("SALESNB_HOME") or raw.get("data_dir") or Path.cwd())
    url = (
        db_url
        or os.environ.get("SALESNB_DB_URL")
        or raw.get("db_url")
        or f"sqlite:///{(data_dir / DEFAULT_DB_FILE).as_posix()}"
    )
    language = os.environ.get("SALESNB_LANG") or raw.get("language") or "zh-CN"
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, got {language!r}")
    tz = os.environ.get("SALESNB_TZ") or raw.get("timezone") or "Asia/Shanghai"
    return Settings(db_url=url, language=language, timezone=tz, data_dir=data_dir, raw=raw, source=path)

"""What every command needs: settings and an engine on an up-to-date schema.

SQLAlchemy and the migrations are imported on first use of the engine, not
when the CLI starts: ``salesnb --help`` and a cron job's quick command pay
only for what they use.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from typing import TYPE_CHECKING

import click

from ..config import Settings, load_settings
from ..timeutil import set_local_tz

if TYPE_CHECKING:
    from sqlalchemy import Engine


@dataclass
class AppContext:
    db_url: str | None = None
    language: str | None = None
    debug: bool = False
    _migrated: bool = field(default=False, repr=False)

    @cached_property
    def settings(self) -> Settings:
        settings = load_settings(self.db_url)
        if self.language:
            settings.language = self.language
        set_local_tz(settings.timezone)
        from ..notify.redact import register_secrets
        from ..urls import url_secrets

        register_secrets(url_secrets(settings.db_url))  # masked in every message and log line
        return settings

    @cached_property
    def raw_engine(self) -> Engine:
        from ..db import make_engine

        return make_engine(self.settings.db_url)

    def close(self) -> None:
        """Give the database connections back when the command ends (a test runs many commands in one process)."""
        if "raw_engine" in self.__dict__:
            self.__dict__.pop("raw_engine").dispose()

    @property
    def engine(self) -> Engine:
        """The engine, with the schema upgraded to the latest migration on first use."""
        if not self._migrated:
            from ..db import upgrade

            upgrade(self.raw_engine)
            self._migrated = True
        return self.raw_engine


def app(ctx: click.Context | None = None) -> AppContext:
    """The AppContext of the running command."""
    ctx = ctx or click.get_current_context()
    return ctx.find_object(AppContext)

"""What every command needs: settings and an engine on an up-to-date schema."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import click
from sqlalchemy import Engine

from ..config import Settings, load_settings
from ..db import make_engine, upgrade
from ..notify.redact import register_secrets
from ..timeutil import set_local_tz
from ..urls import url_secrets


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
        register_secrets(url_secrets(settings.db_url))  # masked in every message and log line
        return settings

    @cached_property
    def raw_engine(self) -> Engine:
        return make_engine(self.settings.db_url)

    @property
    def engine(self) -> Engine:
        """The engine, with the schema upgraded to the latest migration on first use."""
        if not self._migrated:
            upgrade(self.raw_engine)
            self._migrated = True
        return self.raw_engine


def app(ctx: click.Context | None = None) -> AppContext:
    """The AppContext of the running command."""
    ctx = ctx or click.get_current_context()
    return ctx.find_object(AppContext)

"""The library flows run on the seeded store before the apps are served."""

from __future__ import annotations

from sqlalchemy import Engine


def prepare(engine: Engine) -> None:
    """Push the seeded data through the library so the apps show real verdicts and candidates."""

"""Developer helpers: ``python -m salesnb.devtools revision "message"`` autogenerates a migration."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path


def revision(message: str) -> None:
    from alembic import command
    from alembic.script import ScriptDirectory

    from .db import alembic_config, make_engine, upgrade

    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'rev.db'}")
        upgrade(engine)
        cfg = alembic_config(engine)
        heads = ScriptDirectory.from_config(cfg).get_heads()
        if len(heads) != 1:
            raise SystemExit(f"migrations have {len(heads)} heads ({heads}); fix down_revision first")
        number = f"{int(heads[0]) + 1:04d}" if heads[0].isdigit() else None
        command.revision(cfg, message=message, autogenerate=True, rev_id=number)
        engine.dispose()


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] != "revision":
        raise SystemExit('usage: python -m salesnb.devtools revision "message"')
    revision(sys.argv[2])

"""Small notebooks for the run machinery tests, written on the fly."""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_notebook

from salesnb.config import Settings

PROBE_PARAMS = """db_url = None
config_file = None
as_of = None
output_dir = None
n = 1
fail = False"""

PROBE_BODY = """from sqlalchemy import text
from salesnb.runs import emit_metrics, open_engine

settings, engine = open_engine(db_url, config_file)
with engine.connect() as conn:
    users = conn.execute(text("SELECT count(*) FROM users")).scalar()
if fail:
    raise RuntimeError("deliberate failure in step 2")
emit_metrics(users=users, doubled=n * 2, as_of=as_of, output_dir=output_dir)"""


def write_notebook(path: Path, params: str, *cells: str) -> Path:
    """A python3 notebook whose first cell is the parameters cell."""
    nb = new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    first = new_code_cell(params)
    first.metadata["tags"] = ["parameters"]
    nb.cells = [first, *(new_code_cell(c) for c in cells)]
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


def probe(folder: Path, name: str = "probe") -> Path:
    """A notebook that counts users in its database, can fail on demand, and emits metrics."""
    return write_notebook(folder / f"{name}.ipynb", PROBE_PARAMS, PROBE_BODY)


def settings_for(db_url: str, data_dir: Path, **raw) -> Settings:
    return Settings(db_url=db_url, data_dir=data_dir, raw=raw)

"""The ``folder`` sync source: a drop folder of Excel / CSV exports, each new or changed file imported once.

Settings::

    [sync.drop]
    type = "folder"
    path = "/srv/exports"          # files directly in it (CSV, xlsx, xls, HTML saved as xls, tab text)
    table = "orders"               # optional: every file's table; default: a file named after a table
                                   # (orders.csv) is that table, otherwise the header says
    source_system = "ERP"          # optional: whose remembered header mappings apply
    allow_unmapped = false         # optional, as for `salesnb import --allow-unmapped`

Files go through the import's own stages (:func:`salesnb.io.plan_import`,
:func:`salesnb.io.import_plans`): header detection and matching, people by
name, phone or platform id, validation.  One stream, ``files``; each file is
one batch, committed with its content hash (SHA-256), so a file is imported
once whatever its name, and again only when its content changes.  A file
with problems is reported (file, row, column) and nothing of it is written;
it stays reported on every run until it is fixed or removed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ... import io as imports  # plan_import is resolved on the first file: reading files loads pandas
from ...errors import InputError, SyncError
from ...io.formats import SUPPORTED_SUFFIXES
from ...schema import table_specs
from ...sync.base import Batch, ReadContext, Source, Stream
from ..hookspecs import hookimpl

STREAM = "files"


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class FolderSource(Source):
    type = "folder"
    independent_batches = True

    def streams(self) -> list[Stream]:
        return [Stream(STREAM, "*", {})]

    def files(self) -> list[Path]:
        folder = Path(self.option("path", required=True)).expanduser()
        if not folder.is_dir():
            raise SyncError("sync.bad_option", name=self.name, option="path", detail=f"{folder} is not a folder")
        return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES
                      and not p.name.startswith((".", "~$")))

    def read(self, stream: Stream, cursor: dict[str, Any] | None, context: ReadContext) -> Iterator[Batch]:
        done = {} if context.full or not cursor else dict(cursor.get("files") or {})
        table = self.option("table")
        for path in self.files():
            digest = sha256(path)
            if digest in done:
                continue
            mark = {"files": {digest: path.name}}
            hinted = table or (path.stem.lower() if path.stem.lower() in table_specs() else None)
            try:
                plan = imports.plan_import(path, hinted, engine=context.engine, name=path.name,
                                   source_system=self.option("source_system", ""),
                                   allow_unmapped=bool(self.option("allow_unmapped", False)))
            except InputError as exc:
                yield Batch(None, mark, label=path.name, merge=True, problem=exc)
                continue
            yield Batch(None, mark, label=path.name, plans=[plan], merge=True)


@hookimpl
def salesnb_sync_sources():
    return [FolderSource]

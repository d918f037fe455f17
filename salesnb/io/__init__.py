"""Import and export of the canonical tables.

- :func:`import_paths` — files and folders, one transaction, upsert by id.
- :func:`plan_import` / :func:`apply_import` — one file read up to its header (detected table, header
  row, every header's column with score and reason, unused headers, missing columns), corrected by a
  person, then imported; what the import app and the folder source use.
- :func:`import_frame` — a pandas frame, inside the caller's session.
- :func:`import_plans` — planned files, inside the caller's session (the folder sync source).
- :func:`import_history` — the imports done so far (``import_log``): who, which file, what changed.
- :func:`read_table` — one file as a typed frame (format, encoding, header row and table detected).
- :func:`read_grid` — every row of a file's main sheet as text (readers with their own layout rules).
- :func:`export_table` — a table or a SELECT to xlsx or CSV (UTF-8 with BOM), people as ids or names.
- :class:`HeaderMappings`, :func:`load_mapping_file`, :func:`save_mapping_file` — header mappings people give.

An import is a pipeline of stages, one module each, called in order by
:mod:`salesnb.io.importer`: read → locate header → map headers → convert →
people → validate → write.  Names are re-exported lazily (:mod:`salesnb.lazy`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..lazy import lazy_exports
from . import messages  # noqa: F401 - the package's message keys, whichever submodule is used

# resolved on first use: a page that offers an upload or lists past imports does not load pandas
_EXPORTS: dict[str, str | tuple[str, str]] = {
    "export_table": ".exporter",
    "ImportEntry": ".history", "import_history": ".history",
    "ImportReport": ".importer", "TableResult": ".results", "apply_import": ".importer",
    "import_frame": ".importer", "import_paths": ".importer", "import_plans": ".importer",
    "open_source": ".importer", "plan_import": ".importer", "read_table": ".importer", "remap": ".importer",
    "HeaderMappings": ".mappings", "load_mapping_file": ".mappings", "parse_map_options": ".mappings",
    "save_mapping_file": ".mappings",
    "ColumnPlan": ".plan", "ImportPlan": ".plan", "MappingReport": ".plan",
    "read_grid": ".readers",
}
__all__ = [
    "ColumnPlan", "HeaderMappings", "ImportEntry", "ImportPlan", "ImportReport", "MappingReport", "TableResult",
    "apply_import", "export_table", "import_frame", "import_history", "import_paths", "import_plans",
    "load_mapping_file", "open_source", "parse_map_options",
    "plan_import", "read_grid", "read_table", "remap", "save_mapping_file",
]

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

if TYPE_CHECKING:
    from .exporter import export_table
    from .history import ImportEntry, import_history
    from .importer import (
        ImportReport,
        apply_import,
        import_frame,
        import_paths,
        import_plans,
        open_source,
        plan_import,
        read_table,
        remap,
    )
    from .mappings import HeaderMappings, load_mapping_file, parse_map_options, save_mapping_file
    from .plan import ColumnPlan, ImportPlan, MappingReport
    from .readers import read_grid
    from .results import TableResult

"""Import and export of the canonical tables.

- :func:`import_paths` — files and folders, one transaction, upsert by id.
- :func:`import_frame` — a pandas frame, inside the caller's session.
- :func:`read_table` — one file as a typed frame (format, encoding, header row and table detected).
- :func:`export_table` — a table or a SELECT to xlsx or CSV (UTF-8 with BOM).
"""

from .exporter import export_table
from .importer import ImportReport, TableResult, import_frame, import_paths, read_table

__all__ = ["ImportReport", "TableResult", "export_table", "import_frame", "import_paths", "read_table"]

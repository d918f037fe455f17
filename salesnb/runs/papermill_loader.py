"""papermill, imported without pyarrow.

papermill's I/O module tries ``from pyarrow.fs import …`` at import time, for
``hdfs://`` notebook paths that salesnb never uses; loading pyarrow for it
costs the process that runs a template (``salesnb run``, the scheduler) about
70 MiB, for the whole run.  :func:`papermill` imports papermill with that one
import answered "not installed" and then takes the answer back, so the rest
of the process can still load pyarrow normally.
"""

from __future__ import annotations

import importlib
import sys
from types import ModuleType

_HDFS_ONLY = "pyarrow.fs"


def papermill(submodule: str = "") -> ModuleType:
    """``papermill`` (or ``papermill.<submodule>``), imported without loading pyarrow."""
    name = f"papermill.{submodule}" if submodule else "papermill"
    if "papermill" in sys.modules or "pyarrow" in sys.modules:
        return importlib.import_module(name)
    sys.modules[_HDFS_ONLY] = None  # an import of it now raises ImportError, which papermill expects
    try:
        return importlib.import_module(name)
    finally:
        if sys.modules.get(_HDFS_ONLY, ...) is None:
            del sys.modules[_HDFS_ONLY]

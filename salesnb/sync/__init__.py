"""Sync: read the systems a team already runs, where they are, into the store.

Source plugins (the ``salesnb_sync_sources`` hook) give streams of rows per
canonical table; :func:`run_sync` writes them batch by batch exactly like an
import, each batch with its stream's cursor in one transaction.  Built-in
source types: ``sql``, ``http_json``, ``folder``, ``wecom_directory``,
``dingtalk_directory`` and ``feishu_directory`` (:mod:`salesnb.plugins.sources`).

- :func:`run_sync` — the driver (:mod:`salesnb.sync.driver`); ``salesnb sync`` and the daily run call it.
- :func:`states` — each stream's cursor, last run, counts and last error.
- :func:`overview`, :func:`sync_now` — the Connectors page: every configured stream, and "run now" (``data.import``).

Names are re-exported lazily (:mod:`salesnb.lazy`).
- :class:`Source`, :class:`Stream`, :class:`Batch` — what a source plugin implements and yields.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..lazy import lazy_exports
from . import messages  # noqa: F401 - the package's message keys, whichever submodule is used

# resolved on first use: the Connectors page lists streams without loading the driver (and pandas)
_EXPORTS: dict[str, str | tuple[str, str]] = {
    "Batch": ".base", "ReadContext": ".base", "Source": ".base", "Stream": ".base",
    "StreamResult": ".driver", "SyncReport": ".driver", "run_sync": ".driver", "sync_now": ".driver",
    "sync_stream": ".driver",
    "overview": ".ops",
    "make_sources": ".sources", "source_types": ".sources",
    "states": ".state",
    "BadRows": ".write", "RowProblem": ".write",
}
__all__ = ["BadRows", "Batch", "ReadContext", "RowProblem", "Source", "Stream", "StreamResult", "SyncReport",
           "make_sources", "overview", "run_sync", "source_types", "states", "sync_now", "sync_stream"]

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

if TYPE_CHECKING:
    from .base import Batch, ReadContext, Source, Stream
    from .driver import StreamResult, SyncReport, run_sync, sync_now, sync_stream
    from .ops import overview
    from .sources import make_sources, source_types
    from .state import states
    from .write import BadRows, RowProblem

"""Sync: read the systems a team already runs, where they are, into the store.

Source plugins (the ``salesnb_sync_sources`` hook) give streams of rows per
canonical table; :func:`run_sync` writes them batch by batch exactly like an
import, each batch with its stream's cursor in one transaction.  Built-in
source types: ``sql``, ``http_json``, ``folder``, ``wecom_directory``,
``dingtalk_directory`` and ``feishu_directory`` (:mod:`salesnb.plugins.sources`).

- :func:`run_sync` — the driver (:mod:`salesnb.sync.driver`); ``salesnb sync`` and the daily run call it.
- :func:`states` — each stream's cursor, last run, counts and last error.
- :func:`overview`, :func:`sync_now` — the Connectors page: every configured stream, and "run now" (``data.import``).
- :class:`Source`, :class:`Stream`, :class:`Batch` — what a source plugin implements and yields.
"""

from .base import Batch, ReadContext, Source, Stream
from .driver import StreamResult, SyncReport, run_sync, sync_stream
from .ops import overview, sync_now
from .sources import make_sources, source_types
from .state import states
from .write import BadRows, RowProblem

__all__ = ["BadRows", "Batch", "ReadContext", "RowProblem", "Source", "Stream", "StreamResult", "SyncReport",
           "make_sources", "overview", "run_sync", "source_types", "states", "sync_now", "sync_stream"]

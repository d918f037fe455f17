"""Reading and converting the next chunks in a background thread while the database writes.

Database statements (SQLite steps, the PostgreSQL server's work on COPY and
upserts) run without holding the GIL, so parsing the next chunk — or the next
file — overlaps with staging and upserting the current one.  The queue is
bounded, so at most :data:`DEPTH` converted chunks wait and memory stays flat.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from dataclasses import dataclass

import pandas as pd

from ..errors import InputError
from .readers import Mapped, Source
from .validate import ProblemLog, convert_chunk

DEPTH = 2


@dataclass
class Converted:
    """One converted chunk of a source, with the problems found in it."""

    mapped: Mapped
    typed: pd.DataFrame
    problems: ProblemLog


def converted_chunks(source: Source, chunk_rows: int, cap: int) -> Iterator[Converted]:
    """Read and convert the chunks of one source, here and now."""
    header = source.header
    spec, labels = header.spec, header.labels()
    for mapped in source.chunks(chunk_rows):
        problems = ProblemLog(cap)
        yield Converted(mapped, convert_chunk(mapped, spec, labels, source.name, problems), problems)


@dataclass
class _End:
    source: Source | None
    error: BaseException | None = None


class Prefetcher:
    """Converts the chunks of ``sources``, in order, in a daemon thread; consume them with :meth:`chunks`."""

    def __init__(self, sources: list[Source], chunk_rows: int, cap: int):
        self._queue: queue.Queue = queue.Queue(maxsize=DEPTH)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._work, args=(sources, chunk_rows, cap), daemon=True,
                                        name="salesnb-import-prefetch")
        self._thread.start()

    def _put(self, item: object) -> bool:
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def _work(self, sources: list[Source], chunk_rows: int, cap: int) -> None:
        try:
            for source in sources:
                try:
                    for item in converted_chunks(source, chunk_rows, cap):
                        if not self._put(item):
                            return
                except InputError as exc:  # unreadable from here on: the source ends with its problem
                    if not self._put(_End(source, exc)):
                        return
                    continue
                if not self._put(_End(source)):
                    return
        except BaseException as exc:  # noqa: BLE001 - handed to the consuming thread, which raises it
            self._put(_End(None, exc))

    def chunks(self, source: Source) -> Iterator[Converted]:
        """The converted chunks of ``source`` (sources must be consumed in the order given).

        Raises the source's :class:`InputError` (e.g. a line that cannot be
        parsed) after its readable chunks, and any unexpected error of the thread.
        """
        while True:
            item = self._queue.get()
            if isinstance(item, Converted):
                yield item
                continue
            if item.source is None:
                raise item.error
            if item.source is not source:
                raise RuntimeError(f"prefetch order: expected {source.name}, got {item.source.name}")
            if item.error is not None:
                raise item.error
            return

    def close(self) -> None:
        """Stop the thread (it may be blocked on a full queue) and wait for it."""
        self._stop.set()
        while True:
            try:
                self._queue.get_nowait()
            except queue.Empty:
                break
        self._thread.join(timeout=30)

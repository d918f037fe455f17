"""KPI counts taken alongside the daily run, so the run does not wait for them at its end.

Counting the KPIs reads every lead, quote, order, shipment and contract
(20–30 s of SQL at a million orders).  The item-based KPIs (sales action
compliance, first response, A-lead conversion) read only those tables, and
once the leads are graded no later step of the daily run writes them:
reconciliation writes invoices and bank matches, the checks findings,
escalation tasks and to-dos, delivery the outbox.  So the daily run starts
their count in a thread right after grading (:func:`count_kpis_alongside`)
and goes on matching bank lines and running checks meanwhile: the database
does the counting (SQLite and the PostgreSQL driver release the GIL while a
query runs), so on two cores both make progress.  The repair rate reads the
findings the checks write: :meth:`KpiCountsAlongside.findings_written`
starts it in the same thread once they are written (escalation and delivery,
which follow, write none), and :meth:`~KpiCountsAlongside.result` counts it
itself if nobody said so.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace
from datetime import datetime

from sqlalchemy import Engine

from .kpis import ALL_KPIS, BREAKPOINT_REPAIR, KpiCounts, KpiOptions, count_kpis


class KpiCountsAlongside:
    """The item KPIs being counted in a thread; :meth:`result` waits for them and adds the repair rate."""

    def __init__(self, engine: Engine, as_of: datetime, kpis: tuple[str, ...], options: KpiOptions):
        self._engine, self._as_of, self._kpis, self._options = engine, as_of, kpis, options
        items = tuple(k for k in kpis if k != BREAKPOINT_REPAIR)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="salesnb-kpi-counts")
        self._items: Future[KpiCounts] = self._pool.submit(self._count, items)
        self._repair: Future[KpiCounts] | None = None

    def _count(self, kpis: tuple[str, ...]) -> KpiCounts:
        return count_kpis(self._engine, self._as_of, kpis=kpis, options=self._options, beside=True)

    def findings_written(self) -> None:
        """The checks have written today's findings: count the repair rate in the thread too, after the
        item KPIs."""
        if self._repair is None and BREAKPOINT_REPAIR in self._kpis:
            self._repair = self._pool.submit(self._count, (BREAKPOINT_REPAIR,))

    def result(self) -> KpiCounts:
        """Every KPI's counts as of the run: the item KPIs' from the thread (their error raised here), and
        the repair rate's (counted now, unless :meth:`findings_written` started it)."""
        try:
            items = self._items.result()
            if BREAKPOINT_REPAIR not in self._kpis:
                return replace(items, kpis=self._kpis)
            repair = self._repair.result() if self._repair is not None else self._count((BREAKPOINT_REPAIR,))
            return replace(items, kpis=self._kpis, repair=repair.repair)
        finally:
            self._pool.shutdown(wait=False)


def count_kpis_alongside(engine: Engine, as_of: datetime, *, kpis: tuple[str, ...] = ALL_KPIS,
                         options: KpiOptions | None = None) -> KpiCountsAlongside:
    """Start counting ``kpis`` for everybody as of ``as_of`` (see the module docstring for when this is
    right); ``.result()`` gives the same :class:`~salesnb.kpi.kpis.KpiCounts` as
    :func:`~salesnb.kpi.kpis.count_kpis` would at that moment."""
    return KpiCountsAlongside(engine, as_of, tuple(kpis), options or KpiOptions())

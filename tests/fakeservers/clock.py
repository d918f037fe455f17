"""A clock tests move by hand: flush, notifiers and fake servers share it, nobody really sleeps."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo


class FakeClock:
    """Aware time that only moves when told (``advance``) or when something ``sleep``s on it."""

    def __init__(self, start: datetime | None = None):
        self._now = start or datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
        self._lock = threading.Lock()
        self.slept: list[float] = []

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def time(self) -> float:
        """Epoch seconds (the fake servers' clock)."""
        return self.now().timestamp()

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._now += timedelta(seconds=seconds)

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.advance(seconds)

    __call__ = now


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)

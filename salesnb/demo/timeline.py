"""Time arithmetic for the generator: local wall-clock seconds in int64 arrays.

Times are seconds since 1970-01-01 00:00 *local wall clock* (naive local time),
so they format directly as the ``YYYY-MM-DD HH:MM:SS`` text the importer reads
as local time.  ``NA`` marks a missing timestamp.
"""

from __future__ import annotations

import numpy as np

NA = np.iinfo(np.int64).min
HOUR = 3600
DAY = 86400


def hours(rng: np.random.Generator, n: int, median: float, sigma: float, lo: float, hi: float) -> np.ndarray:
    """Log-normal durations in seconds (median and clip bounds in hours)."""
    h = np.exp(np.log(median) + sigma * rng.standard_normal(n))
    return (np.clip(h, lo, hi) * HOUR).astype(np.int64)


def uniform(rng: np.random.Generator, n: int, lo_s: float, hi_s: float) -> np.ndarray:
    """Uniform durations in seconds in ``[lo_s, hi_s)``."""
    return (lo_s + rng.random(n) * (hi_s - lo_s)).astype(np.int64)


def banded(rng: np.random.Generator, n: int, target_h: float, weights: tuple[float, ...], max_h: float) -> np.ndarray:
    """Ages (seconds) of pending items spread over the SLA bands of a node.

    Bands are [0, t), [t, 2t), [2t, 4t), [4t, max): not yet due and escalation
    levels 1, 2 and 3.  The first eight items cycle through the bands so that
    every level is present even in a small data set.
    """
    edges = np.array([0.0, target_h, 2 * target_h, 4 * target_h, max(max_h, 5 * target_h)])
    band = rng.choice(4, n, p=np.asarray(weights) / np.sum(weights))
    k = min(n, 8)
    band[:k] = np.arange(k) % 4
    lo, hi = edges[band], edges[band + 1]
    # keep clear of the band edges so that rounding never moves an item to the next level
    margin = 0.04 * (hi - lo)
    h = lo + margin + rng.random(n) * (hi - lo - 2 * margin)
    return (h * HOUR).astype(np.int64)


def business_hours(rng: np.random.Generator, t: np.ndarray) -> np.ndarray:
    """Move times that fall at night or (mostly) at weekends earlier, into office hours.

    Moving only earlier keeps every chain of events in order when it is built
    backwards from its last event.
    """
    t = t.copy()
    ok = t != NA
    n = len(t)
    tod = np.mod(t, DAY)
    day0 = t - tod
    office = (9 * HOUR + rng.random(n) * 9 * HOUR).astype(np.int64)
    early = ok & (tod < 8 * HOUR + 1800)
    t[early] = day0[early] - DAY + office[early]
    late = ok & ~early & (tod > 19 * HOUR)
    t[late] = day0[late] + np.minimum(office[late], tod[late] - HOUR)
    weekday = np.mod(np.floor_divide(t, DAY) + 3, 7)  # 1970-01-01 was a Thursday; 0 = Monday
    weekend = ok & (weekday >= 5) & (rng.random(n) < 0.8)
    t[weekend] -= (weekday[weekend] - 4) * DAY
    return t


def to_text(t: np.ndarray) -> list[str]:
    """Seconds → ``YYYY-MM-DD HH:MM:SS`` strings ('' for NA)."""
    if len(t) == 0:
        return []
    missing = t == NA
    raw = np.datetime_as_string(np.where(missing, 0, t).astype("datetime64[s]"), unit="s").astype("S19")
    raw.view(np.uint8).reshape(-1, 19)[:, 10] = ord(" ")
    out = raw.astype("U19")
    if missing.any():
        out = out.astype(object)
        out[missing] = ""
    return out.tolist()


def date_text(days: np.ndarray) -> list[str]:
    """Days since 1970-01-01 → ``YYYY-MM-DD``."""
    return np.datetime_as_string(days.astype("datetime64[D]"), unit="D").tolist()


def office_forward(t: np.ndarray, jitter: np.ndarray, weekend_ok: np.ndarray) -> np.ndarray:
    """Move times at night or at weekends *later*, to the next office morning.

    ``jitter`` (0–1) spreads the moved times over 09:00–11:00; where
    ``weekend_ok`` is true a weekend time is kept (some people do work then).
    """
    tod = np.mod(t, DAY)
    day0 = t - tod
    morning = (9 * HOUR + jitter * 2 * HOUR).astype(np.int64)
    out = np.where(tod < 8 * HOUR + 1800, day0 + morning, np.where(tod > 19 * HOUR, day0 + DAY + morning, t))
    weekday = np.mod(np.floor_divide(out, DAY) + 3, 7)  # 0 = Monday
    move = (weekday >= 5) & ~weekend_ok
    day = out - np.mod(out, DAY)
    return np.where(move, day + (7 - weekday) * DAY + morning, out)

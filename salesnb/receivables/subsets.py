"""Exact subset sums over a handful of amounts: which invoices one payment covers, which lines make one invoice.

Small sets (≤ :data:`SMALL`) are searched exhaustively with pruning; larger
ones only for subsets of up to four members, by hashing (pairs, then pair
sums), which keeps a customer with dozens of open invoices cheap.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

SMALL = 14


def subset_sums(values: Sequence[int], target: int, *, min_size: int = 2, max_size: int | None = None,
                limit: int = 2) -> list[tuple[int, ...]]:
    """Up to ``limit`` index subsets (sorted tuples) of ``values`` summing exactly to ``target``.

    Only subsets with ``min_size`` ≤ size ≤ ``max_size`` count (``max_size``
    defaults to all of them for small inputs and to 4 for larger ones).  Values
    are positive integers (cents).
    """
    if len(values) <= SMALL:
        return _exhaustive(values, target, min_size, max_size or len(values), limit)
    return _hashed(values, target, min_size, min(max_size or 4, 4), limit)


def _exhaustive(values: Sequence[int], target: int, min_size: int, max_size: int, limit: int) -> list[tuple[int, ...]]:
    order = sorted(range(len(values)), key=lambda i: -values[i])
    suffix = [0] * (len(order) + 1)
    for k in range(len(order) - 1, -1, -1):
        suffix[k] = suffix[k + 1] + values[order[k]]
    found: list[tuple[int, ...]] = []

    def walk(k: int, remaining: int, chosen: tuple[int, ...]) -> None:
        if remaining == 0:
            if len(chosen) >= min_size:
                found.append(tuple(sorted(chosen)))
            return
        if len(chosen) >= max_size or suffix[k] < remaining:
            return
        for j in range(k, len(order)):
            if len(found) >= limit:
                return
            v = values[order[j]]
            if v <= remaining:
                walk(j + 1, remaining - v, chosen + (order[j],))

    walk(0, target, ())
    return found[:limit]


def _hashed(values: Sequence[int], target: int, min_size: int, max_size: int, limit: int) -> list[tuple[int, ...]]:
    where: dict[int, list[int]] = defaultdict(list)
    for i, v in enumerate(values):
        where[v].append(i)
    found: set[tuple[int, ...]] = set()
    n = len(values)
    if min_size <= 2 <= max_size:
        for i in range(n):
            for j in where.get(target - values[i], ()):
                if j > i:
                    found.add((i, j))
                    if len(found) >= limit:
                        return sorted(found)
    if min_size <= 3 <= max_size:
        for i in range(n):
            for j in range(i + 1, n):
                for k in where.get(target - values[i] - values[j], ()):
                    if k > j:
                        found.add((i, j, k))
                        if len(found) >= limit:
                            return sorted(found)
    if min_size <= 4 <= max_size:
        pairs: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for i in range(n):
            for j in range(i + 1, n):
                pairs[values[i] + values[j]].append((i, j))
        for total, members in pairs.items():
            for i, j in members:
                for k, m in pairs.get(target - total, ()):
                    if k > j:
                        found.add((i, j, k, m))
                        if len(found) >= limit:
                            return sorted(found)
    return sorted(found)

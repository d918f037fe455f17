"""Reference tables of the demo: the sales org (users), customers, lanes and production slots."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import vocab
from .names import company_names, person_names, pinyin_ids
from .timeline import DAY, NA

MOBILE_PREFIXES = ("138", "139", "136", "186", "187", "150", "151", "158", "177", "189")


@dataclass
class Org:
    """The users table and who plays which part."""

    table: dict[str, object]
    reps_by_region: list[np.ndarray]  # user index arrays, one per region
    manager_of: np.ndarray  # user index → manager's user index (−1 none)
    finance: np.ndarray
    warehouse: np.ndarray

    @property
    def ids(self) -> np.ndarray:
        return self.table["user_id"]


def build_org(rng: np.random.Generator, orders: int) -> Org:
    """A sales director, per region a manager and reps, finance, warehouse and ops staff."""
    reps_per_region = int(np.clip(round(orders / 2500), 3, 80))
    rows: list[tuple[str, int, str | None]] = [("sales_director", -1, "总部")]  # role, manager index, region
    reps_by_region = []
    for region in vocab.REGIONS:
        mgr = len(rows)
        rows.append(("sales_manager", 0, region))
        first = len(rows)
        rows += [("sales", mgr, region)] * reps_per_region
        reps_by_region.append(np.arange(first, len(rows)))
    fin_mgr = len(rows)
    rows.append(("finance_manager", 0, "总部"))
    n_fin = max(2, reps_per_region * 7 // 15)
    rows += [("finance", fin_mgr, "总部")] * n_fin
    finance = np.arange(fin_mgr + 1, len(rows))
    ops_lead = len(rows)
    rows += [("ops", 0, "总部"), ("ops", ops_lead, "总部")]
    n_wh = max(2, reps_per_region * 7 // 20)
    first_wh = len(rows)
    rows += [("warehouse", ops_lead, "总部")] * n_wh
    warehouse = np.arange(first_wh, len(rows))

    n = len(rows)
    ids = np.array([f"U{i + 1:04d}" for i in range(n)], dtype=object)
    names = person_names(rng, n, unique=True)
    wecom = pinyin_ids(names)
    mobiles: set[str] = set()
    mobile_list = []
    while len(mobile_list) < n:
        m = MOBILE_PREFIXES[int(rng.integers(len(MOBILE_PREFIXES)))] + f"{int(rng.integers(10**8)):08d}"
        if m not in mobiles:
            mobiles.add(m)
            mobile_list.append(m)
    manager_of = np.array([m for _, m, _ in rows])
    table = {
        "user_id": ids,
        "name": np.array(names, dtype=object),
        "role": np.array([r for r, _, _ in rows], dtype=object),
        "manager_id": np.array([ids[m] if m >= 0 else "" for m in manager_of], dtype=object),
        "region": np.array([g for _, _, g in rows], dtype=object),
        "wecom_userid": np.array(wecom, dtype=object),
        "mobile": np.array(mobile_list, dtype=object),
        "email": np.array([f"{w}@example.com" for w in wecom], dtype=object),
        "aliases": np.full(n, "", dtype=object),
        # platform ids derived from the user number (no random draws: the rest of the data set is unchanged)
        "dingtalk_userid": np.array([f"{1_000_000_000 + 7919 * (i + 1)}" for i in range(n)], dtype=object),
        "feishu_user_id": np.array([f"{(2_654_435_761 * (i + 1)) % 16**8:08x}" for i in range(n)], dtype=object),
        "active": np.ones(n, dtype=bool),
    }
    return Org(table, reps_by_region, manager_of, finance, warehouse)


@dataclass
class Customers:
    """Customer attributes kept in memory while the deals are generated."""

    ids: np.ndarray
    names: dict[str, np.ndarray]
    region: np.ndarray
    owner: np.ndarray  # user index
    weight: np.ndarray  # share of the deals
    account: np.ndarray  # bank account number (string)
    created_at: np.ndarray  # seconds; moved earlier than the customer's first lead when written

    def table(self, user_ids: np.ndarray) -> dict[str, object]:
        return {
            "customer_id": self.ids,
            "name": self.names["name"],
            "region": np.array(vocab.REGIONS, dtype=object)[self.region],
            "industry": self.names["industry"].astype(object),
            "owner_id": user_ids[self.owner],
            "created_at": self.created_at,
            "contact_ids": np.full(len(self.ids), "", dtype=object),  # none: the demo has no platform contacts
        }


def build_customers(rng: np.random.Generator, count: int, org: Org, as_of: int, id_width: int) -> Customers:
    """``count`` customers: unique Chinese company names, an owner rep in their region, a bank account."""
    names = company_names(rng, count)
    region = names["region"]
    owner = np.empty(count, dtype=np.int64)
    for r, reps in enumerate(org.reps_by_region):
        sel = region == r
        owner[sel] = rng.choice(reps, int(sel.sum()))
    weight = rng.lognormal(0.0, 1.0, count)
    weight /= weight.sum()
    digits = rng.integers(0, 10, (count, 19))
    lengths = rng.choice([16, 17, 19], count)
    account = np.array(
        ["".join(map(str, row[:k])) for row, k in zip(digits.tolist(), lengths.tolist())], dtype=object
    )
    # Old customers were created months or years ago; the rest during the data window.
    old = rng.random(count) < 0.85
    age_days = np.where(old, 90 + rng.random(count) * 1000, 1 + rng.random(count) * 83)
    created = as_of - (age_days * DAY).astype(np.int64)
    ids = np.array([f"C{i + 1:0{id_width - 1}d}" for i in range(count)], dtype=object)
    return Customers(ids, names, region, owner, weight, account, created)


def build_lanes(rng: np.random.Generator) -> dict[str, object]:
    """Carrier lanes from the factory (华东) to every region, with transit days and daily capacity."""
    rows = []
    for carrier, offset, capacity, _, _ in vocab.CARRIERS:
        for region in vocab.REGIONS:
            if (carrier, region) in vocab.MISSING_LANES:
                continue
            factor = 1.0 if region == "华东" else 0.4 + 0.4 * rng.random()
            rows.append((carrier, region, vocab.BASE_TRANSIT[region] + offset, int(capacity * factor)))
    return {
        "carrier": np.array([r[0] for r in rows], dtype=object),
        "dest_region": np.array([r[1] for r in rows], dtype=object),
        "transit_days": np.array([r[2] for r in rows], dtype=np.int64),
        "daily_capacity": np.array([r[3] for r in rows], dtype=np.int64),
    }


@dataclass
class Slots:
    """Free production capacity per product line and day (days since epoch from ``first_day``)."""

    first_day: int
    free: np.ndarray  # [line, day index]

    def table(self) -> dict[str, object]:
        n_lines, n_days = self.free.shape
        return {
            "product_line": np.repeat(np.array([p[0] for p in vocab.PRODUCT_LINES], dtype=object), n_days),
            "date": np.tile(np.arange(self.first_day, self.first_day + n_days), n_lines),
            "free_capacity": self.free.reshape(-1),
        }

    def wait_days(self, line: np.ndarray, quantity: np.ndarray, day: np.ndarray) -> np.ndarray:
        """Days from ``day`` until the first slot of ``line`` with free capacity ≥ quantity (NA if none)."""
        out = np.full(len(line), NA, dtype=np.int64)
        idx = day - self.first_day
        inside = (idx >= 0) & (idx < self.free.shape[1])
        n_days = self.free.shape[1]
        for li in np.unique(line[inside]):
            sel_line = inside & (line == li)
            for q in np.unique(quantity[sel_line]):
                sel = sel_line & (quantity == q)
                ok_at = np.where(self.free[li] >= q, np.arange(n_days), n_days)
                next_ok = np.minimum.accumulate(ok_at[::-1])[::-1]
                first = next_ok[idx[sel]]
                out[sel] = np.where(first < n_days, first - idx[sel], NA)
        return out


def build_slots(rng: np.random.Generator, as_of: int) -> Slots:
    """Free capacity from 13 weeks back to 26 weeks ahead: booked up near term, free further out."""
    today = as_of // DAY
    first = today - 91
    n_days = 91 + 182
    k = np.arange(first, first + n_days) - today
    frac = np.select([k < 0, k < 7, k < 21, k < 45], [0.0, 0.05, 0.25, 0.6], 0.9)
    weekday = np.mod(np.arange(first, first + n_days) + 3, 7)
    frac = frac * np.where(weekday == 6, 0.0, np.where(weekday == 5, 0.5, 1.0))
    caps = np.array([p[4] for p in vocab.PRODUCT_LINES], dtype=float)[:, None]
    noise = 0.7 + 0.45 * rng.random((len(caps), n_days))
    free = np.minimum(np.round(caps * frac * noise), caps).astype(np.int64)
    return Slots(first, free)


# The team's own sheet of the year after chinese_calendar's last (2026): 元旦 and the Spring Festival with its 调休.
TEAM_HOLIDAYS = (
    ("2027-01-01", "holiday", "元旦"),
    *((f"2027-02-{d:02d}", "holiday", "春节") for d in range(6, 14)),
    ("2027-02-14", "workday", "春节调休"),
    ("2027-02-20", "workday", "春节调休"),
)


def build_holidays() -> dict[str, object]:
    """The demo team's holidays and adjusted workdays (dates as days since 1970-01-01)."""
    from datetime import date

    epoch = date(1970, 1, 1).toordinal()
    return {
        "day": np.array([date.fromisoformat(d).toordinal() - epoch for d, _, _ in TEAM_HOLIDAYS], dtype=np.int64),
        "kind": np.array([k for _, k, _ in TEAM_HOLIDAYS], dtype=object),
        "name": np.array([n for _, _, n in TEAM_HOLIDAYS], dtype=object),
    }

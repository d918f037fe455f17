"""Hypothesis strategies: records of a canonical table and valid rules over its fields."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from hypothesis import strategies as st

from salesnb.rules.fields import field_set
from salesnb.rules.parse import OPS_BY_KIND

AS_OF = datetime(2026, 3, 10, 9, 0)  # local time
HOURS = [-96, -72, -48, -24, -4.5, -4, -2, -1, 0, 1, 2, 4, 24, 48]
TEXTS = ["", " ", "a", "ab", "b", "A", "中文", "a b", "ba"]


def datetimes():
    return st.builds(lambda h, us: AS_OF + timedelta(hours=h, microseconds=us),
                     st.sampled_from(HOURS), st.sampled_from([0, 0, 0, 1, -1, 500_000]))


def plain_value(info):
    """A non-null value for a field."""
    if info.enum:
        return st.sampled_from(info.enum)
    return {
        "str": st.sampled_from(TEXTS),
        "int": st.integers(-3, 3),
        "float": st.sampled_from([0.0, 0.5, 1.0, 2.0, 2.5, -1.0]),
        "decimal": st.integers(-300, 300).map(lambda n: Decimal(n) / 100),
        "bool": st.booleans(),
        "datetime": datetimes(),
        "date": st.integers(-3, 3).map(lambda d: date(2026, 3, 10) + timedelta(days=d)),
    }[info.kind]


def value(info):
    plain = plain_value(info)
    return st.one_of(st.none(), plain) if info.nullable else plain


def records(table: str, skip: tuple[str, ...] = (), n=(2, 10), ids: str = "K"):
    """Lists of records with unique primary keys from a small pool (so related keys collide)."""
    fs = field_set(table)
    pk = [c.name for c in fs.table.primary_key.columns]
    assert len(pk) == 1
    fields = {name: value(info) for name, info in fs.fields.items() if name not in pk and name not in skip}
    row = st.fixed_dictionaries(fields)
    return st.lists(row, min_size=n[0], max_size=n[1]).map(
        lambda rows: [{pk[0]: f"{ids}{i}", **r} for i, r in enumerate(rows)])


def _json(v):
    if isinstance(v, Decimal):
        return str(v)
    if isinstance(v, datetime):
        return v.isoformat()
    if isinstance(v, date):
        return v.isoformat()
    return v


def leaves(table: str, related: tuple[str, str, str] | None = None, allow_exists: bool = True):
    """Single conditions over ``table``; ``related`` = (table, related column, outer column)."""
    fs = field_set(table)
    infos = [i for i in fs.fields.values() if allow_exists or not i.computed]  # related rows have no computed fields
    options = []
    for info in infos:
        ops = OPS_BY_KIND[info.kind]
        unary = [o for o in ops if o in ("is_null", "not_null", "is_empty", "not_empty")]
        options.append(st.builds(lambda n, o: {"field": n, "op": o}, st.just(info.name), st.sampled_from(unary)))
        binary = [o for o in ops if o not in unary and o not in ("in", "not_in")]
        options.append(st.builds(lambda n, o, v: {"field": n, "op": o, "value": _json(v)},
                                 st.just(info.name), st.sampled_from(binary), plain_value(info)))
        if "in" in ops:
            options.append(st.builds(lambda n, o, vs: {"field": n, "op": o, "value": [_json(v) for v in vs]},
                                     st.just(info.name), st.sampled_from(["in", "not_in"]),
                                     st.lists(plain_value(info), max_size=3)))
        same = [j for j in infos if j.kind == info.kind and j.name != info.name]
        if same and binary:
            options.append(st.builds(lambda n, o, m: {"field": n, "op": o, "value": {"field": m}},
                                     st.just(info.name), st.sampled_from(binary), st.sampled_from([j.name for j in same])))
    times = [i.name for i in infos if i.kind == "datetime"]
    ints = [i.name for i in infos if i.kind == "int"]
    order = st.sampled_from(["eq", "ne", "lt", "le", "gt", "ge"])
    durations = st.fixed_dictionaries({"hours": st.sampled_from([-48, -24, -4, 0, 1.5, 4, 48])})
    if ints:
        durations = st.one_of(durations, st.builds(
            lambda f, neg: {"days": {"field": f, "negate": neg}}, st.sampled_from(ints), st.booleans()))
    if times:
        options.append(st.builds(lambda n, o, d: {"field": n, "op": o, "value": {"as_of": True, "offset": d}},
                                 st.sampled_from(times), order, durations))
        options.append(st.builds(lambda a, b, o, d: {"diff": [a, b], "op": o, "value": d},
                                 st.sampled_from(times), st.sampled_from(times), order,
                                 st.fixed_dictionaries({"hours": st.sampled_from([-4, 0, 4, 24])})))
    if related and allow_exists:
        rel_table, rel_col, outer_col = related
        inner = st.one_of(st.none(), leaves(rel_table, None, False))
        rel_times = [i.name for i in field_set(rel_table).fields.values() if i.kind == "datetime" and not i.computed]
        within = st.one_of(st.none(), within_specs(table, rel_table, durations))
        options.append(st.builds(
            lambda key, w, win: {key: {"table": rel_table, "on": {rel_col: outer_col},
                                       **({"where": w} if w else {}), **({"within": win} if win else {})}},
            st.sampled_from(["exists", "not_exists"]), inner, within))
    return st.one_of(options)


def within_specs(table: str, rel_table: str, durations=None):
    """``within`` clauses: a related datetime at most an own datetime plus a duration."""
    times = [i.name for i in field_set(table).fields.values() if i.kind == "datetime"]
    rel_times = [i.name for i in field_set(rel_table).fields.values() if i.kind == "datetime" and not i.computed]
    durations = durations if durations is not None else st.fixed_dictionaries({"hours": st.sampled_from([-48, -4, 0, 1.5, 4, 48])})
    return st.builds(lambda f, o, d: {"field": f, "of": o, "offset": d},
                     st.sampled_from(rel_times), st.sampled_from(times), durations)


def related_within(table: str, related: tuple[str, str, str]):
    """Only ``exists`` / ``not_exists`` leaves with a ``within`` clause (and sometimes a ``where``)."""
    rel_table, rel_col, outer_col = related
    return st.builds(
        lambda key, w, win: {key: {"table": rel_table, "on": {rel_col: outer_col}, "within": win,
                                   **({"where": w} if w else {})}},
        st.sampled_from(["exists", "not_exists"]), st.one_of(st.none(), leaves(rel_table, None, False)),
        within_specs(table, rel_table))


def rules(table: str, related=None):
    def extend(children):
        lists = st.lists(children, max_size=3)
        return st.one_of(
            lists.map(lambda xs: {"all": xs}),
            lists.map(lambda xs: {"any": xs}),
            children.map(lambda x: {"not": x}),
            st.builds(lambda k, xs: {"at_least": k, "of": xs}, st.integers(0, 3), lists),
        )
    return st.recursive(leaves(table, related), extend, max_leaves=6)

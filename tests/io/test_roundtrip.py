"""The fast write path stores exactly what the ORM stores, on each backend."""

from sqlalchemy import JSON, select, text
from sqlalchemy.orm import Session

from salesnb.io import import_paths
from salesnb.models import CANONICAL_MODELS, Base

from .helpers import CANONICAL, write_canonical, write_csv


def stored_text(conn, table: str) -> list[str]:
    """Every row as the database's own text rendering of the stored values (type-exact)."""
    cols = [c.name for c in Base.metadata.tables[table].columns]
    pk = ", ".join(c.name for c in Base.metadata.tables[table].primary_key.columns)
    if conn.dialect.name == "sqlite":
        expr = " || '|' || ".join(f'quote("{c}")' for c in cols)
        return [r for (r,) in conn.execute(text(f"SELECT {expr} FROM {table} ORDER BY {pk}"))]
    return [r for (r,) in conn.execute(text(f"SELECT CAST({table} AS text) FROM {table} ORDER BY {pk}"))]


def test_fast_path_and_orm_store_identical_values(engine, tmp_path):
    folder = tmp_path / "data"
    write_canonical(folder)
    rows = CANONICAL["contracts"]
    write_csv(folder / "contracts.csv", [*rows[0], "合同备注"], [[*r.values(), "含税, 分两批"] for r in rows])
    import_paths(engine, [folder])

    with engine.connect() as conn:
        fast = {t: stored_text(conn, t) for t in CANONICAL}
    assert all(fast.values())
    with Session(engine) as session:
        objects = {m: [{c.key: getattr(o, c.key) for c in m.__mapper__.column_attrs} for o in session.scalars(select(m))]
                   for m in CANONICAL_MODELS}
    with engine.begin() as conn:
        for model in CANONICAL_MODELS:
            conn.execute(model.__table__.delete())
    with Session(engine) as session, session.begin():
        for model, values in objects.items():
            # a JSON column given None explicitly stores JSON 'null'; left out, it is SQL NULL, as on import
            json_cols = {c.key for c in model.__table__.columns if isinstance(c.type, JSON)}
            session.add_all(model(**{k: x for k, x in v.items() if not (k in json_cols and x is None)}) for v in values)
    with engine.connect() as conn:
        orm = {t: stored_text(conn, t) for t in CANONICAL}
    assert orm == fast
    contracts = next(v for m, v in objects.items() if m.__tablename__ == "contracts")
    assert contracts[0]["extra"] == {"合同备注": "含税, 分两批"}  # the extra column went through both paths


def test_export_with_chinese_headers_and_names_reimports_to_the_same_check_counts(engine, tmp_path):
    """Every table exported as a team's sheets look (Chinese headers, people by name), re-imported into an
    empty database: the same rows, the same people, the same check counts."""
    from salesnb.checks import run_checks
    from salesnb.demo import build_demo_db
    from salesnb.io import export_table
    from salesnb.models import User

    from ..checks.helpers import AS_OF

    build_demo_db(engine, orders=150, seed=11, as_of=AS_OF)
    with Session(engine) as session, session.begin():  # two people with one name: exports write 姓名（编号）
        first, second = session.scalars(select(User).where(User.role == "sales").order_by(User.user_id).limit(2))
        second.name = first.name
        first.aliases = "老" + first.name[:1]
        shared = f"{first.name}（{first.user_id}）"
    before = {name: r.count for name, r in run_checks(engine, AS_OF, alerts=False).checks.items()}
    assert all(before.values()), before
    with engine.connect() as conn:
        stored = {t: stored_text(conn, t) for t in (m.__tablename__ for m in CANONICAL_MODELS)}
    folder = tmp_path / "sheets"
    for i, model in enumerate(CANONICAL_MODELS):
        suffix = "xlsx" if i % 2 == 0 and i else "csv"
        export_table(engine, model.__tablename__, folder / f"{model.__tablename__}.{suffix}", people="names")
    header = (folder / "customers.csv").read_text(encoding="utf-8-sig").splitlines()[0].split(",")
    assert "负责人" in header and "负责人编号" not in header
    assert shared in (folder / "customers.csv").read_text(encoding="utf-8-sig")

    with engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())
    report = import_paths(engine, [folder])
    assert report.total("inserted") == sum(1 for rows in stored.values() for _ in rows)
    assert all(r.mapping.unused == [] for r in report.results)
    with engine.connect() as conn:
        assert {t: stored_text(conn, t) for t in stored} == stored
    after = {name: r.count for name, r in run_checks(engine, AS_OF, alerts=False).checks.items()}
    assert after == before

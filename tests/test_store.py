"""The store: migrations, time zones and money on each backend."""

from datetime import datetime, timedelta, timezone
from decimal import Decimal

from sqlalchemy import select

from salesnb.db import current_revision, session_scope
from salesnb.models import Base, Invoice, Lead
from salesnb.timeutil import local_tz


def test_schema_is_at_head_and_matches_models(engine):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    assert current_revision(engine) is not None
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": False}), Base.metadata)
    assert diff == []


def test_timestamps_round_trip_aware_in_local_zone(engine):
    utc_time = datetime(2026, 3, 1, 1, 30, tzinfo=timezone.utc)
    with session_scope(engine) as s:
        s.add(Lead(lead_id="L1", customer_id="C1", owner_id="U1", created_at=utc_time))
        s.add(Lead(lead_id="L2", customer_id="C1", owner_id="U1", created_at=datetime(2026, 3, 1, 9, 30)))
    with session_scope(engine) as s:
        leads = {lead.lead_id: lead for lead in s.scalars(select(Lead))}
    assert leads["L1"].created_at == utc_time
    assert leads["L1"].created_at.utcoffset() == timedelta(hours=8)
    assert leads["L1"].created_at.tzinfo is not None
    # naive input is Asia/Shanghai local time: 09:30 local == 01:30 UTC
    assert leads["L2"].created_at == utc_time
    assert str(leads["L2"].created_at.tzinfo) == str(local_tz())


def test_comparison_in_sql_respects_time_zone(engine):
    with session_scope(engine) as s:
        s.add(Lead(lead_id="L1", customer_id="C1", owner_id="U1", created_at=datetime(2026, 3, 1, 9, 0)))
    cutoff = datetime(2026, 3, 1, 1, 0, tzinfo=timezone.utc)  # 09:00 local
    with session_scope(engine) as s:
        assert s.scalar(select(Lead.lead_id).where(Lead.created_at <= cutoff)) == "L1"
        assert s.scalar(select(Lead.lead_id).where(Lead.created_at < cutoff)) is None


def test_money_is_exact(engine):
    with session_scope(engine) as s:
        s.add(Invoice(invoice_id="I1", amount=Decimal("1234567.89")))
        s.add(Invoice(invoice_id="I2", amount=Decimal("0.10")))
    with session_scope(engine) as s:
        amounts = dict(s.execute(select(Invoice.invoice_id, Invoice.amount)).all())
        total = sum(amounts.values())
    assert amounts == {"I1": Decimal("1234567.89"), "I2": Decimal("0.10")}
    assert total == Decimal("1234567.99")


def test_sqlite_uses_wal(sqlite_engine):
    with sqlite_engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_the_quick_up_to_date_check_knows_the_newest_migration(engine, tmp_path):
    """``upgrade`` skips Alembic when the store is at HEAD_REVISION: that must be Alembic's head."""
    from alembic.script import ScriptDirectory

    from salesnb.db import HEAD_REVISION, alembic_config, make_engine, upgrade

    assert ScriptDirectory.from_config(alembic_config(engine)).get_current_head() == HEAD_REVISION
    assert current_revision(engine) == HEAD_REVISION
    fresh = make_engine(f"sqlite:///{tmp_path / 'fresh.db'}")
    assert current_revision(fresh) is None
    upgrade(fresh, "0014")
    assert current_revision(fresh) == "0014"
    upgrade(fresh)  # behind: migrates
    assert current_revision(fresh) == HEAD_REVISION
    fresh.dispose()


def test_statistics_are_refreshed_only_after_a_write_large_for_the_table(engine, monkeypatch, fresh_statistics):
    """PostgreSQL analyses a table after a bulk write only when the write is a tenth or more of the rows its
    statistics know of (a table that grew from nothing always); SQLite never."""
    import salesnb.db
    from sqlalchemy import event

    monkeypatch.setattr(salesnb.db, "ANALYZE_AFTER", 5)
    with session_scope(engine) as s:
        s.add_all(Lead(lead_id=f"L{i}", customer_id="C1", owner_id="U1", created_at=datetime(2026, 3, 1))
                  for i in range(200))
    statements = []
    event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    with engine.begin() as conn:
        salesnb.db.refresh_statistics(conn, 200, "leads")  # never analysed: its statistics know of no row
        salesnb.db.refresh_statistics(conn, 4, "leads")  # under ANALYZE_AFTER
        salesnb.db.refresh_statistics(conn, 15, "leads")  # 15 of 200: under a tenth
        salesnb.db.refresh_statistics(conn, 25, "leads")
    analysed = [s for s in statements if s.strip().upper().startswith("ANALYZE")]
    assert analysed == (["ANALYZE leads", "ANALYZE leads"] if engine.dialect.name == "postgresql" else [])


def test_rows_given_as_columns_are_stored_exactly_whatever_their_text(engine):
    """insert_columns (a COPY on PostgreSQL): tabs, newlines, backslashes, quotes, Chinese text, NULLs and big
    numbers come back as they went in."""
    from sqlalchemy import BigInteger, Column, MetaData, String, Table

    from salesnb.db import insert_columns

    table = Table("salesnb_test_columns", MetaData(), Column("key", String(200), primary_key=True),
                  Column("label", String(200)), Column("n", BigInteger), prefixes=["TEMPORARY"])
    keys = ["a\tb", "line\nbreak", "back\\slash", "\\N", "quote'\"", "合同/HT-1", "plain", "carriage\rreturn"]
    labels = [None, "x", "", "\\.", "a,b", None, "名称", "\x01ctl"]
    numbers = [0, -1, 2**62, None, 5, 6, 7, 8]
    with engine.begin() as conn:
        table.create(conn)
        insert_columns(conn, table, key=[], label=[], n=[])  # nothing to insert: nothing happens
        insert_columns(conn, table, key=keys, label=labels, n=numbers)
        stored = {row.key: (row.label, row.n) for row in conn.execute(select(table))}
    assert stored == {k: (label, n) for k, label, n in zip(keys, labels, numbers)}


def test_rows_given_as_columns_keep_their_types_conversion(engine):
    """A column whose type converts values (an aware timestamp stored as UTC) goes through SQLAlchemy's
    conversion; the others are written as they are (SQLite's fast path)."""
    from sqlalchemy import Column, Integer, MetaData, Table

    from salesnb.db import insert_columns
    from salesnb.types import UTCDateTime

    table = Table("salesnb_test_times", MetaData(), Column("n", Integer, primary_key=True), Column("at", UTCDateTime),
                  prefixes=["TEMPORARY"])
    shanghai = timezone(timedelta(hours=8))
    times = [datetime(2026, 3, 1, 9, 0, tzinfo=shanghai), None, datetime(2026, 3, 1, 1, 30, tzinfo=timezone.utc)]
    with engine.begin() as conn:
        table.create(conn)
        insert_columns(conn, table, n=[1, 2, 3], at=times)
        stored = dict(conn.execute(select(table.c.n, table.c.at)).all())
        raw = conn.exec_driver_sql("SELECT CAST(at AS TEXT) FROM salesnb_test_times WHERE n = 1").scalar()
    assert stored == {1: times[0], 2: None, 3: times[2]}  # the same instants
    assert raw.startswith("2026-03-01 01:00:00")  # stored as UTC


def test_among_selects_the_rows_whose_value_is_one_of_many(engine):
    """salesnb.db.among: IN (…) on SQLite, one array parameter on PostgreSQL; strings and integers, none."""
    from salesnb.db import among
    from salesnb.models import EscalationLog

    at = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)
    with session_scope(engine) as s:
        s.add_all([EscalationLog(task_id=f"T{i}", node="n", level=1, due_at=at, fired_at=at) for i in range(3000)])
    wanted = [f"T{i}" for i in range(0, 3000, 2)] + ["nobody", "T1'); DROP TABLE tasks; --"]
    with session_scope(engine) as s:
        found = set(s.scalars(select(EscalationLog.task_id).where(among(EscalationLog.task_id, wanted))))
        assert found == {f"T{i}" for i in range(0, 3000, 2)}
        ids = sorted(s.scalars(select(EscalationLog.id)))[:10]
        assert sorted(s.scalars(select(EscalationLog.id).where(among(EscalationLog.id, ids[::3])))) == ids[::3]
        assert s.scalars(select(EscalationLog.id).where(among(EscalationLog.id, []))).all() == []


def test_postgresql_statements_are_never_prepared_so_every_plan_sees_its_values(pg_database_url):
    """psycopg prepares a statement after five runs, and PostgreSQL may then plan it once for any parameters: a
    plan made for a short array filtered every row against 10,000 values. Each statement is planned with its own."""
    from salesnb.db import make_engine

    engine = make_engine(pg_database_url)
    with engine.connect() as conn:
        assert conn.connection.driver_connection.prepare_threshold is None
        for _ in range(8):
            conn.execute(select(Lead.lead_id).where(Lead.lead_id == "L1")).all()
        assert conn.exec_driver_sql("SELECT count(*) FROM pg_prepared_statements").scalar() == 0
    engine.dispose()

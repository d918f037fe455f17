"""Vectorised parsing of import text: timestamps, amounts, booleans, integers, enums."""

from datetime import datetime, timezone

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import String, create_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from salesnb.io.convert import (
    cell_text,
    parse_bool,
    parse_date,
    parse_datetime,
    parse_decimal,
    parse_enum,
    parse_float,
    parse_int,
    utc_storage_text,
)
from salesnb.types import UTCDateTime


def s(*values):
    return pd.Series(list(values), dtype=str)


def test_timestamps_in_several_formats_are_local_unless_an_offset_is_given():
    parsed = parse_datetime(s(
        "2026-11-27 09:30:00", "2026-11-27 09:30", "2026/11/27 9:30", "2026.11.27", "2026年11月27日 9时30分",
        "2026-11-27T09:30:00+08:00", "2026-11-27T01:30:00Z", "2026-11-27 03:30:00 +0200", "20261127 093000",
        "2026-11-27 09:30:00.25", "",
    ))
    utc = datetime(2026, 11, 27, 1, 30, tzinfo=timezone.utc)
    values = list(parsed.values)
    assert values[0] == values[1] == values[2] == values[4] == values[5] == values[6] == values[7] == values[8] == utc
    assert values[3] == datetime(2026, 11, 26, 16, 0, tzinfo=timezone.utc)  # midnight Shanghai
    assert values[9] == datetime(2026, 11, 27, 1, 30, 0, 250000, tzinfo=timezone.utc)
    assert pd.isna(values[10])
    assert not parsed.bad.any()


@pytest.mark.parametrize("bad", ["昨天", "2026-13-01", "2026-02-30 10:00", "27/11/2026", "10:00", "2026-11-27 25:00"])
def test_unreadable_timestamps_are_flagged(bad):
    parsed = parse_datetime(s(bad, "2026-11-27"))
    assert parsed.bad.tolist() == [True, False]


def test_storage_text_is_what_sqlalchemy_writes_on_sqlite():
    class Base(DeclarativeBase):
        pass

    class Row(Base):
        __tablename__ = "row"
        id: Mapped[str] = mapped_column(String(5), primary_key=True)
        at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    texts = ["2026-11-27 09:30:00", "1999-12-31 23:59:59.000001", "2026-03-01T00:00:00+08:00", ""]
    parsed = parse_datetime(s(*texts))
    with Session(engine) as session:
        for i, value in enumerate(parsed.values):
            session.add(Row(id=str(i), at=None if pd.isna(value) else value.to_pydatetime()))
        session.commit()
        stored = [r for (r,) in session.execute(Row.__table__.select().with_only_columns(Row.__table__.c.at).order_by("id"))]
    with engine.connect() as conn:
        raw = [r for (r,) in conn.exec_driver_sql("SELECT at FROM row ORDER BY id")]
    assert list(utc_storage_text(parsed.values)) == raw
    assert stored[0] == datetime(2026, 11, 27, 1, 30, tzinfo=timezone.utc)


def test_amounts_are_exact_text_with_at_most_two_decimals():
    parsed = parse_decimal(s("¥1,234.50", "1234.5元", "(12.00)", "0012.300", "RMB 88", "+3", "-0.5", "1.234", "12abc", ""))
    assert parsed.values.tolist()[:7] == ["1234.50", "1234.5", "-12.00", "12.30", "88", "3", "-0.5"]
    assert parsed.bad.tolist() == [False] * 7 + [True, True, False]


def test_booleans_in_chinese_and_english():
    parsed = parse_bool(s("是", "否", "TRUE", "false", "1", "0", "Y", "n", "也许", ""))
    assert parsed.values.tolist()[:8] == [True, False, True, False, True, False, True, False]
    assert parsed.bad.tolist() == [False] * 8 + [True, False]


def test_integers_and_text_in_number_columns():
    parsed = parse_int(s("40", "1,200", "12.0", "12.5", "四十", "9999999999", ""))
    assert parsed.values.tolist()[:3] == [40, 1200, 12]
    assert parsed.bad.tolist() == [False, False, False, True, True, True, False]
    floats = parse_float(s("2.5", "1e3", "两次", ""))
    assert floats.values.tolist()[:2] == [2.5, 1000.0]
    assert floats.bad.tolist() == [False, False, True, False]


def test_enum_values_accept_chinese_labels():
    statuses = ("open", "shipped", "delivered", "cancelled")
    parsed = parse_enum(s("已发货", "Shipped", "open", "已签收", "飞了", ""), statuses)
    assert parsed.values.tolist()[:4] == ["shipped", "shipped", "open", "delivered"]
    assert parsed.bad.tolist() == [False] * 4 + [True, False]
    kinds = parse_enum(s("技术咨询", "招标比价", "tender"), ("technical", "tender"))
    assert kinds.values.tolist() == ["technical", "tender", "tender"]
    roles = parse_enum(s("销售经理", "财务"), ("sales", "sales_manager", "finance"))
    assert roles.values.tolist() == ["sales_manager", "finance"]


def test_dates():
    parsed = parse_date(s("2026-12-01", "2026/1/2", "2026-12-01 00:00:00", "2026-12-01 10:00", "x", ""))
    assert [v.date().isoformat() if not pd.isna(v) else None for v in parsed.values] == [
        "2026-12-01", "2026-01-02", "2026-12-01", None, None, None]
    assert parsed.bad.tolist() == [False, False, False, True, True, False]


def test_cell_text_never_shows_floats_of_ids():
    assert cell_text(6.222020200112233e18) == "6222020200112233472"
    assert cell_text(12.0) == "12"
    assert cell_text(0.1 + 0.2) == "0.3"
    assert cell_text(True) == "true"
    assert cell_text(datetime(2026, 1, 2, 3, 4, 5)) == "2026-01-02 03:04:05"
    assert cell_text(None) == "" and cell_text(np.nan) == ""

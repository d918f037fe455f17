"""Importing into the store (SQLite and PostgreSQL): upsert, reruns, validation, one transaction."""

from datetime import datetime, timezone
from decimal import Decimal

import pandas as pd
import pytest
from sqlalchemy import func, select

from salesnb.db import session_scope
from salesnb.errors import InputError
from salesnb.io import import_frame, import_paths
from salesnb.models import BankTransaction, Customer, ImportLog, Invoice, Lead, Order, ProductionSlot, Task, User

from .helpers import CANONICAL, snapshot, sqlite_file_bytes, write_canonical, write_csv, write_table_csv
from .ugly import bank_html_xls, orders_xlsx_with_banners


def test_folder_imports_in_dependency_order_and_reads_back_typed(engine, tmp_path):
    write_canonical(tmp_path / "data")
    report = import_paths(engine, [tmp_path / "data"])
    by_table = report.by_table()
    assert set(by_table) == set(CANONICAL)
    assert [r.table for r in report.results][:4] == ["users", "customers", "leads", "quotes"]
    for table, rows in CANONICAL.items():
        assert (by_table[table].rows, by_table[table].inserted) == (len(rows), len(rows))
    with session_scope(engine) as s:
        lead = s.get(Lead, "L2")
        assert lead.created_at == datetime(2026, 11, 3, 0, 0, tzinfo=timezone.utc)
        assert lead.budget_provided is True and lead.delivery_date_specified is True
        assert lead.purchase_freq_per_month == 0.0 and lead.status == "converted"
        assert s.get(Invoice, "I1").amount == Decimal("64000.25")
        assert s.get(Invoice, "I1").paid_amount == Decimal("0.00")  # model default for a column not imported
        assert s.get(Task, "T1").kind == "workflow"
        assert s.get(BankTransaction, "202611250001").payer_account == "6222021001123456789"
        assert s.get(ProductionSlot, ("伺服电机", datetime(2026, 12, 1).date())).free_capacity == 50
        assert s.get(User, "U2").manager_id == "U1"
        assert s.scalar(select(func.count()).select_from(ImportLog)) == len(CANONICAL)


def test_reimporting_the_same_files_changes_nothing(engine, tmp_path):
    write_canonical(tmp_path / "data")
    import_paths(engine, [tmp_path / "data"])
    before = snapshot(engine)
    again = import_paths(engine, [tmp_path / "data"])
    assert again.total("inserted") == again.total("updated") == 0
    assert again.total("unchanged") == sum(len(r) for r in CANONICAL.values())
    assert snapshot(engine) == before  # import_log included: a no-op writes no log row


def test_changed_rows_are_updated_and_counted(engine, tmp_path):
    write_canonical(tmp_path / "data")
    import_paths(engine, [tmp_path / "data"])
    rows = [dict(r) for r in CANONICAL["orders"]]
    rows[1].update(status="已发货", shipped_at="2026-11-20 08:00")
    rows.append({"order_id": "O3", "contract_id": "K1", "quote_id": "", "created_at": "2026-11-21", "status": "open", "shipped_at": ""})
    report = import_paths(engine, [write_table_csv(tmp_path, "orders", rows)])
    (result,) = report.results
    assert (result.inserted, result.updated, result.unchanged) == (1, 1, 1)
    with session_scope(engine) as s:
        o2 = s.get(Order, "O2")
        assert o2.status == "shipped" and o2.shipped_at == datetime(2026, 11, 20, 0, 0, tzinfo=timezone.utc)
        log = s.scalars(select(ImportLog).order_by(ImportLog.id.desc())).first()
        assert (log.table_name, log.inserted, log.updated, log.unchanged) == ("orders", 1, 1, 1)


def test_file_with_errors_changes_nothing_and_names_rows_and_columns(engine, tmp_path):
    write_canonical(tmp_path / "data")
    import_paths(engine, [tmp_path / "data"])
    before = snapshot(engine)
    raw_before = sqlite_file_bytes(engine) if engine.dialect.name == "sqlite" else None
    good_users = write_table_csv(tmp_path, "users", [
        *CANONICAL["users"], {"user_id": "U9", "name": "新人", "role": "sales", "manager_id": "U2", "region": "", "mobile": ""}])
    bad_orders = write_csv(
        tmp_path / "订单.csv", ["订单编号", "合同编号", "下单时间", "状态", "发货时间", "数量"],
        [
            ["O1", "K1", "2026-11-11 09:00", "已发货", "2026-11-15 17:45", "5"],  # row 3: fine (an update)
            ["O7", "K404", "2026-11-12", "open", "", ""],                        # row 4: unknown contract
            ["", "K1", "2026-11-12", "open", "", ""],                            # row 5: empty id
            ["O8", "K1", "昨天", "飞了", "", ""],                                 # row 6: bad date, bad status
            ["O7", "K1", "2026-11-12", "open", "", ""],                          # row 7: duplicate id
        ],
        banner=[["ERP 订单导出"]],
    )
    with pytest.raises(InputError) as err:
        import_paths(engine, [good_users, bad_orders])
    found = {(p.file.split("/")[-1], p.row, p.column) for p in err.value.problems}
    assert found == {
        ("订单.csv", 4, "合同编号"), ("订单.csv", 5, "订单编号"), ("订单.csv", 6, "下单时间"),
        ("订单.csv", 6, "状态"), ("订单.csv", 7, "订单编号"),
    }
    message = str(err.value)
    assert "第 6 行，列 下单时间" in message and "'昨天'" in message and "K404" in message
    assert snapshot(engine) == before
    if raw_before is not None:
        assert sqlite_file_bytes(engine) == raw_before


def test_missing_required_columns_and_the_problem_cap(engine, tmp_path):
    path = write_csv(tmp_path / "c.csv", ["客户编号", "区域"], [["C1", "华东"]])
    with pytest.raises(InputError) as err:
        import_paths(engine, [path], table="customers")
    assert [(p.row, p.column) for p in err.value.problems] == [(1, "客户名称")]
    many = write_csv(tmp_path / "u.csv", ["user_id", "name", "role"], [[f"U{i}", "x", "nobody"] for i in range(120)])
    with pytest.raises(InputError) as err:
        import_paths(engine, [many])
    assert err.value.total == 120 and len(err.value.problems) == 50
    assert "70 more" in err.value.render("en") and "另有 70 个问题" in err.value.render("zh-CN")


def test_references_resolve_within_the_batch_and_self_references(engine, tmp_path):
    users = write_table_csv(tmp_path, "users", [
        {"user_id": "U3", "name": "下属", "role": "sales", "manager_id": "U2"},  # manager defined further down
        {"user_id": "U2", "name": "经理", "role": "sales_manager", "manager_id": ""},
    ])
    customers = write_table_csv(tmp_path, "customers", [{"customer_id": "C1", "name": "甲", "owner_id": "U3"}])
    report = import_paths(engine, [customers, users])  # order of arguments does not matter
    assert [r.table for r in report.results] == ["users", "customers"]
    dangling = write_table_csv(tmp_path, "users", [{"user_id": "U5", "name": "孤儿", "role": "sales", "manager_id": "U404"}])
    with pytest.raises(InputError) as err:
        import_paths(engine, [dangling])
    assert [(p.row, p.column) for p in err.value.problems] == [(2, "manager_id")]


def test_references_into_a_bad_file_of_the_same_batch_are_not_reported_twice(engine, tmp_path):
    users = write_table_csv(tmp_path, "users", [{"user_id": "U1", "name": "甲", "role": "飞行员"}])
    customers = write_table_csv(tmp_path, "customers", [{"customer_id": "C1", "name": "甲", "owner_id": "U1"}])
    with pytest.raises(InputError) as err:
        import_paths(engine, [users, customers])
    assert [(p.file.split("/")[-1], p.column) for p in err.value.problems] == [("users.csv", "role")]


def test_extra_columns_are_kept_and_defaults_apply(engine, tmp_path):
    path = write_csv(tmp_path / "o.csv", ["order_id", "created_at", "仓库", "备注"], [["O1", "2026-11-01", "上海仓", ""], ["O2", "2026-11-02", "", ""]])
    import_paths(engine, [path])
    with session_scope(engine) as s:
        assert s.get(Order, "O1").extra == {"仓库": "上海仓"}
        assert s.get(Order, "O2").extra is None
        assert s.get(Order, "O1").status == "open"


def test_ugly_files_import_end_to_end(engine, tmp_path):
    write_canonical(tmp_path / "base", ["users", "customers", "leads", "quotes", "contracts"])
    import_paths(engine, [tmp_path / "base"])
    xlsx = orders_xlsx_with_banners(tmp_path / "orders.xlsx", [
        ["O1", "K1", datetime(2026, 11, 11, 9, 0), datetime(2026, 11, 15, 17, 45), "已发货", "加急"],
    ])
    bank = bank_html_xls(tmp_path / "bank.xls", [
        ("2026-11-25", "10:12:13", "", "63,990.25", "上海恒通机电", "6222021001123456789", "货款 I1", "000123456789012345678"),
    ])
    report = import_paths(engine, [bank, xlsx])
    assert [r.table for r in report.results] == ["orders", "bank_transactions"]
    with session_scope(engine) as s:
        txn = s.get(BankTransaction, "000123456789012345678")
        assert txn.amount == Decimal("63990.25") and txn.direction == "in"
        assert txn.booked_at == datetime(2026, 11, 25, 2, 12, 13, tzinfo=timezone.utc)
        assert s.get(Order, "O1").extra == {"备注": "加急"}


def test_folder_skips_files_no_table_matches(engine, tmp_path):
    folder = tmp_path / "data"
    write_canonical(folder, ["users"])
    # looks like invoices (invoice_id + amount) but half its columns are not: a stray file, not an invoice export
    (folder / "bank_truth.csv").write_text("txn_id,invoice_id,amount,fee\nT1,I1,10.00,0.00\n", encoding="utf-8")
    (folder / "readme.txt").write_text("just notes", encoding="utf-8")
    # named after its table: imported even with more extra columns than table columns
    write_csv(folder / "customers.csv", ["customer_id", "name", "拜访次数", "等级", "备注"], [["C1", "甲", "3", "A", "-"]])
    report = import_paths(engine, [folder])
    assert [r.table for r in report.results] == ["users", "customers"]
    assert sorted(name.split("/")[-1] for name, _ in report.skipped) == ["bank_truth.csv", "readme.txt"]
    with pytest.raises(InputError):
        import_paths(engine, [folder / "readme.txt"])  # named explicitly: an error


def test_import_frame_inside_the_callers_transaction(engine):
    frame = pd.DataFrame({"客户编号": ["C1", "C2"], "客户名称": ["甲", "乙"], "created_at": [datetime(2026, 1, 2, 3, 4), None]})
    with session_scope(engine) as s:
        result = import_frame(s, "customers", frame, source="api")
        assert result.inserted == 2
        assert s.get(Customer, "C1").name == "甲"
    with pytest.raises(InputError) as err:
        with session_scope(engine) as s:
            import_frame(s, "customers", frame.assign(客户名称=["丙", ""]), source="api")
    assert [(p.file, p.row, p.column) for p in err.value.problems] == [("api", 3, "客户名称")]
    with session_scope(engine) as s:
        assert s.get(Customer, "C2").name == "乙"
        assert s.get(Customer, "C1").created_at == datetime(2026, 1, 1, 19, 4, tzinfo=timezone.utc)


def test_small_chunks_give_the_same_result(engine, tmp_path):
    rows = [{"user_id": f"U{i:03d}", "name": f"员工{i}", "role": "sales", "manager_id": "U000" if i else ""} for i in range(25)]
    path = write_table_csv(tmp_path, "users", rows)
    report = import_paths(engine, [path], chunk_rows=4)
    assert report.results[0].inserted == 25
    rows[24] = {**rows[24], "user_id": "U003"}
    with pytest.raises(InputError) as err:
        import_paths(engine, [write_table_csv(tmp_path, "users", rows)], chunk_rows=4)
    assert [(p.row, p.column) for p in err.value.problems] == [(26, "user_id")]


def test_text_in_number_columns_and_overlong_text(engine, tmp_path):
    write_canonical(tmp_path / "base", ["users", "customers", "leads", "quotes"])
    import_paths(engine, [tmp_path / "base"])
    path = write_csv(
        tmp_path / "合同.csv", ["合同编号", "客户编号", "负责人编号", "合同金额", "数量", "承诺交期天数", "产品线"],
        [["K1", "C1", "U3", "12万", "四十", "30天", "伺服电机"],
         ["K2", "C1", "U3", "¥1,000.00", "40", "30", "伺" * 201],
         ["K3", "C1", "U3", "1000.005", "40.0", "", "伺服\x00电机"]],
    )
    with pytest.raises(InputError) as err:
        import_paths(engine, [path])
    assert [(p.row, p.column) for p in err.value.problems] == [
        (2, "合同金额"), (2, "数量"), (2, "承诺交期天数"), (3, "产品线"), (4, "合同金额")]
    assert "200" in err.value.problems[3].message


def test_header_only_file_imports_zero_rows(engine, tmp_path):
    path = write_csv(tmp_path / "lanes.csv", ["承运商", "目的地区域", "在途天数"], [])
    (result,) = import_paths(engine, [path]).results
    assert (result.rows, result.inserted, result.unchanged) == (0, 0, 0)
    with session_scope(engine) as s:
        assert s.scalar(select(func.count()).select_from(ImportLog)) == 0


def test_unreadable_line_in_a_later_file_is_reported_with_the_others(engine, tmp_path):
    users = write_table_csv(tmp_path, "users", [{"user_id": "U1", "name": "甲", "role": "飞行员"}])
    lines = ["customer_id,name"] + [f"C{i},客户{i}" for i in range(100)]
    lines[80] += ",x,y,z,w,v,u,t,s"
    customers = tmp_path / "customers.csv"
    customers.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        import_paths(engine, [users, customers], chunk_rows=16)
    assert [(p.file.split("/")[-1], p.row) for p in err.value.problems] == [("users.csv", 2), ("customers.csv", 81)]


def test_import_frame_sees_pending_rows_and_refreshes_loaded_objects(engine):
    with session_scope(engine) as s:
        s.add(User(user_id="U1", name="甲", role="sales"))
        s.add(Customer(customer_id="C1", name="旧名", owner_id="U1"))
        s.flush()
        customer = s.get(Customer, "C1")
        import_frame(s, "customers", pd.DataFrame({"客户编号": ["C1", "C2"], "客户名称": ["新名", "乙"], "负责人编号": ["U1", "U1"]}))
        assert customer.name == "新名"
        s.add(User(user_id="U2", name="乙", role="sales"))  # pending, not flushed
        import_frame(s, "leads", pd.DataFrame({"lead_id": ["L1"], "customer_id": ["C2"], "owner_id": ["U2"], "created_at": ["2026-11-01"]}))
    with session_scope(engine) as s:
        assert s.get(Lead, "L1").owner_id == "U2"


def test_sqlite_settings_are_restored_after_an_import(sqlite_engine, tmp_path):
    with sqlite_engine.connect() as conn:
        before = conn.exec_driver_sql("PRAGMA cache_size").scalar()
    write_canonical(tmp_path / "data", ["users"])
    import_paths(sqlite_engine, [tmp_path / "data"])
    with sqlite_engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA cache_size").scalar() == before
        assert conn.exec_driver_sql("SELECT count(*) FROM sqlite_temp_master").scalar() == 0  # staging dropped


def test_a_large_import_refreshes_postgresqls_statistics_of_the_tables_it_filled(engine, tmp_path, monkeypatch,
                                                                                fresh_statistics):
    # A first import fills tables from nothing; PostgreSQL's autovacuum analyses them only later, and until then
    # the first daily run plans for empty tables.  A rerun changes nothing and analyses nothing.
    import salesnb.db
    from sqlalchemy import event

    monkeypatch.setattr(salesnb.db, "ANALYZE_AFTER", 2)
    write_canonical(tmp_path / "data")
    statements = []
    event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    import_paths(engine, [tmp_path / "data"])
    analysed = {s.split()[1] for s in statements if s.strip().upper().startswith("ANALYZE")}
    if engine.dialect.name == "postgresql":
        assert analysed == {table for table, rows in CANONICAL.items() if len(rows) >= 2}
    else:
        assert analysed == set()
    statements.clear()
    import_paths(engine, [tmp_path / "data"])
    assert not [s for s in statements if s.strip().upper().startswith("ANALYZE")]

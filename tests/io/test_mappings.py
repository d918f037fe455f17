"""Real exports end to end: every header used or reported, mappings people give and keep, people by name."""

from __future__ import annotations

import shutil
from decimal import Decimal

import pytest
from click.testing import CliRunner
from openpyxl import Workbook
from sqlalchemy import select

from salesnb.cli import main
from salesnb.db import make_engine, session_scope
from salesnb.errors import InputError
from salesnb.io import apply_import, import_paths, load_mapping_file, plan_import, remap
from salesnb.models import CANONICAL_MODELS, Contract, Customer, HeaderMapping, Quote, User

from .foreign import FOREIGN, write_foreign
from .helpers import CANONICAL, snapshot, write_canonical, write_csv, write_table_csv


def canonical_values(engine) -> dict[str, dict]:
    """Every canonical column of every row, as the ORM reads it (comparable across backends)."""
    out = {}
    with session_scope(engine) as s:
        for model in CANONICAL_MODELS:
            cols = [c for c in FOREIGN[model.__tablename__]]
            pk = [c.name for c in model.__table__.primary_key.columns]
            out[model.__tablename__] = {tuple(getattr(o, k) for k in pk): {c: getattr(o, c) for c in cols}
                                        for o in s.scalars(select(model))}
    return out


def test_exports_of_other_systems_import_like_our_own(engine, tmp_path, sqlite_template):
    report = import_paths(engine, [tmp_path / "foreign" if write_foreign(tmp_path / "foreign") else None])
    for result in report.results:  # every header was used, none silently dropped
        assert result.mapping.unused == [], (result.source, result.mapping.unused)
        used = {c.header: c for c in result.mapping.used}
        for column, header in FOREIGN[result.table].items():
            if column in CANONICAL[result.table][0]:
                assert used[header].column == column and used[header].score >= 90
    text = report.summary()
    assert "客户接受时间→accepted_at（去掉前缀 90）" in text and "账期（天）→payment_terms_days（规范化 95）" in text

    reference_path = tmp_path / "reference.db"
    shutil.copy(sqlite_template, reference_path)
    reference = make_engine(f"sqlite:///{reference_path}")
    write_canonical(tmp_path / "canonical")
    import_paths(reference, [tmp_path / "canonical"])
    assert canonical_values(engine) == canonical_values(reference)
    reference.dispose()


def _quotes(path, header_for_accepted: str):
    rows = CANONICAL["quotes"]
    names = {**FOREIGN["quotes"], "accepted_at": header_for_accepted}
    return write_csv(path, [names[c] for c in rows[0]], [list(r.values()) for r in rows])


def test_an_unsure_header_stops_the_import_then_a_given_mapping_is_remembered(engine, tmp_path):
    write_canonical(tmp_path / "base", ["users", "customers", "leads"])
    import_paths(engine, [tmp_path / "base"])
    before = snapshot(engine)
    path = _quotes(tmp_path / "报价.csv", "客户认可时间")
    with pytest.raises(InputError) as err:
        import_paths(engine, [path])
    (problem,) = err.value.problems
    assert (problem.row, problem.column) == (1, "客户认可时间")
    assert "accepted_at" in problem.message and "--map '客户认可时间=accepted_at'" in problem.message
    assert snapshot(engine) == before  # nothing written

    with session_scope(engine) as s:
        s.add(User(user_id="u_ops", name="运营", role="ops"))  # who imports and whose mappings are remembered
    report = import_paths(engine, [path], mappings=["客户认可时间=accepted_at"], actor="u_ops")
    assert report.remembered == 1 and report.results[0].inserted == 2
    with session_scope(engine) as s:
        assert s.get(Quote, "Q1").accepted_at is not None
        row = s.scalars(select(HeaderMapping)).one()
        assert (row.table_name, row.header_text, row.column_name, row.created_by) == ("quotes", "客户认可时间", "accepted_at", "u_ops")

    again = import_paths(engine, [_quotes(tmp_path / "报价2.csv", "客户认可时间")])  # the next file: no --map needed
    used = {c.header: c for c in again.results[0].mapping.used}
    assert (used["客户认可时间"].column, used["客户认可时间"].reason) == ("accepted_at", "remembered")
    assert again.remembered == 0


def test_allow_unmapped_accepts_the_unused_header_and_reports_it(engine, tmp_path):
    write_canonical(tmp_path / "base", ["users", "customers", "leads", "quotes"])
    import_paths(engine, [tmp_path / "base"])
    path = write_csv(tmp_path / "合同.csv", ["合同编号", "客户编号", "负责人编号", "合同金额", "交期承诺天数", "内部备注"],
                     [["K1", "C1", "U3", "1000.00", "30", "急"]])
    with pytest.raises(InputError) as err:
        import_paths(engine, [path])
    assert [(p.column, "promised_delivery_days" in p.message) for p in err.value.problems] == [("交期承诺天数", True)]
    report = import_paths(engine, [path], allow_unmapped=True)
    (result,) = report.results
    unused = {c.header: c for c in result.mapping.unused}
    assert unused["交期承诺天数"].suggestion.column == "promised_delivery_days" and unused["内部备注"].suggestion is None
    assert "payment_terms_days" in result.mapping.missing and "promised_delivery_days" in result.mapping.missing
    assert "交期承诺天数（可能是 promised_delivery_days（承诺交期天数），相似度 80）" in report.summary()
    with session_scope(engine) as s:
        contract = s.get(Contract, "K1")
        assert contract.promised_delivery_days is None and contract.extra == {"交期承诺天数": "30", "内部备注": "急"}


def test_a_unit_other_than_the_columns_is_never_mapped_silently(engine, tmp_path):
    write_canonical(tmp_path / "base", ["users", "customers", "leads", "quotes"])
    import_paths(engine, [tmp_path / "base"])
    path = write_csv(tmp_path / "合同.csv", ["合同编号", "客户编号", "负责人编号", "合同金额（万元）"], [["K1", "C1", "U3", "12"]])
    with pytest.raises(InputError) as err:
        import_paths(engine, [path])
    (problem,) = err.value.problems
    assert problem.column == "合同金额（万元）" and "万元" in problem.message and "amount" in problem.message


def test_plan_from_uploaded_bytes_corrected_by_a_person_then_applied(engine, tmp_path):
    write_canonical(tmp_path / "base", ["users", "customers", "leads"])
    import_paths(engine, [tmp_path / "base"])
    wb = Workbook()
    ws = wb.active
    ws.append(["CRM 报价导出"])
    ws.append([])
    rows = CANONICAL["quotes"]
    names = {**FOREIGN["quotes"], "accepted_at": "客户认可时间"}
    ws.append([names[c] for c in rows[0]] + ["销售备注"])
    for r in rows:
        ws.append(list(r.values()) + ["老客户"])
    upload = tmp_path / "upload.xlsx"
    wb.save(upload)

    plan = plan_import(upload.read_bytes(), name="报价.xlsx", engine=engine)
    assert (plan.name, plan.table, plan.kind, plan.header_row) == ("报价.xlsx", "quotes", "excel", 3)
    by_header = {c.header: c for c in plan.columns}
    assert (by_header["业务员"].column, by_header["业务员"].reason, by_header["业务员"].letter) == ("owner_id", "synonym", "D")
    assert [c.header for c in plan.unused] == ["客户认可时间", "销售备注"]
    assert by_header["客户认可时间"].suggestion.column == "accepted_at"
    assert "accepted_at" in plan.missing and not plan.ok
    assert plan.to_dict()["problems"][0]["column"] == "客户认可时间"
    assert plan.path.exists()

    fixed = remap(plan, {"客户认可时间": "accepted_at", "销售备注": ""})
    assert fixed.ok and fixed.mapping()["客户认可时间"] == "accepted_at" and fixed.mapping()["销售备注"] == ""
    with session_scope(engine) as s:
        s.add(User(user_id="u_ops", name="运营", role="ops"))
    report = apply_import(fixed, engine=engine, actor="u_ops")
    assert report.results[0].inserted == 2 and report.remembered == 2
    assert not plan.path.exists()  # the upload's temporary copy is gone
    with session_scope(engine) as s:
        assert s.get(Quote, "Q1").accepted_at is not None and s.get(Quote, "Q1").extra == {"销售备注": "老客户"}
    again = plan_import(upload, engine=engine)
    assert again.ok and {c.header: c.reason for c in again.columns}["销售备注"] is None
    assert [c.ignored for c in again.columns if c.header == "销售备注"] == [True]


def test_mapping_files_and_the_cli(db_url, tmp_path):
    runner = CliRunner()

    def run(*args):
        return runner.invoke(main, ["--db", db_url, *args])

    write_canonical(tmp_path / "base", ["users", "customers", "leads"])
    assert run("import", str(tmp_path / "base")).exit_code == 0
    mapping = tmp_path / "crm.toml"
    mapping.write_text('source = "crm"\n\n[quotes]\n"客户认可时间" = "accepted_at"\n', encoding="utf-8")
    assert load_mapping_file(mapping).for_table("quotes") == {"客户认可时间": ("accepted_at", "file")}
    path = _quotes(tmp_path / "报价.csv", "客户认可时间")

    planned = run("--lang", "en", "import", str(path), "--plan")
    assert planned.exit_code == 2 and "客户认可时间 (maybe accepted_at (接受时间), similarity 83)" in planned.output
    assert "header in row 1" in planned.output
    ok = run("--lang", "en", "import", str(path), "--mapping-file", str(mapping), "--plan")
    assert ok.exit_code == 0 and "客户认可时间→accepted_at (mapping file 100)" in ok.output
    done = run("--lang", "en", "import", str(path), "--mapping-file", str(mapping))
    assert done.exit_code == 0 and "2 inserted" in done.output and "remembered" not in done.output

    mapped = run("import", str(_quotes(tmp_path / "q2.csv", "客户认可时间")), "--map", "客户认可时间=quotes.accepted_at",
                 "--source", "crm")
    assert mapped.exit_code == 0 and "已记住 1 个表头映射" in mapped.output
    listed = run("mappings", "list", "--source", "crm")
    assert listed.output.strip() == "quotes\t客户认可时间\taccepted_at"
    exported = run("mappings", "export", str(tmp_path / "out.toml"), "--source", "crm")
    assert exported.exit_code == 0
    assert load_mapping_file(tmp_path / "out.toml").for_table("quotes") == {"客户认可时间": ("accepted_at", "file")}
    bad = run("--lang", "en", "import", str(path), "--map", "客户认可时间=no_such_column")
    assert bad.exit_code == 2 and "no canonical column no_such_column" in bad.output
    assert "1" in run("mappings", "forget", "客户认可时间", "--source", "crm").output


def test_people_by_name_one_ambiguous_and_one_unknown(engine, tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    write_table_csv(folder, "users", [
        {"user_id": "U1", "name": "周总", "role": "sales_director", "manager_id": "", "mobile": "13800000001", "aliases": ""},
        {"user_id": "U2", "name": "李娜", "role": "sales", "manager_id": "周总", "mobile": "13800000002", "aliases": "Lina、娜娜"},
        {"user_id": "U5", "name": "张伟", "role": "sales", "manager_id": "周总", "mobile": "13800000005", "aliases": ""},
        {"user_id": "U6", "name": "张伟", "role": "sales", "manager_id": "U1", "mobile": "13800000006", "aliases": ""},
    ])
    write_csv(folder / "customers.csv", ["客户编号", "客户名称", "负责人"], [
        ["C1", "甲公司", "李娜"],           # row 2: a name
        ["C2", "乙公司", "张伟"],           # row 3: two users are called 张伟
        ["C3", "丙公司", "Lina"],           # row 4: an alias
        ["C4", "丁公司", "138 0000 0005"],  # row 5: a mobile number
        ["C5", "戊公司", "张伟（U6）"],      # row 6: the form exports write for shared names
        ["C6", "己公司", "王五"],           # row 7: nobody
        ["C7", "庚公司", "U1"],             # row 8: a user id
    ])
    with pytest.raises(InputError) as err:
        import_paths(engine, [folder])
    problems = {(p.file.split("/")[-1], p.row, p.column): p.message for p in err.value.problems}
    assert set(problems) == {("customers.csv", 3, "负责人"), ("customers.csv", 7, "负责人")}
    assert "张伟（U5）" in problems[("customers.csv", 3, "负责人")] and "张伟（U6）" in problems[("customers.csv", 3, "负责人")]
    assert "王五" in problems[("customers.csv", 7, "负责人")]

    fixed = (folder / "customers.csv").read_text(encoding="utf-8").replace("乙公司,张伟", "乙公司,U5").replace("己公司,王五", "己公司,")
    (folder / "customers.csv").write_text(fixed, encoding="utf-8")
    import_paths(engine, [folder])
    with session_scope(engine) as s:
        owners = {c.customer_id: c.owner_id for c in s.scalars(select(Customer))}
        managers = {u.user_id: u.manager_id for u in s.scalars(select(CANONICAL_MODELS[0]))}
    assert owners == {"C1": "U2", "C2": "U5", "C3": "U2", "C4": "U5", "C5": "U6", "C6": None, "C7": "U1"}
    assert managers == {"U1": None, "U2": "U1", "U5": "U1", "U6": "U1"}


def test_people_in_a_frame_and_their_closest_names(engine):
    import pandas as pd

    from salesnb.io import import_frame

    with session_scope(engine) as s:
        import_frame(s, "users", pd.DataFrame({"user_id": ["U1", "U2"], "name": ["郑小明", "郑晓明"], "role": ["sales", "sales"],
                                               "wecom_userid": ["zhengxm", "zhengxiaoming"]}))
        import_frame(s, "customers", pd.DataFrame({"customer_id": ["C1"], "name": ["甲"], "owner_id": ["zhengxm"]}))
        assert s.get(Customer, "C1").owner_id == "U1"
    with pytest.raises(InputError) as err, session_scope(engine) as s:
        import_frame(s, "customers", pd.DataFrame({"customer_id": ["C2"], "name": ["乙"], "owner_id": ["郑明"]}))
    (problem,) = err.value.problems
    assert problem.row == 2 and problem.column == "owner_id"
    assert "郑小明（U1）" in problem.message and "郑晓明（U2）" in problem.message


def test_amounts_stay_exact_through_renamed_headers(engine, tmp_path):
    write_foreign(tmp_path / "f")
    import_paths(engine, [tmp_path / "f"])
    with session_scope(engine) as s:
        assert s.get(Quote, "Q1").amount == Decimal("128000.50")


def test_every_unknown_column_is_listed_in_the_report(engine, tmp_path):
    header = ["user_id", "name", "role", *(f"导出字段{i}" for i in range(300))]
    path = write_csv(tmp_path / "users.csv", header, [["U1", "甲", "sales", *("x" * 300)]])
    report = import_paths(engine, [path])
    (result,) = report.results
    assert [c.header for c in result.mapping.unused] == header[3:]  # all of them, none silently in extra
    text = report.summary()
    assert "导出字段0" in text and "导出字段29" in text and "共 300 个" in text


def test_an_upload_without_a_header_is_a_clear_error_and_leaves_no_temporary_file(tmp_path, monkeypatch):
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    with pytest.raises(InputError) as err:
        plan_import("just,some\nwords,here\n".encode(), name="notes.csv")
    assert err.value.problems[0].file == "notes.csv"
    assert list(tmp_path.glob("salesnb-upload-*")) == []

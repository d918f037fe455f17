"""``salesnb import`` / ``salesnb export`` from the command line."""

from click.testing import CliRunner

from salesnb.cli import main

from .helpers import write_canonical, write_csv


def test_import_export_and_errors(db_url, tmp_path):
    runner = CliRunner()
    write_canonical(tmp_path / "data")
    result = runner.invoke(main, ["--db", db_url, "import", str(tmp_path / "data")])
    assert result.exit_code == 0, result.output
    assert "bank_transactions" in result.output and "新增" in result.output

    again = runner.invoke(main, ["--db", db_url, "--lang", "en", "import", str(tmp_path / "data")])
    assert again.exit_code == 0 and "0 inserted, 0 updated" in again.output

    bad = write_csv(tmp_path / "bad.csv", ["客户编号", "客户名称", "创建时间"], [["C9", "", "2026-13-01"]])
    failed = runner.invoke(main, ["--db", db_url, "--lang", "en", "import", str(bad)])
    assert failed.exit_code == 2
    assert "bad.csv, row 2, column 客户名称" in failed.output and "row 2, column 创建时间" in failed.output
    assert "Traceback" not in failed.output

    out = tmp_path / "out" / "orders.xlsx"
    exported = runner.invoke(main, ["--db", db_url, "export", "orders", "--out", str(out)])
    assert exported.exit_code == 0 and out.exists()
    query = runner.invoke(main, ["--db", db_url, "export", "--query", "SELECT order_id FROM orders", "--out",
                                 str(tmp_path / "o.txt"), "--format", "csv"])
    assert query.exit_code == 0
    assert (tmp_path / "o.txt").read_text(encoding="utf-8-sig").splitlines() == ["订单编号", "O1", "O2"]
    usage = runner.invoke(main, ["--db", db_url, "export", "--out", str(tmp_path / "x.csv")])
    assert usage.exit_code == 2

"""Files that are not tables: empty, binary, too wide, too big — each named for what it is."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from salesnb.cli import main
from salesnb.errors import InputError
from salesnb.io import import_paths, readers

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"


def problem_of(engine, path):
    with pytest.raises(InputError) as info:
        import_paths(engine, [path])
    [problem] = info.value.problems
    return problem


@pytest.mark.parametrize("content", [b"", b"\xef\xbb\xbf", b" \r\n\r\n\t\n", b"\xef\xbb\xbf\r\n,,,\r\n,,\r\n"])
def test_an_empty_file_says_so(engine, tmp_path, content):
    path = tmp_path / "orders.csv"
    path.write_bytes(content)
    problem = problem_of(engine, path)
    assert problem.file == str(path) and "文件是空的" in problem.message


@pytest.mark.parametrize("name,content", [
    ("orders.csv", PNG * 40),
    ("orders.csv", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n" * 20),
    ("orders.xls", bytes(range(256)) * 40),
    ("orders.txt", b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 500),
])
def test_a_binary_file_is_not_a_csv_or_excel_file(engine, tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    problem = problem_of(engine, path)
    assert "不是 CSV 或 Excel 文件" in problem.message


def test_too_many_columns_is_refused_clearly(engine, tmp_path):
    path = tmp_path / "orders.csv"
    columns = ["order_id", "created_at", *(f"x{i}" for i in range(readers.MAX_COLUMNS + 10))]
    path.write_text(",".join(columns) + "\n" + ",".join(["O1", "2026-11-01 10:00"] + ["v"] * (len(columns) - 2)),
                    encoding="utf-8")
    problem = problem_of(engine, path)
    assert f"{readers.MAX_COLUMNS:,}" in problem.message and f"{len(columns):,}" in problem.message


def test_too_big_a_file_is_refused_clearly(engine, tmp_path, monkeypatch):
    monkeypatch.setattr(readers, "MAX_FILE_BYTES", 1000)
    path = tmp_path / "orders.csv"
    path.write_text("order_id,created_at\n" + "O1,2026-11-01 10:00\n" * 100, encoding="utf-8")
    problem = problem_of(engine, path)
    assert "1,000" in problem.message


def test_the_cli_says_empty_with_exit_2(db_url, tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    result = CliRunner().invoke(main, ["--db", db_url, "--lang", "en", "import", str(path)])
    assert result.exit_code == 2 and "the file is empty" in result.output

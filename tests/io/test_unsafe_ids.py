"""Ids end up in file names: path separators and control characters in an id are refused at import."""

from __future__ import annotations

import csv

import pytest
from click.testing import CliRunner

from salesnb.cli import main
from salesnb.errors import InputError
from salesnb.io import import_paths
from salesnb.models import Contract

from .helpers import CANONICAL, snapshot, write_canonical

BAD_IDS = ["HTX/../../../escaped", "HTX\\..\\escaped", "K\x1b[31mred", "K\x07bell", "K\nnewline", "K\u202egnp.exe"]


def write_contracts(path, contract_id, customer_id="C1"):
    rows = [dict(CANONICAL["contracts"][0], contract_id=contract_id, customer_id=customer_id)]
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


@pytest.mark.parametrize("bad", BAD_IDS)
def test_unsafe_id_is_an_error_naming_file_row_and_column(engine, tmp_path, bad):
    write_canonical(tmp_path / "data")
    import_paths(engine, [tmp_path / "data"])
    before = snapshot(engine)
    path = tmp_path / "more_contracts.csv"
    write_contracts(path, bad)
    with pytest.raises(InputError) as info:
        import_paths(engine, [path], table="contracts")
    [problem] = info.value.problems
    assert (problem.file, problem.row, problem.column) == (str(path), 2, "contract_id")
    assert "路径分隔符" in problem.message and "控制字符" in problem.message
    assert snapshot(engine) == before


def test_a_reference_column_is_checked_too_and_the_cli_exits_2(db_url, tmp_path):
    path = tmp_path / "contracts.csv"
    write_contracts(path, "K9", customer_id="C1/../x")
    result = CliRunner().invoke(main, ["--db", db_url, "--lang", "en", "import", str(path), "--table", "contracts"])
    assert result.exit_code == 2
    assert "contracts.csv, row 2, column customer_id" in result.output and "path separator" in result.output
    assert "Traceback" not in result.output


def test_ordinary_ids_with_dots_dashes_and_chinese_pass(engine, tmp_path):
    write_canonical(tmp_path / "data")
    import_paths(engine, [tmp_path / "data"])
    path = tmp_path / "more_contracts.csv"
    write_contracts(path, "HT-2026.11（华东）#7")
    import_paths(engine, [path], table="contracts")
    from salesnb.db import session_scope

    with session_scope(engine) as session:
        assert session.get(Contract, "HT-2026.11（华东）#7") is not None

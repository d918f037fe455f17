"""Error messages show a bounded piece of a bad value, with its length, never the whole value."""

from __future__ import annotations

import csv

from click.testing import CliRunner

from salesnb.cli import main
from salesnb.errors import InputError, Problem, SalesnbError

HUGE = 10 * 1024 * 1024


def test_problem_shows_the_start_of_a_long_value_and_its_length():
    problem = Problem("big.csv", 2, "数量", "应为整数", "9" * HUGE)
    text = str(problem)
    assert len(text) < 300 and "9" * 40 in text and f"{HUGE:,}" in text
    assert str(Problem("a.csv", 3, "数量", "应为整数", "abc")) == "a.csv，第 3 行，列 数量：应为整数（收到 'abc'）"
    assert Problem("a.csv", 3, "数量", "应为整数", "abc").render("en") == "a.csv, row 3, column 数量: 应为整数 (got 'abc')"


def test_input_error_and_salesnb_error_are_bounded():
    error = InputError([Problem("big.csv", r, "c", "bad", "x" * HUGE) for r in range(2, 200)])
    assert len(str(error)) < 50 * 300
    assert len(str(SalesnbError("no template named " + repr("y" * HUGE)))) < 5000


def test_import_of_a_10_mb_cell_prints_a_short_error(db_url, tmp_path):
    path = tmp_path / "contracts.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["contract_id", "customer_id", "owner_id", "amount", "quantity"])
        writer.writerow(["K1", "C1", "U1", "100", "7" * HUGE])
        writer.writerow(["K" * HUGE, "C1", "U1", "100", "1"])
    result = CliRunner().invoke(main, ["--db", db_url, "import", str(path), "--table", "contracts"])
    assert result.exit_code == 2
    assert len(result.output) < 4000, len(result.output)
    assert f"{HUGE:,}" in result.output

"""Every command speaks the configured language: zh-CN by default, English with --lang en or SALESNB_LANG."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from salesnb.cli import main


@pytest.fixture
def env(tmp_path):
    return {"SALESNB_HOME": str(tmp_path), "SALESNB_DB_URL": f"sqlite:///{tmp_path / 'lang.db'}"}


def invoke(env, *args, **extra):
    return CliRunner().invoke(main, list(args), env={**env, **extra})


def test_importing_a_missing_file_says_so_in_chinese_by_default_and_in_english_when_asked(env):
    zh = invoke(env, "import", "nonexistent.csv")
    assert zh.exit_code == 2 and "错误：找不到文件或文件夹：nonexistent.csv" in zh.output
    assert "Usage" not in zh.output and "does not exist" not in zh.output
    en = invoke(env, "--lang", "en", "import", "nonexistent.csv")
    assert en.exit_code == 2 and "error: no such file or folder: nonexistent.csv" in en.output
    by_config = invoke(env, "import", "nonexistent.csv", SALESNB_LANG="en")
    assert "no such file or folder" in by_config.output


def test_a_bank_statement_problem_is_named_in_the_language_of_the_command(env, tmp_path):
    path = tmp_path / "flag.csv"
    path.write_text("交易日期,金额,收付标志\n2026-01-05,10.00,?\n", encoding="utf-8")
    zh = invoke(env, "bank", "import", str(path))
    assert zh.exit_code == 2 and "第 2 行，列 金额：无法识别的收付标志" in zh.output
    en = invoke(env, "--lang", "en", "bank", "import", str(path))
    assert en.exit_code == 2 and "row 2, column 金额: unknown direction" in en.output


def test_runs_and_kpi_speak_the_language(env):
    assert "还没有运行记录" in invoke(env, "runs").output
    assert "no runs yet" in invoke(env, "--lang", "en", "runs").output
    zh = invoke(env, "kpi", "--as-of", "2026-11-27")
    assert zh.exit_code == 0 and "截至 2026-11-27" in zh.output and "[总体]" in zh.output
    en = invoke(env, "--lang", "en", "kpi", "--as-of", "2026-11-27")
    assert "as of 2026-11-27" in en.output and "[overall]" in en.output


def test_the_language_of_one_command_does_not_leak_into_the_next(env):
    from salesnb.i18n import get_language

    before = get_language()
    invoke(env, "--lang", "en", "runs")
    assert get_language() == before

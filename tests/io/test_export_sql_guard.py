"""``export --sql`` runs one read-only query with a time limit and refuses server-side file,
configuration and dynamic-SQL functions (the PostgreSQL role of these tests is a superuser,
as a careless installation's would be: the guard must not rely on missing privileges)."""

from __future__ import annotations

import socket

import pytest
from click.testing import CliRunner

from salesnb.cli import main
from salesnb.errors import SalesnbError
from salesnb.io import export_table

REFUSED = [
    "SELECT pg_read_file('/etc/hostname')",
    "select PG_CATALOG.PG_READ_FILE('/etc/hostname') as f",
    'SELECT "pg_read_binary_file"(\'/etc/hostname\')',
    "SELECT * FROM pg_ls_dir('/etc') AS d",
    "SELECT x FROM (SELECT pg_stat_file('/etc/hostname') AS x) s",
    "SELECT lo_import('/etc/hostname')",
    "SELECT set_config('statement_timeout', '0', false)",
    "SELECT current_setting('data_directory')",
    "SELECT query_to_xml('select pg_read_file(''/etc/hostname'')', true, true, '')",
    "SELECT * FROM dblink('dbname=postgres', 'select 1') AS t(a int)",
    "WITH f AS (SELECT pg_read_file('/etc/hostname') AS x) SELECT x FROM f",
    "SELECT 1 UNION ALL SELECT length(pg_read_file('/etc/hostname'))",
    "SELECT 1; SELECT pg_read_file('/etc/hostname')",
    "COPY users TO '/tmp/salesnb-users.csv'",
    "SELECT load_extension('/tmp/evil')",
]


@pytest.mark.parametrize("sql", REFUSED)
def test_server_side_functions_and_other_statements_are_refused(engine, tmp_path, sql):
    out = tmp_path / "out.csv"
    with pytest.raises(SalesnbError) as info:
        export_table(engine, sql, out)
    assert not out.exists()
    assert socket.gethostname() not in str(info.value)


def test_the_cli_names_the_refused_function(db_url, tmp_path):
    out = tmp_path / "host.csv"
    result = CliRunner().invoke(main, ["--db", db_url, "--lang", "en", "export", "--sql",
                                       "SELECT pg_read_file('/etc/hostname') AS host", "--out", str(out)])
    assert result.exit_code == 2 and "pg_read_file" in result.output and "not allowed" in result.output
    assert not out.exists()


def test_ordinary_queries_still_export(engine, tmp_path):
    out = tmp_path / "ok.csv"
    sql = ("WITH t AS (SELECT 'a;b' AS name, 2 AS n UNION ALL SELECT 'c', 3) "
           "SELECT upper(name) AS name, sum(n) AS total FROM t GROUP BY name ORDER BY name")
    assert export_table(engine, sql, out, language="en") == 2
    assert out.read_text(encoding="utf-8-sig").splitlines() == ["name,total", "A;B,2", "C,3"]


def test_a_query_that_runs_too_long_is_stopped(engine, tmp_path):
    endless = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) AS n FROM c"
    out = tmp_path / "endless.csv"
    with pytest.raises(SalesnbError, match="1 s|1 秒"):
        export_table(engine, endless, out, timeout=1)
    assert not out.exists()

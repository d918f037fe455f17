"""User SQL for ``export --sql``: one read-only query, checked with a real SQL parser before it runs.

The query is parsed with sqlglot (never evaluated as text patterns): it must
be a single ``SELECT`` / ``WITH … SELECT`` / set operation, and call none of
the server-side functions that read or list files, large objects, change or
read the server's configuration, reach other databases or run SQL given as
a string (which would hide anything else).  It then runs in a read-only
transaction with a statement time limit.  The check is a second line of
defence: the application's database role should not be a superuser and
needs no file or configuration privilege (docs/operating.md).
"""

from __future__ import annotations

from time import monotonic

from sqlalchemy import Connection, text

from ..errors import SalesnbError
from ..i18n import register, t

DEFAULT_TIMEOUT = 60.0  # seconds; ``[export] sql_timeout_seconds``
DENIED_PREFIXES = (
    "pg_read_", "pg_ls_", "pg_stat_file", "pg_file_", "pg_logdir_", "lo_", "dblink", "pg_reload_conf",
    "pg_rotate_logfile", "pg_terminate_backend", "pg_cancel_backend", "pg_promote", "pg_switch_wal",
    "pg_create_", "pg_drop_", "pg_replication_", "pg_logical_", "pg_backup_", "pg_start_backup",
    "pg_stop_backup", "pg_import_system_collations", "pg_advisory", "pg_try_advisory", "pg_notify",
    "query_to_xml", "cursor_to_xml", "table_to_xml", "schema_to_xml", "database_to_xml",
)
DENIED = frozenset({
    "set_config", "current_setting", "loread", "lowrite", "load_extension", "readfile", "writefile", "edit",
    "fts3_tokenizer",
})

register({
    "zh-CN": {
        "io.sql.unreadable": "无法解析该查询：{detail}",
        "io.sql.one_statement": "只能导出一条 SELECT 查询（收到 {count} 条语句）",
        "io.sql.function": "查询中不允许使用函数 {name}（读取服务器文件、配置或执行其他 SQL 的函数都被拒绝）",
        "io.sql.timeout": "查询超过 {seconds} 秒未完成，已中止（可在 salesnb.toml 的 [export] sql_timeout_seconds 中调整）",
    },
    "en": {
        "io.sql.unreadable": "cannot parse the query: {detail}",
        "io.sql.one_statement": "only one SELECT query can be exported (got {count} statements)",
        "io.sql.function": "function {name} is not allowed in an export query (functions that read server files "
                           "or settings, or run other SQL, are refused)",
        "io.sql.timeout": "the query ran longer than {seconds} s and was stopped ([export] sql_timeout_seconds "
                          "in salesnb.toml sets the limit)",
    },
})


def check_query(sql: str, dialect: str) -> None:
    """Raise SalesnbError unless ``sql`` is one SELECT calling no denied function."""
    import sqlglot
    from sqlglot import exp
    from sqlglot.errors import ParseError, TokenError

    try:
        statements = [s for s in sqlglot.parse(sql, read="postgres" if dialect == "postgresql" else "sqlite") if s]
    except (ParseError, TokenError) as exc:
        raise SalesnbError(t("io.sql.unreadable", detail=str(exc).splitlines()[0][:200])) from None
    if len(statements) != 1:
        raise SalesnbError(t("io.sql.one_statement", count=len(statements)))
    query = statements[0]
    if not isinstance(query, (exp.Select, exp.SetOperation)):
        raise SalesnbError(t("io.not_select"))
    for node in query.walk():
        if isinstance(node, exp.Command):
            raise SalesnbError(t("io.not_select"))
        if isinstance(node, exp.Func):
            name = (node.name if isinstance(node, exp.Anonymous) else node.sql_name()).lower()
            if denied(name):
                raise SalesnbError(t("io.sql.function", name=name))


def denied(name: str) -> bool:
    """True for a function name (any case, schema-qualified or not) that export queries may not call."""
    bare = name.lower().rsplit(".", 1)[-1].strip('"')
    return bare in DENIED or any(bare.startswith(p) for p in DENIED_PREFIXES)


def start_read_only(conn: Connection, timeout: float | None) -> None:
    """Begin the query's transaction read-only, with a statement time limit of ``timeout`` seconds."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("SET TRANSACTION READ ONLY")
        if timeout:
            conn.execute(text("SELECT set_config('statement_timeout', :ms, true)"), {"ms": str(int(timeout * 1000))})
    elif conn.dialect.name == "sqlite":
        conn.exec_driver_sql("PRAGMA query_only = ON")
        if timeout:
            deadline = monotonic() + timeout
            conn.connection.driver_connection.set_progress_handler(lambda: int(monotonic() > deadline), 10_000)


def end_read_only(conn: Connection) -> None:
    """Undo :func:`start_read_only` on a pooled SQLite connection (PostgreSQL's settings end with the transaction)."""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("PRAGMA query_only = OFF")
        conn.connection.driver_connection.set_progress_handler(None, 0)


def timed_out(exc: BaseException) -> bool:
    """True when a DBAPI error is the time limit of :func:`start_read_only` stopping the query."""
    orig = getattr(exc, "orig", exc)
    return type(orig).__name__ == "QueryCanceled" or "interrupted" in str(orig).lower()

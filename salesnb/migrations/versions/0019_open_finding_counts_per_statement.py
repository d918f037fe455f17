"""open finding counts on PostgreSQL: one trigger call per statement, not per row

0015's row triggers upsert the counts row once per finding written; on
PostgreSQL every upsert leaves a new version of the same few hundred rows, so
the first check run at 1 M orders (1.4 M findings inserted in one transaction)
took 743 s instead of 104-139 s.  Statement triggers read the statement's
transition tables and move each count once by the statement's net change.
SQLite keeps 0015's row triggers (it has no statement triggers).

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-04 11:30:00
"""
from alembic import op


revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None

KEY = "check_name, severity, owner_id, region"
ROW_KEY = "check_name, COALESCE(severity, '') AS severity, COALESCE(owner_id, '') AS owner_id, " \
          "COALESCE(region, '') AS region"
MATCH = ("c.check_name = d.check_name AND c.severity = d.severity AND c.owner_id = d.owner_id "
         "AND c.region = d.region")


def _changes(parts: list[str]) -> str:
    """The net change per key of the open findings in transition tables given as ``"+:new_rows"`` / ``"-:old_rows"``."""
    selects = [f"SELECT {ROW_KEY}, {sign}1 AS delta FROM {table} WHERE resolved_at IS NULL"
               for sign, table in (part.split(":") for part in parts)]
    return (f"SELECT {KEY}, SUM(delta) AS delta FROM ({' UNION ALL '.join(selects)}) s "
            f"GROUP BY {KEY} HAVING SUM(delta) <> 0")


def _function(name: str, parts: list[str]) -> str:
    # increments may create a row; decrements never do (as in 0015); keys in order so two writers lock alike
    return f"""
CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO open_finding_counts ({KEY}, n)
    SELECT {KEY}, delta FROM ({_changes(parts)}) d WHERE delta > 0 ORDER BY {KEY}
    ON CONFLICT ({KEY}) DO UPDATE SET n = open_finding_counts.n + EXCLUDED.n;
  UPDATE open_finding_counts c SET n = c.n + d.delta FROM ({_changes(parts)}) d
    WHERE d.delta < 0 AND {MATCH};
  RETURN NULL;
END $$"""


FUNCTIONS = {
    "findings_open_count_inserted": ["+:new_rows"],
    "findings_open_count_deleted": ["-:old_rows"],
    "findings_open_count_updated": ["-:old_rows", "+:new_rows"],
}
TRIGGERS = [
    "CREATE TRIGGER findings_open_count_inserted AFTER INSERT ON findings REFERENCING NEW TABLE AS new_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION findings_open_count_inserted()",
    "CREATE TRIGGER findings_open_count_deleted AFTER DELETE ON findings REFERENCING OLD TABLE AS old_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION findings_open_count_deleted()",
    # transition tables allow no column list: every update statement is looked at, most move nothing
    "CREATE TRIGGER findings_open_count_updated AFTER UPDATE ON findings "
    "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION findings_open_count_updated()",
]


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER findings_open_count_update ON findings")
    op.execute("DROP TRIGGER findings_open_count_insert_delete ON findings")
    op.execute("DROP FUNCTION findings_open_count()")
    for name, parts in FUNCTIONS.items():
        op.execute(_function(name, parts))
    for statement in TRIGGERS:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name in FUNCTIONS:
        op.execute(f"DROP TRIGGER {name} ON findings")
        op.execute(f"DROP FUNCTION {name}()")
    from importlib import import_module  # noqa: PLC0415 - 0015's statements, as they were
    previous = import_module("salesnb.migrations.versions.0015_open_finding_counts")
    for statement in previous.POSTGRES_TRIGGERS:
        op.execute(statement)

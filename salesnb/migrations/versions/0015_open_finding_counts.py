"""open finding counts: per check, severity, owner and region, kept by triggers on findings

An insert of an open finding adds one to its row; resolving, reopening,
deleting or moving it (check, severity, owner, region) moves the count.
Decrements never create a row.  The table starts from the findings there are.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04 04:30:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

KEY = "check_name, severity, owner_id, region"
NEW_KEY = "{r}.check_name, COALESCE({r}.severity, ''), COALESCE({r}.owner_id, ''), COALESCE({r}.region, '')"
MATCH = ("check_name = {r}.check_name AND severity = COALESCE({r}.severity, '') "
         "AND owner_id = COALESCE({r}.owner_id, '') AND region = COALESCE({r}.region, '')")


def _add(r: str) -> str:
    return (f"INSERT INTO open_finding_counts ({KEY}, n) VALUES ({NEW_KEY.format(r=r)}, 1) "
            f"ON CONFLICT ({KEY}) DO UPDATE SET n = open_finding_counts.n + 1;")


def _remove(r: str) -> str:
    return f"UPDATE open_finding_counts SET n = n - 1 WHERE {MATCH.format(r=r)};"


SQLITE_TRIGGERS = [
    f"""CREATE TRIGGER findings_open_count_insert AFTER INSERT ON findings WHEN NEW.resolved_at IS NULL
        BEGIN {_add('NEW')} END""",
    f"""CREATE TRIGGER findings_open_count_delete AFTER DELETE ON findings WHEN OLD.resolved_at IS NULL
        BEGIN {_remove('OLD')} END""",
    f"""CREATE TRIGGER findings_open_count_update_old
        AFTER UPDATE OF resolved_at, check_name, severity, owner_id, region ON findings WHEN OLD.resolved_at IS NULL
        BEGIN {_remove('OLD')} END""",
    f"""CREATE TRIGGER findings_open_count_update_new
        AFTER UPDATE OF resolved_at, check_name, severity, owner_id, region ON findings WHEN NEW.resolved_at IS NULL
        BEGIN {_add('NEW')} END""",
]

POSTGRES_FUNCTION = f"""
CREATE FUNCTION findings_open_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.resolved_at IS NULL THEN
    {_remove('OLD')}
  END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') AND NEW.resolved_at IS NULL THEN
    {_add('NEW')}
  END IF;
  RETURN NULL;
END $$"""
POSTGRES_TRIGGERS = [
    POSTGRES_FUNCTION,
    """CREATE TRIGGER findings_open_count_insert_delete AFTER INSERT OR DELETE ON findings
       FOR EACH ROW EXECUTE FUNCTION findings_open_count()""",
    """CREATE TRIGGER findings_open_count_update
       AFTER UPDATE OF resolved_at, check_name, severity, owner_id, region ON findings
       FOR EACH ROW EXECUTE FUNCTION findings_open_count()""",
]


def upgrade() -> None:
    op.create_table(
        'open_finding_counts',
        sa.Column('check_name', sa.String(length=100), nullable=False),
        sa.Column('severity', sa.String(length=20), nullable=False),
        sa.Column('owner_id', sa.String(length=200), nullable=False),
        sa.Column('region', sa.String(length=100), nullable=False),
        sa.Column('n', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('check_name', 'severity', 'owner_id', 'region'),
    )
    op.execute(f"INSERT INTO open_finding_counts ({KEY}, n) SELECT {NEW_KEY.format(r='f')}, COUNT(*) "
               f"FROM findings f WHERE f.resolved_at IS NULL GROUP BY {NEW_KEY.format(r='f')}")
    statements = POSTGRES_TRIGGERS if op.get_bind().dialect.name == "postgresql" else SQLITE_TRIGGERS
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER findings_open_count_update ON findings")
        op.execute("DROP TRIGGER findings_open_count_insert_delete ON findings")
        op.execute("DROP FUNCTION findings_open_count()")
    else:
        for name in ("insert", "delete", "update_old", "update_new"):
            op.execute(f"DROP TRIGGER findings_open_count_{name}")
    op.drop_table('open_finding_counts')

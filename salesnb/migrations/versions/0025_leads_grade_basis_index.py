"""leads: an index on grade_basis, the leads the daily grading has not looked at

The daily grading reads the leads whose ``grade_basis`` is not the current scorecard version's (new leads,
leads an import or sync changed: NULL).  Without an index every page of that read walked the whole
table in ``lead_id`` order (at a million orders 1.78 M leads for about 20,000 unseen: 4.8 s of the next
day's run on PostgreSQL).

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-05 03:40:00
"""
from alembic import op

revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('leads', schema=None) as batch_op:
        batch_op.create_index('ix_leads_grade_basis', ['grade_basis'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('leads', schema=None) as batch_op:
        batch_op.drop_index('ix_leads_grade_basis')

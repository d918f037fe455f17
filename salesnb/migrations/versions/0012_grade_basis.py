"""grade basis: the scorecard version that last looked at a lead, so the daily grading reads only what changed

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 22:40:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('leads') as batch:
        batch.add_column(sa.Column('grade_basis', sa.String(length=120), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('leads') as batch:
        batch.drop_column('grade_basis')

"""kpi snapshots: the KPI counts a daily run took, which the dashboard shows without recounting

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04 04:00:00
"""
from alembic import op
import sqlalchemy as sa

from salesnb.types import UTCDateTime


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'kpi_snapshots',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('as_of', UTCDateTime(), nullable=False),
        sa.Column('taken_at', UTCDateTime(), nullable=False),
        sa.Column('payload', sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_kpi_snapshots_as_of', 'kpi_snapshots', ['as_of'])


def downgrade() -> None:
    op.drop_index('ix_kpi_snapshots_as_of', table_name='kpi_snapshots')
    op.drop_table('kpi_snapshots')

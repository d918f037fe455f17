"""sync: each stream's cursor and last run (sync_state)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 19:30:00
"""
from alembic import op
import sqlalchemy as sa
import salesnb.types


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'sync_state',
        sa.Column('source', sa.String(length=100), nullable=False),
        sa.Column('stream', sa.String(length=200), nullable=False),
        sa.Column('table_name', sa.String(length=50), nullable=False),
        sa.Column('cursor', sa.JSON(), nullable=True),
        sa.Column('last_run_at', salesnb.types.UTCDateTime(), nullable=True),
        sa.Column('last_success_at', salesnb.types.UTCDateTime(), nullable=True),
        sa.Column('rows', sa.Integer(), nullable=False),
        sa.Column('inserted', sa.Integer(), nullable=False),
        sa.Column('updated', sa.Integer(), nullable=False),
        sa.Column('unchanged', sa.Integer(), nullable=False),
        sa.Column('vanished', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('last_error', sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint('source', 'stream'),
    )


def downgrade() -> None:
    op.drop_table('sync_state')

"""alerts: when each breakpoint started (findings.started_at) and the baselines

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 17:00:00
"""
from alembic import op
import sqlalchemy as sa
import salesnb.types


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('findings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('started_at', salesnb.types.UTCDateTime(), nullable=True))
    op.create_table('baselines',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('taken_at', salesnb.types.UTCDateTime(), nullable=False),
        sa.Column('quiet_before', salesnb.types.UTCDateTime(), nullable=False),
        sa.Column('run_id', sa.Integer(), nullable=True),
        sa.Column('created_at', salesnb.types.UTCDateTime(), nullable=False),
        sa.Column('actor', sa.String(length=100), nullable=False),
        sa.Column('summary', sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('baselines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_baselines_taken_at'), ['taken_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('baselines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_baselines_taken_at'))
    op.drop_table('baselines')
    with op.batch_alter_table('findings', schema=None) as batch_op:
        batch_op.drop_column('started_at')

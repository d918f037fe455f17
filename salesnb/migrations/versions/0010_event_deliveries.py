"""event deliveries: every delivery to an event endpoint, accepted or refused, with its reason (the latest kept)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 22:00:00
"""
from alembic import op
import sqlalchemy as sa

import salesnb.types


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'event_deliveries',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('source', sa.String(length=20), nullable=False),
        sa.Column('received_at', salesnb.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('http_status', sa.Integer(), nullable=False),
        sa.Column('reason', sa.String(length=100), nullable=True),
        sa.Column('event_id', sa.String(length=200), nullable=True),
        sa.Column('event_type', sa.String(length=100), nullable=True),
        sa.Column('details', sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_event_deliveries_source_id', 'event_deliveries', ['source', 'id'])


def downgrade() -> None:
    op.drop_index('ix_event_deliveries_source_id', table_name='event_deliveries')
    op.drop_table('event_deliveries')

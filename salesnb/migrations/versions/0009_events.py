"""events: inbound events received once (replay guard), customers' platform contact ids, capacity reservations

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 19:40:00
"""
from alembic import op
import sqlalchemy as sa

import salesnb.types


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'inbound_events',
        sa.Column('source', sa.String(length=20), nullable=False),
        sa.Column('event_id', sa.String(length=200), nullable=False),
        sa.Column('event_type', sa.String(length=100), nullable=False),
        sa.Column('received_at', salesnb.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('outcome', sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint('source', 'event_id'),
    )
    op.create_index('ix_inbound_events_received_at', 'inbound_events', ['received_at'])
    op.add_column('customers', sa.Column('contact_ids', sa.String(length=1000), nullable=True))
    op.create_table(
        'capacity_reservations',
        sa.Column('contract_id', sa.String(length=200), nullable=False),
        sa.Column('product_line', sa.String(length=200), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('quantity', sa.Integer(), nullable=False),
        sa.Column('reserved_at', salesnb.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('reserved_by', sa.String(length=200), nullable=False),
        sa.Column('released_at', salesnb.types.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('contract_id'),
    )
    op.create_index('ix_capacity_reservations_line_day', 'capacity_reservations', ['product_line', 'day'])


def downgrade() -> None:
    op.drop_index('ix_capacity_reservations_line_day', table_name='capacity_reservations')
    op.drop_table('capacity_reservations')
    with op.batch_alter_table('customers') as batch:
        batch.drop_column('contact_ids')
    op.drop_index('ix_inbound_events_received_at', table_name='inbound_events')
    op.drop_table('inbound_events')

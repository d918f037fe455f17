"""contracts (owner_id, status, submitted_at) index: a manager's contracts waiting for approval, per team member

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-04 10:20:00
"""
from alembic import op


revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('contracts', schema=None) as batch_op:
        batch_op.create_index('ix_contracts_owner_status', ['owner_id', 'status', 'submitted_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('contracts', schema=None) as batch_op:
        batch_op.drop_index('ix_contracts_owner_status')

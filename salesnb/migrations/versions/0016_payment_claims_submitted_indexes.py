"""payment_claims (submitted_at, claim_id) and (status, submitted_at, claim_id) indexes: the claim lists'
newest-first pages read in index order

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04 09:05:00
"""
from alembic import op


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('payment_claims', schema=None) as batch_op:
        batch_op.create_index('ix_payment_claims_submitted', ['submitted_at', 'claim_id'], unique=False)
        batch_op.create_index('ix_payment_claims_status_submitted', ['status', 'submitted_at', 'claim_id'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('payment_claims', schema=None) as batch_op:
        batch_op.drop_index('ix_payment_claims_status_submitted')
        batch_op.drop_index('ix_payment_claims_submitted')

"""bank lines: the payer's folded name, kept for the payer history

``bank_transactions.payer_key``: the key :func:`salesnb.receivables.evidence.payer_name_key` folds the payer
name to ('' for none or a private person), written by the reconciliation run that first reads the line and
cleared by an import that changes the line.  Before, every run read every distinct payer name ever booked
(195,803 at a million orders) and folded each to find the history of its own payers.  Lines already in the
store have none: the next run fills them in.  A change to the folding needs a migration that clears the column.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-05 00:40:00
"""
from alembic import op
import sqlalchemy as sa

revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('bank_transactions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('payer_key', sa.Text(), nullable=True))
        batch_op.create_index('ix_bank_transactions_payer_key', ['payer_key'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('bank_transactions', schema=None) as batch_op:
        batch_op.drop_index('ix_bank_transactions_payer_key')
        batch_op.drop_column('payer_key')

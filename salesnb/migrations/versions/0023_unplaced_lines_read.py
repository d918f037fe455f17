"""unplaced bank lines: when an automatic reconciliation first read a line and placed it nowhere

``bank_transactions.unplaced_read_at``: a run reads such a line again only while something may still arrive
to place it (``Options.reread_days`` after its booking: a claim up to 30 days after the money, an invoice up to
10 days); before, every unplaced line was read again by every run, for ever.  Lines already in the store have
none: the next run reads them once more.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-04 23:00:00
"""
from alembic import op
import sqlalchemy as sa
import salesnb.types

revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('bank_transactions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('unplaced_read_at', salesnb.types.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('bank_transactions', schema=None) as batch_op:
        batch_op.drop_column('unplaced_read_at')

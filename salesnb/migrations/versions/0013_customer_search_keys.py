"""customer search keys: each customer's folded name, full pinyin and initials, so a search runs in SQL;
bank matches indexed by status and decision time (the page of applied matches, newest first)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 23:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'customer_search_keys',
        sa.Column('customer_id', sa.String(length=200), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('folded', sa.String(length=200), nullable=False),
        sa.Column('folded_id', sa.String(length=200), nullable=False),
        sa.Column('pinyin', sa.String(length=1600), nullable=False),
        sa.Column('initials', sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint('customer_id'),
    )
    op.create_index('ix_bank_matches_status_decided', 'bank_matches', ['status', 'decided_at'])


def downgrade() -> None:
    op.drop_index('ix_bank_matches_status_decided', table_name='bank_matches')
    op.drop_table('customer_search_keys')

"""task notes: notes on to-dos (who, when, what), shown with the to-do in My work

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 22:30:00
"""
from alembic import op
import sqlalchemy as sa

import salesnb.types


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'task_notes',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('task_id', sa.String(length=200), nullable=False),
        sa.Column('at', salesnb.types.UTCDateTime(), nullable=False),
        sa.Column('author_id', sa.String(length=100), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_task_notes_task_at', 'task_notes', ['task_id', 'at'])


def downgrade() -> None:
    op.drop_index('ix_task_notes_task_at', table_name='task_notes')
    op.drop_table('task_notes')

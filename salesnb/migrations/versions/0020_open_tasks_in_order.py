"""open to-dos read in time order: a director's team page stops at a page

``ix_tasks_open_created`` (done_at, created_at, task_id) replaces ``ix_tasks_done_at`` (done_at): a
director's team page (everybody's open to-dos, oldest first) read 20 rows instead of sorting 340,000 at
1 M orders.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-04 16:40:00
"""
from alembic import op


revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.drop_index('ix_tasks_done_at')
        batch_op.create_index('ix_tasks_open_created', ['done_at', 'created_at', 'task_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.drop_index('ix_tasks_open_created')
        batch_op.create_index('ix_tasks_done_at', ['done_at'], unique=False)

"""tasks (owner_id, done_at, created_at, task_id) index: a person's open to-dos, oldest first, read in order

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-04 09:25:00
"""
from alembic import op


revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.create_index('ix_tasks_owner_open', ['owner_id', 'done_at', 'created_at', 'task_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.drop_index('ix_tasks_owner_open')

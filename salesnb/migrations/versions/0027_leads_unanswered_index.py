"""leads: a partial index on created_at of the leads nobody has answered

``lead_response_overdue`` asks for leads without a first response created
before the run's time less the target. The index on ``created_at`` matched
nearly every lead for that, so SQLite walked it and read all 1.78 M leads in
index order (0.8 s at a million orders) to keep the 150,000 unanswered ones.
This index holds only the unanswered leads; an answered lead leaves it.

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-05 12:10:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0027'
down_revision = '0026'
branch_labels = None
depends_on = None

UNANSWERED = sa.text('first_response_at IS NULL')


def upgrade() -> None:
    op.create_index('ix_leads_unanswered', 'leads', ['created_at'], unique=False,
                    sqlite_where=UNANSWERED, postgresql_where=UNANSWERED)


def downgrade() -> None:
    op.drop_index('ix_leads_unanswered', table_name='leads')

"""holidays: a team's own holidays and adjusted workdays (调休)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 17:10:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'holidays',
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('kind', sa.String(length=200), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=True),
        sa.Column('extra', sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint('day'),
    )


def downgrade() -> None:
    op.drop_table('holidays')

"""team use: users' platform ids and active flag, local passwords, web sessions, sign-in throttle

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 16:20:00
"""
from alembic import op
import sqlalchemy as sa
import salesnb.types


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('dingtalk_userid', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('feishu_user_id', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('active', sa.Boolean(), nullable=True))
    op.create_table('user_credentials',
        sa.Column('user_id', sa.String(length=200), nullable=False),
        sa.Column('password_hash', sa.String(length=500), nullable=False),
        sa.Column('set_at', salesnb.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('user_id'),
    )
    op.create_table('web_sessions',
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('user_id', sa.String(length=200), nullable=False),
        sa.Column('provider', sa.String(length=50), nullable=False),
        sa.Column('created_at', salesnb.types.UTCDateTime(), nullable=False),
        sa.Column('last_seen_at', salesnb.types.UTCDateTime(), nullable=False),
        sa.Column('expires_at', salesnb.types.UTCDateTime(), nullable=False),
        sa.Column('ended_at', salesnb.types.UTCDateTime(), nullable=True),
        sa.Column('client', sa.String(length=500), nullable=True),
        sa.PrimaryKeyConstraint('token_hash'),
    )
    with op.batch_alter_table('web_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_web_sessions_user_id'), ['user_id'], unique=False)
    op.create_table('sign_in_throttle',
        sa.Column('login', sa.String(length=200), nullable=False),
        sa.Column('failures', sa.Integer(), nullable=False),
        sa.Column('last_failure_at', salesnb.types.UTCDateTime(), nullable=True),
        sa.Column('locked_until', salesnb.types.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint('login'),
    )


def downgrade() -> None:
    op.drop_table('sign_in_throttle')
    with op.batch_alter_table('web_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_web_sessions_user_id'))
    op.drop_table('web_sessions')
    op.drop_table('user_credentials')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('active')
        batch_op.drop_column('feishu_user_id')
        batch_op.drop_column('dingtalk_userid')

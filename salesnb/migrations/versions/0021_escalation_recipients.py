"""escalation_recipients: the people each fired rung told or copied, a row each, filled from the log

My work listed the rungs a person was told of by matching their id in every open rung's ``notified`` /
``cc`` JSON text (0.43 s for a sales rep told of 5, on a store of 975,371 rungs); a row per person and rung,
indexed by (user_id, fired_at, log_id), makes it an index read.  A person both told and copied is
recorded once, as told (as My work showed them).

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-04 17:00:00
"""
from alembic import op
import sqlalchemy as sa
import salesnb.types


revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None

# Per dialect: the FROM clause over escalation_log l giving each item of list {col}, the item's text, and the
# condition that it is a string (the engine writes user ids as strings; anything else never matched anyone).
ITEMS = {
    "sqlite": ("escalation_log l, json_each(CASE WHEN json_valid(l.{col}) AND json_type(l.{col}) = 'array' "
               "THEN l.{col} ELSE '[]' END) j", "j.value", "j.type = 'text'"),
    "postgresql": ("escalation_log l CROSS JOIN LATERAL json_array_elements(CASE WHEN "
                   "json_typeof(l.{col}) = 'array' THEN l.{col} ELSE '[]'::json END) AS j(item)",
                   "j.item #>> '{}'", "json_typeof(j.item) = 'string'"),
}


def upgrade() -> None:
    op.create_table('escalation_recipients',
    sa.Column('log_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=10), nullable=False),
    sa.Column('fired_at', salesnb.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('log_id', 'user_id')
    )
    with op.batch_alter_table('escalation_recipients', schema=None) as batch_op:
        batch_op.create_index('ix_escalation_recipients_user_fired', ['user_id', 'fired_at', 'log_id'], unique=False)
    items, value, is_text = ITEMS[op.get_bind().dialect.name]
    for col in ("notified", "cc"):  # told first: told wins over copied
        op.execute(f"INSERT INTO escalation_recipients (log_id, user_id, role, fired_at) "
                   f"SELECT DISTINCT l.id, {value}, '{col}', l.fired_at FROM {items.format(col=col)} "
                   f"WHERE {is_text} AND {value} <> '' ON CONFLICT DO NOTHING")


def downgrade() -> None:
    with op.batch_alter_table('escalation_recipients', schema=None) as batch_op:
        batch_op.drop_index('ix_escalation_recipients_user_fired')
    op.drop_table('escalation_recipients')

"""escalation_log.task_done_at kept by a trigger on tasks, as a task is done

The log's copy of its task's ``done_at`` was made by every escalation run: one
statement comparing every waiting rung with its task (at a million orders
740,000 rungs against 5 M tasks, 4.4 s of each next day on PostgreSQL). A
row trigger now copies ``done_at`` into the task's rungs that have none when
it is set or changed, so the cost is the day's changes. A rung logged in the
instant its task is being done may miss it: readers take the task's own
``done_at`` then (:mod:`salesnb.sla.trace`). The migration copies the done
times there are once.

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-05 06:30:00
"""
from alembic import op

revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None

COPY = "UPDATE escalation_log SET task_done_at = NEW.done_at WHERE task_id = NEW.task_id AND task_done_at IS NULL;"

SQLITE_TRIGGER = f"""CREATE TRIGGER tasks_done_to_escalation_log AFTER UPDATE OF done_at ON tasks
    WHEN NEW.done_at IS NOT NULL AND OLD.done_at IS NOT NEW.done_at
    BEGIN {COPY} END"""

POSTGRES_TRIGGERS = [
    f"""CREATE FUNCTION tasks_done_to_escalation_log() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  {COPY}
  RETURN NULL;
END $$""",
    """CREATE TRIGGER tasks_done_to_escalation_log AFTER UPDATE OF done_at ON tasks
       FOR EACH ROW WHEN (NEW.done_at IS NOT NULL AND OLD.done_at IS DISTINCT FROM NEW.done_at)
       EXECUTE FUNCTION tasks_done_to_escalation_log()""",
]


def upgrade() -> None:
    op.execute("UPDATE escalation_log SET task_done_at = (SELECT t.done_at FROM tasks t WHERE t.task_id = "
               "escalation_log.task_id) WHERE task_done_at IS NULL AND EXISTS (SELECT 1 FROM tasks t "
               "WHERE t.task_id = escalation_log.task_id AND t.done_at IS NOT NULL)")
    for statement in POSTGRES_TRIGGERS if op.get_bind().dialect.name == "postgresql" else [SQLITE_TRIGGER]:
        op.execute(statement)


def downgrade() -> None:
    op.execute("DROP TRIGGER tasks_done_to_escalation_log" +
               (" ON tasks" if op.get_bind().dialect.name == "postgresql" else ""))
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION tasks_done_to_escalation_log()")

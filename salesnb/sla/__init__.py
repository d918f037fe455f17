"""SLA policies, working calendars, escalation ladders and the escalation engine."""

from .calendar import CalendarSpec, Clock, PolicyError, WorkingHoursClock, clock_for
from .escalation import EscalationReport, close_done_todos, escalate
from .holidays import HolidayTable, covered_until, load_holidays
from .pauses import pause_task, resume_task, task_pauses
from .policies import (
    Level,
    Policy,
    SlaTarget,
    default_policies,
    get_policy,
    holiday_warning,
    load_policies,
    policy_targets,
    reset_policy,
    save_policy,
)
from .timeline import TimelineEvent, due_levels, timeline
from .trace import FiredLevel, TaskTrace, todos_of, trace

__all__ = [
    "CalendarSpec", "Clock", "PolicyError", "WorkingHoursClock", "clock_for",
    "EscalationReport", "close_done_todos", "escalate",
    "pause_task", "resume_task", "task_pauses",
    "HolidayTable", "covered_until", "load_holidays", "holiday_warning",
    "Level", "Policy", "SlaTarget", "default_policies", "get_policy", "load_policies", "policy_targets",
    "reset_policy", "save_policy",
    "TimelineEvent", "due_levels", "timeline",
    "FiredLevel", "TaskTrace", "todos_of", "trace",
]

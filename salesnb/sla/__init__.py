"""SLA policies, working calendars, escalation ladders and the escalation engine."""

from .calendar import CalendarSpec, Clock, PolicyError, WorkingHoursClock, clock_for
from .policies import (
    Level,
    Policy,
    SlaTarget,
    default_policies,
    get_policy,
    load_policies,
    policy_targets,
    reset_policy,
    save_policy,
)

__all__ = [
    "CalendarSpec", "Clock", "PolicyError", "WorkingHoursClock", "clock_for",
    "Level", "Policy", "SlaTarget", "default_policies", "get_policy", "load_policies", "policy_targets",
    "reset_policy", "save_policy",
]

"""SLA policies and escalation ladders: the model, the defaults, and storage in ``sla_policies``.

A policy belongs to one workflow node (``tasks.node``).  It has a target
duration, a calendar (:class:`~salesnb.sla.calendar.CalendarSpec`), the task
statuses that pause the clock, an optional rule-language condition choosing
the records it applies to, and a ladder of :class:`Level` s.  A level fires
``delay`` after the deadline (negative: a warning before it), notifies and cc's
people given as *recipient specs*, may create a to-do, and may repeat.

Recipient specs: ``owner`` (the task's owner), ``manager`` (the owner's
manager), ``entity_owner`` (``owner_id`` of the record the task is about, e.g.
the rep of a payment claim), ``role:NAME`` (users with that role, those in the
owner's region first) and ``user:ID``.

The defaults below apply to every node without a stored row; a stored row
(written by :func:`save_policy`) replaces the default of its node.
"""

from __future__ import annotations

import copy
import dataclasses
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from .. import audit
from ..auth.people import Actor
from ..auth.permissions import authorize
from ..db import serialise
from ..errors import SalesnbError
from ..models import ROLES, Base, SlaPolicy
from ..rules import validate_rule
from ..timeutil import now
from .calendar import CalendarSpec, Clock, PolicyError, clock_for
from .holidays import EMPTY, HolidayTable, coverage_warning, load_holidays
from . import messages  # noqa: F401 - the keys of PolicyError

RECIPIENT_WORDS = ("owner", "manager", "entity_owner")
TODO_NODE = "sla_todo"


def check_recipient(spec: Any, where: str) -> str:
    """Validate one recipient spec; return it normalised."""
    if not isinstance(spec, str) or not spec.strip():
        raise PolicyError("sla.policy.recipient_expected", where=where, value=repr(spec))
    spec = spec.strip()
    if spec in RECIPIENT_WORDS:
        return spec
    kind, _, value = spec.partition(":")
    if kind == "role" and value in ROLES:
        return spec
    if kind == "role":
        raise PolicyError("sla.policy.unknown_role", where=where, value=repr(value), roles=", ".join(ROLES))
    if kind == "user" and value:
        return spec
    raise PolicyError("sla.policy.unknown_recipient", where=where, value=repr(spec))


def _hours(value: Any, where: str, *, allow_negative: bool = False, allow_none: bool = False) -> timedelta | None:
    if value is None and allow_none:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError) as exc:
        raise PolicyError("sla.policy.hours_expected", where=where, value=repr(value)) from exc
    if number != number or (number < 0 and not allow_negative):
        raise PolicyError("sla.policy.number_expected" if allow_negative else "sla.policy.not_negative", where=where,
                          value=repr(value))
    return timedelta(hours=number)


def _hours_out(value: timedelta) -> float | int:
    hours = value.total_seconds() / 3600
    return int(hours) if hours == int(hours) else hours


@dataclass(frozen=True)
class Level:
    """One rung of the ladder."""

    level: int
    delay: timedelta  # after the deadline; negative = a warning before it
    notify: tuple[str, ...]
    cc: tuple[str, ...] = ()
    todo_for: str | None = None
    repeat_every: timedelta | None = None
    max_repeats: int = 0
    channel: str | None = None

    @property
    def is_warning(self) -> bool:
        return self.delay < timedelta(0)

    @property
    def repeats(self) -> int:
        return self.max_repeats if self.repeat_every else 0

    @classmethod
    def from_dict(cls, data: dict[str, Any], where: str) -> Level:
        if not isinstance(data, dict):
            raise PolicyError("sla.policy.object_expected", where=where, value=repr(data))
        unknown = set(data) - {"level", "delay_hours", "notify", "cc", "todo_for", "repeat_every_hours",
                               "max_repeats", "channel"}
        if unknown:
            raise PolicyError("sla.policy.unknown_fields", where=where, fields=", ".join(sorted(unknown)))
        try:
            number = int(data["level"])
        except (KeyError, TypeError, ValueError) as exc:
            raise PolicyError("sla.policy.level_number", where=f"{where}.level") from exc
        notify = tuple(check_recipient(r, f"{where}.notify[{i}]") for i, r in enumerate(data.get("notify") or []))
        if not notify:
            raise PolicyError("sla.policy.need_notify", where=f"{where}.notify", level=data["level"])
        cc = tuple(check_recipient(r, f"{where}.cc[{i}]") for i, r in enumerate(data.get("cc") or []))
        todo_for = data.get("todo_for")
        if todo_for is not None:
            todo_for = check_recipient(todo_for, f"{where}.todo_for")
        every = _hours(data.get("repeat_every_hours"), f"{where}.repeat_every_hours", allow_none=True)
        if every is not None and every <= timedelta(0):
            raise PolicyError("sla.policy.positive", where=f"{where}.repeat_every_hours")
        try:
            max_repeats = int(data.get("max_repeats", 3 if every else 0) or 0)
        except (TypeError, ValueError) as exc:
            raise PolicyError("sla.policy.integer", where=f"{where}.max_repeats") from exc
        if max_repeats < 0 or max_repeats > 100:
            raise PolicyError("sla.policy.max_repeats", where=f"{where}.max_repeats")
        if max_repeats and not every:
            raise PolicyError("sla.policy.repeats_need_every", where=f"{where}.max_repeats")
        channel = data.get("channel")
        return cls(level=number, delay=_hours(data.get("delay_hours", 0), f"{where}.delay_hours", allow_negative=True),
                   notify=notify, cc=cc, todo_for=todo_for, repeat_every=every, max_repeats=max_repeats,
                   channel=None if channel in (None, "") else str(channel))

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"level": self.level, "delay_hours": _hours_out(self.delay),
                               "notify": list(self.notify), "cc": list(self.cc), "todo_for": self.todo_for}
        if self.repeat_every:
            out["repeat_every_hours"] = _hours_out(self.repeat_every)
            out["max_repeats"] = self.max_repeats
        if self.channel:
            out["channel"] = self.channel
        return out


@dataclass(frozen=True)
class Policy:
    """The SLA of one workflow node."""

    node: str
    target: timedelta
    levels: tuple[Level, ...]
    calendar: CalendarSpec = field(default_factory=CalendarSpec)
    title: dict[str, str] = field(default_factory=dict, compare=False)
    pause_statuses: tuple[str, ...] = ()
    condition: dict[str, Any] | None = field(default=None, compare=False)
    condition_table: str | None = None
    enabled: bool = True
    version: int = 0
    source: str = "default"  # default | stored
    holidays: HolidayTable = field(default=EMPTY, compare=False, repr=False)  # the team's stored days

    @property
    def clock(self) -> Clock:
        return clock_for(self.calendar, self.holidays)

    @property
    def uses_holidays(self) -> bool:
        """Whether the policy's clock follows holidays and 调休 (working hours with Chinese holidays)."""
        return self.calendar.mode == "working_hours" and self.calendar.chinese_holidays

    def offset(self, level: Level, repeat_no: int = 0) -> timedelta:
        """Clock time from the task's start to ``level`` (repeat ``repeat_no``)."""
        return self.target + level.delay + (level.repeat_every or timedelta(0)) * repeat_no

    def label(self, language: str = "zh-CN") -> str:
        return self.title.get(language) or self.title.get("zh-CN") or self.node

    @classmethod
    def from_dict(cls, data: dict[str, Any], node: str | None = None, *, version: int = 0,
                  source: str = "stored") -> Policy:
        """Validate a JSON definition; raise PolicyError naming the bad field."""
        if not isinstance(data, dict):
            raise PolicyError("sla.policy.not_object")
        unknown = set(data) - {"node", "title", "target_hours", "calendar", "pause_statuses", "condition",
                               "condition_table", "levels", "enabled"}
        if unknown:
            raise PolicyError("sla.policy.unknown_policy_fields", fields=", ".join(sorted(unknown)))
        node = node or data.get("node")
        if not node or not isinstance(node, str) or len(node) > 100:
            raise PolicyError("sla.policy.node")
        if data.get("node") not in (None, node):
            raise PolicyError("sla.policy.other_node", given=repr(data["node"]), node=repr(node))
        if "target_hours" not in data:
            raise PolicyError("sla.policy.required", where="target_hours")
        target = _hours(data["target_hours"], "target_hours")
        if target <= timedelta(0):
            raise PolicyError("sla.policy.positive", where="target_hours")
        levels = tuple(Level.from_dict(item, f"levels[{i}]") for i, item in enumerate(data.get("levels") or []))
        _check_ladder(levels, target)
        title = data.get("title") or {}
        if isinstance(title, str):
            title = {"zh-CN": title, "en": title}
        pauses = data.get("pause_statuses") or []
        if not isinstance(pauses, list) or not all(isinstance(p, str) and p for p in pauses):
            raise PolicyError("sla.policy.pause_statuses")
        condition = data.get("condition")
        condition_table = data.get("condition_table")
        if condition is not None:
            if not isinstance(condition, dict):
                raise PolicyError("sla.policy.condition_object")
            if condition_table not in Base.metadata.tables:
                raise PolicyError("sla.policy.condition_table", value=repr(condition_table))
            _validate_condition(condition, condition_table)
        return cls(node=node, target=target, levels=levels,
                   calendar=CalendarSpec.from_dict(data.get("calendar")), title=dict(title),
                   pause_statuses=tuple(pauses), condition=copy.deepcopy(condition),
                   condition_table=condition_table if condition is not None else None,
                   enabled=bool(data.get("enabled", True)), version=version, source=source)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "node": self.node, "title": dict(self.title), "target_hours": _hours_out(self.target),
            "calendar": self.calendar.to_dict(), "pause_statuses": list(self.pause_statuses),
            "levels": [lv.to_dict() for lv in self.levels], "enabled": self.enabled,
        }
        if self.condition is not None:
            out["condition"] = copy.deepcopy(self.condition)
            out["condition_table"] = self.condition_table
        return out


def _check_ladder(levels: tuple[Level, ...], target: timedelta) -> None:
    numbers = [lv.level for lv in levels]
    if len(set(numbers)) != len(numbers):
        raise PolicyError("sla.policy.levels_unique")
    ordered = sorted(levels, key=lambda lv: lv.level)
    for prev, cur in zip(ordered, ordered[1:]):
        if cur.delay <= prev.delay:
            raise PolicyError("sla.policy.levels_order", level=cur.level, previous=prev.level)
    warnings = [lv for lv in levels if lv.is_warning]
    if len(warnings) > 1:
        raise PolicyError("sla.policy.one_warning")
    for lv in warnings:
        if target + lv.delay < timedelta(0):
            raise PolicyError("sla.policy.warning_too_early", level=lv.level)
        if lv.level > 0:
            raise PolicyError("sla.policy.warning_level_0", level=lv.level)
    if any(lv.level <= 0 and not lv.is_warning for lv in levels):
        raise PolicyError("sla.policy.levels_from_1")


def _validate_condition(condition: dict[str, Any], table: str) -> None:
    try:
        validate_rule(condition, table)
    except SalesnbError as exc:
        raise PolicyError("sla.policy.condition", problem=str(exc)) from exc


# ------------------------------------------------------------------ defaults (docs/design.md)

def _ladder(target_h: float, first: dict[str, Any], second: dict[str, Any], third: dict[str, Any],
            warning: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """Levels 1, 2, 3 at 1×, 2×, 4× the target (the ``sla_breach`` check's levels)."""
    ladder = [] if warning is None else [{"level": 0, **warning}]
    ladder += [{"level": 1, "delay_hours": 0, **first},
               {"level": 2, "delay_hours": target_h, **second},
               {"level": 3, "delay_hours": 3 * target_h, **third}]
    return ladder


DEFAULT_DEFINITIONS: dict[str, dict[str, Any]] = {
    "lead_first_response": {
        "title": {"zh-CN": "线索首次响应", "en": "Lead first response"}, "target_hours": 4,
        "levels": _ladder(4,
                          {"notify": ["manager"], "cc": ["role:sales_director"], "todo_for": "owner"},
                          {"notify": ["manager", "role:sales_director"], "cc": ["owner"]},
                          {"notify": ["role:sales_director"], "cc": ["manager"]},
                          warning={"delay_hours": -1, "notify": ["owner"]}),
    },
    "invoice_confirm": {
        "title": {"zh-CN": "发票确认", "en": "Invoice confirmation"}, "target_hours": 2,
        "levels": _ladder(2,
                          {"notify": ["role:finance_manager"], "cc": ["role:sales_director"], "todo_for": "role:finance"},
                          {"notify": ["role:finance_manager", "role:sales_director"], "cc": ["owner"]},
                          {"notify": ["role:sales_director"], "cc": ["role:finance_manager"]}),
    },
    "contract_approval": {
        "title": {"zh-CN": "合同审批", "en": "Contract approval"}, "target_hours": 24,
        "levels": _ladder(24,
                          {"notify": ["owner", "manager"], "cc": ["role:sales_director"], "todo_for": "manager"},
                          {"notify": ["role:sales_director"], "cc": ["manager"]},
                          {"notify": ["role:sales_director"], "cc": ["role:ops"]}),
    },
    "claim_review": {
        "title": {"zh-CN": "回款认领审核", "en": "Payment claim review"}, "target_hours": 48,
        "levels": _ladder(48,
                          {"notify": ["role:finance", "entity_owner"], "cc": ["role:finance_manager"],
                           "todo_for": "role:finance"},
                          {"notify": ["role:finance_manager", "entity_owner"], "cc": ["role:sales_director"]},
                          {"notify": ["role:finance_manager", "role:sales_director"], "cc": ["entity_owner"]}),
    },
    "shipment_booking": {
        "title": {"zh-CN": "发运订舱", "en": "Shipment booking"}, "target_hours": 24,
        "levels": _ladder(24,
                          {"notify": ["role:warehouse"], "cc": ["owner"], "todo_for": "role:warehouse"},
                          {"notify": ["role:warehouse", "role:ops"], "cc": ["role:sales_director"]},
                          {"notify": ["role:ops", "role:sales_director"], "cc": ["role:warehouse"]}),
    },
}


def default_policies() -> dict[str, Policy]:
    """The built-in policies (docs/design.md), all 24×7."""
    return {node: Policy.from_dict({"node": node, **definition}, source="default")
            for node, definition in DEFAULT_DEFINITIONS.items()}


# ------------------------------------------------------------------ storage

def load_policies(session: Session, *, include_disabled: bool = True) -> dict[str, Policy]:
    """Every policy: the defaults, replaced node by node by stored rows."""
    policies = default_policies()
    for row in session.scalars(select(SlaPolicy).order_by(SlaPolicy.node)):
        try:
            policies[row.node] = Policy.from_dict(row.definition, row.node, version=row.version, source="stored")
        except PolicyError as exc:
            raise PolicyError("sla.policy.stored_invalid", node=row.node, problem=str(exc)) from exc
    if not include_disabled:
        policies = {node: p for node, p in policies.items() if p.enabled}
    holidays = load_holidays(session)
    if holidays.entries:
        policies = {node: dataclasses.replace(p, holidays=holidays) for node, p in policies.items()}
    return dict(sorted(policies.items()))


def holiday_warning(session: Session, as_of: datetime, language: str | None = None) -> str | None:
    """The warning that the holiday calendar is about to run out, when an enabled policy's clock needs it."""
    policies = load_policies(session, include_disabled=False)
    if not any(p.uses_holidays for p in policies.values()):
        return None
    return coverage_warning(load_holidays(session), as_of, language)


def get_policy(session: Session, node: str) -> Policy:
    """The policy of ``node``; PolicyError when there is none."""
    policies = load_policies(session)
    if node not in policies:
        raise PolicyError("sla.policy.no_node", node=node, known=", ".join(policies))
    return policies[node]


def save_policy(session: Session, definition: dict[str, Any] | Policy, *, node: str | None = None,
                actor: Actor | str = "system", at: datetime | None = None) -> Policy:
    """Validate and store a policy (new version of its node); audit-logged. Returns the stored policy (``config.edit``)."""
    actor = authorize(session, actor, "config.edit").user_id
    data = definition.to_dict() if isinstance(definition, Policy) else definition
    policy = Policy.from_dict(data, node)
    at = at or now()
    serialise(session, f"sla_policies:{policy.node}")  # concurrent saves get consecutive versions
    row = session.get(SlaPolicy, policy.node, populate_existing=True)
    before = None if row is None else {"version": row.version, "definition": row.definition}
    stored = policy.to_dict()
    if row is None:
        row = SlaPolicy(node=policy.node, version=1, definition=stored, updated_at=at, updated_by=actor)
        session.add(row)
    else:
        row.version += 1
        row.definition, row.updated_at, row.updated_by = stored, at, actor
    session.flush()
    audit.record(session, actor=actor, action="sla.policy_saved", entity_type="sla_policy", entity_id=policy.node,
                 before=before, after={"version": row.version, "definition": stored}, at=at)
    return Policy.from_dict(stored, policy.node, version=row.version, source="stored")


def reset_policy(session: Session, node: str, *, actor: Actor | str = "system", at: datetime | None = None) -> bool:
    """Delete the stored policy of ``node`` (its default, if any, applies again). True if a row was deleted."""
    actor = authorize(session, actor, "config.edit").user_id
    serialise(session, f"sla_policies:{node}")
    row = session.get(SlaPolicy, node, populate_existing=True)
    if row is None:
        return False
    audit.record(session, actor=actor, action="sla.policy_reset", entity_type="sla_policy", entity_id=node,
                 before={"version": row.version, "definition": row.definition}, at=at or now())
    session.execute(delete(SlaPolicy).where(SlaPolicy.node == node))
    return True


# ------------------------------------------------------------------ targets for the sla_breach check

@dataclass(frozen=True)
class SlaTarget:
    """A node's target and how its clock runs (for the ``sla_breach`` check)."""

    node: str
    target: timedelta
    calendar_mode: str  # "24x7" | "working_hours"
    clock: Clock

    def deadline(self, created_at: datetime, multiple: float = 1.0) -> datetime:
        """When ``multiple`` × the target has elapsed on this node's clock."""
        return self.clock.add(created_at, self.target * multiple)

    def elapsed(self, created_at: datetime, as_of: datetime) -> timedelta:
        """Clock time from ``created_at`` to ``as_of``."""
        return self.clock.between(created_at, as_of)


def policy_targets(session: Session) -> dict[str, SlaTarget]:
    """Per enabled node: target duration and calendar mode (defaults merged with stored policies)."""
    return {node: SlaTarget(node, p.target, p.calendar.mode, p.clock)
            for node, p in load_policies(session, include_disabled=False).items()}

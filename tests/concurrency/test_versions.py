"""Saving the next version of a rule, a scorecard or an SLA policy from several transactions at once.

Each writer reads the current version inside a transaction that stays open
while the others start theirs (a barrier holds them together), so without a
lock every writer would compute the same next version.
"""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from salesnb.db import session_scope
from salesnb.models import Rule, Scorecard, SlaPolicy
from salesnb.rules.store import save_rule
from salesnb.scorecards import DEFAULT_NAME, default_definition, get_scorecard, save_scorecard
from salesnb.sla import default_policies, save_policy

WRITERS = 3
RULE = {"table": "leads", "rule": {"field": "source", "op": "is_empty"}}


def at_once(engine, write) -> list[BaseException]:
    """Run ``write(session, n)`` in WRITERS threads, each in its own transaction, started together."""
    barrier = threading.Barrier(WRITERS)
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            barrier.wait()
            with session_scope(engine) as session:
                write(session, n)
        except BaseException as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return errors


@pytest.mark.parametrize("kind", ["rule", "scorecard", "sla_policy"])
def test_concurrent_saves_get_consecutive_versions(engine, kind):
    def write(session, n):
        if kind == "rule":
            save_rule(session, "shared", RULE, kind="filter", actor="system")
        elif kind == "scorecard":
            save_scorecard(session, default_definition(), name="shared", actor="system")
        else:
            policy = default_policies()["lead_first_response"].to_dict()
            policy["target_hours"] = 2 + n
            save_policy(session, policy, actor="system")

    assert at_once(engine, write) == []
    with session_scope(engine) as session:
        if kind == "rule":
            assert session.scalars(select(Rule.version).order_by(Rule.version)).all() == [1, 2, 3]
        elif kind == "scorecard":
            rows = session.execute(select(Scorecard.version, Scorecard.active).order_by(Scorecard.version)).all()
            assert rows == [(1, False), (2, False), (3, True)]
        else:
            assert session.scalar(select(SlaPolicy.version)) == WRITERS


def test_the_default_scorecard_is_seeded_once(engine):
    assert at_once(engine, lambda session, n: get_scorecard(session)) == []
    with session_scope(engine) as session:
        assert session.execute(select(Scorecard.name, Scorecard.version)).all() == [(DEFAULT_NAME, 1)]

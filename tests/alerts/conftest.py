"""Fixtures of the alert tests: the fake messenger servers."""

from tests.fakeservers.fixtures import *  # noqa: F401,F403 - the fake servers' fixtures

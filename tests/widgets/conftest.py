"""Fixtures of the widget tests: the seeded store on each backend, zh-CN UI text."""

import pytest

from salesnb.i18n import set_language

from .seed import seed


@pytest.fixture
def seeded(engine):
    """The engine (each backend) holding the hand-made data set of :mod:`tests.widgets.seed`."""
    seed(engine)
    return engine


@pytest.fixture(autouse=True)
def _chinese():
    set_language("zh-CN")
    yield
    set_language("zh-CN")

"""A demo data set of 2,000 orders, generated once for the module's tests."""

from __future__ import annotations

import pandas as pd
import pytest

from salesnb.demo import generate

from . import breakpoints

AS_OF = "2026-03-02 10:00"


@pytest.fixture(scope="session")
def demo_files(tmp_path_factory):
    return generate(tmp_path_factory.mktemp("demo2000"), orders=2000, seed=11, as_of=AS_OF)


@pytest.fixture(scope="session")
def frames(demo_files):
    return breakpoints.load(demo_files["users"].parent)


@pytest.fixture(scope="session")
def as_of():
    return pd.Timestamp(AS_OF)

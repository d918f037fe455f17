"""A source type from a third-party plugin (the ``salesnb_sync_sources`` hook), run by the daily run's sync step."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import func, select

from salesnb.config import Settings
from salesnb.models import BankTransaction
from salesnb.pipeline import daily_run
from salesnb.plugins import get_plugin_manager, hookimpl
from salesnb.sync import Batch, Source, source_types, states

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)

LINES = [{"流水号": f"B{i:03}", "交易时间": f"2026-11-0{1 + i % 5} 10:00", "金额": f"{100 + i}.50",
          "对方户名": "杭州精工", "序号": i} for i in range(6)]


class BankApi(Source):
    """A bank's API as a third party would write it: lines after the last sequence number seen."""

    type = "bank_api"

    def read(self, stream, cursor, context):
        after = -1 if context.full or not cursor else cursor["seq"]
        lines = [line for line in self.option("lines") if line["序号"] > after]
        for start in range(0, len(lines), 4):
            part = lines[start:start + 4]
            yield Batch(pd.DataFrame(part).drop(columns=["序号"]), {"seq": part[-1]["序号"]})


class BankPlugin:
    @hookimpl
    def salesnb_sync_sources(self):
        return [BankApi]


@pytest.fixture
def bank_plugin():
    pm = get_plugin_manager()
    plugin = BankPlugin()
    pm.register(plugin, name="bank-api-test")
    yield plugin
    pm.unregister(plugin)


def test_a_plugin_source_in_the_daily_run(engine, bank_plugin):
    assert {"sql", "http_json", "folder", "wecom_directory", "dingtalk_directory", "feishu_directory",
            "bank_api"} <= set(source_types())
    lines = list(LINES[:5])
    settings = Settings(db_url="", raw={"sync": {"bank": {"type": "bank_api", "lines": lines,
                                                          "streams": {"lines": {"table": "bank_transactions"}}}}})
    run = daily_run(engine, "2026-11-06 08:00", settings=settings, steps=["sync"])
    report = run.reports["sync"]
    assert report.ok and report.streams[0].inserted == 5 and report.streams[0].batches == 2
    assert any(line.startswith("同步") and "读取 5 行" in line for line in run.summary())
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(BankTransaction)) == 5
    lines.append(LINES[5])
    again = daily_run(engine, "2026-11-07 08:00", settings=settings, steps=["sync"]).reports["sync"]
    assert again.streams[0].rows == 1 and again.streams[0].inserted == 1
    assert [s["cursor"] for s in states(engine)] == [{"seq": 5}]


def test_no_sources_no_sync(engine):
    run = daily_run(engine, "2026-11-06 08:00", settings=Settings(db_url=""), steps=["sync"])
    assert run.reports["sync"] is None

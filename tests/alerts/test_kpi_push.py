"""The weekly KPI push as it arrives in a local WeCom robot."""

from __future__ import annotations

from salesnb.db import session_scope
from salesnb.kpi.anomalies import anomaly_notes
from salesnb.kpi.push import push_weekly_kpis
from salesnb.models import User
from salesnb.notify import flush
from tests.kpi.handmade import AS_OF, build

from .helpers import PUBLIC_URL, wecom_settings


def test_each_manager_gets_their_regions_kpis_and_notes(engine, db_url, tmp_path, wecom_server, fake_clock):
    build(engine)  # reps r1 r2 (East) and r3 (North) under m1 (East)
    with session_scope(engine) as s:
        s.get(User, "m1").wecom_userid = "zhaojl"
        s.add(User(user_id="d1", name="钱总监", role="sales_director", wecom_userid="qianzj"))
        s.add(User(user_id="m9", name="孤经理", role="sales_manager"))  # no region, nobody under: skipped
    settings = wecom_settings(tmp_path, wecom_server, db_url)
    notes = anomaly_notes(engine, AS_OF, week="2026-W11", params={"min_items": 2})
    pushed = push_weekly_kpis(engine, AS_OF, settings=settings, week="2026-W11", notes=notes)
    assert pushed.recipients == {"d1": None, "m1": "East"} and pushed.skipped == ["m9"] and pushed.sent == 2
    assert push_weekly_kpis(engine, AS_OF, settings=settings, week="2026-W11").sent == 0  # a rerun sends nothing
    report = flush(engine, settings, clock=fake_clock.now, sleep=fake_clock.sleep)
    assert report.sent == 2 and report.failed == 0
    [east] = [m for m in wecom_server.messages if "<@zhaojl>" in m["text"]]
    text = east["text"]
    print(text)  # the manager's message, as WeCom shows it
    lines = text.splitlines()
    assert lines[0] == "**【销售健康度周报】East区域 2026-W11**"
    # East first response: W11 L6 passes, L8 fails -> 50.0 %; overall 3/5 = 60.0 %; threshold 90 %
    assert "客户响应黄金4小时达标率：本周 50.0%，累计 60.0%（阈值 90.0%）未达标" in lines
    # no baseline yet: the repair rate is grey, never 0 % red; W11's A leads are too young to have converted
    assert any(line.startswith("流程断点修复率：本周 —，累计 —（阈值 85.0%）尚不可衡量（尚未建立基线") for line in lines)
    assert any(line.startswith("A类线索转化率：") and "尚不可衡量（A类线索满 14 天后才计入" in line for line in lines)
    assert "异常说明：" in lines
    assert "- East区域客户响应黄金4小时达标率本周（2026-W11）下降 17 个百分点（66.7% → 50.0%），主要是 李四 的线索（1/1 项未达标）" \
        in lines
    assert lines[-2] == f"查看仪表盘：{PUBLIC_URL}/voila/render/dashboard.ipynb?region=East"
    [company] = [m for m in wecom_server.messages if "<@qianzj>" in m["text"]]
    assert company["text"].startswith("**【销售健康度周报】全公司 2026-W11**")
    assert "dashboard.ipynb\n" in company["text"]

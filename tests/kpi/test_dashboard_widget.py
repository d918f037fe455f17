"""The dashboard widget on the hand-made data (no browser): tiles, filters, escaping, xlsx export."""

from __future__ import annotations

import io

import openpyxl

from salesnb.db import session_scope
from salesnb.models import Lead, User
from salesnb.widgets.protocol import plotly_js_name
from salesnb.widgets.dashboard import Dashboard, figure_html, plotly_script

from .handmade import AS_OF, build, ts

EVIL = "<img src=x onerror=alert(1)>"


def test_dashboard_tiles_filters_and_export(engine):
    build(engine)
    with session_scope(engine) as session:
        session.add(User(user_id="rx", name=EVIL, role="sales", region=EVIL))
        session.flush()
        session.add(Lead(lead_id="LX", customer_id="c1", owner_id="rx", created_at=ts(3, 9, 8),
                         first_response_at=ts(3, 9, 20)))
    board = Dashboard(engine, as_of=AS_OF)
    assert board.error == ""
    tiles = board.tiles.value
    assert tiles.count("class=\"snb-kpi-tile ") == 4
    # overall first response 5/9 = 55.6 % (the hand-made 5/8 plus LX, answered after 12 h): red
    assert 'snb-kpi-tile snb-kpi-red" data-kpi="first_response_4h_rate"' in tiles and "55.6%" in tiles
    assert EVIL not in tiles
    assert [v for _l, v in board.region_box.options] == ["", "<img src=x onerror=alert(1)>", "East", "North", "South"]
    board.region = "South"  # only L5, answered in 30 minutes
    assert 'snb-kpi-ok" data-kpi="first_response_4h_rate"' in board.tiles.value and "100.0%" in board.tiles.value
    board.region = EVIL
    everything = board.tiles.value + board.a_lead_table.value + board.notes_box.value + board.audit_table.value
    assert EVIL not in everything
    board.weeks = 4
    assert board.error == "" and set(board.report.weekly()["week"]) <= {"2026-W08", "2026-W09", "2026-W10",
                                                                         "2026-W11"}
    data = board.export()
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheets = {"总体", "按周", "按区域", "按销售", "A类线索转化", "异常说明", "流程审计", "前后对比"}
    assert sheets <= set(book.sheetnames)
    assert "snb-download" in board.download_area.value
    rep = Dashboard(engine, as_of=AS_OF, actor="rx")  # a rep's dashboard: their own records, their region
    assert rep.error == "" and [v for _l, v in rep.region_box.options] == ["", EVIL]
    assert set(rep.report.rates["owner_id"].dropna()) == {"rx"}
    rep.open_item(EVIL)
    assert rep.region == EVIL
    by_rep = openpyxl.load_workbook(io.BytesIO(rep.export()))["按销售"]
    cells = {cell.value for row in by_rep.iter_rows() for cell in row}
    assert "rx" in cells or EVIL in cells
    assert not {"r1", "r2", "r3", "张三", "李四", "王五"} & cells  # the hand-made reps are not in the rep export


def test_chart_script_cannot_be_broken_out_of():
    fig = {"data": [{"type": "bar", "x": ["a"], "y": [1], "name": "</script><script>alert(1)</script>"}], "layout": {}}
    markup = figure_html(fig)
    assert markup.count("<script") == 1 and markup.count("</script>") == 1
    assert "alert(1)" in markup and "\\u003cscript\\u003e" in markup


def test_plotly_js_comes_from_the_template_when_served():
    served = plotly_script(served=True)
    assert len(served) < 1000 and f"templates/salesnb/static/{plotly_js_name()}" in served
    assert "data-base-url" in served and "window.Plotly" in served
    inline = plotly_script(served=False)
    assert len(inline) > 1_000_000 and inline.startswith("<script")

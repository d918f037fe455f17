"""Findings: filters, counts, escaping and the xlsx export."""

import io
from urllib.parse import parse_qs, urlsplit

from openpyxl import load_workbook

from salesnb.auth import scope_of
from salesnb.checks.export import write_findings_xlsx
from salesnb.checks.listing import FindingQuery
from salesnb.i18n import get_language, speaking
from salesnb.timeutil import parse_timestamp
from salesnb.widgets.findings import Findings

from .seed import AS_OF, XSS


def test_lists_open_findings_with_owner_names(seeded):
    w = Findings(seeded, as_of=AS_OF)
    assert w.shown == 3  # the resolved claim_stalled finding is not listed
    assert [label for label, _v in w.owner_box.options] == ["全部", "张伟（U01）", "李娜（U02）"]
    assert [v for _l, v in w.region_box.options] == ["", "华东", "华南"]
    assert ("报价已接受未下单", "quote_not_ordered") in w.check_box.options
    assert "超过 4 小时未响应" in w.table.value and "李娜" in w.table.value
    assert "共 3 条（全部 3 条）" in w.count_label.value
    assert '<span class="snb-badge snb-bad">线索超时未响应 1</span>' in w.summary.value


def test_filters_combine(seeded):
    w = Findings(seeded, as_of=AS_OF)
    w.owner_box.value = "U01"
    assert w.owner == "U01" and w.shown == 2
    w.check = "quote_not_ordered"
    assert w.check_box.value == "quote_not_ordered" and w.shown == 1
    assert "Q001" in w.table.value and "O002" not in w.table.value
    w.region = "华南"
    assert w.shown == 0 and "没有符合条件的断点" in w.table.value
    w.owner, w.check, w.region = "", "", "华南"
    assert w.shown == 1 and "O002" in w.table.value


def test_data_is_escaped(seeded):
    w = Findings(seeded, as_of=AS_OF)
    assert "<img" not in w.table.value and "&lt;img src=x onerror=alert(1)&gt;" in w.table.value


def _export(engine, widget) -> bytes:
    """What the server's export endpoint writes for the widget's link (its query string)."""
    query = parse_qs(urlsplit(widget.export()).query)
    arg = lambda key: query.get(key, [""])[0]
    out = io.BytesIO()
    with speaking(arg("lang")):
        write_findings_xlsx(engine, FindingQuery(scope=scope_of(widget.actor), owner=arg("owner"),
                                                 region=arg("region"), check=arg("check"), entity=arg("entity")),
                            parse_timestamp(arg("as_of")), out)
    return out.getvalue()


def test_export_to_xlsx_holds_the_filtered_rows(seeded):
    w = Findings(seeded, as_of=AS_OF)
    w.owner = "U01"
    url = w.export()
    assert url.startswith("../../salesnb/export/findings.xlsx?") and "owner=U01" in url and "lang=zh-CN" in url
    link = w.download_area.value
    assert link.startswith('<a class="snb-download" href="../../salesnb/export/findings.xlsx?owner=U01')
    assert 'download="断点清单_20260316_1000.xlsx"' in link and "data:" not in link
    sheet = load_workbook(io.BytesIO(_export(seeded, w))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("检查项", "对象", "负责人", "区域", "严重程度", "说明", "首次发现", "已持续")
    assert len(rows) == 3
    by_check = {r[0]: r for r in rows[1:]}
    assert by_check["线索超时未响应"][1:5] == ("线索 L001", "张伟", "华东", "严重")
    assert XSS in by_check["线索超时未响应"][5]  # text in a cell, not markup
    assert by_check["线索超时未响应"][6] == "2026-03-10 14:00"
    assert by_check["线索超时未响应"][7] == "5 天 20 小时"


def test_the_export_speaks_the_language_asked_for(seeded):
    out = io.BytesIO()
    with speaking("en"):
        write_findings_xlsx(seeded, FindingQuery(owner="U01"), parse_timestamp(AS_OF), out)
    assert get_language() == "zh-CN"  # only the block spoke English
    rows = list(load_workbook(io.BytesIO(out.getvalue())).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("Check", "Entity", "Owner") and any(r[1] == "Lead L001" for r in rows[1:])


def test_formula_text_stays_text(seeded):
    from salesnb.widgets.download import xlsx_bytes

    data = xlsx_bytes(["a"], [["=HYPERLINK(\"http://x\")"], [1.5]])
    sheet = load_workbook(io.BytesIO(data)).active
    cell = sheet["A2"]
    assert cell.value == '=HYPERLINK("http://x")' and cell.data_type == "s"
    assert sheet["A3"].value == 1.5


def test_scoped_to_the_person_and_opened_on_an_item(seeded):
    rep = Findings(seeded, as_of=AS_OF, actor="U02")
    assert rep.shown == 1 and "O002" in rep.table.value and "Q001" not in rep.table.value
    assert [v for _l, v in rep.region_box.options] == ["", "华南"]
    manager = Findings(seeded, as_of=AS_OF, actor="M01")
    assert manager.shown == 2
    manager.open_item("Q001")
    assert manager.item == "Q001" and manager.shown == 1 and "L001" not in manager.table.value
    manager.region = "华东"  # any filter change shows the list again
    assert manager.item == "" and manager.shown == 2


def test_pages_are_read_from_the_database(seeded, monkeypatch):
    """Counts first, then one page of rows: the list never holds more than a page; the export holds them all."""
    from salesnb.widgets import findings

    monkeypatch.setattr(findings, "PAGE_SIZE", 2)
    w = Findings(seeded, as_of=AS_OF)
    assert w.shown == 3 and w.table.value.count("<tr") == 3  # a header row and two findings
    assert w.prev_button.disabled and not w.next_button.disabled and "第 1–2 条" in w.page_label.value
    w.next_button.click()
    assert w.page == 1 and w.table.value.count("<tr") == 2 and w.next_button.disabled
    assert "第 3–3 条" in w.page_label.value
    rows = load_workbook(io.BytesIO(_export(seeded, w))).active.max_row
    assert rows == 4  # the header and every finding, not only the page shown
    w.owner = "U02"  # a filter starts again at the first page
    assert w.page == 0 and w.shown == 1

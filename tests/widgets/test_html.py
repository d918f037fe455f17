"""The HTML helpers escape every data value."""

from datetime import datetime
from decimal import Decimal

from salesnb.timeutil import local_tz
from salesnb.widgets import html

from .seed import XSS


def test_escape_neutralises_markup_and_quotes():
    assert html.escape(XSS) == "&lt;img src=x onerror=alert(1)&gt;"
    assert html.escape('a"b\'c') == "a&quot;b&#x27;c"
    assert html.escape(None) == ""


def test_display_formats_values_for_people():
    assert html.display(Decimal("1234.5")) == "1,234.50"
    assert html.display(datetime(2026, 3, 1, 1, 30, tzinfo=local_tz())) == "2026-03-01 01:30"
    assert html.display(float("nan")) == ""
    assert html.display(True) in ("是", "Yes")


def test_builders_escape_cells_labels_and_attributes():
    out = html.table([[XSS, html.badge("ok", "good")]], ["<th>", "b"], cell_html={1: True})
    assert "<img" not in out and "&lt;img" in out and "&lt;th&gt;" in out
    assert '<span class="snb-badge snb-good">ok</span>' in out
    assert "<img" not in html.items([XSS]) + html.fields([(XSS, XSS)]) + html.message(XSS, title=XSS)
    link = html.download_link(b"data", '"><img src=x>.xlsx', XSS, "text/plain")
    assert "<img" not in link and 'download="&quot;&gt;&lt;img src=x&gt;.xlsx"' in link


def test_empty_table_shows_the_empty_text():
    assert "snb-empty" in html.table([], ["a"], empty="nothing") and "nothing" in html.table([], ["a"], empty="nothing")

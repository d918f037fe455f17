"""The base widget: callback errors become a readable banner, never a traceback or silence."""

import ipywidgets as widgets

from salesnb.errors import SalesnbError
from salesnb.i18n import set_language
from salesnb.widgets.base import AppWidget, readable_error

from .seed import XSS


class Demo(AppWidget):
    title_key = "card.title"

    def __init__(self, engine, fail_with):
        super().__init__(engine)
        self.button = widgets.Button(description="go")
        self.calls = 0

        def go():
            self.calls += 1
            if fail_with is not None:
                raise fail_with
            self.show_notice("done")

        self.on_click(self.button, go)


def test_user_error_shows_its_message(sqlite_engine):
    w = Demo(sqlite_engine, SalesnbError(f"合同 {XSS} 已审批"))
    w.button.click()
    assert w.calls == 1
    assert w.error == f"合同 {XSS} 已审批"
    assert "操作没有完成" in w._banner.value and "&lt;img" in w._banner.value and "<img" not in w._banner.value


def test_unexpected_error_is_summarised_in_chinese_not_a_traceback(sqlite_engine, capsys):
    w = Demo(sqlite_engine, ZeroDivisionError("division by zero"))
    w.button.click()
    assert w.error == "系统出错（ZeroDivisionError：division by zero）。请稍后重试；如果一直出现，请把这段话发给管理员。"
    assert "Traceback" not in w._banner.value


def test_success_clears_the_previous_error(sqlite_engine):
    w = Demo(sqlite_engine, None)
    w.show_error("old")
    w.button.click()
    assert w.error == "" and w.notice == "done" and "snb-good" in w._banner.value


def test_english_summary():
    set_language("en")
    assert readable_error(KeyError("x")).startswith("System error (KeyError: 'x')")

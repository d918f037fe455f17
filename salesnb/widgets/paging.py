"""A pager under a list that the database counts and pages: "第 x–y 条，共 N 条" with previous / next.

The list's owner asks the library for the count first and then one page of
rows (``limit`` :data:`PAGE_SIZE`, ``offset`` :attr:`Pager.offset`); the pager
only keeps the page number and says where the page lies in the whole.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as widgets

from ..i18n import register, t
from . import html

register({
    "zh-CN": {
        "pager.range": "第 {first}–{last} 条，共 {total} 条",
        "pager.prev": "上一页", "pager.next": "下一页",
    },
    "en": {
        "pager.range": "{first}–{last} of {total}",
        "pager.prev": "Previous", "pager.next": "Next",
    },
})

PAGE_SIZE = 200  # rows a page: a list of 100,000s of rows stays a few hundred DOM nodes


class Pager(widgets.HBox):
    """Previous / next buttons and the range shown; ``on_turn()`` re-reads the page after a turn.

    ``app`` is the :class:`~salesnb.widgets.base.AppWidget` whose ``on_click`` keeps errors on the page.
    """

    def __init__(self, app: Any, on_turn: Callable[[], Any], *, page_size: int = PAGE_SIZE, cls: str = ""):
        self.page_size = page_size
        self.page = 0
        self.total = 0
        self.prev_button = widgets.Button(description=t("pager.prev"), layout=widgets.Layout(width="auto"))
        self.next_button = widgets.Button(description=t("pager.next"), layout=widgets.Layout(width="auto"))
        self.prev_button.add_class("snb-page-prev")
        self.next_button.add_class("snb-page-next")
        self.label = widgets.HTML("")
        self.label.add_class("snb-page-range")
        super().__init__([self.prev_button, self.label, self.next_button])
        self.add_class("snb-toolbar")
        self.add_class("snb-pager")
        if cls:
            self.add_class(cls)
        self._on_turn = on_turn
        app.on_click(self.prev_button, lambda: self.turn(-1))
        app.on_click(self.next_button, lambda: self.turn(1))

    @property
    def offset(self) -> int:
        return self.page * self.page_size

    def last_page(self) -> int:
        return max(0, (self.total - 1) // self.page_size)

    def set_total(self, total: int) -> None:
        """The count the list's filters leave; keeps the page inside it (call before reading the page)."""
        self.total = total
        self.page = min(self.page, self.last_page())

    def reset(self) -> None:
        """Back to the first page (after a filter changed)."""
        self.page = 0

    def turn(self, step: int) -> None:
        """Go ``step`` pages on (within the list) and re-read."""
        page = min(max(0, self.page + step), self.last_page())
        if page != self.page:
            self.page = page
            self._on_turn()

    def show(self, rows: int) -> None:
        """Say which rows of the total the page of ``rows`` rows holds; enable the buttons that lead somewhere."""
        first = self.offset
        self.label.value = html.tag("span", t("pager.range", first=first + 1 if rows else 0, last=first + rows,
                                                total=self.total), cls="snb-muted")
        self.prev_button.disabled = self.page == 0
        self.next_button.disabled = first + rows >= self.total

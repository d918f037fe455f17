"""The escalation configurator in the browser: switching the clock moves the example task's deadline."""

from .helpers import pick_option


def test_calendar_mode_changes_the_timeline(app_page):
    page = app_page.open("escalation")
    timeline = page.locator(".snb-timeline-view .snb-timeline")
    timeline.wait_for()
    pick_option(page, ".snb-node select", "线索首次响应")
    page.fill(".snb-example input", "2026-03-13 16:00")
    page.keyboard.press("Enter")
    page.wait_for_function("document.querySelector('.snb-timeline-view').innerText.includes('2026-03-13 20:00')")
    page.locator(".snb-calendar label", has_text="仅工作时间").click()
    page.wait_for_function("document.querySelector('.snb-timeline-view').innerText.includes('2026-03-16 11:00')")
    deadline = page.locator(".snb-event-deadline").inner_text()
    assert deadline.startswith("2026-03-16 11:00") and "截止" in deadline
    app_page.screenshot("escalation")

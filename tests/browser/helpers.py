"""Small Playwright helpers for ipywidgets controls."""

import time


def option_texts(page, select: str) -> list[str]:
    """The labels of a ``<select>``'s options (ipywidgets writes spaces as non-breaking spaces)."""
    return [text.replace("\xa0", " ") for text in page.locator(f"{select} option").all_inner_texts()]


def pick_option(page, select: str, starts_with: str, timeout: float = 15) -> None:
    """Choose the first option whose label starts with ``starts_with`` (waiting for it to appear:
    the kernel fills some drop-downs in answer to an earlier choice)."""
    deadline = time.monotonic() + timeout
    while True:
        texts = option_texts(page, select)
        index = next((i for i, text in enumerate(texts) if text.startswith(starts_with)), None)
        if index is not None:
            page.select_option(select, index=index)
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"no option starting with {starts_with!r} in {select}: {texts}")
        page.wait_for_timeout(100)

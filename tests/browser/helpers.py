"""Small Playwright helpers for ipywidgets controls."""


def option_texts(page, select: str) -> list[str]:
    """The labels of a ``<select>``'s options (ipywidgets writes spaces as non-breaking spaces)."""
    return [text.replace("\xa0", " ") for text in page.locator(f"{select} option").all_inner_texts()]


def pick_option(page, select: str, starts_with: str) -> None:
    """Choose the first option whose label starts with ``starts_with``."""
    texts = option_texts(page, select)
    index = next(i for i, text in enumerate(texts) if text.startswith(starts_with))
    page.select_option(select, index=index)

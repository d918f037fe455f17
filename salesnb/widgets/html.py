"""HTML fragments for ``widgets.HTML``: every piece of data goes through :func:`escape`.

``widgets.HTML`` renders its value as raw HTML, so a customer called
``<img src=x onerror=alert(1)>`` would run script if inserted as is.  The
builders here escape every data value; only the fixed markup they produce
is trusted.  Widgets never build HTML from data with f-strings directly.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Iterable, Mapping, Sequence

from ..i18n import t
from ..labels import display


def escape(value: object) -> str:
    """Text of ``value`` made safe for HTML (quotes included); ``None`` becomes an empty string."""
    return html.escape(display(value), quote=True)


def tag(name: str, text: object = "", cls: str | None = None, **attrs: object) -> str:
    """``<name class=cls attrs…>escaped text</name>``."""
    return f"<{name}{_attrs(cls, attrs)}>{escape(text)}</{name}>"


def raw_tag(name: str, inner_html: str, cls: str | None = None, **attrs: object) -> str:
    """Like :func:`tag` but ``inner_html`` is markup already built by these helpers."""
    return f"<{name}{_attrs(cls, attrs)}>{inner_html}</{name}>"


def _attrs(cls: str | None, attrs: Mapping[str, object]) -> str:
    parts = [f' class="{escape(cls)}"'] if cls else []
    for key, value in attrs.items():
        if value is None:
            continue
        parts.append(f' {key.rstrip("_").replace("_", "-")}="{escape(value)}"')
    return "".join(parts)


def badge(text: object, tone: str = "neutral") -> str:
    """A small coloured label; ``tone`` is one of neutral, good, warn, bad, info."""
    return tag("span", text, cls=f"snb-badge snb-{tone}")


def table(rows: Iterable[Sequence[object]], headers: Sequence[str], *, empty: str = "",
          cls: str = "snb-table", cell_html: Mapping[int, bool] | None = None) -> str:
    """An HTML table; every cell is escaped unless its column index is marked in ``cell_html``.

    Columns marked in ``cell_html`` must hold markup produced by these helpers
    (e.g. :func:`badge`), never raw data.
    """
    cell_html = cell_html or {}
    body = []
    for row in rows:
        cells = "".join(
            f"<td>{cell if cell_html.get(i) else escape(cell)}</td>" for i, cell in enumerate(row)
        )
        body.append(f"<tr>{cells}</tr>")
    if not body:
        return tag("div", empty, cls="snb-empty") if empty else ""
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    return f'<table class="{escape(cls)}"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


def items(values: Iterable[object], *, empty: str = "") -> str:
    """A bullet list of escaped values."""
    lis = "".join(f"<li>{escape(v)}</li>" for v in values)
    if not lis:
        return tag("div", empty, cls="snb-empty") if empty else ""
    return f'<ul class="snb-list">{lis}</ul>'


def fields(pairs: Iterable[tuple[str, object]], *, inline: bool = False) -> str:
    """A definition list of label → value pairs (both escaped); ``inline`` lays them out in one wrapping row."""
    if inline:
        inner = "".join(f'<span class="snb-fact"><span class="snb-k">{escape(k)}</span>{escape(v)}</span>'
                        for k, v in pairs)
        return f'<div class="snb-facts">{inner}</div>'
    inner = "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in pairs)
    return f'<dl class="snb-fields">{inner}</dl>'


def message(text: object, tone: str = "info", title: object | None = None) -> str:
    """A banner box (info / good / warn / bad) with an optional bold title."""
    head = tag("strong", title) + " " if title else ""
    return raw_tag("div", head + escape(text), cls=f"snb-msg snb-{tone}")


def download_link(data: bytes, filename: str, label: str, mime: str) -> str:
    """An ``<a download>`` link carrying ``data`` as a data URI (the browser saves it as ``filename``)."""
    payload = base64.b64encode(data).decode("ascii")
    return tag("a", label, cls="snb-download", href=f"data:{mime};base64,{payload}", download=filename)

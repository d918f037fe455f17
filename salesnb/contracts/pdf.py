"""Chinese PDF documents with fpdf2 and a CJK font (the 交付保障书, the 《交付能力白皮书》).

The font embedded (as a subset) is ``[documents] pdf_font`` in salesnb.toml
or ``$SALESNB_PDF_FONT`` (a .ttf, .otf or .ttc file), else the first CJK
font found among the usual places: Debian's ``fonts-noto-cjk`` (which
``scripts/demo.sh`` and ``scripts/test.sh`` install), WenQuanYi, AR PL, and
the macOS / Windows system fonts.  In a font collection (.ttc) the face for
Simplified Chinese is chosen.  Without any CJK font the PDF cannot be made:
:class:`~salesnb.errors.ConfigError` says how to install one.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path

from ..config import Settings
from ..errors import ConfigError
from ..i18n import register

PDF_MIME = "application/pdf"
FIXED_DATE = datetime(2026, 1, 1, tzinfo=timezone.utc)
FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/System/Library/Fonts/PingFang.ttc",
    "/System/Library/Fonts/STHeiti Light.ttc",
    "C:/Windows/Fonts/simhei.ttf",
    "C:/Windows/Fonts/msyh.ttc",
)

register({
    "zh-CN": {"documents.no_font": "找不到中文字体，无法生成 PDF：请安装 fonts-noto-cjk（Debian/Ubuntu），"
                                   "或在 salesnb.toml 的 [documents] pdf_font 中指定 .ttf/.otf/.ttc 字体文件"},
    "en": {"documents.no_font": "no CJK font found, so no PDF can be made: install fonts-noto-cjk (Debian/Ubuntu) "
                                "or name a .ttf/.otf/.ttc font file as [documents] pdf_font in salesnb.toml"},
})


@dataclass(frozen=True)
class CjkFont:
    """A font file and, in a collection, the number of the Simplified Chinese face."""

    path: Path
    number: int = 0


def find_cjk_font(settings: Settings | None = None) -> CjkFont:
    """The CJK font PDFs embed (see the module doc); raise ConfigError when there is none."""
    configured = os.environ.get("SALESNB_PDF_FONT") or (
        settings.section("documents").get("pdf_font") if settings is not None else None)
    candidates = [configured] if configured else list(FONT_CANDIDATES)
    for candidate in candidates:
        path = Path(str(candidate)).expanduser()
        if path.is_file():
            return CjkFont(path, _simplified_face(str(path)))
    raise ConfigError("documents.no_font")


@lru_cache(maxsize=8)
def _simplified_face(path: str) -> int:
    """In a .ttc, the face whose name says Simplified Chinese (SC / GB); else the first."""
    if not path.lower().endswith((".ttc", ".otc")):
        return 0
    from fontTools.ttLib import TTCollection

    collection = TTCollection(path, lazy=True)
    names = [str(font["name"].getDebugName(1) or "") for font in collection.fonts]
    for i, name in enumerate(names):
        if ("SC" in name.split() or "GB" in name) and "Mono" not in name:
            return i
    return 0


@dataclass(frozen=True)
class Table:
    """Label/value rows drawn as a two-column table."""

    rows: Sequence[tuple[str, str]]


@dataclass(frozen=True)
class Heading:
    text: str


Block = str | Table | Heading


def render_pdf(title: str, blocks: Sequence[Block], font: CjkFont, *, author: str = "salesnb",
               fixed_date: bool = False) -> bytes:
    """An A4 PDF: the centred title, then paragraphs (str), headings and label/value tables.

    ``fixed_date`` stamps a constant creation date, so the same input gives the same bytes.
    """
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    if fixed_date:
        pdf.set_creation_date(FIXED_DATE)
    pdf.set_author(author)
    pdf.set_title(title)
    pdf.set_creator("salesnb")
    pdf.set_margins(20, 20, 20)
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.add_font("cjk", "", str(font.path), collection_font_number=font.number)
    pdf.add_page()
    pdf.set_font("cjk", size=20)
    pdf.cell(0, 14, title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    for block in blocks:
        if isinstance(block, Heading):
            pdf.ln(2)
            pdf.set_font("cjk", size=14)
            pdf.multi_cell(0, 9, block.text, align="L", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
        elif isinstance(block, Table):
            pdf.set_font("cjk", size=11)
            with pdf.table(col_widths=(35, 65), text_align=("LEFT", "LEFT"), first_row_as_headings=False,
                           line_height=7) as table:
                for label, value in block.rows:
                    table.row([label, value])
            pdf.ln(3)
        else:
            pdf.set_font("cjk", size=11)
            pdf.multi_cell(0, 7, block, align="L", wrapmode="CHAR", new_x="LMARGIN", new_y="NEXT")  # CJK: any char
            pdf.ln(2)
    return bytes(pdf.output())

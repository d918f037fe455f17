"""The 《交付能力白皮书》: the document a rep gets after tripping the delivery breaker three times in a row.

The team chooses it in salesnb.toml::

    [training]
    whitepaper = "/srv/docs/交付能力白皮书.pdf"   # any file; a .md file is rendered to PDF
    whitepaper_url = "https://intranet.example/交付能力白皮书"   # optional: where people can open it

Without ``whitepaper`` the default that ships with salesnb
(``salesnb/resources/delivery_capability_whitepaper.md``, rendered to PDF)
is used.  The file is kept in the ``attachments`` table (entity
``document`` / ``delivery_capability_whitepaper``), stored again only when
its content changes, so a message can attach it by id.
"""

from __future__ import annotations

import hashlib
import mimetypes
import re
from datetime import datetime
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..config import Settings
from ..errors import ConfigError
from ..i18n import register
from ..models import Attachment
from .pdf import PDF_MIME, Block, CjkFont, Heading, find_cjk_font, render_pdf

TITLE = "交付能力白皮书"
ENTITY_TYPE = "document"
ENTITY_ID = "delivery_capability_whitepaper"
KIND = "whitepaper"
DEFAULT_SOURCE = "delivery_capability_whitepaper.md"
LIST_ITEM = re.compile(r"^(\d+[.、)]|[-*])\s")

register({
    "zh-CN": {"whitepaper.missing": "[training] whitepaper 指定的文件不存在：{path}"},
    "en": {"whitepaper.missing": "[training] whitepaper names a file that does not exist: {path}"},
})


def whitepaper_url(settings: Settings | None) -> str | None:
    """``[training] whitepaper_url``: where the team keeps the document online (None: not set)."""
    value = settings.section("training").get("whitepaper_url") if settings is not None else None
    return str(value) if value else None


def whitepaper_file(settings: Settings | None) -> tuple[str, str, bytes]:
    """(file name, MIME type, content) of the team's white paper, or of the default (rendered to PDF)."""
    configured = settings.section("training").get("whitepaper") if settings is not None else None
    if configured:
        path = Path(str(configured)).expanduser()
        if not path.is_absolute() and settings is not None and settings.source is not None:
            path = Path(settings.source).parent / path
        if not path.is_file():
            raise ConfigError("whitepaper.missing", path=str(path))
        if path.suffix.lower() == ".md":
            return f"{path.stem}.pdf", PDF_MIME, markdown_pdf(path.read_text(encoding="utf-8"), settings)
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return path.name, mime, path.read_bytes()
    text = files("salesnb").joinpath("resources", DEFAULT_SOURCE).read_text(encoding="utf-8")
    return f"{TITLE}.pdf", PDF_MIME, markdown_pdf(text, settings)


def markdown_pdf(text: str, settings: Settings | None = None) -> bytes:
    """A PDF of simple Markdown: the first ``#`` line is the title, ``##`` lines are headings.

    The same text and font give the same bytes (rendered once per process).
    """
    font = find_cjk_font(settings)
    return _markdown_pdf(text, str(font.path), font.number)


@lru_cache(maxsize=4)
def _markdown_pdf(text: str, font_path: str, font_number: int) -> bytes:
    title, blocks = TITLE, []
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            blocks.append(" ".join(paragraph))
            paragraph.clear()

    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("# ") and not blocks and not paragraph:
            title = stripped[2:].strip()
        elif stripped.startswith("#"):
            flush()
            blocks.append(Heading(stripped.lstrip("#").strip()))
        elif not stripped:
            flush()
        else:
            if LIST_ITEM.match(stripped):  # each list item is a paragraph of its own
                flush()
            paragraph.append(stripped)
    flush()
    typed: list[Block] = blocks
    return render_pdf(title, typed, CjkFont(Path(font_path), font_number), fixed_date=True)


def whitepaper_attachment(session: Session, settings: Settings | None, at: datetime, actor: str = "system"
                          ) -> Attachment:
    """The white paper as a stored attachment (written when new or changed)."""
    name, mime, content = whitepaper_file(settings)
    digest = hashlib.sha256(content).hexdigest()
    latest = session.scalar(select(Attachment).where(
        Attachment.entity_type == ENTITY_TYPE, Attachment.entity_id == ENTITY_ID, Attachment.kind == KIND)
        .order_by(Attachment.id.desc()).limit(1))
    if latest is not None and latest.sha256 == digest and latest.filename == name:
        return latest
    attachment = Attachment(entity_type=ENTITY_TYPE, entity_id=ENTITY_ID, kind=KIND, filename=name, mime=mime,
                            content=content, sha256=digest, created_at=at, created_by=actor)
    session.add(attachment)
    session.flush()
    return attachment

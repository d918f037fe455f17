"""The breaker's paperwork: the 交付保障书 as a PDF with real Chinese glyphs, and the third trip's message
with the 《交付能力白皮书》 as it arrives at a local WeCom server."""

from __future__ import annotations

from datetime import timedelta

import pypdfium2 as pdfium
from sqlalchemy import select

from salesnb.contracts import edit, submit
from salesnb.contracts.guarantee import KIND_PDF, get_attachment
from salesnb.db import session_scope
from salesnb.models import Contract, Task, User
from salesnb.notify import flush
from tests.contracts.helpers import SUBMIT_AT, seed

from .helpers import wecom_settings


def _glyphs(page, bitmap, scale, indexes):
    """The rendered image of each character (by index on the page), cropped to its box."""
    text = page.get_textpage()
    height = page.get_height()
    crops = []
    for i in indexes:
        left, bottom, right, top = text.get_charbox(i)
        box = (int(left * scale), int((height - top) * scale), int(right * scale) + 1, int((height - bottom) * scale) + 1)
        crops.append(bitmap.crop(box).convert("L"))
    return text, crops


def _ink(image) -> int:
    """Dark pixels of a greyscale image."""
    return sum(image.histogram()[:128])


def test_the_guarantee_pdf_shows_chinese_glyphs(engine, tmp_path):
    seed(engine)
    with session_scope(engine) as s:
        result = submit(s, "K1", actor="U1", at=SUBMIT_AT)
        assert result.feasible
        document = get_attachment(s, "K1", kind=KIND_PDF)
        assert document.mime == "application/pdf" and document.filename.endswith(".pdf")
        content = bytes(document.content)
    pdf = pdfium.PdfDocument(content)
    try:
        page = pdf[0]
        scale = 3
        bitmap = page.render(scale=scale).to_pil()
        png = tmp_path / "guarantee_page1.png"
        bitmap.save(png)  # the first page as a picture (kept in the test's folder)
        assert png.stat().st_size > 10_000
        text = page.get_textpage().get_text_range()
        assert text.startswith("交付保障书") and "上海某某贸易有限公司" in text and "预计交付日期" in text
        # every character of the title is drawn by a real glyph: inked, and no two alike (a missing glyph,
        # "tofu", draws the same empty box for every character)
        _, title = _glyphs(page, bitmap, scale, range(5))
        assert all(_ink(glyph) > 30 for glyph in title)
        signatures = {glyph.resize((24, 24)).tobytes() for glyph in title}
        assert len(signatures) == 5
    finally:
        pdf.close()


def test_third_trip_sends_the_rep_the_white_paper(engine, db_url, tmp_path, wecom_server, fake_clock, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no salesnb.toml here: the white paper that ships with salesnb
    seed(engine, contracts={"K1": {}, "K2": {}})
    with session_scope(engine) as s:
        s.get(User, "U1").wecom_userid = "zhangsan"
        s.get(User, "M1").wecom_userid = "wangjl"
    for n in range(3):  # three infeasible submissions in a row (2 days promised, 8 needed)
        with session_scope(engine) as s:
            last = edit(s, f"K{n % 2 + 1}", actor="U1", at=SUBMIT_AT + timedelta(minutes=n), promised_delivery_days=2)
    assert last.streak == 3 and last.training_task_id
    settings = wecom_settings(tmp_path, wecom_server, db_url)
    report = flush(engine, settings, clock=fake_clock.now, sleep=fake_clock.sleep)
    assert report.failed == 0
    texts = [m for m in wecom_server.messages if m["msgtype"] == "markdown" and "请学习《交付能力白皮书》" in m["text"]]
    [to_rep] = texts
    print(to_rep["text"])  # what the rep reads in WeCom
    assert "<@zhangsan>" in to_rep["text"] and "连续 3 次" in to_rep["text"]
    assert last.training_task_id in to_rep["text"] and "my_work.ipynb" in to_rep["text"]
    files = [m for m in wecom_server.messages if m["msgtype"] == "file"]
    assert [f["filename"] for f in files] == ["交付能力白皮书.pdf"]
    assert wecom_server.messages.index(files[0]) == wecom_server.messages.index(to_rep) + 1  # right after the text
    paper = pdfium.PdfDocument(files[0]["content"])
    try:
        assert "交付能力白皮书" in paper[0].get_textpage().get_text_range()
    finally:
        paper.close()
    with session_scope(engine) as s:
        todo = s.get(Task, last.training_task_id)
        frozen = s.get(Contract, "K1")
    assert todo.owner_id == "U1" and todo.done_at is None and frozen.status == "frozen"
    # the manager hears of it too
    assert any("<@wangjl>" in m["text"] and "已安排培训" in m["text"] for m in wecom_server.messages)


def test_a_contract_frozen_by_import_says_so(engine):
    from salesnb.contracts import describe
    from salesnb.contracts.approval_queue import approval_queue

    seed(engine, contracts={"K1": {"status": "frozen", "promised_delivery_days": 2},
                            "K2": {"status": "frozen", "extra": {"冻结原因": "客户信用额度不足"}}})
    with session_scope(engine) as s:
        k1, k2 = describe(s, "K1"), describe(s, "K2")
    assert k1["frozen_why"].startswith("导入时已是冻结状态（来源系统未提供原因）")
    assert "按当前排产与物流核算" in k1["frozen_why"] and "调整交期或走加急通道" == k1["frozen_suggestion"]
    assert k2["frozen_why"].startswith("导入时已是冻结状态（来源系统给出的原因：客户信用额度不足）；按当前排产与物流核算")
    queue = {item.contract_id: item for item in approval_queue(engine)}
    assert queue["K1"].frozen_why.startswith("导入时已是冻结状态") and queue["K2"].frozen_suggestion
    with session_scope(engine) as s:
        assert s.scalar(select(Contract.frozen_reason).where(Contract.contract_id == "K1")) is None

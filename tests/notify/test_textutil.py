import json

import pytest

from salesnb.notify.textutil import ELLIPSIS, fit_json, truncate_utf8, utf8_len


def test_text_that_fits_is_unchanged():
    assert truncate_utf8("回款提醒", 12) == "回款提醒"


@pytest.mark.parametrize("limit", [2048, 4096, 20000])
@pytest.mark.parametrize("shift", [0, 1, 2])
def test_chinese_text_cut_at_the_boundary_stays_valid_utf8(limit, shift):
    # "a" * shift moves the 3-byte characters across the limit at every offset.
    text = "a" * shift + "合同审批超时" * (limit // 3)
    cut = truncate_utf8(text, limit)
    raw = cut.encode("utf-8")
    assert len(raw) <= limit
    assert len(raw) > limit - 3 - utf8_len(ELLIPSIS)  # nothing more than a character lost beyond the marker
    raw.decode("utf-8")  # a broken character would raise
    assert cut.endswith(ELLIPSIS)
    assert text.startswith(cut[:-1])


def test_exact_fit_keeps_every_character():
    text = "审" * 682  # 2046 bytes
    assert truncate_utf8(text, 2046) == text
    # one byte short: room for 680 characters and the 3-byte marker
    assert truncate_utf8(text, 2045) == "审" * 680 + ELLIPSIS


def test_limit_smaller_than_the_marker_drops_the_marker():
    assert truncate_utf8("合同", 2) == ""
    assert truncate_utf8("ab合同", 3) == ELLIPSIS
    assert truncate_utf8("ab合同", 6) == "ab" + ELLIPSIS


def test_fit_json_accounts_for_escapes():
    text = ('换行\n"引号"' * 5000)
    body = fit_json(lambda t: {"msg_type": "text", "content": {"text": t}}, text, 20 * 1024)
    assert len(body) <= 20 * 1024
    decoded = json.loads(body.decode("utf-8"))["content"]["text"]
    assert decoded.endswith(ELLIPSIS)
    assert text.startswith(decoded[:-1])
    assert len(body) > 20 * 1024 - 64  # it used the room it had

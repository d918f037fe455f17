"""Charset detection: strict UTF-8, then GB18030, then charset-normalizer; BOMs decide first."""

import pytest

from salesnb.io.encoding import detect_bytes_encoding, detect_encoding


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("gb18030", "gb18030"), ("gbk", "gb18030"), ("utf-16", "utf-16")],
)
def test_short_chinese_text_is_detected(tmp_path, encoding, expected):
    path = tmp_path / "t.csv"
    path.write_bytes("客户编号,客户名称\nC1,张三\n".encode(encoding))
    assert detect_encoding(path) == expected
    assert path.read_bytes().decode(detect_encoding(path)).lstrip("\ufeff").startswith("客户编号")


def test_gb18030_is_not_mistaken_for_utf8_late_in_a_long_file(tmp_path):
    # ASCII for the first megabytes, one GBK word at the end: a sample-only check would say UTF-8
    path = tmp_path / "long.csv"
    path.write_bytes(b"txn_id,memo\n" + b"T1,ok\n" * 400_000 + "T2,货款\n".encode("gb18030"))
    assert detect_encoding(path) == "gb18030"


def test_other_encodings_fall_back_to_charset_normalizer():
    text = "Добрый день, это проверка кодировки для длинного русского текста. " * 5
    data = text.encode("cp1251")
    guess = detect_bytes_encoding(data)
    assert data.decode(guess) == text

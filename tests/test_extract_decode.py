"""Reading a plan's bytes: UTF-8 with or without BOM, GB18030/GBK; anything else is refused plainly."""

from __future__ import annotations

import pytest

from civtrack.errors import InputError
from civtrack.extract.decode import decode

TEXT = "某区民政局2021年工作要点\n一、养老服务\n全年新建老年日间照料中心30个，新增养老服务床位800张。\n"


def test_utf8() -> None:
    assert decode(TEXT.encode("utf-8"), "p.txt") == TEXT


def test_utf8_with_bom() -> None:
    assert decode(b"\xef\xbb\xbf" + TEXT.encode("utf-8"), "p.txt") == TEXT


@pytest.mark.parametrize("encoding", ["gb18030", "gbk", "gb2312"])
def test_gb_encodings(encoding: str) -> None:
    assert decode(TEXT.encode(encoding), "p.txt") == TEXT


def test_traditional_text_in_gbk() -> None:
    traditional = "某區民政局2021年工作要點\n全年新建老年日間照料中心30個，新增養老服務床位800張。"
    assert decode(traditional.encode("gbk"), "p.txt") == traditional


def _refused(data: bytes) -> str:
    with pytest.raises(InputError) as caught:
        decode(data, "plan.txt")
    (problem,) = caught.value.problems
    assert problem.path == "plan.txt" and problem.severity == "error"
    return str(problem)


def test_big5_is_refused_with_a_hint() -> None:
    message = _refused("某區民政局2021年工作要點。全年新建老年日間照料中心30個，新增養老服務床位800張。".encode("big5"))
    assert message.startswith("plan.txt:1: error E703: cannot read the text: it is neither UTF-8 nor GB18030/GBK")
    assert "iconv -f BIG5 -t UTF-8" in message


def test_shift_jis_is_refused() -> None:
    assert "neither UTF-8 nor GB18030/GBK" in _refused("これは日本語のテキストです。".encode("shift_jis"))


def test_latin1_is_refused() -> None:
    assert "neither UTF-8 nor GB18030/GBK" in _refused("Plan für 2021: café".encode("latin-1"))


def test_utf16_is_refused() -> None:
    assert "UTF-16" in _refused(TEXT.encode("utf-16"))


def test_binary_is_refused() -> None:
    assert "NUL" in _refused(b"abc\n\x00\x01\x02")
    assert "PDF or Word" in _refused(b"%PDF-1.7\n...")


def test_the_line_of_the_first_bad_byte_is_named() -> None:
    data = "第一行\n第二行\n".encode() + "Größe".encode("latin-1")
    assert _refused(data).startswith("plan.txt:3:")

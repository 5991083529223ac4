"""Numbers as plans write them."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from civtrack.extract.numbers import chinese_number, normalise, quantities

DIGITS = "零一二三四五六七八九"


def _write(n: int) -> str:
    """A reference writer of Chinese numerals below 100000 (一万二千零五)."""
    if n == 0:
        return "零"
    out, zero = "", False
    for value, unit in ((10000, "万"), (1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit, n = divmod(n, value)
        if digit:
            if zero:
                out += "零"
            out += DIGITS[digit] + unit
            zero = False
        elif out:
            zero = True
    return out[1:] if out.startswith("一十") else out


@given(st.integers(min_value=1, max_value=99999))
def test_chinese_numbers(n: int) -> None:
    assert chinese_number(_write(n)) == n


def test_chinese_number_forms() -> None:
    assert [chinese_number(t) for t in ["十", "十二", "二十", "两", "两万", "一百零五", "三千"]] == [
        10,
        12,
        20,
        2,
        20000,
        105,
        3000,
    ]
    assert [chinese_number(t) for t in ["二〇二一", "百", "千", "万", "", "十四五"]] == [None] * 5 + [None]


def test_normalise_keeps_offsets() -> None:
    text = "完成３６００ｍ²建设，达到８０％以上（含）"
    assert normalise(text) == "完成3600m²建设,达到80%以上(含)"
    assert len(normalise(text)) == len(text)


def _q(text: str) -> list[tuple]:
    return [(q.value, q.high, q.unit, q.chinese) for q in quantities(normalise(text))]


def test_quantities() -> None:
    assert _q("全年召开1-2次专题会议") == [(1, 2, "次", False)]
    assert _q("抽查不少于24家、约谈不少于50家") == [(24, None, "家", False), (50, None, "家", False)]
    assert _q("完成3600m²主体建设") == [(3600, None, "m²", False)]
    assert _q("改造2000㎡") == [(2000, None, "m²", False)]
    assert _q("投入3-5万元") == [(3, 5, "万元", False)]
    assert _q("提高10%-15%") == [(10, 15, "%", False)]
    assert _q("救助1.5万人次") == [(1.5, None, "万人次", False)]
    assert _q("发放1,200张") == [(1200, None, "张", False)]
    assert _q("开展一次督导，二至三次巡查") == [(1, None, "次", True), (2, 3, "次", True)]
    assert _q("百分之八十") == [(80, None, "%", False)]
    assert _q("2020-2035殡葬规划、IE8浏览器、5G网络、十九届六中全会") == []


def test_magnitudes_and_approximations() -> None:
    assert _q("销售福利彩票3.5亿") == [(3.5, None, "亿", False)]
    assert [(q.value, q.unit, q.approximate) for q in quantities("惠及5万余户,开展100余场,30多个")] == [
        (5, "万户", True),
        (100, "场", True),
        (30, "个", True),
    ]
    assert _q("一万") == [(1, None, "万", True)]  # left to the rules: a Chinese numeral before 万 alone is no target


def test_a_number_of_thousands_of_digits_is_skipped_not_a_crash() -> None:
    """Issue 18, D13: Python will not convert a string of more than 4,300 digits to int."""
    from civtrack.extract.numbers import MAX_DIGITS, to_number

    assert to_number("9" * 5000) is None
    assert to_number("9" * 5000 + ".5") is None
    assert to_number("9" * MAX_DIGITS) == int("9" * MAX_DIGITS)
    found = quantities("新建养老床位" + "9" * 5000 + "张，新增站点12个")
    assert [(q.value, q.unit) for q in found] == [(12, "个")]

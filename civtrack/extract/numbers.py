"""Numbers as plans write them: Arabic or Chinese numerals, ranges, and the unit after them.

The text searched is a *normalised* sentence (`normalise`): full-width digits,
letters and signs become ASCII one character for one character, so offsets into it
are offsets into the sentence as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_FULL_WIDTH = {chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)}
_FULL_WIDTH.update({"\u3000": " ", "〜": "~", "﹪": "%", "–": "-", "−": "-"})
_NORMALISE = str.maketrans(_FULL_WIDTH)


def normalise(text: str) -> str:
    """Full-width ASCII → ASCII, one character for one (offsets are kept)."""
    return text.translate(_NORMALISE)


CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
CN_UNITS = {"十": 10, "百": 100, "千": 1000}
CN_BIG = {"万": 10_000, "亿": 100_000_000}
CN_NUMERAL = "[零〇一二两三四五六七八九十百千万亿]+"


def chinese_number(text: str) -> int | None:
    """一 → 1, 十二 → 12, 二十 → 20, 一百零五 → 105, 两万 → 20000; None if not a number."""
    if not text or any(c not in CN_DIGITS and c not in CN_UNITS and c not in CN_BIG for c in text):
        return None
    if len(text) > 1 and all(c in CN_DIGITS for c in text):
        return None  # 二〇二一: digit by digit, a year or a code, not a count
    if text[0] in CN_BIG or text in ("百", "千"):
        return None  # 万户, 千家万户, 百姓: words, not counts
    total = section = number = 0
    for char in text:
        if char in CN_DIGITS:
            if number:
                return None  # 十四五: two digits in a row, a name, not a number
            number = CN_DIGITS[char]
        elif char in CN_UNITS:
            section += (number or 1) * CN_UNITS[char]
            number = 0
        else:
            section += number
            total += section * CN_BIG[char]
            section = number = 0
    return total + section + number


MAX_DIGITS = 15  # more digits than any plan's target: an id, a code or garbage, not a number to track


def to_number(text: str) -> float | int | None:
    """1,200 → 1200; 3.5 → 3.5; 十二 → 12; None when it is not a number or longer than MAX_DIGITS digits
    (Python refuses to convert a string of more than 4,300 digits; no target has 16)."""
    text = text.replace(",", "")
    if len(text) > MAX_DIGITS + 1:
        return None
    if re.fullmatch(r"\d+", text):
        return int(text)
    if re.fullmatch(r"\d+\.\d+", text):
        return float(text)
    return chinese_number(text)


# Units of targets, longest first. Magnitudes (万, 亿) stand before them after Arabic numbers.
UNITS: tuple[str, ...] = (
    "个百分点",
    "百分点",
    "个工作日",
    "工作日",
    "平方公里",
    "平方米",
    "公顷",
    "公里",
    "千米",
    "人次",
    "户次",
    "件次",
    "场次",
    "个次",
    "家次",
    "批次",
    "学时",
    "课时",
    "小时",
    "分钟",
    "元",
    "个",
    "家",
    "张",
    "次",
    "天",
    "名",
    "人",
    "户",
    "场",
    "件",
    "项",
    "篇",
    "期",
    "遍",
    "批",
    "所",
    "座",
    "处",
    "条",
    "套",
    "台",
    "辆",
    "间",
    "栋",
    "幢",
    "亩",
    "吨",
    "床",
    "支",
    "份",
    "册",
    "本",
    "部",
    "类",
    "种",
    "轮",
    "例",
    "宗",
    "起",
    "块",
    "位",
    "对",
    "倍",
    "%",
    "‰",
    "m²",
    "㎡",
    "m2",
    "km",
    "米",
)
# Units that measure a level (a rate or a standard), not a count that adds up.
LEVEL_UNITS = frozenset({"%", "‰", "个百分点", "百分点", "倍"})
# Units whose numbers are time limits: they need a comparator or 内 to be a target.
TIME_UNITS = frozenset({"分钟", "小时", "个工作日", "工作日"})
_MAGNITUDE = "千万|百万|十万|万|亿|千"
_ARABIC = r"\d+(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_NUMBER = rf"(?:{_ARABIC}|{CN_NUMERAL})"
_UNIT = "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True))
_RANGE_SIGN = r"[-~—至到]|－|～"

QUANTITY = re.compile(
    rf"""
    (?<![\d.A-Za-z])
    (?P<num>{_NUMBER})
    (?:
        (?P<u1>%|‰|个|万)?\s*(?P<sep>{_RANGE_SIGN})\s*(?P<num2>{_NUMBER})
    )?
    (?P<approx>余|多)?
    (?:
        (?P<mag>{_MAGNITUDE})?(?P<approx3>余|多)?(?P<unit>{_UNIT})
        | (?P<bare>万|亿)(?P<approx2>余|多)?  # 销售福利彩票3.5亿: the magnitude is the unit
    )
    (?![A-Za-z])
    """,
    re.VERBOSE,
)
PERCENT_WORDS = re.compile(rf"百分之(?P<num>{_ARABIC}|{CN_NUMERAL})")


@dataclass(frozen=True)
class Quantity:
    start: int  # of the number
    end: int  # after the unit
    value: float | int
    high: float | int | None  # the upper end of a range
    unit: str
    chinese: bool  # written with Chinese numerals
    approximate: bool  # 100余场, 100多场
    text: str


def _unit_text(unit: str) -> str:
    return "m²" if unit in ("㎡", "m2") else unit


def quantities(norm: str) -> list[Quantity]:
    """Every number followed by a unit in a normalised sentence, left to right."""
    found: list[Quantity] = []
    for match in QUANTITY.finditer(norm):
        num, num2 = match.group("num"), match.group("num2")
        value = to_number(num)
        if value is None:
            continue
        high = to_number(num2) if num2 else None
        if num2 and (high is None or high <= value):
            # 2020-2035, 022-6530…: not a range of targets; keep the last number only if it stands alone
            continue
        u1 = match.group("u1")
        mag = match.group("mag") or ""
        unit = match.group("unit") or match.group("bare")
        if u1 == "万" and unit != "万":
            mag = mag or "万"
        elif u1 and u1 != unit and not unit.startswith(u1):
            continue
        chinese = not num[0].isdigit()
        if chinese and mag:
            continue
        found.append(
            Quantity(
                match.start("num"),
                match.end(),
                value,
                high,
                mag + _unit_text(unit),
                chinese,
                any(match.group(g) for g in ("approx", "approx2", "approx3")),
                match.group(0),
            )
        )
    for match in PERCENT_WORDS.finditer(norm):
        value = to_number(match.group("num"))
        if value is not None:
            found.append(Quantity(match.start(), match.end(), value, None, "%", False, False, match.group(0)))
    found.sort(key=lambda q: q.start)
    return found

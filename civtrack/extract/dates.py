"""Deadlines and recurrences in a normalised sentence.

Deadlines: 年底 / 年底前 / 年内 / 全年 / "2021年底前" → the end of that year;
"6月底前" / "6月份" → the last day of that month; "6月30日前" → that day;
上半年 → 30 June; 一季度 / 第三季度 → the quarter's end. A "weak" deadline (全年,
今年, 本年度) only says "this year"; it does not make a task a dated milestone.

Recurrences: 每季度 / 按季度 → quarterly; 每月 → monthly; 每年 → yearly;
每次 / 每期 → per-session; 每个县, 每人每月, 各乡镇…至少 → per-unit.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from civtrack.extract.numbers import chinese_number

_MONTH_NUM = r"1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九]"
_MONTH = re.compile(
    rf"(?:(?P<y>(?:19|20)\d\d)年)?(?P<m>{_MONTH_NUM})月"
    r"(?:(?P<d>[0-3]?\d)[日号]|(?P<xun>上旬|中旬|下旬))?"
    r"(?P<cue>底前|底之前|底以前|末前|底|末|份前|份|之前|以前|前|内|起|开始|初)?"
)
_YEAR = re.compile(
    r"(?P<lead>到|至|于|在)?(?P<y>(?:19|20)\d\d)年(?P<cue>年底前|年底|底前|底|末前|末|内|前|以前|之前|全年)?"
)
_HALF = re.compile(r"(?P<h>上半年|年中|下半年)(?:前|底|末)?")
_QUARTER = re.compile(r"(?<![每按逐])(?P<front>前)?(?:第)?(?P<q>[一二三四1-4])季度(?:末|底)?(?:前)?")
_YEAR_END = re.compile(r"(?P<w>年底前|年底|年末|年内|今年内|今年底|本年度内|年度内)")
_WEAK = re.compile(r"(?P<w>全年|今年|本年度|当年)")

_RECURRENCE = [
    ("per-unit", re.compile(r"每(?:人|户|名|位)(?:每)?(?:月|年|天|日)|[/／](?:人|户)")),
    ("quarterly", re.compile(r"每(?:个|一)?季度?(?![度])|按季度?|逐季|[/／]季度?")),
    ("monthly", re.compile(r"每(?:个|一)?月(?!底|末)|按月|逐月|[/／]月")),
    ("half-yearly", re.compile(r"每半年|每个半年")),
    ("weekly", re.compile(r"每(?:个)?(?:周|星期)|[/／]周")),
    ("yearly", re.compile(r"每(?:一)?年(?:度)?|年均|[/／]年")),
    ("per-session", re.compile(r"每(?:次|期|场|届|轮|批|班)")),
    (
        "per-unit",
        re.compile(
            r"每(?:个|一|名|位|所|家)?(?![年月季周次期场届轮批班半天日])[\u4e00-\u9fff]"
            r"|各(?![项类种级方])[\u4e00-\u9fff()（）、]{1,12}?(?:均|都|至少|要|应)"
        ),
    ),
]


@dataclass(frozen=True)
class Deadline:
    start: int
    end: int
    due: dt.date
    strong: bool  # a real deadline (年底前, 6月底前), not just "this year" (全年)
    note: str | None = None


@dataclass(frozen=True)
class Recurrence:
    start: int
    end: int
    kind: str  # monthly | quarterly | half-yearly | weekly | yearly | per-session | per-unit


def _month(text: str) -> int | None:
    value = int(text) if text.isdigit() else chinese_number(text)
    return value if value and 1 <= value <= 12 else None


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def deadlines(norm: str, year: int) -> list[Deadline]:
    """The deadlines a sentence states, left to right (overlaps resolved: the longest wins)."""
    found: list[Deadline] = []
    for m in _MONTH.finditer(norm):
        month = _month(m.group("m"))
        cue = m.group("cue") or ""
        if month is None or cue in ("起", "开始", "初"):
            continue
        y = int(m.group("y")) if m.group("y") else year
        day, xun = m.group("d"), m.group("xun")
        note = None
        if day:
            if not cue.endswith("前") and cue != "内":
                continue  # 3月16日: a date, not a deadline
            try:
                due = dt.date(y, month, int(day))
            except ValueError:
                continue
        elif xun:
            due = dt.date(y, month, {"上旬": 10, "中旬": 20}.get(xun, 0) or calendar.monthrange(y, month)[1])
        elif cue in ("前", "之前", "以前"):
            if month == 1:
                continue
            due = _month_end(y, month - 1)
            note = f"“{m.group(0)}” read as before {month}月 ({due}); check whether the end of {month}月 is meant"
        elif cue:
            due = _month_end(y, month)
        else:
            continue  # "6月" alone: a month named in passing
        found.append(Deadline(m.start(), m.end(), due, True, note))
    for m in _YEAR.finditer(norm):
        cue, lead = m.group("cue"), m.group("lead")
        y = int(m.group("y"))
        if norm[m.end() : m.end() + 1].isdigit() or re.match(rf"(?:{_MONTH_NUM})月", norm[m.end() :]):
            continue  # 2021年3月…: the month pattern decides
        if cue in ("前", "以前", "之前"):
            found.append(
                Deadline(
                    m.start(),
                    m.end(),
                    dt.date(y, 12, 31),
                    True,
                    f"“{m.group(0)}”: check whether the end of {y - 1} is meant",
                )
            )
        elif cue or (lead in ("到", "至") and y != year):
            found.append(Deadline(m.start(), m.end(), dt.date(y, 12, 31), cue not in ("全年",) or y != year))
    for m in _HALF.finditer(norm):
        month = 12 if m.group("h") == "下半年" else 6
        found.append(Deadline(m.start(), m.end(), _month_end(year, month), True))
    for m in _QUARTER.finditer(norm):
        q = int(m.group("q")) if m.group("q").isdigit() else chinese_number(m.group("q"))
        if q:
            found.append(Deadline(m.start(), m.end(), _month_end(year, 3 * q), True))
    for m in _YEAR_END.finditer(norm):
        found.append(Deadline(m.start(), m.end(), dt.date(year, 12, 31), True))
    for m in _WEAK.finditer(norm):
        found.append(Deadline(m.start(), m.end(), dt.date(year, 12, 31), False))
    found.sort(key=lambda d: (d.start, -(d.end - d.start)))
    kept: list[Deadline] = []
    for item in found:
        if kept and item.start < kept[-1].end:
            continue
        kept.append(item)
    return kept


def recurrences(norm: str) -> list[Recurrence]:
    """The recurrence markers of a sentence, left to right (the first kind listed wins an overlap)."""
    found: list[Recurrence] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in _RECURRENCE:
        for m in pattern.finditer(norm):
            if any(m.start() < end and start < m.end() for start, end in taken):
                continue
            taken.append((m.start(), m.end()))
            found.append(Recurrence(m.start(), m.end(), kind))
    found.sort(key=lambda r: r.start)
    return found

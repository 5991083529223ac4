"""Which numbers of a sentence are not commitments, and why (`exclusion`).

Quoted names and titles, document numbers and phone numbers are blanked first (`mask`); each
number left is then tested against the exclusions of docs/extract.md: years and dates, ordinals,
slogans and names, counts of a list, structures and durations, qualifiers, the present or the
past, problems found by an inspection, counts of people and levels stated without a goal, a rule's
parameter. Pure functions of the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from civtrack.extract.numbers import TIME_UNITS, Quantity
from civtrack.extract.words import (
    _DESCRIPTIVE,
    _HAVE,
    _PARTS_START,
    _PHASE,
    _STRUCTURE_NOUNS,
    ACTION_VERBS,
    CHANGE_WORDS,
    CN_UNITS,
    CN_VERBS,
    COMPARATOR_WORDS,
    EVENT_UNITS_CN,
    GOAL_WORDS,
    SEGMENT_DELIMS,
    _clause,
    _ends_with_verb,
    _strip_tail,
)

# --- masking ------------------------------------------------------------------------

_PHONE = re.compile(r"(?<!\d)(?:\d{3,4}-\d{7,8}|1[3-9]\d{9})(?!\d)")
_LONG_DIGITS = re.compile(r"(?<![\d.])\d{5,}(?![\d.,]|\s*(?:万|亿|千|元|人|户|张|个|家|%|m²|㎡|平方米))")
_DOTTED_DATE = re.compile(r"(?<!\d)\d{1,2}[•·]\d{1,2}(?!\d)")
_DOCUMENT_NUMBER = re.compile(r"[〔\[【(（]\s*(?:19|20)\d\d\s*[〕\]】)）]\s*\d+\s*号|\d+号")
_BRACKETED = {"《": "》", "〔": "〕", "【": "】", "[": "]"}
_QUOTE_OPEN = "“‘"
_QUOTE_CLOSE = "”’"
_MAX_QUOTED = 20


def mask(norm: str) -> str:
    """Blank (□) what holds no target: quoted names and slogans, titles, document numbers, phones, ids."""
    chars = list(norm)

    def blank(start: int, end: int) -> None:
        for i in range(start, end):
            chars[i] = "□"

    i, n = 0, len(norm)
    while i < n:
        c = norm[i]
        close = _BRACKETED.get(c)
        if close:
            j = norm.find(close, i + 1)
            if j > 0:
                blank(i + 1, j)
                i = j + 1
                continue
        if c in _QUOTE_OPEN or c in _QUOTE_CLOSE or c == '"':
            # “十四五”, and ”十四五” as some pages write it: the next closing mark closes. A long
            # quotation is skipped whole, unmasked, so that its closing mark opens nothing.
            j = next((k for k in range(i + 1, n) if norm[k] in _QUOTE_CLOSE + '"'), -1)
            if j > 0:
                if j - i - 1 <= _MAX_QUOTED:
                    blank(i + 1, j)
                i = j + 1
                continue
        i += 1
    text = "".join(chars)
    for pattern in (_PHONE, _LONG_DIGITS, _DOTTED_DATE, _DOCUMENT_NUMBER):
        for m in pattern.finditer(text):
            blank(m.start(), m.end())
        text = "".join(chars)
    return text


# --- exclusions ---------------------------------------------------------------------


@dataclass
class Context:
    norm: str  # the sentence, normalised
    masked: str  # with quoted names, titles, phones … blanked
    year: int


def exclusion(q: Quantity, ctx: Context) -> str | None:
    """Why the number is not a commitment, or None when it may be one."""
    norm = ctx.norm
    before, after = norm[: q.start], norm[q.end :]
    seg_start, _ = _clause(norm, q.start, SEGMENT_DELIMS)
    clause_start, clause_end = _clause(norm, q.start)
    seg_before = norm[seg_start : q.start]
    clause_before = norm[clause_start : q.start]
    has_comparator = bool(_strip_tail(seg_before, COMPARATOR_WORDS)[1])
    if q.value == 0 and q.high is None:
        return "zero"
    if before.endswith(("第", "首")):
        return "an ordinal (第一批, 第3次)"
    if before.endswith("每"):
        return "a rate's denominator (每万名…)"
    if re.search(r"(?:19|20)\d\d年度?$", before):
        return "names a set of that year (2021年20项…)"
    if before.endswith(("等", "共有")):
        return "counts a list just given (…等6项)"
    if before and before[-1] in '”’"》」' and _quoted_list(before):
        return "counts a quoted name (“…”七种)"
    if before.endswith("+") or after.startswith("+"):
        return "part of a slogan (1+8+X)"
    if after.startswith(_STRUCTURE_NOUNS) or (q.unit == "个" and after.startswith("月")):
        return "a structure or a duration (N个方面, N个月)"
    if q.unit == "期" and _PHASE.match(after):
        return "a phase (二期工程)"
    finding = _PROBLEM_BEFORE.search(clause_before)  # in the number's clause: 根据督查反馈，新建… is a target
    remedied = _REMEDY.search(clause_before)
    if finding and not remedied or _PROBLEM_AFTER.match(after) and not remedied:
        return "describes a problem found (督查发现…等问题)"
    if q.unit == "%" and _SHARE_TARGET.match(after) and "占" not in clause_before:
        if _DESCRIPTIVE.search(clause_before) or _DESCRIPTIVE.search(norm[q.end : clause_end]):
            return "describes the present or the past (现有, 已, 截至)"  # 60%的社区已建成…
        return None
    suffix = re.match(r"^(?:及以上|以上|以下|及以下|以内|左右)?", after).group(0)
    if after[len(suffix) :].startswith("的") and not re.match(r"^的(?:目标|任务|要求|标准)", after[len(suffix) :]):
        lead = _strip_tail(seg_before, COMPARATOR_WORDS)[0]
        if not _ends_with_verb(lead, ACTION_VERBS):
            return "a qualifier (3000人以上的社区)"
    items = clause_before.split("、")
    if (
        len(items) >= 2
        and q.high is None
        and q.value == len(items)
        and not has_comparator
        and not re.search(r"\d", clause_before)
    ):
        return "counts the list before it (A、B、C三项)"
    if q.unit in TIME_UNITS:
        limit = re.match(r"^(?:以内|之内|内|以下)", after) or re.search(
            r"(?:压缩|缩短|控制|减少)(?:到|至|在)?$", seg_before
        )
        baseline = seg_before.endswith(("由", "从")) and re.match(
            r"^(?:压缩|缩短|减少|降低|下降|提高|提升)?(?:到|至)", after
        )
        if not has_comparator and not limit and not baseline:
            return "a time in a name (15分钟服务圈)"
    if q.chinese:
        reason = _chinese_exclusion(q, seg_before, after, clause_before)
        if reason:
            return reason
    if _DESCRIPTIVE.search(clause_before) or _described_before(norm, clause_start):
        return "describes the present or the past (现有, 已, 截至)"
    own_year = re.search(rf"{ctx.year}年|今年|年内|本年", norm[clause_start : q.start])
    past = (None if own_year else _past_year(norm[: q.start], ctx.year, sentence_start=True)) or _past_year(
        norm[clause_start:clause_end], ctx.year
    )
    if past:
        return f"describes {past}, before the plan year"
    have = _HAVE.search(clause_before)
    if have and not _sets_a_goal(clause_before) or have and not _goal_around_have(clause_before, have.end()):
        return "states what there is (全区有困境儿童586名)"
    if _stated_count(q, clause_before, ctx.year):
        return "a count or level stated, with no verb or goal (全区高龄老人1.9万人, 标准为每人每月950元)"
    if "占" in clause_before and not has_comparator:
        return "a share of the present (占…的N%)"
    if before.endswith("的") and re.search(r"按照|依照|参照", clause_before):
        return "a rule's parameter (按照低保标准的30%增发)"
    return None


# A number in a finding (督查发现…少于3台等问题) describes a problem, not a goal; 整改, 解决 make it one.
_PROBLEM_BEFORE = re.compile(r"(?:发现|反馈|指出|暴露|反映|查摆|排查出|检查出)(?=[^。]*$)")
_REMEDY = re.compile(r"整改|解决|化解|处理|销号")
_PROBLEM_AFTER = re.compile(r"^[^,;。]{0,20}?(?:等|的)(?:问题|不足|短板|现象|隐患)")
# A share that is the target: "按照20%的比例确定…", "40%的乡镇建成…", "不低于10%的抽检率".
_SHARE_TARGET = re.compile(
    r"^(?:以上|及以上)?的(?:(?:抽检|抽查|覆盖)?(?:比例|比率|抽检率|抽查率)|[^,;。的]{1,12}?(?:建成|完成|实现|开展|建立|达到|设立))"
)


def _sets_a_goal(text: str) -> bool:
    return any(w in text for w in ACTION_VERBS + COMPARATOR_WORDS + GOAL_WORDS)


def _past_year(text: str, year: int, sentence_start: bool = False) -> int | None:
    """A year before the plan's named as a time, not as a baseline (较2020年) or a span (2020-2035).

    With ``sentence_start``, only a year that opens the sentence ("2020年，全区新建…") counts:
    it sets the time of everything the sentence says."""
    for m in re.finditer(r"((?:19|20)\d\d)年", text):
        if sentence_start and not re.fullmatch(r"(?:在|于|截至|截止|到)?", text[: m.start()]):
            return None
        found = int(m.group(1))
        around = text[max(0, m.start() - 1) : m.end() + 1]
        compared = text[m.start() - 1 : m.start()] in ("较", "比") if m.start() else False
        baseline = compared or re.match(r"^(?:底|末)?的?基础", text[m.end() :])
        if found < year and not re.search(r"[-~—至到]", around) and not baseline:
            return found
    return None


def _goal_around_have(clause_before: str, after_have: int) -> bool:
    """有 in a goal: a goal word or comparator before it (力争全区有…), or an action after it."""
    lead = clause_before[:after_have]
    return any(w in lead for w in GOAL_WORDS + COMPARATOR_WORDS) or any(
        w in clause_before[after_have:] for w in ACTION_VERBS
    )


_FACT = re.compile(
    r"人口(?:数|总数|总量)?(?:为|达|达到|有|约)?\d|(?<!至少)(?<!确保)(?<![要均都应须将没])有(?:城乡)?[^\d,;。]{0,12}\d"
)
_FUTURE = re.compile(r"今年|年内|年底|本年|全年|力争|确保|计划|争取|将|再|新增|新设|新建")


def _described_before(norm: str, clause_start: int) -> bool:
    """An earlier clause states the present or the past ("全区现有养老机构45家，床位3600张", "去年新建…，
    覆盖率达到85%", "户籍人口65万人，老龄化率达24%") and this one names no goal or time of its own."""
    earlier = norm[:clause_start]
    if not (_DESCRIPTIVE.search(earlier) or _FACT.search(earlier)):
        return False
    clause = norm[clause_start : _clause(norm, clause_start)[1]]
    if _FUTURE.search(clause) or any(w in clause for w in GOAL_WORDS):
        return False
    past = re.search(r"去年|累计|上一?年度|(?:19|20)\d\d年", earlier) and re.search(r"\d", _last_clause(earlier))
    if any(w in clause for w in ACTION_VERBS) and not past:
        return False
    return True


_PEOPLE = re.compile(r"(?:老人|老年人|人员|儿童|残疾人|对象|居民|孤儿|人口|妇女|群众)$")
_PEOPLE_UNITS = frozenset({"人", "万人", "名", "万名", "户", "万户"})


def _last_clause(text: str) -> str:
    """The clause just before (text ends at a clause delimiter)."""
    return re.split(r"[,;:。]", text.rstrip(",;:。"))[-1]


def _stated_count(q: Quantity, clause_before: str, year: int) -> bool:
    """全区养老服务从业人员2600人, 低保标准为每人每月950元: a number after a bare noun phrase (people),
    or after 为 (a level), in a clause with no verb, comparator, goal word or time of its own."""
    if q.chinese or _PARTS_START.match(clause_before) or f"{year}年" in clause_before:
        return False  # a breakdown, or a level set for the plan year ("2024年低保标准统一为…")
    if re.search(r"(?:调整|统一|确定|提高|增加|上调|设定)为", clause_before):
        return False
    bare = re.sub(r"(?:约|共|近|达)$", "", re.sub(r"每(?:人|户|名)每?(?:月|年)?$", "", clause_before))
    population = q.unit in ("万人", "万名") and _PEOPLE.search(re.sub(r"(?:达到|达|超过|有|为)$", "", bare))
    if population or q.unit in _PEOPLE_UNITS and _PEOPLE.search(bare) or q.unit.endswith("元") and bare.endswith("为"):
        # 老年人达到42万人: a population (tens of thousands of people) is stated even with 达到
        words = ACTION_VERBS + GOAL_WORDS + CHANGE_WORDS + (() if population else COMPARATOR_WORDS)
        if any(len(w) > 1 and w in clause_before for w in words):  # 上 (讲党课) is in 以上
            return False
        if _FUTURE.search(clause_before) or re.search(
            r"惠及|帮助|覆盖|吸纳|带动|救助|资助|培养|服务(?=[^,;。]*?(?:老人|群众|对象|儿童|居民|家庭))", bare
        ):
            return False
        return True
    return False


def _quoted_list(before: str) -> bool:
    """The quotation just before ends a list of names (“A、B、C”七种, “A”“B”两项), not one name."""
    start = max(before.rfind("“"), before.rfind('"', 0, len(before) - 1))
    inside = before[start + 1 : -1] if start >= 0 else ""
    return "、" in inside or "," in inside or before[:start].endswith(("”", '"')) or start < 0


def _chinese_exclusion(q: Quantity, seg_before: str, after: str, clause_before: str = "") -> str | None:
    if q.unit not in CN_UNITS:
        return "a Chinese numeral with an unusual unit"
    if q.value == 1 and q.unit not in EVENT_UNITS_CN and not re.search(r"每|各", clause_before or seg_before):
        return "an article, not a count (打造一支队伍, 一批, 一件事)"
    if after.startswith("大") or re.match(r"^.{0,3}[一二两三四五六七八九十]", after):
        return "a slogan (三大行动, 一村一品)"
    lead, comparator = _strip_tail(seg_before, COMPARATOR_WORDS)
    if comparator or _ends_with_verb(seg_before, CN_VERBS) or _ends_with_verb(lead, CN_VERBS):
        return None
    if re.search(r"每(?:个|一)?(?:年|年度|季度|月|半年|周)$", seg_before):
        return None  # 每季度一次
    return "a Chinese numeral that does not follow a verb (两项补贴, 十九届)"


# Exclusions that name something (第二轮, 一期, 三大行动) rather than state a quantity.
_NAMING = ("an ordinal", "a phase", "a slogan", "counts a quoted", "part of a slogan", "a Chinese numeral", "zero")

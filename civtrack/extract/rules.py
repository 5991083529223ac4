"""Which numbers of a sentence are commitments, and what each one commits to.

A commitment is a number with a unit ("新建老年日间照料中心30个", "不低于80%"), read
in its clause: the comparator (不少于 … → ">=", 不超过 / 以内 / 控制在 → "<="), a range
("1-2次": target 1, stretch 2), the deadline and recurrence, the thing counted, a
breakdown ("其中随县135家，广水市110家"), a relative change ("提高10%": a baseline is
needed). Everything else that looks like a number is left out, each for a reason
`exclusion` names: years and dates, ordinals (第一批), document numbers, names and
slogans ("三个着力", 1+8+X, 十四五), counts of a list just given ("A、B、C三项"),
phone numbers and ids, qualifiers ("60岁以上", "3000人以上的社区"), and quantities
that describe the present rather than a goal (现有, 已, 截至, a past year).

Pure functions of the text.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from civtrack.extract.dates import Deadline, Recurrence, deadlines, recurrences
from civtrack.extract.draft import ItemDraft, PartDraft
from civtrack.extract.numbers import LEVEL_UNITS, TIME_UNITS, Quantity, normalise, quantities
from civtrack.extract.tasks import milestones
from civtrack.text import fmt


def _words(text: str) -> tuple[str, ...]:
    """Whitespace-separated words, longest first (so that a longer word wins a prefix)."""
    return tuple(sorted(set(text.split()), key=lambda word: (-len(word), word)))


CLAUSE_DELIMS = ",;:。!?|"  # | separates the cells of a table copied as text
SEGMENT_DELIMS = CLAUSE_DELIMS + "、"

GE_WORDS = _words(
    """不少于 不低于 不小于 至少 最少 达到 超过 突破 提高到 提高至 提升到 提升至 增加到 增加至 增长到 增长至 增至
    上升到 上升至 保持在 稳定在 高于 多于 大于 达"""
)
LE_WORDS = _words(
    """不超过 不高于 不多于 不大于 控制在 低于 少于 小于 压缩到 压缩至 压减到 压减至 降低到 降低至 降到 降至
    下降到 下降至 减少到 减少至 缩短到 缩短至 缩减到 缩减至 减至 最多"""
)
COMPARATOR_WORDS = _words(" ".join(GE_WORDS + LE_WORDS))
GOAL_WORDS = _words("力争 争取 确保 努力 要 计划 预计 目标")
CHANGE_WORDS = _words("提高 提升 增长 增加 上升 上涨 上调 扩大 降低 下降 减少 下调 压减 缩减 缩短 压缩")
COMPARED_WORDS = _words("同比 环比 较上年 比上年 较去年 比去年 较上一年 比上一年")
_GE_SUFFIX = re.compile(r"^(?:及以上|以上|之上|或以上)")
_LE_SUFFIX = re.compile(r"^(?:及以下|以下|之下|以内|之内|或以下)")
_APPROX_SUFFIX = re.compile(r"^左右")
_APPROX_PREFIX = re.compile(r"(?:约|大约|近|将近|逾)$")

# Verbs that create or count what a target counts: "新建…30个", "开展一次…".
ACTION_VERBS = _words(
    """新建 新增 新发展 发展 建成 建设 建立 设立 设置 打造 培育 创建 争创 创成 认定命名 认定 命名 开展 组织
    举办 召开 举行 进行 完成 实现 增加 增设 扩建 改造 改建 新改建 实施 培训 轮训 培养 招募 招聘 招录 配备 引进
    评选 选树 表彰 慰问 走访 探访 帮扶 救助 资助 发放 安置 抽查 检查 督查 督导 巡查 巡察 评估 约谈 审计 编制
    出台 制定 修订 发布 印发 形成 撰写 推出 创办 孵化 登记 办理 销售 募集 筹集 投入 启动 探索 提供 讲 讲授 上
    办好 解决 化解 整治 清理 开设 建 建好 新培育 新登记 培树 挂牌 组建 成立 吸纳 安排 提升 试点 推广 打造建设
    标准化改造 创建命名 开工 竣工 投用 改造提升 提升改造"""
)
# With Chinese numerals ("开展一次…") only verbs that bring something new into being or count events.
CN_VERBS = _words(
    """开展 组织 举办 召开 举行 进行 完成 新建 建成 新增 打造 培育 创建 建设 建立 设立 培训 开设 评选 选树
    表彰 认定 命名 督导 督查 检查 抽查 巡查 评估 编制 出台 制定 修订 发布 印发 推出 讲 上 办好 组建 成立 实施
    确定 撰写 编印 配备 选派 评定"""
)
CN_UNITS = frozenset("次场期轮个家项件批名人户篇遍所座处条支张本份台套类种位")
EVENT_UNITS_CN = frozenset("次场期轮遍")
# Verbs looked for a few characters into a name ("规范化改造乡镇敬老院").
_INNER_VERBS = _words("改造 新建 建成 新增 打造 培育 创建 开展 组织 举办 完成 实施")
# Words before a name that say how or when, not what: stripped from names.
_LEADING_WORDS = _words(
    """全年 今年 年内 当年 本年度 全区 全市 全县 全省 全镇 全街道 全局 计划 力争 争取 确保 努力 重点 进一步 持续
    继续 积极 稳步 逐步 全面 大力 加快 着力 扎实 认真 深入 再 共 共计 累计 总计 要 将 拟 预计 还 并 同时 其中
    以及 和 及 带头 带动 推动 指导 支持 引导 帮助 督促 协调 配合 会同 联合 在 于 对 定期 常态化 每年 分别 均 都
    切实 全覆盖 高质量 高标准 有序 广泛 不断 年底前 年底 年末 上半年 下半年 目标 任务 为
    至少 不少于 不低于 最少 由 从"""
)
_TRAILING_WORDS = _words("达到 达 为 共 累计 总数 总量 的 等 均 都 各 分别 要 有 由 从 保持 稳定")
_CONNECTIVES = _words("和 及 与 或 、 以及")
_COMPARED_TAIL = re.compile(r"(?:较|比|同比|与)(?:19|20)\d\d年(?:底|末)?(?:相比)?$")
_NAME_TAIL_WORDS = _words(" ".join(COMPARATOR_WORDS + GOAL_WORDS + _TRAILING_WORDS + CHANGE_WORDS + COMPARED_WORDS))
_AFTER_CUT = re.compile(
    r"(?:(?:研究|用于|推进|推动|开展|实施|提升|加强|参与|进行|覆盖|确保|实现|提供|开设|享受|达到)(?![会班站点室所院区中])"
    r"|以上|以下|左右|以内|,|;|:|。|并|以|为|\(其中|（其中)"
)
_AFTER_REJECT = re.compile(r"^(?:[和及与或、]|以及|提高|提升|增加|增长|降低|下降|减少|压缩|缩短|到|至|达|分别)")
_DESCRIPTIVE = re.compile(
    r"已经|(?<![而不])已(?!成为)|截至|截止|目前|现有|共有|已有|仍有|尚有|还有|存在|去年|过去|近年来|以来|此前"
    r"|曾经|先后|(?<![为除])了(?!解|如)|(?<!力争)(?<!确保)(?<!计划)(?<!争取)累计|上一?年度|共计"
)
_HAVE = re.compile(r"(?<!至少)(?<!确保)(?<![要均都应须将没])有(?![序效关力机利助所望待些])")
_RELATIVE_VERB = re.compile(
    r"(?:提高|提升|增长|增加|上升|上涨|上调|扩大|降低|下降|减少|下调|压减|缩减|缩短)了?(?:约|近)?$"
)
_DECREASE = re.compile(r"(?:降低|下降|减少|下调|压减|缩减|缩短)了?(?:约|近)?$")
_COMPARED = re.compile(r"同比|环比|较上年|比上年|较去年|比去年|较上一年|比上一年|较(?:19|20)\d\d年|比(?:19|20)\d\d年")
_STRUCTURE_NOUNS = _words("方面 领域 环节 层面 维度 板块 方向 关键词 大类 部门 个月")
_PHASE = re.compile(r"^(?:工程|项目|建设|改造|扩建|工作)")
_LEVEL_NAME = re.compile(r"(?:率|比例|占比|比重|标准|水平|覆盖面|指数|满意度)$")
_POPULATION = re.compile(r"人口(?:数|总数|总量)?$")
_PARTS_START = re.compile(r"^(?:其中|分别是|分别为|包括)[:,]?")


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


# --- helpers ------------------------------------------------------------------------


def _clause(norm: str, pos: int, delims: str = CLAUSE_DELIMS) -> tuple[int, int]:
    """The bounds of the clause (or, with SEGMENT_DELIMS, the list item) around ``pos``."""
    start = max(norm.rfind(d, 0, pos) for d in delims) + 1
    ends = [k for k in (norm.find(d, pos) for d in delims) if k >= 0]
    return start, min(ends) if ends else len(norm)


def _strip_tail(text: str, words: tuple[str, ...]) -> tuple[str, str]:
    """Remove one of ``words`` (longest first) from the end of ``text``: (rest, the word or "")."""
    for word in words:
        if text.endswith(word):
            return text[: -len(word)], word
    return text, ""


def _ends_with_verb(text: str, verbs: tuple[str, ...]) -> bool:
    if any(text.endswith(v) for v in verbs):
        return True
    trimmed = re.sub(r"(?:好|了|出|上|到)$", "", text)
    return trimmed != text and any(trimmed.endswith(v) for v in verbs)


_LEADING_DATE = re.compile(r"^(?:(?:19|20)\d\d年度?|\d{1,2}月(?:\d{1,2}日)?)")


def _strip_leading(text: str) -> str:
    changed = True
    while changed and text:
        changed = False
        date = _LEADING_DATE.match(text)
        if date and len(text) > date.end():
            text, changed = text[date.end() :], True
        for word in _LEADING_WORDS:
            if text.startswith(word) and len(text) > len(word):
                text, changed = text[len(word) :], True
                break
        text = text.lstrip(",、:;(（)）□")
    return text


def _strip_verbs(text: str) -> str:
    """新建老年日间照料中心 → 老年日间照料中心; 改造提升敬老院 → 敬老院; 规范化改造乡镇敬老院 → 乡镇敬老院."""
    for _ in range(3):
        verb = next((v for v in ACTION_VERBS if text.startswith(v) and len(text) - len(v) >= 2), None)
        if verb is None:
            break
        text = text[len(verb) :]
    else:
        return text
    inner = _first_verb(text[:6], _INNER_VERBS, start=1)
    if inner is not None:
        k, verb = inner
        if text[k - 1] in "化地" and len(text) - k - len(verb) >= 2:
            return text[k + len(verb) :]
    return text


def _first_verb(text: str, verbs: tuple[str, ...], start: int = 0) -> tuple[int, str] | None:
    """The earliest verb of ``verbs`` in ``text`` (the longer one when two start together)."""
    found = [(k, -len(v), v) for v in verbs if (k := text.find(v, start)) >= 0]
    if not found:
        return None
    k, _, verb = min(found)
    return k, verb


def _tidy(name: str) -> str:
    name = name.strip(" ,、:;□“”\"'")
    name = re.sub(r"^[)）]", "", name)
    for open_, close in (("(", ")"), ("（", "）"), ("《", "》"), ("“", "”")):
        if name.count(open_) > name.count(close):
            name = name.replace(open_, "", 1)
        if name.count(close) > name.count(open_):
            name = name.replace(close, "", 1)
    return name.strip()


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
    finding = _PROBLEM_BEFORE.search(before)
    remedied = _REMEDY.search(before[finding.end() :] if finding else "") or _REMEDY.search(clause_before)
    if finding and not remedied or _PROBLEM_AFTER.match(after) and not remedied:
        return "describes a problem found (督查发现…等问题)"
    if q.unit == "%" and _SHARE_TARGET.match(after):
        return None if not _DESCRIPTIVE.search(clause_before) else "describes the present or the past (现有, 已, 截至)"
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
    if _stated_count(q, clause_before):
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
    if any(w in clause for w in ACTION_VERBS) and not re.search(r"去年|累计|上一?年度|(?:19|20)\d\d年", earlier):
        return False
    return True


_PEOPLE = re.compile(r"(?:老人|老年人|人员|儿童|残疾人|对象|居民|孤儿|人口|妇女|群众)$")
_PEOPLE_UNITS = frozenset({"人", "万人", "名", "万名", "户", "万户"})


def _stated_count(q: Quantity, clause_before: str) -> bool:
    """全区养老服务从业人员2600人, 低保标准为每人每月950元: a number after a bare noun phrase (people),
    or after 为 (a level), in a clause with no verb, comparator, goal word or time of its own."""
    if q.chinese or _PARTS_START.match(clause_before):
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


# --- reading a commitment -------------------------------------------------------------


def comparator_of(q: Quantity, norm: str) -> str:
    """ ">=" or "<=": a word after the number (以上, 以内) wins; else the nearest one before it."""
    after = norm[q.end :]
    if _GE_SUFFIX.match(after):
        return ">="
    if _LE_SUFFIX.match(after) or (q.unit in TIME_UNITS | {"天"} and after.startswith("内")):
        return "<="
    seg_start, _ = _clause(norm, q.start, SEGMENT_DELIMS)
    window = norm[seg_start : q.start]
    best: tuple[int, int, str] | None = None  # (end of the word, its length, sign)
    for words, sign in ((GE_WORDS, ">="), (LE_WORDS, "<=")):
        for word in words:
            k = window.rfind(word)
            if k >= 0 and (best is None or (k + len(word), len(word)) > best[:2]):
                best = (k + len(word), len(word), sign)
    return best[2] if best else ">="


def _name_after(norm: str, q: Quantity) -> str:
    _, clause_end = _clause(norm, q.start)
    after = norm[q.end : clause_end]
    after = re.sub(r"^(?:及以上|以上|以下|以内|之内|左右|内|余)", "", after)
    if not after or after[0] in "的等、,。;:()（）□/／" or _AFTER_REJECT.match(after):
        return ""
    cut = _AFTER_CUT.search(after, 1)
    if cut:
        after = after[: cut.start()]
    return _tidy(after[:24])


def _name_before(norm: str, q: Quantity, spans: list[tuple[int, int]], lower: int) -> str:
    """The subject or object before the number, without deadlines, comparators, verbs and adverbs."""
    seg_start = max(_clause(norm, q.start, SEGMENT_DELIMS)[0], lower)
    chars = list(norm[seg_start : q.start])
    for start, end in spans:  # deadlines and recurrences are not the thing counted
        for i in range(max(start, seg_start), min(end, q.start)):
            chars[i - seg_start] = ""
    before = _APPROX_PREFIX.sub("", "".join(chars))
    for _ in range(6):
        before, word = _strip_tail(before, _NAME_TAIL_WORDS)
        compared = _COMPARED_TAIL.search(before)
        if compared:
            before, word = before[: compared.start()], compared.group(0)
        if not word:
            break
    before = _strip_leading(before)
    # 新建老年日间照料中心 → 老年日间照料中心, but 救助资金 and 培训人员 stay whole
    stripped = _strip_leading(_strip_verbs(before))
    return _tidy(stripped if len(stripped) > 2 or len(before) > 8 else before)


def _context_name(norm: str, upto: int) -> str:
    """The object of the nearest earlier clause that has an action verb (for "每次不少于3天")."""
    clauses = re.split(r"[,;:。|]", norm[:upto])
    for clause in reversed(clauses[:-1]):
        clause = _strip_leading(re.split(r"\d", clause)[0])
        first = _first_verb(clause, ACTION_VERBS)
        if first is not None and len(clause) - first[0] - len(first[1]) >= 2:
            thing = _tidy(_strip_leading(clause[first[0] + len(first[1]) :])[:24])
            if not thing.endswith("化"):  # 形成长效化、规范化: a state, not a thing
                return thing
    return ""


def thing_counted(norm: str, q: Quantity, spans: list[tuple[int, int]], lower: int = 0) -> tuple[str, bool]:
    """(the name of what is counted, whether it was guessed from the clauses around)."""
    name = _name_after(norm, q)
    if len(name) >= 2:
        return name, False
    name = _name_before(norm, q, spans, lower)
    if len(name) >= 2 and name not in COMPARATOR_WORDS:
        return name, False
    if name in _CONNECTIVES or not name:
        guess = _context_name(norm, q.start)
        if guess:
            return guess, True
    return name or norm[max(0, q.start - 8) : q.end].strip(",、"), True


def due_of(q: Quantity, norm: str, found: list[Deadline], quantity_starts: list[int]) -> Deadline | None:
    """The deadline that governs a number: in its clause, else a clause of its own before it
    ("年底前，…"), else a clause right after it that only gives a deadline ("…，6月底前完成")."""
    clause_start, clause_end = _clause(norm, q.start)
    inside = [d for d in found if clause_start <= d.start < clause_end]
    if inside:
        preceding = [d for d in inside if d.start < q.start]
        return (preceding or inside)[-1]
    for d in reversed([d for d in found if d.end <= clause_start]):
        c_start, c_end = _clause(norm, d.start)
        rest = norm[c_start : d.start] + norm[d.end : c_end]
        if len(re.sub(r"^(?:到|至|在|于|力争|确保|争取)|(?:前|以前|之前)$", "", rest)) <= 2:
            return d
        break
    for d in found:
        if d.start >= clause_end:
            c_start, c_end = _clause(norm, d.start)
            if any(c_start <= s < c_end for s in quantity_starts):
                return None
            if c_start == clause_end + 1 and len(norm[c_start:c_end]) - (d.end - d.start) <= 6:
                return d
            return None
    return None


def recurrence_of(q: Quantity, norm: str, found: list[Recurrence]) -> str | None:
    """每年至少2次 → yearly; 1次/季度 → quarterly; 每个县至少1个 → per-unit."""
    clause_start, _ = _clause(norm, q.start)
    for r in found:
        if q.end <= r.start <= q.end + 1 and norm[r.start] in "/／":
            return r.kind
    inside = [r for r in found if clause_start <= r.start < q.start]
    return inside[-1].kind if inside else None


def _is_relative(q: Quantity, seg_before: str, clause_before: str) -> bool:
    """提高10%, 增长5个百分点, 每人每月提高50元, 较上年增长: a change, not a level."""
    if _COMPARED.search(clause_before):
        return True
    return bool(_RELATIVE_VERB.search(seg_before)) and (q.unit in LEVEL_UNITS or q.unit.endswith("元"))


@dataclass
class _Found:
    quantity: Quantity
    item: ItemDraft
    deadline: Deadline | None
    name_from_after: bool = False


def read_sentence(
    text: str,
    section: str | None,
    year: int,
    heading: bool = False,
    dropped: list[tuple[str, str]] | None = None,
) -> list[ItemDraft]:
    """Every commitment of one sentence: its numbers, then its dated tasks without a number.

    A heading's title ("二、新建养老服务设施30处") is read more strictly: a number there is a
    target only after an action verb or a comparator ("一、2021年20项民心工程" is a title).
    ``dropped`` receives (the number as written, why it is not a target) for each number left out."""
    out: list[tuple[str, str]] = dropped if dropped is not None else []
    norm = normalise(text)
    ctx = Context(norm, mask(norm), year)
    found_deadlines = deadlines(norm, year)
    found_recurrences = recurrences(norm)
    spans = [(d.start, d.end) for d in found_deadlines] + [(r.start, r.end) for r in found_recurrences]
    quote = text.rstrip("。；;，,").strip("| ")
    every = quantities(ctx.masked)
    every = sorted(every + _implied_ranges(ctx.masked, every), key=lambda q: q.start)
    reasons = [exclusion(q, ctx) for q in every]
    kept = [q for q, reason in zip(every, reasons, strict=True) if reason is None]
    # numbers that state a quantity (taken or not): a clause with one is not an undated task
    stated = [q for q, reason in zip(every, reasons, strict=True) if reason is None or not reason.startswith(_NAMING)]
    out.extend(
        (q.text, reason)
        for q, reason in zip(every, reasons, strict=True)
        if reason is not None and not (q.chinese and reason.startswith(("a Chinese numeral with", "an article")))
    )  # 统一部署, 一批: words, not numbers
    if heading:
        out.extend(
            (q.text, "in a heading's title, with no action verb or comparator") for q in kept if not _committed(norm, q)
        )
        kept = [q for q in kept if _committed(norm, q)]
    _unit_less(norm, ctx.masked, every, out)
    starts = [q.start for q in kept]
    found: list[_Found] = []
    in_parts: set[int] = set()
    for index, q in enumerate(kept):
        if q.start in in_parts:
            continue
        previous = kept[index - 1] if index else None
        seg_start, _ = _clause(norm, q.start, SEGMENT_DELIMS)
        clause_start, _ = _clause(norm, q.start)
        lower = previous.end if previous is not None and previous.end > seg_start else 0
        name, guessed = thing_counted(norm, q, spans, lower)
        if _POPULATION.search(name):
            out.append((q.text, "a population (老年人口达…): the situation, not a goal"))
            continue
        item = ItemDraft("number", name, quote, section, target=q.value, stretch=q.high, unit=q.unit)
        item.comparator = comparator_of(q, norm)
        entry = _Found(q, item, due_of(q, norm, found_deadlines, starts), name_from_after=bool(_name_after(norm, q)))
        if previous is not None and found and found[-1].quantity is previous:
            _relate_to_previous(norm, entry, found, guessed)
        elif guessed:
            item.notes.append("name guessed from the surrounding text: check it")
        _describe(entry, norm, found_recurrences, year)
        found.append(entry)
        parts, members = breakdown(norm, q, kept[index + 1 :])
        if parts:
            item.parts = parts
            in_parts.update(members)
            note_parts(item)
    _share_objects(found)
    _merge_stretch(norm, found)
    for entry in found:
        if len(entry.item.name) <= 2 and not any(n.startswith("name guessed") for n in entry.item.notes):
            entry.item.notes.append("a short name: check what is counted")
    if "分别" in norm and len(found) > 1:
        for entry in found:
            entry.item.notes.append("分别: check which name each number belongs to")
    for entry in found:
        entry.item.rule = _rule_of(entry, norm)
    used = {(f.deadline.start, f.deadline.end) for f in found if f.deadline}
    items = [f.item for f in found]
    if heading:
        return items
    open_deadlines = [d for d in found_deadlines if (d.start, d.end) not in used]
    past = _past_year(norm, year, sentence_start=True)
    items.extend(
        milestones(text, norm, ctx.masked, section, open_deadlines, [f.quantity for f in found], year, stated, past)
    )
    return items


_BARE_RANGE = re.compile(
    r"(?<![\d.A-Za-z])(\d{1,3})\s*(?:-|~|至|到)\s*(\d{1,3})(?=[\u4e00-\u9fff])(?![个月日号年岁周期季届天次])"
)
_RANGE_VERBS = _words(" ".join(ACTION_VERBS) + " 确定 选取 选择 遴选 推出 推广 形成 打造 培育")


def _implied_ranges(masked: str, found: list[Quantity]) -> list[Quantity]:
    """确定2-3改革创新案例: a range after an action verb with no unit; the noun implies 个."""
    out = []
    for m in _BARE_RANGE.finditer(masked):
        low, high = int(m.group(1)), int(m.group(2))
        if high <= low or any(q.start <= m.start() < q.end for q in found):
            continue
        seg_start, _ = _clause(masked, m.start(), SEGMENT_DELIMS)
        if not _ends_with_verb(_strip_leading(masked[seg_start : m.start()]) or "", _RANGE_VERBS):
            continue
        out.append(Quantity(m.start(), m.end(), low, high, "个", False, False, m.group(0)))
    return out


_DIGITS = re.compile(r"\d+(?:\.\d+)?")


def _unit_less(norm: str, masked: str, every: list[Quantity], out: list[tuple[str, str]]) -> None:
    """Digits that are no quantity at all: in a title or a code, a date, or without a unit."""
    for m in _DIGITS.finditer(norm):
        if any(q.start <= m.start() < q.end for q in every):
            continue
        if "□" in masked[m.start() : m.end()]:
            reason = "in a title, quotation, document number, phone number or id"
        elif re.match(r"^(?:年|月|日|号|[-./•·]\d)", norm[m.end() :]) or re.search(r"[-./•·]$", norm[: m.start()]):
            continue  # a year or a date: not listed, every plan is full of them
        else:
            reason = "no unit after it"
        out.append((m.group(0), reason))


def _rule_of(entry: _Found, norm: str) -> str:
    """The rule that made a number a target, as --explain shows it."""
    q, item = entry.quantity, entry.item
    seg_start, _ = _clause(norm, q.start, SEGMENT_DELIMS)
    if q.chinese:
        rule = "Chinese numeral after a verb"
    elif q.unit in LEVEL_UNITS:
        rule = "relative change" if item.relative else "rate or share as the target"
    elif _strip_tail(norm[seg_start : q.start], COMPARATOR_WORDS)[1] or comparator_of(q, norm) == "<=":
        rule = "number with a comparator"
    else:
        rule = "number with a unit in a goal clause"
    extras = [
        "range" if q.high is not None else "",
        "stretch (力争)" if item.stretch is not None and q.high is None else "",
        "baseline (由…提高到)" if item.baseline is not None else "",
        "breakdown into parts" if item.parts else "",
    ]
    return " + ".join([rule, *[e for e in extras if e]])


def _committed(norm: str, q: Quantity) -> bool:
    """The number's list item starts with an action verb or has a comparator: "新建养老服务设施30处"."""
    seg_start, _ = _clause(norm, q.start, SEGMENT_DELIMS)
    seg_before = norm[seg_start : q.start]
    lead = _strip_leading(seg_before)
    return any(w in seg_before for w in COMPARATOR_WORDS) or any(lead.startswith(v) for v in ACTION_VERBS)


def _relate_to_previous(norm: str, entry: _Found, found: list[_Found], guessed: bool) -> None:
    """由70元提高到80元: a baseline; "780元和650元": the same subject; else a guessed name."""
    q, item = entry.quantity, entry.item
    prior = found[-1]
    link = norm[prior.quantity.end : q.start]
    if prior.quantity.unit == q.unit and re.match(
        r"^(?:提高|提升|增加|增长|降低|下降|减少|压缩|压减|缩短|缩减)?(?:到|至)$", link
    ):
        lead = norm[max(0, prior.quantity.start - 8) : prior.quantity.start]
        if re.search(r"(?:由|从)", lead):
            item.baseline = prior.quantity.value
            item.name = prior.item.name
            item.recurrence = item.recurrence or prior.item.recurrence
            found.pop()
            return
    if link in _CONNECTIVES or (guessed and link.strip(",、") in _CONNECTIVES):
        item.name = prior.item.name
        return
    if guessed:
        if prior.item.name and prior.quantity.unit != q.unit:
            item.name = prior.item.name  # 新增养老床位500张，较2021年增长10%
        item.notes.append("name guessed from the surrounding text: check it")


def _describe(entry: _Found, norm: str, found_recurrences: list[Recurrence], year: int) -> None:
    """Range, approximation, deadline, recurrence, relative change and kind of quantity, with notes."""
    q, item, deadline = entry.quantity, entry.item, entry.deadline
    seg_start, _ = _clause(norm, q.start, SEGMENT_DELIMS)
    clause_start, _ = _clause(norm, q.start)
    seg_before = norm[seg_start : q.start]
    if q.high is not None:
        item.notes.append(f"a range: target {fmt(q.value)}, stretch {fmt(q.high)}")
    if seg_before.endswith("各") and not item.parts:
        item.notes.append("各: the same target for each of the things named: split it into indicators or parts")
    if q.approximate or _APPROX_SUFFIX.match(norm[q.end :]) or _APPROX_PREFIX.search(seg_before):
        item.notes.append("an approximate number (约, 余, 左右): check the target")
    item.due = deadline.due if deadline else dt.date(year, 12, 31)
    item.due_stated = bool(deadline and deadline.strong)
    if deadline and deadline.note:
        item.notes.append(deadline.note)
    if item.due.year < year:
        item.notes.append(f"the text names {item.due}, before the plan's year: check the due date")
        item.due, item.due_stated = dt.date(year, 12, 31), False
    elif item.due.year > year:
        item.notes.append(
            f"due {item.due} is outside the plan's year: keep it in a later plan, or set an interim target"
        )
    item.recurrence = item.recurrence or recurrence_of(q, norm, found_recurrences)
    if _is_relative(q, seg_before, norm[clause_start : q.start]):
        item.relative = True
        if _DECREASE.search(seg_before):
            item.comparator = "<="
        item.notes.append("a change relative to a baseline the text does not give: set baseline and target as levels")
    if (
        q.unit in LEVEL_UNITS
        or _LEVEL_NAME.search(item.name)
        or item.relative
        or q.unit.endswith("元")
        and item.recurrence == "per-unit"
    ):
        item.accumulate = "latest"


def _share_objects(found: list[_Found]) -> None:
    """新建3个、改造5个农村互助养老服务点: the object after the last number is the object of both."""
    for i, entry in enumerate(found[:-1]):
        nxt = found[i + 1]
        if entry.item.name in ACTION_VERBS and nxt.name_from_after and nxt.quantity.unit == entry.quantity.unit:
            entry.item.name = nxt.item.name
            entry.item.notes = [n for n in entry.item.notes if not n.startswith("name guessed")]


def note_parts(item: ItemDraft) -> None:
    total = sum(p.target for p in item.parts)
    if item.target is not None and abs(total - item.target) > 1e-9:
        item.notes.append(f"the parts add up to {fmt(total)}, not the {fmt(item.target)} stated: check the breakdown")


# --- breakdowns ------------------------------------------------------------------------


_PART_TAIL_WORDS = _words(" ".join(COMPARATOR_WORDS) + " 各 分别 完成 新建 建成 改造 新增 共 为 要")


def _part_name(text: str) -> str:
    text = _PARTS_START.sub("", text.strip(",、;:()（） "))
    text, _ = _strip_tail(text, _PART_TAIL_WORDS)
    return _tidy(_strip_leading(text))


def parts_in(norm: str, start: int, stop: int, members: list[Quantity]) -> list[PartDraft]:
    """Name and target of each part listed between start and stop: "随县135家，广水市110家"; "A、B各20家"."""
    parts: list[PartDraft] = []
    cursor = start
    for q in members:
        chunk = re.split(r"[,;]", norm[cursor : q.start])[-1]
        if parts and cursor > start and chunk.endswith("、") and "," not in norm[cursor : q.start]:
            # "A区3个街道、3个镇": a second unit of the same part (the noun after the first number)
            parts[-1] = PartDraft(parts[-1].name, parts[-1].target + q.value)
            cursor = q.end
            continue
        if "各" in chunk and not chunk.lstrip("其中:,").startswith("各"):
            names = [_part_name(n) for n in chunk.rsplit("各", 1)[0].split("、")]
        else:
            piece = chunk.split("、")[-1] if chunk.strip("、") else chunk
            names = [_part_name(piece) or _tidy(_PARTS_START.sub("", piece.strip(",、;:()（） ")))]
        for name in names:
            if not name or len(name) > 15:
                return []
            parts.append(PartDraft(name, q.value))
        cursor = q.end
    return parts


_BREAKDOWN_OPENING = re.compile(
    r"^[^,;:。(（]{0,30}[,;:]?\s*(?:(?P<open>[(（])\s*(?:其中|分别是|分别为|包括)?[:,]?|(?P<lead>其中|分别是|分别为|包括)[:,]?)"
)


def breakdown(norm: str, total: Quantity, later: list[Quantity]) -> tuple[list[PartDraft], set[int]]:
    """Parts of a total given right after it in the sentence: "…360家，其中随县135家，广水市110家" or "(随县135家、…)"."""
    opening = _BREAKDOWN_OPENING.match(norm[total.end :])
    if not opening or not (opening.group("open") or opening.group("lead")):
        return [], set()
    begin = total.end + opening.end()
    if opening.group("open"):
        stop = min([k for k in (norm.find(")", begin), norm.find("）", begin)) if k >= 0] or [len(norm)])
    else:
        stop = len(norm)
    members = [q for q in later if q.start < stop and q.unit == total.unit]
    if len(members) < 2 or any(q.high is not None for q in members):
        return [], set()
    parts = parts_in(norm, begin, stop, members)
    return (parts, {q.start for q in members}) if parts else ([], set())


def parts_sentence(text: str, unit: str, year: int) -> list[PartDraft]:
    """A sentence that only breaks down the previous one's total: "其中随县135家，广水市110家。"."""
    norm = normalise(text)
    lead = _PARTS_START.match(norm)
    if not lead:
        return []
    ctx = Context(norm, mask(norm), year)
    members = [q for q in quantities(ctx.masked) if exclusion(q, ctx) is None]
    if len(members) < 2 or any(q.unit != unit or q.high is not None for q in members):
        return []
    return parts_in(norm, lead.end(), len(norm), members)


def _merge_stretch(norm: str, found: list[_Found]) -> None:
    """ "确保30个，力争35个": the second number is the stretch of the first."""
    for i in range(len(found) - 1, 0, -1):
        q, item = found[i].quantity, found[i].item
        previous = found[i - 1].item
        clause_start, _ = _clause(norm, q.start)
        lead = norm[clause_start : q.start]
        if (
            re.match(r"^(?:力争|争取|努力)", lead)
            and q.unit == found[i - 1].quantity.unit
            and previous.stretch is None
            and q.value > found[i - 1].quantity.value
            and (item.name == previous.name or len(_name_before(norm, q, [], 0)) < 2 or not found[i].name_from_after)
        ):
            previous.stretch = q.value
            previous.notes.append(f"stretch goal {fmt(q.value)} (力争)")
            del found[i]

"""Words and clause helpers shared by the rules of `civtrack extract` (rules.py, exclusions.py, tasks.py).

Word lists (comparators, goal and change words, action verbs) and small pure functions on a
normalised sentence: the clause around a position, a word stripped from either end, a name tidied.
"""

from __future__ import annotations

import re


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
_POPULATION = re.compile(r"人口(?:数|总数|总量|占比|比重|比例)?$")
_PARTS_START = re.compile(r"^(?:其中|分别是|分别为|包括)[:,]?")


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

"""Tasks without a number, as milestones: "6月底前编制完成…规划", "出台…实施意见", "启动…建设".

Plans of the 工作计划 kind are mostly tasks: a deliverable (a document issued, a body set
up, an event held, a pilot started) due by a date, or by the plan year's end when the text
gives none. A clause is a milestone when, with no number target in it:

* it has a strong deadline (年底前, 6月底前, 上半年 …) and a task verb (`dated`); or
* its verb makes a deliverable (制定, 出台, 编制, 印发, 建立, 组建, 筹建, 启动, 举办, 完成 …)
  whose object is a thing, not an ongoing state (机制, 体系, 水平, 力度 … are states); or
* its verb carries out work (开展, 实施, 推进, 组织, 做好, 参加, 进行 …) and its object ends in
  a word for a bounded piece of work: 试点, 活动, 培训, 检查, 巡察, 评估, 修订, 编制, 换届选举,
  专项行动, 建设, 改造, 全覆盖 … (`开展…行动` alone is a campaign with no end: not taken).

A clause that says the work goes on (持续, 不断, 常态化, 继续, 进一步, 定期, 深化 …) or that
describes the past (已, 了 …) is not a milestone. A list of deliverables becomes one
milestone each: "出台A方案和B方案", "开展A、B试点" (the shared head word is given to each),
"实施“A”“B”专项行动" (quoted names without 等). An event named by its day gives the due date:
"开展6•19…活动" → 19 June; fixed-date days (建党…周年 → 1 July, 国庆 → 1 October …).

Pure functions of the text.
"""

from __future__ import annotations

import datetime as dt
import re

from civtrack.extract.dates import Deadline
from civtrack.extract.draft import ItemDraft
from civtrack.extract.numbers import Quantity
from civtrack.extract.words import _strip_leading, _tidy


def _longest_first(words: str) -> tuple[str, ...]:
    return tuple(sorted(set(words.split()), key=lambda w: (-len(w), w)))


# Verbs whose object is a deliverable: the task is done when the thing exists.
MAKE_VERBS = _longest_first(
    """制定 出台 编制 印发 发布 修订 筹建 组建 成立 建立 搭建 建成 设立 设置 举办 召开 启动 编辑 完成 建好 编写
    起草 开通 上线 挂牌 揭牌 出版 新增 新建 开工 竣工 投用 签订 创建 申报"""
)
# Verbs that carry out work: a milestone only when the object ends in a bounded piece of work.
WORK_VERBS = _longest_first("开展 实施 组织开展 参加 参与 进行 完成 启动 举办")
# Verbs that say little by themselves (推进, 做好): only with the heads in WEAK_HEADS.
WEAK_VERBS = _longest_first("推进 推动 做好 抓好 实现 争取 全面推进 积极推进")
# Words that end the object of a bounded piece of work (after 工作, 任务 … are dropped).
WORK_HEADS = _longest_first(
    """试点 活动 培训 轮训 检查 督查 督导 巡察 巡查 评估 审计 普查 调查 摸底 排查 评选 验收 换届 选举 修订 编制
    专项行动 专项整治 实验 建设 改造 改造提升 提升改造 改扩建 改扩建工程 全覆盖 会议 大会 年检 认定 招录
    招聘 考核 评议 表彰 演练 宣传月 宣传周 开放日 调研"""
)
WEAK_HEADS = _longest_first("试点 全覆盖 编制 修订 换届 选举 换届选举")
# Heads of deliverables: a list "A方案和B方案" splits on 和 only when both sides end in one.
DOCUMENT_HEADS = _longest_first(
    "方案 办法 意见 规划 清单 制度 细则 标准 规范 指南 条例 规定 计划 汇编 平台 数据库 中心"
)
# What may stand before the verb in its clause: nothing, an adverb or a verb that leads into it
# ("加快完成", "研究制定", "整理编辑"), a means ("通过", "…的方式", "…等平台"), "对X进行".
# Anything else makes the "verb" part of a noun (社会组织, 中国共产党成立…, 智能化申报).
_BEFORE_VERB = re.compile(
    r"(?:^|对[^对]+|并|和|及|要|将|再|统筹|研究|推动|尽快|加快|积极|认真|扎实|全面|着力|大力|同步|及时|全力|整理|力争|争取"
    r"|确保|计划|通过|方式|平台|基础上|联合|集中|组织|牵头|配合|会同|适时|年内|年底前|率先|带头|高质量|高标准|"
    r"[”》)）])$"
)
# Verbs before which a task belongs to someone else when an agent stands between ("指导党支部建立…").
_AGENT_VERBS = re.compile(r"(?:推动|引导|指导|支持|鼓励|协助|督促|帮助|动员)(?P<agent>.{2,})$")
# Objects that name a state to keep improving, not a deliverable.
_VAGUE = re.compile(
    r"(?:机制|体系|能力|水平|力度|作用|氛围|意识|格局|环境|模式|理念|效能|效率|质量|成效|成果|底线|短板|保障|需求|责任"
    r"|作风|活力|合力|积极性|实效|落实|发展|管理|服务|工作|秩序|形象|品牌|文化|精神|要求|政策|措施|基础|方式|路径)$"
)
_ONGOING = re.compile(
    r"持续|不断|常态化|继续|进一步|定期|经常|长期|逐步|深化|深入|健全|完善|加强|强化|巩固|坚持|用好|探索|广泛|贯彻"
)
_DESCRIPTIVE = re.compile(
    r"已经|(?<![而不])已(?!成为)|截至|截止|目前|现有|去年|以来|(?<![为除])了(?!解|如)|印发你们|的通知$|关于印发"
    r"|(?<!力争)(?<!确保)(?<!计划)累计|上一?年度"
)
_FUTURE = re.compile(r"今年|年内|年底|本年|全年|力争|确保|计划|争取|将|再")
_OBJECT_TAIL = re.compile(r"(?:的?(?:相关|有关|各项|等)?(?:工作|任务|事项)|(?:及|和|并)(?:实施|落实|推广|应用|运行))$")
_LEADING = re.compile(
    r"^(?:[一二三四五六七八九十]+是|第[一二三四五六七八九十]+[,、]?|同时|并|要|将|计划|力争|争取|确保)+"
)
_DOTTED_DAY = re.compile(r"(?<!\d)(1[0-2]|[1-9])[•·.](3[01]|[12]\d|[1-9])(?!\d)")
# Days with a fixed date that name an event's time ("庆祝建党100周年" → 1 July).
FIXED_DAYS = (
    (re.compile(r"建党\d+周年|七一"), (7, 1)),
    (re.compile(r"国庆|新中国成立\d+周年"), (10, 1)),
    (re.compile(r"元旦"), (1, 1)),
    (re.compile(r"学雷锋"), (3, 5)),
    (re.compile(r"五一|劳动节"), (5, 1)),
    (re.compile(r"六一|儿童节"), (6, 1)),
    (re.compile(r"八一|建军节"), (8, 1)),
    (re.compile(r"国际残疾人日"), (12, 3)),
    (re.compile(r"国际志愿者日"), (12, 5)),
)
_TASK_VERB = re.compile(
    r"完成|编制|出台|制定|建成|启动|开展|实现|印发|召开|举办|推进|建立|成立|组建|开工|竣工|投用|投入使用|验收|评估|修订"
    r"|发布|上线|运行|挂牌|落地|部署|摸底|排查|整改|总结|提交|报送|上报|确定|选定|迁建|搬迁|改造|交付|培训|考核|检查"
    r"|审核|认定|换届|选举|签订|对接|试点|覆盖|接入|落实"
)
_QUOTED = re.compile(r"“([^”]{1,20})”")
_QUOTED_LIST = re.compile(r"^(?P<names>(?:“[^”]{1,20}”[、,]?){2,})(?P<tail>[^“”]{2,})$")


def _clauses(norm: str) -> list[tuple[int, int]]:
    bounds, start = [], 0
    for k, char in enumerate(norm):
        if char in ",;:。!?|":
            bounds.append((start, k))
            start = k + 1
    bounds.append((start, len(norm)))
    return [(s, e) for s, e in bounds if e > s]


def _blank_titles(text: str) -> str:
    """《…》 blanked (□): a title's words are not the task's verbs."""
    return re.sub(r"《[^》]*》", lambda m: "《" + "□" * (len(m.group(0)) - 2) + "》", text)


def _strip_object(obj: str) -> str:
    obj = re.sub(r"[(（][^()（）]{0,20}(?:负责|牵头|承办)[)）]$", "", obj.strip(" ,、。;"))  # (XX科负责)
    obj = obj.strip(" ,、。;")
    for _ in range(2):
        obj = _OBJECT_TAIL.sub("", obj)
    return obj


def _head(obj: str, heads: tuple[str, ...]) -> str | None:
    return next((h for h in heads if obj.endswith(h)), None)


def _split_top(text: str, seps: str) -> list[str]:
    """Split on separators outside quotes and brackets."""
    parts, depth, current = [], 0, ""
    for char in text:
        if char in "“(（《[":
            depth += 1
        elif char in "”)）》]" and depth:
            depth -= 1
        if char in seps and depth == 0:
            parts.append(current)
            current = ""
            continue
        current += char
    parts.append(current)
    return [p for p in parts if p]


def _deliverables(verb: str, obj: str) -> list[str]:
    """The objects of one task clause: one, or one per item of a list of deliverables."""
    listed = _QUOTED_LIST.match(obj)
    if listed and not listed.group("tail").startswith("等"):
        # “A”“B”专项行动 / “A”、“B”活动: one each (with 等 the list is one task)
        return [f"“{q}”{listed.group('tail')}" for q in _QUOTED.findall(listed.group("names"))]
    items = _split_top(obj, "、")
    if len(items) >= 2:
        heads = WORK_HEADS + DOCUMENT_HEADS
        head = _head(_strip_object(items[-1]), heads)
        if head and "等" not in items[-1] and all(len(i) >= 4 for i in items):
            return [i if _head(_strip_object(i), heads) else i + head for i in items]
    pair = [p for p in re.split(r"和|及|以及|与", obj) if p]
    if len(pair) == 2 and all(_head(_strip_object(p), DOCUMENT_HEADS) and len(p) >= 4 for p in pair):
        return pair
    return [obj]


_VERB_LISTS = [
    (re.compile("|".join(verbs)), heads)  # longest first: the longest verb at a position wins
    for verbs, heads in ((MAKE_VERBS, None), (WORK_VERBS, WORK_HEADS), (WEAK_VERBS, WEAK_HEADS))
]
_VERB_FIRST = frozenset(v[0] for v in MAKE_VERBS + WORK_VERBS + WEAK_VERBS)


def _find_task(clause: str) -> tuple[int, str, str] | None:
    """(where the verb starts, the verb, its object) of a clause that names a bounded task."""
    for pos in range(len(clause) - 1):
        if clause[pos] not in _VERB_FIRST:
            continue
        for pattern, heads in _VERB_LISTS:
            found = pattern.match(clause, pos)
            if found is None:
                continue
            verb = found.group(0)
            if not _BEFORE_VERB.search(clause[:pos]):
                continue
            obj = clause[pos + len(verb) :]
            core = _strip_object(obj.replace("□", ""))
            if len(core) < 2 or re.match(r"^(?:健全|完善|好|到|了|为|成为|的|和|与|及|工作)", obj):
                continue
            if heads is not None:
                if not _head(core, heads):
                    continue
            elif _VAGUE.search(core) and not _head(core, WORK_HEADS):
                continue
            return pos, verb, obj
    return None


def fixed_day(clause: str, sentence: str, year: int) -> dt.date | None:
    """The day an event is named by: "6•19…活动" in its clause → 19 June; "庆祝建党100周年" in its
    sentence → 1 July."""
    m = _DOTTED_DAY.search(clause)
    if m:
        try:
            return dt.date(year, int(m.group(1)), int(m.group(2)))
        except ValueError:
            return None
    for pattern, (month, day) in FIXED_DAYS:
        if pattern.search(sentence):
            return dt.date(year, month, day)
    return None


def milestones(
    text: str,
    norm: str,
    masked: str,
    section: str | None,
    found: list[Deadline],
    numbers: list[Quantity],
    year: int,
    all_numbers: list[Quantity] | None = None,
    past: int | None = None,
) -> list[ItemDraft]:
    """The milestones of one sentence: dated tasks, then undated deliverables (due at the year's end).

    ``numbers`` are the sentence's number targets; ``all_numbers`` every number with a unit (a clause
    with one states a quantity, taken or not, and is not an undated task); ``past``: the year before
    the plan's that opens the sentence ("2020年，…": it tells what was done)."""
    quote = text.rstrip("。；;，,")
    items: list[ItemDraft] = []
    used_clauses: set[int] = set()
    clauses = _clauses(norm)

    def clause_index(pos: int) -> int:
        return next(i for i, (s, e) in enumerate(clauses) if s <= pos <= e)

    def has_number(start: int, end: int) -> bool:
        return any(start <= q.start < end for q in numbers)

    for d in found:  # dated tasks
        if not d.strong or "□" in masked[d.start : d.end] or d.due.year < year:
            continue
        index = clause_index(d.start)
        clause_start, clause_end = clauses[index]
        if has_number(clause_start, clause_end):
            continue
        task = norm[clause_start : d.start] + norm[d.end : clause_end]
        task = re.sub(r"^(?:到|至|在|于|力争|确保|争取|计划|要|前|以前|之前)+", "", task)
        cell = _task_cell(norm, clauses, index) if len(task) < 4 and "|" in norm else None
        if cell is not None:  # a table row: the deadline has a cell of its own, the task another
            task, index = norm[clauses[cell][0] : clauses[cell][1]], cell
        elif len(task) < 4 and index + 1 < len(clauses):
            next_start, next_end = clauses[index + 1]
            if has_number(next_start, next_end):
                continue
            task, index = norm[next_start:next_end], index + 1
        task = re.sub(r"^(?:前|以前|之前)", "", task).strip(",、 ")
        if len(task) < 4 or not _TASK_VERB.search(task) or _DESCRIPTIVE.search(norm[clause_start:clause_end]):
            continue
        used_clauses.update({index, clause_index(d.start)})
        found_task = _find_task(_blank_titles(task))
        names = [task]
        if found_task is not None and not found_task[0]:  # the task starts with its verb: a list splits
            verb = found_task[1]
            names = [verb + each for each in _deliverables(verb, task[len(verb) :])]
        for name in names:
            item = ItemDraft("milestone", _name(name), quote, section)
            item.due, item.due_stated = d.due, True
            if d.note:
                item.notes.append(d.note)
            item.rule = "milestone: a task with a deadline"
            items.append(item)
    if past is not None or ("|" in norm and all_numbers):  # a table row: its cells are one task
        return items
    for index, (start, end) in enumerate(clauses):  # undated deliverables
        if index in used_clauses or any(start <= q.start < end for q in all_numbers or numbers):
            continue
        if re.search(r"\d{5,}", norm[start:end]):
            continue  # a code, an id or a number too long to read: not a task to draft
        clause = _LEADING.sub("", _blank_titles(norm[start:end]).strip())
        written = _LEADING.sub("", norm[start:end].strip())  # the same, titles as written
        task = _find_task(clause)
        if task is None:
            continue
        pos, verb, _ = task
        obj = written[pos + len(verb) :] if len(written) == len(clause) else task[2]
        before = clause[:pos]
        if _ONGOING.search(before) or _AGENT_VERBS.search(before) or _DESCRIPTIVE.search(clause):
            continue
        if _DESCRIPTIVE.search(norm[:start]) and not _FUTURE.search(clause):
            continue  # "累计建成社工站98个，实现乡镇全覆盖": the sequel of a fact
        day = fixed_day(norm[start:end], norm, year)
        lead = before[before.rfind("对") + 1 :] if verb == "进行" else ""  # 对区福利院进行改造 → 区福利院…
        for deliverable in _deliverables(verb, obj):
            item = ItemDraft("milestone", _name(lead + verb + deliverable), quote, section)
            item.due, item.due_stated = (day, True) if day else (dt.date(year, 12, 31), False)
            if not day:
                item.notes.append("no deadline in the text: due at the plan year's end, check it")
            item.rule = f"milestone: a deliverable ({verb}…)" if day is None else "milestone: an event on its day"
            items.append(item)
    return items


def _task_cell(norm: str, clauses: list[tuple[int, int]], index: int) -> int | None:
    """In a table row, the cell (clause) that names the task for a deadline in another cell."""
    for k, (start, end) in enumerate(clauses):
        if k != index and norm[end : end + 1] in ("|", "") and _TASK_VERB.search(norm[start:end]):
            return k
    return None


def _name(task: str) -> str:
    return _tidy(_strip_leading(task))[:40]

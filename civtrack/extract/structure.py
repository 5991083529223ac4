"""The shape of a plan's text: headings, paragraphs, sentences; its title, year and publisher.

Headings are numbered lines: 一、… (level 1), (一)… (level 2), 1.… / 1、… (level 3),
(1)… (level 4), ①… (level 5), and 附件 (the annex, level 0). A numbered line that
goes on after its first sentence ("(一)加强党的建设。坚持…") is a heading followed by
a paragraph. Arabic-numbered lines are also list items and are read like paragraphs;
the titles of Chinese-numbered headings are marked, to be read strictly.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

_HEADINGS: list[tuple[int, re.Pattern[str]]] = [
    (0, re.compile(r"^附件\s*\d*\s*[:：]?")),
    (1, re.compile(r"^(?:第[一二三四五六七八九十]{1,3}(?:部分|章)|[一二三四五六七八九十]{1,3}[、.．])\s*")),
    (2, re.compile(r"^[（(][一二三四五六七八九十]{1,3}[)）]\s*")),
    (3, re.compile(r"^\d{1,2}(?:[、．]|\.(?!\d)|\.(?=\d{1,2}(?:月|日)))\s*")),
    (4, re.compile(r"^[（(]\d{1,2}[)）]\s*|^\d{1,2}[)）]\s*")),
    (5, re.compile(r"^[①-⑳]\s*")),
]
# Numbering of list items inside a paragraph: 一是…, 第一，…, 首先，…
ENUMERATOR = re.compile(
    r"^(?:[一二三四五六七八九十]{1,3}是|第[一二三四五六七八九十]{1,3}[，,、是]|首先[，,]|其次[，,]|再次[，,]|最后[，,])"
)
_SENTENCE_END = re.compile(r"[。！？!?；;]")
_SENTENCE = re.compile(r"[^。！？!?；;]+[。！？!?；;]*")
_LOOSE_TITLE = re.compile(r"(?:工作)?(?:要点|计划|规划|安排|方案|思路)$")
_PLAN_WORDS = re.compile(r"要点|计划|安排|思路|打算|方案|任务")
_TITLE_WORDS = re.compile(r"(?:工作)?(?:要点|计划|安排|方案|思路|重点|清单|任务|意见|打算)")
_NOTICE = re.compile(r"^(?P<org>.*?)关于印发《?(?P<title>.+?)》?的通知$")
_ORG_END = re.compile(r"(?:局|委员会|委|厅|办公室|政府|中心|办|院|会|处|站)$")
_YEAR = re.compile(r"((?:19|20)\d\d)\s*年")
_YEAR_PHRASES = [
    re.compile(
        r"((?:19|20)\d\d)年(?:是|，|,|全[区市县省镇]|本?[区市县省镇局]?.{0,12}?工作(?:要点|计划|安排|思路|重点))"
    ),
    re.compile(r"(?:做好|推进|抓好|实现|完成)((?:19|20)\d\d)年"),
]


@dataclass
class Sentence:
    text: str  # as written (cleaned), list numbering removed
    section: str | None  # the nearest heading
    headings: tuple[str, ...] = ()  # every heading above it, outermost first
    heading: bool = False  # the sentence is the title of a heading ("二、新建养老服务设施30处")


@dataclass
class Document:
    sentences: list[Sentence]
    lines: list[str]


def heading_of(line: str) -> tuple[int, int] | None:
    """(level, length of the numbering) when the line starts like a heading."""
    for level, pattern in _HEADINGS:
        match = pattern.match(line)
        if match:
            return level, match.end()
    return None


def _first_sentence(body: str) -> tuple[str, str]:
    match = _SENTENCE_END.search(body)
    if not match:
        return body, ""
    return body[: match.start()], body[match.end() :].strip()


def split_sentences(paragraph: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.findall(paragraph) if s.strip(" 。；;！？!?")]


def read(text: str) -> Document:
    """Headings, and the sentences to read for targets with their nearest heading."""
    lines = [line for line in text.split("\n") if line.strip()]
    sentences: list[Sentence] = []
    stack: dict[int, str] = {}

    def nearest() -> str | None:
        return stack[max(stack)] if stack else None

    def add(text: str, heading: bool = False) -> None:
        text = ENUMERATOR.sub("", text)
        if text:
            path = tuple(stack[k] for k in sorted(stack))
            sentences.append(Sentence(text, nearest(), path, heading))

    for line in lines:
        found = heading_of(line)
        scan = line
        if found is not None:
            level, skip = found
            body = line[skip:]
            first, rest = _first_sentence(body)
            whole_item = not rest and _SENTENCE_END.search(body) is not None
            if level >= 3 and whole_item:
                scan = body  # a list item ("1.新建…30个。"): read, but not a heading
            else:
                title = (line[:skip] + first).strip()
                for deeper in [k for k in stack if k >= level]:
                    del stack[deeper]
                stack[level] = title
                # Chinese-numbered headings are titles ("一、…20项民心工程"), read more strictly;
                # Arabic-numbered ones are list items too.
                if level < 3:
                    add(first.strip(), heading=True)
                scan = body if level >= 3 else rest
        for sentence in split_sentences(scan):
            add(sentence)
    return Document(sentences, lines)


_REVIEW = re.compile(
    r"回顾|总结|成绩|成效|完成情况|进展情况|执行情况|基本情况|主要做法|取得的|存在的?问题|困难和问题|不足|背景|现状"
    r"|发展基础|面临的?形势"
)


def is_review(sentence: Sentence, year: int) -> bool:
    """Under a heading that looks back ("一、2020年工作回顾", "存在的问题"): facts, not commitments."""
    for title in sentence.headings:
        if _REVIEW.search(title):
            return True
        years = [int(y) for y in re.findall(r"((?:19|20)\d\d)\s*年", title)]
        if years and max(years) < year and not re.search(r"\d\s*[-~—至到]\s*(?:19|20)\d\d", title):
            return True
    return False


@dataclass
class PlanFacts:
    title: str | None
    organization: str | None
    year: int | None
    title_found: bool


def _clean_title(title: str) -> str:
    return title.strip(' 《》“”"')


def plan_facts(doc: Document, meta: dict[str, str]) -> PlanFacts:
    """The title, publisher and year the text states (None where it does not)."""
    title = organization = loose = None
    for line in doc.lines[:25]:
        if len(line) > 60 or heading_of(line) or line[-1] in "。；;，,：:！!？?":
            continue
        notice = _NOTICE.match(line)
        if notice:
            organization = organization or notice.group("org") or None
            continue
        if _TITLE_WORDS.search(line) and _YEAR.search(line):
            title = _clean_title(line)
            break
        if loose is None and _LOOSE_TITLE.search(line) and len(line) <= 40:
            loose = _clean_title(line)  # "某市“十四五”民政事业发展规划": a title without a year
    notice = _NOTICE.match(meta.get("title", ""))
    if notice:
        organization = organization or notice.group("org") or None
        title = title or _clean_title(notice.group("title"))
    elif meta.get("title") and not title:
        title = _clean_title(meta["title"])
    title = title or loose
    organization = organization or meta.get("publisher") or meta.get("host")
    if not organization:
        for line in doc.lines:
            if len(line) <= 30 and _ORG_END.search(line) and not heading_of(line) and not _SENTENCE_END.search(line):
                organization = line
                break
    if not organization and title:
        prefix = _YEAR.split(title, 1)[0]
        if _ORG_END.search(prefix):
            organization = prefix
    return PlanFacts(title, organization, plan_year(doc, title, meta), title is not None)


def plan_year(doc: Document, title: str | None, meta: dict[str, str]) -> int | None:
    """The plan's year: in its title, else in an opening phrase (2021年是…), else the most named one."""
    if title:
        # "2023年重点工作总结及2024年工作思路": the year of the plan, not of the review
        years = list(_YEAR.finditer(title))
        for i, match in enumerate(years):
            following = title[match.end() : years[i + 1].start() if i + 1 < len(years) else len(title)]
            if _PLAN_WORDS.search(following) and not re.search(r"总结|回顾", following):
                return int(match.group(1))
        if years:
            return int(years[-1].group(1))
    opening = "".join(doc.lines[:40])[:3000]
    for pattern in _YEAR_PHRASES:
        match = pattern.search(opening)
        if match:
            return int(match.group(1))
    body = re.sub(r"《[^》]*》", "", "\n".join(doc.lines))  # years in the titles of other documents
    years = Counter(int(m.group(1)) for m in _YEAR.finditer(body) if not body.startswith("以来", m.end()))
    if years:
        return years.most_common(1)[0][0]
    date = re.match(r"((?:19|20)\d\d)", meta.get("date", ""))
    return int(date.group(1)) if date else None

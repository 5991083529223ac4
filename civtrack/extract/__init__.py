"""`civtrack extract`: draft a plan file from the text of a work plan.

The pipeline, each step a pure function of text (file I/O stays in the command):

    decode   bytes → str (UTF-8 with or without BOM, GB18030/GBK)
    clean    page noise out, romanisation debris out, traditional → simplified
    read     headings, paragraphs, sentences; title, publisher and year
    rules    per sentence: the numbers that are commitments, and what each commits to
    render   a plan in YAML (with comments for the reviewer) or JSON

See docs/extract.md for the rules and how they are measured.
"""

from __future__ import annotations

import re

from civtrack.errors import InputError, error
from civtrack.extract.clean import clean
from civtrack.extract.decode import common_share
from civtrack.extract.draft import Draft, Dropped, ItemDraft, PartDraft, PlanDraft
from civtrack.extract.owners import only_owner, owner_column, owner_in_row, owner_of
from civtrack.extract.rules import note_parts, parts_sentence, read_sentence
from civtrack.extract.structure import is_review, plan_facts, read

__all__ = ["Draft", "ItemDraft", "PartDraft", "PlanDraft", "extract"]

MIN_CHINESE = 10
_HAS_DIGIT = re.compile(r"[0-9０-９]|[一二两三四五六七八九十百]+[个家张次项件名人户场所处条]")


def extract(text: str, *, source: str = "plan.txt", plan_id: str | None = None, year: int | None = None) -> Draft:
    """The draft plan of a work plan's text. ``source`` names the text in messages."""
    cleaned = clean(text)
    if common_share(cleaned.text)[0] < MIN_CHINESE:
        raise InputError(error(source, None, "E704"))
    doc = read(cleaned.text)
    facts = plan_facts(doc, cleaned.meta)
    notes: list[str] = []
    if year is None:
        year = facts.year
        if year is None:
            raise InputError(error(source, None, "E705"))
    title = facts.title
    if title is None:
        title = f"{facts.organization or ''}{year}年工作计划"
        notes.append("the text has no title line: the title is made up, check it")
    if facts.organization is None:
        notes.append("the publisher is not named in the text: add organization")
    items: list[ItemDraft] = []
    last: ItemDraft | None = None  # the last target of the previous sentence, for "其中…" after it
    dropped: list[Dropped] = []
    pending: list[ItemDraft] = []  # items of this section drafted since an owner was last named
    column: int | None = None  # the owner's column of the task table being read
    section: str | None = None
    for sentence in doc.sentences:
        if sentence.section != section:
            section, pending = sentence.section, []
        who = owner_of(sentence.text)
        if sentence.text.startswith("|"):  # a task table: the header names the owner's column
            header = owner_column(sentence.text)
            if header is not None:
                column = header
                continue
            if column is not None:
                who = owner_in_row(sentence.text, column) or who
        else:
            column = None
        if who is not None and only_owner(sentence.text):  # "责任单位：养老科。" after its tasks
            for item in pending:
                item.owner = item.owner or who
            pending = []
            continue
        if last is not None and not last.parts and last.unit:
            parts = parts_sentence(sentence.text, last.unit, year)
            if parts:
                last.parts = parts
                last.quote = f"{last.quote}。{sentence.text.rstrip('。；;，,')}"
                note_parts(last)
                last = None
                continue
        if is_review(sentence, year):
            last = None
            if _HAS_DIGIT.search(sentence.text):
                reason = "in a section that looks back or describes the situation (回顾, 存在的问题, 现状)"
                dropped.append(Dropped(sentence.text, sentence.section, [("", reason)]))
            continue
        numbers_dropped: list[tuple[str, str]] = []
        found = read_sentence(sentence.text, sentence.section, year, heading=sentence.heading, dropped=numbers_dropped)
        if numbers_dropped:
            dropped.append(Dropped(sentence.text, sentence.section, numbers_dropped))
        if who is not None:
            for item in found:
                item.owner = who
            pending = []
        else:
            pending.extend(found)
        items.extend(found)
        numbers = [item for item in found if item.kind == "number"]
        last = numbers[-1] if numbers else None
    plan = PlanDraft(plan_id or "plan", title, facts.organization, year, source, notes)
    return Draft(plan, deduplicate(items), dropped)


def deduplicate(items: list[ItemDraft]) -> list[ItemDraft]:
    """A commitment restated (an annex repeating the main text) is listed once, with a note."""
    kept: list[ItemDraft] = []
    seen: dict[tuple, ItemDraft] = {}
    tasks: dict[tuple, ItemDraft] = {}  # (due, 8 characters of a milestone's name) → the milestone
    for item in items:
        if item.kind == "number":
            key: tuple = ("number", item.name, item.target, item.unit, item.comparator, item.recurrence)
        else:
            key = ("milestone", item.name, item.due)
        first = seen.get(key)
        if first is None and item.kind == "milestone":
            first = _restated_task(item, tasks)
        if first is not None and len(item.name) >= 2:
            where = item.section or "the text"
            note = f"restated under {where}"
            if note not in first.notes and item.section != first.section:
                first.notes.append(note)
            continue
        seen[key] = item
        kept.append(item)
        if item.kind == "milestone":
            for k in range(len(item.name) - RESTATED_RUN + 1):
                tasks.setdefault((item.due, item.name[k : k + RESTATED_RUN]), item)
    return kept


RESTATED_RUN = 8  # characters two names of one task share ("组建[滨海新区]未成年人救助保护中心")
RESTATED_SHARE = 0.85  # of the shorter name's character pairs: 出台养老/殡葬服务设施专项规划 (0.73) are two tasks


def _restated_task(item: ItemDraft, tasks: dict[tuple, ItemDraft]) -> ItemDraft | None:
    """An earlier milestone, due the same day in another section, whose name shares a run of
    RESTATED_RUN characters with this one's, and 85% of the shorter name's pairs of adjacent
    characters: the same task restated (an annex), a place name added or a 的 dropped. Linear: each name's runs are looked up, not compared with every
    earlier name."""
    for k in range(len(item.name) - RESTATED_RUN + 1):
        first = tasks.get((item.due, item.name[k : k + RESTATED_RUN]))
        if first is not None and first.section != item.section:
            if _pairs_shared(first.name, item.name) >= RESTATED_SHARE:
                return first
    return None


def _pairs_shared(a: str, b: str) -> float:
    """The share of the shorter name's pairs of adjacent characters that the other name has."""
    pairs_a = {a[k : k + 2] for k in range(len(a) - 1)}
    pairs_b = {b[k : k + 2] for k in range(len(b) - 1)}
    shorter = min(len(pairs_a), len(pairs_b))
    return len(pairs_a & pairs_b) / shorter if shorter else 0.0

"""Which numbers of a sentence are commitments, and what each one commits to.

A commitment is a number with a unit ("新建老年日间照料中心30个", "不低于80%"), read
in its clause: the comparator (不少于 … → ">=", 不超过 / 以内 / 控制在 → "<="), a range
("1-2次": target 1, stretch 2), the deadline and recurrence, the thing counted, a
breakdown ("其中随县135家，广水市110家"), a relative change ("提高10%": a baseline is
needed). Everything else that looks like a number is left out, each for a reason
`exclusion` names: years and dates, ordinals (第一批), document numbers, names and
slogans ("三个着力", 1+8+X, 十四五), counts of a list just given ("A、B、C三项"),
phone numbers and ids, qualifiers ("60岁以上", "3000人以上的社区"), and quantities
that describe the present rather than a goal (现有, 已, 截至, a past year): those
are in exclusions.py; the word lists and clause helpers in words.py; tasks without a
number (milestones) in tasks.py.

Pure functions of the text.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from civtrack.extract.dates import Deadline, Recurrence, deadlines, recurrences
from civtrack.extract.draft import ItemDraft, PartDraft
from civtrack.extract.exclusions import (
    _NAMING,
    Context,
    _past_year,
    exclusion,
    mask,
)
from civtrack.extract.numbers import LEVEL_UNITS, TIME_UNITS, Quantity, normalise, quantities
from civtrack.extract.tasks import milestones
from civtrack.extract.words import (
    _AFTER_CUT,
    _AFTER_REJECT,
    _APPROX_PREFIX,
    _APPROX_SUFFIX,
    _COMPARED,
    _COMPARED_TAIL,
    _CONNECTIVES,
    _DECREASE,
    _GE_SUFFIX,
    _LE_SUFFIX,
    _LEVEL_NAME,
    _NAME_TAIL_WORDS,
    _PARTS_START,
    _POPULATION,
    _RELATIVE_VERB,
    ACTION_VERBS,
    COMPARATOR_WORDS,
    GE_WORDS,
    LE_WORDS,
    SEGMENT_DELIMS,
    _clause,
    _ends_with_verb,
    _first_verb,
    _strip_leading,
    _strip_tail,
    _strip_verbs,
    _tidy,
    _words,
)
from civtrack.text import fmt

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
    r"(?<![\d.A-Za-z])(\d{1,3})\s*(?:-|~|至|到)\s*(\d{1,3})(?=[\u4e00-\u9fff])(?![个月日号年岁周期季届天次星级层楼批])"
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

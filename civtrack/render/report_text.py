"""The words and figures of a monthly report, shared by its Markdown and HTML forms.

Each list of a plan's report (entries, newly done, overdue, behind, due next
month, lagging parts) becomes a `Listing`: a title, column heads and rows of
cells, each plain text or a `Cell` (text with a state or a remark). Renderers only decide how a table, a state and a remark look, so both
forms always carry the same facts in the same words. Nothing here depends on the
clock or the locale.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import NamedTuple

from civtrack.compute import STATES, Status
from civtrack.i18n import label, month_label
from civtrack.reporting import EntryFact, Month, PlanReport
from civtrack.supervision import ALERTS, Flagged, Supervision
from civtrack.text import fmt, pct


def month_name(month: Month, lang: str) -> str:
    return month_label(month.year, month.month, lang)


def paren(text: str, lang: str) -> str:
    """(8) in English, （8） in Chinese text."""
    return f"（{text}）" if lang == "zh" else f"({text})"


def with_remark(text: str, remark: str, lang: str) -> str:
    """'Overdue (2)' / '逾期事项（2）': fullwidth brackets need no space before them."""
    return f"{text}{'' if lang == 'zh' else ' '}{paren(remark, lang)}"


def signed(number: float, digits: int = 1) -> str:
    """+15.1, -2.0, ±0.0 (a change as shown to people)."""
    text = f"{abs(number):.{digits}f}"
    if float(text) == 0:
        return f"±{text}"
    return ("+" if number > 0 else "-") + text


def signed_count(number: int) -> str:
    return "±0" if number == 0 else f"{number:+d}"


def points(number: float | None, lang: str) -> str:
    """A change of completion: "+15.1 pts" / "+15.1个百分点"."""
    if number is None:
        return "—"
    return f"{signed(number)}{'' if lang == 'zh' else ' '}{label('pts', lang)}"


def with_unit(text: str, unit: str | None) -> str:
    """800 张 reads as 800张 in Chinese and 12.5% stays 12.5%: no space before % or a CJK unit."""
    if not unit:
        return text
    tight = unit.startswith("%") or unicodedata.east_asian_width(unit[0]) in ("W", "F")
    return f"{text}{unit}" if tight else f"{text} {unit}"


def rounded(number: float | None) -> str:
    """An expected value or a gap: one decimal at most (3736.26 → 3736.3, 2.0 → 2)."""
    return fmt(None if number is None else round(number, 1))


def target_text(status: Status) -> str:
    if status.kind == "milestone":
        return "—"
    return ("≤ " if status.comparator == "<=" else "") + fmt(status.target)


def milestone_text(done: bool | None, lang: str) -> str:
    return f"✓ {label('done', lang)}" if done else f"○ {label('not_done', lang)}"


def current_text(status: Status, lang: str) -> str:
    """The current value with its unit; a milestone shows ✓ done or ○ not done."""
    if status.kind == "milestone":
        return milestone_text(status.state == "done", lang)
    return with_unit(fmt(status.current), status.unit)


def current_of_target(status: Status, lang: str) -> str:
    """'4 / 4个', '22 / ≤ 20分钟', or a milestone's ✓ / ○."""
    if status.kind == "milestone":
        return current_text(status, lang)
    return with_unit(f"{fmt(status.current)} / {target_text(status)}", status.unit)


def entry_value(entry: EntryFact, lang: str) -> str:
    """An increment shows its sign (+2个); a level (accumulate: latest) its value; a milestone ✓ / ○."""
    if entry.accumulate == "milestone" or entry.value is None:
        return milestone_text(entry.done, lang)
    text = fmt(entry.value)
    if entry.accumulate == "sum" and entry.value >= 0:
        text = "+" + text
    return with_unit(text, entry.unit)


def entry_note(entry: EntryFact, lang: str) -> str:
    note = entry.note or ""
    if entry.evidence:
        sep, colon = ("；", "：") if lang == "zh" else ("; ", ": ")
        note = f"{note}{sep if note else ''}{label('evidence', lang)}{colon}{entry.evidence}"
    return note


def entry_name(entry: EntryFact) -> str:
    return f"{entry.name} / {entry.part_name or entry.part}" if entry.part else entry.name


def headline(p: PlanReport, lang: str) -> str:
    """'+15.1 pts since 2021-08-31; expected pace 69.4%'."""
    previous = p.month.previous().last
    since = label("since", lang).format(change=points(p.completion_change, lang), previous=previous)
    sep = "，" if lang == "zh" else "; "
    return f"{since}{sep}{label('expected_pace', lang)} {pct(p.expected)}"


# --- listings -------------------------------------------------------------------


class Cell(NamedTuple):
    """A table cell: text, optionally a state (shown strong or coloured) and a remark (new this month).
    (A named tuple: a long report has a million cells, made several times faster than dataclasses.)"""

    text: str
    state: str | None = None
    remark: str | None = None
    alert: str | None = None  # an early warning's colour (rule 11)


@dataclass(frozen=True)
class Listing:
    key: str  # entries | newly_done | overdue | behind | due_next | lagging_parts
    title: str  # without the count
    head: tuple[str, ...]
    align: str  # one l or r per column
    rows: tuple[tuple[str | Cell, ...], ...]  # plain text, or a Cell with a state or a remark


def _head(lang: str, *keys: str) -> tuple[str, ...]:
    return tuple(label(key, lang) for key in keys)


def _state(status: Status, lang: str) -> Cell:
    return Cell(label(status.state, lang), state=status.state)


def owner_name(owner: str | None, lang: str) -> str:
    """Rule 13's owner as people read it: its name, or "unassigned" / 未指定."""
    return label("unassigned", lang) if owner is None else owner


def item_owner(p: PlanReport, status: Status, lang: str) -> str:
    """The owner of an indicator or part; for an indicator with parts (which belongs to nobody itself),
    the owners of its parts, in order."""
    if not status.parts:
        return owner_name(p.owner_of(status), lang)
    names = dict.fromkeys(owner_name(p.owner_of(part), lang) for part in status.parts)
    return ("、" if lang == "zh" else ", ").join(names)


def flagged_name(flagged: Flagged) -> str:
    return f"{flagged.parent.name} / {flagged.status.name}" if flagged.parent else flagged.status.name


def projection_text(flagged: Flagged) -> str:
    seen = flagged.watch
    return "—" if seen.projected_completion is None else pct(seen.projected_completion)


def gap_text(status: Status) -> str:
    return "—" if status.kind == "milestone" or status.gap is None else with_unit(rounded(status.gap), status.unit)


def supervision_listings(sup: Supervision, lang: str, many_plans: bool) -> list[Listing]:
    """The report's three supervision sections (By responsible unit, Warnings, Not reported), each a
    Listing (Not reported: one per owner, in rank order, after a Listing with no rows that heads them).
    ``many_plans``: the items name their plan."""
    plan_head = ("plan",) if many_plans else ()
    ranking = Listing(
        "by_owner",
        label("by_owner", lang),
        _head(lang, "rank", "owner", "item_count", "completion", *STATES, *ALERTS, "stale"),
        "rlrr" + "r" * (len(STATES) + len(ALERTS) + 1),
        tuple(
            (
                str(rank),
                owner_name(summary.owner, lang),
                str(summary.items),
                pct(summary.completion),
                *(str(summary.counts[state]) for state in STATES),
                *(str(summary.alerts[alert]) for alert in ALERTS),
                str(summary.stale),
            )
            for rank, summary in enumerate(sup.owners, 1)
        ),
    )
    warnings = Listing(
        "warnings",
        label("warnings", lang),
        _head(
            lang, "alert", *plan_head, "indicator", "owner", "current_target", "gap", "days_left", "projection", "due"
        ),  # fmt: skip
        "l" + "l" * len(plan_head) + "llrrrrl",
        tuple(
            (
                Cell(label(f.watch.alert or "", lang), alert=f.watch.alert),
                *((f.plan_title,) if many_plans else ()),
                flagged_name(f),
                owner_name(f.watch.owner, lang),
                current_of_target(f.status, lang),
                gap_text(f.status),
                str(f.days_left),
                projection_text(f),
                f.status.due.isoformat(),
            )
            for f in sup.warnings
        ),
    )
    found = [ranking, warnings]
    count = sum(len(items) for _, items in sup.not_reported)
    found.append(Listing("not_reported", label("not_reported", lang), (), "", tuple(("",) for _ in range(count))))
    for owner, items in sup.not_reported:
        found.append(
            Listing(
                "not_reported_owner",
                owner_name(owner, lang),
                _head(lang, *plan_head, "indicator", "last_entry", "due", "state"),
                "l" * len(plan_head) + "llll",
                tuple(
                    (
                        *((f.plan_title,) if many_plans else ()),
                        flagged_name(f),
                        f.watch.last_entry.isoformat() if f.watch.last_entry else label("never", lang),
                        f.status.due.isoformat(),
                        _state(f.status, lang),
                    )
                    for f in items
                ),
            )
        )
    return found


ALL_INDICATOR_KEYS = ("indicator", "current_target", "completion", "change", "due", "state", "owner")
ALL_INDICATOR_ALIGN = "lrrrlll"


def all_indicator_rows(p: PlanReport, lang: str) -> list[str | tuple[str | Cell, ...]]:
    """Every indicator and part of the plan, in order, as the "All indicators" table shows them: a row of
    cells each (ALL_INDICATOR_KEYS; the state a Cell), and before the first item of each section its
    heading (a str), which each renderer shows its own way."""
    rows: list[str | tuple[str | Cell, ...]] = []
    section: str | None = None
    previous = p.previous_by_ref
    states = {state: Cell(label(state, lang), state=state) for state in STATES}
    for status in p.status.indicators:
        if status.section is not None and status.section != section:
            rows.append(status.section)
        section = status.section
        for item, prefix in ((status, ""), *((part, "└ ") for part in status.parts)):
            before = previous.get(item.ref)
            rows.append((
                prefix + item.name,
                current_of_target(item, lang),
                pct(item.completion),
                points(item.completion - before.completion, lang) if before is not None else "—",
                item.due.isoformat(),
                states[item.state],
                item_owner(p, item, lang),
            ))  # fmt: skip
    return rows


def listings(p: PlanReport, lang: str) -> list[Listing]:
    """The lists of one plan's report, in the order they are read."""
    found = [
        Listing(
            "entries",
            label("recorded_in", lang).format(month=month_name(p.month, lang)),
            _head(lang, "date", "indicator", "value", "note", "by"),
            "llrll",
            tuple(
                (e.date.isoformat(), entry_name(e), entry_value(e, lang), entry_note(e, lang), e.by or "")
                for e in p.entries
            ),
        ),
        Listing(
            "newly_done",
            label("newly_done", lang),
            _head(lang, "indicator", "current_target", "done_on", "owner"),
            "lrll",
            tuple(
                (
                    f"{d.parent.name} / {d.status.name}" if d.parent else d.status.name,
                    current_of_target(d.status, lang),
                    d.done_on.isoformat() if d.done_on else "—",
                    item_owner(p, d.status, lang),
                )
                for d in p.newly_done
            ),
        ),
        Listing(
            "overdue",
            label("overdue_heading", lang),
            _head(lang, "indicator", "due", "days_overdue", "current_target", "completion", "owner"),
            "llrrrl",
            tuple(
                (
                    Cell(o.status.name, remark=label("new_this_month", lang) if o.new else None),
                    o.status.due.isoformat(),
                    str(o.days),
                    current_of_target(o.status, lang),
                    pct(o.status.completion),
                    item_owner(p, o.status, lang),
                )
                for o in p.overdue
            ),
        ),
        Listing(
            "behind",
            label("behind_heading", lang),
            _head(lang, "indicator", "current_target", "expected", "gap", "completion", "due", "owner"),
            "lrrrrll",
            tuple(
                (
                    s.name,
                    current_of_target(s, lang),
                    with_unit(rounded(s.expected), s.unit),
                    with_unit(rounded(s.gap), s.unit),
                    pct(s.completion),
                    s.due.isoformat(),
                    item_owner(p, s, lang),
                )
                for s in p.behind
            ),
        ),
        Listing(
            "due_next",
            label("due_in", lang).format(month=month_name(p.month.next(), lang)),
            _head(lang, "date", "indicator", "what", "required", "current", "state", "owner"),
            "lllrrll",
            tuple(
                (
                    d.date.isoformat(),
                    d.status.name,
                    label(f"what_{d.what}", lang),
                    "—"
                    if d.value is None
                    else with_unit(("≤ " if d.status.comparator == "<=" else "") + fmt(d.value), d.status.unit),
                    current_text(d.status, lang),
                    _state(d.status, lang),
                    item_owner(p, d.status, lang),
                )
                for d in p.due_next
            ),
        ),
    ]
    if any(s.parts for s in p.status.indicators):
        found.append(
            Listing(
                "lagging_parts",
                label("lagging_parts", lang),
                _head(lang, "indicator", "part", "current_target", "expected", "gap", "completion", "state", "owner"),
                "llrrrrll",
                tuple(
                    (
                        g.parent.name,
                        g.status.name,
                        current_of_target(g.status, lang),
                        with_unit(rounded(g.status.expected), g.status.unit),
                        with_unit(rounded(g.status.gap), g.status.unit),
                        pct(g.status.completion),
                        _state(g.status, lang),
                        item_owner(p, g.status, lang),
                    )
                    for g in p.lagging
                ),
            )
        )
    return found

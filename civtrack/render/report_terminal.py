"""A monthly report (civtrack.reporting.Report) → text for a terminal of any width (`report --format text`).

The same listings in the same words as the Markdown (report_text), laid out by rich to the terminal's
width: each table keeps the name, current / target, completion and state whole; names, notes and
owners fold; at 80 or 60 columns the columns of least use are left out (owner, who reported, the note,
the change, expected and gap, then the dates), and a line under the table names them. A section is
built in whichever process lays it out (report's shares) as plain data, and drawn at the end.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from rich.console import Group, RenderableType
from rich.text import Text

from civtrack.compute import STATES
from civtrack.i18n import label
from civtrack.render import ALERT_STYLES, STATE_STYLES
from civtrack.render.fit import Column, fit_table
from civtrack.render.report_text import (
    ALL_INDICATOR_ALIGN,
    ALL_INDICATOR_KEYS,
    Cell,
    Listing,
    all_indicator_rows,
    headline,
    listings,
    month_name,
    points,
    signed_count,
    supervision_listings,
    with_remark,
)
from civtrack.reporting import Month, PlanReport, Summary
from civtrack.supervision import Supervision
from civtrack.text import pct

# Columns that fold (names and free text), with the narrowest they get.
FOLD = {"unit": 8, "indicator": 12, "part": 6, "note": 10, "by": 8, "owner": 8, "what": 6, "required": 8, "plan": 12}
# Columns left out on a narrow terminal, the highest first (absent: always shown).
DROP = {
    "owner": 9, "by": 8, "note": 7, "change": 6, "expected": 5, "gap": 5, "required": 4, "what": 3,
    "days_overdue": 2, "done_on": 1, "due": 1, "date": 1,
    # the ranking by responsible unit keeps its unit, completion, overdue, red and stale longest
    "blue": 9, "on-track": 9, "yellow": 8, "done": 8, "orange": 7, "behind": 6, "item_count": 5,
}  # fmt: skip

# A section as plain data (it may be built in another process): ("heading", text), ("line", text), or
# ("table", (keys, heads, aligns, rows)), each cell plain text or a Cell.
Block = tuple[str, Any]


def _table(keys: Sequence[str], heads: Sequence[str], align: str, rows: Sequence[Sequence[str | Cell]]) -> Block:
    return ("table", (tuple(keys), tuple(heads), align, tuple(tuple(row) for row in rows)))


def report_section(p: PlanReport, lang: str = "en") -> list[Block]:
    """One plan's part of the report, as blocks to draw (draw_section)."""
    plan, now = p.plan, p.status
    meta = [plan.organization] if plan.organization else []
    meta.append(f"{label('period', lang)} {plan.period.start.isoformat()} – {plan.period.end.isoformat()}")
    completion = f"{label('plan_completion', lang).capitalize()} {pct(now.completion)}"
    blocks: list[Block] = [
        ("heading", f"{plan.title} ({plan.id})"),
        ("line", " · ".join(meta)),
        ("line", with_remark(completion, headline(p, lang), lang)),
    ]
    counts = [[Cell(label(s, lang), state=s), str(now.counts[s]), signed_count(p.counts_change[s])] for s in STATES]
    keys = ("state", "indicator_count", "change")
    blocks.append(_table(keys, [label(k, lang) for k in keys], "lrr", counts))
    blocks += _listing_blocks(listings(p, lang), lang)
    blocks.append(("heading", label("all_indicators", lang)))
    rows = [list(row) for row in all_indicator_rows(p, lang) if type(row) is not str]  # no section rows here
    head = [label(k, lang) for k in ALL_INDICATOR_KEYS]
    blocks.append(_table(ALL_INDICATOR_KEYS, head, ALL_INDICATOR_ALIGN, rows))
    return blocks


def _listing_blocks(found: Sequence[Listing], lang: str, counted: bool = True) -> list[Block]:
    """Each listing under its heading (with its count when ``counted``), or "none"."""
    blocks: list[Block] = []
    by_label: dict[str, str] = {}
    for listing in found:
        title = with_remark(listing.title, str(len(listing.rows)), lang) if counted else listing.title
        blocks.append(("heading", title))
        if not listing.rows:
            blocks.append(("line", label("none", lang)))
            continue
        keys = tuple(by_label.get(head) or _key(head, lang, by_label) for head in listing.head)
        blocks.append(_table(keys, listing.head, listing.align, listing.rows))
    return blocks


def _supervision(sup: Supervision, lang: str, many_plans: bool) -> list[Block]:
    """By responsible unit, Warnings and Not reported (a table per owner), as the Markdown has them."""
    ranking, warnings, not_reported, *owners = supervision_listings(sup, lang, many_plans)
    blocks = _listing_blocks([ranking], lang, counted=False) + _listing_blocks([warnings], lang)
    if ranking.rows:  # the ranking's unit is what it ranks: never left out (elsewhere the owner goes first)
        kind, (keys, heads, align, rows) = blocks[1]
        blocks[1] = (kind, (tuple("unit" if key == "owner" else key for key in keys), heads, align, rows))
    blocks.append(("heading", with_remark(not_reported.title, str(len(not_reported.rows)), lang)))
    if not owners:
        blocks.append(("line", label("none", lang)))
    return blocks + _listing_blocks(owners, lang)


def _key(head: str, lang: str, known: dict[str, str]) -> str:
    """The label key of a column head (the listings carry the words only)."""
    from civtrack.i18n import LABELS

    for key, words in LABELS.items():
        if head == words[1 if lang == "zh" else 0]:
            known[head] = key
            return key
    return head


def _cell(cell: str | Cell, lang: str) -> Text:
    if isinstance(cell, str):
        return Text(cell)
    style = ALERT_STYLES.get(cell.alert, "") if cell.alert else STATE_STYLES.get(cell.state or "", "")
    text = Text(cell.text, style=style)
    if cell.remark:
        text.append(f"（{cell.remark}）" if lang == "zh" else f" ({cell.remark})", style="dim")
    return text


def draw_section(blocks: Sequence[Block], lang: str, width: int) -> RenderableType:
    """A section's blocks for a terminal ``width`` cells wide."""
    parts: list[RenderableType] = []
    for kind, payload in blocks:
        if kind == "heading":
            parts += [Text(""), Text(payload, style="bold")]
        elif kind == "line":
            parts.append(Text(payload))
        else:
            keys, heads, align, rows = payload
            columns = [
                Column(
                    head,
                    justify="right" if side == "r" else "left",
                    fold=key in FOLD,
                    least=FOLD.get(key, 8),
                    drop=DROP.get(key, 0),
                    cells=[_cell(row[i], lang) for row in rows],
                )
                for i, (key, head, side) in enumerate(zip(keys, heads, align, strict=True))
            ]
            fitted = fit_table(columns, len(rows), width, header_style="bold")
            parts.append(fitted.table)
            if fitted.dropped:
                note = label("columns_left_out", lang).format(columns=", ".join(fitted.dropped))
                parts.append(Text(note, style="dim"))
    return Group(*parts)


def report_renderables(
    month: Month,
    summaries: Sequence[Summary],
    sections: Sequence[list[Block]],
    lang: str,
    width: int,
    supervision: Supervision | None = None,
) -> Iterator[RenderableType]:
    """The whole report for a terminal, piece by piece."""
    title = label("report_title", lang).format(month=month_name(month, lang))
    yield Text(title, style="bold underline")
    yield Text(label("report_as_of", lang).format(as_of=month.last, previous=month.previous().last))
    if not summaries:
        yield Text(label("report_no_plans", lang).format(month=month_name(month, lang)))
    if len(summaries) > 1:
        keys = ("plan", "completion", "change", *STATES)
        heads = [label(k, lang) for k in ("plan", "completion", "change")] + [label(s, lang) for s in STATES]
        rows = [
            [
                f"{p.title} ({p.id})",
                pct(p.completion),
                points(p.completion_change, lang),
                *(with_remark(str(p.counts[s]), signed_count(p.counts_change[s]), lang) for s in STATES),
            ]
            for p in summaries
        ]
        yield draw_section([("heading", label("overview", lang)), _table(keys, heads, "lrrrrrr", rows)], lang, width)
    if summaries and supervision is not None:
        yield draw_section(_supervision(supervision, lang, len(summaries) > 1), lang, width)
    for section in sections:
        yield draw_section(section, lang, width)

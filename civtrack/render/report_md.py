"""A monthly report (civtrack.reporting.Report) → Markdown.

The text reads in a terminal (tables are padded by display width, so Chinese
columns line up in a monospace font), in an email and on a git forge, and is
byte-identical for identical inputs: no clock, no locale, fixed orderings
(tests/golden/ holds the expected files).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from civtrack.compute import STATES
from civtrack.i18n import label
from civtrack.render.markdown import cell
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
from civtrack.reporting import Month, PlanReport, Report, Summary
from civtrack.supervision import Supervision
from civtrack.text import display_width, pct

_SIZED: dict[str, tuple[str, int]] = {}


def _sized(text: str) -> tuple[str, int]:
    """A cell's text made safe, and its display width: remembered, as most cells of a long report
    (dates, units, states, names, figures) repeat from row to row."""
    found = _SIZED.get(text)
    if found is None:
        safe = cell(text)
        found = (safe, display_width(safe))
        if len(_SIZED) < 200_000:
            _SIZED[text] = found
    return found


def table(head: list[str] | tuple[str, ...], rows: list[list[str]], align: str) -> list[str]:
    """A Markdown table padded by display width (``align``: one l or r per column)."""
    known = _SIZED.get
    padded: list[list[str]] = []
    widths: list[int] = []
    # Column by column: a long report has a million cells, and this is where they are laid out.
    for column, side in zip(zip(head, *rows, strict=True), align, strict=True):
        sized = [known(text) or _sized(text) for text in column]
        width = max(3, *(size for _, size in sized))
        if side == "r":
            padded.append([" " * (width - size) + text for text, size in sized])
        else:
            padded.append([text + " " * (width - size) for text, size in sized])
        widths.append(width)
    lines = ["| " + " | ".join(cells) + " |" for cells in zip(*padded, strict=True)]
    rule = "".join(
        f"{'-' * (w + 1)}:|" if side == "r" else f"{'-' * (w + 2)}|" for w, side in zip(widths, align, strict=True)
    )
    return [lines[0], "|" + rule, *lines[1:]]


def _text(c: str | Cell, lang: str) -> str:
    """Behind and overdue stand out in bold; a remark follows in italics."""
    if type(c) is str:
        return c
    text = f"**{c.text}**" if c.state in ("behind", "overdue") or c.alert in ("red", "orange") else c.text
    # The asterisks go inside the brackets: CommonMark does not open emphasis between 造 and （.
    return with_remark(text, f"*{c.remark}*", lang) if c.remark else text


def _listing(listing: Listing, lang: str) -> list[str]:
    title = f"### {with_remark(listing.title, str(len(listing.rows)), lang)}"
    if not listing.rows:
        return [title, "", label("none", lang), ""]
    rows = [[_text(c, lang) for c in row] for row in listing.rows]
    return [title, "", *table(listing.head, rows, listing.align), ""]


def _overview(summaries: Sequence[Summary], lang: str) -> list[str]:
    head = [label("plan", lang), label("completion", lang), label("change", lang), *(label(s, lang) for s in STATES)]
    rows = [
        [
            f"{p.title} ({p.id})",
            pct(p.completion),
            points(p.completion_change, lang),
            *(with_remark(str(p.counts[s]), signed_count(p.counts_change[s]), lang) for s in STATES),
        ]
        for p in summaries
    ]
    return ["## " + label("overview", lang), "", *table(head, rows, "lrrrrrr"), ""]


def _all_indicators(p: PlanReport, lang: str) -> list[str]:
    """Every indicator and part, with section rows (a Markdown table cannot span columns)."""
    blank = [""] * (len(ALL_INDICATOR_KEYS) - 1)
    rows = [[f"**{row}**", *blank] if type(row) is str else [_text(c, lang) for c in row]
            for row in all_indicator_rows(p, lang)]  # fmt: skip
    head = [label(k, lang) for k in ALL_INDICATOR_KEYS]
    return [f"### {label('all_indicators', lang)}", "", *table(head, rows, ALL_INDICATOR_ALIGN), ""]


def _supervision(sup: Supervision, lang: str, many_plans: bool) -> list[str]:
    """By responsible unit, Warnings and Not reported (one table per owner), across the report's plans."""
    ranking, warnings, not_reported, *owners = supervision_listings(sup, lang, many_plans)
    out = []
    for listing in (ranking, warnings):
        head = f"## {with_remark(listing.title, str(len(listing.rows)), lang)}" if listing is warnings else (
            f"## {listing.title}"
        )  # fmt: skip
        if listing.rows:
            out += [head, "", *table(listing.head, [[_text(c, lang) for c in row] for row in listing.rows],
                                     listing.align), ""]  # fmt: skip
        else:
            out += [head, "", label("none", lang), ""]
    out += [f"## {with_remark(not_reported.title, str(len(not_reported.rows)), lang)}", ""]
    if not owners:
        out += [label("none", lang), ""]
    for listing in owners:
        out += _listing(listing, lang)
    return out


def report_section(p: PlanReport, lang: str = "en") -> str:
    """One plan's part of the report (ends with a blank line)."""
    plan, now = p.plan, p.status
    meta = [cell(plan.organization)] if plan.organization else []
    meta.append(f"{label('period', lang)} {plan.period.start.isoformat()} – {plan.period.end.isoformat()}")
    out = [f"## {cell(plan.title)} ({plan.id})", "", " · ".join(meta), ""]
    completion = f"{label('plan_completion', lang).capitalize()} {pct(now.completion)}"
    out += [with_remark(f"**{completion}**", headline(p, lang), lang), ""]
    counts = [[label(s, lang), str(now.counts[s]), signed_count(p.counts_change[s])] for s in STATES]
    out += [*table([label(k, lang) for k in ("state", "indicator_count", "change")], counts, "lrr"), ""]
    for listing in listings(p, lang):
        out += _listing(listing, lang)
    out += _all_indicators(p, lang)
    return "\n".join(out) + "\n"


def report_chunks(
    month: Month,
    summaries: Sequence[Summary],
    sections: Sequence[str],
    lang: str = "en",
    supervision: Supervision | None = None,
) -> Iterator[str]:
    """The whole report in pieces, from its plans' summaries and sections (report_section), in order:
    written one after the other they make a document that ends with one newline. The sections may have
    been laid out in other processes; a long report is never joined into one string."""
    title = label("report_title", lang).format(month=month_name(month, lang))
    lines = [
        f"# {title}",
        "",
        label("report_as_of", lang).format(as_of=month.last, previous=month.previous().last),
        "",
    ]
    if not summaries:
        lines += [label("report_no_plans", lang).format(month=month_name(month, lang)), ""]
    if len(summaries) > 1:
        lines += _overview(summaries, lang)
    if summaries and supervision is not None:
        lines += _supervision(supervision, lang, len(summaries) > 1)
    # Every part ends with a blank line; the document with one newline.
    head = "\n".join(lines) + "\n"
    if not sections:
        yield head[:-1]
        return
    yield head
    yield from sections[:-1]
    yield sections[-1][:-1]


def report_markdown(report: Report, lang: str = "en") -> str:
    """The whole report as Markdown (ends with one newline)."""
    sections = [report_section(p, lang) for p in report.plans]
    return "".join(report_chunks(report.month, report.summaries, sections, lang, report.supervision))

"""A monthly report (civtrack.reporting.Report) → Markdown.

The text reads in a terminal (tables are padded by display width, so Chinese
columns line up in a monospace font), in an email and on a git forge, and is
byte-identical for identical inputs: no clock, no locale, fixed orderings
(tests/golden/ holds the expected files).
"""

from __future__ import annotations

from rich.cells import cell_len

from civtrack.compute import STATES
from civtrack.i18n import label
from civtrack.render.markdown import cell
from civtrack.render.report_text import (
    Cell,
    Listing,
    current_of_target,
    headline,
    listings,
    month_name,
    points,
    signed_count,
    with_remark,
)
from civtrack.reporting import PlanReport, Report
from civtrack.text import pct


def table(head: list[str] | tuple[str, ...], rows: list[list[str]], align: str) -> list[str]:
    """A Markdown table padded by display width (``align``: one l or r per column)."""
    cells = [[cell(text) for text in row] for row in [list(head), *rows]]
    widths = [max(3, *(cell_len(row[i]) for row in cells)) for i in range(len(head))]

    def line(row: list[str]) -> str:
        padded = []
        for text, width, side in zip(row, widths, align, strict=True):
            pad = " " * (width - cell_len(text))
            padded.append(pad + text if side == "r" else text + pad)
        return "| " + " | ".join(padded) + " |"

    rule = "".join(
        f"{'-' * (w + 1)}:|" if side == "r" else f"{'-' * (w + 2)}|" for w, side in zip(widths, align, strict=True)
    )
    return [line(cells[0]), "|" + rule, *(line(row) for row in cells[1:])]


def _text(c: Cell, lang: str) -> str:
    """Behind and overdue stand out in bold; a remark follows in italics."""
    text = f"**{c.text}**" if c.state in ("behind", "overdue") else c.text
    # The asterisks go inside the brackets: CommonMark does not open emphasis between 造 and （.
    return with_remark(text, f"*{c.remark}*", lang) if c.remark else text


def _listing(listing: Listing, lang: str) -> list[str]:
    title = f"### {with_remark(listing.title, str(len(listing.rows)), lang)}"
    if not listing.rows:
        return [title, "", label("none", lang), ""]
    rows = [[_text(c, lang) for c in row] for row in listing.rows]
    return [title, "", *table(listing.head, rows, listing.align), ""]


def _overview(report: Report, lang: str) -> list[str]:
    head = [label("plan", lang), label("completion", lang), label("change", lang), *(label(s, lang) for s in STATES)]
    rows = [
        [
            f"{p.plan.title} ({p.plan.id})",
            pct(p.status.completion),
            points(p.completion_change, lang),
            *(with_remark(str(p.status.counts[s]), signed_count(p.counts_change[s]), lang) for s in STATES),
        ]
        for p in report.plans
    ]
    return ["## " + label("overview", lang), "", *table(head, rows, "lrrrrrr"), ""]


def _all_indicators(p: PlanReport, lang: str) -> list[str]:
    """Every indicator and part, with section rows (a Markdown table cannot span columns)."""
    rows: list[list[str]] = []
    section: str | None = None
    for status in p.status.indicators:
        if status.section is not None and status.section != section:
            rows.append([f"**{status.section}**", "", "", "", "", "", ""])
        section = status.section
        for item, prefix in ((status, ""), *((part, "└ ") for part in status.parts)):
            before = p.previous_of(item.ref)
            rows.append([
                prefix + item.name,
                current_of_target(item, lang),
                pct(item.completion),
                points(item.completion - before.completion, lang) if before is not None else "—",
                item.due.isoformat(),
                _text(Cell(label(item.state, lang), state=item.state), lang),
                item.owner or "",
            ])  # fmt: skip
    keys = ("indicator", "current_target", "completion", "change", "due", "state", "owner")
    return [f"### {label('all_indicators', lang)}", "", *table([label(k, lang) for k in keys], rows, "lrrrlll"), ""]


def _plan(p: PlanReport, report: Report, lang: str) -> list[str]:
    plan, now = p.plan, p.status
    meta = [cell(plan.organization)] if plan.organization else []
    meta.append(f"{label('period', lang)} {plan.period.start.isoformat()} – {plan.period.end.isoformat()}")
    out = [f"## {cell(plan.title)} ({plan.id})", "", " · ".join(meta), ""]
    completion = f"{label('plan_completion', lang).capitalize()} {pct(now.completion)}"
    out += [with_remark(f"**{completion}**", headline(p, report, lang), lang), ""]
    counts = [[label(s, lang), str(now.counts[s]), signed_count(p.counts_change[s])] for s in STATES]
    out += [*table([label(k, lang) for k in ("state", "indicator_count", "change")], counts, "lrr"), ""]
    for listing in listings(p, report, lang):
        out += _listing(listing, lang)
    return out + _all_indicators(p, lang)


def report_markdown(report: Report, lang: str = "en") -> str:
    """The whole report as Markdown (ends with one newline)."""
    title = label("report_title", lang).format(month=month_name(report.month, lang))
    lines = [
        f"# {title}",
        "",
        label("report_as_of", lang).format(as_of=report.as_of, previous=report.previous_as_of),
        "",
    ]
    if not report.plans:
        lines += [label("report_no_plans", lang).format(month=month_name(report.month, lang)), ""]
    if len(report.plans) > 1:
        lines += _overview(report, lang)
    for plan_report in report.plans:
        lines += _plan(plan_report, report, lang)
    return "\n".join(lines).rstrip("\n") + "\n"

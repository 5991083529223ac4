"""Statuses → a rich table per plan, for the terminal.

rich measures East Asian wide characters as two cells, so Chinese names align;
tests/test_render_table.py checks that every column starts at the same cell.
"""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text

from civtrack.compute import PlanStatus, Status
from civtrack.i18n import label
from civtrack.render import STATE_STYLES, grouped_by_section
from civtrack.text import fmt, pct

BAR_CELLS = 10


def progress_bar(completion: float, state: str) -> Text:
    """A bar of BAR_CELLS cells and the percent, coloured by state (over 100% shows full)."""
    filled = max(0, min(BAR_CELLS, round(completion / 100 * BAR_CELLS)))
    bar = Text("█" * filled, style=STATE_STYLES[state])
    bar.append("░" * (BAR_CELLS - filled), style="dim")
    bar.append(f" {pct(completion):>6}")
    return bar


def _target_text(status: Status) -> str:
    if status.kind == "milestone":
        return "—"
    return ("≤ " if status.comparator == "<=" else "") + fmt(status.target)


def _current_text(status: Status) -> str:
    if status.kind == "milestone":
        return "✓" if status.state == "done" else "○"
    return fmt(status.current)


def _row(table: Table, status: Status, lang: str, indent: str = "", chart: dict[str, str] | None = None) -> None:
    name = Text(indent + status.name)
    if indent:
        name.stylize("dim", 0, len(indent))
    table.add_row(
        name,
        _target_text(status),
        _current_text(status),
        Text(status.unit or ""),  # Text, not str: a unit like "[/]" is not rich markup
        progress_bar(status.completion, status.state),
        *([Text(chart.get(status.ref, ""), style=STATE_STYLES[status.state])] if chart is not None else []),
        status.due.isoformat(),
        Text(label(status.state, lang), style=STATE_STYLES[status.state]),
    )


def summary_line(plan: PlanStatus, lang: str) -> Text:
    line = Text(f"{label('plan_completion', lang)} ")
    line.append(pct(plan.completion), style="bold")
    for state, count in plan.counts.items():
        line.append("  ·  ")
        line.append(f"{label(state, lang)} {count}", style=STATE_STYLES[state] if count else "dim")
    return line


def plan_table(plan: PlanStatus, lang: str = "en", chart: dict[str, str] | None = None) -> Table:
    """``chart``: a sparkline per indicator and part (by ref), shown in a Trend column (status --chart)."""
    title = Text(plan.title, style="bold")
    title.append(f"  ({plan.id})  {label('as_of', lang)} {plan.as_of.isoformat()}", style="dim")
    table = Table(
        title=title,
        title_justify="left",
        caption=summary_line(plan, lang),
        caption_justify="left",
        header_style="bold",
        expand=False,
    )
    table.add_column(label("indicator", lang), overflow="fold", min_width=12, max_width=48)
    table.add_column(label("target", lang), justify="right", no_wrap=True)
    table.add_column(label("current", lang), justify="right", no_wrap=True)
    table.add_column(label("unit", lang), no_wrap=True)
    table.add_column(label("progress", lang), no_wrap=True)
    if chart is not None:
        table.add_column(label("trend", lang), no_wrap=True)
    table.add_column(label("due", lang), no_wrap=True)
    table.add_column(label("state", lang), no_wrap=True)
    for section, statuses in grouped_by_section(plan.indicators):
        if section is not None:
            table.add_row(Text(section, style="bold magenta"), end_section=False)
        for status in statuses:
            _row(table, status, lang, chart=chart)
            for part in status.parts:
                _row(table, part, lang, indent="  └ ", chart=chart)
        table.add_section()
    return table


def status_tables(plans: list[PlanStatus], lang: str = "en", charts: dict[str, dict[str, str]] | None = None) -> Group:
    """``charts``: per plan id, the sparklines of `plan_table`."""
    return Group(*(plan_table(plan, lang, None if charts is None else charts.get(plan.id, {})) for plan in plans))

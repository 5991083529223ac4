"""`status` tables for the terminal: the one writer of them, with or without colour.

``write_status_tables`` is all a command calls. It evaluates and lays out the plans (in forked
processes when there are many: civtrack.parallel) and writes each plan's table:

* laid out here (``plan_text``) when nothing wraps: each column as wide as its widest cell (rich's
  width rules, civtrack.text.display_width: a Chinese character takes two cells), padded by one
  space, a heavy-headed box, and, when the console has colour, the ANSI styles written here too.
  The characters and styles are exactly those rich's Table would print (tests/test_render_table.py
  compares them byte for byte, with and without colour), at a fraction of the cost: rich takes about
  20 µs a cell, 45 s for the 112,000 rows of 1,000 plans;
* by rich (``plan_table``) when a cell must wrap (a name wider than its column, a table wider than
  the terminal, a cell rich would read as markup), captured through the same console.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from rich.console import Group
from rich.table import Table
from rich.text import Text

from civtrack.compute import PlanStatus, Status
from civtrack.i18n import label
from civtrack.render import STATE_STYLES, grouped_by_section
from civtrack.text import WIDTHS, fmt, pct
from civtrack.text import display_width as _w

if TYPE_CHECKING:
    from rich.console import Console

BAR_CELLS = 10
# Below this many indicators (about 50 a plan), a fork costs more than it saves.
PARALLEL_MIN_INDICATORS = 5_000
# A name wider than this goes to rich, which folds it (the max_width of its column in plan_table).
NAME_MAX = 48
NAME_MIN = 12
INDENT = "  └ "

Charts = dict[str, dict[str, str]]  # plan id → ref → sparkline


# --- the one entry point ---------------------------------------------------------------------------


def write_status_tables(
    out: Console,
    plan_ids: Sequence[str],
    statuses_of: Callable[[list[str]], list[PlanStatus]],
    lang: str,
    charts_of: Callable[[list[PlanStatus]], Charts] | None = None,
) -> None:
    """The tables of ``plan_ids``, in order, on ``out``: ``statuses_of`` evaluates a share of them
    (in whichever process lays that share out), ``charts_of`` gives their sparklines (status --chart)."""
    from civtrack.parallel import map_shares, workers

    if not plan_ids:
        out.print(label("no_plans", lang))
        return
    styles = _styles(out)
    width = out.width

    def share_text(share: list[str]) -> str:
        statuses = statuses_of(share)
        charts = charts_of(statuses) if charts_of is not None else None
        texts = []
        for status in statuses:
            chart = None if charts is None else charts.get(status.id, {})
            text = plan_text(status, lang, width, styles, chart)
            if text is None:
                with out.capture() as captured:
                    out.print(plan_table(status, lang, chart))
                text = captured.get()
            texts.append(text)
        return "".join(texts)

    size = len(plan_ids) * 50  # indicators, roughly: counting them would build every plan here
    processes = workers() if size >= PARALLEL_MIN_INDICATORS else 1
    for text in map_shares(share_text, list(plan_ids), processes):
        out.file.write(text)
    out.file.flush()


# --- styles ----------------------------------------------------------------------------------------


class Styles:
    """The ANSI codes that open each style the tables use, as ``out`` writes them (its colour system,
    NO_COLOR), made once by rich itself; ``""`` opens nothing and needs no reset. Without colour every
    code is ``""`` and the writer gives plain text."""

    RESET = "\x1b[0m"

    def __init__(self, codes: dict[str, str]):
        self._codes = codes

    def open(self, style: str) -> str:
        return self._codes.get(style, "")

    def paint(self, text: str, style: str) -> str:
        code = self._codes.get(style, "")
        return f"{code}{text}{self.RESET}" if code and text else text

    def close(self, style: str) -> str:
        return self.RESET if self._codes.get(style) else ""


PLAIN = Styles({})
_STYLE_NAMES = ("bold", "dim", "bold dim", "bold magenta", *STATE_STYLES.values(),
                *(f"{style} dim" for style in STATE_STYLES.values()))  # fmt: skip


def _styles(out: Console) -> Styles:
    if out.color_system is None:
        return PLAIN
    from rich.style import Style

    codes = {}
    for name in _STYLE_NAMES:
        with out.capture() as captured:
            out.print(Text("\0", style=Style.parse(name)), end="")
        codes[name] = captured.get().partition("\0")[0]
    return Styles(codes)


# --- cells -----------------------------------------------------------------------------------------


def _target_text(status: Status) -> str:
    if status.kind == "milestone":
        return "—"
    return ("≤ " if status.comparator == "<=" else "") + fmt(status.target)


def _current_text(status: Status) -> str:
    if status.kind == "milestone":
        return "✓" if status.state == "done" else "○"
    return fmt(status.current)


# A cell as laid out: (text with its style codes, its width in cells, the codes that close it after
# the padding). A cell with a style of its own is padded inside it, as rich pads a styled Text.
Cell = tuple[str, int, str]


@functools.cache
def _bar(completion: float, state: str, styles: Styles) -> Cell:
    """The bar and percent of progress_bar: rich writes a run of one style as one segment, and pads the
    last inside its style."""
    filled = max(0, min(BAR_CELLS, round(completion / 100 * BAR_CELLS)))
    style = STATE_STYLES[state]
    runs = [("█" * filled, styles.open(style)), ("░" * (BAR_CELLS - filled), styles.open(f"{style} dim")),
            (f" {pct(completion):>6}", styles.open(style))]  # fmt: skip
    merged: list[list[str]] = []
    for text, code in runs:
        if not text:
            continue
        if merged and merged[-1][1] == code:
            merged[-1][0] += text
        else:
            merged.append([text, code])
    out = "".join(code + text + (styles.RESET if code else "") for text, code in merged[:-1])
    text, code = merged[-1]
    return out + code + text, BAR_CELLS + len(runs[2][0]), styles.RESET if code else ""


def _cell(text: str, style: str | None = None, styles: Styles = PLAIN) -> Cell:
    width = WIDTHS.get(text) or _w(text)
    if style is None or not styles.open(style):
        return text, width, ""
    return styles.open(style) + text, width, styles.RESET


def _cells(status: Status, lang: str, styles: Styles, chart: dict[str, str] | None, indent: bool = False) -> list[Cell]:
    if indent:
        name = status.name
        text = styles.paint(INDENT, "dim") + name
        name_cell = (text, len(INDENT) + (WIDTHS.get(name) or _w(name)), "")
    else:
        name_cell = _cell(status.name)
    state_style = STATE_STYLES[status.state]
    cells = [
        name_cell,
        _cell(_target_text(status)),
        _cell(_current_text(status)),
        _cell(status.unit or ""),
        _bar(status.completion, status.state, styles),
    ]
    if chart is not None:
        cells.append(_cell(chart.get(status.ref, ""), state_style, styles))
    cells.append(_cell(status.due.isoformat()))
    cells.append(_cell(label(status.state, lang), state_style, styles))
    return cells


# --- the layout ------------------------------------------------------------------------------------


def plan_text(
    plan: PlanStatus, lang: str, width: int, styles: Styles = PLAIN, chart: dict[str, str] | None = None
) -> str | None:
    """One plan's table as rich would print it in ``width`` cells (with ``styles``' colours), or None
    when rich must lay it out (something wraps)."""
    keys = ["indicator", "target", "current", "unit", "progress", *(["trend"] if chart is not None else []),
            "due", "state"]  # fmt: skip
    right = [key in ("target", "current") for key in keys]
    rows: list[tuple[list[Cell], bool]] = []  # (cells, ends a section)
    blank: Cell = ("", 0, "")
    for section, statuses in grouped_by_section(plan.indicators):
        start = len(rows)
        if section is not None:
            rows.append(([_cell(section, "bold magenta", styles)] + [blank] * (len(keys) - 1), False))
        for status in statuses:
            rows.append((_cells(status, lang, styles, chart), False))
            for part in status.parts:
                rows.append((_cells(part, lang, styles, chart, indent=True), False))
        if len(rows) > start:
            rows[-1] = (rows[-1][0], True)
    for status in _every(plan):
        # rich reads str cells as markup and :emoji: codes; leave such cells to it.
        for text in (_target_text(status), _current_text(status), status.unit or ""):
            if "[" in text or ":" in text:
                return None
    headers = [label(key, lang) for key in keys]
    widths: list[int] = []
    for index in range(len(keys)):
        natural = max(_w(headers[index]), max([row[index][1] for row, _ in rows], default=0))
        if index == 0:
            if natural > NAME_MAX:
                return None  # the name would fold onto a second line
            natural = max(natural, NAME_MIN)
        widths.append(natural + 2)
    table_width = sum(widths) + len(widths) + 1
    if table_width > width:
        return None
    title_tail = f"  ({plan.id})  {label('as_of', lang)} {plan.as_of.isoformat()}"
    title_width = _w(plan.title) + _w(title_tail)
    caption, caption_width = _summary(plan, lang, styles)
    if title_width > table_width or caption_width > table_width:
        return None
    spans = [w - 2 for w in widths]

    def rule(left: str, fill: str, mid: str, end: str) -> str:
        return left + mid.join(fill * w for w in widths) + end

    bold = styles.open("bold")
    title = styles.paint(plan.title, "bold") + styles.paint(title_tail, "bold dim")
    title += styles.paint(" " * (table_width - title_width), "bold")
    head = []
    for header, span, right_justify in zip(headers, spans, right, strict=True):
        pad = " " * (span - _w(header))
        text = pad + header if right_justify else header + pad
        head.append(
            styles.paint(" ", "bold") + (bold + text + styles.RESET if bold else text) + styles.paint(" ", "bold")
        )
    lines = [title, rule("┏", "━", "┳", "┓"), "┃" + "┃".join(head) + "┃", rule("┡", "━", "╇", "┩")]
    separator = rule("├", "─", "┼", "┤")
    # The body column by column (a thousand plans have a hundred thousand rows), then row by row.
    columns = []
    for index, (span, right_justify) in enumerate(zip(spans, right, strict=True)):
        column = [row[index] for row, _ in rows]
        if right_justify:
            columns.append([" " * (span - size + 1) + text + close + " " for text, size, close in column])
        else:
            columns.append([" " + text + " " * (span - size) + close + " " for text, size, close in column])
    last = len(rows) - 1
    for index, (cells, (_, ends)) in enumerate(zip(zip(*columns, strict=True), rows, strict=True)):
        lines.append("│" + "│".join(cells) + "│")
        if ends and index != last:
            lines.append(separator)
    lines.append(rule("└", "─", "┴", "┘"))
    lines.append(caption + " " * (table_width - caption_width))
    return "\n".join(lines) + "\n"


def _every(plan: PlanStatus) -> list[Status]:
    return [s for status in plan.indicators for s in (status, *status.parts)]


def _summary(plan: PlanStatus, lang: str, styles: Styles) -> tuple[str, int]:
    """The summary line under a table (summary_line's characters and styles) and its width."""
    head = f"{label('plan_completion', lang)} "
    text = head + styles.paint(pct(plan.completion), "bold")
    width = _w(head) + len(pct(plan.completion))
    for state, count in plan.counts.items():
        item = f"{label(state, lang)} {count}"
        text += "  ·  " + styles.paint(item, STATE_STYLES[state] if count else "dim")
        width += 5 + _w(item)
    return text, width


# --- rich, for the tables that wrap ------------------------------------------------------------------


def progress_bar(completion: float, state: str) -> Text:
    """A bar of BAR_CELLS cells and the percent, coloured by state (over 100% shows full)."""
    filled = max(0, min(BAR_CELLS, round(completion / 100 * BAR_CELLS)))
    bar = Text("█" * filled, style=STATE_STYLES[state])
    bar.append("░" * (BAR_CELLS - filled), style="dim")
    bar.append(f" {pct(completion):>6}")
    return bar


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
    """One plan's table as a rich Table: what plan_text writes when nothing wraps, and what rich lays
    out when something does. ``chart``: a sparkline per indicator and part (by ref), in a Trend column."""
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
    table.add_column(label("indicator", lang), overflow="fold", min_width=NAME_MIN, max_width=NAME_MAX)
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
                _row(table, part, lang, indent=INDENT, chart=chart)
        table.add_section()
    return table


def status_tables(plans: list[PlanStatus], lang: str = "en", charts: Charts | None = None) -> Group:
    """All plans' tables laid out by rich (the reference the tests compare plan_text with)."""
    return Group(*(plan_table(plan, lang, None if charts is None else charts.get(plan.id, {})) for plan in plans))

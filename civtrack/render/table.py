"""`status` tables for the terminal: the one writer of them, with or without colour.

``write_status_tables`` is all a command calls. It evaluates and lays out the plans (in forked
processes when there are many: civtrack.parallel) and writes each plan's table:

* laid out here (``plan_text``): each column as wide as its widest cell (rich's width rules,
  civtrack.text.display_width: a Chinese character takes two cells), padded by one space, a
  heavy-headed box, and, when the console has colour, the ANSI styles written here too. A name wider
  than its column (above NAME_MAX cells, or a table wider than the terminal), a title or a summary
  line wider than the table, fold as rich folds them (civtrack.render.fold).
  The characters and styles are exactly those rich's Table would print (tests/test_render_table.py
  compares them byte for byte, with and without colour), at a fraction of the cost: rich takes about
  20 µs a cell, 45 s for the 112,000 rows of 1,000 plans;
* by rich (``plan_table``) when folding is not certain to give rich's bytes (a terminal so narrow that
  rich overflows it, a control character in a name that folds, a cell rich would read as markup),
  captured through the same console.

It stays one module past 600 lines: the writer and the rich layout it must equal byte for byte (cells,
columns, widths) are read and changed together, and tests/test_render_table.py compares them as a pair.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

from rich.console import Group
from rich.table import Table
from rich.text import Text

from civtrack.compute import PlanStatus, Status
from civtrack.i18n import label
from civtrack.render import ALERT_STYLES, STALE_STYLE, STATE_STYLES, fold, grouped_by_section
from civtrack.text import WIDTHS, fmt, pct
from civtrack.text import display_width as _w

if TYPE_CHECKING:
    from rich.console import Console

    from civtrack.supervision import Watch

BAR_CELLS = 10
# Below this many indicators (about 50 a plan), a fork costs more than it saves.
PARALLEL_MIN_INDICATORS = 5_000
# A name wider than this folds (the max_width of its column in plan_table; civtrack.render.fold).
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
                    out.print(plan_table(status, lang, chart, width))
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


PLAIN = Styles({})
_STYLE_NAMES = ("bold", "dim", "bold dim", "bold magenta", STALE_STYLE, *STATE_STYLES.values(),
                *ALERT_STYLES.values(), *(f"{style} dim" for style in STATE_STYLES.values()))  # fmt: skip


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
# A run of text and its style (None: none): the pieces of a cell, a title or a summary line.
Segments = list[tuple[str, str | None]]

ALERT_MARK = "●"


def _bar(completion: float, state: str, styles: Styles) -> Cell:
    filled = max(0, min(BAR_CELLS, round(completion / 100 * BAR_CELLS)))
    return _bar_cell(filled, f" {pct(completion):>6}", state, styles)


@functools.lru_cache(maxsize=8192)
def _bar_cell(filled: int, percent: str, state: str, styles: Styles) -> Cell:
    """The bar and percent of progress_bar: rich writes a run of one style as one segment, and pads the
    last inside its style."""
    style = STATE_STYLES[state]
    runs = [("█" * filled, styles.open(style)), ("░" * (BAR_CELLS - filled), styles.open(f"{style} dim")),
            (percent, styles.open(style))]  # fmt: skip
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
    return out + code + text, BAR_CELLS + len(percent), styles.RESET if code else ""


def _cell(text: str, style: str | None = None, styles: Styles = PLAIN) -> Cell:
    width = WIDTHS.get(text) or _w(text)
    if style is None or not styles.open(style):
        return text, width, ""
    return styles.open(style) + text, width, styles.RESET


def _painted(segments: Segments, styles: Styles) -> tuple[str, int]:
    """Segments as rich writes a Text of spans (each run opened and closed), and their width."""
    text = "".join(styles.paint(piece, style) if style else piece for piece, style in segments)
    return text, sum(WIDTHS.get(piece) or _w(piece) for piece, _ in segments)


def _rich_text(segments: Segments) -> Text:
    return Text.assemble(*((piece, style) if style else piece for piece, style in segments))


def _state_segments(state: str, alert: str | None, stale: bool, lang: str) -> Segments:
    """The state word, with rule 11's marker before it (a blank where there is none, so that the words
    line up) and rule 12's after it."""
    segments: Segments = [(ALERT_MARK, ALERT_STYLES[alert]) if alert else (" ", None), (" ", None),
                          (label(state, lang), STATE_STYLES[state])]  # fmt: skip
    if stale:
        segments.append((" " + label("stale_mark", lang), STALE_STYLE))
    return segments


@functools.lru_cache(maxsize=1024)
def _state_cell(state: str, alert: str | None, stale: bool, lang: str, styles: Styles) -> Cell:
    text, width = _painted(_state_segments(state, alert, stale, lang), styles)
    return text, width, ""


def _projected_text(seen: Watch | None) -> str:
    return "—" if seen is None or seen.projected_completion is None else pct(seen.projected_completion)


# Plain cells (no style) by their text, and the texts of numbers (text.fmt) by value: most cells of a
# large table repeat from row to row (units, dates, targets, the same figures), and a lookup costs
# less than making the cell again. fmt depends only on the number's value (800 and 800.0 both give
# "800", as -0.0 and 0 give "0"), so equal keys give equal texts. Both are bounded.
_PLAIN_CELLS: dict[str, Cell] = {}
_NUMBERS: dict[object, str] = {}
_DUE_CELLS: dict[object, Cell] = {}
_MEMORY = 100_000


def _plain(text: str) -> Cell:
    """_cell(text): a cell without a style, remembered."""
    cell = _PLAIN_CELLS.get(text)
    if cell is None:
        cell = (text, WIDTHS.get(text) or _w(text), "")
        if len(_PLAIN_CELLS) < _MEMORY:
            _PLAIN_CELLS[text] = cell
    return cell


def _number(number: float | None) -> str:
    """fmt(number), remembered."""
    text = _NUMBERS.get(number)
    if text is None:
        text = fmt(number)
        if len(_NUMBERS) < _MEMORY:
            _NUMBERS[number] = text
    return text


def _cells(
    status: Status,
    lang: str,
    styles: Styles,
    chart: dict[str, str] | None,
    seen: Watch | None,
    supervised: bool,
    indent: bool = False,
) -> list[Cell]:
    """The cells of one row, in the order of ``_candidates`` (as _cell, _target_text, _current_text,
    _bar... make them; a test compares them with the cells made plainly)."""
    name = status.name
    if indent:
        name_cell = (styles.paint(INDENT, "dim") + name, len(INDENT) + (WIDTHS.get(name) or _w(name)), "")
    else:
        name_cell = _plain(name)
    state = status.state
    state_style = STATE_STYLES[state]
    completion = status.completion
    percent = pct(completion)
    if status.kind == "milestone":
        target = _plain("—")
        current = _plain("✓" if state == "done" else "○")
    else:
        target = _plain(("≤ " if status.comparator == "<=" else "") + _number(status.target))
        current = _plain(_number(status.current))
    filled = max(0, min(BAR_CELLS, round(completion / 100 * BAR_CELLS)))
    cells = [
        name_cell,
        target,
        current,
        _plain(status.unit or ""),
        _bar_cell(filled, f" {percent:>6}", state, styles),
        _cell(f"{percent:>6}", state_style, styles),
    ]
    if supervised:
        cells.append(
            _plain("—" if seen is None or seen.projected_completion is None else pct(seen.projected_completion))
        )
    if chart is not None:
        cells.append(_cell(chart.get(status.ref, ""), state_style, styles))
    due = _DUE_CELLS.get(status.due)
    if due is None:
        due = _plain(status.due.isoformat())
        if len(_DUE_CELLS) < _MEMORY:
            _DUE_CELLS[status.due] = due
    cells.append(due)
    if supervised:
        cells.append(_state_cell(state, seen and seen.alert, bool(seen and seen.stale), lang, styles))
    else:
        cells.append(_cell(label(state, lang), state_style, styles))
    return cells


# --- which columns fit -----------------------------------------------------------------------------

# The columns a table can have, in the order they stand; "percent" is "progress" without its bar.
RIGHT = frozenset({"target", "current", "projected"})
# When the table is wider than the terminal, columns go in this order until it fits (the bar first,
# then the trend, the due date, the unit...); the name, target, current and state always stay: the name folds instead, down
# to NAME_WANT cells before anything else must go.
DROP_ORDER = ("progress", "trend", "due", "unit", "projected", "percent")
NAME_WANT = 24
HEADER_KEYS = {"percent": "progress"}


def _candidates(supervised: bool, chart: bool) -> list[str]:
    return ["indicator", "target", "current", "unit", "progress", "percent", *(["projected"] if supervised else []),
            *(["trend"] if chart else []), "due", "state"]  # fmt: skip


def choose_columns(natural: dict[str, int], width: int | None, supervised: bool, chart: bool) -> list[str]:
    """The columns shown in ``width`` cells (every one but "percent" when ``width`` is None), given each
    column's natural width (its widest cell or header; the name's capped at NAME_MAX)."""
    keys = [key for key in _candidates(supervised, chart) if key != "percent"]
    if width is None:
        return keys

    def needed() -> int:
        return sum(min(natural[key], NAME_WANT) if key == "indicator" else natural[key] for key in keys) \
            + 3 * len(keys) + 1  # fmt: skip

    for drop in DROP_ORDER:
        if needed() <= width:
            break
        if drop == "progress" and "progress" in keys:
            keys[keys.index("progress")] = "percent"
        elif drop in keys:
            keys.remove(drop)
    return keys


# --- the layout ------------------------------------------------------------------------------------

# Rows grouped under a heading row (a section, or a plan in a view by owner), with the watches
# (rules 10–13, by ref) of their plan.
Group_ = tuple[str | None, Sequence[Status], "Mapping[str, Watch]"]


def _groups(plan: PlanStatus) -> list[Group_]:
    return [(section, statuses, plan.watches) for section, statuses in grouped_by_section(plan.indicators)]


def _plan_title(plan: PlanStatus, lang: str) -> tuple[str, str]:
    return plan.title, f"  ({plan.id})  {label('as_of', lang)} {plan.as_of.isoformat()}"


def plan_text(
    plan: PlanStatus, lang: str, width: int, styles: Styles = PLAIN, chart: dict[str, str] | None = None
) -> str | None:
    """One plan's table as rich would print it in ``width`` cells (with ``styles``' colours), or None
    when rich must lay it out (something wraps). Rules 10–13 show when ``plan`` has its watches
    (supervision.supervise)."""
    return table_text(_plan_title(plan, lang), _groups(plan), summary_lines(plan, lang), lang, width, styles, chart,
                      bool(plan.watches))  # fmt: skip


def table_text(
    title: tuple[str, str],
    groups: list[Group_],
    caption: list[Segments],
    lang: str,
    width: int,
    styles: Styles = PLAIN,
    chart: dict[str, str] | None = None,
    supervised: bool = False,
    columns: list[str] | None = None,
) -> str | None:
    """A table as rich would print it (``rich_table``'s), or None when rich must lay it out. ``columns``:
    the columns to show (default: choose_columns, for ``width``)."""
    candidates = _candidates(supervised, chart is not None)
    rows: list[tuple[list[Cell], bool]] = []  # (cells, ends a section)
    blank: Cell = ("", 0, "")
    for section, statuses, watches in groups:
        start = len(rows)
        if section is not None:
            rows.append(([_cell(section, "bold magenta", styles)] + [blank] * (len(candidates) - 1), False))
        for status in statuses:
            rows.append((_cells(status, lang, styles, chart, watches.get(status.ref), supervised), False))
            for part in status.parts:
                rows.append((_cells(part, lang, styles, chart, watches.get(part.ref), supervised, True), False))
        if len(rows) > start:
            rows[-1] = (rows[-1][0], True)
    # rich reads str cells as markup and :emoji: codes; leave such cells to it. (The target, current
    # and unit cells hold their texts as _target_text, _current_text and the unit give them; a
    # heading row's are blank.)
    for cells, _ in rows:
        for text, _, _ in cells[1:4]:
            if "[" in text or ":" in text:
                return None
    natural: dict[str, int] = {}
    for index, key in enumerate(candidates):
        size = max(_w(label(HEADER_KEYS.get(key, key), lang)), max([row[index][1] for row, _ in rows], default=0))
        if index == 0:
            name_natural = size
            size = min(NAME_MAX, max(size, NAME_MIN))  # as natural_widths: wider names fold (below)
        natural[key] = size
    keys = columns or choose_columns(natural, width, supervised, chart is not None)
    if len(keys) != len(candidates):
        chosen = [candidates.index(key) for key in keys]
        rows = [([cells[index] for index in chosen], ends) for cells, ends in rows]
    right = [key in RIGHT for key in keys]
    headers = [label(HEADER_KEYS.get(key, key), lang) for key in keys]
    widths = [natural[key] + 2 for key in keys]
    # Names wider than the column rich would give them fold, as rich folds them (civtrack.render.fold).
    span = fold.name_span(widths, name_natural, width, NAME_MIN, NAME_MAX)
    if span is None:
        return None
    if span < name_natural:
        folded = fold.fold_rows(rows, span, styles.open("bold magenta"), INDENT, styles.paint(INDENT, "dim"))
        if folded is None:
            return None
        rows = folded
    widths[0] = span + 2
    table_width = sum(widths) + len(widths) + 1
    if table_width > width:
        return None
    main, tail = title
    title_width = _w(main) + _w(tail)
    # A title or caption line wider than the table wraps, as rich wraps it (civtrack.render.fold).
    folded_title = None
    if title_width > table_width:
        folded_title = fold.wrap([(main, None), (tail, "dim")], table_width, styles, "bold")
        if folded_title is None:
            return None
    captions = [
        _painted(line, styles) if size <= table_width else fold.wrap(line, table_width, styles)
        for line, size in ((line, sum(_w(piece) for piece, _ in line)) for line in caption)
    ]
    if None in captions:
        return None
    spans = [w - 2 for w in widths]

    def rule(left: str, fill: str, mid: str, end: str) -> str:
        return left + mid.join(fill * w for w in widths) + end

    bold = styles.open("bold")
    heading = styles.paint(main, "bold") + styles.paint(tail, "bold dim")
    heading += styles.paint(" " * (table_width - title_width), "bold")
    if folded_title is not None:
        heading = folded_title[0]
    head = []
    for header, span, right_justify in zip(headers, spans, right, strict=True):
        pad = " " * (span - _w(header))
        text = pad + header if right_justify else header + pad
        head.append(
            styles.paint(" ", "bold") + (bold + text + styles.RESET if bold else text) + styles.paint(" ", "bold")
        )
    lines = [heading, rule("┏", "━", "┳", "┓"), "┃" + "┃".join(head) + "┃", rule("┡", "━", "╇", "┩")]
    separator = rule("├", "─", "┼", "┤")
    # The body column by column (a thousand plans have a hundred thousand rows), then row by row.
    # Each column is as wide as its widest cell (span - size >= 0): the padding is taken from ``pads``.
    pads = [" " * size for size in range(max(spans) + 2)]
    columns = []
    for index, (span, right_justify) in enumerate(zip(spans, right, strict=True)):
        column = [row[index] for row, _ in rows]
        if right_justify:
            columns.append([f"{pads[span - size + 1]}{text}{close} " for text, size, close in column])
        else:
            columns.append([f" {text}{pads[span - size]}{close} " for text, size, close in column])
    last = len(rows) - 1
    for index, (cells, (_, ends)) in enumerate(zip(zip(*columns, strict=True), rows, strict=True)):
        lines.append(f"│{'│'.join(cells)}│")
        if ends and index != last:
            lines.append(separator)
    lines.append(rule("└", "─", "┴", "┘"))
    lines.extend(text + " " * (table_width - size) for text, size in captions)
    return "\n".join(lines) + "\n"


# --- the lines under a table -----------------------------------------------------------------------


def summary_lines(plan: PlanStatus, lang: str) -> list[Segments]:
    """The plan's completion and the count of indicators in each state; when it has rows with an early
    warning or not reported (rules 11 and 12), a second line counting those rows, which also reads as
    the legend of the markers."""
    line: Segments = [(f"{label('plan_completion', lang)} ", None), (pct(plan.completion), "bold")]
    for state, count in plan.counts.items():
        line += [("  ·  ", None), (f"{label(state, lang)} {count}", STATE_STYLES[state] if count else "dim")]
    lines = [line]
    watches = plan.watches
    if watches:
        alerts = dict.fromkeys(ALERT_STYLES, 0)
        stale = 0
        for status in plan.indicators:
            for item in (status, *status.parts):
                seen = watches.get(item.ref)
                if seen is not None:
                    if seen.alert is not None:
                        alerts[seen.alert] += 1
                    stale += seen.stale
        legend: Segments = []
        for alert, count in alerts.items():
            if count:
                legend += [*([("  ·  ", None)] if legend else []), (ALERT_MARK, ALERT_STYLES[alert]),
                           (f" {label(alert, lang)} {count}", None)]  # fmt: skip
        if stale:
            legend += [*([("  ·  ", None)] if legend else []), (f"{label('stale_mark', lang)} {stale}", STALE_STYLE)]
        if legend:
            lines.append(legend)
    return lines


# --- rich, for the tables that wrap ------------------------------------------------------------------


def progress_bar(completion: float, state: str) -> Text:
    """A bar of BAR_CELLS cells and the percent, coloured by state (over 100% shows full)."""
    filled = max(0, min(BAR_CELLS, round(completion / 100 * BAR_CELLS)))
    bar = Text("█" * filled, style=STATE_STYLES[state])
    bar.append("░" * (BAR_CELLS - filled), style="dim")
    bar.append(f" {pct(completion):>6}")
    return bar


def _rich_cells(
    status: Status, lang: str, indent: str, chart: dict[str, str] | None, seen: Watch | None, supervised: bool
) -> dict[str, Text | str]:
    name = Text(indent + status.name)
    if indent:
        name.stylize("dim", 0, len(indent))
    style = STATE_STYLES[status.state]
    cells: dict[str, Text | str] = {
        "indicator": name,
        "target": _target_text(status),
        "current": _current_text(status),
        "unit": Text(status.unit or ""),  # Text, not str: a unit like "[/]" is not rich markup
        "progress": progress_bar(status.completion, status.state),
        "percent": Text(f"{pct(status.completion):>6}", style=style),
        "due": status.due.isoformat(),
    }
    if chart is not None:
        cells["trend"] = Text(chart.get(status.ref, ""), style=style)
    if supervised:
        cells["projected"] = _projected_text(seen)
        cells["state"] = _rich_text(_state_segments(status.state, seen and seen.alert, bool(seen and seen.stale), lang))
    else:
        cells["state"] = Text(label(status.state, lang), style=style)
    return cells


def summary_line(plan: PlanStatus, lang: str) -> Text:
    """The lines under a plan's table as one rich Text."""
    return _caption(summary_lines(plan, lang))


def _caption(lines: list[Segments]) -> Text:
    caption = Text()
    for index, line in enumerate(lines):
        if index:
            caption.append("\n")
        caption.append_text(_rich_text(line))
    return caption


def plan_table(
    plan: PlanStatus, lang: str = "en", chart: dict[str, str] | None = None, width: int | None = None
) -> Table:
    """One plan's table as a rich Table: what plan_text writes when nothing wraps, and what rich lays
    out when something does. ``chart``: a sparkline per indicator and part (by ref), in a Trend column;
    ``width``: the columns that fit in so many cells (choose_columns; all when None)."""
    return rich_table(_plan_title(plan, lang), _groups(plan), summary_lines(plan, lang), lang, chart, width,
                      bool(plan.watches))  # fmt: skip


def rich_table(
    title_parts: tuple[str, str],
    groups: list[Group_],
    caption: list[Segments],
    lang: str,
    chart: dict[str, str] | None = None,
    width: int | None = None,
    supervised: bool = False,
    columns: list[str] | None = None,
) -> Table:
    main, tail = title_parts
    title = Text(main, style="bold")
    title.append(tail, style="dim")
    table = Table(
        title=title,
        title_justify="left",
        caption=_caption(caption),
        caption_justify="left",
        header_style="bold",
        expand=False,
    )
    keys = columns or choose_columns(
        natural_widths(groups, lang, chart, supervised), width, supervised, chart is not None
    )
    for key in keys:
        header = label(HEADER_KEYS.get(key, key), lang)
        if key == "indicator":
            table.add_column(header, overflow="fold", min_width=NAME_MIN, max_width=NAME_MAX)
        else:
            table.add_column(header, justify="right" if key in RIGHT else "left", no_wrap=True)
    for section, statuses, watches in groups:
        if section is not None:
            table.add_row(Text(section, style="bold magenta"), end_section=False)
        for status in statuses:
            for item, indent in ((status, ""), *((part, INDENT) for part in status.parts)):
                cells = _rich_cells(item, lang, indent, chart, watches.get(item.ref), supervised)
                table.add_row(*(cells[key] for key in keys))
        table.add_section()
    return table


def natural_widths(groups: list[Group_], lang: str, chart: dict[str, str] | None, supervised: bool) -> dict[str, int]:
    """Each column's natural width (as table_text measures it), for choose_columns."""
    candidates = _candidates(supervised, chart is not None)
    natural = {key: _w(label(HEADER_KEYS.get(key, key), lang)) for key in candidates}
    for section, statuses, watches in groups:
        if section is not None:
            natural["indicator"] = max(natural["indicator"], _w(section))
        for status in statuses:
            for item, indent in ((status, False), *((part, True) for part in status.parts)):
                cells = _cells(item, lang, PLAIN, chart, watches.get(item.ref), supervised, indent)
                for key, (_, size, _) in zip(candidates, cells, strict=True):
                    if size > natural[key]:
                        natural[key] = size
    natural["indicator"] = min(NAME_MAX, max(NAME_MIN, natural["indicator"]))
    return natural


def status_tables(
    plans: list[PlanStatus], lang: str = "en", charts: Charts | None = None, width: int | None = None
) -> Group:
    """All plans' tables laid out by rich (the reference the tests compare plan_text with)."""
    return Group(
        *(plan_table(plan, lang, None if charts is None else charts.get(plan.id, {}), width) for plan in plans)
    )

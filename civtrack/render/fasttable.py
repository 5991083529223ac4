"""The status tables of civtrack.render.table, laid out without rich when nothing needs rich's layout.

rich measures, wraps and styles every cell through several layers of objects: about 20 µs a cell, so
45 s for the 112,000 rows of 1,000 plans. When the output has no colour (a file, a pipe, NO_COLOR) and no
cell would wrap (every name fits its column, the table fits the width), the layout is simple: each
column as wide as its widest cell, padded by one space, heavy-headed box. This module writes exactly the
characters rich would (tests/test_fastload.py compares them, byte for byte, with rich's output); in
every other case it returns None and rich renders the table.
"""

from __future__ import annotations

from civtrack.compute import PlanStatus, Status
from civtrack.i18n import label
from civtrack.render import grouped_by_section
from civtrack.render.table import BAR_CELLS, _current_text, _target_text
from civtrack.text import WIDTHS, pct
from civtrack.text import display_width as _w

# The columns of render.table.plan_table: (right-justified, min width, max width).
_COLUMNS = ((False, 12, 40), (True, None, None), (True, None, None), (False, None, None),
            (False, None, None), (False, None, None), (False, None, None))  # fmt: skip
_HEADERS = ("indicator", "target", "current", "unit", "progress", "due", "state")


def _bar(completion: float) -> str:
    filled = max(0, min(BAR_CELLS, round(completion / 100 * BAR_CELLS)))
    return "█" * filled + "░" * (BAR_CELLS - filled) + f" {pct(completion):>6}"


def _cells(status: Status, lang: str, indent: str = "") -> list[str]:
    return [
        indent + status.name,
        _target_text(status),
        _current_text(status),
        status.unit or "",
        _bar(status.completion),
        status.due.isoformat(),
        label(status.state, lang),
    ]


def _summary(plan: PlanStatus, lang: str) -> str:
    text = f"{label('plan_completion', lang)} {pct(plan.completion)}"
    for state, count in plan.counts.items():
        text += f"  ·  {label(state, lang)} {count}"
    return text


def plan_text(plan: PlanStatus, lang: str, width: int) -> str | None:
    """One plan's table as rich would print it without colour in ``width`` cells, or None."""
    rows: list[tuple[list[str], bool]] = []  # (cells, ends a section)
    for section, statuses in grouped_by_section(plan.indicators):
        start = len(rows)
        if section is not None:
            rows.append(([section, "", "", "", "", "", ""], False))
        for status in statuses:
            rows.append((_cells(status, lang), False))
            for part in status.parts:
                rows.append((_cells(part, lang, indent="  └ "), False))
        if len(rows) > start:
            rows[-1] = (rows[-1][0], True)
    headers = [label(name, lang) for name in _HEADERS]
    for cells, _ in rows:
        for cell in cells[1:4]:
            # rich reads str cells as markup and :emoji: codes; leave such cells to it.
            if "[" in cell or ":" in cell:
                return None
    known = WIDTHS.get
    sized = [[(cell, known(cell) or _w(cell)) for cell in cells] for cells, _ in rows]
    widths: list[int] = []
    for index, (_, min_width, max_width) in enumerate(_COLUMNS):
        natural = max(_w(headers[index]), max([row[index][1] for row in sized], default=0))
        if max_width is not None and natural > max_width:
            return None  # the name would fold onto a second line
        if min_width is not None:
            natural = max(natural, min_width)
        widths.append(natural + 2)
    table_width = sum(widths) + len(widths) + 1
    if table_width > width:
        return None
    title = f"{plan.title}  ({plan.id})  {label('as_of', lang)} {plan.as_of.isoformat()}"
    caption = _summary(plan, lang)
    if _w(title) > table_width or _w(caption) > table_width:
        return None
    spans = [w - 2 for w in widths]
    right = [column[0] for column in _COLUMNS]

    def line(cells: list[tuple[str, int]], left: str, mid: str, end: str) -> str:
        out = []
        for (cell, cell_width), span, right_justify in zip(cells, spans, right, strict=True):
            pad = " " * (span - cell_width)
            out.append(f" {pad}{cell} " if right_justify else f" {cell}{pad} ")
        return left + mid.join(out) + end

    def rule(left: str, fill: str, mid: str, end: str) -> str:
        return left + mid.join(fill * w for w in widths) + end

    lines = [title + " " * (table_width - _w(title)), rule("┏", "━", "┳", "┓")]
    lines.append(line([(h, _w(h)) for h in headers], "┃", "┃", "┃"))
    lines.append(rule("┡", "━", "╇", "┩"))
    separator = rule("├", "─", "┼", "┤")
    # The body column by column (a thousand plans have a hundred thousand rows), then row by row.
    columns = []
    for index, (span, right_justify) in enumerate(zip(spans, right, strict=True)):
        column = [row[index] for row in sized]
        if right_justify:
            columns.append([" " * (span - size + 1) + cell + " " for cell, size in column])
        else:
            columns.append([" " + cell + " " * (span - size + 1) for cell, size in column])
    last = len(rows) - 1
    for index, (cells, (_, ends)) in enumerate(zip(zip(*columns, strict=True), rows, strict=True)):
        lines.append("│" + "│".join(cells) + "│")
        if ends and index != last:
            lines.append(separator)
    lines.append(rule("└", "─", "┴", "┘"))
    lines.append(caption + " " * (table_width - _w(caption)))
    return "\n".join(lines) + "\n"

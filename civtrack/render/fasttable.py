"""The status tables of civtrack.render.table, laid out without rich when nothing needs rich's layout.

rich measures, wraps and styles every cell through several layers of objects: about 20 µs a cell, so
45 s for the 112,000 rows of 1,000 plans. When the output has no colour (a file, a pipe, NO_COLOR) and no
cell would wrap (every name fits its column, the table fits the width), the layout is simple: each
column as wide as its widest cell, padded by one space, heavy-headed box. This module writes exactly the
characters rich would (tests/test_fastload.py compares them, byte for byte, with rich's output); in
every other case it returns None and rich renders the table.
"""

from __future__ import annotations

from rich.cells import cell_len

from civtrack.compute import PlanStatus, Status
from civtrack.i18n import label
from civtrack.render import grouped_by_section
from civtrack.render.table import BAR_CELLS, _current_text, _target_text
from civtrack.text import pct

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
        group: list[list[str]] = []
        if section is not None:
            group.append([section, "", "", "", "", "", ""])
        for status in statuses:
            group.append(_cells(status, lang))
            for part in status.parts:
                group.append(_cells(part, lang, indent="  └ "))
        rows.extend((cells, False) for cells in group)
        if rows:
            rows[-1] = (rows[-1][0], True)
    headers = [label(name, lang) for name in _HEADERS]
    for cells, _ in rows:
        for cell in cells[1:4]:
            # rich reads str cells as markup and :emoji: codes; leave such cells to it.
            if "[" in cell or ":" in cell:
                return None
    widths: list[int] = []
    for index, (_, min_width, max_width) in enumerate(_COLUMNS):
        natural = max([cell_len(headers[index]), *(cell_len(cells[index]) for cells, _ in rows)])
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
    if cell_len(title) > table_width or cell_len(caption) > table_width:
        return None

    def line(cells: list[str], left: str, mid: str, right: str) -> str:
        out = []
        for cell, w, (right_justify, _, _) in zip(cells, widths, _COLUMNS, strict=True):
            pad = " " * (w - 2 - cell_len(cell))
            out.append(f" {pad}{cell} " if right_justify else f" {cell}{pad} ")
        return left + mid.join(out) + right

    def rule(left: str, fill: str, mid: str, right: str) -> str:
        return left + mid.join(fill * w for w in widths) + right

    lines = [title + " " * (table_width - cell_len(title)), rule("┏", "━", "┳", "┓"), line(headers, "┃", "┃", "┃")]
    lines.append(rule("┡", "━", "╇", "┩"))
    for index, (cells, ends) in enumerate(rows):
        lines.append(line(cells, "│", "│", "│"))
        if ends and index != len(rows) - 1:
            lines.append(rule("├", "─", "┼", "┤"))
    lines.append(rule("└", "─", "┴", "┘"))
    lines.append(caption + " " * (table_width - cell_len(caption)))
    return "\n".join(lines) + "\n"

"""Tables that fit the terminal: columns fold or drop by priority, nothing is cut off (issue 13).

A column is kept whole (``fold=False``: dates, figures, states) or may fold onto several lines down
to ``least`` cells (notes, names). When the table's narrowest form is still wider than the terminal,
the column with the highest ``drop`` goes first (0: never), then the next; when only the columns that
never drop are left and they still do not fit, the borders go (``box=None``). The caller says which
columns were left out (``Fitted.dropped``), so that nothing disappears silently.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from rich import box
from rich.cells import cell_len
from rich.table import Table
from rich.text import Text


@dataclass
class Column:
    header: str
    justify: str = "left"
    fold: bool = False  # may wrap onto several lines (overflow fold), down to ``least`` cells
    least: int = 8
    most: int | None = None  # the widest it gets, even when there is room
    drop: int = 0  # 0: always shown; otherwise the highest drops first
    cells: list[Any] = field(default_factory=list)

    def natural(self) -> int:
        """The width it takes unfolded (capped by ``most``)."""
        widths = [cell_len(self.header), *(_width(cell) for cell in self.cells)]
        natural = max(widths)
        return min(natural, self.most) if self.most else natural

    def narrowest(self) -> int:
        return min(self.natural(), self.least) if self.fold else self.natural()


def _width(cell: Any) -> int:
    text = cell.plain if isinstance(cell, Text) else str(cell)
    return max((cell_len(line) for line in text.splitlines()), default=0)


@dataclass
class Fitted:
    table: Table
    dropped: list[str]  # headers of the columns left out


def fit_table(columns: Sequence[Column], rows: int, width: int, **table_options: Any) -> Fitted:
    """The table of ``columns`` (each with ``rows`` cells) at most ``width`` cells wide."""
    kept = list(columns)
    dropped: list[Column] = []

    def narrowest(bordered: bool) -> int:
        cells = sum(column.narrowest() for column in kept)
        return cells + (3 * len(kept) + 1 if bordered else 2 * len(kept) - 2)

    while narrowest(True) > width and any(column.drop for column in kept):
        worst = max((column for column in kept if column.drop), key=lambda column: column.drop)
        kept.remove(worst)
        dropped.append(worst)
    bordered = narrowest(True) <= width
    options = dict(table_options)
    if not bordered:
        options.update(box=None, pad_edge=False, show_edge=False)
    else:
        options.setdefault("box", box.HEAVY_HEAD)
    table = Table(**options)
    for column in kept:
        table.add_column(
            column.header,
            justify=column.justify,  # type: ignore[arg-type]
            no_wrap=not column.fold,
            overflow="fold",
            max_width=column.most if column.fold else None,
        )
    for i in range(rows):
        table.add_row(*(column.cells[i] for column in kept))
    order = {id(column): n for n, column in enumerate(columns)}
    return Fitted(table, [column.header for column in sorted(dropped, key=lambda c: order[id(c)])])

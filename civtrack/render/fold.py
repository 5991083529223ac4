"""Names folded as rich's Table folds them: the one place civtrack reproduces rich's wrapping of a cell.

``civtrack.render.table`` lays a plan's table out itself. When the name column must be narrower than
its widest name (a name or section wider than NAME_MAX cells, or a table wider than the terminal once
choose_columns has dropped what it may), rich's Table would fold the names; this module gives the
same lines, so that the table stays on the fast path:

* ``name_span``: the width rich's Table gives the name column (``Table._calculate_column_widths``:
  each column as wide as its widest cell plus padding, the name column clamped to its min_width and
  max_width; when the table is wider than the console, ``_collapse_widths`` takes the excess from the
  only column that may wrap, the name's);
* ``fold_name``: a name cell's lines as ``rich.text.Text.wrap`` makes them (justify "left", overflow
  "fold"): rich's own ``rich._wrap.divide_line`` (words split after their whitespace, a word wider than
  the column folded by cells, a wide character never split), then ``rstrip_end``, the crop and the
  padding of each line, with the cell's style as rich writes it.

Where rich would do something this module does not reproduce with certainty (a control character or
line break in a name, a column that rich would crop, a name column pushed under its min_width so that
the table overflows the console) these return None and the table goes to rich.

(The help's wrapping, civtrack.helplang.cjk_words, is another thing: a different word splitter that
rich's own divide_line uses while a help renders. The tables use rich's default, whitespace words.)
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from rich._wrap import divide_line
from rich.cells import cell_len, set_cell_size

if TYPE_CHECKING:
    from civtrack.render.table import Styles

# Text.rstrip_end's pattern.
_TRAILING_SPACE = re.compile(r"\s+$")
# What rich reads otherwise than as printable text: line breaks (Text.split, str.splitlines in its
# measurement), tabs (expanded), control codes (stripped by Text).
_UNSURE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def name_span(widths: list[int], natural: int, width: int, name_min: int, name_max: int) -> int | None:
    """The cells inside the padding rich's Table gives the name column, or None when rich would do more
    than fold the names.

    ``widths``: each shown column's width with its padding (the first, the name's, is not read);
    ``natural``: the widest cell of the name column (header included), however wide; ``width``: the
    console's; ``name_min``/``name_max``: the column's min_width and max_width."""
    available = width - len(widths) - 1  # the borders
    others = widths[1:]
    if available < name_min + 2 or any(size > available for size in others):
        return None  # rich would crop a column that may not wrap
    name = min(max(min(natural + 2, available), name_min + 2), name_max + 2)
    excess = name + sum(others) - available
    if excess > 0:
        name -= excess
        if name < name_min + 2:
            return None  # rich would measure it back up to its min_width: the table overflows
    return name - 2


def fold(text: str, width: int) -> list[tuple[int, str, str | None]] | None:
    """``text``'s lines in ``width`` cells as rich's Text.wrap(justify="left", overflow="fold") gives
    them: each with where it starts in ``text``, its text, and the spaces that pad it to ``width``
    inside its style (None: it was cropped, and is a cell short if a wide character was cut in two);
    None when ``text`` has anything rich reads otherwise than as text."""
    if _UNSURE.search(text):
        return None
    offsets = divide_line(text, width, fold=True)
    bounds = [0, *offsets, len(text)]
    lines = []
    for start, end in zip(bounds, bounds[1:], strict=False):
        line = text[start:end]
        excess = len(line) - width  # Text.rstrip_end counts characters, not cells
        if excess > 0:
            spaces = _TRAILING_SPACE.search(line)
            if spaces is not None:
                line = line[: len(line) - min(len(spaces.group(0)), excess)]
        size = cell_len(line)
        if size > width:  # Text.truncate: cropped (the spaces after a word, most often), not padded
            line = set_cell_size(line, width)
            lines.append((start, line, "" if cell_len(line) == width else None))
        else:
            lines.append((start, line, " " * (width - size)))
    return lines


def wrap(
    segments: list[tuple[str, str | None]], width: int, styles: Styles, base: str | None = None
) -> tuple[str, int] | None:
    """A line of styled runs (a table's title or one line of its caption, each run a span of a rich
    Text whose own style is ``base``) wrapped in ``width`` cells as rich prints it: its lines joined,
    each padded to ``width`` (the padding in ``base``), and ``width``; None when unsure.

    rich writes a segment from one span boundary to the next: the runs without a style of their own
    and the padding after them are one segment, each styled run is its own."""
    text = "".join(piece for piece, _ in segments)
    lines = fold(text, width)
    if lines is None or any(pad is None for _, _, pad in lines):
        return None  # a cropped line is not padded here: not worth reproducing
    spans = []
    offset = 0
    for piece, style in segments:
        if piece:
            spans.append((offset, offset + len(piece), style))
            offset += len(piece)
    out = []
    for start, line, pad in lines:
        end = start + len(line)
        pieces: list[tuple[str, str | None]] = []
        for a, b, style in spans:
            a, b = max(a, start), min(b, end)
            if a < b:
                pieces.append((text[a:b], style))
        pieces.append((pad or "", None))
        rendered = []
        run = ""
        for piece, style in pieces:
            if style is None:
                run += piece
                continue
            if run:
                rendered.append(styles.paint(run, base) if base else run)
                run = ""
            rendered.append(styles.paint(piece, f"{base} {style}" if base else style))
        if run:
            rendered.append(styles.paint(run, base) if base else run)
        out.append("".join(rendered))
    return "\n".join(out), width


def fold_name(
    cell: tuple[str, int, str], width: int, opening: str, indent: str, dim: str
) -> list[tuple[str, int, str]] | None:
    """A cell of the name column (as civtrack.render.table makes it: text with its style codes, its
    width, the codes closing it) folded in ``width`` cells: one cell a line, each as wide as ``width``.
    ``opening``: the code a section heading opens with (bold magenta; ``""`` without colour);
    ``indent``: a part's indent and ``dim`` the same indent painted, as the cell starts with them."""
    text, size, close = cell
    if size <= width:
        return [cell]
    if close and opening and text.startswith(opening):  # a section heading, in its style
        plain, style, head = text[len(opening) :], opening, ""
    elif dim != indent and text.startswith(dim):  # a part, its indent dim
        plain, style, head = indent + text[len(dim) :], "", dim
    elif close:
        return None
    else:
        plain, style, head = text, "", ""
    lines = fold(plain, width)
    if lines is None:
        return None
    cells = []
    for index, (_, line, pad) in enumerate(lines):
        outside = " " * (width - cell_len(line)) if pad is None else ""
        line += pad or ""
        if index == 0 and head:
            if not line.startswith(indent):
                return None
            line = head + line[len(indent) :]
        if style:
            line = f"{style}{line}{close}"
        cells.append((line + outside, width, ""))
    return cells


def fold_rows(
    rows: list[tuple[list[tuple[str, int, str]], bool]], width: int, opening: str, indent: str, dim: str
) -> list[tuple[list[tuple[str, int, str]], bool]] | None:
    """``rows`` (cells, whether the row ends a section) with each name wider than ``width`` folded: a
    row per line, the other cells of the further lines blank (rich pads them with spaces); None when
    a name cannot be folded with certainty."""
    out = []
    for cells, ends in rows:
        name = cells[0]
        if name[1] <= width:
            out.append((cells, ends))
            continue
        lines = fold_name(name, width, opening, indent, dim)
        if lines is None:
            return None
        blank = [("", 0, "")] * (len(cells) - 1)
        last = len(lines) - 1
        for index, line in enumerate(lines):
            out.append(([line, *(cells[1:] if index == 0 else blank)], ends and index == last))
    return out

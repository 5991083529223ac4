"""Small text helpers shared by messages and renderers."""

from __future__ import annotations


def fmt(number: float | int | None) -> str:
    """A number as people write it: 800, not 800.0; 12.5 stays 12.5."""
    if number is None:
        return "—"
    if float(number).is_integer():
        return str(int(number))
    return f"{number:.6g}"


def pct(number: float | None) -> str:
    """A completion in percent with one decimal, as shown to people."""
    return "—" if number is None else f"{number:.1f}%"


# display_width's memory. Layout loops over a million cells look a text up here first and call
# display_width only when it is missing: the call costs more than the lookup.
WIDTHS: dict[str, int] = {}


def display_width(text: str) -> int:
    """Terminal cells ``text`` takes (a Chinese character two): rich's cell_len, remembered, because
    most cells of a large table (units, dates, states, numbers, names) repeat from row to row."""
    width = WIDTHS.get(text)
    if width is None:
        if text.isascii():
            width = len(text)
        else:
            from rich.cells import cell_len

            width = cell_len(text)
        if len(WIDTHS) < 100_000:
            WIDTHS[text] = width
    return width

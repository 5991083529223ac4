"""Small text helpers shared by messages and renderers."""

from __future__ import annotations

import re
from typing import Any


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


def shown(value: Any, limit: int = 60) -> str:
    """A value from an input file as a message quotes it: short, one line, no control characters.

    Messages echo what the user wrote; a 10 MB line or an escape sequence must not
    be echoed whole to the terminal.
    """
    text = value if isinstance(value, str) else str(value)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return _CONTROL_IN_MESSAGE.sub(_escape, text)


# Control characters, and lone surrogates (undecodable bytes of a file name): a
# terminal must not receive the first, and a strict UTF-8 stdout cannot print the second.
_CONTROL_IN_MESSAGE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
_ESCAPES = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    return _ESCAPES.get(char) or f"\\u{ord(char):04x}"

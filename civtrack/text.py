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

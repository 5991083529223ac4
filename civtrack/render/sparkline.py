"""A sparkline: a series of completions as block characters, for `status --chart`."""

from __future__ import annotations

import math
from collections.abc import Sequence

# Zero has a block of its own, so that "nothing yet" differs from "a little".
ZERO, LEVELS = "▁", "▂▃▄▅▆▇█"


def sparkline(values: Sequence[float], top: float = 100.0, width: int | None = 12) -> str:
    """One character per value (the last ``width`` values): ▁ for 0 or less, one level
    for each sixth of the way to ``top``, and the full block only from ``top`` on (so
    95% does not pass for done)."""
    shown = values[-width:] if width else values
    out = []
    for value in shown:
        if value <= 0:
            out.append(ZERO)
        elif value >= top:
            out.append(LEVELS[-1])
        else:
            out.append(LEVELS[min(len(LEVELS) - 2, math.floor(value / top * (len(LEVELS) - 1)))])
    return "".join(out)

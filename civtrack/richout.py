"""The rich console that commands print to."""

from __future__ import annotations

import os

from rich.console import Console


def console(stderr: bool = False) -> Console:
    """A console that colours only terminals (and honours NO_COLOR / FORCE_COLOR).

    When the output is not a terminal, lines are made wide enough for a table of
    Chinese names rather than folded at rich's default of 80 cells.
    """
    out = Console(stderr=stderr, highlight=False)
    if not out.is_terminal and "COLUMNS" not in os.environ:
        out = Console(stderr=stderr, highlight=False, width=120)
    return out

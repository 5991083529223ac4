"""Statuses → things to read: a rich table, JSON, CSV, Markdown (and reports elsewhere).

Renderers are pure: they take computed statuses and return text (or a rich
renderable); every label comes from civtrack.i18n.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from civtrack.compute import PlanStatus, Status

STATE_STYLES: dict[str, str] = {
    "done": "green",
    "on-track": "cyan",
    "behind": "yellow",
    "overdue": "bold red",
}

# Rule 11's early warnings, as the terminal colours them (the marker beside the state).
ALERT_STYLES: dict[str, str] = {
    "red": "red",
    "orange": "dark_orange",
    "yellow": "yellow",
    "blue": "blue",
}
STALE_STYLE = "magenta"  # rule 12's marker of an item not reported


def walk(plan: PlanStatus) -> Iterator[tuple[Status, Status | None]]:
    """Every indicator, then its parts: (status, parent or None)."""
    for status in plan.indicators:
        yield status, None
        for part in status.parts:
            yield part, status


def grouped_by_section(statuses: Iterable[Status]) -> list[tuple[str | None, list[Status]]]:
    """Indicators grouped by section, sections in order of first appearance."""
    groups: dict[str | None, list[Status]] = {}
    for status in statuses:
        groups.setdefault(status.section, []).append(status)
    return list(groups.items())

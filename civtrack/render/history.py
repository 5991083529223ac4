"""An indicator's history (civtrack.commands.history) → a rich table, or JSON."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from rich.table import Table
from rich.text import Text

from civtrack.compute import Status
from civtrack.git import Origin, short
from civtrack.i18n import label
from civtrack.load import EntryAt
from civtrack.render import STATE_STYLES
from civtrack.text import fmt, pct


@dataclass(frozen=True)
class Step:
    """One entry and the indicator (or part) right after it."""

    item: EntryAt
    file: str  # progress/<plan>/<YYYY-MM>.yaml
    status: Status
    origin: Origin | None  # None outside a git repository


def history_table(
    title: str, subtitle: str, steps: list[Step], lang: str, in_git: bool, show_parts: bool = False
) -> Table:
    heading = Text(title, style="bold")
    heading.append(f"  {subtitle}", style="dim")
    table = Table(title=heading, title_justify="left", header_style="bold", expand=False)
    table.add_column(label("date", lang), no_wrap=True)
    if show_parts:
        table.add_column(label("part", lang), no_wrap=True)
    table.add_column(label("value", lang), justify="right", no_wrap=True)
    table.add_column(label("current", lang), justify="right", no_wrap=True)
    table.add_column(label("completion", lang), justify="right", no_wrap=True)
    table.add_column(label("state", lang), no_wrap=True)
    table.add_column(label("note", lang), overflow="fold", max_width=40)
    table.add_column(label("by", lang), overflow="fold", max_width=16)
    if in_git:
        table.add_column(label("commit", lang), no_wrap=True)
        table.add_column(label("author", lang), overflow="fold", max_width=20)
        table.add_column(label("committed", lang), no_wrap=True)
    for step in steps:
        entry = step.item.entry
        status = step.status
        if entry.value is not None:
            value = fmt(entry.value)
        else:
            value = "✓" if entry.done else "○"
        current = ("✓" if status.state == "done" else "○") if status.kind == "milestone" else fmt(status.current)
        row: list[Any] = [entry.date.isoformat(), *([entry.part_id or ""] if show_parts else []), value]
        row += [
            current,
            pct(status.completion),
            Text(label(status.state, lang), style=STATE_STYLES[status.state]),
            entry.note or "",
            entry.by or "",
        ]
        if in_git:
            origin = step.origin
            if origin is None or origin.commit is None:
                row += [Text(label("uncommitted", lang), style="yellow"), "", ""]
            else:
                row += [
                    short(origin.commit),
                    origin.author or "",
                    origin.date.date().isoformat() if origin.date else "",
                ]
        table.add_row(*row)
    return table


def step_dict(step: Step) -> dict[str, Any]:
    entry = step.item.entry
    status = step.status
    milestone = status.kind == "milestone"
    origin = step.origin
    data: dict[str, Any] = {
        "date": entry.date.isoformat(),
        "indicator": entry.indicator,
        "value": entry.value,
        "done": entry.done,
        "unit": entry.unit,
        "note": entry.note,
        "by": entry.by,
        "evidence": entry.evidence,
        "file": step.file,
        "line": step.item.line,
        "current": None if milestone else status.current,
        "completion": status.completion,
        "state": status.state,
        "commit": origin.commit if origin else None,
        "author": origin.author if origin else None,
        "email": origin.email if origin else None,
        "committed": origin.date.isoformat() if origin and origin.date else None,
    }
    return data


def history_json(header: dict[str, Any], steps: list[Step]) -> str:
    document = {**header, "entries": [step_dict(step) for step in steps]}
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"

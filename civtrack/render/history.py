"""An indicator's history (civtrack.commands.history) → a rich table, or JSON."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from rich.console import Group, RenderableType
from rich.text import Text

from civtrack.compute import Status
from civtrack.git import Origin, short
from civtrack.i18n import label
from civtrack.load import EntryAt
from civtrack.render import STATE_STYLES
from civtrack.render.fit import Column, fit_table
from civtrack.text import fmt, pct


@dataclass(frozen=True)
class Step:
    """One entry and the indicator (or part) right after it."""

    item: EntryAt
    file: str  # progress/<plan>/<YYYY-MM>.yaml
    status: Status
    origin: Origin | None  # None outside a git repository


def history_table(
    title: str,
    subtitle: str,
    steps: list[Step],
    lang: str,
    in_git: bool,
    show_parts: bool = False,
    part_names: dict[str, str] | None = None,
    width: int = 200,
) -> RenderableType:
    """The entries, one a row, at most ``width`` cells wide (civtrack.render.fit): date, part, value,
    current, completion and state always; the commit's date, who reported, the commit, the note and the
    author fold, then drop (in that order of keeping) when the terminal is narrow, and a last line says
    which were left out."""
    names = part_names or {}
    heading = Text(title, style="bold")
    heading.append(f"  {subtitle}", style="dim")
    date = Column(label("date", lang))
    part = Column(label("part", lang), fold=True, least=4, most=20)
    value = Column(label("value", lang), justify="right")
    current = Column(label("current", lang), justify="right")
    completion = Column(label("completion", lang), justify="right")
    state = Column(label("state", lang))
    note = Column(label("note", lang), fold=True, least=12, most=40, drop=5)
    by = Column(label("by", lang), fold=True, least=10, most=16, drop=2)
    commit = Column(label("commit", lang), drop=3)
    author = Column(label("author", lang), fold=True, least=6, most=20, drop=6)
    committed = Column(label("committed", lang), drop=1)
    for step in steps:
        entry = step.item.entry
        status = step.status
        date.cells.append(entry.date.isoformat())
        part.cells.append(names.get(entry.part_id or "", entry.part_id or ""))
        if entry.value is not None:
            value.cells.append(fmt(entry.value))
        else:
            value.cells.append("✓" if entry.done else "○")
        milestone = status.kind == "milestone"
        current.cells.append(("✓" if status.state == "done" else "○") if milestone else fmt(status.current))
        completion.cells.append(pct(status.completion))
        state.cells.append(Text(label(status.state, lang), style=STATE_STYLES[status.state]))
        note.cells.append(entry.note or "")
        by.cells.append(entry.by or "")
        origin = step.origin
        if origin is None or origin.commit is None:
            # Said in the column kept longest, so that it shows at any width.
            commit.cells.append("")
            author.cells.append("")
            committed.cells.append(Text(label("uncommitted", lang), style="yellow"))
        else:
            commit.cells.append(short(origin.commit))
            author.cells.append(origin.author or "")
            committed.cells.append(origin.date.date().isoformat() if origin.date else "")
    columns = [date, *([part] if show_parts else []), value, current, completion, state, note, by]
    if in_git:
        columns += [commit, author, committed]
    fitted = fit_table(columns, len(steps), width, header_style="bold", expand=False)
    parts: list[RenderableType] = [heading, fitted.table]
    if fitted.dropped:
        parts.append(Text(label("columns_left_out", lang).format(columns=", ".join(fitted.dropped)), style="dim"))
    return Group(*parts)


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

"""A comparison (civtrack.diffing) → rich text for review, or JSON for scripts and CI.

Rewrites (entries changed or removed, plan changes) come first, in bold red
with a ⚠, so that a lowered target cannot scroll past unnoticed; then the
indicators that moved, then the entries added.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from rich.cells import cell_len
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from civtrack.compute import Status
from civtrack.diffing import Diff, EntryChange, IndicatorChange, PlanChange, PlanDiff, entry_data
from civtrack.i18n import label
from civtrack.render import STATE_STYLES
from civtrack.text import fmt, pct

WARN = "bold red"
# The narrowest a note of the entries added gets (it wraps within its column) before each entry becomes
# a two-line record.
NOTE_LEAST = 20
ARROW = " → "


# --- one indicator, before → after (also used by `record`) -----------------------------


def _value(status: Status | None) -> str:
    if status is None:
        return "—"
    if status.kind == "milestone":
        return "✓" if status.state == "done" else "○"
    return fmt(status.current)


def _pair(old: str, new: str, style_old: str = "", style_new: str = "") -> Text:
    text = Text()
    if old != new:
        text.append(old, style=style_old or "dim")
        text.append(ARROW, style="dim")
    text.append(new, style=style_new)
    return text


def change_cells(old: Status | None, new: Status | None, lang: str) -> tuple[Text, Text, Text]:
    """``480 → 620 张``, ``60.0% → 77.5%``, ``behind → on track`` (one side only when unchanged)."""
    shown = new or old
    assert shown is not None
    value = _pair(_value(old), _value(new))
    if shown.kind != "milestone" and shown.unit:
        value.append(f" {shown.unit}")
    completion = _pair(pct(old.completion) if old else "—", pct(new.completion) if new else "—")
    old_state = label(old.state, lang) if old else "—"
    new_state = label(new.state, lang) if new else "—"
    state = _pair(
        old_state,
        new_state,
        STATE_STYLES.get(old.state, "") if old else "",
        STATE_STYLES.get(new.state, "") if new else "",
    )
    return value, completion, state


def change_grid(
    rows: list[tuple[str, Status | None, Status | None]], lang: str, indent: int = 0, width: int | None = None
) -> RenderableType:
    """Aligned lines ``name  value  completion  state``; when they are wider than ``width``, a two-line
    record each (the name, then its figures and state indented below it), nothing cut off."""
    cells = [(Text(" " * indent + name, style="bold"), *change_cells(old, new, lang)) for name, old, new in rows]
    widths = [max((cell_len(row[i].plain) for row in cells), default=0) for i in range(4)]
    if width is None or sum(widths) + 2 * 3 <= width:
        grid = Table.grid(padding=(0, 2))
        grid.add_column(no_wrap=True)
        grid.add_column(justify="right", no_wrap=True)
        grid.add_column(justify="right", no_wrap=True)
        grid.add_column(no_wrap=True)
        for row in cells:
            grid.add_row(*row)
        return grid
    records: list[RenderableType] = []
    for name, value, completion, state in cells:
        plain = name.plain
        inset = len(plain) - len(plain.lstrip(" "))
        name = Text(plain[inset:], style="bold", overflow="fold")
        figures = Text("  ").join([value, completion, state])
        figures.overflow = "fold"
        records += [_indented(name, inset), _indented(figures, inset + 2)]
    return Group(*records)


# --- text ------------------------------------------------------------------------------


def _when(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return ", ".join(f"{by} {fmt(v)}" for by, v in value) or "—"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return fmt(value)
    return "—" if value is None else str(value)


def change_label(change: PlanChange, lang: str) -> str:
    """``target lowered`` / ``目标下调`` (no space between Chinese words)."""
    space = "" if lang == "zh" else " "
    if change.field in ("indicator", "part", "plan"):
        return f"{label('change_' + change.field, lang)}{space}{label(change.what, lang)}"
    return f"{label('field_' + change.field, lang)}{space}{label(change.what, lang)}"


def _entry_cells(data: dict[str, Any], unit: str | None, name: str | None = None) -> tuple[Text, Text, Text, Text]:
    """date, name (the reference where the plan has none), value (with unit), note (and who reported it)."""
    if "value" in data:
        value = Text(fmt(data["value"]) + (f" {unit}" if unit else ""), style="bold")
    else:
        value = Text("✓" if data.get("done") else "○", style="bold")
    note = Text(f"“{data['note']}”" if data.get("note") is not None else "")
    if data.get("by") is not None:
        note.append(f"{'  ' if note else ''}— {data['by']}", style="dim")
    return Text(str(data["date"])), Text(name or data["indicator"]), value, note


def _entry_summary(data: dict[str, Any], unit: str | None, name: str | None = None) -> Text:
    return Text("  ").join(cell for cell in _entry_cells(data, unit, name) if cell)


def _paren(text: str, lang: str) -> str:
    """(3) in English, （3） in Chinese."""
    return f"（{text}）" if lang == "zh" else f"({text})"


def _named(plan: PlanDiff, ref: str | None) -> str:
    """What people read for a reference: its name ("parent / part"), else the reference; the plan's title
    for the plan itself."""
    if ref is None:
        return plan.title or plan.id
    return plan.names.get(ref) or ref


def _entry_where(item_path: str, line: int) -> Text:
    return Text(f"{item_path}:{line}", style="dim")


def _warnings(plan: PlanDiff, lang: str) -> Table | None:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(no_wrap=True)
    grid.add_column(overflow="fold")
    rows = 0
    for change in plan.plan_changes:
        if not change.rewrite:
            continue
        what = Text("⚠ " + change_label(change, lang), style=WARN)
        detail = Text(_named(plan, change.ref), style="bold")
        detail.append("  ")
        if change.field in ("indicator", "part", "plan"):
            if change.ref is not None and _named(plan, change.ref) == change.ref:
                detail.append(str(change.new if change.new is not None else change.old))
            else:
                detail.append(change.ref or plan.id, style="dim")
        else:
            detail.append(_when(change.old))
            detail.append(ARROW, style="dim")
            detail.append(_when(change.new), style=WARN)
            unit = plan.units.get(change.ref or "") if change.field in ("target", "baseline") else None
            if unit:
                detail.append(f" {unit}")
        if change.eased:
            detail.append(f"  {_paren(label('eased', lang), lang)}", style=WARN)
        grid.add_row(what, detail)
        rows += 1
    for change in plan.changed:
        assert change.old is not None and change.new is not None
        detail = Text()
        detail.append_text(_entry_where(change.new.path, change.new.line))
        detail.append(f"  {change.new.entry.date}  {_named(plan, change.new.entry.indicator)}  ")
        for i, (name, old, new) in enumerate(change.fields):
            if i:
                detail.append(", ")
            if name == "indicator":
                old, new = _named(plan, old), _named(plan, new)
            detail.append(f"{label('field_' + name, lang)} {_when(old)}")
            detail.append(ARROW, style="dim")
            detail.append(_when(new), style=WARN)
        grid.add_row(Text("⚠ " + label("entry_changed", lang), style=WARN), detail)
        rows += 1
    for change in plan.removed:
        assert change.old is not None
        detail = _entry_where(change.old.path, change.old.line)
        detail.append("  ")
        ref = change.old.entry.indicator
        detail.append_text(_entry_summary(entry_data(change.old), plan.units.get(ref), _named(plan, ref)))
        grid.add_row(Text("⚠ " + label("entry_removed", lang), style=WARN), detail)
        rows += 1
    return grid if rows else None


def _indicator_rows(changes: list[IndicatorChange]) -> list[tuple[str, Status | None, Status | None]]:
    return [(("  " if c.is_part else "") + (c.name or c.ref), c.old, c.new) for c in changes]


def plan_text(plan: PlanDiff, lang: str, width: int | None = None) -> RenderableType:
    """One plan's changes; within ``width`` cells (None: as wide as they come), two-line records where a
    row would not fit."""
    head = Text(plan.id, style="bold")
    head.append(f"  {plan.title}")
    if plan.presence != "both":
        head.append(
            f"  [{label('plan_' + plan.presence, lang)}]", style=WARN if plan.presence == "removed" else "green"
        )
    old_c = plan.old.completion if plan.old else None
    new_c = plan.new.completion if plan.new else None
    head.append(f"  {label('plan_completion', lang)} ")
    head.append_text(_pair(pct(old_c), pct(new_c), style_new="bold"))
    parts: list[RenderableType] = [head]
    warnings = _warnings(plan, lang)
    if warnings is not None:
        parts.append(_indented(warnings))
    info = [c for c in plan.plan_changes if not c.rewrite]
    if info:
        grid = Table.grid(padding=(0, 2))
        grid.add_column(no_wrap=True)
        grid.add_column(overflow="fold")
        for change in info:
            detail = Text(_named(plan, change.ref), style="bold")
            detail.append(f"  {_when(change.old)}")
            detail.append(ARROW, style="dim")
            detail.append(_when(change.new))
            grid.add_row(Text(change_label(change, lang), style="yellow"), detail)
        parts.append(_indented(grid))
    if plan.indicators:
        parts.append(Text(f"  {label('diff_indicators', lang)}", style="bold underline"))
        inner = None if width is None else width - 4
        parts.append(_indented(change_grid(_indicator_rows(plan.indicators), lang, width=inner), 4))
    if plan.added:
        count = _paren(str(len(plan.added)), lang)
        parts.append(Text(f"  {label('entries_added', lang)}{'' if lang == 'zh' else ' '}{count}", style="bold underline"))
        rows = []
        for change in plan.added:
            assert change.new is not None
            ref = change.new.entry.indicator
            day, name, value, note = _entry_cells(entry_data(change.new), plan.units.get(ref), _named(plan, ref))
            rows.append((Text("+ ", style="green") + day, name, value, note, _entry_where(change.new.path, change.new.line)))
        parts.append(_indented(_added(rows, None if width is None else width - 4), 4))
    return Group(*parts)


def _added(rows: list[tuple[Text, Text, Text, Text, Text]], width: int | None) -> RenderableType:
    """The entries added: aligned ``+ date  name  value  note  path:line`` lines, or, when those would be
    wider than ``width``, a two-line record each (``+ date  name  value``, then the note and where)."""
    widths = [max((cell_len(row[i].plain) for row in rows), default=0) for i in range(5)]
    widths[3] = min(widths[3], NOTE_LEAST)  # the note wraps within its column
    if width is None or sum(widths) + 2 * 4 <= width:
        grid = Table.grid(padding=(0, 2))
        grid.add_column(no_wrap=True)
        grid.add_column(no_wrap=True)
        grid.add_column(justify="right", no_wrap=True)
        grid.add_column(overflow="fold")
        grid.add_column(no_wrap=True)
        for row in rows:
            grid.add_row(*row)
        return grid
    records: list[RenderableType] = []
    for day, name, value, note, where in rows:
        first = Text("  ").join([day, name, value])
        second = Text("  ").join([cell for cell in (note, where) if cell])
        for line in (first, second):
            line.overflow = "fold"
        records += [first, _indented(second, 4)]
    return Group(*records)


def _indented(renderable: RenderableType, cells: int = 2) -> RenderableType:
    from rich.padding import Padding

    return Padding(renderable, (0, 0, 0, cells), expand=False)


def diff_text(
    diff: Diff, lang: str, old_name: str, new_name: str, problems: list[str], width: int | None = None
) -> RenderableType:
    """The whole comparison for a terminal ``width`` cells wide (None: lines as long as they come)."""
    return Group(
        diff_head(diff, lang, old_name, new_name),
        diff_problems(lang, new_name, problems),
        diff_body(diff, lang, width),
    )


def diff_head(diff: Diff, lang: str, old_name: str, new_name: str) -> Text:
    """``HEAD (abc) → working tree  as of 2026-06-30``."""
    head = Text(f"{old_name}{ARROW}{new_name}", style="bold")
    head.append(f"  {label('as_of', lang)} {diff.as_of.isoformat()}", style="dim")
    return head


def diff_problems(lang: str, new_name: str, problems: list[str]) -> RenderableType:
    """The problems of the new side, one a line, each whole (``path:line: …`` for editors and scripts:
    printed unwrapped, the terminal wraps them)."""
    if not problems:
        return Group()
    lines = [Text(f"⚠ {label('problems_in', lang)} {new_name}:", style=WARN)]
    lines.extend(Text("  " + p, style="red") for p in problems)
    return Group(*lines)


def diff_body(diff: Diff, lang: str, width: int | None = None) -> RenderableType:
    """Each plan's changes and the summary, within ``width`` cells."""
    parts: list[RenderableType] = []
    changed = [plan for plan in diff.plans if not plan.empty]
    if not changed:
        parts.append(Text(label("no_changes", lang)))
        return Group(*parts)
    for plan in changed:
        parts.append(Text(""))
        parts.append(plan_text(plan, lang, width))
    parts.append(Text(""))
    parts.append(summary(diff, lang))
    return Group(*parts)


def summary(diff: Diff, lang: str) -> Text:
    added = sum(len(p.added) for p in diff.plans)
    changed = sum(len(p.changed) for p in diff.plans)
    removed = sum(len(p.removed) for p in diff.plans)
    rewrites = sum(len(p.rewrites) for p in diff.plans) + sum(p.presence == "removed" for p in diff.plans)
    text = Text(f"{label('entries_added', lang)} {added}", style="green" if added else "dim")
    if diff.rewritten:
        text.append("  ·  ")
        text.append(f"⚠ {label('rewritten', lang)}{'：' if lang == 'zh' else ': '}", style=WARN)
        counts = [(label("entry_changed", lang), changed), (label("entry_removed", lang), removed)]
        counts.append((label("plan_changes", lang), rewrites))
        text.append(", ".join(f"{name} {count}" for name, count in counts if count), style=WARN)
    return text


# --- JSON ------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _status_dict(status: Status | None) -> dict[str, Any] | None:
    if status is None:
        return None
    milestone = status.kind == "milestone"
    return {
        "current": None if milestone else status.current,
        "completion": status.completion,
        "state": status.state,
        "target": None if milestone else status.target,
    }


def _entry_dict(item, file: str) -> dict[str, Any]:
    data = {key: _plain(value) for key, value in entry_data(item).items()}
    return {"file": file, "line": item.line, **data}


def _entry_change_dict(change: EntryChange) -> dict[str, Any]:
    if change.kind == "added":
        return _entry_dict(change.new, change.file)
    if change.kind == "removed":
        return _entry_dict(change.old, change.file)
    return {
        "file": change.file,
        "old": _entry_dict(change.old, change.file),
        "new": _entry_dict(change.new, change.file),
        "fields": [{"field": f, "old": _plain(a), "new": _plain(b)} for f, a, b in change.fields],
    }


def plan_dict(plan: PlanDiff) -> dict[str, Any]:
    return {
        "id": plan.id,
        "title": plan.title,
        "presence": plan.presence,
        "rewritten": plan.rewritten,
        "completion": {
            "old": plan.old.completion if plan.old else None,
            "new": plan.new.completion if plan.new else None,
        },
        "indicators": [
            {
                "ref": c.ref,
                "name": c.name,
                "kind": c.kind,
                "unit": c.unit,
                "old": _status_dict(c.old),
                "new": _status_dict(c.new),
            }
            for c in plan.indicators
        ],
        "entries_added": [_entry_change_dict(c) for c in plan.added],
        "entries_changed": [_entry_change_dict(c) for c in plan.changed],
        "entries_removed": [_entry_change_dict(c) for c in plan.removed],
        "plan_changes": [
            {
                "indicator": c.ref,
                "field": c.field,
                "old": _plain(c.old),
                "new": _plain(c.new),
                "change": c.what,
                "eased": c.eased,
                "rewrite": c.rewrite,
            }
            for c in plan.plan_changes
        ],
    }


def diff_json(
    diff: Diff, old_side: dict[str, Any], new_side: dict[str, Any], problems: list[dict[str, Any]]
) -> str:
    """``problems``: each as Problem.as_dict (path, line, severity, code, message)."""
    document = {
        "as_of": diff.as_of.isoformat(),
        "from": old_side,
        "to": new_side,
        "rewritten": diff.rewritten,
        "problems": problems,
        "plans": [plan_dict(plan) for plan in diff.plans if not plan.empty],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"

"""Flat rows for spreadsheets, pandas and DuckDB: entries and statuses as CSV or JSON Lines.

The columns are a contract (docs/reports.md, "Export columns"): added to at the
end, never renamed or reordered.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterable, Mapping
from typing import Any

from civtrack.compute import PlanStatus
from civtrack.load import EntryAt
from civtrack.model import Plan
from civtrack.render import walk
from civtrack.render.data import UNWATCHED, status_dict, watch_dict
from civtrack.workspace import PROGRESS_DIR

ENTRY_COLUMNS: tuple[str, ...] = (
    "plan", "indicator", "part", "date", "value", "done", "unit", "note", "by", "evidence", "file", "line",
)  # fmt: skip

STATUS_COLUMNS: tuple[str, ...] = (
    "as_of", "plan", "indicator", "part", "name", "section", "kind", "state", "completion", "current", "target",
    "baseline", "unit", "comparator", "expected", "gap", "start", "due", "days_overdue", "owner", "weight", "entries",
    "projected", "projected_completion", "eta", "alert", "last_entry", "stale",
)  # fmt: skip


def entry_rows(plans: Mapping[str, Plan], entries: Iterable[EntryAt], as_of: dt.date) -> list[dict[str, Any]]:
    """One row per entry dated on or before ``as_of``: by plan, then date, then file order.

    ``unit`` is the entry's, else its indicator's (check makes them agree), so that
    every number carries its unit; ``file`` is relative to the repository root.
    """
    rows = []
    for item in sorted(entries, key=lambda i: (i.plan_id, i.entry.date, i.month, i.seq)):
        entry = item.entry
        if entry.date > as_of:
            continue
        plan = plans.get(item.plan_id)
        ind = next((i for i in plan.indicators if i.id == entry.indicator_id), None) if plan else None
        rows.append({
            "plan": item.plan_id,
            "indicator": entry.indicator_id,
            "part": entry.part_id,
            "date": entry.date.isoformat(),
            "value": entry.value,
            "done": entry.done,
            "unit": entry.unit if entry.unit is not None else (ind.unit if ind is not None else None),
            "note": entry.note,
            "by": entry.by,
            "evidence": entry.evidence,
            "file": f"{PROGRESS_DIR}/{item.plan_id}/{item.month}.yaml",
            "line": item.line,
        })  # fmt: skip
    return rows


def status_rows(plans: Iterable[PlanStatus]) -> list[dict[str, Any]]:
    """One row per indicator and per part (a part's ``indicator`` is its parent's id)."""
    rows = []
    for plan in plans:
        for status, parent in walk(plan):
            data = status_dict(status)
            rows.append({
                "as_of": plan.as_of.isoformat(),
                "plan": plan.id,
                "indicator": parent.id if parent else status.id,
                "part": status.id if parent else None,
                **{key: data[key] for key in ("name", "section", "kind", "state", "completion", "current", "target",
                                               "baseline", "unit", "comparator", "expected")},
                "gap": status.gap,
                "start": status.start.isoformat(),
                "due": status.due.isoformat(),
                "days_overdue": (plan.as_of - status.due).days if status.state == "overdue" else None,
                "owner": status.owner,
                "weight": status.weight,
                "entries": status.entries,
                # Rules 10–13 but the owner: the column above keeps its meaning (the owner written or inherited).
                **{key: value for key, value in watch_dict(plan.watches.get(status.ref, UNWATCHED)).items()
                   if key != "owner"},
            })  # fmt: skip
    return rows


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value  # numbers: str() of a float is the shortest text that reads back exactly


def to_csv(rows: list[dict[str, Any]], columns: tuple[str, ...]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({key: _csv_value(row[key]) for key in columns})
    return out.getvalue()


def to_jsonl(rows: list[dict[str, Any]], columns: tuple[str, ...]) -> str:
    return "".join(json.dumps({key: row[key] for key in columns}, ensure_ascii=False) + "\n" for row in rows)


# Columns that hold dates (written as date cells in a workbook).
_DATE_COLUMNS = frozenset({"as_of", "date", "start", "due", "eta", "last_entry"})


def to_xlsx(sheets: list[tuple[str, list[dict[str, Any]], tuple[str, ...]]]) -> bytes:
    """A workbook of one sheet per (title, rows, columns): typed cells (numbers as numbers, dates as
    dates, done as TRUE/FALSE), the header row frozen and filtered, widths fit to the text."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    from civtrack.text import display_width

    book = Workbook()
    book.remove(book.active)
    for title, rows, columns in sheets:
        ws = book.create_sheet(title)
        ws.append(list(columns))
        for c in ws[1]:
            c.font, c.fill = Font(bold=True), PatternFill("solid", fgColor="DCE6F1")
        widths = [len(name) for name in columns]
        dated = [i for i, key in enumerate(columns) if key in _DATE_COLUMNS]
        for row in rows:
            values = [row[key] for key in columns]
            for i in dated:
                if isinstance(values[i], str):
                    values[i] = dt.date.fromisoformat(values[i])
            ws.append(values)
            for i, value in enumerate(values):
                if value is not None:
                    widths[i] = max(widths[i], 10 if i in dated else display_width(str(value)))
        for i in dated:
            for (c,) in ws.iter_rows(min_row=2, min_col=i + 1, max_col=i + 1):
                c.number_format = "yyyy-mm-dd"
        for i, width in enumerate(widths):
            ws.column_dimensions[get_column_letter(i + 1)].width = min(60, round(width * 1.15) + 2)
        ws.freeze_panes = "A2"
        if rows:
            ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{len(rows) + 1}"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()

"""Statuses → JSON and CSV: contracts that scripts depend on (docs/format.md, "Output")."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from civtrack.compute import PlanStatus, Status
from civtrack.render import walk


def status_dict(status: Status) -> dict[str, Any]:
    milestone = status.kind == "milestone"
    return {
        "id": status.id,
        "name": status.name,
        "kind": status.kind,
        "section": status.section,
        "unit": None if milestone else status.unit,
        "comparator": status.comparator,
        "baseline": None if milestone else status.baseline,
        "target": None if milestone else status.target,
        "current": None if milestone else status.current,
        "completion": status.completion,
        "expected": status.expected,
        "due": status.due.isoformat(),
        "state": status.state,
        "parts": [status_dict(part) for part in status.parts],
    }


def plan_dict(plan: PlanStatus) -> dict[str, Any]:
    return {
        "id": plan.id,
        "title": plan.title,
        "organization": plan.organization,
        "completion": plan.completion,
        "counts": dict(plan.counts),
        "indicators": [status_dict(status) for status in plan.indicators],
    }


def status_json(plans: list[PlanStatus], as_of: str) -> str:
    document = {"as_of": as_of, "plans": [plan_dict(plan) for plan in plans]}
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


CSV_COLUMNS = (
    "plan", "indicator", "part", "name", "section", "kind", "unit", "comparator",
    "baseline", "target", "current", "completion", "expected", "due", "state",
)  # fmt: skip


def status_rows(plans: list[PlanStatus]) -> list[dict[str, Any]]:
    """One flat row per indicator and per part."""
    rows = []
    for plan in plans:
        for status, parent in walk(plan):
            row = status_dict(status)
            rows.append({
                "plan": plan.id,
                "indicator": parent.id if parent else status.id,
                "part": status.id if parent else None,
                **{key: row[key] for key in CSV_COLUMNS[3:]},
            })  # fmt: skip
    return rows


def status_csv(plans: list[PlanStatus]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in status_rows(plans):
        writer.writerow({key: "" if value is None else value for key, value in row.items()})
    return out.getvalue()

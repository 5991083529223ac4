"""Statuses → JSON and CSV: contracts that scripts depend on (docs/format.md, "Output")."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Sequence
from typing import Any, TextIO

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


def write_status_json(
    out: TextIO, plan_ids: Sequence[str], statuses_of: Callable[[list[str]], list[PlanStatus]], as_of: str
) -> None:
    """status_json of ``plan_ids``, written plan by plan (each evaluated by ``statuses_of`` when its
    turn comes): the same characters (a plan nested in the document is its own indented text shifted
    right by its depth), without holding the document of a thousand plans in memory at once."""
    if not plan_ids:
        out.write(json.dumps({"as_of": as_of, "plans": []}, ensure_ascii=False, indent=2) + "\n")
        return
    out.write("{\n" + f'  "as_of": {json.dumps(as_of)},\n' + '  "plans": [\n')
    for index, plan_id in enumerate(plan_ids):
        for status in statuses_of([plan_id]):
            text = json.dumps(plan_dict(status), ensure_ascii=False, indent=2).replace("\n", "\n    ")
            out.write("    " + text + (",\n" if index < len(plan_ids) - 1 else "\n"))
    out.write("  ]\n}\n")
    out.flush()


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

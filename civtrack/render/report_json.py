"""A monthly report → JSON: the same facts as the Markdown, for scripts (schema in docs/reports.md).

Numbers are unrounded, dates ISO 8601, states exactly done / on-track / behind /
overdue; a milestone's unit, current and target are null, as in `status --format json`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

from civtrack.compute import Status
from civtrack.render.data import UNWATCHED, owner_dict, status_dict, watch_dict
from civtrack.reporting import EntryFact, Month, PlanReport, Report, Summary
from civtrack.supervision import Flagged, Supervision

SCHEMA = "civtrack-report/1"


def _ref(status: Status, parent: Status | None) -> dict[str, Any]:
    """Who an item is about, and where it stands at the as-of date."""
    milestone = status.kind == "milestone"
    return {
        "indicator": parent.id if parent else status.id,
        "part": status.id if parent else None,
        "name": parent.name if parent else status.name,
        "part_name": status.name if parent else None,
        "kind": status.kind,
        "unit": None if milestone else status.unit,
        "current": None if milestone else status.current,
        "target": None if milestone else status.target,
        "completion": status.completion,
        "state": status.state,
        "due": status.due.isoformat(),
    }


def _entry(entry: EntryFact) -> dict[str, Any]:
    return {
        "date": entry.date.isoformat(),
        "indicator": entry.indicator,
        "part": entry.part,
        "name": entry.name,
        "part_name": entry.part_name,
        "value": entry.value,
        "done": entry.done,
        "unit": entry.unit,
        "note": entry.note,
        "by": entry.by,
        "evidence": entry.evidence,
    }


def _indicator(p: PlanReport, status: Status) -> dict[str, Any]:
    before = p.previous_of(status.ref)
    return {
        **status_dict(status),
        **watch_dict(p.watch_of(status) or UNWATCHED),
        "previous_completion": before.completion if before else None,
        "previous_state": before.state if before else None,
        "expected_pace": p.pace_of(status),
        "trend": list(p.trends.get(status.ref, ())),
        "parts": [_indicator(p, part) for part in status.parts],
    }


def plan_report_dict(p: PlanReport) -> dict[str, Any]:
    now, before = p.status, p.previous
    return {
        "id": p.plan.id,
        "title": p.plan.title,
        "organization": p.plan.organization,
        "period": {"start": p.plan.period.start.isoformat(), "end": p.plan.period.end.isoformat()},
        "completion": now.completion,
        "previous_completion": before.completion,
        "completion_change": p.completion_change,
        "expected_completion": p.expected,
        "projected_completion": p.projection,
        "counts": dict(now.counts),
        "previous_counts": dict(before.counts),
        "counts_change": p.counts_change,
        "entries": [_entry(e) for e in p.entries],
        "newly_done": [
            {**_ref(d.status, d.parent), "done_on": d.done_on and d.done_on.isoformat()} for d in p.newly_done
        ],
        "overdue": [{**_ref(o.status, None), "days_overdue": o.days, "new": o.new} for o in p.overdue],
        "behind": [{**_ref(s, None), "expected": s.expected, "gap": s.gap} for s in p.behind],
        "due_next_month": [
            {**_ref(d.status, None), "date": d.date.isoformat(), "what": d.what, "value": d.value} for d in p.due_next
        ],
        "lagging_parts": [
            {**_ref(g.status, g.parent), "expected": g.status.expected, "gap": g.status.gap} for g in p.lagging
        ],
        "series": [
            {"month": str(pt.month), "date": pt.date.isoformat(), "completion": pt.completion, "expected": pt.expected}
            for pt in p.series
        ],
        "indicators": [_indicator(p, status) for status in now.indicators],
    }


def report_dict(report: Report) -> dict[str, Any]:
    return {**_head(report.month, report.supervision), "plans": [plan_report_dict(p) for p in report.plans]}


def _flagged(f: Flagged) -> dict[str, Any]:
    return {
        "plan": f.plan_id,
        **_ref(f.status, f.parent),
        **watch_dict(f.watch),
        "gap": None if f.status.kind == "milestone" else f.status.gap,
        "days_left": f.days_left,
    }


def _head(month: Month, supervision: Supervision | None = None) -> dict[str, Any]:
    sup = supervision or Supervision((), (), ())
    return {
        "schema": SCHEMA,
        "month": str(month),
        "as_of": month.last.isoformat(),
        "previous_as_of": month.previous().last.isoformat(),
        "next_month": str(month.next()),
        "owners": [owner_dict(summary) for summary in sup.owners],
        "warnings": [_flagged(f) for f in sup.warnings],
        "not_reported": [{"owner": owner, "items": [_flagged(f) for f in items]} for owner, items in sup.not_reported],
    }


def report_section(p: PlanReport, lang: str = "en") -> str:
    """One plan's object, indented as it stands in the document (``lang`` is unused: JSON has no labels)."""
    return dumped_section(plan_report_dict(p))


def dumped_section(document: dict[str, Any]) -> str:
    """A plan's object (plan_report_dict) as it stands in the document, indented."""
    return "    " + json.dumps(document, ensure_ascii=False, indent=2).replace("\n", "\n    ")


def report_chunks(
    month: Month,
    summaries: Sequence[Summary],
    sections: Sequence[str],
    lang: str = "en",
    supervision: Supervision | None = None,
) -> Iterator[str]:
    """The document in pieces, from its plans' objects (report_section), in order: written one after
    the other, the characters json.dumps gives for report_dict with indent 2. (Strings in JSON hold no
    raw newline, so a plan's text indents by replacing them.)"""
    if not sections:
        yield json.dumps({**_head(month, supervision), "plans": []}, ensure_ascii=False, indent=2) + "\n"
        return
    head = json.dumps(_head(month, supervision), ensure_ascii=False, indent=2)
    yield head[:-2] + ',\n  "plans": [\n'  # without "\n}"
    for index, section in enumerate(sections):
        if index:
            yield ",\n"
        yield section
    yield "\n  ]\n}\n"


def report_json(report: Report) -> str:
    sections = [report_section(p) for p in report.plans]
    return "".join(report_chunks(report.month, report.summaries, sections, "en", report.supervision))

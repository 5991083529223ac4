"""A draft as text: a plan file in YAML (with "check:" comments for the reviewer), or JSON.

The YAML is written here, not dumped, so that comments can sit beside what they are
about; `tests/test_extract_render.py` reads it back with civtrack's own loader and
checks to make sure it stays a plan that `civtrack check` accepts:

* an indicator whose parts do not add up to the stated total leaves `target` to the
  parts (a parent target that differs from its parts' sum is an error) and says so;
* a `<=` indicator needs a baseline above its target; when the text gives none, the
  indicator is written commented out, to be completed and switched on by the reviewer;
* `every: month|quarter` counts for the whole period: "每季度1次" becomes target 4
  with `every: quarter` (checkpoints 1, 2, 3 at the quarter ends).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from civtrack.extract.draft import Draft, ItemDraft
from civtrack.extract.slug import Ids, slug

EVERY = {"monthly": "month", "quarterly": "quarter"}
# Units of events that recur: "每季度开展1次" adds up over the year.
EVENT_UNITS = frozenset({"次", "场", "期", "轮", "遍", "篇", "批", "人次", "场次", "户次", "件次"})
RECURRENCE_NOTES = {
    "yearly": "每年: this is the target for the plan's year",
    "per-session": "a requirement for each session or event (每次/每期), not a total: track the smallest so far, or drop it",
    "per-unit": "a target for each unit (每个…/每人): multiply by the number of units, or give parts",
    "half-yearly": "每半年: the target is per half-year; the year's target is twice it",
    "weekly": "每周: the target is per week",
    "monthly": "每月: the target is per month",
    "quarterly": "每季度: the target is per quarter",
}


def fmt_number(value: float | int) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return repr(value)


def _number(value: float | int | None) -> float | int | None:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def quoted(text: str) -> str:
    """A YAML double-quoted scalar (JSON's escapes, plus YAML's line separators)."""
    out = json.dumps(text, ensure_ascii=False)
    for char in ("\u2028", "\u2029", "\x85", *map(chr, range(0x7F, 0xA0))):
        out = out.replace(char, f"\\u{ord(char):04x}")
    return out


def periods(start: dt.date, due: dt.date, every: str) -> int:
    """How many months or quarters from start to due (the last one ending on or after due)."""
    months = (due.year - start.year) * 12 + due.month - start.month + 1
    return max(1, months if every == "month" else -(-months // 3))


# --- JSON -----------------------------------------------------------------------------


def to_data(draft: Draft, explain: bool = False) -> dict[str, Any]:
    plan = draft.plan
    ids = indicator_ids(draft)
    data = {
        "plan": {
            "id": plan.id,
            "title": plan.title,
            "organization": plan.organization,
            "year": plan.year,
            "period": {"start": plan.start.isoformat(), "end": plan.end.isoformat()},
            "source": plan.source,
            "notes": plan.notes,
        },
        "indicators": [
            {
                "id": ids[i],
                "name": item.name,
                "kind": item.kind,
                "quote": item.quote,
                "target": _number(item.target),
                "stretch": _number(item.stretch),
                "unit": item.unit,
                "comparator": item.comparator,
                "baseline": _number(item.baseline),
                "due": item.due.isoformat() if item.due else plan.end.isoformat(),
                "recurrence": item.recurrence,
                "parts": [{"name": p.name, "target": _number(p.target)} for p in item.parts],
                "section": item.section,
                "owner": item.owner,
                "accumulate": item.accumulate,
                "relative": item.relative,
                "notes": item.notes,
            }
            for i, item in enumerate(draft.items)
        ],
    }
    if explain:
        for entry, item in zip(data["indicators"], draft.items, strict=True):
            entry["rule"] = item.rule
        data["not_taken"] = [
            {
                "sentence": d.sentence,
                "section": d.section,
                "numbers": [{"number": n, "reason": r} for n, r in d.numbers],
            }
            for d in draft.dropped
        ]
    return data


def to_json(draft: Draft, explain: bool = False) -> str:
    return json.dumps(to_data(draft, explain), ensure_ascii=False, indent=2) + "\n"


def explain_lines(draft: Draft) -> list[str]:
    """Below the draft, as YAML comments: each sentence with a number not taken, and why."""
    if not draft.dropped:
        return ["", "# Not taken: none (every other number is a year or a date)."]
    n = len(draft.dropped)
    out = ["", f"# Not taken: {n} sentence{'s' if n > 1 else ''} with a number that is not a target, and why."]
    for d in draft.dropped:
        out.append(f"# - {d.sentence.rstrip('。；;，,')}")
        for number, reason in d.numbers:
            out.append(f"#     {number + ': ' if number else ''}{reason}")
    return out


# --- YAML -----------------------------------------------------------------------------


def indicator_ids(draft: Draft) -> list[str]:
    ids = Ids()
    return [ids(slug(item.name, "indicator")) for item in draft.items]


def _checks(item: ItemDraft, plan_start: dt.date) -> tuple[list[str], dict[str, Any]]:
    """The reviewer's notes and the fields of one number indicator as written in YAML."""
    notes = list(item.notes)
    fields: dict[str, Any] = {"target": item.target}
    every = EVERY.get(item.recurrence or "")
    if every and item.unit in EVENT_UNITS and item.due and not item.parts:
        n = periods(plan_start, item.due, every)
        fields["target"] = item.target * n
        fields["every"] = every
        per = "每月" if every == "month" else "每季度"
        notes.append(f"{per} {fmt_number(item.target)}{item.unit} × {n} = {fmt_number(item.target * n)} for the period")
    elif item.recurrence == "per-unit" and item.accumulate == "latest":
        notes.append("a standard per person or household (每人每月…): record the level in force")
    elif item.recurrence:
        notes.append(RECURRENCE_NOTES[item.recurrence])
    if item.parts:
        total = sum(p.target for p in item.parts)
        if item.target is not None and abs(total - item.target) > 1e-9:
            fields["target"] = None  # the parts' sum stands; the stated total is in the note
    return notes, fields


def _item_lines(item: ItemDraft, ident: str, draft: Draft, explain: bool = False) -> list[str]:
    plan = draft.plan
    shown = ident if ident[0].isalpha() else quoted(ident)  # 33 would read as a number
    lines = [f"- id: {shown}", f"  name: {quoted(item.name)}"]
    if item.kind == "milestone":
        lines.append("  kind: milestone")
    if item.section:
        lines.append(f"  section: {quoted(item.section)}")
    if item.owner:
        lines.append(f"  owner: {quoted(item.owner)}")
    if item.kind == "number":
        notes, fields = _checks(item, plan.start)
        lines.append(f"  unit: {quoted(item.unit or '')}")
        if fields["target"] is not None:
            stretch = f"  # stretch: {fmt_number(item.stretch)}" if item.stretch is not None else ""
            lines.append(f"  target: {fmt_number(fields['target'])}{stretch}")
        lines.append(f'  comparator: "{item.comparator or ">="}"')
        if item.baseline is not None:
            lines.append(f"  baseline: {fmt_number(item.baseline)}")
        if item.accumulate != "sum":
            lines.append(f"  accumulate: {item.accumulate}  # a level: record the current value, not increments")
        lines.append(f"  due: {(item.due or plan.end).isoformat()}")
        if "every" in fields:
            lines.append(f"  every: {fields['every']}")
        if item.parts:
            lines.append("  parts:")
            part_ids = Ids()
            for part in item.parts:
                pid = part_ids(slug(part.name, "part"))
                pid = pid if pid[0].isalpha() else quoted(pid)
                lines.append(f"    - {{id: {pid}, name: {quoted(part.name)}, target: {fmt_number(part.target)}}}")
    else:
        notes = list(item.notes)
        lines.append(f"  due: {(item.due or plan.end).isoformat()}")
    lines.append(f"  quote: {quoted(item.quote)}")
    body = ["# check: " + note for note in notes]
    if explain:
        body.insert(0, f"# rule: {item.rule}")
    return body + lines


def _needs_baseline(item: ItemDraft) -> bool:
    if item.kind != "number" or item.comparator != "<=":
        return False
    if item.parts:
        return True
    return item.baseline is None or item.target is None or item.baseline <= item.target


def to_yaml(draft: Draft, explain: bool = False) -> str:
    plan = draft.plan
    out = [
        f"# Drafted by `civtrack extract` from {plan.source or 'a plan text'}.",
        "# Review every indicator (names, targets, due dates), above all those marked",
        '# "check:", then save it as plans/<id>.yaml and run `civtrack check`.',
    ]
    out += ["# check: " + note for note in plan.notes]
    out += [
        f"id: {plan.id}",
        f"title: {quoted(plan.title)}",
    ]
    if plan.organization:
        out.append(f"organization: {quoted(plan.organization)}")
    out.append(f"period: {{start: {plan.start.isoformat()}, end: {plan.end.isoformat()}}}")
    if plan.source:
        out.append(f"source: {quoted(plan.source)}")
    if not draft.items:
        out.append("indicators: []  # no commitment found in the text")
        out += explain_lines(draft) if explain else []
        return "\n".join(out) + "\n"
    active = [item for item in draft.items if not _needs_baseline(item)]
    out.append("indicators:" if active else "indicators: []  # each one below needs a baseline first")
    for index, (item, ident) in enumerate(zip(draft.items, indicator_ids(draft), strict=True)):
        lines = _item_lines(item, ident, draft, explain)
        if index:
            out.append("")
        if _needs_baseline(item):
            out.append(
                '  # check: "<=" (bring down to at most) needs a baseline above the target: the level at the start.'
            )
            out.append("  # The text gives none, so this indicator is switched off: add `baseline: N` and remove")
            out.append('  # the leading "# " of its lines.')
            out += ["  # " + line for line in lines]
            continue
        out += ["  " + line for line in lines]
    out += explain_lines(draft) if explain else []
    return "\n".join(out) + "\n"

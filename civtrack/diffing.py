"""Comparing two snapshots of a repository (two git revisions, or one and the working tree). Pure.

Both sides are evaluated at the same as-of date, so that what changes is what
the commits changed, not the passing of time. The comparison reports, per plan:

* indicators whose current value, completion or state changed;
* entries added (the normal, append-only case);
* entries changed or removed: history rewritten;
* plan changes: target, due, baseline, comparator, checkpoints, parts, an
  indicator added or removed, ... Targets made easier (a ``>=`` target lowered,
  a ``<=`` limit raised, a due date postponed) are marked ``eased``.

Entries carry no id: they are matched by their content within each month file,
in order (difflib), so that an append shows as added entries and an edit in
place as a changed entry. An entry that only moved (same content, removed in
one place and added in another of the same plan) is neither.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from civtrack.compute import PlanStatus, Status, evaluate, fold
from civtrack.load import EntryAt, PlanFile, Repository
from civtrack.model import Indicator, Plan

# Fields whose change alters what is measured or when: a rewrite of the commitments.
TERMS: tuple[str, ...] = (
    "kind", "unit", "target", "baseline", "comparator", "accumulate", "start", "due", "weight", "checkpoints", "every",
)  # fmt: skip
# Fields that only describe: shown, not a rewrite.
DESCRIPTIVE: tuple[str, ...] = ("name", "section", "owner", "tags", "quote", "note")
PLAN_TERMS: tuple[str, ...] = ("start", "end")
PLAN_DESCRIPTIVE: tuple[str, ...] = ("title", "organization", "source", "note")


@dataclass(frozen=True)
class IndicatorChange:
    """An indicator (or part) whose current, completion or state differs between the sides."""

    ref: str  # "indicator" or "indicator/part"
    name: str
    kind: str
    unit: str | None
    old: Status | None  # None: the indicator did not exist on that side
    new: Status | None
    is_part: bool = False


@dataclass(frozen=True)
class EntryChange:
    kind: str  # added | removed | changed
    old: EntryAt | None
    new: EntryAt | None
    file: str  # progress/<plan>/<YYYY-MM>.yaml

    @property
    def fields(self) -> list[tuple[str, Any, Any]]:
        """For a changed entry: (field, old, new) of each field that differs."""
        if self.old is None or self.new is None:
            return []
        a, b = entry_data(self.old), entry_data(self.new)
        return [(key, a.get(key), b.get(key)) for key in _ordered_keys(a, b) if a.get(key) != b.get(key)]


@dataclass(frozen=True)
class PlanChange:
    """One change of a plan's commitments (``rewrite``) or of its descriptions."""

    ref: str | None  # None: the plan itself; else "indicator" or "indicator/part"
    field: str  # a field name, or "indicator" / "part" for one added or removed
    old: Any
    new: Any
    rewrite: bool
    eased: bool = False  # the target or due date was made easier to meet

    @property
    def what(self) -> str:
        """A short code: added, removed, lowered, raised, postponed, advanced, changed."""
        if self.old is None and self.field in ("indicator", "part", "plan"):
            return "added"
        if self.new is None and self.field in ("indicator", "part", "plan"):
            return "removed"
        if self.field in ("target", "baseline") and _is_number(self.old) and _is_number(self.new):
            return "lowered" if self.new < self.old else "raised"
        if self.field in ("due", "end") and isinstance(self.old, dt.date) and isinstance(self.new, dt.date):
            return "postponed" if self.new > self.old else "advanced"
        return "changed"


@dataclass
class PlanDiff:
    id: str
    title: str
    presence: str  # both | added | removed
    old: PlanStatus | None
    new: PlanStatus | None
    indicators: list[IndicatorChange] = field(default_factory=list)
    added: list[EntryChange] = field(default_factory=list)
    changed: list[EntryChange] = field(default_factory=list)
    removed: list[EntryChange] = field(default_factory=list)
    plan_changes: list[PlanChange] = field(default_factory=list)
    units: dict[str, str | None] = field(default_factory=dict)  # reference → unit, for display
    names: dict[str, str] = field(default_factory=dict)  # reference → name ("parent / part"), for display

    @property
    def rewrites(self) -> list[PlanChange]:
        return [change for change in self.plan_changes if change.rewrite]

    @property
    def rewritten(self) -> bool:
        """History or commitments changed (what `--fail-on rewrite` fails on)."""
        return bool(self.changed or self.removed or self.rewrites)

    @property
    def empty(self) -> bool:
        return not (self.indicators or self.added or self.changed or self.removed or self.plan_changes) and (
            self.presence == "both"
        )


@dataclass
class Diff:
    as_of: dt.date
    plans: list[PlanDiff]

    @property
    def rewritten(self) -> bool:
        return any(plan.rewritten for plan in self.plans)

    @property
    def empty(self) -> bool:
        return all(plan.empty for plan in self.plans)


def entry_data(item: EntryAt) -> dict[str, Any]:
    return item.entry.model_dump(exclude_none=True)


def _key(item: EntryAt) -> tuple:
    return tuple(sorted(entry_data(item).items()))


def _ordered_keys(a: dict[str, Any], b: dict[str, Any]) -> list[str]:
    from civtrack.model import ENTRY_FIELDS

    return [key for key in ENTRY_FIELDS if key in a or key in b]


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _ledger(repo: Repository):
    return fold((item.plan_id, item.entry, (item.month, item.seq)) for item in repo.all_entries())


def compare(old: Repository, new: Repository, as_of: dt.date, tolerance: float) -> Diff:
    """Everything that differs between two loaded repositories, evaluated at ``as_of``."""
    old_status = _statuses(old.plans, old, as_of, tolerance)
    new_status = _statuses(new.plans, new, as_of, tolerance)
    plans: list[PlanDiff] = []
    for plan_id in sorted(set(old.plans) | set(new.plans)):
        before, after = old.plans.get(plan_id), new.plans.get(plan_id)
        presence = "both" if before and after else ("added" if after else "removed")
        title = (after or before).plan.title  # type: ignore[union-attr]
        diff = PlanDiff(plan_id, title, presence, old_status.get(plan_id), new_status.get(plan_id))
        diff.indicators = _indicator_changes(diff.old, diff.new)
        _entry_changes(diff, old.entries.get(plan_id, []), new.entries.get(plan_id, []))
        diff.plan_changes = _plan_changes(before, after, diff.old, diff.new)
        for side in (before, after):
            for ind in side.plan.indicators if side else []:
                diff.units[ind.id] = ind.unit
                diff.units.update({f"{ind.id}/{part.id}": ind.unit for part in ind.parts})
                diff.names[ind.id] = ind.name
                diff.names.update({f"{ind.id}/{part.id}": f"{ind.name} / {part.name}" for part in ind.parts})
        plans.append(diff)
    return Diff(as_of, plans)


def _statuses(plans: dict[str, PlanFile], repo: Repository, as_of: dt.date, tolerance: float) -> dict[str, PlanStatus]:
    evaluated = evaluate([plans[p].plan for p in sorted(plans)], _ledger(repo), as_of, tolerance)
    return {status.id: status for status in evaluated}


# --- indicators ------------------------------------------------------------------


def _flat(plan: PlanStatus | None) -> dict[str, tuple[Status, bool]]:
    found: dict[str, tuple[Status, bool]] = {}
    if plan is None:
        return found
    for status in plan.indicators:
        found[status.ref] = (status, False)
        for part in status.parts:
            found[part.ref] = (part, True)
    return found


def _same(a: Status, b: Status) -> bool:
    return a.current == b.current and a.completion == b.completion and a.state == b.state


def _indicator_changes(old: PlanStatus | None, new: PlanStatus | None) -> list[IndicatorChange]:
    before, after = _flat(old), _flat(new)
    order = list(after) + [ref for ref in before if ref not in after]
    changes = []
    for ref in order:
        a, b = before.get(ref), after.get(ref)
        if a is not None and b is not None and _same(a[0], b[0]):
            continue
        status, is_part = b if b is not None else a  # type: ignore[misc]
        changes.append(
            IndicatorChange(
                ref, status.name, status.kind, status.unit, a[0] if a else None, b[0] if b else None, is_part
            )
        )
    return changes


# --- entries ----------------------------------------------------------------------


def _by_file(entries: Iterable[EntryAt]) -> dict[str, list[EntryAt]]:
    files: dict[str, list[EntryAt]] = {}
    for item in entries:
        files.setdefault(f"progress/{item.plan_id}/{item.month}.yaml", []).append(item)
    return files


def _entry_changes(diff: PlanDiff, old: list[EntryAt], new: list[EntryAt]) -> None:
    before, after = _by_file(old), _by_file(new)
    added: list[EntryChange] = []
    removed: list[EntryChange] = []
    changed: list[EntryChange] = []
    for name in sorted(set(before) | set(after)):
        a, b = before.get(name, []), after.get(name, [])
        a_keys, b_keys = [_key(x) for x in a], [_key(x) for x in b]
        if b_keys[: len(a_keys)] == a_keys:  # the usual case: entries appended
            added.extend(EntryChange("added", None, item, name) for item in b[len(a) :])
            continue
        matcher = difflib.SequenceMatcher(None, a_keys, b_keys, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                continue
            olds, news = a[i1:i2], b[j1:j2]
            pairs = min(len(olds), len(news)) if tag == "replace" else 0
            changed.extend(EntryChange("changed", olds[k], news[k], name) for k in range(pairs))
            removed.extend(EntryChange("removed", item, None, name) for item in olds[pairs:])
            added.extend(EntryChange("added", None, item, name) for item in news[pairs:])
    # An entry removed in one place and added in another with the same content only moved.
    moved = Counter(_key(c.old) for c in removed) & Counter(_key(c.new) for c in added)  # type: ignore[arg-type]
    if moved:
        left = Counter(moved)
        removed = [c for c in removed if not _take(left, _key(c.old))]  # type: ignore[arg-type]
        left = Counter(moved)
        added = [c for c in added if not _take(left, _key(c.new))]  # type: ignore[arg-type]
    diff.added = sorted(added, key=lambda c: (c.new.entry.date, c.new.month, c.new.seq))  # type: ignore[union-attr]
    diff.changed = changed
    diff.removed = removed


def _take(counter: Counter, key: tuple) -> bool:
    if counter[key] > 0:
        counter[key] -= 1
        return True
    return False


# --- plans ------------------------------------------------------------------------


def _eased(field_name: str, comparator: str, old: Any, new: Any) -> bool:
    if field_name == "target" and _is_number(old) and _is_number(new):
        return new < old if comparator == ">=" else new > old
    if field_name in ("due", "end") and isinstance(old, dt.date) and isinstance(new, dt.date):
        return new > old
    return False


def _terms(plan: Plan, ind: Indicator, status: Status | None) -> dict[str, Any]:
    """What an indicator commits to, with inherited defaults filled in (as computed)."""
    return {
        "kind": ind.kind,
        "unit": ind.unit,
        "target": status.target if status else ind.target,
        "baseline": status.baseline if status else ind.baseline,
        "comparator": ind.comparator,
        "accumulate": ind.accumulate,
        "start": status.start if status else (ind.start or plan.period.start),
        "due": status.due if status else (ind.due or plan.period.end),
        "weight": ind.weight,
        "checkpoints": [(cp.by.isoformat(), cp.value) for cp in ind.checkpoints],
        "every": ind.every,
    }


def _plan_changes(
    before: PlanFile | None, after: PlanFile | None, old: PlanStatus | None, new: PlanStatus | None
) -> list[PlanChange]:
    if before is None:
        return []  # a new plan: its entries and statuses show, nothing was rewritten
    if after is None:
        return [PlanChange(None, "plan", before.plan.id, None, rewrite=True)]
    a, b = before.plan, after.plan
    changes: list[PlanChange] = []
    for name in PLAN_TERMS:
        x, y = getattr(a.period, name), getattr(b.period, name)
        if x != y:
            changes.append(PlanChange(None, name, x, y, rewrite=True, eased=_eased(name, ">=", x, y)))
    for name in PLAN_DESCRIPTIVE:
        x, y = getattr(a, name), getattr(b, name)
        if x != y:
            changes.append(PlanChange(None, name, x, y, rewrite=False))
    old_ind = {ind.id: ind for ind in a.indicators}
    new_ind = {ind.id: ind for ind in b.indicators}
    old_st = {s.id: s for s in old.indicators} if old else {}
    new_st = {s.id: s for s in new.indicators} if new else {}
    for ind_id in [*new_ind, *(i for i in old_ind if i not in new_ind)]:
        x, y = old_ind.get(ind_id), new_ind.get(ind_id)
        if x is None:
            changes.append(PlanChange(ind_id, "indicator", None, y.name, rewrite=True))  # type: ignore[union-attr]
            continue
        if y is None:
            changes.append(PlanChange(ind_id, "indicator", x.name, None, rewrite=True))
            continue
        tx, ty = _terms(a, x, old_st.get(ind_id)), _terms(b, y, new_st.get(ind_id))
        for name in TERMS:
            if tx[name] != ty[name]:
                eased = _eased(name, y.comparator, tx[name], ty[name]) and x.comparator == y.comparator
                changes.append(PlanChange(ind_id, name, tx[name], ty[name], rewrite=True, eased=eased))
        for name in DESCRIPTIVE:
            if getattr(x, name) != getattr(y, name):
                changes.append(PlanChange(ind_id, name, getattr(x, name), getattr(y, name), rewrite=False))
        changes.extend(_part_changes(x, y))
    return changes


def _part_changes(x: Indicator, y: Indicator) -> list[PlanChange]:
    changes: list[PlanChange] = []
    old_parts = {p.id: p for p in x.parts}
    new_parts = {p.id: p for p in y.parts}
    for part_id in [*new_parts, *(p for p in old_parts if p not in new_parts)]:
        ref = f"{y.id}/{part_id}"
        p, q = old_parts.get(part_id), new_parts.get(part_id)
        if p is None or q is None:
            changes.append(PlanChange(ref, "part", p.name if p else None, q.name if q else None, rewrite=True))
            continue
        for name in ("target", "baseline"):
            if getattr(p, name) != getattr(q, name):
                eased = _eased(name, y.comparator, getattr(p, name), getattr(q, name)) and x.comparator == y.comparator
                changes.append(PlanChange(ref, name, getattr(p, name), getattr(q, name), rewrite=True, eased=eased))
        for name in ("name", "owner"):
            if getattr(p, name) != getattr(q, name):
                changes.append(PlanChange(ref, name, getattr(p, name), getattr(q, name), rewrite=False))
    return changes

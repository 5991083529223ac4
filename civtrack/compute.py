"""The computation rules: (plans, entries, as-of) → statuses. Pure: no I/O, no printing.

Entries are first folded into a *ledger*: per plan, per indicator or part, per
day, the sum of values and the last value or done flag. The ledger is small
(one row per day with entries, whatever the number of entries), can be built
file by file, and can be evaluated at any as-of date, which `diff` and `report`
do several times over the same entries.

The rules are those of docs/format.md ("Computation rules").
"""

from __future__ import annotations

import datetime as dt
import math
import operator
import weakref
from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from itertools import accumulate
from typing import Any, NamedTuple

from civtrack.model import Entry, Indicator, Period, Plan

STATES: tuple[str, ...] = ("done", "on-track", "behind", "overdue")
DEFAULT_PACE_TOLERANCE = 25.0


# --- the ledger -----------------------------------------------------------------


@dataclass(slots=True)
class Day:
    """What the entries of one day say about one indicator or part."""

    total: float = 0  # sum of values
    order: tuple = ()  # position of the last entry (later in the files wins a tie)
    last: float | None = None  # value of the last entry
    done: bool | None = None  # done flag of the last entry
    count: int = 0


# plan id → reference ("indicator" or "indicator/part") → day → Day
Ledger = dict[str, dict[str, dict[dt.date, Day]]]


def add_entry(ledger: Ledger, plan_id: str, entry: Entry, order: tuple) -> None:
    """Fold one entry into the ledger. ``order`` sorts entries as they stand in the files."""
    days = ledger.setdefault(plan_id, {}).setdefault(entry.indicator, {})
    day = days.get(entry.date)
    if day is None:
        day = days[entry.date] = Day()
    day.count += 1
    if entry.value is not None:
        day.total += entry.value
    if order >= day.order:
        day.order = order
        if entry.value is not None:
            day.last = entry.value
        if entry.done is not None:
            day.done = entry.done


def fold(entries: Iterable[tuple[str, Entry, tuple]], ledger: Ledger | None = None) -> Ledger:
    """Fold (plan id, entry, order) triples into a ledger."""
    ledger = {} if ledger is None else ledger
    for plan_id, entry, order in entries:
        add_entry(ledger, plan_id, entry, order)
    return ledger


def merge(into: Ledger, other: Ledger) -> Ledger:
    """Add one ledger to another (e.g. a cached file's to the running total)."""
    for plan_id, refs in other.items():
        target_refs = into.setdefault(plan_id, {})
        for ref, days in refs.items():
            target_days = target_refs.setdefault(ref, {})
            for date, day in days.items():
                mine = target_days.get(date)
                if mine is None:
                    target_days[date] = Day(day.total, day.order, day.last, day.done, day.count)
                    continue
                mine.total += day.total
                mine.count += day.count
                if day.order >= mine.order:
                    mine.order = day.order
                    if day.last is not None:
                        mine.last = day.last
                    if day.done is not None:
                        mine.done = day.done
    return into


# --- statuses -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Status:
    """An indicator (or a part of one) evaluated at an as-of date."""

    id: str
    ref: str  # "indicator" or "indicator/part"
    name: str
    kind: str  # number | milestone
    section: str | None
    unit: str | None
    comparator: str
    baseline: float | None
    target: float | None
    current: float | None
    completion: float
    start: dt.date
    due: dt.date
    state: str
    expected: float | None  # the value due by as-of (last passed checkpoint, else linear pace)
    weight: float
    entries: int  # entries counted (dated on or before as-of)
    owner: str | None = None
    parts: tuple[Status, ...] = ()

    @property
    def gap(self) -> float | None:
        """How far current trails expected, in the indicator's unit (positive = behind)."""
        if self.expected is None or self.current is None:
            return None
        return self.expected - self.current if self.comparator == ">=" else self.current - self.expected


# Status(...) at half the cost, for evaluations of a hundred thousand statuses: the frozen dataclass's
# __init__ sets each field through object.__setattr__; _new_status sets each slot with its descriptor.
# Same object, same fields (a test holds its parameters to the fields of Status).
(_set_id, _set_ref, _set_name, _set_kind, _set_section, _set_unit, _set_comparator, _set_baseline, _set_target,
 _set_current, _set_completion, _set_start, _set_due, _set_state, _set_expected, _set_weight, _set_entries,
 _set_owner, _set_parts) = (getattr(Status, name).__set__ for name in Status.__slots__)  # fmt: skip


def _new_status(
    id: str, ref: str, name: str, kind: str, section: str | None, unit: str | None, comparator: str,
    baseline: float | None, target: float | None, current: float | None, completion: float, start: dt.date,
    due: dt.date, state: str, expected: float | None, weight: float, entries: int, owner: str | None,
    parts: tuple[Status, ...],
) -> Status:  # fmt: skip
    status = object.__new__(Status)
    _set_id(status, id)
    _set_ref(status, ref)
    _set_name(status, name)
    _set_kind(status, kind)
    _set_section(status, section)
    _set_unit(status, unit)
    _set_comparator(status, comparator)
    _set_baseline(status, baseline)
    _set_target(status, target)
    _set_current(status, current)
    _set_completion(status, completion)
    _set_start(status, start)
    _set_due(status, due)
    _set_state(status, state)
    _set_expected(status, expected)
    _set_weight(status, weight)
    _set_entries(status, entries)
    _set_owner(status, owner)
    _set_parts(status, parts)
    return status


@dataclass(frozen=True, slots=True)
class PlanStatus:
    id: str
    title: str
    organization: str | None
    start: dt.date
    end: dt.date
    as_of: dt.date
    completion: float | None
    counts: dict[str, int]
    indicators: tuple[Status, ...] = field(default_factory=tuple)
    # Rules 10–13 by reference ("ind" or "ind/part"): civtrack.supervision.Watch, filled by
    # supervision.supervise (empty from evaluate).
    watches: Mapping[str, Any] = field(default_factory=dict)


def completion_of(current: float, baseline: float, target: float, comparator: str) -> float:
    """Rule 4: percent of the way from baseline to target, floored at 0, not capped."""
    reached = met(current, target, comparator)
    if target == baseline:
        return 100.0 if reached else 0.0
    if comparator == ">=":
        value = 100.0 * (current - baseline) / (target - baseline)
    else:
        value = 100.0 * (baseline - current) / (baseline - target)
    value = max(0.0, value)
    # Float rounding must not let completion and done disagree (done ⇔ completion ≥ 100).
    if reached:
        return max(value, 100.0)
    return min(value, math.nextafter(100.0, 0.0))


def met(current: float, target: float, comparator: str) -> bool:
    return current >= target if comparator == ">=" else current <= target


def period_checkpoints(
    start: dt.date, due: dt.date, every: str, baseline: float, target: float
) -> list[tuple[dt.date, float]]:
    """Rule 7: `every: month|quarter` → equal steps at each period end before the last period."""
    ends: list[dt.date] = []
    end = _period_end(start, every)
    while True:
        ends.append(end)
        if end >= due:
            break
        end = _period_end(end + dt.timedelta(days=1), every)
    n = len(ends)
    return [(ends[k - 1], baseline + (target - baseline) * k / n) for k in range(1, n)]


def _period_end(day: dt.date, every: str) -> dt.date:
    month = day.month if every == "month" else ((day.month - 1) // 3 + 1) * 3
    if month == 12:
        return dt.date(day.year, 12, 31)
    return dt.date(day.year, month + 1, 1) - dt.timedelta(days=1)


def _sum_until(days: dict[dt.date, Day] | None, as_of: dt.date) -> tuple[float, int]:
    if not days:
        return 0, 0
    total: float = 0
    count = 0
    for date, day in days.items():
        if date <= as_of:
            total += day.total
            count += day.count
    return total, count


def _last_until(days: dict[dt.date, Day] | None, as_of: dt.date, attr: str) -> tuple[object, int]:
    """The value of the latest entry by date on or before as-of (later in the files wins a tie)."""
    if not days:
        return None, 0
    best_key: tuple | None = None
    best = None
    count = 0
    for date, day in days.items():
        if date > as_of:
            continue
        count += day.count
        value = getattr(day, attr)
        if value is None:
            continue
        key = (date, day.order)
        if best_key is None or key > best_key:
            best_key, best = key, value
    return best, count


class _Frame(NamedTuple):
    """An indicator or a part as its statuses take it, whatever the as-of date: what it inherits
    (dates, comparator, unit, owner), its baseline and target (a parent's summed from its parts when
    not written) and its checkpoints, written and from `every`, ready for rules 6–8. (A named tuple:
    a hundred thousand are made for a large repository, several times faster than a dataclass.)"""

    id: str
    ref: str  # "indicator" or "indicator/part"
    name: str
    kind: str  # number | milestone
    section: str | None
    unit: str | None
    comparator: str
    start: dt.date
    due: dt.date
    weight: float
    owner: str | None  # a part's, else its indicator's
    mode: str  # how the current value is found: sum | latest | parts | milestone
    baseline: float | None  # None for a milestone
    target: float | None
    # The checkpoints sorted, as columns. With the first k passed: expected[k - 1] is the expected
    # value (the max of the k: the latest, the one written first on a tie) and strictest[k - 1] the
    # value that meets all k (their max for >=, their min for <=).
    dates: tuple[dt.date, ...]
    expected: tuple[float, ...]
    strictest: tuple[float, ...]
    parts: tuple[_Frame, ...]
    checkpoints: tuple[tuple[dt.date, float], ...] = ()  # (date, value), sorted: an indicator's
    linked: bool = False  # rule 14: takes its figures from another repository (`from:`)

    @classmethod
    def of(cls, plan: Plan, ind: Indicator) -> _Frame:
        # Each frame made by tuple.__new__ with every field in order (what cls(...) does, without
        # the call of its generated __new__): fifty thousand indicators are framed per `status` at 1M.
        start, due = ind.start or plan.period.start, ind.due or plan.period.end
        if ind.kind == "milestone":
            return _tuple_new(cls, (
                ind.id, ind.id, ind.name, ind.kind, ind.section, None, ind.comparator, start, due, ind.weight,
                ind.owner, "milestone", None, None, (), (), (), (), (), ind.from_ is not None,
            ))  # fmt: skip
        ind_id, section, unit, comparator, owner = ind.id, ind.section, ind.unit, ind.comparator, ind.owner
        parts = tuple([
            _tuple_new(cls, (
                part.id, f"{ind_id}/{part.id}", part.name, "number", section, unit, comparator,
                start, due, 1, part.owner or owner, "sum", part.baseline, part.target, (), (), (), (), (),
                part.from_ is not None,
            ))
            for part in ind.parts
        ])  # fmt: skip
        if parts:
            mode = "parts"
            baseline = ind.baseline if ind.baseline is not None else sum(p.baseline for p in ind.parts)
            target = ind.target if ind.target is not None else sum(p.target for p in ind.parts)
        else:
            mode = ind.accumulate
            baseline = ind.baseline if ind.baseline is not None else 0
            target = ind.target if ind.target is not None else 0
        if ind.checkpoints or ind.every:
            checkpoints = [(cp.by, cp.value) for cp in ind.checkpoints]
            if ind.every:
                checkpoints += period_checkpoints(start, due, ind.every, baseline, target)
            checkpoints.sort()
            strictest = max if comparator == ">=" else min
            dates = tuple(by for by, _ in checkpoints)
            # Running max and min: max() of the first k keeps the first of equal ones, as accumulate does.
            expected = tuple(value for _, value in accumulate(checkpoints, max))
            strict = tuple(accumulate((value for _, value in checkpoints), strictest))
            written = tuple(checkpoints)
        else:
            dates = expected = strict = written = ()
        return _tuple_new(cls, (
            ind_id, ind_id, ind.name, ind.kind, section, unit, comparator, start, due, ind.weight,
            owner, mode, baseline, target, dates, expected, strict, parts, written, ind.from_ is not None,
        ))  # fmt: skip


_tuple_new = tuple.__new__


class _Kept(NamedTuple):
    plan: weakref.ref[Plan]
    period: Period
    indicators: tuple[Indicator, ...]
    frames: tuple[_Frame, ...]
    by_indicator: dict[int, _Frame]  # id() of each of ``indicators`` (kept alive here) → its frame


# Plan object id → the frames of its indicators. `report` evaluates each plan at a dozen dates and
# more; frames depend only on the plan's indicators and period, so they are made once per plan
# object. They are used only for that very object, still alive (its entry goes when it is collected,
# so an id is not reused while the entry stands), with the same period and indicator objects. Plans
# are frozen models, taken as values: a change inside an indicator (its lists can still be changed
# in place) is not seen.
_KEPT: dict[int, _Kept] = {}


def _kept(plan: Plan) -> _Kept:
    kept = _KEPT.get(id(plan))
    if (
        kept is None
        or kept.plan() is not plan
        or kept.period is not plan.period
        or len(kept.indicators) != len(plan.indicators)
        or not all(map(operator.is_, kept.indicators, plan.indicators))
    ):
        key = id(plan)
        frames = tuple(_Frame.of(plan, ind) for ind in plan.indicators)
        kept = _KEPT[key] = _Kept(
            weakref.ref(plan, lambda ref: _forget(key, ref)),
            plan.period,
            tuple(plan.indicators),
            frames,
            {id(ind): frame for ind, frame in zip(plan.indicators, frames, strict=True)},
        )
    return kept


def plan_checkpoints(plan: Plan) -> dict[str, tuple[tuple[dt.date, float], ...]]:
    """Each indicator's checkpoints (by indicator id) as rules 6–8 take them: written and from
    `every`, sorted by date (none for a milestone)."""
    return {frame.id: frame.checkpoints for frame in _kept(plan).frames}


def _forget(key: int, ref: weakref.ref) -> None:
    """A plan was collected: drop its frames (unless another plan's have taken the key)."""
    kept = _KEPT.get(key)
    if kept is not None and kept.plan is ref:
        _KEPT.pop(key, None)


def _completion(frame: _Frame, current: Any) -> float:
    """Rule 4, or a milestone's 100 or 0 (``current``: its done flag)."""
    if frame.mode == "milestone":
        return 100.0 if current else 0.0
    return completion_of(current, frame.baseline, frame.target, frame.comparator)  # type: ignore[arg-type]


def _judge(frame: _Frame, current: float, as_of: dt.date, tolerance: float, pace: float) -> tuple[float, str, float]:
    """Rules 4–8 for a number: (completion, state, expected value). ``pace``: _pace at as-of."""
    baseline, target, comparator = frame.baseline, frame.target, frame.comparator
    completion = _completion(frame, current)
    passed = bisect_left(frame.dates, as_of) if frame.dates else 0  # checkpoints before as-of
    expected = frame.expected[passed - 1] if passed else baseline + (target - baseline) * pace  # type: ignore[operator]
    if met(current, target, comparator):  # type: ignore[arg-type]
        return completion, "done", expected
    if as_of > frame.due:
        return completion, "overdue", expected
    if frame.dates:
        # Behind when a passed checkpoint is not met: when the strictest is not.
        behind = passed > 0 and not met(current, frame.strictest[passed - 1], comparator)
    else:
        behind = completion < 100.0 * pace - tolerance
    return completion, ("behind" if behind else "on-track"), expected


def _pace(start: dt.date, due: dt.date, as_of: dt.date) -> float:
    """Share of the time from start to due that has passed at as-of, in [0, 1]."""
    span = (due - start).days
    if span <= 0:
        return 1.0 if as_of >= due else 0.0
    return min(1.0, max(0.0, (as_of - start).days / span))


def _measure(
    frame: _Frame, refs: dict[str, dict[dt.date, Day]], as_of: dt.date
) -> tuple[Any, int, Sequence[tuple[Any, int]]]:
    """Rules 1–3: an indicator's current value at as-of (a milestone's: its done flag) and the number
    of entries counted, with (current, entries) of each of its parts."""
    mode = frame.mode
    if mode == "sum":
        total, count = _sum_until(refs.get(frame.ref), as_of)
        return frame.baseline + total, count, ()  # type: ignore[operator]
    if mode == "latest":
        last, count = _last_until(refs.get(frame.ref), as_of, "last")
        return (frame.baseline if last is None else last), count, ()
    if mode == "milestone":
        return *_last_until(refs.get(frame.ref), as_of, "done"), ()
    parts = []
    for part in frame.parts:
        total, count = _sum_until(refs.get(part.ref), as_of)
        parts.append((part.baseline + total, count))  # type: ignore[operator]
    return sum(current or 0 for current, _ in parts), sum(count for _, count in parts), parts


def _plan_completion(weighted: Iterable[tuple[float, float]]) -> float | None:
    """Rule 9: the weighted mean of the indicators' completions, each capped at 100."""
    pairs = list(weighted)
    weight = sum(w for w, _ in pairs)
    return sum(w * min(completion, 100.0) for w, completion in pairs) / weight if weight else None


# Rule 14: the reference, under a linked item's, whose Day holds (as ``last``) the state of the remote
# item at the as-of date (civtrack.sources puts it in the ledger beside the linked item's own days).
LINKED_STATE = "/@state"


def _linked_state(refs: dict[str, dict[dt.date, Day]], ref: str, state: str) -> str:
    """Rule 14: a linked item's state is its remote item's at the same as-of, when the ledger has it."""
    for day in refs.get(ref + LINKED_STATE, {}).values():
        if day.last in STATES:
            return day.last  # type: ignore[return-value]
    return state


def _status(frame: _Frame, refs: dict[str, dict[dt.date, Day]], as_of: dt.date, tolerance: float) -> Status:
    current, count, measured = _measure(frame, refs, as_of)
    f = frame
    if f.mode == "milestone":
        state = "done" if current else ("overdue" if as_of > f.due else "on-track")
        if f.linked:
            state = _linked_state(refs, f.ref, state)
        return _new_status(
            f.id, f.ref, f.name, f.kind, f.section, f.unit, f.comparator, None, None, None,
            _completion(f, current), f.start, f.due, state, None, f.weight, count, f.owner, (),
        )  # fmt: skip
    pace = _pace(f.start, f.due, as_of)  # parts have their indicator's dates
    parts = []
    for p, (part_current, entries) in zip(f.parts, measured, strict=True):
        completion, state, expected = _judge(p, part_current, as_of, tolerance, pace)
        if p.linked:
            state = _linked_state(refs, p.ref, state)
        parts.append(_new_status(
            p.id, p.ref, p.name, p.kind, p.section, p.unit, p.comparator, p.baseline, p.target, part_current,
            completion, p.start, p.due, state, expected, p.weight, entries, p.owner, (),
        ))  # fmt: skip
    completion, state, expected = _judge(f, current, as_of, tolerance, pace)
    if f.linked:
        state = _linked_state(refs, f.ref, state)
    return _new_status(
        f.id, f.ref, f.name, f.kind, f.section, f.unit, f.comparator, f.baseline, f.target, current,
        completion, f.start, f.due, state, expected, f.weight, count, f.owner, tuple(parts),
    )  # fmt: skip


def indicator_status(
    plan: Plan, ind: Indicator, refs: dict[str, dict[dt.date, Day]], as_of: dt.date, tolerance: float
) -> Status:
    """Rules 1–8 for one indicator, with its parts."""
    frame = _kept(plan).by_indicator.get(id(ind))
    if frame is None:  # not one of the plan's: not kept
        frame = _Frame.of(plan, ind)
    return _status(frame, refs, as_of, tolerance)


def plan_status(plan: Plan, ledger: Ledger, as_of: dt.date, tolerance: float = DEFAULT_PACE_TOLERANCE) -> PlanStatus:
    refs = ledger.get(plan.id, {})
    statuses = tuple(_status(frame, refs, as_of, tolerance) for frame in _kept(plan).frames)
    counts = {state: 0 for state in STATES}
    for status in statuses:
        counts[status.state] += 1
    return PlanStatus(
        plan.id, plan.title, plan.organization, plan.period.start, plan.period.end, as_of,
        _plan_completion((s.weight, s.completion) for s in statuses), counts, statuses,
    )  # fmt: skip


def plan_completions(
    plan: Plan, refs: dict[str, dict[dt.date, Day]], as_of: dt.date
) -> tuple[float | None, dict[str, float]]:
    """The plan's completion at as-of (as ``plan_status(...).completion``) and each indicator's and
    part's completion by reference ("ind" or "ind/part"), in plan order: what the charts of `report`
    need at every month's end, without judging states or building statuses. ``refs`` is the plan's
    part of the ledger (``ledger.get(plan.id, {})``). Completion does not depend on the pace tolerance."""
    completions: dict[str, float] = {}
    weighted = []
    for f in _kept(plan).frames:
        current, _, measured = _measure(f, refs, as_of)
        completion = completions[f.ref] = _completion(f, current)
        weighted.append((f.weight, completion))
        for p, (part_current, _) in zip(f.parts, measured, strict=True):
            completions[p.ref] = _completion(p, part_current)
    return _plan_completion(weighted), completions


def evaluate(
    plans: Sequence[Plan], ledger: Ledger, as_of: dt.date, tolerance: float = DEFAULT_PACE_TOLERANCE
) -> list[PlanStatus]:
    """Every plan's status at as-of, in the order given."""
    return [plan_status(plan, ledger, as_of, tolerance) for plan in plans]


def select(plan: PlanStatus, states: Iterable[str]) -> PlanStatus:
    """The plan with only indicators in one of ``states`` (or with a part in one).

    A parent that matches keeps all its parts; a parent shown for a matching part
    keeps only the matching parts. Completion and counts stay those of the whole plan.
    """
    wanted = set(states)
    kept: list[Status] = []
    for status in plan.indicators:
        if status.state in wanted:
            kept.append(status)
        elif any(part.state in wanted for part in status.parts):
            kept.append(replace(status, parts=tuple(p for p in status.parts if p.state in wanted)))
    return replace(plan, indicators=tuple(kept))

"""The facts of a monthly report: (plans, ledger, entries, month) → Report. Pure: no I/O, no printing.

A report compares each plan at the end of a month (the as-of date) with the end
of the month before: completion and counts and their change, the entries of the
month, what became done, what is overdue or behind, what falls due next month,
the parts that lag, and the month-by-month completion for charts. Renderers
(civtrack/render/report_*.py) only lay these facts out; docs/reports.md
documents them as the JSON schema. Rules 10–13 at the month's end ride along in each
plan's status (its watches); the report-wide supervision sections are put together in
civtrack.supervision (Supervision.of).

It stays one module past 600 lines because its parts are one pipeline over the same
types (a plan's status at two dates, its lists, its pace and series): the renderers and
the JSON schema read them together, and a split would only move imports around.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import NamedTuple, Protocol

from civtrack.compute import (
    DEFAULT_PACE_TOLERANCE,
    STATES,
    Day,
    Ledger,
    PlanStatus,
    Status,
    completion_of,
    indicator_status,
    plan_checkpoints,
    plan_completions,
    plan_status,
)
from civtrack.load import EntryAt
from civtrack.model import Entry, Indicator, Plan
from civtrack.supervision import (
    DEFAULT_DUE_SOON_DAYS,
    DEFAULT_STALE_DAYS,
    Supervised,
    Supervision,
    Watch,
    select,
    share,
    watch,
)

_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


@dataclass(frozen=True, order=True)
class Month:
    """A calendar month; ``str(Month(2021, 9))`` is ``2021-09``."""

    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Month:
        """``YYYY-MM``; ValueError otherwise."""
        found = _MONTH.match(text)
        if found is None:
            raise ValueError(f"expected a month YYYY-MM, got '{text}'")
        return cls(int(found[1]), int(found[2]))

    @classmethod
    def of(cls, day: dt.date) -> Month:
        return cls(day.year, day.month)

    @property
    def first(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @property
    def last(self) -> dt.date:
        if self.month == 12:  # not through next(): December 9999 has no next month
            return dt.date(self.year, 12, 31)
        return self.next().first - dt.timedelta(days=1)

    def next(self) -> Month:
        return Month(self.year + 1, 1) if self.month == 12 else Month(self.year, self.month + 1)

    def previous(self) -> Month:
        return Month(self.year - 1, 12) if self.month == 1 else Month(self.year, self.month - 1)

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and (day.year, day.month) == (self.year, self.month)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


def months_between(first: dt.date, last: dt.date) -> list[Month]:
    """Every month from ``first``'s through ``last``'s (empty when last is before first)."""
    months: list[Month] = []
    month, end = Month.of(first), Month.of(last)
    while month <= end:
        months.append(month)
        month = month.next()
    return months


def runs_in(plan: Plan, month: Month) -> bool:
    """Whether the plan's period shares at least one day with the month."""
    return plan.period.start <= month.last and plan.period.end >= month.first


# --- a plan's entries, at any date ---------------------------------------------------


class Timeline(Protocol):
    """One plan's entries, ready to be evaluated at any date: what a report needs at several dates.

    ``at(day)`` is a ledger of the plan's references (compute's ``ref → day → Day``) that evaluates
    at ``day`` exactly as the full one would (and need not anywhere else); with ``indicator``, it
    need hold only that indicator's references. ``dates(indicator, first, last)``: the days from
    ``first`` through ``last`` on which the indicator or one of its parts has entries, in order."""

    def at(self, day: dt.date, indicator: str | None = None) -> dict[str, dict[dt.date, Day]]: ...

    def dates(self, indicator: str, first: dt.date, last: dt.date) -> list[dt.date]: ...

    def last_entries(self, as_of: dt.date) -> dict[str, dt.date]:
        """Rule 12: per reference, the date of its last entry on or before ``as_of`` (where there is one)."""
        ...


class DaysTimeline:
    """A Timeline over a plan's full ledger (every day of every reference), as compute.fold builds it."""

    def __init__(self, refs: dict[str, dict[dt.date, Day]]):
        self._refs = refs

    def at(self, day: dt.date, indicator: str | None = None) -> dict[str, dict[dt.date, Day]]:
        return self._refs  # the full ledger evaluates right at any date

    def dates(self, indicator: str, first: dt.date, last: dt.date) -> list[dt.date]:
        found = {
            day
            for ref, days in self._refs.items()
            if ref.split("/")[0] == indicator
            for day in days
            if first <= day <= last
        }
        return sorted(found)

    def last_entries(self, as_of: dt.date) -> dict[str, dt.date]:
        from civtrack.supervision import last_entries

        return last_entries(self._refs, as_of)


def timeline_of(ledger: Mapping[str, object], plan_id: str) -> Timeline:
    """A plan's Timeline from a ledger mapping plan ids to Timelines or to full ledgers of references."""
    found = ledger.get(plan_id)
    if found is None:
        return DaysTimeline({})
    if isinstance(found, dict):
        return DaysTimeline(found)
    return found  # type: ignore[return-value]


def plan_status_at(plan: Plan, timeline: Timeline, day: dt.date, tolerance: float) -> PlanStatus:
    return plan_status(plan, {plan.id: timeline.at(day)}, day, tolerance)


# --- facts ----------------------------------------------------------------------


class EntryFact(NamedTuple):
    """An entry recorded in the report month, with the names people read. (A named tuple: a report of
    a thousand plans lists a hundred thousand, made several times faster than frozen dataclasses.)"""

    date: dt.date
    indicator: str
    part: str | None
    name: str  # the indicator's name
    part_name: str | None
    accumulate: str  # sum (value is an increment) | latest (value is the level) | milestone
    value: float | None
    done: bool | None
    unit: str | None
    note: str | None
    by: str | None
    evidence: str | None


@dataclass(frozen=True)
class NewlyDone:
    """An indicator or part done at the month's end that was not done at the previous month's end."""

    status: Status
    parent: Status | None
    done_on: dt.date | None  # the first day of the month on which it was done


@dataclass(frozen=True)
class Overdue:
    status: Status
    days: int  # days from due to as-of
    new: bool  # not overdue at the previous month's end


@dataclass(frozen=True)
class DueItem:
    """Something that falls due in the month after the report month."""

    status: Status
    date: dt.date
    what: str  # "due" (the indicator's due date) | "checkpoint" (an interim target)
    value: float | None  # the value required by then (None for a milestone)


@dataclass(frozen=True)
class Lagging:
    """A part in state behind or overdue, with its parent."""

    status: Status
    parent: Status


@dataclass(frozen=True)
class Point:
    """Plan completion at one month's end (``completion`` None for months after the as-of date)."""

    month: Month
    date: dt.date
    completion: float | None
    expected: float | None


@dataclass(frozen=True)
class Summary:
    """A plan's line in the overview of a report: small, so that it travels between processes."""

    id: str
    title: str
    completion: float | None
    previous_completion: float | None
    counts: dict[str, int]
    previous_counts: dict[str, int]

    @property
    def completion_change(self) -> float | None:
        if self.completion is None or self.previous_completion is None:
            return None
        return self.completion - self.previous_completion

    @property
    def counts_change(self) -> dict[str, int]:
        return {state: self.counts[state] - self.previous_counts[state] for state in STATES}


@dataclass(frozen=True)
class PlanReport:
    month: Month
    plan: Plan
    status: PlanStatus  # at the as-of date, with its watches (rules 10–13); with --owner, their items only
    previous: PlanStatus  # at the previous month's end
    entries: tuple[EntryFact, ...]
    newly_done: tuple[NewlyDone, ...]
    overdue: tuple[Overdue, ...]
    behind: tuple[Status, ...]
    due_next: tuple[DueItem, ...]
    lagging: tuple[Lagging, ...]
    paces: tuple[Pace, ...]  # per top-level indicator, in the plan's order
    # For the month-by-month figures, which only charts and JSON read: computed when first asked for.
    timeline: Timeline = field(repr=False, compare=False)
    supervised: Supervised | None = field(default=None, repr=False, compare=False)
    # report --owner: the owners whose items ``status`` keeps; ``whole_status``: the plan with every item.
    owners: tuple[str, ...] | None = field(default=None, repr=False, compare=False)
    whole_status: PlanStatus | None = field(default=None, repr=False, compare=False)

    @property
    def whole(self) -> PlanStatus:
        """The plan at the as-of date with every item (``status`` keeps only the chosen owners')."""
        return self.whole_status if self.whole_status is not None else self.status

    def owner_of(self, status: Status) -> str | None:
        """Rule 13's owner of an indicator or part (None for an indicator with parts, and unassigned)."""
        seen = self.whole.watches.get(status.ref)
        return None if seen is None else seen.owner

    def watch_of(self, status: Status) -> Watch | None:
        return self.whole.watches.get(status.ref)

    @cached_property
    def projection(self) -> float | None:
        """The plan's completion projected to the due dates along rule 10's straight lines: the weighted
        mean, as rule 9, of each top-level indicator's projected completion capped at 100 (a milestone,
        or an item without a projection, counts its completion now). None when nothing weighs, or when
        the as-of date is not after the plan's start."""
        whole = self.whole
        if whole.as_of <= self.plan.period.start:
            return None
        weight = total = 0.0
        for status in whole.indicators:
            seen = whole.watches.get(status.ref)
            projected = None if seen is None else seen.projected_completion
            weight += status.weight
            total += status.weight * min(100.0, status.completion if projected is None else projected)
        return total / weight if weight else None

    @cached_property
    def summary(self) -> Summary:
        now, before = self.status, self.previous
        return Summary(now.id, now.title, now.completion, before.completion, now.counts, before.counts)

    @property
    def completion_change(self) -> float | None:
        return self.summary.completion_change

    @property
    def counts_change(self) -> dict[str, int]:
        return self.summary.counts_change

    @cached_property
    def _monthly(self) -> list[Monthly]:
        return monthly_completions(self.plan, self.timeline, self.status.as_of)

    @cached_property
    def series(self) -> tuple[Point, ...]:
        """Plan start month → plan end month (or the as-of month, if later)."""
        return tuple(plan_series(self.plan, self._monthly, self.paces, max(self.plan.period.end, self.status.as_of)))

    @cached_property
    def trends(self) -> dict[str, tuple[float, ...]]:
        """Ref → completion at each month's end through the as-of month."""
        return trends(self._monthly)

    @property
    def expected(self) -> float | None:
        """Plan completion expected at the as-of date (the pace line of the chart)."""
        return plan_pace(self.paces, self.status.as_of)

    def pace_of(self, status: Status) -> float:
        """An indicator's or part's expected completion at the as-of date (0–100)."""
        return Pace.of(status, self._checkpoints.get(status.ref, ())).completion(self.status.as_of)

    @cached_property
    def _checkpoints(self) -> dict[str, tuple[tuple[dt.date, float], ...]]:
        return plan_checkpoints(self.plan)

    @cached_property
    def previous_by_ref(self) -> dict[str, Status]:
        """Every indicator and part at the previous month's end, by ref."""
        return _by_ref(self.previous)

    def previous_of(self, ref: str) -> Status | None:
        """An indicator or part (by ref) at the previous month's end."""
        return self.previous_by_ref.get(ref)


@dataclass(frozen=True)
class Report:
    month: Month
    plans: tuple[PlanReport, ...]
    supervision: Supervision = field(default_factory=lambda: Supervision((), (), ()))

    def count(self, state: str) -> int:
        """Top-level indicators in ``state`` over every plan of the report."""
        return sum(p.status.counts[state] for p in self.plans)

    @property
    def summaries(self) -> list[Summary]:
        return [p.summary for p in self.plans]


# --- building -------------------------------------------------------------------


def build_report(
    plans: Sequence[Plan],
    ledger: Ledger | Mapping[str, Timeline],
    entries: Iterable[EntryAt],
    month: Month,
    tolerance: float = DEFAULT_PACE_TOLERANCE,
    owners: Sequence[str] | None = None,
    due_soon_days: int = DEFAULT_DUE_SOON_DAYS,
    stale_days: int = DEFAULT_STALE_DAYS,
) -> Report:
    """The report of ``month`` for ``plans`` (in the order given).

    ``ledger`` holds every entry (a full ledger, or a Timeline per plan id); ``entries``
    may be all entries or only the month's: only those of these plans dated in
    ``month`` are listed.
    """
    in_month: dict[str, list[EntryAt]] = {}
    for item in entries:
        if item.entry.date in month:
            in_month.setdefault(item.plan_id, []).append(item)
    reports = [
        plan_report(
            plan,
            timeline_of(ledger, plan.id),
            in_month.get(plan.id, []),
            month,
            tolerance,
            owners,
            due_soon_days,
            stale_days,
        )  # fmt: skip
        for plan in plans
    ]
    if owners is not None:
        reports = [p for p in reports if p.status.indicators]
    return Report(
        month=month,
        plans=tuple(reports),
        supervision=Supervision.of((p.supervised for p in reports if p.supervised is not None), owners),
    )


def plan_report(
    plan: Plan,
    timeline: Timeline,
    items: list[EntryAt],
    month: Month,
    tolerance: float,
    owners: Sequence[str] | None = None,
    due_soon_days: int = DEFAULT_DUE_SOON_DAYS,
    stale_days: int = DEFAULT_STALE_DAYS,
) -> PlanReport:
    """One plan's part of the report of ``month``; ``items``: its entries dated in the month. Rules
    10–13 at the month's end are in its status's watches; with ``owners`` (report --owner), its lists,
    entries and status keep only the items of those owners (completion and counts stay the plan's)."""
    as_of = month.last
    whole = plan_status_at(plan, timeline, as_of, tolerance)
    whole = replace(whole, watches=watch(plan, whole, timeline.last_entries(as_of), due_soon_days, stale_days))
    now = whole if owners is None else select(whole, owners=owners)
    indicators = {ind.id: ind for ind in plan.indicators}
    checkpoints = plan_checkpoints(plan)
    paces = tuple(Pace.of(status, checkpoints[status.id]) for status in whole.indicators)
    before = plan_status_at(plan, timeline, month.previous().last, tolerance)
    earlier = _by_ref(before)

    newly_done: list[NewlyDone] = []
    lagging: list[Lagging] = []
    for status in now.indicators:
        for item, parent in ((status, None), *((part, status) for part in status.parts)):
            was = earlier.get(item.ref)
            if item.state == "done" and (was is None or was.state != "done"):
                day = _done_on(plan, indicators[status.id], timeline, item.ref, month, tolerance)
                newly_done.append(NewlyDone(item, parent, day))
            if parent is not None and item.state in ("behind", "overdue"):
                lagging.append(Lagging(item, parent))

    overdue = [
        Overdue(s, (as_of - s.due).days, earlier.get(s.ref) is None or earlier[s.ref].state != "overdue")
        for s in now.indicators
        if s.state == "overdue"
    ]
    # Longest overdue first: that is what a reader acts on; ties keep the plan's order.
    overdue.sort(key=lambda o: -o.days)
    if owners is not None:
        watches = whole.watches
        wanted = set(owners)
        items = [
            item
            for item in items
            if (found := watches.get(_entry_ref(item.entry))) is not None and found.owner in wanted
        ]

    return PlanReport(
        month=month,
        plan=plan,
        status=now,
        previous=before,
        entries=tuple(_entry_fact(item.entry, indicators) for item in sorted(items, key=_entry_order)),
        newly_done=tuple(newly_done),
        overdue=tuple(overdue),
        behind=tuple(s for s in now.indicators if s.state == "behind"),
        due_next=tuple(_due_next(checkpoints, now, month.next())),
        lagging=tuple(lagging),
        paces=paces,
        timeline=timeline,
        supervised=share(plan.id, plan.title, whole, now),
        owners=None if owners is None else tuple(owners),
        whole_status=None if owners is None else whole,
    )


def _entry_ref(entry: Entry) -> str:
    return entry.indicator_id if entry.part_id is None else f"{entry.indicator_id}/{entry.part_id}"


def _entry_order(item: EntryAt) -> tuple:
    # By date; on one day, as the entries stand in the files.
    return (item.entry.date, item.month, item.seq)


def _entry_fact(entry: Entry, indicators: dict[str, Indicator]) -> EntryFact:
    ind = indicators.get(entry.indicator_id)
    part_id = entry.part_id
    part_name = None
    if ind is not None and part_id is not None:
        part_name = next((p.name for p in ind.parts if p.id == part_id), None)
    if ind is None:
        accumulate = "sum"
    else:
        accumulate = "milestone" if ind.kind == "milestone" else ind.accumulate
    return EntryFact(
        date=entry.date, indicator=entry.indicator_id, part=part_id,
        name=ind.name if ind is not None else entry.indicator_id, part_name=part_name,
        accumulate=accumulate, value=entry.value, done=entry.done,
        unit=entry.unit if entry.unit is not None else (ind.unit if ind is not None else None),
        note=entry.note, by=entry.by, evidence=entry.evidence,
    )  # fmt: skip


def _done_on(
    plan: Plan, ind: Indicator, timeline: Timeline, ref: str, month: Month, tolerance: float
) -> dt.date | None:
    """The first day of ``month`` with an entry after which ``ref`` is done."""
    for day in timeline.dates(ind.id, month.first, month.last):
        status = indicator_status(plan, ind, timeline.at(day, ind.id), day, tolerance)
        found = status if status.ref == ref else next((p for p in status.parts if p.ref == ref), None)
        if found is not None and found.state == "done":
            return day
    return None


def _due_next(
    checkpoints: dict[str, tuple[tuple[dt.date, float], ...]], now: PlanStatus, month: Month
) -> list[DueItem]:
    """Indicators due, and checkpoints (written or from `every`; ``checkpoints``: by indicator id)
    falling, in ``month``; by date."""
    items: list[DueItem] = []
    first, last = month.first, month.last
    for status in now.indicators:
        for by, value in checkpoints[status.id]:
            if first <= by <= last and by != status.due:
                items.append(DueItem(status, by, "checkpoint", value))
        if status.due in month:
            items.append(DueItem(status, status.due, "due", status.target))
    order = {s.id: i for i, s in enumerate(now.indicators)}
    items.sort(key=lambda item: (item.date, order[item.status.id]))
    return items


def _by_ref(plan: PlanStatus) -> dict[str, Status]:
    found: dict[str, Status] = {}
    for status in plan.indicators:
        found[status.ref] = status
        for part in status.parts:
            found[part.ref] = part
    return found


# --- the expected pace and series for charts ------------------------------------


@dataclass(frozen=True)
class Pace:
    """Where an indicator is expected to be on any day: the line of the charts.

    Numbers go in straight lines from (start, baseline) through their checkpoints
    (written or from `every`) to (due, target); milestones are not half done: 0
    before their due date, 100 from it. Unlike ``Status.expected`` (the last passed
    checkpoint, which the rules judge against), the line reaches the target on the
    due date, so a plan's line ends at 100% when everything is due.
    """

    status: Status  # any date's: only the shape (baseline, target, dates) is used
    knots: tuple[tuple[dt.date, float], ...]

    @classmethod
    def of(cls, status: Status, checkpoints: Sequence[tuple[dt.date, float]] = ()) -> Pace:
        """The pace of an indicator or part; ``checkpoints``: the indicator's (compute.plan_checkpoints;
        a part has none: a straight line)."""
        if status.kind == "milestone" or status.baseline is None or status.target is None:
            return cls(status, ())
        inner = tuple((by, float(value)) for by, value in checkpoints if status.start < by < status.due)
        return cls(status, ((status.start, float(status.baseline)), *inner, (status.due, float(status.target))))

    def value(self, day: dt.date) -> float | None:
        """The expected value at ``day`` (None for a milestone)."""
        if not self.knots:
            return None
        knots = self.knots
        # The first knot on or after ``day``, by bisection: a chart asks once per month, and `every: month`
        # over a long period has a knot per month (a scan made the HTML report quadratic: issue 18, D10).
        index = bisect.bisect_left(knots, (day,))
        if index == 0:
            return knots[0][1]
        if index == len(knots):
            return knots[-1][1]
        (d0, v0), (d1, v1) = knots[index - 1], knots[index]
        return v0 + (v1 - v0) * (day - d0).days / (d1 - d0).days

    def completion(self, day: dt.date) -> float:
        """The expected completion at ``day``, 0–100."""
        value = self.value(day)
        s = self.status
        if value is None or s.baseline is None or s.target is None:
            return 100.0 if day >= s.due else 0.0
        return min(100.0, completion_of(value, s.baseline, s.target, s.comparator))


def plan_pace(paces: Sequence[Pace], day: dt.date) -> float | None:
    """A plan's expected completion at ``day``: the weighted mean of its indicators' (as rule 9)."""
    weight = sum(p.status.weight for p in paces)
    if not weight:
        return None
    return sum(p.status.weight * p.completion(day) for p in paces) / weight


class Monthly(NamedTuple):
    """A plan's completions at one month's end (or at the as-of date, in the as-of month)."""

    month: Month
    date: dt.date
    completion: float | None  # the plan's
    completions: dict[str, float]  # each indicator's and part's, by ref, in the plan's order


def monthly_completions(plan: Plan, timeline: Timeline, as_of: dt.date) -> list[Monthly]:
    """The plan's completions at each month's end from its start through ``as_of`` (the last at
    ``as_of`` itself): what the plan's status would say there, without judging states."""
    found = []
    for month in months_between(plan.period.start, as_of):
        day = min(month.last, as_of)
        completion, completions = plan_completions(plan, timeline.at(day), day)
        found.append(Monthly(month, day, completion, completions))
    return found


def plan_series(plan: Plan, monthly: list[Monthly], paces: Sequence[Pace], until: dt.date) -> list[Point]:
    """Completion (from `monthly_completions`) and the expected pace at each month's end from the
    plan's start through ``until``; months after the last one computed carry only the pace."""
    done = {point.month: point for point in monthly}
    points = []
    for month in months_between(plan.period.start, until):
        known = done.get(month)
        day = known.date if known is not None else month.last
        points.append(Point(month, day, known.completion if known else None, plan_pace(paces, day)))
    return points


def trends(monthly: list[Monthly]) -> dict[str, tuple[float, ...]]:
    """Per indicator and part (by ref): completion at each month's end (from `monthly_completions`)."""
    series: dict[str, list[float]] = {}
    for point in monthly:
        for ref, completion in point.completions.items():
            series.setdefault(ref, []).append(completion)
    return {ref: tuple(values) for ref, values in series.items()}


def trend_lines(
    plans: Sequence[Plan], ledger: Ledger | Mapping[str, Timeline], as_of: dt.date
) -> dict[str, dict[str, str]]:
    """Per plan id, per indicator and part ref: a sparkline of completion at each month's end (status --chart)."""
    from civtrack.render.sparkline import sparkline

    return {
        plan.id: {
            ref: sparkline(values)
            for ref, values in trends(monthly_completions(plan, timeline_of(ledger, plan.id), as_of)).items()
        }
        for plan in plans
    }

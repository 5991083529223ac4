"""The facts of a monthly report: (plans, ledger, entries, month) → Report. Pure: no I/O, no printing.

A report compares each plan at the end of a month (the as-of date) with the end
of the month before: completion and counts and their change, the entries of the
month, what became done, what is overdue or behind, what falls due next month,
the parts that lag, and the month-by-month completion for charts. Renderers
(civtrack/render/report_*.py) only lay these facts out; docs/reports.md
documents them as the JSON schema.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property

from civtrack.compute import (
    DEFAULT_PACE_TOLERANCE,
    STATES,
    Ledger,
    PlanStatus,
    Status,
    completion_of,
    indicator_status,
    period_checkpoints,
    plan_status,
)
from civtrack.load import EntryAt
from civtrack.model import Entry, Indicator, Plan

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


# --- facts ----------------------------------------------------------------------


@dataclass(frozen=True)
class EntryFact:
    """An entry recorded in the report month, with the names people read."""

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
class PlanReport:
    plan: Plan
    status: PlanStatus  # at the as-of date
    previous: PlanStatus  # at the previous month's end
    entries: tuple[EntryFact, ...]
    newly_done: tuple[NewlyDone, ...]
    overdue: tuple[Overdue, ...]
    behind: tuple[Status, ...]
    due_next: tuple[DueItem, ...]
    lagging: tuple[Lagging, ...]
    paces: tuple[Pace, ...]  # per top-level indicator, in the plan's order
    series: tuple[Point, ...]  # plan start month → plan end month (or the as-of month, if later)
    trends: dict[str, tuple[float, ...]]  # ref → completion at each month's end through the as-of month

    @property
    def completion_change(self) -> float | None:
        if self.status.completion is None or self.previous.completion is None:
            return None
        return self.status.completion - self.previous.completion

    @property
    def counts_change(self) -> dict[str, int]:
        return {state: self.status.counts[state] - self.previous.counts[state] for state in STATES}

    @property
    def expected(self) -> float | None:
        """Plan completion expected at the as-of date (the pace line of the chart)."""
        return plan_pace(self.paces, self.status.as_of)

    def pace_of(self, status: Status) -> float:
        """An indicator's or part's expected completion at the as-of date (0–100)."""
        return Pace.of(self.plan, status).completion(self.status.as_of)

    @cached_property
    def _previous_by_ref(self) -> dict[str, Status]:
        return _by_ref(self.previous)

    def previous_of(self, ref: str) -> Status | None:
        """An indicator or part (by ref) at the previous month's end."""
        return self._previous_by_ref.get(ref)


@dataclass(frozen=True)
class Report:
    month: Month
    plans: tuple[PlanReport, ...]

    @property
    def as_of(self) -> dt.date:
        return self.month.last

    @property
    def previous_as_of(self) -> dt.date:
        return self.month.previous().last

    @property
    def next_month(self) -> Month:
        return self.month.next()

    def count(self, state: str) -> int:
        """Top-level indicators in ``state`` over every plan of the report (for --fail-on)."""
        return sum(p.status.counts[state] for p in self.plans)


# --- building -------------------------------------------------------------------


def build_report(
    plans: Sequence[Plan],
    ledger: Ledger,
    entries: Iterable[EntryAt],
    month: Month,
    tolerance: float = DEFAULT_PACE_TOLERANCE,
) -> Report:
    """The report of ``month`` for ``plans`` (in the order given).

    ``ledger`` holds every entry (they are cut at each date evaluated); ``entries``
    may be all entries or only the month's: only those of these plans dated in
    ``month`` are listed.
    """
    in_month: dict[str, list[EntryAt]] = {}
    for item in entries:
        if item.entry.date in month:
            in_month.setdefault(item.plan_id, []).append(item)
    return Report(
        month=month,
        plans=tuple(_plan_report(plan, ledger, in_month.get(plan.id, []), month, tolerance) for plan in plans),
    )


def _plan_report(plan: Plan, ledger: Ledger, items: list[EntryAt], month: Month, tolerance: float) -> PlanReport:
    as_of = month.last
    monthly = monthly_statuses(plan, ledger, as_of, tolerance)
    now = plan_status(plan, ledger, as_of, tolerance)
    paces = tuple(Pace.of(plan, status) for status in now.indicators)
    before = plan_status(plan, ledger, month.previous().last, tolerance)
    earlier = _by_ref(before)
    indicators = {ind.id: ind for ind in plan.indicators}
    refs = ledger.get(plan.id, {})

    newly_done: list[NewlyDone] = []
    lagging: list[Lagging] = []
    for status in now.indicators:
        for item, parent in ((status, None), *((part, status) for part in status.parts)):
            was = earlier.get(item.ref)
            if item.state == "done" and (was is None or was.state != "done"):
                day = _done_on(plan, indicators[status.id], refs, item.ref, month, tolerance)
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

    return PlanReport(
        plan=plan,
        status=now,
        previous=before,
        entries=tuple(_entry_fact(item.entry, indicators) for item in sorted(items, key=_entry_order)),
        newly_done=tuple(newly_done),
        overdue=tuple(overdue),
        behind=tuple(s for s in now.indicators if s.state == "behind"),
        due_next=tuple(_due_next(plan, now, month.next())),
        lagging=tuple(lagging),
        paces=paces,
        series=tuple(plan_series(plan, monthly, paces, max(plan.period.end, as_of))),
        trends=trends(monthly),
    )


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


def _done_on(plan: Plan, ind: Indicator, refs: dict, ref: str, month: Month, tolerance: float) -> dt.date | None:
    """The first day of ``month`` with an entry after which ``ref`` is done."""
    days = sorted(
        {day for key, by_day in refs.items() if key.split("/")[0] == ind.id for day in by_day if day in month}
    )
    for day in days:
        status = indicator_status(plan, ind, refs, day, tolerance)
        found = status if status.ref == ref else next((p for p in status.parts if p.ref == ref), None)
        if found is not None and found.state == "done":
            return day
    return None


def _due_next(plan: Plan, now: PlanStatus, month: Month) -> list[DueItem]:
    """Indicators due, and checkpoints (written or from `every`) falling, in ``month``; by date."""
    items: list[DueItem] = []
    indicators = {ind.id: ind for ind in plan.indicators}
    for status in now.indicators:
        for by, value in checkpoints(indicators[status.id], status):
            if by in month and by != status.due:
                items.append(DueItem(status, by, "checkpoint", value))
        if status.due in month:
            items.append(DueItem(status, status.due, "due", status.target))
    order = {s.id: i for i, s in enumerate(now.indicators)}
    items.sort(key=lambda item: (item.date, order[item.status.id]))
    return items


def checkpoints(ind: Indicator, status: Status) -> list[tuple[dt.date, float]]:
    """An indicator's checkpoints, written and generated by `every`, by date (none for a milestone)."""
    if status.kind == "milestone" or status.baseline is None or status.target is None:
        return []
    found = [(cp.by, cp.value) for cp in ind.checkpoints]
    if ind.every:
        found += period_checkpoints(status.start, status.due, ind.every, status.baseline, status.target)
    return sorted(found)


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
    def of(cls, plan: Plan, status: Status) -> Pace:
        """The pace of an indicator or part (parts have no checkpoints: a straight line)."""
        if status.kind == "milestone" or status.baseline is None or status.target is None:
            return cls(status, ())
        ind = next(i for i in plan.indicators if i.id == status.ref.split("/")[0])
        points = checkpoints(ind, status) if status.ref == ind.id else []
        inner = tuple((by, float(value)) for by, value in points if status.start < by < status.due)
        return cls(status, ((status.start, float(status.baseline)), *inner, (status.due, float(status.target))))

    def value(self, day: dt.date) -> float | None:
        """The expected value at ``day`` (None for a milestone)."""
        if not self.knots:
            return None
        if day <= self.knots[0][0]:
            return self.knots[0][1]
        for (d0, v0), (d1, v1) in zip(self.knots, self.knots[1:], strict=False):
            if day <= d1:
                return v0 + (v1 - v0) * (day - d0).days / (d1 - d0).days
        return self.knots[-1][1]

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


def monthly_statuses(
    plan: Plan, ledger: Ledger, as_of: dt.date, tolerance: float = DEFAULT_PACE_TOLERANCE
) -> list[tuple[Month, PlanStatus]]:
    """The plan at each month's end from its start through ``as_of`` (the last one at ``as_of`` itself)."""
    return [
        (month, plan_status(plan, ledger, min(month.last, as_of), tolerance))
        for month in months_between(plan.period.start, as_of)
    ]


def plan_series(
    plan: Plan, monthly: list[tuple[Month, PlanStatus]], paces: Sequence[Pace], until: dt.date
) -> list[Point]:
    """Completion (from `monthly_statuses`) and the expected pace at each month's end from the
    plan's start through ``until``; months after the last status carry only the pace."""
    done = {month: status for month, status in monthly}
    points = []
    for month in months_between(plan.period.start, until):
        status = done.get(month)
        day = status.as_of if status is not None else month.last
        points.append(Point(month, day, status.completion if status else None, plan_pace(paces, day)))
    return points


def trends(monthly: list[tuple[Month, PlanStatus]]) -> dict[str, tuple[float, ...]]:
    """Per indicator and part (by ref): completion at each month's end (from `monthly_statuses`)."""
    series: dict[str, list[float]] = {}
    for _, status in monthly:
        for ref, item in _by_ref(status).items():
            series.setdefault(ref, []).append(item.completion)
    return {ref: tuple(values) for ref, values in series.items()}


def trend_lines(
    plans: Sequence[Plan], ledger: Ledger, as_of: dt.date, tolerance: float = DEFAULT_PACE_TOLERANCE
) -> dict[str, dict[str, str]]:
    """Per plan id, per indicator and part ref: a sparkline of completion at each month's end (status --chart)."""
    from civtrack.render.sparkline import sparkline

    return {
        plan.id: {
            ref: sparkline(values) for ref, values in trends(monthly_statuses(plan, ledger, as_of, tolerance)).items()
        }
        for plan in plans
    }

"""Supervision rules 10–13 (docs/format.md): projection, alert, last entry and staleness, owners.
Pure: no I/O, no printing.

They are evaluated beside rules 1–9, on what `compute` has already judged: ``watch`` takes a plan's
evaluated status and the last entry date of each of its references and gives, per indicator and
part, a ``Watch``. Nothing
here folds entries again: the projection needs only the status's figures, and the last entry is the
latest *day* with entries on or before as-of (from a full ledger: one pass over the days of each item;
from the cache's series: one bisection), never a pass over entries.
``OwnerTally`` adds items up per owner plan by plan, so that `status --format json` can still write
a thousand plans one at a time.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import NamedTuple

from civtrack.compute import STATES, Day, Ledger, PlanStatus, Status, completion_of, evaluate
from civtrack.model import Plan

ALERTS: tuple[str, ...] = ("red", "orange", "yellow", "blue")
DEFAULT_DUE_SOON_DAYS = 30
DEFAULT_STALE_DAYS = 31


class Watch(NamedTuple):
    """Rules 10–13 for one indicator or part."""

    owner: str | None  # rule 13 (None for an indicator with parts, and when nobody is named)
    projected: float | None  # rule 10
    projected_completion: float | None
    eta: dt.date | None
    alert: str | None  # rule 11: red | orange | yellow | blue
    last_entry: dt.date | None  # rule 12
    stale: bool


# Watch._make of the seven fields in order, without its length check (a hundred thousand items per
# `status` at 1M): tuple.__new__ bound to the class, a C call.
_new_watch = functools.partial(tuple.__new__, Watch)


_LAST = dt.date.max.toordinal()


def last_entry(days: Mapping[dt.date, Day] | None, as_of: dt.date) -> dt.date | None:
    """Rule 12: the date of the latest entry on or before as-of (a ledger day exists only with an entry)."""
    if not days:
        return None
    return max(filter(as_of.__ge__, days), default=None)


def last_entries(refs: Mapping[str, Mapping[dt.date, Day]], as_of: dt.date) -> dict[str, dt.date]:
    """Rule 12's last entry of every reference of a full ledger (a plan's part), where there is one.
    (A ledger made for one as-of date, as the cache gives, has lost its days: the caller then takes
    the dates from where they are kept.)"""
    lasts = {}
    for ref, days in refs.items():
        last = last_entry(days, as_of)
        if last is not None:
            lasts[ref] = last
    return lasts


def watch(
    plan: Plan,
    status: PlanStatus,
    lasts: Mapping[str, dt.date],
    due_soon_days: int = DEFAULT_DUE_SOON_DAYS,
    stale_days: int = DEFAULT_STALE_DAYS,
) -> dict[str, Watch]:
    """Rules 10–13 for every indicator and part of one evaluated plan, by reference ("ind" or "ind/part").
    ``lasts``: the date of the last entry on or before as-of of each reference that has one."""
    as_of = status.as_of
    organization = plan.organization
    watches: dict[str, Watch] = {}
    for item in status.indicators:
        if item.parts:
            last = None
            for part in item.parts:
                part_last = lasts.get(part.ref)
                if part_last is not None and (last is None or part_last > last):
                    last = part_last
                watches[part.ref] = _watch(
                    part, part.owner or organization, part_last, as_of, due_soon_days, stale_days
                )
            owner = None  # rule 13: its parts carry it
        else:
            last = lasts.get(item.ref)
            owner = item.owner or organization
        watches[item.ref] = _watch(item, owner, last, as_of, due_soon_days, stale_days)
    return watches


def _watch(
    status: Status, owner: str | None, last: dt.date | None, as_of: dt.date, soon: int, stale_days: int
) -> Watch:
    """project, alert and is_stale of one item at once (a hundred thousand items for a million entries:
    a third of the cost of three calls; a test holds supervise to the rules written plainly)."""
    state = status.state
    start = status.start
    to_due = (status.due - as_of).days
    if state == "overdue":
        colour: str | None = "red"
    elif state == "behind":
        colour = "orange" if 0 <= to_due <= soon else "yellow"
    elif state == "on-track" and 0 <= to_due <= soon:
        colour = "blue"
    else:
        colour = None
    stale = state != "done" and (as_of - start).days > stale_days and (last is None or (as_of - last).days > stale_days)
    if status.kind == "milestone" or as_of <= start:
        return _new_watch((owner, None, None, None, colour, last, stale))
    current, baseline, target, comparator = status.current, status.baseline, status.target, status.comparator
    rate = (current - baseline) / (as_of - start).days  # type: ignore[operator]
    projected = current + rate * (to_due if to_due > 0 else 0)  # type: ignore[operator]
    projected_completion = completion_of(projected, baseline, target, comparator)  # type: ignore[arg-type]
    eta = None
    if state != "done" and (rate > 0 if comparator == ">=" else rate < 0):
        # A line so flat that it meets the target after the calendar's last day converges nowhere.
        ordinal = as_of.toordinal() + math.ceil((target - current) / rate)  # type: ignore[operator]
        if ordinal <= _LAST:
            eta = dt.date.fromordinal(ordinal)
    return _new_watch((owner, projected, projected_completion, eta, colour, last, stale))


def supervise(
    plans: Sequence[Plan],
    ledger: Ledger,
    as_of: dt.date,
    tolerance: float,
    due_soon_days: int = DEFAULT_DUE_SOON_DAYS,
    stale_days: int = DEFAULT_STALE_DAYS,
    lasts_of: Callable[[str], Mapping[str, dt.date]] | None = None,
) -> list[PlanStatus]:
    """``compute.evaluate`` with each plan's ``watches`` filled (rules 1–13). ``lasts_of(plan_id)``
    gives the last entry dates of a plan's references (default: from ``ledger``, a full one)."""
    if lasts_of is None:
        lasts_of = lambda plan_id: last_entries(ledger.get(plan_id, {}), as_of)  # noqa: E731
    return [
        replace(status, watches=watch(plan, status, lasts_of(plan.id), due_soon_days, stale_days))
        for plan, status in zip(plans, evaluate(plans, ledger, as_of, tolerance), strict=True)
    ]


def select(
    plan: PlanStatus,
    states: Iterable[str] | None = None,
    owners: Iterable[str | None] | None = None,
    alerts: Iterable[str] | None = None,
) -> PlanStatus:
    """The plan with only the items that match every filter given (`status --state`, `--owner`, `--alert`;
    ``plan`` from ``supervise``), as compute.select: a parent that matches keeps all its parts; a parent
    shown for matching parts keeps only those. An indicator with parts has no owner (rule 13): with
    ``owners`` it is shown for its parts only. Completion and counts stay those of the whole plan."""
    wanted_states = None if states is None else set(states)
    wanted_owners = None if owners is None else set(owners)
    wanted_alerts = None if alerts is None else set(alerts)
    watches = plan.watches

    def keep(status: Status) -> bool:
        seen = watches.get(status.ref)
        return (
            (wanted_states is None or status.state in wanted_states)
            and (wanted_owners is None or (seen is not None and seen.owner in wanted_owners))
            and (wanted_alerts is None or (seen is not None and seen.alert in wanted_alerts))
        )

    kept: list[Status] = []
    for status in plan.indicators:
        if keep(status):
            kept.append(status)
            continue
        parts = tuple(part for part in status.parts if keep(part))
        if parts:
            kept.append(replace(status, parts=parts))
    return replace(plan, indicators=tuple(kept))


# --- rule 13: per owner ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OwnerSummary:
    owner: str | None  # None: unassigned
    items: int
    completion: float | None  # None when its items weigh nothing
    counts: dict[str, int]
    alerts: dict[str, int]
    stale: int


@dataclass(slots=True)
class _Sums:
    items: int = 0
    # Each item's weight and weighted completion, in the order the items came: added up only in
    # ``summaries``, left to right, so that tallies made in several processes and joined in order
    # (``take``, ``extend``) give the very float sums one tally of every plan gives.
    weights: list[float] = field(default_factory=list)
    weighted: list[float] = field(default_factory=list)
    stale: int = 0
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATES, 0))
    alerts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ALERTS, 0))


def _added(values: list[float]) -> float:
    """The sum of ``values`` added left to right from 0.0 (as ``+=`` item by item does; not sum() or
    math.fsum, which may round differently)."""
    total = 0.0
    for value in values:
        total += value
    return total


class OwnerTally:
    """Rule 13's per-owner figures, added up plan by plan (``add``), ranked by ``summaries``."""

    def __init__(self) -> None:
        self._owners: dict[str | None, _Sums] = {}

    def add(self, plan: PlanStatus) -> None:
        """Count the items of one evaluated, unfiltered plan (its ``watches`` filled)."""
        watches = plan.watches
        owners = self._owners
        for item in plan.indicators:
            weight = item.weight  # parts share their indicator's weight
            for held in item.parts or (item,):
                seen = watches[held.ref]
                sums = owners.get(seen.owner)
                if sums is None:
                    sums = owners[seen.owner] = _Sums()
                sums.items += 1
                sums.weights.append(weight)
                sums.weighted.append(weight * min(held.completion, 100.0))
                sums.counts[held.state] += 1
                if seen.alert is not None:
                    sums.alerts[seen.alert] += 1
                sums.stale += seen.stale

    def take(self) -> dict[str | None, _Sums]:
        """What was added so far (to ``extend`` another tally with, in order), leaving this one empty:
        a forked process's share of the plans goes back to the process that writes the summary."""
        taken, self._owners = self._owners, {}
        return taken

    def extend(self, taken: dict[str | None, _Sums]) -> None:
        """Add what another tally ``take``-s, as though its plans were added here after this one's."""
        for owner, more in taken.items():
            sums = self._owners.get(owner)
            if sums is None:
                self._owners[owner] = more
                continue
            sums.items += more.items
            sums.weights += more.weights
            sums.weighted += more.weighted
            sums.stale += more.stale
            for key, count in more.counts.items():
                sums.counts[key] += count
            for key, count in more.alerts.items():
                sums.alerts[key] += count

    def merge(self, other: OwnerTally) -> None:
        """Add another tally's figures (a share of plans tallied in another process), after this one's;
        ``other`` is left as it was (a report's shares are merged again for each view of them)."""
        self.extend({
            owner: _Sums(s.items, list(s.weights), list(s.weighted), s.stale, dict(s.counts), dict(s.alerts))
            for owner, s in other._owners.items()
        })  # fmt: skip

    def summaries(self) -> list[OwnerSummary]:
        """Ranked by completion, highest first (an owner whose items weigh nothing last), then by name
        (unassigned after every name)."""
        rows = []
        for owner, sums in self._owners.items():
            weight = _added(sums.weights)
            rows.append(
                OwnerSummary(
                    owner,
                    sums.items,
                    _added(sums.weighted) / weight if weight else None,
                    dict(sums.counts),
                    dict(sums.alerts),
                    sums.stale,
                )
            )
        rows.sort(
            key=lambda row: (
                row.completion is None,
                -(row.completion or 0.0),
                row.owner is None,
                row.owner or "",
            )
        )
        return rows


def owners(plans: Iterable[PlanStatus]) -> list[OwnerSummary]:
    """Rule 13 across plans (evaluated by ``supervise``, unfiltered)."""
    tally = OwnerTally()
    for plan in plans:
        tally.add(plan)
    return tally.summaries()


# --- a report's supervision sections ------------------------------------------------------------


class Flagged(NamedTuple):
    """An item of rules 13 (a part, or an indicator without parts) with an early warning (rule 11) or
    not reported (rule 12), as the report's Warnings and Not reported list it."""

    plan_id: str
    plan_title: str
    status: Status
    parent: Status | None
    watch: Watch
    days_left: int  # from the as-of date to the due date (negative when overdue)


@dataclass
class Supervised:
    """A plan's share of the report's supervision sections, small enough to travel between processes:
    its items per owner (unfiltered), and its flagged items (only the chosen owners' with --owner)."""

    tally: OwnerTally
    warnings: list[Flagged]
    stale: list[Flagged]


@dataclass(frozen=True)
class Supervision:
    """The report's supervision sections across its plans (rules 10–13): the ranking of owners (By
    responsible unit), the items with an early warning (red, orange, yellow, blue; most days overdue or
    fewest days left first within a colour), and the stale items grouped by owner in rank order."""

    owners: tuple[OwnerSummary, ...]
    warnings: tuple[Flagged, ...]
    not_reported: tuple[tuple[str | None, tuple[Flagged, ...]], ...]

    @classmethod
    def of(cls, shares: Iterable[Supervised], owners: Sequence[str | None] | None = None) -> Supervision:
        """From the plans' shares, in plan order; with ``owners`` (report --owner), theirs only."""
        tally = OwnerTally()
        warnings: list[Flagged] = []
        stale: list[Flagged] = []
        for share in shares:
            tally.merge(share.tally)
            warnings += share.warnings
            stale += share.stale
        ranked = [s for s in tally.summaries() if owners is None or s.owner in owners]
        rank = {alert: index for index, alert in enumerate(ALERTS)}
        warnings.sort(key=lambda f: (rank[f.watch.alert], f.days_left))  # type: ignore[index]
        grouped: dict[str | None, list[Flagged]] = {summary.owner: [] for summary in ranked}
        for flagged in stale:
            grouped.setdefault(flagged.watch.owner, []).append(flagged)
        return cls(
            tuple(ranked), tuple(warnings), tuple((owner, tuple(items)) for owner, items in grouped.items() if items)
        )

    def fails(self, what: str) -> bool:
        """--fail-on red / orange / stale: whether any item listed is so."""
        if what == "stale":
            return bool(self.not_reported)
        return any(f.watch.alert == what for f in self.warnings)


def share(plan_id: str, plan_title: str, whole: PlanStatus, shown: PlanStatus) -> Supervised:
    """A plan's share of a report's supervision sections: every item of ``whole`` (evaluated by
    ``supervise`` or with its watches) in the tally, the items ``shown`` (rule 13's: parts, and
    indicators without parts; ``whole`` itself, or it filtered by ``select``) in the lists."""
    tally = OwnerTally()
    tally.add(whole)
    warnings: list[Flagged] = []
    stale: list[Flagged] = []
    as_of = whole.as_of
    watches = whole.watches
    for status in shown.indicators:
        for item, parent in ((part, status) for part in status.parts) if status.parts else ((status, None),):
            seen = watches[item.ref]
            if seen.alert is not None or seen.stale:
                flagged = Flagged(plan_id, plan_title, item, parent, seen, (item.due - as_of).days)
                if seen.alert is not None:
                    warnings.append(flagged)
                if seen.stale:
                    stale.append(flagged)
    return Supervised(tally, warnings, stale)

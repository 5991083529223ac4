"""Linked items (`from: source/plan/indicator[/part]`): what they name, what `check` says of them, and
rule 14 (docs/format.md). Pure: plans and series in, problems and series out.

Rule 14 is applied where every view reads entries, in the series: the linked item's local series is
replaced by one made from the remote item evaluated (rules 1–3) at each day it has entries, so that its
current at any as-of is the remote's current at that as-of, its last entry the remote's last entry,
and `status`, `report`, charts and rules 10–13 need no change of their own.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from civtrack.cache.series import Series, SeriesTimeline
from civtrack.compute import Status, indicator_status
from civtrack.errors import Problem
from civtrack.model import Indicator, Plan
from civtrack.sources.messages import problem
from civtrack.text import fmt


@dataclass(frozen=True)
class Link:
    plan_id: str  # the local plan
    ref: str  # the local item: "indicator" or "indicator/part"
    path: str  # the local plan file, as shown
    line: int | None  # of its `from:`
    text: str  # what `from:` says
    kind: str  # the local item's: number | milestone
    mode: str  # how the local item adds up: sum | latest | milestone
    unit: str | None
    target: float | None
    baseline: float
    has_parts: bool = False

    def key(self) -> str:
        """What the link's figures and problems depend on besides the commit (its cache key)."""
        terms = (self.text, self.kind, self.mode, self.unit, self.target, self.baseline, self.has_parts)
        return repr(terms)

    @property
    def parsed(self) -> tuple[str, str, str, str | None] | None:
        """(source, plan, indicator, part or None), or None when `from:` is not of that form."""
        pieces = self.text.split("/")
        if len(pieces) not in (3, 4) or not all(pieces):
            return None
        return pieces[0], pieces[1], pieces[2], pieces[3] if len(pieces) == 4 else None


def may_link(plan_file: object) -> bool:
    """Whether a plan file may have a `from:`, without building a plan the cache has not built yet: its
    cached dump names the fields set ("from_" among them when one is). A text that happens to read
    "from_" only makes the plan be built and looked at."""
    dump = getattr(plan_file, "_dump", None)
    if isinstance(dump, bytes) and getattr(plan_file, "_built", None) is None:
        return b'"from_"' in dump
    return has_links(plan_file.plan)  # type: ignore[attr-defined]


def has_links(plan: Plan) -> bool:
    """Whether an indicator or a part of the plan has a `from:`."""
    return any(ind.from_ is not None or any(p.from_ is not None for p in ind.parts) for ind in plan.indicators)


def links_of(plan_files: Mapping[str, object]) -> Iterator[Link]:
    """Every linked indicator and part of the local plans, in plan order."""
    for plan_id, plan_file in plan_files.items():
        if not may_link(plan_file):
            continue
        plan: Plan = plan_file.plan  # type: ignore[attr-defined]
        for i, ind in enumerate(plan.indicators):
            line = plan_file.line  # type: ignore[attr-defined]
            if ind.from_ is not None:
                mode = "milestone" if ind.kind == "milestone" else ind.accumulate
                yield Link(
                    plan_id, ind.id, plan_file.path, line("indicators", i, "from"), ind.from_,  # type: ignore[attr-defined]
                    ind.kind, mode, ind.unit, _target(ind), ind.baseline or 0, bool(ind.parts),
                )  # fmt: skip
            for j, part in enumerate(ind.parts):
                if part.from_ is not None:
                    yield Link(
                        plan_id, f"{ind.id}/{part.id}", plan_file.path,  # type: ignore[attr-defined]
                        line("indicators", i, "parts", j, "from"), part.from_, "number", "sum", ind.unit,
                        part.target, part.baseline,
                    )  # fmt: skip


def _target(ind: Indicator) -> float | None:
    if ind.kind == "milestone":
        return None
    if ind.target is not None:
        return ind.target
    return sum(p.target for p in ind.parts) if ind.parts else None


@dataclass(frozen=True)
class Found:
    """The remote item a link names."""

    plan: Plan
    indicator: Indicator
    part: str | None
    kind: str
    unit: str | None
    target: float | None


def find(link: Link, plans: Mapping[str, Plan], commit: str) -> tuple[Found | None, list[Problem]]:
    """The remote item of a link in a source's plans, or the problems that say why not (SRC03, SRC04),
    and those of a found item: kind (SRC06), unit (SRC05), target (SRC07)."""
    parsed = link.parsed
    assert parsed is not None
    source, plan_id, ind_id, part_id = parsed
    at = (link.path, link.line)
    plan = plans.get(plan_id)
    if plan is None:
        known = ", ".join(sorted(plans)[:10]) or "none"
        return None, [problem("SRC03", *at, plan=plan_id, source=source, commit=commit[:10], known=known)]
    ind = next((i for i in plan.indicators if i.id == ind_id), None)
    where = {"plan": plan_id, "source": source, "commit": commit[:10]}
    if ind is None:
        return None, [problem("SRC04", *at, what="indicator", item=ind_id, **where)]
    part = None
    if part_id is not None:
        part = next((p for p in ind.parts if p.id == part_id), None)
        if part is None:
            return None, [problem("SRC04", *at, what="part", item=f"{ind_id}/{part_id}", **where)]
    kind = "number" if part is not None else ind.kind
    found = Found(plan, ind, part_id, kind, None if kind == "milestone" else ind.unit,
                  part.target if part is not None else _target(ind))  # fmt: skip
    problems = []
    if kind != link.kind:
        problems.append(problem("SRC06", *at, local=link.kind, remote=kind, ref=link.text))
        return None, problems
    if link.unit is not None and found.unit is not None and link.unit != found.unit:
        problems.append(problem("SRC05", *at, local=link.unit, remote=found.unit, ref=link.text))
    if link.target is not None and found.target is not None and abs(link.target - found.target) > 1e-9:
        problems.append(problem("SRC07", *at, local=fmt(link.target), remote=fmt(found.target), ref=link.text))
    return found, problems


class StateRuns:
    """Rule 14's state: in the place of a series (under ``ref + compute.LINKED_STATE``), the remote item's
    state at the as-of date it is asked for, as the Day's ``last`` (no dates: it is not an entry).

    ``runs``: [ordinal, state] where each state starts (state_runs): a bisection at any as-of."""

    __slots__ = ("starts", "states", "dates", "sorted")

    def __init__(self, runs: list[list[Any]]):
        self.starts = [ordinal for ordinal, _ in runs]
        self.states = [state for _, state in runs]
        self.dates: list[int] = []
        self.sorted = True

    def at(self, as_of: int) -> tuple[int, int, str, None]:
        k = bisect.bisect_right(self.starts, as_of)
        return 0, 0, self.states[max(k - 1, 0)], None


def state_runs(found: Found, series: Mapping[str, Series], tolerance: float) -> list[list[Any]]:
    """The remote item's state on every day from the day before its start (or its first entry) to the day
    after its due date (or its last entry), as runs: after that nothing changes it (no entry, no pace),
    and before it, it stands as on its first day. Made once per commit (the link cache)."""
    ind, plan = found.indicator, found.plan
    start, due = ind.start or plan.period.start, ind.due or plan.period.end
    dates = [o for ref, s in series.items() if ref == ind.id or ref.startswith(f"{ind.id}/") for o in s.dates]
    low = min([start.toordinal(), *dates]) - 1
    high = max([due.toordinal(), *dates]) + 1
    timeline = SeriesTimeline(dict(series))
    runs: list[list[Any]] = []
    for ordinal in range(low, high + 1):
        day = dt.date.fromordinal(ordinal)
        status = indicator_status(plan, ind, timeline.at(day, ind.id), day, tolerance)
        if found.part is not None:
            status = next(p for p in status.parts if p.id == found.part)
        if not runs or runs[-1][1] != status.state:
            runs.append([ordinal, status.state])
    return runs


def remote_status(found: Found, series: Mapping[str, Series], day: dt.date, tolerance: float) -> Status:
    """The remote item evaluated at ``day`` (rules 1–8, with its own plan's terms)."""
    ind = found.indicator
    status = indicator_status(found.plan, ind, SeriesTimeline(dict(series)).at(day, ind.id), day, tolerance)
    return status if found.part is None else next(p for p in status.parts if p.id == found.part)


def linked_series(link: Link, found: Found, series: Mapping[str, Series]) -> Series:
    """Rule 14: the series of a linked item, from the remote plan's series (by reference).

    The remote item is evaluated (rules 1–3) on each day it has entries; the local item's series
    holds, on those days, what makes its own current equal the remote's there: for `sum`, the change of
    the remote current (the first day's from the local baseline); for `latest`, the remote current; for
    a milestone, its done flag. The counts are the remote's entries of each day."""
    ind = found.indicator
    if found.part is not None:
        own = [series[f"{ind.id}/{found.part}"]] if f"{ind.id}/{found.part}" in series else []
    else:
        own = [s for ref, s in series.items() if ref == ind.id or ref.startswith(f"{ind.id}/")]
    ordinals = sorted({ordinal for s in own for ordinal in s.dates})
    timeline = SeriesTimeline(dict(series))
    dates, totals, counts, lasts, dones = [], [], [], [], []
    previous_current: float = link.baseline
    previous_count = 0
    for ordinal in ordinals:
        day = dt.date.fromordinal(ordinal)
        status = indicator_status(found.plan, ind, timeline.at(day, ind.id), day, 0.0)
        if found.part is not None:
            status = next(p for p in status.parts if p.id == found.part)
        dates.append(ordinal)
        counts.append(status.entries - previous_count)
        previous_count = status.entries
        if link.mode == "milestone":
            totals.append(0)
            dones.append(status.state == "done")
        elif link.mode == "latest":
            totals.append(0)
            lasts.append(status.current)
        else:
            totals.append(status.current - previous_current)  # type: ignore[operator]
            previous_current = status.current  # type: ignore[assignment]
    return Series([
        dates, totals, counts, lasts if link.mode == "latest" else None,
        dones if link.mode == "milestone" else None, True,
    ])  # fmt: skip


def refuse_linked(target: Any) -> None:
    """`record` and `import` write no entry on a linked item (an oneplan.Target): InputError SRC16."""
    from civtrack.errors import InputError

    item = target.part if target.part is not None else target.indicator
    if item.from_ is None:
        return
    plan_file, ind = target.plan_file, target.indicator
    where: tuple[str | int, ...] = ("indicators", plan_file.plan.indicators.index(ind))
    if target.part is not None:
        where = (*where, "parts", ind.parts.index(target.part))
    ref = ind.id if target.part is None else f"{ind.id}/{target.part.id}"
    raise InputError(problem("SRC16", plan_file.path, plan_file.line(*where, "from"), item=ref, ref=item.from_))

"""Rules that relate objects to each other: plans to their parts, entries to their plan.

Shape and types are checked by the model when files are read (civtrack.load);
what is here needs more than one object, and knows the line of each.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from civtrack.errors import Problem, error, warning
from civtrack.load import EntryAt, PlanFile, Repository
from civtrack.messages import msg
from civtrack.model import Indicator, Plan
from civtrack.text import fmt
from civtrack.yamlsafe import shown


def check_plan(plan_file: PlanFile) -> list[Problem]:
    plan = plan_file.plan
    path = plan_file.path
    problems: list[Problem] = []
    if plan.period.end < plan.period.start:
        problems.append(error(path, plan_file.line("period"), "E102"))
    seen: dict[str, int] = {}
    for i, ind in enumerate(plan.indicators):

        def at(*where: str | int, i: int = i) -> int | None:
            return plan_file.line("indicators", i, *where)

        if ind.id in seen:
            first = plan_file.line("indicators", seen[ind.id], "id")
            problems.append(error(path, at("id"), "E103", ind.id, str(first)))
        seen.setdefault(ind.id, i)
        start, due = indicator_start(plan, ind), indicator_due(plan, ind)
        if due < start:
            problems.append(error(path, at("due"), "E104", ind.id, str(due), str(start)))
        if ind.due is not None and not (plan.period.start <= ind.due <= plan.period.end):
            problems.append(warning(path, at("due"), "W101", ind.id, str(ind.due)))
        if ind.kind == "milestone":
            for name in ("target", "unit", "baseline"):
                if getattr(ind, name) is not None:
                    problems.append(error(path, at(name), "E105", ind.id, name))
            for name in ("parts", "checkpoints"):
                if getattr(ind, name):
                    problems.append(error(path, at(name), "E106", ind.id, name))
            if ind.every:
                problems.append(error(path, at("every"), "E106", ind.id, "every"))
            continue
        problems.extend(_check_number(plan_file, i, ind))
    return problems


def _check_number(plan_file: PlanFile, i: int, ind: Indicator) -> list[Problem]:
    path = plan_file.path

    def at(*where: str | int) -> int | None:
        return plan_file.line("indicators", i, *where)

    problems: list[Problem] = []
    if ind.parts:
        if ind.accumulate == "latest":
            problems.append(error(path, at("parts"), "E107", ind.id))
        part_ids: set[str] = set()
        for j, part in enumerate(ind.parts):
            if part.id in part_ids:
                problems.append(error(path, at("parts", j, "id"), "E108", part.id, ind.id))
            part_ids.add(part.id)
        part_sum = sum(p.target for p in ind.parts)
        if ind.target is not None and abs(ind.target - part_sum) > 1e-9:
            problems.append(error(path, at("target"), "E109", ind.id, fmt(ind.target), fmt(part_sum)))
        for j, part in enumerate(ind.parts):
            if ind.comparator == "<=" and part.baseline <= part.target:
                problems.append(error(path, at("parts", j), "E110", part.id))
    elif ind.target is None:
        problems.append(error(path, at(), "E111", ind.id))
    if ind.comparator == "<=" and not ind.parts and ind.target is not None:
        if ind.baseline is None or ind.baseline <= ind.target:
            problems.append(
                error(
                    path,
                    # line() falls back to the indicator's line: name the field that is there.
                    at("baseline") if ind.baseline is not None else at("comparator"),
                    "E112",
                    ind.id,
                )
            )
    if ind.comparator == ">=":
        if ind.parts:
            # Where each pair stands, looked up only for a problem: a line of a file read by the fast
            # path costs a reading by the reference (the whole plan file again).
            pairs = [
                (msg("f.part_of", part.id, ind.id), ("parts", j), part.target, part.baseline)
                for j, part in enumerate(ind.parts)
            ]
        elif ind.target is not None:
            pairs = [(msg("f.indicator", ind.id), ("target",), ind.target, ind.baseline or 0)]
        else:
            pairs = []
        for name, where, target, baseline in pairs:
            if not (target < baseline or target == baseline):
                continue
            line = at(*where)
            if target < baseline:
                problems.append(error(path, line, "E113", name, fmt(target), fmt(baseline)))
            elif target == baseline:
                problems.append(warning(path, line, "W102", name, fmt(target)))
    for j, cp in enumerate(ind.checkpoints):
        if not (indicator_start(plan_file.plan, ind) <= cp.by <= indicator_due(plan_file.plan, ind)):
            problems.append(warning(path, at("checkpoints", j), "W103", str(cp.by), ind.id))
    return problems


def check_entry(plan: Plan, indicators: dict[str, Indicator], item: EntryAt) -> list[Problem]:
    entry = item.entry
    path, line = item.path, item.line
    problems: list[Problem] = []
    date = entry.date
    if f"{date.year:04d}-{date.month:02d}" != item.month:  # model.month_of (inlined: a million entries)
        problems.append(error(path, line, "E202", str(date), item.month, f"{date.year:04d}-{date.month:02d}"))
    indicator_id, _, part_id = entry.indicator.partition("/")
    ind = indicators.get(indicator_id)
    if ind is None:
        return [*problems, error(path, line, "E203", indicator_id, plan.id)]
    if part_id:
        if not any(p.id == part_id for p in ind.parts):
            problems.append(error(path, line, "E204", part_id, ind.id))
    elif ind.parts:
        problems.append(error(path, line, "E205", ind.id, _some_parts(ind)))
    if ind.kind == "milestone":
        if entry.value is not None:
            problems.append(error(path, line, "E206", ind.id))
        elif entry.done is None:
            problems.append(error(path, line, "E207", ind.id))
    else:
        if entry.done is not None:
            problems.append(error(path, line, "E208", ind.id))
        elif entry.value is None:
            problems.append(error(path, line, "E209", ind.id))
    if entry.unit is not None and ind.unit is not None and entry.unit != ind.unit:
        problems.append(error(path, line, "E210", shown(entry.unit), shown(ind.unit)))
    if not (plan.period.start <= entry.date <= plan.period.end):
        problems.append(warning(path, line, "W201", str(entry.date), str(plan.period.start), str(plan.period.end)))
    return problems


def check_entries(plan: Plan, indicators: dict[str, Indicator], items: Iterable[EntryAt]) -> list[Problem]:
    """check_entry of each item, in order. An item that passes the same tests in brief (a known reference,
    the field its kind needs and not the other, its unit, a date in its file's month and in the plan's
    period) has no problem and is not looked at again; any other goes through check_entry, which words
    its problems. (A million entries: the brief tests take a fifth of check_entry's time.)"""
    period = plan.period
    rules = entry_rules(indicators)
    spans: dict[str, tuple[dt.date, dt.date] | None] = {}  # month → its days within the period
    problems: list[Problem] = []
    for item in items:
        entry = item.entry
        rule = rules.get(entry.indicator)
        span = spans.get(item.month, False)
        if span is False:
            span = spans[item.month] = _month_span(item.month, period.start, period.end)
        if (
            rule is not None
            and span is not None
            and span[0] <= entry.date <= span[1]
            and ((entry.value is None and entry.done is not None) if rule[0] else (entry.done is None and entry.value is not None))
            and (entry.unit is None or rule[1] is None or entry.unit == rule[1])
        ):  # fmt: skip
            continue
        problems.extend(check_entry(plan, indicators, item))
    return problems


def entry_rules(indicators: dict[str, Indicator]) -> dict[str, tuple[bool, str | None]]:
    """Reference → (milestone, unit): the references an entry may name without a problem in brief
    (check_entries); any other is left to check_entry."""
    rules: dict[str, tuple[bool, str | None]] = {}
    for ind in indicators.values():
        if "/" in ind.id:  # check_entry cuts the reference at its first '/': left to it
            continue
        rule = (ind.kind == "milestone", ind.unit)
        if ind.parts:
            for part in ind.parts:
                if part.id:
                    rules[f"{ind.id}/{part.id}"] = rule
        else:
            rules[ind.id] = rules[f"{ind.id}/"] = rule  # "ind/" is "ind" to check_entry
    return rules


def _month_span(month: str, start: dt.date, end: dt.date) -> tuple[dt.date, dt.date] | None:
    """The first and last day of ``month`` ("YYYY-MM", ASCII digits) within start…end, or None: no day,
    or not a month that check_entry matches any date to."""
    year, _, number = month.partition("-")
    if not (month.isascii() and len(year) == 4 and year.isdigit() and number in _MONTHS and year != "0000"):
        return None
    y, m = int(year), int(number)
    last = dt.date(y, 12, 31) if m == 12 else dt.date(y, m + 1, 1) - dt.timedelta(days=1)
    low, high = max(dt.date(y, m, 1), start), min(last, end)
    return (low, high) if low <= high else None


_MONTHS = frozenset(f"{m:02d}" for m in range(1, 13))


def check_repository(repo: Repository) -> list[Problem]:
    """Every cross-object problem of a loaded repository (per-file problems are already in repo.problems)."""
    problems: list[Problem] = []
    for plan_file in repo.plans.values():
        problems.extend(check_plan(plan_file))
    for plan_id, entries in repo.entries.items():
        plan = repo.plans[plan_id].plan
        problems.extend(check_entries(plan, {ind.id: ind for ind in plan.indicators}, entries))
    return problems


def indicator_start(plan: Plan, ind: Indicator) -> dt.date:
    return ind.start or plan.period.start


def indicator_due(plan: Plan, ind: Indicator) -> dt.date:
    return ind.due or plan.period.end


def _some_parts(ind: Indicator) -> str:
    refs = ", ".join(f"{ind.id}/{part.id}" for part in ind.parts[:3])
    return refs + (", …" if len(ind.parts) > 3 else "")

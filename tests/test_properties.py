"""Properties of the computation rules (civtrack.compute), checked on generated plans and entries.

Plans are generated valid by construction (and `check_plan` confirms it: the
properties are promises about plans that pass `civtrack check`). Values are
integers or halves, so that sums are exact in floating point and a different
order of addition cannot hide or fake a difference. The last property is the
writer's: what `record` writes (civtrack.store) reads back the same, for any text
and any finite number.

Examples per property: 100 here, 3000 under `make soak` (CIVTRACK_SOAK=1).
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from civtrack import store
from civtrack.check import check_plan, check_repository
from civtrack.compute import (
    STATES,
    PlanStatus,
    Status,
    completion_of,
    evaluate,
    fold,
    merge,
    met,
    period_checkpoints,
    plan_completions,
)
from civtrack.load import DiskSource, PlanFile, load
from civtrack.model import MAX_NUMBER, Entry, Period, Plan
from civtrack.workspace import Config
from civtrack.yamlsafe import CONTROL_IN_TEXT, Document

SOAK = bool(os.environ.get("CIVTRACK_SOAK"))
PROPERTY = settings(
    max_examples=3000 if SOAK else 100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

START, END = dt.date(2021, 1, 1), dt.date(2021, 12, 31)
in_period = st.dates(min_value=START, max_value=END)
# Integers and halves: exact in binary floating point, whatever the order of addition.
amounts = st.integers(-2000, 2000).map(lambda n: n / 2 if n % 3 == 0 else n // 2)
levels = st.integers(0, 1000)
MONTH_ENDS = [dt.date(2021, m + 1, 1) - dt.timedelta(days=1) for m in range(1, 12)] + [END]


@st.composite
def dated_span(draw: st.DrawFn) -> tuple[dt.date, dt.date]:
    start = draw(in_period)
    due = draw(st.dates(min_value=start, max_value=END))
    return start, due


@st.composite
def number_indicator(draw: st.DrawFn, index: int) -> dict[str, Any]:
    comparator = draw(st.sampled_from([">=", "<="]))
    accumulate = draw(st.sampled_from(["sum", "latest"]))
    start, due = draw(dated_span())
    ind: dict[str, Any] = {
        "id": f"ind-{index}",
        "name": f"指标{index}",
        "unit": "个",
        "comparator": comparator,
        "accumulate": accumulate,
        "start": start,
        "due": due,
        "weight": draw(st.sampled_from([0, 1, 1, 2, 0.5])),
    }
    if accumulate == "sum" and draw(st.booleans()):
        parts = []
        for j in range(draw(st.integers(1, 3))):
            low, step = draw(levels), draw(st.integers(1, 500))
            # '<=' brings a level down: the baseline must be above the target.
            base, target = (low, low + step) if comparator == ">=" else (low + step, low)
            parts.append({"id": f"part-{j}", "name": f"部分{j}", "baseline": base, "target": target})
        ind["parts"] = parts
        if draw(st.booleans()):
            ind["target"] = sum(p["target"] for p in parts)
        return inherit(draw, ind)
    low, step = draw(levels), draw(st.integers(0 if comparator == ">=" else 1, 500))
    if comparator == ">=":
        baseline = draw(st.none() | st.just(low))
        ind["target"] = (baseline or 0) + step
    else:
        baseline = low + step
        ind["target"] = low
    if baseline is not None:
        ind["baseline"] = baseline
    base = baseline or 0
    if draw(st.booleans()):
        # Some on a month's end, and whole values sometimes written as integers: where `every` puts
        # a checkpoint of the same date and value (a float), the one written must still win.
        ends = [d for d in MONTH_ENDS if start <= d <= due]
        day = st.dates(min_value=start, max_value=due)
        ind["checkpoints"] = []
        for k in range(1, draw(st.integers(1, 3)) + 1):
            value = base + (ind["target"] - base) * k / 4
            if value == int(value) and draw(st.booleans()):
                value = int(value)
            ind["checkpoints"].append({"by": draw(day | st.sampled_from(ends) if ends else day), "value": value})
    if draw(st.booleans()):
        ind["every"] = draw(st.sampled_from(["month", "quarter"]))
    return inherit(draw, ind)


def inherit(draw: st.DrawFn, ind: dict[str, Any]) -> dict[str, Any]:
    """Sometimes without its own start or due: it takes the plan's (both are within the plan's period)."""
    for key in ("start", "due"):
        if draw(st.booleans()):
            del ind[key]
    return ind


@st.composite
def milestone(draw: st.DrawFn, index: int) -> dict[str, Any]:
    start, due = draw(dated_span())
    return inherit(
        draw, {"id": f"ind-{index}", "name": f"任务{index}", "kind": "milestone", "start": start, "due": due}
    )


@st.composite
def plans(draw: st.DrawFn) -> Plan:
    count = draw(st.integers(1, 5))
    indicators = [draw(st.one_of(number_indicator(i), milestone(i))) for i in range(count)]
    plan = Plan.model_validate(
        {"id": "plan", "title": "测试计划", "period": {"start": START, "end": END}, "indicators": indicators}
    )
    problems = [p for p in check_plan(PlanFile(plan, "plans/plan.yaml", Document(None, {}))) if p.severity == "error"]
    assert problems == [], problems  # the generator makes valid plans only
    return plan


def refs_of(plan: Plan) -> list[tuple[str, str]]:
    """(reference, what an entry carries) for everything an entry may name."""
    refs = []
    for ind in plan.indicators:
        if ind.kind == "milestone":
            refs.append((ind.id, "done"))
        elif ind.parts:
            refs.extend((f"{ind.id}/{part.id}", "value") for part in ind.parts)
        else:
            refs.append((ind.id, "value"))
    return refs


@st.composite
def entries_for(draw: st.DrawFn, plan: Plan, dates: st.SearchStrategy[dt.date] = in_period) -> list[Entry]:
    refs = refs_of(plan)
    made = []
    for _ in range(draw(st.integers(0, 12))):
        ref, field = draw(st.sampled_from(refs))
        value = draw(st.booleans()) if field == "done" else draw(amounts)
        made.append(Entry.model_validate({"date": draw(dates), "indicator": ref, field: value}))
    return made


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[Plan, list[Entry], dt.date]:
    plan = draw(plans())
    # as-of anywhere from before the period to after it: every boundary gets visited.
    as_of = draw(st.dates(min_value=dt.date(2020, 12, 1), max_value=dt.date(2022, 1, 31)))
    return plan, draw(entries_for(plan)), as_of


def statuses(plan: Plan, entries: list[Entry], as_of: dt.date) -> PlanStatus:
    """Evaluate as `status` does: entries in file order, (month, position) as the order key."""
    ledger = fold((plan.id, entry, (f"{entry.date:%Y-%m}", seq)) for seq, entry in enumerate(entries))
    return evaluate([plan], ledger, as_of)[0]


def every_status(plan_status: PlanStatus) -> list[Status]:
    return [s for ind in plan_status.indicators for s in (ind, *ind.parts)]


# --- rule 4: completion --------------------------------------------------------------


@PROPERTY
@given(
    baseline=st.integers(-1000, 1000),
    target=st.integers(-1000, 1000),
    low=st.integers(-3000, 3000),
    rise=st.integers(0, 3000),
    comparator=st.sampled_from([">=", "<="]),
)
def test_completion_rises_with_current_for_at_least_and_falls_for_at_most(
    baseline: int, target: int, low: int, rise: int, comparator: str
) -> None:
    before = completion_of(low, baseline, target, comparator)
    after = completion_of(low + rise, baseline, target, comparator)
    assert before >= 0 and after >= 0
    if comparator == ">=":
        assert after >= before
    else:
        assert after <= before


@PROPERTY
@given(scenario=scenarios(), data=st.data())
def test_completion_of_an_indicator_rises_with_one_more_entry(
    scenario: tuple[Plan, list[Entry], dt.date], data: st.DataObject
) -> None:
    """The same rule through evaluate: one more positive increment never lowers '>=' completion, never raises '<='."""
    plan, entries, as_of = scenario
    sums = [i for i in plan.indicators if i.kind == "number" and i.accumulate == "sum" and not i.parts]
    if not sums or as_of < START:
        return
    ind = data.draw(st.sampled_from(sums))
    extra = Entry(date=data.draw(st.dates(min_value=START, max_value=min(as_of, END))), indicator=ind.id, value=5)
    position = plan.indicators.index(ind)
    before = statuses(plan, entries, as_of).indicators[position].completion
    after = statuses(plan, [*entries, extra], as_of).indicators[position].completion
    assert after >= before if ind.comparator == ">=" else after <= before


# --- the whole evaluation, against the rules written plainly ------------------------


def reference_status(plan: Plan, entries: list[Entry], as_of: dt.date, tolerance: float) -> PlanStatus:
    """Rules 1–9 of docs/format.md written plainly from the entries (no ledger, nothing kept between
    calls, nothing precomputed): what compute's evaluation must give, every field to the last bit."""

    def counted(ref: str) -> list[Entry]:
        return [e for e in entries if e.indicator == ref and e.date <= as_of]

    def latest(items: list[Entry], attr: str) -> Any:
        found = None
        for entry in sorted(items, key=lambda e: e.date):  # stable: on one day the later in the files wins
            if getattr(entry, attr) is not None:
                found = getattr(entry, attr)
        return found

    def added(items: list[Entry]) -> float:
        return sum(e.value for e in items if e.value is not None)

    def judge(baseline: float, target: float, comparator: str, start: dt.date, due: dt.date, checkpoints: list,
              current: float) -> tuple[float, str, float]:  # fmt: skip
        completion = completion_of(current, baseline, target, comparator)
        span = (due - start).days
        pace = (1.0 if as_of >= due else 0.0) if span <= 0 else min(1.0, max(0.0, (as_of - start).days / span))
        passed = [cp for cp in sorted(checkpoints) if cp[0] < as_of]
        expected = max(passed)[1] if passed else baseline + (target - baseline) * pace
        if met(current, target, comparator):
            return completion, "done", expected
        if as_of > due:
            return completion, "overdue", expected
        if checkpoints:
            behind = any(not met(current, value, comparator) for _, value in passed)
        else:
            behind = completion < 100.0 * pace - tolerance
        return completion, "behind" if behind else "on-track", expected

    indicators = []
    for ind in plan.indicators:
        start, due = ind.start or plan.period.start, ind.due or plan.period.end
        common = {"id": ind.id, "ref": ind.id, "name": ind.name, "kind": ind.kind, "section": ind.section,
                  "comparator": ind.comparator, "start": start, "due": due, "weight": ind.weight, "owner": ind.owner}  # fmt: skip
        if ind.kind == "milestone":
            items = counted(ind.id)
            done = latest(items, "done")
            state = "done" if done else ("overdue" if as_of > due else "on-track")
            indicators.append(Status(**common, unit=None, baseline=None, target=None, current=None,
                                     completion=100.0 if done else 0.0, state=state, expected=None,
                                     entries=len(items)))  # fmt: skip
            continue
        parts = []
        for part in ind.parts:
            items = counted(f"{ind.id}/{part.id}")
            current = part.baseline + added(items)
            completion, state, expected = judge(part.baseline, part.target, ind.comparator, start, due, [], current)
            parts.append(Status(id=part.id, ref=f"{ind.id}/{part.id}", name=part.name, kind="number",
                                section=ind.section, unit=ind.unit, comparator=ind.comparator, baseline=part.baseline,
                                target=part.target, current=current, completion=completion, start=start, due=due,
                                state=state, expected=expected, weight=1, entries=len(items),
                                owner=part.owner or ind.owner))  # fmt: skip
        if parts:
            current = sum(p.current or 0 for p in parts)  # a part at 0.0 adds the int 0, as compute always has
            count = sum(p.entries for p in parts)
            baseline = ind.baseline if ind.baseline is not None else sum(p.baseline for p in ind.parts)
            target = ind.target if ind.target is not None else sum(p.target for p in ind.parts)
        else:
            baseline = ind.baseline if ind.baseline is not None else 0
            target = ind.target if ind.target is not None else 0
            items = counted(ind.id)
            count = len(items)
            if ind.accumulate == "latest":
                last = latest(items, "value")
                current = baseline if last is None else last
            else:
                current = baseline + added(items)
        checkpoints = [(cp.by, cp.value) for cp in ind.checkpoints]
        if ind.every:
            checkpoints += period_checkpoints(start, due, ind.every, baseline, target)
        completion, state, expected = judge(baseline, target, ind.comparator, start, due, checkpoints, current)
        indicators.append(Status(**common, unit=ind.unit, baseline=baseline, target=target, current=current,
                                 completion=completion, state=state, expected=expected, entries=count,
                                 parts=tuple(parts)))  # fmt: skip
    counts = {state: sum(s.state == state for s in indicators) for state in STATES}
    weight = sum(s.weight for s in indicators)
    completion = sum(s.weight * min(s.completion, 100.0) for s in indicators) / weight if weight else None
    return PlanStatus(id=plan.id, title=plan.title, organization=plan.organization, start=plan.period.start,
                      end=plan.period.end, as_of=as_of, completion=completion, counts=counts,
                      indicators=tuple(indicators))  # fmt: skip


@PROPERTY
@given(scenario=scenarios(), tolerance=st.sampled_from([0, 10, 25.0, 60]), data=st.data())
def test_statuses_are_the_rules_written_plainly(
    scenario: tuple[Plan, list[Entry], dt.date], tolerance: float, data: st.DataObject
) -> None:
    """Every field of every status, compared by repr: an int is not a float there, nor -0.0 0.0."""
    plan, entries, as_of = scenario
    ledger = fold((plan.id, entry, (f"{entry.date:%Y-%m}", seq)) for seq, entry in enumerate(entries))
    want = repr(reference_status(plan, entries, as_of, tolerance))
    assert repr(evaluate([plan], ledger, as_of, tolerance)[0]) == want
    # Again, on what compute keeps of the plan from the first evaluation.
    assert repr(evaluate([plan], ledger, as_of, tolerance)[0]) == want
    # A copy of the plan with another period shares the indicator objects: what it inherits changes.
    period = Period(
        start=data.draw(st.dates(min_value=dt.date(2020, 10, 1), max_value=START)),
        end=data.draw(st.dates(min_value=END, max_value=dt.date(2022, 3, 31))),
    )
    other = plan.model_copy(update={"period": period})
    assert other.indicators[0] is plan.indicators[0]
    assert repr(evaluate([other], ledger, as_of, tolerance)[0]) == repr(
        reference_status(other, entries, as_of, tolerance)
    )
    assert repr(evaluate([plan], ledger, as_of, tolerance)[0]) == want


@PROPERTY
@given(scenario=scenarios())
def test_plan_completions_are_those_of_plan_status(scenario: tuple[Plan, list[Entry], dt.date]) -> None:
    """Bit for bit (compared by repr) and in plan order: each indicator, then its parts."""
    plan, entries, as_of = scenario
    ledger = fold((plan.id, entry, (f"{entry.date:%Y-%m}", seq)) for seq, entry in enumerate(entries))
    status = evaluate([plan], ledger, as_of)[0]
    completion, by_ref = plan_completions(plan, ledger.get(plan.id, {}), as_of)
    assert repr(completion) == repr(status.completion)
    assert repr(by_ref) == repr({s.ref: s.completion for s in every_status(status)})


# --- rule 1: entries after as-of ----------------------------------------------------


@PROPERTY
@given(scenario=scenarios(), data=st.data())
def test_an_entry_dated_after_as_of_changes_nothing(
    scenario: tuple[Plan, list[Entry], dt.date], data: st.DataObject
) -> None:
    plan, entries, as_of = scenario
    later = data.draw(
        entries_for(plan, st.dates(min_value=as_of + dt.timedelta(days=1), max_value=dt.date(2022, 3, 1)))
    )
    assert later == [] or min(e.date for e in later) > as_of
    mixed = list(entries)
    for entry in later:  # anywhere in the files, not only at the end
        mixed.insert(data.draw(st.integers(0, len(mixed))), entry)
    assert statuses(plan, mixed, as_of) == statuses(plan, entries, as_of)


# --- rule 3: parts -------------------------------------------------------------------


@PROPERTY
@given(scenario=scenarios())
def test_parent_current_is_the_sum_of_its_parts(scenario: tuple[Plan, list[Entry], dt.date]) -> None:
    plan, entries, as_of = scenario
    result = statuses(plan, entries, as_of)
    for ind, status in zip(plan.indicators, result.indicators, strict=True):
        if not ind.parts:
            assert status.parts == ()
            continue
        assert status.current == sum(part.current for part in status.parts)
        for part, part_status in zip(ind.parts, status.parts, strict=True):
            # Counted from the entries themselves, not from the ledger.
            mine = [e for e in entries if e.indicator == f"{ind.id}/{part.id}" and e.date <= as_of]
            assert part_status.current == part.baseline + sum(e.value or 0 for e in mine)
            assert part_status.entries == len(mine)
        assert status.entries == sum(p.entries for p in status.parts)
        expected_target = ind.target if ind.target is not None else sum(p.target for p in ind.parts)
        assert status.target == expected_target


# --- files: splitting entries -------------------------------------------------------


@PROPERTY
@given(scenario=scenarios(), cuts=st.lists(st.integers(0, 12), max_size=6))
def test_splitting_entries_across_more_files_changes_nothing(
    scenario: tuple[Plan, list[Entry], dt.date], cuts: list[int]
) -> None:
    """Entries split into more files (kept in order) give the same statuses, folded whole or merged file by file."""
    plan, entries, as_of = scenario
    bounds = sorted({0, len(entries), *(c for c in cuts if c <= len(entries))})
    files = [entries[a:b] for a, b in zip(bounds, bounds[1:], strict=False)]
    whole = statuses(plan, entries, as_of)
    # One ledger over all files, ordered by (file number, position in file).
    ordered = fold((plan.id, e, (n, i)) for n, chunk in enumerate(files) for i, e in enumerate(chunk))
    assert evaluate([plan], ordered, as_of)[0] == whole
    # A ledger per file, merged (what a per-file cache does).
    merged: dict = {}
    for n, chunk in enumerate(files):
        merge(merged, fold((plan.id, e, (n, i)) for i, e in enumerate(chunk)))
    assert evaluate([plan], merged, as_of)[0] == whole


# --- rules 5 to 8: states -----------------------------------------------------------


@PROPERTY
@given(scenario=scenarios())
def test_done_if_and_only_if_completion_reaches_100_for_numbers(scenario: tuple[Plan, list[Entry], dt.date]) -> None:
    plan, entries, as_of = scenario
    for status in every_status(statuses(plan, entries, as_of)):
        if status.kind == "number":
            assert (status.state == "done") == (status.completion >= 100), status
        else:
            assert status.completion == (100.0 if status.state == "done" else 0.0)


@PROPERTY
@given(scenario=scenarios())
def test_exactly_one_state_per_indicator(scenario: tuple[Plan, list[Entry], dt.date]) -> None:
    plan, entries, as_of = scenario
    result = statuses(plan, entries, as_of)
    assert len(result.indicators) == len(plan.indicators)
    for status in every_status(result):
        assert status.state in STATES
        # The state follows from the rules: overdue only after due, behind never for a milestone.
        if status.state == "overdue":
            assert as_of > status.due
        if status.kind == "milestone":
            assert status.state != "behind"
    assert sum(result.counts.values()) == len(plan.indicators)
    for state in STATES:
        assert result.counts[state] == sum(s.state == state for s in result.indicators)
    weights = sum(i.weight for i in plan.indicators)
    assert (result.completion is None) == (weights == 0)
    if result.completion is not None:
        assert 0 <= result.completion <= 100


# --- record then load ---------------------------------------------------------------

# Any text civtrack stores: every character but the control characters the reader refuses
# (yamlsafe.CONTROL_IN_TEXT: C0 and C1 controls other than newline and tab, DEL, U+2028,
# U+2029; `record` refuses them too) and lone surrogates (not text: UTF-8 cannot hold them).
STORED_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)).filter(lambda char: not CONTROL_IN_TEXT.match(char)),
    max_size=80,
)
TRICKY_TEXT = [
    "",
    " ",
    "a: b # not a comment",
    "- 一项",
    "yes",
    "010",
    "0x1F",
    "1:30",
    "~",
    "null",
    "2021年6月底",
    "2021-06-30",
    "say \"hi\" and 'bye' \\ back",
    "line one\nline two\n\tthree\n",
    "\ufeff at the start, \ufffe\uffff",
    "😀 𠀀",
    "{a: b}, [1, 2], &anchor *alias !tag %directive @at `tick`",
]
# Any finite number the model takes: |value| ≤ 10^15 (model.MAX_NUMBER), integers and floats.
STORED_NUMBER = st.one_of(
    st.integers(-MAX_NUMBER, MAX_NUMBER),
    st.floats(-MAX_NUMBER, MAX_NUMBER, allow_nan=False, allow_infinity=False),
    st.sampled_from([0, -0.0, 0.1, 5e-324, 1e15, -1e15, 1e-7, 620.0, MAX_NUMBER - 1, 123456789.123456789]),
)
RECORD_PLAN = """\
id: town
title: 城关镇2021年民生实事
period: {start: 2021-01-01, end: 2021-12-31}
indicators:
  - {id: elder-beds, name: 新增养老床位, unit: 张, target: 800}
  - {id: cemetery-plan, name: 公墓布点规划, kind: milestone, due: 2021-06-30}
"""


@st.composite
def recorded_entries(draw: st.DrawFn) -> list[Entry]:
    """Entries as `record` builds them: a value or done, and any stored text in note, by and evidence."""
    count = draw(st.integers(1, 4))
    entries = []
    for _ in range(count):
        text = st.one_of(st.sampled_from(TRICKY_TEXT), STORED_TEXT)
        milestone = draw(st.booleans())
        entries.append(
            Entry(
                date=draw(in_period),
                indicator="cemetery-plan" if milestone else "elder-beds",
                value=None if milestone else draw(STORED_NUMBER),
                done=draw(st.booleans()) if milestone else None,
                note=draw(text),
                by=draw(st.none() | text),
                evidence=draw(st.none() | text),
                # as record gives each entry one (distinct: the last letter is the entry's place)
                id=draw(st.from_regex(r"\A[a-z][a-z2-7]{6}\Z")) + "abcd"[len(entries)],
            )
        )
    return entries


@settings(PROPERTY, suppress_health_check=[*PROPERTY.suppress_health_check, HealthCheck.function_scoped_fixture])
@given(recorded_entries())
def test_record_then_load_gives_back_the_same_value_and_note(tmp_path: Path, entries: list[Entry]) -> None:
    """What `record` writes (civtrack.store: format_entry, then append under the file's lock into a
    real month file) reads back through civtrack.load with the same value (its type and sign too:
    620 stays an int, 620.0 a float, -0.0 negative), note, reporter and evidence, at the line it
    was written at, and `check` finds nothing to say."""
    root = Path(tempfile.mkdtemp(dir=tmp_path))
    (root / "plans").mkdir()
    (root / "plans" / "town.yaml").write_text(RECORD_PLAN, encoding="utf-8")
    config = Config()
    written: dict[tuple[str, int], Entry] = {}
    for entry in entries:
        rel = f"progress/town/{entry.date:%Y-%m}.yaml"
        block = store.format_entry(entry)
        with store.locked(root, rel):
            existing = store.read_existing(root / rel, config.max_file_bytes)
            data = store.payload(existing, block)
            store.append(root / rel, data, len(existing or b""), rel)
        written[(rel, store.block_line(existing, data))] = entry
        assert data == block.encode("utf-8") and block.count("\n") == 1  # one line, whatever the text

    repo = load(DiskSource(root), config)
    assert repo.problems == [] and check_repository(repo) == []
    read = {(Path(item.path).relative_to(root).as_posix(), item.line): item.entry for item in repo.all_entries()}
    assert read == written
    for key, entry in written.items():
        again = read[key]
        assert (repr(again.value), again.note, again.by, again.evidence) == (
            repr(entry.value),
            entry.note,
            entry.by,
            entry.evidence,
        )

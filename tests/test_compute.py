"""The computation rules of docs/format.md, each with exact figures."""

from __future__ import annotations

import dataclasses
import datetime as dt
import gc
import inspect
from pathlib import Path
from typing import Any

import pytest

from civtrack import compute
from civtrack.compute import (
    Status,
    completion_of,
    evaluate,
    fold,
    indicator_status,
    merge,
    period_checkpoints,
    plan_completions,
    plan_status,
    select,
)
from civtrack.model import Entry, Indicator, Period, Plan

D = dt.date


def make_plan(*indicators: dict[str, Any], start: str = "2021-01-01", end: str = "2021-12-31") -> Plan:
    return Plan.model_validate(
        {"id": "p", "title": "计划", "period": {"start": start, "end": end}, "indicators": list(indicators)}
    )


def entries(*items: dict[str, Any]) -> list[tuple[str, Entry, tuple]]:
    """Entries in file order: their position is the order key."""
    return [("p", Entry.model_validate(item), ("", i)) for i, item in enumerate(items)]


def status_at(plan: Plan, items: list, as_of: str, tolerance: float = 25.0):
    return plan_status(plan, fold(items), D.fromisoformat(as_of), tolerance)


def one(plan: Plan, items: list, as_of: str, tolerance: float = 25.0):
    return status_at(plan, items, as_of, tolerance).indicators[0]


BEDS = {"id": "beds", "name": "养老床位", "unit": "张", "target": 800}


class TestCurrent:
    def test_sum_adds_baseline_and_values(self) -> None:
        plan = make_plan({**BEDS, "baseline": 100})
        items = entries(
            {"date": "2021-03-01", "indicator": "beds", "value": 200},
            {"date": "2021-04-01", "indicator": "beds", "value": 150.5},
        )
        status = one(plan, items, "2021-06-30")
        assert status.current == 450.5
        assert status.entries == 2

    def test_entries_after_as_of_are_ignored_and_as_of_day_counts(self) -> None:
        plan = make_plan(BEDS)
        items = entries(
            {"date": "2021-03-01", "indicator": "beds", "value": 200},
            {"date": "2021-03-02", "indicator": "beds", "value": 300},
        )
        assert one(plan, items, "2021-03-01").current == 200
        assert one(plan, items, "2021-03-02").current == 500
        assert one(plan, items, "2021-02-28").current == 0

    def test_latest_takes_the_latest_date_not_the_last_written(self) -> None:
        plan = make_plan({"id": "rate", "name": "年报率", "unit": "%", "target": 80, "accumulate": "latest"})
        items = entries(
            {"date": "2021-05-01", "indicator": "rate", "value": 70},
            {"date": "2021-04-01", "indicator": "rate", "value": 60},
        )
        assert one(plan, items, "2021-06-30").current == 70
        assert one(plan, items, "2021-04-30").current == 60

    def test_latest_tie_on_date_goes_to_the_later_position(self) -> None:
        plan = make_plan({"id": "rate", "name": "年报率", "unit": "%", "target": 80, "accumulate": "latest"})
        items = entries(
            {"date": "2021-05-01", "indicator": "rate", "value": 70},
            {"date": "2021-05-01", "indicator": "rate", "value": 65},
        )
        assert one(plan, items, "2021-06-30").current == 65

    def test_latest_without_entries_is_the_baseline(self) -> None:
        plan = make_plan({"id": "rate", "name": "年报率", "target": 80, "baseline": 55, "accumulate": "latest"})
        assert one(plan, [], "2021-06-30").current == 55

    def test_ledgers_merge_like_one_fold(self) -> None:
        plan = make_plan({"id": "rate", "name": "年报率", "target": 80, "accumulate": "latest"}, BEDS)
        first = entries({"date": "2021-05-01", "indicator": "rate", "value": 70})
        second = [("p", Entry.model_validate({"date": "2021-05-01", "indicator": "rate", "value": 72}), ("", 9))]
        second += [("p", Entry.model_validate({"date": "2021-05-03", "indicator": "beds", "value": 5}), ("", 10))]
        merged = merge(fold(first), fold(second))
        statuses = plan_status(plan, merged, D(2021, 6, 1)).indicators
        assert [s.current for s in statuses] == [72, 5]


class TestCompletion:
    def test_at_least(self) -> None:
        assert completion_of(450, 100, 800, ">=") == 50.0

    def test_over_achievement_is_not_capped(self) -> None:
        assert completion_of(1000, 0, 800, ">=") == 125.0

    def test_floored_at_zero(self) -> None:
        assert completion_of(50, 100, 800, ">=") == 0.0

    def test_at_most(self) -> None:
        # bring 20 down to 10: at 16 we are 40% of the way
        assert completion_of(16, 20, 10, "<=") == pytest.approx(40.0)
        assert completion_of(25, 20, 10, "<=") == 0.0
        assert completion_of(5, 20, 10, "<=") == 150.0

    def test_target_equal_to_baseline(self) -> None:
        assert completion_of(0, 0, 0, ">=") == 100.0
        assert completion_of(3, 5, 5, ">=") == 0.0
        assert completion_of(5, 5, 5, "<=") == 100.0

    def test_milestone_is_100_or_0(self) -> None:
        plan = make_plan({"id": "m", "name": "编制规划", "kind": "milestone", "due": "2021-06-30"})
        done = entries({"date": "2021-06-15", "indicator": "m", "done": True})
        assert one(plan, done, "2021-06-14").completion == 0.0
        assert one(plan, done, "2021-06-15").completion == 100.0


class TestStates:
    def test_done_when_target_reached(self) -> None:
        plan = make_plan(BEDS)
        items = entries({"date": "2021-03-01", "indicator": "beds", "value": 800})
        assert one(plan, items, "2021-03-01").state == "done"

    def test_done_for_at_most(self) -> None:
        plan = make_plan(
            {"id": "acc", "name": "事故", "target": 10, "baseline": 20, "comparator": "<=", "accumulate": "latest"}
        )
        items = entries({"date": "2021-03-01", "indicator": "acc", "value": 10})
        assert one(plan, items, "2021-03-01").state == "done"
        items = entries({"date": "2021-03-01", "indicator": "acc", "value": 11})
        assert one(plan, items, "2022-01-01").state == "overdue"

    def test_overdue_only_after_the_due_day(self) -> None:
        plan = make_plan({**BEDS, "due": "2021-06-30"})
        items = entries({"date": "2021-03-01", "indicator": "beds", "value": 799})
        assert one(plan, items, "2021-06-30").state == "on-track"
        assert one(plan, items, "2021-07-01").state == "overdue"

    def test_milestone_states(self) -> None:
        plan = make_plan({"id": "m", "name": "编制规划", "kind": "milestone", "due": "2021-06-30"})
        assert one(plan, [], "2021-06-30").state == "on-track"
        assert one(plan, [], "2021-07-01").state == "overdue"
        late = entries({"date": "2021-07-10", "indicator": "m", "done": True})
        assert one(plan, late, "2021-07-09").state == "overdue"
        assert one(plan, late, "2021-07-10").state == "done"

    def test_milestone_reopened_by_a_later_done_false(self) -> None:
        plan = make_plan({"id": "m", "name": "编制规划", "kind": "milestone"})
        items = entries(
            {"date": "2021-03-01", "indicator": "m", "done": True},
            {"date": "2021-04-01", "indicator": "m", "done": False},
        )
        assert one(plan, items, "2021-03-15").state == "done"
        assert one(plan, items, "2021-04-15").state == "on-track"

    def test_linear_pace_with_tolerance_boundary(self) -> None:
        # 2021-01-01 → 2021-12-31 is 364 days; at 2021-07-02 (182 days) the pace is exactly 50%.
        plan = make_plan({"id": "n", "name": "数", "target": 100})
        at_25 = entries({"date": "2021-02-01", "indicator": "n", "value": 25})
        below = entries({"date": "2021-02-01", "indicator": "n", "value": 24.9})
        assert one(plan, at_25, "2021-07-02").state == "on-track"  # 25 is not < 50 - 25
        assert one(plan, below, "2021-07-02").state == "behind"
        assert one(plan, below, "2021-07-02").expected == 50.0
        assert one(plan, below, "2021-07-02", tolerance=30).state == "on-track"

    def test_linear_pace_uses_the_indicator_start(self) -> None:
        plan = make_plan({"id": "n", "name": "数", "target": 100, "start": "2021-07-01", "due": "2021-07-11"})
        items = entries({"date": "2021-07-02", "indicator": "n", "value": 30})
        assert one(plan, [], "2021-06-01").state == "on-track"  # not started: pace 0
        assert one(plan, items, "2021-07-06").state == "on-track"  # pace 50%: 30 is not < 25
        assert one(plan, items, "2021-07-07").state == "behind"  # pace 60%: 30 < 35

    def test_checkpoint_passed_only_after_its_day(self) -> None:
        plan = make_plan({**BEDS, "checkpoints": [{"by": "2021-06-30", "value": 400}]})
        items = entries({"date": "2021-03-01", "indicator": "beds", "value": 399})
        assert one(plan, items, "2021-06-30").state == "on-track"
        status = one(plan, items, "2021-07-01")
        assert status.state == "behind"
        assert status.expected == 400
        assert status.gap == 1

    def test_checkpoints_replace_the_linear_pace(self) -> None:
        # far behind the linear pace (10% at the end of November), but the only checkpoint is met
        plan = make_plan({**BEDS, "checkpoints": [{"by": "2021-03-31", "value": 50}]})
        items = entries({"date": "2021-03-01", "indicator": "beds", "value": 80})
        assert one(plan, items, "2021-11-30").state == "on-track"

    def test_at_most_checkpoint(self) -> None:
        plan = make_plan(
            {"id": "acc", "name": "事故", "target": 10, "baseline": 20, "comparator": "<=", "accumulate": "latest",
             "checkpoints": [{"by": "2021-06-30", "value": 15}]}
        )  # fmt: skip
        assert (
            one(plan, entries({"date": "2021-06-01", "indicator": "acc", "value": 16}), "2021-07-01").state == "behind"
        )
        assert (
            one(plan, entries({"date": "2021-06-01", "indicator": "acc", "value": 15}), "2021-07-01").state
            == "on-track"
        )

    def test_milestones_are_never_behind(self) -> None:
        plan = make_plan({"id": "m", "name": "编制规划", "kind": "milestone"})
        assert one(plan, [], "2021-12-30").state == "on-track"


class TestEvery:
    def test_quarter_steps(self) -> None:
        cps = period_checkpoints(D(2021, 1, 1), D(2021, 12, 31), "quarter", 0, 800)
        assert cps == [(D(2021, 3, 31), 200), (D(2021, 6, 30), 400), (D(2021, 9, 30), 600)]

    def test_month_steps_with_baseline(self) -> None:
        cps = period_checkpoints(D(2021, 1, 1), D(2021, 4, 30), "month", 100, 500)
        assert cps == [(D(2021, 1, 31), 200), (D(2021, 2, 28), 300), (D(2021, 3, 31), 400)]

    def test_last_period_ends_on_or_after_due(self) -> None:
        # due mid-November: periods end 3/31, 6/30, 9/30, 12/31 → n = 4
        cps = period_checkpoints(D(2021, 1, 1), D(2021, 11, 15), "quarter", 0, 100)
        assert cps == [(D(2021, 3, 31), 25), (D(2021, 6, 30), 50), (D(2021, 9, 30), 75)]

    def test_start_mid_quarter(self) -> None:
        cps = period_checkpoints(D(2021, 5, 10), D(2021, 12, 31), "quarter", 0, 90)
        assert cps == [(D(2021, 6, 30), 30), (D(2021, 9, 30), 60)]

    def test_a_written_checkpoint_wins_a_tie_with_one_from_every(self) -> None:
        # every: quarter puts (06-30, 400.0) beside the written (06-30, 400): expected is the written int
        plan = make_plan({**BEDS, "every": "quarter", "checkpoints": [{"by": "2021-06-30", "value": 400}]})
        status = one(plan, [], "2021-07-01")
        assert repr(status.expected) == "400"
        assert repr(one(plan, [], "2021-10-01").expected) == "600.0"

    def test_every_makes_an_indicator_behind(self) -> None:
        plan = make_plan({**BEDS, "every": "quarter"})
        items = entries({"date": "2021-02-01", "indicator": "beds", "value": 199})
        assert one(plan, items, "2021-03-31").state == "on-track"
        status = one(plan, items, "2021-04-01")
        assert (status.state, status.expected) == ("behind", 200)


class TestParts:
    PARENT = {
        "id": "homes", "name": "改造", "unit": "家", "target": 360,
        "parts": [
            {"id": "suixian", "name": "随县", "target": 135},
            {"id": "guangshui", "name": "广水市", "target": 110},
            {"id": "zengdu", "name": "曾都区", "target": 115, "baseline": 5},
        ],
    }  # fmt: skip

    def test_parent_is_the_sum_of_parts(self) -> None:
        plan = make_plan(self.PARENT)
        items = entries(
            {"date": "2021-03-01", "indicator": "homes/suixian", "value": 135},
            {"date": "2021-03-02", "indicator": "homes/guangshui", "value": 50},
            {"date": "2021-03-03", "indicator": "homes/zengdu", "value": 20},
        )
        status = one(plan, items, "2021-07-02")
        assert [p.current for p in status.parts] == [135, 50, 25]
        assert [p.state for p in status.parts] == ["done", "on-track", "behind"]
        assert [p.ref for p in status.parts] == ["homes/suixian", "homes/guangshui", "homes/zengdu"]
        assert status.current == 210
        assert status.baseline == 5  # defaults to the sum of the parts' baselines
        assert status.target == 360
        assert status.completion == pytest.approx(100 * 205 / 355)
        assert status.entries == 3
        assert status.parts[2].unit == "家"  # inherited

    def test_parent_target_defaults_to_the_sum(self) -> None:
        parent = {**self.PARENT}
        del parent["target"]
        status = one(make_plan(parent), [], "2021-03-01")
        assert status.target == 360

    def test_part_inherits_due_and_comparator(self) -> None:
        plan = make_plan({**self.PARENT, "due": "2021-06-30"})
        status = one(plan, [], "2021-07-01")
        assert [p.state for p in status.parts] == ["overdue"] * 3
        assert {p.due for p in status.parts} == {D(2021, 6, 30)}


class TestPlan:
    def test_weighted_mean_of_capped_completions(self) -> None:
        plan = make_plan(
            {"id": "a", "name": "A", "target": 100, "weight": 3},
            {"id": "b", "name": "B", "target": 10},
            {"id": "m", "name": "M", "kind": "milestone"},
        )
        items = entries(
            {"date": "2021-03-01", "indicator": "a", "value": 40},
            {"date": "2021-03-01", "indicator": "b", "value": 20},  # 200%, counted as 100
        )
        status = status_at(plan, items, "2021-03-01")
        assert status.completion == pytest.approx((3 * 40 + 100 + 0) / 5)
        assert status.counts == {"done": 1, "on-track": 2, "behind": 0, "overdue": 0}

    def test_plan_without_indicators(self) -> None:
        status = status_at(make_plan(), [], "2021-03-01")
        assert status.completion is None
        assert status.counts == {"done": 0, "on-track": 0, "behind": 0, "overdue": 0}

    def test_evaluate_keeps_order_and_select_filters(self) -> None:
        plan = make_plan(
            {"id": "a", "name": "A", "target": 100},
            {**TestParts.PARENT},
        )
        items = entries({"date": "2021-03-01", "indicator": "homes/suixian", "value": 135})
        [status] = evaluate([plan], fold(items), D(2021, 12, 1))
        behind = select(status, ["behind"])
        # the parent is behind itself (37.5% at a pace of 91%), so it keeps all its parts
        assert [s.id for s in behind.indicators] == ["a", "homes"]
        assert [p.id for p in behind.indicators[1].parts] == ["suixian", "guangshui", "zengdu"]
        done = select(status, ["done"])
        assert [s.id for s in done.indicators] == ["homes"]
        assert [p.id for p in done.indicators[0].parts] == ["suixian"]
        assert done.counts == status.counts


class TestPlanCompletions:
    """plan_completions: the completions of plan_status, without the statuses."""

    PLAN = (
        {"id": "beds", "name": "养老床位", "target": 800, "baseline": 100, "weight": 2},
        {"id": "rate", "name": "年报率", "target": 80, "baseline": 50, "accumulate": "latest"},
        {"id": "m", "name": "编制规划", "kind": "milestone"},
        {"id": "homes", "name": "改造", "parts": [
            {"id": "suixian", "name": "随县", "target": 100},
            {"id": "zengdu", "name": "曾都区", "target": 110, "baseline": 10},
        ]},
        {"id": "acc", "name": "事故", "target": 10, "baseline": 20, "comparator": "<=", "accumulate": "latest"},
    )  # fmt: skip
    ITEMS = (
        {"date": "2021-03-01", "indicator": "beds", "value": 200},
        {"date": "2021-04-01", "indicator": "beds", "value": 150},
        {"date": "2021-05-01", "indicator": "rate", "value": 95},
        {"date": "2021-03-01", "indicator": "rate", "value": 60},
        {"date": "2021-06-01", "indicator": "m", "done": True},
        {"date": "2021-03-05", "indicator": "homes/suixian", "value": 30},
        {"date": "2021-03-06", "indicator": "homes/zengdu", "value": 10},
        {"date": "2021-03-07", "indicator": "acc", "value": 16},
    )

    def test_exact_figures_in_plan_order(self) -> None:
        plan = make_plan(*self.PLAN)
        ledger = fold(entries(*self.ITEMS))
        completion, by_ref = plan_completions(plan, ledger["p"], D(2021, 6, 30))
        # beds (450-100)/700; rate (95-50)/30, not capped; homes (30+20-10)/(210-10); acc (20-16)/(20-10)
        assert list(by_ref.items()) == [
            ("beds", 50.0), ("rate", 150.0), ("m", 100.0),
            ("homes", 20.0), ("homes/suixian", 30.0), ("homes/zengdu", 10.0), ("acc", 40.0),
        ]  # fmt: skip
        # weighted mean of the capped completions: (2×50 + 100 + 100 + 20 + 40) / 6
        assert completion == 60.0
        status = plan_status(plan, ledger, D(2021, 6, 30))
        assert completion == status.completion
        assert by_ref == {s.ref: s.completion for ind in status.indicators for s in (ind, *ind.parts)}

    def test_before_any_entry_and_at_the_entry_day(self) -> None:
        plan = make_plan(*self.PLAN)
        ledger = fold(entries(*self.ITEMS))
        completion, by_ref = plan_completions(plan, ledger["p"], D(2021, 2, 28))
        assert completion == 0.0
        assert set(by_ref.values()) == {0.0}
        # at 2021-04-30 rate is 60 (a third of the way from 50 to 80); m is done on 06-01, not before
        _, by_ref = plan_completions(plan, ledger["p"], D(2021, 4, 30))
        assert by_ref["rate"] == pytest.approx(100 / 3)
        assert by_ref["beds"] == 50.0
        _, by_ref = plan_completions(plan, ledger["p"], D(2021, 5, 31))
        assert (by_ref["rate"], by_ref["m"]) == (150.0, 0.0)
        _, by_ref = plan_completions(plan, ledger["p"], D(2021, 6, 1))
        assert by_ref["m"] == 100.0

    def test_no_entries_and_no_indicators(self) -> None:
        assert plan_completions(make_plan(), {}, D(2021, 6, 30)) == (None, {})
        plan = make_plan({"id": "a", "name": "A", "target": 10, "weight": 0})
        assert plan_completions(plan, {}, D(2021, 6, 30)) == (None, {"a": 0.0})


class TestKeptFrames:
    """What compute keeps per plan object between evaluations (compute._kept) is never stale."""

    def test_a_copy_with_another_period_inherits_the_new_dates(self) -> None:
        plan = make_plan({**BEDS, "every": "quarter"})
        items = fold(entries({"date": "2021-02-01", "indicator": "beds", "value": 199}))
        assert plan_status(plan, items, D(2021, 4, 1)).indicators[0].expected == 200
        later = plan.model_copy(update={"period": Period(start=D(2021, 4, 1), end=D(2022, 3, 31))})
        assert later.indicators[0] is plan.indicators[0]  # shared: the frames must not be
        status = plan_status(later, items, D(2021, 7, 1)).indicators[0]
        assert (status.start, status.due, status.expected, status.state) == (
            D(2021, 4, 1),
            D(2022, 3, 31),
            200,
            "behind",
        )
        assert plan_status(plan, items, D(2021, 7, 1)).indicators[0].expected == 400

    def test_an_indicator_replaced_in_place_is_seen(self) -> None:
        plan = make_plan(BEDS)
        items = fold(entries({"date": "2021-02-01", "indicator": "beds", "value": 200}))
        assert plan_status(plan, items, D(2021, 3, 1)).indicators[0].completion == 25.0
        plan.indicators[0] = Indicator.model_validate({**BEDS, "target": 400})  # a frozen model's list
        assert plan_status(plan, items, D(2021, 3, 1)).indicators[0].completion == 50.0
        _, by_ref = plan_completions(plan, items["p"], D(2021, 3, 1))
        assert by_ref == {"beds": 50.0}

    def test_an_indicator_of_another_plan(self) -> None:
        plan, other = make_plan(BEDS), make_plan({**BEDS, "target": 400}, start="2021-07-01")
        items = fold(entries({"date": "2021-08-01", "indicator": "beds", "value": 200}))
        status = indicator_status(plan, other.indicators[0], items["p"], D(2021, 9, 1), 25.0)
        assert (status.target, status.start, status.completion) == (400, D(2021, 1, 1), 50.0)

    def test_frames_go_with_their_plan(self) -> None:
        plans = [make_plan(BEDS) for _ in range(20)]
        evaluate(plans, {}, D(2021, 3, 1))
        keys = {id(plan) for plan in plans}
        assert keys <= compute._KEPT.keys()
        del plans
        gc.collect()
        assert not keys & compute._KEPT.keys()

    def test_frames_are_built_with_every_field(self) -> None:
        """_Frame.of builds its tuples directly (tuple.__new__, no length check): each has every field, with
        the values a plain _Frame(...) of the same fields holds, a milestone and parts included."""
        from civtrack.load import parse_plan
        from civtrack.workspace import Config

        root = Path(__file__).resolve().parent.parent / "plans"
        frames = []
        for path in sorted(root.glob("*.yaml")):
            plan_file, _ = parse_plan(path.read_bytes(), str(path), Config())
            assert plan_file is not None
            for ind in plan_file.plan.indicators:
                frame = compute._Frame.of(plan_file.plan, ind)
                frames += [frame, *frame.parts]
        assert {f.mode for f in frames} >= {"sum", "parts", "milestone"}
        for frame in frames:
            assert len(frame) == len(compute._Frame._fields)
            assert frame == compute._Frame(**frame._asdict()) and type(frame) is compute._Frame
        assert any(frame.dates for frame in frames)

    def test_new_status_takes_the_fields_of_status_in_order(self) -> None:
        names = [f.name for f in dataclasses.fields(Status)]
        assert list(inspect.signature(compute._new_status).parameters) == names
        values = [f"value-{i}" for i in range(len(names))]
        assert compute._new_status(*values) == Status(*values)
        with pytest.raises(dataclasses.FrozenInstanceError):
            compute._new_status(*values).state = "done"  # type: ignore[misc]

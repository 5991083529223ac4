"""Rules 10–13 of docs/format.md (projection, alert, last entry and staleness, owners), each with exact figures.

The plan year runs from 2021-01-01 to 2021-12-31 (364 days from start to due). Most figures are taken at
2021-04-11: 100 days after the start, 264 days before the due date.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from civtrack.compute import PlanStatus, completion_of, fold, plan_status
from civtrack.model import Entry, Plan
from civtrack.supervision import (
    OwnerSummary,
    Watch,
    last_entries,
    owners,
    select,
    supervise,
)
from tests.conftest import write
from tests.test_properties import reference_status, scenarios

D = dt.date
APRIL_11 = "2021-04-11"


def make_plan(*indicators: dict[str, Any], organization: str | None = "示范区民政局", plan_id: str = "p") -> Plan:
    return Plan.model_validate(
        {
            "id": plan_id,
            "title": "计划",
            "organization": organization,
            "period": {"start": "2021-01-01", "end": "2021-12-31"},
            "indicators": list(indicators),
        }
    )


def entries(*items: dict[str, Any], plan_id: str = "p") -> list[tuple[str, Entry, tuple]]:
    return [(plan_id, Entry.model_validate(item), ("", i)) for i, item in enumerate(items)]


def watched(plan: Plan, items: list, as_of: str, **settings: int) -> dict[str, Watch]:
    [status] = supervise([plan], fold(items), D.fromisoformat(as_of), 25.0, **settings)
    return dict(status.watches)


BEDS = {"id": "beds", "name": "养老床位", "unit": "张", "target": 800}
RATE_DOWN = {
    "id": "cases",
    "name": "信访积案数",
    "comparator": "<=",
    "baseline": 120,
    "target": 100,
    "accumulate": "latest",
}
HOMES = {
    "id": "homes",
    "name": "养老院",
    "owner": "社会事务科",
    "parts": [
        {"id": "east", "name": "东区", "target": 10, "owner": "东区民政局"},
        {"id": "west", "name": "西区", "target": 20},
    ],
}
CEMETERY = {"id": "cemetery", "name": "公墓规划", "kind": "milestone", "due": "2021-06-30"}


class TestProjection:
    def test_at_least_with_sum(self) -> None:
        # r = 200 / 100 = 2 a day; projected = 200 + 2 × 264 = 728 (91 % of 800);
        # eta = as-of + ⌈(800 − 200) / 2⌉ = 300 days = 2022-02-05 (after due: the line is too slow).
        items = entries({"date": "2021-03-01", "indicator": "beds", "value": 200})
        seen = watched(make_plan(BEDS), items, APRIL_11)["beds"]
        assert (seen.projected, seen.projected_completion, seen.eta) == (728.0, 91.0, D(2022, 2, 5))

    def test_at_most_with_latest(self) -> None:
        # From 120 down to 110 in 100 days: r = −0.1; projected = 110 − 0.1 × 264 = 83.6,
        # completion (120 − 83.6) / (120 − 100) = 182 %; eta = ⌈(100 − 110) / −0.1⌉ = 100 days.
        items = entries({"date": "2021-03-01", "indicator": "cases", "value": 110})
        seen = watched(make_plan(RATE_DOWN), items, APRIL_11)["cases"]
        assert seen.projected == pytest.approx(83.6)
        assert seen.projected_completion == pytest.approx(182.0)
        assert seen.eta == D(2021, 7, 20)

    def test_no_change_is_no_convergence(self) -> None:
        # r = 0: projected = current = baseline, completion 0, no eta.
        seen = watched(make_plan(BEDS), [], APRIL_11)["beds"]
        assert (seen.projected, seen.projected_completion, seen.eta) == (0.0, 0.0, None)

    def test_wrong_direction_at_most(self) -> None:
        # Up from 120 to 125: r = +0.05 for `<=`; projected 125 + 0.05 × 264 = 138.2, completion floored at 0.
        items = entries({"date": "2021-03-01", "indicator": "cases", "value": 125})
        seen = watched(make_plan(RATE_DOWN), items, APRIL_11)["cases"]
        assert seen.projected == pytest.approx(138.2)
        assert (seen.projected_completion, seen.eta) == (0.0, None)

    def test_wrong_direction_at_least(self) -> None:
        # A level falling from its baseline 50 to 40 (target 80): r = −0.1; projected 40 − 26.4 = 13.6.
        rate = {"id": "rate", "name": "年检率", "baseline": 50, "target": 80, "accumulate": "latest"}
        items = entries({"date": "2021-03-01", "indicator": "rate", "value": 40})
        seen = watched(make_plan(rate), items, APRIL_11)["rate"]
        assert seen.projected == pytest.approx(13.6)
        assert (seen.projected_completion, seen.eta) == (0.0, None)

    def test_on_the_start_day_there_is_none(self) -> None:
        items = entries({"date": "2021-01-01", "indicator": "beds", "value": 200})
        seen = watched(make_plan(BEDS), items, "2021-01-01")["beds"]
        assert (seen.projected, seen.projected_completion, seen.eta) == (None, None, None)
        # Before its own start, neither.
        late = {**BEDS, "start": "2021-05-01"}
        assert watched(make_plan(late), items, APRIL_11)["beds"].projected is None

    def test_on_the_due_day_and_after_it_projected_is_current(self) -> None:
        # 364 days to reach 400: r = 400 / 364; nothing left to project on the due day.
        items = entries({"date": "2021-06-01", "indicator": "beds", "value": 400})
        on_due = watched(make_plan(BEDS), items, "2021-12-31")["beds"]
        assert (on_due.projected, on_due.projected_completion) == (400.0, 50.0)
        assert on_due.eta == D(2021, 12, 31) + dt.timedelta(days=364)  # ⌈400 / (400 / 364)⌉ = 364
        # 10 days after due (374 days from the start): still current, the eta still as-of + ⌈400 × 374 / 400⌉.
        after = watched(make_plan(BEDS), items, "2022-01-10")["beds"]
        assert (after.projected, after.projected_completion, after.eta) == (400.0, 50.0, D(2023, 1, 19))

    def test_done_has_no_eta_but_a_projection(self) -> None:
        # 800 in 100 days: r = 8; projected 800 + 8 × 264 = 2912 (364 %, not capped).
        items = entries({"date": "2021-03-01", "indicator": "beds", "value": 800})
        seen = watched(make_plan(BEDS), items, APRIL_11)["beds"]
        assert (seen.projected, seen.projected_completion, seen.eta) == (2912.0, 364.0, None)

    def test_parts_and_their_parent(self) -> None:
        # East reached 10 of 10 (r = 0.1): projected 36.4, done, no eta. West has nothing: r = 0.
        # The parent uses its own figures: 10 of 30, r = 0.1, projected 36.4 (121.3 %), eta 200 days on.
        items = entries({"date": "2021-03-01", "indicator": "homes/east", "value": 10})
        seen = watched(make_plan(HOMES), items, APRIL_11)
        east, west, parent = seen["homes/east"], seen["homes/west"], seen["homes"]
        assert east.projected == pytest.approx(36.4)
        assert east.projected_completion == pytest.approx(364.0)
        assert east.eta is None
        assert (west.projected, west.projected_completion, west.eta) == (0.0, 0.0, None)
        assert parent.projected == pytest.approx(36.4)
        assert parent.projected_completion == pytest.approx(36.4 / 30 * 100)
        assert parent.eta == D(2021, 10, 28)

    def test_milestones_have_none(self) -> None:
        seen = watched(make_plan(CEMETERY), [], APRIL_11)["cemetery"]
        assert (seen.projected, seen.projected_completion, seen.eta) == (None, None, None)

    def test_a_line_that_meets_the_target_after_the_last_date_has_no_eta(self) -> None:
        big = {**BEDS, "target": 10**15}
        items = entries({"date": "2021-03-01", "indicator": "beds", "value": 1})
        assert watched(make_plan(big), items, APRIL_11)["beds"].eta is None


class TestAlert:
    def test_red_orange_yellow_blue(self) -> None:
        # Checkpoints make `behind` independent of the pace: 100 by 2021-03-31, not met.
        behind = {**BEDS, "checkpoints": [{"by": "2021-03-31", "value": 100}]}
        due_in_30 = {**behind, "due": "2021-05-11"}  # as-of 2021-04-11 + 30 days
        due_in_31 = {**behind, "due": "2021-05-12"}
        assert watched(make_plan(due_in_30), [], APRIL_11)["beds"].alert == "orange"
        assert watched(make_plan(due_in_31), [], APRIL_11)["beds"].alert == "yellow"
        assert watched(make_plan(due_in_30), [], "2021-05-11")["beds"].alert == "orange"  # on the due day
        assert watched(make_plan(due_in_30), [], "2021-05-12")["beds"].alert == "red"  # overdue
        on_track = {**BEDS, "due": "2021-05-11"}
        items = entries({"date": "2021-03-01", "indicator": "beds", "value": 700})
        assert watched(make_plan(on_track), items, APRIL_11)["beds"].alert == "blue"
        assert watched(make_plan({**on_track, "due": "2021-05-12"}), items, APRIL_11)["beds"].alert is None
        done = entries({"date": "2021-03-01", "indicator": "beds", "value": 800})
        assert watched(make_plan(on_track), done, APRIL_11)["beds"].alert is None

    def test_due_soon_days_is_a_setting(self) -> None:
        plan = make_plan({**BEDS, "due": "2021-05-11", "checkpoints": [{"by": "2021-03-31", "value": 100}]})
        assert watched(plan, [], APRIL_11, due_soon_days=29)["beds"].alert == "yellow"
        assert watched(plan, [], APRIL_11, due_soon_days=0)["beds"].alert == "yellow"
        assert watched(plan, [], "2021-05-11", due_soon_days=0)["beds"].alert == "orange"

    def test_milestones_and_parts(self) -> None:
        # The cemetery plan is due 2021-06-30: on-track and due within 30 days on 2021-06-01, red after.
        assert watched(make_plan(CEMETERY), [], "2021-06-01")["cemetery"].alert == "blue"
        assert watched(make_plan(CEMETERY), [], "2021-07-01")["cemetery"].alert == "red"
        # Parts have their own: east done (none), west overdue (red), the parent overdue (red).
        items = entries({"date": "2021-03-01", "indicator": "homes/east", "value": 10})
        seen = watched(make_plan(HOMES), items, "2022-01-01")
        assert [seen[ref].alert for ref in ("homes", "homes/east", "homes/west")] == ["red", None, "red"]

    def test_alert_follows_the_state(self) -> None:
        status = plan_status(make_plan(BEDS), {}, D(2021, 12, 1)).indicators[0]  # 0 of 800 on 1 Dec: behind
        assert status.state == "behind"
        assert watched(make_plan(BEDS), [], "2021-12-01")["beds"].alert == "orange"  # due in 30 days
        assert watched(make_plan(BEDS), [], "2021-12-01", due_soon_days=29)["beds"].alert == "yellow"


class TestLastEntryAndStale:
    def test_last_entry_is_the_latest_on_or_before_as_of(self) -> None:
        items = entries(
            {"date": "2021-03-01", "indicator": "beds", "value": 1},
            {"date": "2021-05-20", "indicator": "beds", "value": 1},
            {"date": "2021-04-11", "indicator": "beds", "value": 1},
        )
        assert watched(make_plan(BEDS), items, APRIL_11)["beds"].last_entry == D(2021, 4, 11)
        assert watched(make_plan(BEDS), items, "2021-04-10")["beds"].last_entry == D(2021, 3, 1)
        assert watched(make_plan(BEDS), items, "2021-02-28")["beds"].last_entry is None
        assert last_entries(fold(items)["p"], D(2021, 6, 1)) == {"beds": D(2021, 5, 20)}

    def test_stale_after_stale_days_without_an_entry(self) -> None:
        items = entries({"date": "2021-03-01", "indicator": "beds", "value": 1})
        # 2021-04-01 is 31 days after the entry: not stale; 2021-04-02 is 32: stale.
        assert watched(make_plan(BEDS), items, "2021-04-01")["beds"].stale is False
        assert watched(make_plan(BEDS), items, "2021-04-02")["beds"].stale is True
        assert watched(make_plan(BEDS), items, "2021-04-02", stale_days=32)["beds"].stale is False
        # No entry at all: stale once the start is more than 31 days back (2021-02-01 is 31 days on).
        assert watched(make_plan(BEDS), [], "2021-02-01")["beds"].stale is False
        assert watched(make_plan(BEDS), [], "2021-02-02")["beds"].stale is True
        # Done is never stale.
        done = entries({"date": "2021-01-05", "indicator": "beds", "value": 800})
        assert watched(make_plan(BEDS), done, "2021-12-01")["beds"].stale is False

    def test_a_milestone_kept_fresh_by_a_done_false_entry_with_a_note(self) -> None:
        plan = make_plan({**CEMETERY, "due": "2021-12-31"})
        assert watched(plan, [], "2021-06-30")["cemetery"].stale is True
        report = entries({"date": "2021-06-10", "indicator": "cemetery", "done": False, "note": "规划初稿已完成"})
        seen = watched(plan, report, "2021-06-30")["cemetery"]
        assert (seen.last_entry, seen.stale, seen.alert) == (D(2021, 6, 10), False, None)
        assert watched(plan, report, "2021-07-12")["cemetery"].stale is True  # 32 days after the report

    def test_a_parent_takes_the_last_entry_of_any_part(self) -> None:
        items = entries(
            {"date": "2021-03-01", "indicator": "homes/east", "value": 2},
            {"date": "2021-03-20", "indicator": "homes/west", "value": 2},
        )
        seen = watched(make_plan(HOMES), items, "2021-04-21")  # 51 and 32 days on
        assert [seen[ref].last_entry for ref in ("homes", "homes/east", "homes/west")] == [
            D(2021, 3, 20),
            D(2021, 3, 1),
            D(2021, 3, 20),
        ]
        assert [seen[ref].stale for ref in ("homes", "homes/east", "homes/west")] == [True, True, True]
        assert [watched(make_plan(HOMES), items, "2021-04-20")[r].stale for r in ("homes", "homes/west")] == [
            False,
            False,
        ]


class TestOwners:
    def test_owners_inherited_from_the_indicator_and_the_plan(self) -> None:
        seen = watched(make_plan({**BEDS, "owner": "养老服务科"}, HOMES, CEMETERY), [], APRIL_11)
        assert {ref: w.owner for ref, w in seen.items()} == {
            "beds": "养老服务科",
            "homes/east": "东区民政局",  # its own
            "homes/west": "社会事务科",  # its indicator's
            "homes": None,  # its parts carry it
            "cemetery": "示范区民政局",  # the plan's organization
        }
        assert watched(make_plan(CEMETERY, organization=None), [], APRIL_11)["cemetery"].owner is None

    def test_per_owner_summary_ranked_by_completion_then_name(self) -> None:
        # At 2021-04-11 (pace 27.5 %): beds 200 of 800 (25 %, on-track, weight 2, 养老服务科); homes
        # weight 3: east 10 of 10 (100 %, done, 东区民政局), west 0 of 20 (0 %, 社会事务科);
        # cemetery (milestone due 2021-06-30: on-track, 0 %) and a plan-less-owner rate (0 %): 示范区民政局.
        plan = make_plan(
            {**BEDS, "owner": "养老服务科", "weight": 2},
            {**HOMES, "weight": 3},
            CEMETERY,
            {"id": "rate", "name": "年检率", "target": 80, "accumulate": "latest", "due": "2021-05-01"},
        )
        items = entries(
            {"date": "2021-03-01", "indicator": "beds", "value": 200},
            {"date": "2021-03-01", "indicator": "homes/east", "value": 10},
            {"date": "2021-04-01", "indicator": "rate", "value": 10},
        )
        [status] = supervise([plan], fold(items), D(2021, 4, 11), 25.0)
        # rate: 10 of 80 = 12.5 % against a pace of 100/120 = 83.3 %: behind, due in 20 days: orange.
        counts = dict.fromkeys(("done", "on-track", "behind", "overdue"), 0)
        alerts = dict.fromkeys(("red", "orange", "yellow", "blue"), 0)
        assert owners([status]) == [
            OwnerSummary("东区民政局", 1, 100.0, {**counts, "done": 1}, alerts, 0),
            OwnerSummary("养老服务科", 1, 25.0, {**counts, "on-track": 1}, alerts, 1),  # last entry 41 days ago
            # cemetery 0 % (weight 1) and rate 12.5 % (weight 1); the cemetery has no entry in 100 days.
            OwnerSummary("示范区民政局", 2, 6.25, {**counts, "on-track": 1, "behind": 1}, {**alerts, "orange": 1}, 1),
            # west: 0 % against a pace of 27.5 % − 25: behind, due in December (yellow), never reported.
            OwnerSummary("社会事务科", 1, 0.0, {**counts, "behind": 1}, {**alerts, "yellow": 1}, 1),
        ]

    def test_weight_shared_by_parts_ties_by_name_and_unassigned_last(self) -> None:
        # Two plans: the same owner across both is one owner; a tie in completion goes by name.
        first = make_plan({**HOMES, "weight": 3}, {**BEDS, "owner": "乙科"})
        second = make_plan(
            {**BEDS, "owner": "乙科", "weight": 0}, {**BEDS, "id": "more"}, organization=None, plan_id="q"
        )
        ledger = fold(
            entries(
                {"date": "2021-03-01", "indicator": "homes/east", "value": 5},
                {"date": "2021-03-01", "indicator": "homes/west", "value": 10},
                {"date": "2021-03-01", "indicator": "beds", "value": 400},
            )
        )
        fold(entries({"date": "2021-03-01", "indicator": "beds", "value": 800}, plan_id="q"), ledger)
        statuses = supervise([first, second], ledger, D(2021, 4, 11), 25.0)
        ranked = [(o.owner, o.items, o.completion) for o in owners(statuses)]
        # 乙科: 400/800 = 50 % (weight 1) and 100 % (weight 0) → 50; east 50 %, west 50 % (weight 3 each).
        assert ranked == [("东区民政局", 1, 50.0), ("乙科", 2, 50.0), ("社会事务科", 1, 50.0), (None, 1, 0.0)]

    def test_an_owner_whose_items_weigh_nothing_has_no_completion_and_ranks_last(self) -> None:
        plan = make_plan({**BEDS, "owner": "甲科", "weight": 0}, {**BEDS, "id": "more", "owner": "乙科"})
        [status] = supervise([plan], {}, D(2021, 4, 11), 25.0)
        assert [(o.owner, o.completion) for o in owners([status])] == [("乙科", 0.0), ("甲科", None)]


class TestSelect:
    def plan(self) -> PlanStatus:
        # At 2021-04-11: beds 0 of 800 (0 % < 27.5 % − 25: behind, yellow, 养老服务科);
        # homes: east 10 of 10 done (东区民政局), west 0 of 20 behind (yellow, 社会事务科); cemetery on-track.
        plan = make_plan({**BEDS, "owner": "养老服务科"}, HOMES, CEMETERY)
        items = entries({"date": "2021-03-01", "indicator": "homes/east", "value": 10})
        [status] = supervise([plan], fold(items), D(2021, 4, 11), 25.0)
        return status

    @staticmethod
    def shown(status: PlanStatus) -> list[str]:
        return [ref for item in status.indicators for ref in (item.ref, *(p.ref for p in item.parts))]

    def test_by_owner(self) -> None:
        status = self.plan()
        assert self.shown(select(status, owners=["社会事务科"])) == ["homes", "homes/west"]
        assert self.shown(select(status, owners=["示范区民政局", "养老服务科"])) == ["beds", "cemetery"]
        assert self.shown(select(status, owners=["nobody"])) == []

    def test_by_alert_and_state_combined(self) -> None:
        status = self.plan()
        assert self.shown(select(status, alerts=["yellow"])) == ["beds", "homes", "homes/west"]  # homes for its part
        assert self.shown(select(status, states=["done"])) == ["homes", "homes/east"]
        assert self.shown(select(status, states=["behind"], owners=["社会事务科"])) == ["homes", "homes/west"]
        assert self.shown(select(status, states=["on-track"], alerts=["yellow"])) == []
        # Completion and counts stay those of the whole plan; a parent that matches keeps all its parts.
        chosen = select(status, states=["on-track"])
        assert (chosen.completion, chosen.counts) == (status.completion, status.counts)
        assert self.shown(chosen) == ["homes", "homes/east", "homes/west", "cemetery"]


# --- rules 10–13 written plainly, against supervise, on generated plans ----------------------------


def reference_watches(plan: Plan, entries: list[Entry], as_of: dt.date, soon: int, stale_days: int) -> dict:
    """Rules 10–12 and rule 13's owner written plainly from the entries and the rules 1–9 statuses."""
    status = reference_status(plan, entries, as_of, 25.0)
    found: dict[str, Watch] = {}

    def one(item: Any, owner: str | None, refs: tuple[str, ...]) -> Watch:
        dates = [e.date for e in entries if e.indicator in refs and e.date <= as_of]
        last = max(dates) if dates else None
        projected = projected_completion = eta = None
        if item.kind == "number" and as_of > item.start:
            rate = (item.current - item.baseline) / (as_of - item.start).days
            projected = item.current + rate * max(0, (item.due - as_of).days)
            projected_completion = completion_of(projected, item.baseline, item.target, item.comparator)
            toward = rate > 0 if item.comparator == ">=" else rate < 0
            if item.state != "done" and toward:
                try:
                    eta = as_of + dt.timedelta(days=math.ceil((item.target - item.current) / rate))
                except OverflowError:
                    eta = None
        soon_due = 0 <= (item.due - as_of).days <= soon
        colour = {
            "overdue": "red",
            "behind": "orange" if soon_due else "yellow",
            "on-track": "blue" if soon_due else None,
        }.get(item.state)
        stale = (
            item.state != "done"
            and (as_of - item.start).days > stale_days
            and (last is None or (as_of - last).days > stale_days)
        )
        return Watch(owner, projected, projected_completion, eta, colour, last, stale)

    for ind, item in zip(plan.indicators, status.indicators, strict=True):
        for part_plan, part in zip(ind.parts, item.parts, strict=True):
            found[part.ref] = one(part, part_plan.owner or ind.owner or plan.organization, (part.ref,))
        owner = None if ind.parts else ind.owner or plan.organization
        found[item.ref] = one(item, owner, tuple(p.ref for p in item.parts) or (item.ref,))
    return found


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_watches_are_the_rules_written_plainly(data: st.DataObject) -> None:
    plan, items, as_of = data.draw(scenarios())
    soon, stale_days = data.draw(st.sampled_from([0, 30, 90])), data.draw(st.sampled_from([0, 31, 120]))
    ledger = fold((plan.id, entry, (f"{entry.date:%Y-%m}", seq)) for seq, entry in enumerate(items))
    [status] = supervise([plan], ledger, as_of, 25.0, soon, stale_days)
    assert repr(dict(status.watches)) == repr(reference_watches(plan, items, as_of, soon, stale_days))


def test_last_entries_from_the_cache_match_the_full_ledger(repo: Path) -> None:
    """`status` takes the last entry dates from the cache's series (its ledger of one as-of date has no
    days): in date order or not (entries written out of date order), the same as the full ledger's."""
    from civtrack.cache import open_snapshot
    from civtrack.commands import Opened
    from civtrack.load import load_disk
    from civtrack.workspace import Config

    write(repo, "plans/p.yaml", "id: p\ntitle: 计划\nperiod: {start: 2021-01-01, end: 2021-12-31}\n"
          "indicators:\n  - {id: beds, name: 床位, target: 800}\n  - {id: rate, name: 比率, target: 80}\n")  # fmt: skip
    write(repo, "progress/p/2021-03.yaml", "- {date: 2021-03-20, indicator: beds, value: 1}\n"
          "- {date: 2021-03-05, indicator: beds, value: 1}\n- {date: 2021-03-07, indicator: rate, value: 1}\n"
          "- {date: 2021-03-09, indicator: rate, value: 1}\n")  # fmt: skip
    opened = Opened(repo, Config(), open_snapshot(repo, Config(), use_cache=False), "en")
    full = fold((e.plan_id, e.entry, (e.month, e.seq)) for e in load_disk(repo, Config()).all_entries())
    for day in (D(2021, 3, 4), D(2021, 3, 6), D(2021, 3, 8), D(2021, 3, 19), D(2021, 3, 20), D(2021, 4, 1)):
        assert opened.last_entries("p", day) == last_entries(full["p"], day), day
    assert opened.last_entries("p", D(2021, 3, 8)) == {"beds": D(2021, 3, 5), "rate": D(2021, 3, 7)}

"""civtrack.reporting: the facts of a monthly report, with exact figures from the fixture repository."""

from __future__ import annotations

import datetime as dt

import pytest

from civtrack.compute import fold
from civtrack.model import Entry, Plan
from civtrack.reporting import Month, Pace, build_report, months_between, runs_in, trend_lines
from tests.reportkit import fixture_report, load_fixture

D = dt.date

# Completion of each qingshan-2021 indicator at 2021-09-30 and at 2021-08-31, in plan order.
SEP = [62.5, 80, 45, 600 / 11, 100, 100, 0, 50, 42, 90, 0, 100]
AUG = [50, 240 / 3.5, 40, 500 / 11, 75, 100, 0, 50, 34, 80, 0, 0]


@pytest.fixture(scope="module")
def september():
    return fixture_report("2021-09")


def plan_of(report, plan_id):
    return next(p for p in report.plans if p.plan.id == plan_id)


# --- months ---------------------------------------------------------------------


def test_month_arithmetic():
    assert str(Month.parse("2021-09")) == "2021-09"
    assert Month(2021, 1).previous() == Month(2020, 12)
    assert Month(2021, 12).next() == Month(2022, 1)
    assert Month(2024, 2).last == D(2024, 2, 29)
    assert Month(2023, 2).last == D(2023, 2, 28)
    assert Month(2021, 9).first == D(2021, 9, 1)
    assert D(2021, 9, 30) in Month(2021, 9) and D(2021, 10, 1) not in Month(2021, 9)
    assert [str(m) for m in months_between(D(2021, 11, 15), D(2022, 2, 1))] == [
        "2021-11",
        "2021-12",
        "2022-01",
        "2022-02",
    ]
    assert months_between(D(2022, 1, 1), D(2021, 12, 31)) == []


@pytest.mark.parametrize("text", ["2021-9", "2021-13", "2021-00", "sept", "2021-09-01", ""])
def test_month_parse_rejects(text):
    with pytest.raises(ValueError, match="YYYY-MM"):
        Month.parse(text)


def test_runs_in_is_any_shared_day():
    plan = Plan.model_validate({"id": "p", "title": "t", "period": {"start": "2021-03-15", "end": "2021-06-01"}})
    assert [runs_in(plan, Month(2021, m)) for m in (2, 3, 6, 7)] == [False, True, True, False]


# --- headline figures -----------------------------------------------------------


def test_completion_and_its_change(september):
    p = plan_of(september, "qingshan-2021")
    assert p.status.completion == pytest.approx(sum(SEP) / 12)
    assert p.previous.completion == pytest.approx(sum(AUG) / 12)
    assert p.completion_change == pytest.approx((sum(SEP) - sum(AUG)) / 12)
    assert round(p.status.completion, 1) == 60.3 and round(p.completion_change, 1) == 15.1
    assert p.previous.as_of == D(2021, 8, 31) and p.status.as_of == D(2021, 9, 30)


def test_counts_and_their_change(september):
    p = plan_of(september, "qingshan-2021")
    assert p.status.counts == {"done": 3, "on-track": 5, "behind": 2, "overdue": 2}
    assert p.previous.counts == {"done": 1, "on-track": 7, "behind": 3, "overdue": 1}
    assert p.counts_change == {"done": 2, "on-track": -2, "behind": -1, "overdue": 1}
    hexi = plan_of(september, "hexi-2021")
    assert hexi.counts_change == {"done": 2, "on-track": -1, "behind": -1, "overdue": 0}
    assert september.count("overdue") == 2 and september.count("behind") == 3


# --- the lists ------------------------------------------------------------------


def test_entries_of_the_month_in_date_order_with_notes(september):
    p = plan_of(september, "qingshan-2021")
    got = [(e.date.isoformat(), e.indicator, e.part, e.value, e.done) for e in p.entries]
    assert got == [
        ("2021-09-03", "elder-care-projects", "donghu", 1, None),
        ("2021-09-08", "relief-training", None, 1, None),
        ("2021-09-15", "volunteers", None, 400, None),
        ("2021-09-22", "elder-beds", None, 200, None),
        ("2021-09-28", "place-names", None, None, True),
        ("2021-09-30", "adviser-coverage", None, 88, None),
        ("2021-09-30", "error-rate", None, 2.1, None),
        ("2021-09-30", "marriage-wait", None, 22, None),
    ]
    beds = p.entries[3]
    assert (beds.name, beds.unit, beds.accumulate) == ("新增养老机构床位", "张", "sum")
    assert beds.note == "青石镇颐养中心投用,全年床位任务完成"
    assert (beds.by, beds.evidence) == ("养老服务科 王敏", "验收报告 青民〔2021〕45号")
    assert (p.entries[0].name, p.entries[0].part_name) == ("城乡社区养老服务设施项目", "东湖街道")
    assert [e.accumulate for e in p.entries[4:7]] == ["milestone", "latest", "latest"]


def test_entries_after_the_month_are_left_out_and_not_counted():
    # progress/qingshan-2021/2021-10.yaml marks cemetery-plan done on 2021-10-08.
    p = plan_of(fixture_report("2021-09"), "qingshan-2021")
    cemetery = next(s for s in p.status.indicators if s.id == "cemetery-plan")
    assert cemetery.state == "overdue"
    october = plan_of(fixture_report("2021-10"), "qingshan-2021")
    assert [e.indicator for e in october.entries] == ["cemetery-plan", "service-center"]
    assert [(d.status.id, d.done_on) for d in october.newly_done] == [
        ("cemetery-plan", D(2021, 10, 8)),
        ("service-center", D(2021, 10, 12)),
    ]


def test_newly_done_with_the_day_it_became_done(september):
    p = plan_of(september, "qingshan-2021")
    got = [(d.status.ref, d.parent.id if d.parent else None, d.done_on) for d in p.newly_done]
    assert got == [
        ("elder-care-projects/donghu", "elder-care-projects", D(2021, 9, 3)),
        ("elder-beds", None, D(2021, 9, 22)),
        ("place-names", None, D(2021, 9, 28)),
    ]
    hexi = plan_of(september, "hexi-2021")
    # A `latest` rate crossing its target (96 ≥ 95) and a milestone.
    assert [(d.status.ref, d.done_on) for d in hexi.newly_done] == [
        ("annual-inspection", D(2021, 9, 30)),
        ("funeral-reform", D(2021, 9, 15)),
    ]


def test_done_before_the_month_is_not_newly_done(september):
    p = plan_of(september, "qingshan-2021")
    assert "facility-layout-plan" not in [d.status.ref for d in p.newly_done]  # done in June


def test_overdue_with_days_and_whether_new(september):
    p = plan_of(september, "qingshan-2021")
    # cemetery-plan was due 2021-06-30: July 31 + August 31 + September 30 days.
    got = [(o.status.id, o.days, o.new) for o in p.overdue]
    assert got == [("cemetery-plan", 92, False), ("children-homes", 30, True)]
    august = plan_of(fixture_report("2021-08"), "qingshan-2021")
    # On its due day (2021-08-31) children-homes is not yet overdue.
    assert [(o.status.id, o.days) for o in august.overdue] == [("cemetery-plan", 62)]


def test_behind_with_gap_to_expected(september):
    p = plan_of(september, "qingshan-2021")
    error_rate, volunteers = p.behind
    # `<=` with a checkpoint 2.0 by 2021-06-30, missed: 2.1 is 0.1 above it.
    assert (error_rate.id, error_rate.current, error_rate.expected) == ("error-rate", 2.1, 2.0)
    assert error_rate.gap == pytest.approx(0.1)
    # Linear pace: 5000 × 272/364 days expected by 2021-09-30.
    assert volunteers.id == "volunteers" and volunteers.current == 2100
    assert volunteers.expected == pytest.approx(5000 * 272 / 364)
    assert volunteers.gap == pytest.approx(5000 * 272 / 364 - 2100)


def test_due_next_month(september):
    p = plan_of(september, "qingshan-2021")
    got = [(d.date, d.status.id, d.what, d.value, d.status.state) for d in p.due_next]
    assert got == [
        (D(2021, 10, 15), "service-center", "due", None, "on-track"),
        (D(2021, 10, 31), "marriage-wait", "due", 20, "on-track"),
    ]


def test_due_next_month_includes_checkpoints_from_every():
    hexi = plan_of(fixture_report("2021-08"), "hexi-2021")
    # meal-points: 20 a year, every quarter → 15 by 2021-09-30; funeral-reform due the same day.
    got = [(d.date, d.status.id, d.what, d.value) for d in hexi.due_next]
    assert got == [(D(2021, 9, 30), "meal-points", "checkpoint", 15), (D(2021, 9, 30), "funeral-reform", "due", None)]


def test_lagging_parts(september):
    p = plan_of(september, "qingshan-2021")
    got = [(g.status.ref, g.status.state, g.parent.id) for g in p.lagging]
    assert got == [
        ("elder-care-projects/qingshi", "behind", "elder-care-projects"),
        ("elder-care-projects/hekou", "behind", "elder-care-projects"),
    ]
    qingshi = p.lagging[0].status
    assert qingshi.gap == pytest.approx(4 * 272 / 364 - 1)
    assert plan_of(september, "hexi-2021").lagging == ()


# --- pace and series ------------------------------------------------------------


def test_pace_goes_through_checkpoints_to_the_target(september):
    p = plan_of(september, "qingshan-2021")
    beds = next(pace for pace in p.paces if pace.status.id == "elder-beds")
    assert beds.knots == ((D(2021, 1, 1), 0.0), (D(2021, 6, 30), 300.0), (D(2021, 12, 31), 800.0))
    assert beds.value(D(2021, 9, 30)) == pytest.approx(300 + 500 * 92 / 184)
    assert beds.completion(D(2021, 9, 30)) == pytest.approx(68.75)
    assert beds.value(D(2022, 3, 1)) == 800
    error_rate = next(pace for pace in p.paces if pace.status.id == "error-rate")
    assert error_rate.completion(D(2021, 6, 30)) == pytest.approx(50.0)
    # Milestones are 0 before their due date and 100 from it.
    cemetery = next(pace for pace in p.paces if pace.status.id == "cemetery-plan")
    assert (cemetery.completion(D(2021, 6, 29)), cemetery.completion(D(2021, 6, 30))) == (0.0, 100.0)


def test_pace_of_a_part_is_a_straight_line(september):
    p = plan_of(september, "qingshan-2021")
    parent = next(s for s in p.status.indicators if s.id == "elder-care-projects")
    assert Pace.of(parent.parts[1]).knots == ((D(2021, 1, 1), 0.0), (D(2021, 12, 31), 4.0))
    assert p.pace_of(parent.parts[1]) == pytest.approx(100 * 272 / 364)


def test_series_month_by_month(september):
    p = plan_of(september, "qingshan-2021")
    assert [str(pt.month) for pt in p.series] == [f"2021-{m:02d}" for m in range(1, 13)]
    assert [pt.date for pt in p.series[:2]] == [D(2021, 1, 31), D(2021, 2, 28)]
    assert p.series[8].completion == pytest.approx(sum(SEP) / 12)
    assert p.series[7].completion == pytest.approx(sum(AUG) / 12)
    # February: elder-beds 100/800 and marriage-wait 35 (from 40 toward 20) → (12.5 + 25) / 12.
    assert p.series[1].completion == pytest.approx(37.5 / 12)
    assert [pt.completion for pt in p.series[9:]] == [None, None, None]
    assert p.series[-1].expected == pytest.approx(100.0)
    assert p.series[8].expected == pytest.approx(p.expected)
    assert all(a.expected <= b.expected for a, b in zip(p.series, p.series[1:], strict=False))


def test_trends_per_indicator_and_part(september):
    p = plan_of(september, "qingshan-2021")
    assert p.trends["elder-beds"] == (0, 12.5, 12.5, 12.5, 31.25, 31.25, 46.25, 75, 100)
    assert p.trends["elder-care-projects/donghu"] == (0, 0, 0, 25, 25, 75, 75, 75, 100)
    assert len(p.trends) == 15  # 12 indicators and 3 parts


def test_trend_lines_for_status_chart():
    repo = load_fixture()
    ledger = fold((e.plan_id, e.entry, (e.month, e.seq)) for e in repo.all_entries())
    lines = trend_lines([repo.plans["qingshan-2021"].plan], ledger, D(2021, 9, 15))
    # Through the 15th of September: the month of the as-of date is cut at it.
    assert lines["qingshan-2021"]["elder-beds"] == "▁▂▂▂▃▃▄▆▆"
    assert lines["qingshan-2021"]["place-names"] == "▁" * 9


# --- edges ----------------------------------------------------------------------


def test_first_month_compares_with_the_day_before_the_plan():
    p = plan_of(fixture_report("2021-01"), "qingshan-2021")
    assert p.previous.as_of == D(2020, 12, 31)
    assert p.completion_change == p.status.completion == 0
    assert p.entries == () and p.newly_done == ()
    assert [str(pt.month) for pt in p.series if pt.completion is not None] == ["2021-01"]


def test_entries_passed_may_be_any_iterable_and_other_plans_are_ignored():
    repo = load_fixture()
    ledger = fold((e.plan_id, e.entry, (e.month, e.seq)) for e in repo.all_entries())
    plan = repo.plans["hexi-2021"].plan
    report = build_report([plan], ledger, iter(list(repo.all_entries())), Month(2021, 9))
    assert [e.indicator for e in report.plans[0].entries] == ["funeral-reform", "meal-points", "annual-inspection"]


def test_an_entry_on_the_same_day_later_in_the_file_wins_for_latest():
    plan = Plan.model_validate({
        "id": "p", "title": "t", "period": {"start": "2021-01-01", "end": "2021-12-31"},
        "indicators": [{"id": "rate", "name": "率", "unit": "%", "target": 90, "accumulate": "latest"}],
    })  # fmt: skip
    entries = [Entry(date=D(2021, 5, 3), indicator="rate", value=v) for v in (95, 80)]
    ledger = fold(("p", e, ("2021-05", i)) for i, e in enumerate(entries))
    report = build_report([plan], ledger, [], Month(2021, 5))
    assert report.plans[0].status.indicators[0].current == 80
    assert report.plans[0].newly_done == ()

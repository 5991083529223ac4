"""civtrack.diffing: comparing two loaded snapshots, with no git and no files (an in-memory Source)."""

from __future__ import annotations

import datetime as dt

from civtrack.diffing import Diff, compare
from civtrack.load import load
from civtrack.workspace import Config
from tests.gitkit import PLAN

DEC = dt.date(2026, 12, 1)
MARCH = "progress/town/2026-03.yaml"


class MemorySource:
    """A load.Source over a dict of relative paths → text."""

    def __init__(self, files: dict[str, str]):
        self.data = {path: text.encode("utf-8") for path, text in files.items()}
        self.links: list[str] = []

    def files(self, folder: str) -> list[str]:
        return sorted(p for p in self.data if p.startswith(folder + "/"))

    def read(self, relpath: str, limit: int) -> bytes:
        return self.data[relpath][: limit + 1]

    def display(self, relpath: str) -> str:
        return relpath


def snapshot(progress: str = "", plan: str = PLAN, **more: str):
    files = {"plans/town.yaml": plan, **more}
    if progress:
        files[MARCH] = progress
    repo = load(MemorySource(files), Config())
    assert repo.errors == []
    return repo


def diff(old, new, as_of: dt.date = DEC) -> Diff:
    return compare(old, new, as_of, 25.0)


E1 = "- {date: 2026-03-01, indicator: elder-beds, value: 300}\n"
E2 = "- {date: 2026-03-02, indicator: elder-beds, value: 180, note: 二批}\n"
E3 = "- {date: 2026-03-20, indicator: elder-beds, value: 140, note: 三批}\n"


def test_appended_entries_and_the_indicator_they_move() -> None:
    result = diff(snapshot(E1 + E2), snapshot(E1 + E2 + E3))
    (plan,) = [p for p in result.plans if not p.empty]
    assert not result.rewritten and not plan.rewritten
    assert [(c.new.entry.value, c.new.entry.note, c.new.line, c.file) for c in plan.added] == [(140, "三批", 3, MARCH)]
    assert plan.changed == plan.removed == plan.plan_changes == []
    (change,) = plan.indicators
    assert (change.ref, change.old.current, change.new.current) == ("elder-beds", 480, 620)
    assert (change.old.completion, change.new.completion) == (60.0, 77.5)
    assert (change.old.state, change.new.state) == ("behind", "on-track")
    assert plan.old.completion == 12.0 and plan.new.completion == 15.5


def test_both_sides_are_evaluated_at_the_same_date() -> None:
    early = diff(snapshot(E1), snapshot(E1 + E3), as_of=dt.date(2026, 3, 10))
    (plan,) = early.plans
    assert [c.new.entry.value for c in plan.added] == [140]
    assert plan.indicators == []  # dated after as-of: no indicator moved yet


def test_an_entry_edited_in_place_is_a_rewrite() -> None:
    result = diff(snapshot(E1 + E2 + E3), snapshot(E1 + E2.replace("180", "810") + E3))
    (plan,) = result.plans
    assert result.rewritten
    (change,) = plan.changed
    assert change.fields == [("value", 180, 810)]
    assert (change.old.line, change.new.line) == (2, 2)
    assert plan.added == plan.removed == []


def test_a_removed_entry_is_a_rewrite() -> None:
    result = diff(snapshot(E1 + E2 + E3), snapshot(E1 + E3))
    (plan,) = result.plans
    assert result.rewritten
    assert [(c.old.entry.value, c.old.line) for c in plan.removed] == [(180, 2)]
    assert plan.added == plan.changed == []


def test_a_deleted_month_file_removes_its_entries() -> None:
    result = diff(snapshot(E1), snapshot(""))
    assert [c.old.entry.value for c in result.plans[0].removed] == [300]


def test_entries_inserted_before_others_are_added_not_rewritten() -> None:
    """After a union merge the other branch's entries may come before this branch's."""
    result = diff(snapshot(E1 + E3), snapshot(E1 + E2 + E3))
    (plan,) = result.plans
    assert not result.rewritten
    assert [c.new.entry.value for c in plan.added] == [180]


def test_entries_that_only_moved_are_neither_added_nor_removed() -> None:
    result = diff(snapshot(E1 + E2 + E3), snapshot(E3 + E1 + E2))
    assert result.empty and not result.rewritten


def test_identical_entries_are_counted_one_by_one() -> None:
    result = diff(snapshot(E1 + E1), snapshot(E1 + E1 + E1))
    assert [c.new.line for c in result.plans[0].added] == [3]
    result = diff(snapshot(E1 + E1), snapshot(E1))
    assert [c.old.line for c in result.plans[0].removed] == [2]


def plan_changes(old_plan: str, new_plan: str) -> list[tuple]:
    result = diff(snapshot(plan=old_plan), snapshot(plan=new_plan))
    (plan,) = result.plans
    return [(c.ref, c.field, c.old, c.new, c.what, c.eased, c.rewrite) for c in plan.plan_changes]


def test_a_lowered_target_is_flagged_as_eased() -> None:
    assert plan_changes(PLAN, PLAN.replace("target: 800", "target: 600")) == [
        ("elder-beds", "target", 800, 600, "lowered", True, True)
    ]
    assert plan_changes(PLAN, PLAN.replace("target: 800", "target: 900")) == [
        ("elder-beds", "target", 800, 900, "raised", False, True)
    ]


def test_raising_an_at_most_limit_is_easing_it() -> None:
    text = PLAN.replace("    baseline: 30\n    target: 20", "    baseline: 30\n    target: 25")
    assert plan_changes(PLAN, text) == [("smoke", "target", 20, 25, "raised", True, True)]


def test_due_baseline_comparator_and_checkpoints() -> None:
    text = PLAN.replace("due: 2026-06-30", "due: 2026-09-30").replace(
        "    unit: 张\n    target: 800",
        "    unit: 张\n    target: 800\n    baseline: 100\n    checkpoints: [{by: 2026-06-30, value: 400}]",
    )
    assert plan_changes(PLAN, text) == [
        ("elder-beds", "baseline", 0, 100, "raised", False, True),
        ("elder-beds", "checkpoints", [], [("2026-06-30", 400)], "changed", False, True),
        ("cemetery-plan", "due", dt.date(2026, 6, 30), dt.date(2026, 9, 30), "postponed", True, True),
    ]
    flipped = PLAN.replace(
        '    comparator: "<="\n    baseline: 30\n    target: 20',
        '    comparator: ">="\n    baseline: 30\n    target: 40',
    )
    assert plan_changes(PLAN, flipped) == [
        ("smoke", "target", 20, 40, "raised", False, True),
        ("smoke", "comparator", "<=", ">=", "changed", False, True),
    ]


def test_a_later_plan_end_postpones_every_due_date_that_follows_it() -> None:
    text = PLAN.replace("end: 2026-12-31", "end: 2027-03-31")
    changes = plan_changes(PLAN, text)
    assert changes[0] == (None, "end", dt.date(2026, 12, 31), dt.date(2027, 3, 31), "postponed", True, True)
    assert [c[0] for c in changes[1:]] == ["elder-beds", "homes", "report-rate", "smoke"]  # not cemetery-plan (own due)
    assert all(
        c[1:] == ("due", dt.date(2026, 12, 31), dt.date(2027, 3, 31), "postponed", True, True) for c in changes[1:]
    )


def test_indicators_and_parts_added_or_removed() -> None:
    without_smoke = PLAN[: PLAN.index("  - id: smoke")]
    assert plan_changes(PLAN, without_smoke) == [("smoke", "indicator", "成人吸烟率", None, "removed", False, True)]
    assert plan_changes(without_smoke, PLAN) == [("smoke", "indicator", None, "成人吸烟率", "added", False, True)]
    parts = PLAN.replace(
        "{id: west, name: 西区, target: 10}",
        "{id: west, name: 西区, target: 5}\n      - {id: north, name: 北区, target: 5}",
    )
    assert plan_changes(PLAN, parts) == [
        ("homes/west", "target", 10, 5, "lowered", True, True),
        ("homes/north", "part", None, "北区", "added", False, True),
    ]


def test_descriptions_are_shown_but_are_not_rewrites() -> None:
    text = PLAN.replace("name: 新增养老床位", "name: 新增养老服务床位").replace(
        "title: 城关镇2026年民生实事", "title: 城关镇2026年十件民生实事"
    )
    assert plan_changes(PLAN, text) == [
        (None, "title", "城关镇2026年民生实事", "城关镇2026年十件民生实事", "changed", False, False),
        ("elder-beds", "name", "新增养老床位", "新增养老服务床位", "changed", False, False),
    ]
    result = diff(snapshot(plan=PLAN), snapshot(plan=text))
    assert not result.rewritten and not result.empty


def test_a_plan_added_is_not_a_rewrite_a_plan_removed_is() -> None:
    other = PLAN.replace("id: town", "id: city")
    one = load(MemorySource({"plans/town.yaml": PLAN}), Config())
    two = load(MemorySource({"plans/town.yaml": PLAN, "plans/city.yaml": other}), Config())
    added = diff(one, two)
    assert [(p.id, p.presence, p.rewritten) for p in added.plans] == [("city", "added", False), ("town", "both", False)]
    assert not added.rewritten
    removed = diff(two, one)
    assert [(p.id, p.presence, p.rewritten) for p in removed.plans] == [
        ("city", "removed", True),
        ("town", "both", False),
    ]
    assert removed.rewritten


def test_no_change() -> None:
    result = diff(snapshot(E1), snapshot(E1))
    assert result.empty and not result.rewritten

"""`check`: each listed problem, with its message and line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from civtrack.check import check_repository
from civtrack.load import load_disk
from civtrack.workspace import Config
from tests.conftest import run_cli, write

PLAN = """\
id: p
title: 计划
period: {start: 2021-01-01, end: 2021-12-31}
indicators:
  - id: beds
    name: 养老床位
    unit: 张
    target: 800
  - id: homes
    name: 改造
    unit: 家
    target: 30
    parts:
      - {id: east, name: 东区, target: 20}
      - {id: west, name: 西区, target: 10}
  - id: plan-doc
    name: 编制规划
    kind: milestone
    due: 2021-06-30
"""


def problems(root: Path) -> list[str]:
    repo = load_disk(root, Config())
    found = repo.problems + check_repository(repo)
    return [str(p).replace(str(root) + "/", "") for p in sorted(found)]


@pytest.fixture
def base(repo: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(repo)
    write(repo, "plans/p.yaml", PLAN)
    return repo


def test_clean_repository(base: Path) -> None:
    write(base, "progress/p/2021-03.yaml", "- date: 2021-03-01\n  indicator: beds\n  value: 5\n")
    assert problems(base) == []


def test_yaml_syntax(base: Path) -> None:
    write(base, "progress/p/2021-03.yaml", '- date: 2021-03-01\n  indicator: beds\n  note: "open\n')
    assert problems(base) == ["progress/p/2021-03.yaml:3: error E025: a quote opened on this line is never closed"]


def test_schema_unknown_and_missing_fields(base: Path) -> None:
    write(base, "plans/q.yaml", "id: q\ntitle: Q\nperiod: {start: 2021-01-01, end: 2021-12-31}\nindicators:\n"
          "  - id: a\n    name: A\n    target: 1\n    colour: red\n  - id: b\n    target: 2\n")  # fmt: skip
    assert problems(base) == [
        "plans/q.yaml:8: error E060: unknown field 'colour' in indicators[1]",
        "plans/q.yaml:9: error E061: missing required field 'name' in indicators[2]",
    ]


def test_number_written_as_text_and_bad_date(base: Path) -> None:
    write(base, "progress/p/2021-03.yaml", "- date: 2021年3月\n  indicator: beds\n  value: 800张\n")
    assert problems(base) == [
        "progress/p/2021-03.yaml:1: error E087: date: expected a date written YYYY-MM-DD (e.g. 2021-06-30), got '2021年3月'",
        "progress/p/2021-03.yaml:3: error E082: value: expected a number, got the text '800张': "
        "write the number alone (800) and the unit in the unit field",
    ]


def test_duplicate_ids(base: Path) -> None:
    write(base, "plans/q.yaml", "id: q\ntitle: Q\nperiod: {start: 2021-01-01, end: 2021-12-31}\nindicators:\n"
          "  - {id: a, name: A, target: 1}\n  - {id: a, name: B, target: 2}\n"
          "  - id: c\n    name: C\n    target: 2\n    parts:\n      - {id: x, name: X, target: 1}\n      - {id: x, name: Y, target: 1}\n")  # fmt: skip
    assert problems(base) == [
        "plans/q.yaml:6: error E103: duplicate indicator id 'a' (first at line 5)",
        "plans/q.yaml:12: error E108: duplicate part id 'x' in 'c'",
    ]


def test_plan_id_differs_from_file_stem(base: Path) -> None:
    write(base, "plans/other.yaml", "id: q\ntitle: Q\nperiod: {start: 2021-01-01, end: 2021-12-31}\n")
    assert problems(base) == ["plans/other.yaml:1: error E114: plan id 'q' differs from the file name 'other'"]


def test_entry_problems(base: Path) -> None:
    write(base, "progress/p/2021-03.yaml", """\
- date: 2021-03-01
  indicator: nothing
  value: 1
- date: 2021-03-02
  indicator: homes/north
  value: 1
- date: 2021-03-03
  indicator: homes
  value: 1
- date: 2021-03-04
  indicator: beds
  value: 1
  unit: 个
- date: 2021-04-05
  indicator: beds
  value: 1
- date: 2021-03-06
  indicator: plan-doc
  value: 1
- date: 2021-03-07
  indicator: beds
  done: true
""")  # fmt: skip
    assert problems(base) == [
        "progress/p/2021-03.yaml:1: error E203: unknown indicator 'nothing' in plan 'p'",
        "progress/p/2021-03.yaml:4: error E204: unknown part 'north' of indicator 'homes'",
        "progress/p/2021-03.yaml:7: error E205: indicator 'homes' has parts: record on a part (homes/east, homes/west)",
        "progress/p/2021-03.yaml:10: error E210: unit '个' differs from the indicator's unit '张'",
        "progress/p/2021-03.yaml:14: error E202: entry dated 2021-04-05 is in the file for 2021-03: move it to 2021-04.yaml",
        "progress/p/2021-03.yaml:17: error E206: 'plan-doc' is a milestone: write done: true, not a value",
        "progress/p/2021-03.yaml:20: error E208: 'beds' is a number: write value: N, not done",
    ]


def test_plan_rules(base: Path) -> None:
    write(base, "plans/q.yaml", """\
id: q
title: Q
period: {start: 2021-01-01, end: 2021-12-31}
indicators:
  - id: acc
    name: 事故
    target: 10
    comparator: "<="
  - id: rate
    name: 比率
    target: 10
    accumulate: latest
    parts:
      - {id: a, name: A, target: 10}
  - id: homes
    name: 改造
    target: 31
    parts:
      - {id: a, name: A, target: 20}
      - {id: b, name: B, target: 10}
""")  # fmt: skip
    assert problems(base) == [
        "plans/q.yaml:8: error E112: indicator 'acc': with '<=' give a baseline above the target (the level to bring down)",
        "plans/q.yaml:13: error E107: indicator 'rate': parts need accumulate: sum (the parent adds them up)",
        "plans/q.yaml:17: error E109: indicator 'homes': target 31 differs from the sum of its parts' targets 30",
    ]


def test_progress_for_unknown_plan_and_bad_file_name(base: Path) -> None:
    write(base, "progress/ghost/2021-03.yaml", "[]\n")
    write(base, "progress/p/March.yaml", "[]\n")
    assert problems(base) == [
        "progress/ghost/2021-03.yaml: error E303: progress for unknown plan 'ghost' (no plans/ghost.yaml)",
        "progress/p/March.yaml: error E302: progress files are named progress/<plan-id>/YYYY-MM.yaml",
    ]


def test_entry_outside_plan_period_is_a_warning(base: Path) -> None:
    write(base, "progress/p/2022-01.yaml", "- date: 2022-01-05\n  indicator: beds\n  value: 1\n")
    assert problems(base) == [
        "progress/p/2022-01.yaml:1: warning W201: entry dated 2022-01-05 is outside the plan period 2021-01-01…2021-12-31"
    ]


class TestCommand:
    def test_clean_exit_0(self, base: Path) -> None:
        result = run_cli("check", cwd=base)
        assert (result.returncode, result.stdout) == (0, "1 plans, 0 entries: 0 errors, 0 warnings\n")

    def test_errors_exit_1_with_every_problem(self, base: Path) -> None:
        write(base, "progress/p/2021-03.yaml", "- date: 2021-03-01\n  indicator: nothing\n  value: 1\n")
        result = run_cli("check", cwd=base)
        assert result.returncode == 1
        assert result.stdout == "progress/p/2021-03.yaml:1: error E203: unknown indicator 'nothing' in plan 'p'\n"
        assert result.stderr == "1 plans, 1 entries: 1 errors, 0 warnings\n"

    def test_warnings_fail_only_with_strict(self, base: Path) -> None:
        write(base, "progress/p/2022-01.yaml", "- date: 2022-01-05\n  indicator: beds\n  value: 1\n")
        assert run_cli("check", cwd=base).returncode == 0
        assert run_cli("check", "--strict", cwd=base).returncode == 1

    def test_status_refuses_a_repository_with_errors(self, base: Path) -> None:
        write(base, "progress/p/2021-03.yaml", "- date: 2021-03-01\n  indicator: beds\n  value: yes\n")
        result = run_cli("status", cwd=base)
        assert result.returncode == 2
        assert result.stdout == ""
        assert result.stderr.splitlines()[0] == (
            "progress/p/2021-03.yaml:3: error E080: value: expected a number, got the boolean true "
            "(yes/no/on/off are booleans in YAML)"
        )
        assert "Traceback" not in result.stderr


def test_month_file_names_in_ascii_digits_and_nothing_after(base: Path) -> None:
    """Issue 18 D18: `2021-06.yaml\\n` (a trailing newline) was read as June; full-width or Arabic-Indic digits
    were taken as a month, and then every entry got a misleading "move it" message."""
    entry = "- {date: 2021-06-05, indicator: beds, value: 1}\n"
    write(base, "progress/p/2021-06.yaml\n", entry)
    write(base, "progress/p/２０２１-06.yaml", entry)
    write(base, "progress/p/٢٠٢١-06.yaml", entry)
    named = "error E302: progress files are named progress/<plan-id>/YYYY-MM.yaml"
    assert problems(base) == [
        f"progress/p/2021-06.yaml\\n: {named}",
        f"progress/p/٢٠٢١-06.yaml: {named}",
        f"progress/p/２０２１-06.yaml: {named}",
    ]


def test_progress_that_is_a_file_is_reported(base: Path) -> None:
    """Issue 18 D17: a `progress` that is a regular file holding entries was ignored, and check exited 0."""
    shutil.rmtree(base / "progress", ignore_errors=True)
    write(base, "progress", "- {date: 2021-06-05, indicator: beds, value: 1}\n")
    assert problems(base) == [
        "progress: error E307: it is a file, not a folder: its entries are not read; progress goes in progress/<plan-id>/"
    ]


def test_targets_that_make_sense(base: Path) -> None:
    """Issue 18: `target: -800` with `>=` passed check and showed 100.0% done; so did `target: 0`."""
    plan = (
        PLAN.replace("    target: 800\n", "    target: -800\n")
        .replace("{id: west, name: 西区, target: 10}", "{id: west, name: 西区, target: 0}")
        .replace("    target: 30\n", "    target: 20\n")
    )
    write(base, "plans/p.yaml", plan)
    assert problems(base) == [
        "plans/p.yaml:8: error E113: indicator 'beds': target -800 is below the baseline 0: with '>=' it would be done "
        "from the start; to bring a level down, write comparator: '<=' (and the baseline above the target)",
        "plans/p.yaml:15: warning W102: part 'west' of 'homes': target 0 equals the baseline: it is done before any "
        "progress; a '>=' target is the level to reach above the baseline",
    ]


def test_check_entries_is_check_entry_of_each_entry() -> None:
    """check_entries lets through, without check_entry, only entries check_entry finds nothing in: every
    combination of reference, value or done, unit, date and file month gives the same problems."""
    import datetime as dt
    import itertools
    from types import SimpleNamespace

    from civtrack.check import check_entries, check_entry
    from civtrack.load import parse_plan

    plan_file, found = parse_plan(PLAN.encode(), "plans/p.yaml", Config())
    assert plan_file is not None and not found
    plan = plan_file.plan
    indicators = {ind.id: ind for ind in plan.indicators}
    refs = ["beds", "beds/", "beds/x", "homes", "homes/", "homes/east", "homes/west", "homes/north", "plan-doc",
            "plan-doc/", "nope", "nope/east", ""]  # fmt: skip
    fields = [(5, None), (None, True), (None, False), (None, None), (2.5, True)]
    units = [None, "张", "家", "个"]
    days = [dt.date(2020, 12, 31), dt.date(2021, 1, 1), dt.date(2021, 2, 28), dt.date(2021, 3, 1),
            dt.date(2021, 12, 31), dt.date(2022, 1, 1)]  # fmt: skip
    months = ["2021-01", "2021-02", "2021-03", "2021-12", "2020-12", "2022-01", "2021-13", "2021-1", "٢٠٢١-02", "0000-01"]
    items = []
    for seq, (ref, (value, done), unit, day, month) in enumerate(itertools.product(refs, fields, units, days, months)):
        entry = SimpleNamespace(date=day, indicator=ref, value=value, done=done, unit=unit)
        items.append(SimpleNamespace(entry=entry, path="progress/p/x.yaml", line=seq + 1, month=month))
    expected = [problem for item in items for problem in check_entry(plan, indicators, item)]
    assert check_entries(plan, indicators, items) == expected
    clean = [item for item in items if not check_entry(plan, indicators, item)]
    assert len(clean) > 50 and check_entries(plan, indicators, clean) == []

"""`civtrack report --format json`: the documented schema, exact figures, a golden file."""

from __future__ import annotations

import json
import re

import pytest

from tests.reportkit import PROJECT, golden, run_fixture


@pytest.fixture(scope="module")
def text() -> str:
    result = run_fixture("report", "--month", "2021-09", "--format", "json")
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def doc(text) -> dict:
    return json.loads(text)


def plan(doc: dict, plan_id: str) -> dict:
    return next(p for p in doc["plans"] if p["id"] == plan_id)


def test_golden(text):
    golden("report-fixture-2021-09.json", text)


def test_json_does_not_depend_on_the_language(text):
    assert (
        run_fixture("--lang", "zh", "report", "--month", "2021-09", "--format", "json", "--lang", "zh").stdout == text
    )


def test_top_level(doc):
    assert {k: doc[k] for k in ("schema", "month", "as_of", "previous_as_of", "next_month")} == {
        "schema": "civtrack-report/1",
        "month": "2021-09",
        "as_of": "2021-09-30",
        "previous_as_of": "2021-08-31",
        "next_month": "2021-10",
    }
    assert [p["id"] for p in doc["plans"]] == ["hexi-2021", "qingshan-2021"]


def test_plan_figures(doc):
    p = plan(doc, "qingshan-2021")
    sep = [62.5, 80, 45, 600 / 11, 100, 100, 0, 50, 42, 90, 0, 100]
    aug = [50, 240 / 3.5, 40, 500 / 11, 75, 100, 0, 50, 34, 80, 0, 0]
    assert p["completion"] == pytest.approx(sum(sep) / 12)
    assert p["previous_completion"] == pytest.approx(sum(aug) / 12)
    assert p["completion_change"] == pytest.approx(p["completion"] - p["previous_completion"])
    assert p["counts"] == {"done": 3, "on-track": 5, "behind": 2, "overdue": 2}
    assert p["previous_counts"] == {"done": 1, "on-track": 7, "behind": 3, "overdue": 1}
    assert p["counts_change"] == {"done": 2, "on-track": -2, "behind": -1, "overdue": 1}
    assert p["period"] == {"start": "2021-01-01", "end": "2021-12-31"}
    assert p["organization"] == "青山区民政局"


def test_lists(doc):
    p = plan(doc, "qingshan-2021")
    assert len(p["entries"]) == 8
    assert p["entries"][3] == {
        "date": "2021-09-22", "indicator": "elder-beds", "part": None, "name": "新增养老机构床位", "part_name": None,
        "value": 200, "done": None, "unit": "张", "note": "青石镇颐养中心投用,全年床位任务完成",
        "by": "养老服务科 王敏", "evidence": "验收报告 青民〔2021〕45号",
    }  # fmt: skip
    assert [(d["indicator"], d["part"], d["done_on"]) for d in p["newly_done"]] == [
        ("elder-care-projects", "donghu", "2021-09-03"),
        ("elder-beds", None, "2021-09-22"),
        ("place-names", None, "2021-09-28"),
    ]
    assert [(o["indicator"], o["days_overdue"], o["new"], o["kind"]) for o in p["overdue"]] == [
        ("cemetery-plan", 92, False, "milestone"),
        ("children-homes", 30, True, "number"),
    ]
    cemetery = p["overdue"][0]
    assert (cemetery["current"], cemetery["target"], cemetery["unit"]) == (None, None, None)
    volunteers = p["behind"][1]
    assert volunteers["expected"] == pytest.approx(5000 * 272 / 364)
    assert volunteers["gap"] == pytest.approx(5000 * 272 / 364 - 2100)
    assert [(d["date"], d["indicator"], d["what"], d["value"]) for d in p["due_next_month"]] == [
        ("2021-10-15", "service-center", "due", None),
        ("2021-10-31", "marriage-wait", "due", 20),
    ]
    assert [(g["indicator"], g["part"], g["part_name"], g["state"]) for g in p["lagging_parts"]] == [
        ("elder-care-projects", "qingshi", "青石镇", "behind"),
        ("elder-care-projects", "hekou", "河口镇", "behind"),
    ]


def test_series_and_indicators(doc):
    p = plan(doc, "qingshan-2021")
    assert [s["month"] for s in p["series"]] == [f"2021-{m:02d}" for m in range(1, 13)]
    assert [s["completion"] is None for s in p["series"]] == [False] * 9 + [True] * 3
    assert p["series"][-1]["expected"] == pytest.approx(100)
    assert p["series"][8]["expected"] == pytest.approx(p["expected_completion"])
    beds = next(i for i in p["indicators"] if i["id"] == "elder-beds")
    assert beds["trend"] == [0, 12.5, 12.5, 12.5, 31.25, 31.25, 46.25, 75, 100]
    assert (beds["previous_completion"], beds["previous_state"], beds["state"]) == (75, "on-track", "done")
    assert beds["expected_pace"] == pytest.approx(68.75)
    projects = next(i for i in p["indicators"] if i["id"] == "elder-care-projects")
    assert [part["id"] for part in projects["parts"]] == ["donghu", "qingshi", "hekou"]
    assert projects["parts"][0]["trend"] == [0, 0, 0, 25, 25, 75, 75, 75, 100]


def test_every_key_is_documented(doc):
    """docs/reports.md documents each key of the JSON (as `key` in its tables)."""
    documented = set(
        re.findall(r"^\| `([a-z_]+)`", (PROJECT / "docs" / "reports.md").read_text(encoding="utf-8"), re.M)
    )
    p = plan(doc, "qingshan-2021")
    keys = set(doc) | set(p) | set(p["entries"][0]) | set(p["overdue"][0]) | set(p["behind"][0])
    keys |= set(p["newly_done"][0]) | set(p["due_next_month"][0]) | set(p["lagging_parts"][0]) | set(p["series"][0])
    keys |= set(p["indicators"][0])
    assert keys - documented == set()

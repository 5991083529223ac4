"""`civtrack export`: flat columns that round-trip through csv.DictReader and json with exact values."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from civtrack.render.export import ENTRY_COLUMNS, STATUS_COLUMNS
from tests.reportkit import PROJECT, copy_fixture, run_fixture


def export(*args: str) -> str:
    result = run_fixture("export", *args)
    assert result.returncode == 0, result.stderr
    return result.stdout


def rows_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def rows_jsonl(text: str) -> list[dict]:
    assert text.endswith("\n")
    return [json.loads(line) for line in text.splitlines()]


def test_entry_columns_in_order():
    text = export("--as-of", "2021-09-30")
    assert text.splitlines()[0] == "plan,indicator,part,date,value,done,unit,note,by,evidence,file,line"
    assert tuple(csv.DictReader(io.StringIO(text)).fieldnames) == ENTRY_COLUMNS


def test_entries_csv_round_trip():
    rows = rows_csv(export("--as-of", "2021-09-30"))
    # 42 entries in the fixture; the two of 2021-10 are after --as-of.
    assert len(rows) == 40
    assert [r["plan"] for r in rows] == ["hexi-2021"] * 9 + ["qingshan-2021"] * 31
    beds = next(r for r in rows if r["date"] == "2021-09-22")
    assert beds == {
        "plan": "qingshan-2021", "indicator": "elder-beds", "part": "", "date": "2021-09-22", "value": "200",
        "done": "", "unit": "张", "note": "青石镇颐养中心投用,全年床位任务完成", "by": "养老服务科 王敏",
        "evidence": "验收报告 青民〔2021〕45号", "file": "progress/qingshan-2021/2021-09.yaml", "line": "15",
    }  # fmt: skip
    donghu = next(r for r in rows if r["date"] == "2021-09-03")
    assert (donghu["indicator"], donghu["part"], donghu["unit"]) == ("elder-care-projects", "donghu", "个")
    place = next(r for r in rows if r["indicator"] == "place-names")
    assert (place["value"], place["done"], place["unit"]) == ("", "true", "")
    rate = next(r for r in rows if r["indicator"] == "error-rate" and r["date"] == "2021-09-30")
    assert (rate["value"], rate["unit"]) == ("2.1", "%")
    piped = next(r for r in rows if r["date"] == "2021-09-08")
    assert piped["note"] == "救助政策培训(第三季度) | 线上直播"  # quoted by csv, not escaped
    # Within a plan: by date.
    dates = [r["date"] for r in rows if r["plan"] == "qingshan-2021"]
    assert dates == sorted(dates)


def test_entries_jsonl_round_trip_with_types():
    rows = rows_jsonl(export("--as-of", "2021-09-30", "--format", "jsonl"))
    assert len(rows) == 40 and all(list(r) == list(ENTRY_COLUMNS) for r in rows)
    beds = next(r for r in rows if r["date"] == "2021-09-22")
    assert (beds["value"], beds["done"], beds["part"], beds["line"]) == (200, None, None, 15)
    place = next(r for r in rows if r["indicator"] == "place-names")
    assert (place["value"], place["done"]) == (None, True)
    assert next(r for r in rows if r["indicator"] == "error-rate" and r["date"] == "2021-09-30")["value"] == 2.1


def test_as_of_cuts_entries():
    rows = rows_csv(export("--as-of", "2021-03-31", "--plan", "qingshan-2021"))
    assert [(r["date"], r["indicator"]) for r in rows] == [
        ("2021-02-26", "elder-beds"),
        ("2021-02-26", "marriage-wait"),
        ("2021-03-18", "relief-training"),
        ("2021-03-25", "relief-training"),
        ("2021-03-31", "adviser-coverage"),
        ("2021-03-31", "volunteers"),
    ]
    assert len(rows_csv(export("--as-of", "2021-12-31"))) == 42


def test_status_csv_round_trip():
    text = export("--what", "status", "--as-of", "2021-09-30", "--plan", "qingshan-2021")
    reader = csv.DictReader(io.StringIO(text))
    assert tuple(reader.fieldnames) == STATUS_COLUMNS
    rows = list(reader)
    assert len(rows) == 15
    children = next(r for r in rows if r["indicator"] == "children-homes")
    assert children == {
        "as_of": "2021-09-30", "plan": "qingshan-2021", "indicator": "children-homes", "part": "",
        "name": "完成儿童福利机构改造", "section": "三、推进基层治理和社会事务", "kind": "number", "state": "overdue",
        "completion": "50.0", "current": "1", "target": "2", "baseline": "0", "unit": "个", "comparator": ">=",
        "expected": "2.0", "gap": "1.0", "start": "2021-01-01", "due": "2021-08-31", "days_overdue": "30",
        "owner": "儿童福利科", "weight": "1", "entries": "1",
        # Rules 10–13: 1 in 272 days, past due (projected = current); 1 more at 1/272 a day: 272 days on;
        # overdue: red; the one entry 62 days before as-of: stale.
        "projected": "1.0", "projected_completion": "50.0", "eta": "2022-06-29", "alert": "red",
        "last_entry": "2021-07-30", "stale": "true",
    }  # fmt: skip
    qingshi = next(r for r in rows if r["part"] == "qingshi")
    assert (qingshi["indicator"], qingshi["name"], qingshi["state"], qingshi["completion"]) == (
        "elder-care-projects", "青石镇", "behind", "25.0"
    )  # fmt: skip
    cemetery = next(r for r in rows if r["indicator"] == "cemetery-plan")
    assert (cemetery["kind"], cemetery["current"], cemetery["target"], cemetery["days_overdue"]) == (
        "milestone",
        "",
        "",
        "92",
    )
    assert next(r for r in rows if r["indicator"] == "volunteers")["days_overdue"] == ""


def test_status_jsonl_exact_numbers():
    rows = rows_jsonl(export("--what", "status", "--as-of", "2021-09-30", "--format", "jsonl"))
    assert len(rows) == 4 + 15 + 1  # hexi, qingshan (with parts), qingshan-2022
    volunteers = next(r for r in rows if r["indicator"] == "volunteers")
    assert volunteers["completion"] == 42.0
    assert volunteers["expected"] == pytest.approx(5000 * 272 / 364)
    assert volunteers["gap"] == pytest.approx(5000 * 272 / 364 - 2100)
    inspection = next(r for r in rows if r["indicator"] == "annual-inspection")
    assert (inspection["current"], inspection["completion"], inspection["state"]) == (96, 104.0, "done")
    future = next(r for r in rows if r["plan"] == "qingshan-2022")
    assert (future["state"], future["completion"], future["entries"]) == ("on-track", 0.0, 0)


def test_output_file_and_errors(tmp_path):
    out = tmp_path / "x" / "status.csv"
    assert run_fixture("export", "--what", "status", "--as-of", "2021-09-30", "-o", str(out)).returncode == 0
    assert out.read_text(encoding="utf-8") == export("--what", "status", "--as-of", "2021-09-30")
    bad = run_fixture("export", "--as-of", "2021-02-30")
    assert bad.returncode == 2 and "expected a date YYYY-MM-DD, got '2021-02-30'" in bad.stderr
    unknown = run_fixture("export", "--plan", "nope")
    assert unknown.returncode == 2 and "unknown plan 'nope'" in unknown.stderr
    assert run_fixture("export", "--what", "everything").returncode == 2


def test_bad_files_exit_2(tmp_path):
    root = copy_fixture(tmp_path)
    (root / "progress" / "hexi-2021" / "2021-06.yaml").write_text(
        "- date: 2021-06-28\n  indicator: meal-points\n  value: many\n"
    )
    result = run_fixture("export", root=root)
    assert result.returncode == 2 and "2021-06.yaml:3: error E083: value: expected a number" in result.stderr
    assert result.stdout == ""


def test_every_column_is_documented():
    doc = (PROJECT / "docs" / "reports.md").read_text(encoding="utf-8")
    export_part = doc.split("## Export columns", 1)[1]
    documented = set(re.findall(r"^\| `([a-z_]+)`", export_part, re.M))
    assert set(ENTRY_COLUMNS) | set(STATUS_COLUMNS) <= documented

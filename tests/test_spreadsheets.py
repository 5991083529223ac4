"""`civtrack sheet` and `civtrack import`: the fill-in workbook out, the filled rows in, in real git repositories.

Workbooks are filled with openpyxl as a person fills them in Excel: typing in the open
cells, a date here, yes in done, a formula, a merged cell. One real run of the installed
civtrack per command (the round trip); the rest call the CLI in-process.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.gitkit import PLAN, cli, commit, git, make_repo, no_ids, record
from tests.record_driver import invoke

OCTOBER = "progress/town/2026-10.yaml"
EN_HEADERS = [
    "plan", "id", "name", "section", "owner", "unit", "target", "current", "completion", "state", "last_entry",
    "value", "done", "date", "note", "by", "evidence",
]  # fmt: skip
ZH_HEADERS = [
    "计划", "编号", "名称", "章节", "责任单位", "单位", "目标值", "月初累计", "月初完成率", "状态", "最近填报日期",
    "本月数值", "是否完成", "日期", "情况说明", "填报人", "佐证材料",
]  # fmt: skip
OWNED = PLAN.replace("    unit: 张\n    target: 800\n", "    unit: 张\n    target: 800\n    owner: 养老服务科\n")


def run(root: Path, *args: str) -> tuple[int, str, str]:
    return invoke(["--root", str(root), *args])


@pytest.fixture
def town(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The town plan in a git repository, 300 beds recorded in March; the current folder."""
    root = make_repo(tmp_path / "town", plan=OWNED)
    monkeypatch.chdir(root)
    record(root, "town/elder-beds", "300", "--date", "2026-03-31", "-q")
    commit(root, "March")
    return root


def make_sheet(root: Path, *args: str, name: str = "sheet.xlsx") -> Path:
    code, out, err = run(root, "sheet", "--month", "2026-10", "-o", str(root / name), *args)
    assert code == 0, err
    return root / name


def by_ref(ws) -> dict[str, int]:
    return {ws.cell(r, 2).value: r for r in range(2, ws.max_row + 1)}


def status_of(root: Path, as_of: str = "2026-10-31") -> dict[str, dict]:
    code, out, err = run(root, "status", "--format", "json", "--as-of", as_of)
    assert code == 0, err
    found = {}
    for ind in json.loads(out)["plans"][0]["indicators"]:
        found[ind["id"]] = ind
        for part in ind["parts"]:
            found[f"{ind['id']}/{part['id']}"] = part
    return found


def fill(path: Path, cells: dict[str, object], out: Path | None = None, sheet: str = "town") -> Path:
    book = load_workbook(path)
    ws = book[sheet]
    for ref, value in cells.items():
        ws[ref] = value
    book.save(out or path)
    return out or path


# --- the round trip -------------------------------------------------------------------


def test_round_trip_sheet_fill_import_status(town: Path) -> None:
    result = cli(town, "sheet", "--month", "2026-10", "-o", "2026-10-填报表.xlsx")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "wrote 2026-10-填报表.xlsx: 1 sheets, 6 rows to fill for 2026-10\n"
    path = town / "2026-10-填报表.xlsx"
    book = load_workbook(path)
    assert book.sheetnames == ["town", "civtrack"]
    ws = book["town"]
    assert [c.value for c in ws[1]] == EN_HEADERS
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
    october_31 = dt.datetime(2026, 10, 31)
    assert rows == [
        ["town", "elder-beds", "新增养老床位", "一、养老服务", "养老服务科", "张", 800, 300, 37.5, "behind",
         dt.datetime(2026, 3, 31), None, None, october_31, None, None, None],
        ["town", "homes/east", "东区", "一、养老服务", None, "家", 20, 0, 0, "behind", None, None, None, october_31,
         None, None, None],
        ["town", "homes/west", "西区", "一、养老服务", None, "家", 10, 0, 0, "behind", None, None, None, october_31,
         None, None, None],
        ["town", "report-rate", "社会组织年报率", None, None, "%", 80, 0, 0, "behind", None, None, None, october_31,
         None, None, None],
        ["town", "cemetery-plan", "公墓布点规划", None, None, None, None, None, 0, "overdue", None, None, None,
         october_31, None, None, None],
        ["town", "smoke", "成人吸烟率", None, None, "%", 20, 30, 0, "behind", None, None, None, october_31, None,
         None, None],
    ]  # fmt: skip
    # Protected without a password; the fill-in cells open, the rest locked.
    assert ws.protection.sheet is True and not ws.protection.password
    assert ws["A2"].protection.locked and ws["K2"].protection.locked
    assert not any(ws[f"{c}2"].protection.locked for c in "LNOPQ")
    assert ws["M2"].protection.locked and not ws["M6"].protection.locked  # done: only for the milestone
    assert ws["L6"].protection.locked  # value: not for the milestone
    checks = {dv.type: (str(dv.sqref), dv.formula1, dv.formula2) for dv in ws.data_validations.dataValidation}
    assert checks == {
        "decimal": ("L2 L3 L4 L5 L7", "-1E+15", "1E+15"),
        "list": ("M6", '"yes,no"', None),
        "date": ("N2:N7", "DATE(2026,10,1)", "DATE(2026,10,31)"),
    }
    assert ws.freeze_panes == "D2"
    assert ws.column_dimensions["C"].width >= 16  # 新增养老床位: six Chinese characters, 12 cells wide
    meta = book["civtrack"]
    assert meta.sheet_state == "hidden"
    assert [r[:2] for r in meta.iter_rows(values_only=True)][:3] == [("civtrack sheet", 1), ("month", "2026-10"),
                                                                        ("lang", "en")]  # fmt: skip

    # A person fills it in: numbers, a date of their own, yes for the milestone, a note and a name.
    at = by_ref(ws)
    ws.cell(at["elder-beds"], 12, 180)
    ws.cell(at["elder-beds"], 15, "城南中心投用")
    ws.cell(at["elder-beds"], 16, "养老服务科")
    ws.cell(at["homes/east"], 12, 4)
    ws.cell(at["homes/east"], 14, dt.datetime(2026, 10, 20))
    ws.cell(at["report-rate"], 12, 76.5)
    ws.cell(at["cemetery-plan"], 13, "yes")
    ws.cell(at["smoke"], 12, 24)
    book.save(path)

    result = cli(town, "import", "2026-10-填报表.xlsx", "--as-of", "2026-10-31")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert [line.rstrip() for line in result.stdout.splitlines()] == [
        "Imported town  城关镇2026年民生实事  5 entries",
        "  progress/town/2026-10.yaml:1–5",
        "  新增养老床位             300 → 480 张  37.5% → 60.0%  behind → on track",
        "  特困供养设施改造 / 东区      0 → 4 家   0.0% → 20.0%  behind",
        "  特困供养设施改造             0 → 4 家   0.0% → 13.3%  behind",
        "  社会组织年报率             0 → 76.5 %   0.0% → 95.6%  behind → on track",
        "  公墓布点规划                    ○ → ✓  0.0% → 100.0%  overdue → done",
        "  成人吸烟率                  30 → 24 %   0.0% → 60.0%  behind → on track",
        "as of 2026-10-31",
    ]
    assert no_ids((town / OCTOBER).read_text(encoding="utf-8")) == (
        '- {date: 2026-10-31, indicator: elder-beds, value: 180, note: "城南中心投用", by: "养老服务科"}\n'
        "- {date: 2026-10-20, indicator: homes/east, value: 4}\n"
        "- {date: 2026-10-31, indicator: report-rate, value: 76.5}\n"
        "- {date: 2026-10-31, indicator: cemetery-plan, done: true}\n"
        "- {date: 2026-10-31, indicator: smoke, value: 24}\n"
    )
    # Each imported line ends with its own random id, as record's do (issue 18, D1: union merges keep both).
    ids = re.findall(r", id: ([a-z][a-z2-7]{7})\}\n", (town / OCTOBER).read_text(encoding="utf-8"))
    assert len(ids) == len(set(ids)) == 5
    now = status_of(town)
    assert (now["elder-beds"]["current"], now["elder-beds"]["completion"]) == (480, 60.0)
    assert (now["homes/east"]["current"], now["homes"]["current"]) == (4, 4)
    assert now["report-rate"]["current"] == 76.5
    assert now["cemetery-plan"]["state"] == "done"
    assert now["smoke"]["current"] == 24
    assert "progress/town/2026-10.yaml" in git(town, "status", "--porcelain")

    # The same file again: nothing added, each row named.
    before = (town / OCTOBER).read_bytes()
    code, out, err = run(town, "import", str(path), "--as-of", "2026-10-31")
    assert code == 0
    assert out == "Nothing to import: every filled row is already recorded.\n"
    assert err.splitlines() == [
        f"{path}:town!{at[ref]}: warning IMP50: already recorded (progress/town/2026-10.yaml:{line}): skipped"
        for ref, line in (("elder-beds", 1), ("homes/east", 2), ("report-rate", 3), ("cemetery-plan", 4), ("smoke", 5))
    ]
    assert (town / OCTOBER).read_bytes() == before


def test_one_bad_row_writes_nothing_and_names_the_row(town: Path) -> None:
    path = fill(make_sheet(town), {"L2": 180, "L3": "4张", "L4": 2})
    before = (town / "progress" / "town" / "2026-03.yaml").read_bytes()
    code, out, err = run(town, "import", str(path))
    assert code == 2
    assert err.splitlines() == [
        f"{path}:town!3: error IMP04: value '4张' is not a number (write digits, e.g. 12, 12.5 or 1,200)"
    ]
    assert not (town / OCTOBER).exists()
    assert (town / "progress" / "town" / "2026-03.yaml").read_bytes() == before


def test_every_bad_row_is_reported_with_its_code(town: Path) -> None:
    path = fill(
        make_sheet(town),
        {
            "L2": "abc",  # not a number
            "L3": 4, "N3": "2026-11-02",  # outside the month
            "L4": 1, "B4": "homes",  # the parent of parts
            "B5": "nope", "L5": 1,  # unknown indicator
            "L6": 1,  # a value for a milestone (the cell is locked in Excel, not in openpyxl)
            "L7": 24, "M7": "yes",  # done for a number
            "A8": "town", "B8": "cemetery-plan", "M8": "maybe",  # a row added by hand: done not yes/no
            "A9": "nowhere", "B9": "x", "L9": 1,  # unknown plan
            "A10": "town", "B10": "elder-beds", "O10": "说明而无数值",  # a note without a value
        },  # fmt: skip
    )
    code, out, err = run(town, "import", str(path))
    assert code == 2
    assert err.splitlines() == [
        f"{path}:town!2: error IMP04: value 'abc' is not a number (write digits, e.g. 12, 12.5 or 1,200)",
        f"{path}:town!3: error IMP07: date 2026-11-02 is outside the sheet's month 2026-10",
        f"{path}:town!4: error IMP10: indicator 'homes' has parts: report on one of them (homes/east, homes/west)",
        f"{path}:town!5: error IMP02: unknown indicator 'nope' in plan 'town' (known: elder-beds, homes, "
        "report-rate, cemetery-plan, smoke)",
        f"{path}:town!6: error IMP03: 'cemetery-plan' is a milestone: fill done (yes or no), not value",
        f"{path}:town!7: error IMP03: 'smoke' is a number (%): fill value, not done",
        f"{path}:town!8: error IMP15: done 'maybe' is not yes or no (write yes/no or 是/否)",
        f"{path}:town!9: error IMP01: unknown plan 'nowhere' (known: town)",
        f"{path}:town!10: error IMP12: 'elder-beds' is a number: fill value",
    ]
    assert not (town / OCTOBER).exists()


def test_chinese_headers_and_owner(town: Path) -> None:
    path = make_sheet(town, "--lang", "zh", "--owner", "养老服务科")
    book = load_workbook(path)
    ws = book["town"]
    assert [c.value for c in ws[1]] == ZH_HEADERS
    assert [ws.cell(r, 2).value for r in range(2, ws.max_row + 1)] == ["elder-beds"]
    assert ws["J2"].value == "滞后"
    assert {dv.type: dv.formula1 for dv in ws.data_validations.dataValidation}["decimal"] == "-1E+15"
    fill(path, {"L2": "１２", "O2": "全角数字"})
    code, out, err = run(town, "--lang", "zh", "import", str(path), "--as-of", "2026-10-31")
    assert code == 0, err
    assert out.splitlines()[0].rstrip() == "已导入 town  城关镇2026年民生实事  1条记录"
    assert status_of(town)["elder-beds"]["current"] == 312


def test_a_long_summary_lists_the_changes_of_state(town: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib

    monkeypatch.setattr(importlib.import_module("civtrack.commands.import"), "MOST_LINES", 3)
    path = fill(make_sheet(town), {"L2": 500, "L3": 1, "L4": 1, "L5": 10})
    code, out, err = run(town, "import", str(path), "--as-of", "2026-10-31")
    assert code == 0, err
    assert [line.rstrip() for line in out.splitlines()] == [
        "Imported town  城关镇2026年民生实事  4 entries",
        "  progress/town/2026-10.yaml:1–4",
        "  新增养老床位  300 → 800 张  37.5% → 100.0%  behind → done",
        "  … and 4 more indicators and parts",  # homes/east, homes/west, homes, report-rate: still behind
        "as of 2026-10-31",
    ]


def test_identical_rows_in_one_sheet_are_both_written_once(town: Path) -> None:
    path = fill(make_sheet(town), {"L2": 5, "A8": "town", "B8": "elder-beds", "L8": 5, "N8": dt.datetime(2026, 10, 31)})
    assert run(town, "import", str(path))[0] == 0
    assert no_ids((town / OCTOBER).read_text(encoding="utf-8")).count("value: 5}") == 2
    code, out, err = run(town, "import", str(path))
    assert (code, len(err.splitlines())) == (0, 2)
    assert no_ids((town / OCTOBER).read_text(encoding="utf-8")).count("value: 5}") == 2


def test_a_changed_plan_is_warned_of(town: Path) -> None:
    path = fill(make_sheet(town), {"L2": 10})
    plan = town / "plans" / "town.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace("target: 800", "target: 900"), encoding="utf-8")
    code, out, err = run(town, "import", str(path), "--dry-run")
    assert code == 0
    assert err.splitlines() == [
        f"{path}: warning IMP51: plan 'town' changed since the sheet was made (plans/town.yaml): "
        "check that the rows still fit it"
    ]
    assert out.startswith("Dry run (nothing written); would import town")
    assert not (town / OCTOBER).exists()


# --- cells as spreadsheets hold them ------------------------------------------------------------


def _with_cached_values(path: Path, values: dict[str, str]) -> None:
    """Give formulas their saved values, as Excel writes them (openpyxl writes formulas without)."""
    data = {}
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            data[name] = archive.read(name)
    sheet = data["xl/worksheets/sheet1.xml"].decode("utf-8")
    for ref, value in values.items():
        sheet, count = re.subn(rf'(<c r="{ref}"[^>]*>)<f>([^<]*)</f><v\s*/?>(</v>)?', rf"\1<f>\2</f><v>{value}</v>", sheet)
        assert count == 1, sheet
    data["xl/worksheets/sheet1.xml"] = sheet.encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, blob in data.items():
            archive.writestr(name, blob)


def test_formulas_count_with_their_saved_value(town: Path) -> None:
    path = fill(make_sheet(town), {"L2": "=100+80", "L3": "=SUM(2,2)"})
    _with_cached_values(path, {"L2": "180", "L3": "4"})
    code, out, err = run(town, "import", str(path), "--as-of", "2026-10-31")
    assert code == 0, err
    assert no_ids((town / OCTOBER).read_text(encoding="utf-8")) == (
        "- {date: 2026-10-31, indicator: elder-beds, value: 180}\n- {date: 2026-10-31, indicator: homes/east, value: 4}\n"
    )


def test_a_formula_without_a_saved_value_is_refused(town: Path) -> None:
    path = fill(make_sheet(town), {"L2": 1, "L3": "=1+2"})
    code, out, err = run(town, "import", str(path))
    assert code == 2
    assert err.splitlines() == [
        f"{path}:town!3: error IMP09: value: a formula saved without its value "
        "(open the file in Excel or LibreOffice and save it again)"
    ]
    assert not (town / OCTOBER).exists()


def test_merged_cells(town: Path) -> None:
    path = make_sheet(town)
    book = load_workbook(path)
    ws = book["town"]
    ws["L2"], ws["L3"], ws["L4"] = 1, 2, 3
    ws["N2"] = dt.datetime(2026, 10, 15)
    ws.merge_cells("N2:N4")  # one date for three rows
    ws["P2"] = "城关镇民政办"
    ws.merge_cells("P2:P4")
    book.save(path)
    assert run(town, "import", str(path))[0] == 0
    assert no_ids((town / OCTOBER).read_text(encoding="utf-8")) == (
        '- {date: 2026-10-15, indicator: elder-beds, value: 1, by: "城关镇民政办"}\n'
        '- {date: 2026-10-15, indicator: homes/east, value: 2, by: "城关镇民政办"}\n'
        '- {date: 2026-10-15, indicator: homes/west, value: 3, by: "城关镇民政办"}\n'
    )


def test_a_value_merged_over_rows_is_refused(town: Path) -> None:
    path = make_sheet(town)
    book = load_workbook(path)
    book["town"]["L3"] = 6
    book["town"].merge_cells("L3:L4")
    book.save(path)
    code, out, err = run(town, "import", str(path))
    assert code == 2
    message = "error IMP13: merged cells L3:L4 give one value to several rows: unmerge them and fill each row"
    assert err.splitlines() == [f"{path}:town!3: {message}", f"{path}:town!4: {message}"]


def test_dates_as_serial_numbers_and_text(town: Path) -> None:
    path = fill(
        make_sheet(town),
        {"L2": 1, "N2": 46310, "L3": 1, "N3": "2026/10/3", "L4": 1, "N4": "2026年10月4日", "L5": 50, "N5": "2026.10.05"},
    )
    assert run(town, "import", str(path))[0] == 0
    dates = re.findall(r"date: (\S+),", no_ids((town / OCTOBER).read_text(encoding="utf-8")))
    assert dates == ["2026-10-15", "2026-10-03", "2026-10-04", "2026-10-05"]


def test_numbers_as_spreadsheets_show_them(town: Path) -> None:
    path = make_sheet(town)
    book = load_workbook(path)
    ws = book["town"]
    ws["L2"] = "1,200"
    ws["L3"] = "１２"
    ws["L5"] = 0.765  # 76.5% typed into Excel: the fraction, with a percent format
    ws["L5"].number_format = "0.0%"
    ws["L7"] = "24%"
    book.save(path)
    assert run(town, "import", str(path))[0] == 0
    values = re.findall(r"value: ([^,}]+)", no_ids((town / OCTOBER).read_text(encoding="utf-8")))
    assert values == ["1200", "12", "76.5", "24"]


@pytest.mark.parametrize(
    ("cell", "value", "message"),
    [
        ("L2", "76.5%", "IMP05: a percentage ('76.5%') where the unit is '张'"),
        ("L2", "1,2", "IMP04: value '1,2' is not a number (write digits, e.g. 12, 12.5 or 1,200)"),
        ("L2", "1.200,5", "IMP04: value '1.200,5' is not a number (write digits, e.g. 12, 12.5 or 1,200)"),
        ("N2", "31/10/2026", "IMP08: date '31/10/2026' is not a date (write 2026-10-31, 2026/10/31 or 2026年10月31日)"),
        ("N2", "2026-02-30", "IMP08: impossible date '2026-02-30'"),
    ],
)
def test_cells_that_are_refused(town: Path, cell: str, value: str, message: str) -> None:
    path = fill(make_sheet(town), {"L2": 5, cell: value})
    code, out, err = run(town, "import", str(path))
    assert (code, err.splitlines()) == (2, [f"{path}:town!2: error {message}"])


# --- CSV ---------------------------------------------------------------------------------------


def _csv(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


def test_csv_in_gb18030_with_chinese_headers(town: Path) -> None:
    text = _csv([
        ["计划", "编号", "单位", "本月数值", "日期", "情况说明"],
        ["town", "homes/west", "家", "3", "2026-10-09", "西区三家完工"],
        ["", "", "", "", "", ""],
        ["town", "elder-beds", "张", "20", "2026/10/10", ""],
    ])  # fmt: skip
    (town / "county.csv").write_bytes(text.encode("gb18030"))
    code, out, err = run(town, "import", str(town / "county.csv"), "--as-of", "2026-10-31")
    assert code == 0, err
    assert no_ids((town / OCTOBER).read_text(encoding="utf-8")) == (
        '- {date: 2026-10-09, indicator: homes/west, value: 3, note: "西区三家完工"}\n'
        "- {date: 2026-10-10, indicator: elder-beds, value: 20}\n"
    )


def test_csv_problems_name_the_line(town: Path) -> None:
    text = _csv([
        ["plan", "id", "unit", "value", "date", "remarks", "note"],
        ["town", "elder-beds", "个", "3", "2026-10-09", "", ""],
        ["town", "elder-beds", "", "3", "2027-01-09", "", ""],
        ["town", "elder-beds", "", "3", "", "", ""],
        ["town", "elder-beds", "", "3", "2026-10-09", "", "bell\x07"],
    ])  # fmt: skip
    (town / "c.csv").write_text("\ufeff" + text, encoding="utf-8")
    code, out, err = run(town, "import", str(town / "c.csv"))
    shown = town / "c.csv"
    assert code == 2
    assert err.splitlines() == [
        f"{shown}: warning IMP52: column 'remarks' is not one civtrack reads: ignored",
        f"{shown}:2: error IMP05: unit '个' differs from the indicator's unit '张'",
        f"{shown}:3: error IMP06: date 2027-01-09 is outside the period of plan 'town' (2026-01-01…2026-12-31, "
        "plans/town.yaml)",
        f"{shown}:4: error IMP08: date is empty (fill it, or give --month to date the row's entry)",
        f"{shown}:5: error IMP11: note holds a control character (U+0007): delete it",
    ]
    code, out, err = run(town, "import", str(town / "c.csv"), "--month", "2026-10")
    assert f"{shown}:3: error IMP07: date 2027-01-09 is outside the sheet's month 2026-10" in err.splitlines()
    assert not (town / OCTOBER).exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("x.txt2", b"", "error IMP14: cannot import '.txt2' files: give an .xlsx or .csv file"),
        ("a.csv", b"a,b\n1,2\n", "error IMP14: no header row with plan and id columns in the first rows (the headers "
         "of `civtrack sheet`, in English or Chinese)"),
        ("b.xlsx", b"not a zip", "error IMP14: cannot read the workbook: File is not a zip file"),
    ],
)  # fmt: skip
def test_files_that_cannot_be_imported(town: Path, name: str, content: bytes, message: str) -> None:
    (town / name).write_bytes(content)
    code, out, err = run(town, "import", str(town / name))
    assert (code, err.splitlines()) == (2, [f"{town / name}: {message}"])


def test_an_empty_sheet_imports_nothing(town: Path) -> None:
    path = make_sheet(town)
    code, out, err = run(town, "import", str(path))
    assert (code, out, err) == (0, "Nothing to import: no row is filled in.\n", "")
    assert not (town / OCTOBER).exists()


# --- cells, one by one ---------------------------------------------------------------------


def test_cell_readers() -> None:
    from civtrack.spreadsheet import cell_date, cell_done, cell_number, cell_text

    assert cell_number("12,345.5", "张", False) == (12345.5, None)
    assert cell_number(" １,２００ ", "张", False) == (1200, None)
    assert cell_number(0.5, "%", True) == (50, None)
    assert cell_number(0.123, "%", True) == (12.3, None)
    assert cell_number("12.5%", "%", False) == (12.5, None)
    assert cell_number(" ", "张", False) == (None, None)
    assert cell_number("1e3", "张", False) == (1000.0, None)
    assert cell_number("12,34", "张", False) == ("12,34", None)  # worded by record's check
    assert cell_number(True, "张", False)[1].code == "IMP04"
    assert cell_date(46326) == (dt.date(2026, 10, 31), None)
    assert cell_date("46326") == (dt.date(2026, 10, 31), None)
    assert cell_date(dt.datetime(2026, 10, 5, 14, 30)) == (dt.date(2026, 10, 5), None)
    assert cell_date("２０２６年１０月５日") == (dt.date(2026, 10, 5), None)
    assert cell_date("2026-10-05 08:30") == (dt.date(2026, 10, 5), None)
    assert cell_date(0)[1].code == "IMP08"
    assert [cell_done(v)[0] for v in ("是", "否", "YES", "n", 1, 0, True, "✓", None, "")] == [
        True, False, True, False, True, False, True, True, None, None,
    ]  # fmt: skip
    assert cell_done(2)[1].code == "IMP15"
    assert [cell_text(v) for v in (None, "  ", " 说明 ", 12.0, 12.5, dt.datetime(2026, 10, 5))] == [
        None, None, "说明", "12", "12.5", "2026-10-05",
    ]  # fmt: skip


def test_a_linked_progress_folder_is_not_written_through(town: Path, tmp_path: Path) -> None:
    path = fill(make_sheet(town), {"L2": 5})
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (town / "progress" / "town").rename(outside / "town")
    (town / "progress" / "town").symlink_to(outside / "town")
    code, out, err = run(town, "import", str(path))
    assert (code, err.splitlines()) == (
        2, ["progress/town: error E511: symbolic link not followed: import writes only real files"]
    )  # fmt: skip
    assert not (outside / "town" / "2026-10.yaml").exists()

"""Runs of civtrack's command line: status in every format, zh, init, schema, errors; every command through
the installed console script."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from rich.cells import cell_len

from tests.conftest import SHARED, run_cli, write
from tests.gitkit import GIT_ENV, git, no_ids

PLAN = """\
id: demo
title: 示例区2021年民政工作要点
organization: 示例区民政局
period: {start: 2021-01-01, end: 2021-12-31}
indicators:
  - id: elder-beds
    name: 新增养老服务床位
    section: 一、养老服务
    unit: 张
    target: 800
    every: quarter
  - id: homes
    name: 特困供养服务设施改造
    section: 一、养老服务
    unit: 家
    target: 30
    parts:
      - {id: east, name: 东区, target: 20}
      - {id: west, name: 西区, target: 10}
  - id: report-rate
    name: 社会组织年检年报率
    section: 二、社会组织
    unit: "%"
    target: 80
    accumulate: latest
  - id: cemetery-plan
    name: 编制公墓布点规划
    section: 三、殡葬管理
    kind: milestone
    due: 2021-06-30
"""

PROGRESS = """\
- date: 2021-03-10
  indicator: elder-beds
  value: 150
  note: 第一批
- date: 2021-03-15
  indicator: homes/east
  value: 20
- date: 2021-03-20
  indicator: report-rate
  value: 65.5
- date: 2021-03-25
  indicator: report-rate
  value: 82
"""


@pytest.fixture
def demo(repo: Path) -> Path:
    write(repo, "plans/demo.yaml", PLAN)
    write(repo, "progress/demo/2021-03.yaml", PROGRESS)
    return repo


def test_version_and_help(demo: Path) -> None:
    assert run_cli("--version", cwd=demo).stdout == "civtrack 0.1.0\n"
    result = run_cli("--help", cwd=demo)
    assert result.returncode == 0
    for command in ("status", "check", "init", "schema"):
        assert command in result.stdout


def test_status_json_contract(demo: Path) -> None:
    result = run_cli("status", "--as-of", "2021-07-15", "--format", "json", cwd=demo)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["as_of"] == "2021-07-15"
    [plan] = data["plans"]
    assert (plan["id"], plan["title"]) == ("demo", "示例区2021年民政工作要点")
    assert plan["counts"] == {"done": 1, "on-track": 1, "behind": 1, "overdue": 1}
    # (18.75 + 66.67 + 100 + 0) / 4, unrounded
    assert plan["completion"] == pytest.approx((150 / 800 * 100 + 20 / 30 * 100 + 100 + 0) / 4)
    beds, homes, rate, cemetery = plan["indicators"]
    assert beds == {
        "id": "elder-beds", "name": "新增养老服务床位", "kind": "number", "section": "一、养老服务",
        "unit": "张", "comparator": ">=", "baseline": 0, "target": 800, "current": 150,
        "completion": 18.75, "expected": 400.0, "due": "2021-12-31", "state": "behind",
        # Rules 10–13: 150 in 195 days, carried 169 days on: 150 × 364 / 195 = 280 (35 %); 650 more at
        # 150/195 a day take ⌈845⌉ days; behind, not due within 30 days: yellow; no entry since 10 March.
        "owner": "示例区民政局", "projected": 280.0, "projected_completion": 35.0, "eta": "2023-11-07",
        "alert": "yellow", "last_entry": "2021-03-10", "stale": True, "parts": [],
    }  # fmt: skip
    # A parent belongs to nobody; its parts to the plan's organization (no owner is written).
    assert [homes["owner"], *(p["owner"] for p in homes["parts"])] == [None, "示例区民政局", "示例区民政局"]
    assert [(p["id"], p["last_entry"], p["stale"]) for p in homes["parts"]] == [
        ("east", "2021-03-15", False),  # done: never stale
        ("west", None, True),
    ]
    assert (homes["last_entry"], homes["eta"]) == ("2021-03-15", "2021-10-21")
    assert (cemetery["alert"], cemetery["projected"], cemetery["stale"]) == ("red", None, True)
    # Five items (beds, east, west, rate, cemetery): (18.75 + 100 + 0 + 100 + 0) / 5.
    assert data["owners"] == [
        {"owner": "示例区民政局", "items": 5, "completion": 43.75,
         "counts": {"done": 2, "on-track": 0, "behind": 2, "overdue": 1},
         "alerts": {"red": 1, "orange": 0, "yellow": 2, "blue": 0}, "stale": 3},
    ]  # fmt: skip
    assert [(p["id"], p["current"], p["state"]) for p in homes["parts"]] == [
        ("east", 20, "done"),
        ("west", 0, "behind"),
    ]
    assert (homes["current"], homes["target"], homes["state"]) == (20, 30, "on-track")
    assert (rate["current"], rate["state"], rate["completion"]) == (82, "done", 102.5)
    assert cemetery["kind"] == "milestone"
    assert (cemetery["target"], cemetery["current"], cemetery["unit"]) == (None, None, None)
    assert (cemetery["state"], cemetery["completion"]) == ("overdue", 0.0)


def test_status_owner_and_alert_filters(demo: Path) -> None:
    argv = ("status", "--as-of", "2021-07-15", "--owner", "示例区民政局", "--alert", "yellow", "--format", "json")
    result = run_cli(*argv, cwd=demo)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    [plan] = data["plans"]
    # Yellow: the beds (behind) and the west part; homes is shown for its part, its counts are the plan's.
    assert [(i["id"], [p["id"] for p in i["parts"]]) for i in plan["indicators"]] == [
        ("elder-beds", []),
        ("homes", ["west"]),
    ]
    assert plan["counts"] == {"done": 1, "on-track": 1, "behind": 1, "overdue": 1}
    assert [o["owner"] for o in data["owners"]] == ["示例区民政局"]


def test_status_by_owner(demo: Path) -> None:
    """--by owner through the command (forked), combined with --owner: the owner's table and summary line."""
    result = run_cli("status", "--as-of", "2021-07-15", "--by", "owner", "--owner", "示例区民政局", cwd=demo,
                     env={"COLUMNS": "80"})  # fmt: skip
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("示例区民政局  as of 2021-07-15")
    assert max(len(line) for line in lines if line.isascii()) <= 80
    rows = [line.split("│")[1:-1] for line in lines if line.startswith("│")]
    assert [(row[0].strip(), row[-1].strip()) for row in rows[1:]] == [
        ("新增养老服务床位", "● behind stale"), ("特困供养服务设施改造", "on track stale"), ("└ 东区", "done"),
        ("└ 西区", "● behind stale"), ("社会组织年检年报率", "done"), ("编制公墓布点规划", "● overdue stale"),
    ]  # fmt: skip
    # The summary line, folded by rich at the table's width (77 cells).
    assert [line.rstrip() for line in lines[-2:]] == [
        "Completion 43.8% · 5 items · red 1 · orange 0 · yellow 2 · blue 0 · not", "reported 3",
    ]  # fmt: skip


def test_status_csv(demo: Path) -> None:
    result = run_cli("status", "--as-of", "2021-07-15", "--format", "csv", cwd=demo)
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["indicator"], r["part"], r["state"]) for r in rows] == [
        ("elder-beds", "", "behind"),
        ("homes", "", "on-track"),
        ("homes", "east", "done"),
        ("homes", "west", "behind"),
        ("report-rate", "", "done"),
        ("cemetery-plan", "", "overdue"),
    ]
    assert rows[0]["completion"] == "18.75"
    assert [rows[0][key] for key in ("owner", "projected", "eta", "alert", "last_entry", "stale")] == [
        "示例区民政局", "280.0", "2023-11-07", "yellow", "2021-03-10", "true",
    ]  # fmt: skip
    assert (rows[1]["owner"], rows[1]["stale"], rows[5]["projected"]) == ("", "true", "")


def test_status_markdown_zh(demo: Path) -> None:
    result = run_cli("--lang", "zh", "status", "--as-of", "2021-07-15", "--format", "markdown", cwd=demo)
    lines = result.stdout.splitlines()
    assert lines[0] == "## 示例区2021年民政工作要点 (demo)"
    assert lines[2] == "截至 2021-07-15 · 总体完成率 **46.4%** · 已完成 1 · 正常 1 · 滞后 1 · 逾期 1"
    assert "| 新增养老服务床位 | 800 | 150 | 张 | 18.8% | 2021-12-31 | **滞后** |" in lines
    assert "| └ 东区 | 20 | 20 | 家 | 100.0% | 2021-12-31 | 已完成 |" in lines


def test_status_table_aligns_chinese(demo: Path) -> None:
    result = run_cli("status", "--as-of", "2021-07-15", cwd=demo)
    assert result.returncode == 0
    rows = [line for line in result.stdout.splitlines() if line.startswith(("│", "┃"))]
    assert len(rows) == 10  # 1 header, 3 section rows, 4 indicators, 2 parts
    positions = {tuple(cell_len(line[:i]) for i, ch in enumerate(line) if ch in "│┃") for line in rows}
    assert len(positions) == 1, "column borders must stand at the same cell in every row"
    assert any("  └ 东区" in line for line in rows)
    assert "completion 46.4%  ·  done 1  ·  on track 1  ·  behind 1  ·  overdue 1" in result.stdout


def test_status_table_zh_labels(demo: Path) -> None:
    result = run_cli("--lang", "zh", "status", "--as-of", "2021-07-15", cwd=demo)
    header = next(line for line in result.stdout.splitlines() if "指标" in line)
    for word in ("指标", "目标", "当前", "单位", "进度", "截止", "状态"):
        assert word in header
    for state in ("已完成", "正常", "滞后", "逾期"):
        assert state in result.stdout


def test_lang_from_config(demo: Path) -> None:
    write(demo, "civtrack.toml", 'lang = "zh"\n')
    assert "总体完成率" in run_cli("status", "--as-of", "2021-07-15", cwd=demo).stdout


def test_pace_tolerance_from_config(demo: Path) -> None:
    write(demo, "civtrack.toml", "pace_tolerance = 60\n")
    result = run_cli("status", "--as-of", "2021-07-15", "--format", "json", cwd=demo)
    plan = json.loads(result.stdout)["plans"][0]
    # elder-beds is behind its quarterly checkpoint whatever the tolerance; west (0% at pace 53.6%) is not
    assert [p["state"] for p in plan["indicators"][1]["parts"]] == ["done", "on-track"]


def test_filters(demo: Path) -> None:
    result = run_cli("status", "--as-of", "2021-07-15", "--state", "overdue", "--format", "json", cwd=demo)
    plan = json.loads(result.stdout)["plans"][0]
    assert [i["id"] for i in plan["indicators"]] == ["cemetery-plan"]
    assert plan["counts"]["done"] == 1  # counts stay those of the whole plan


def test_unknown_plan(demo: Path) -> None:
    result = run_cli("status", "--plan", "nope", cwd=demo)
    assert (result.returncode, result.stderr) == (2, "civtrack: error E305: unknown plan 'nope' (known: demo)\n")


def test_bad_as_of(demo: Path) -> None:
    result = run_cli("status", "--as-of", "2021-02-30", cwd=demo)
    assert result.returncode == 2
    assert "expected a date YYYY-MM-DD, got '2021-02-30'" in result.stderr
    assert "Traceback" not in result.stderr


def test_root_is_found_from_a_subfolder_and_env(demo: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    sub = demo / "progress" / "demo"
    assert run_cli("status", "--as-of", "2021-07-15", "--format", "csv", cwd=sub).returncode == 0
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    result = run_cli("status", "--format", "csv", cwd=elsewhere, env={"CIVTRACK_ROOT": str(demo)})
    assert result.returncode == 0 and "elder-beds" in result.stdout
    result = run_cli("--root", str(demo), "status", "--format", "csv", cwd=elsewhere)
    assert result.returncode == 0 and "elder-beds" in result.stdout


def test_no_repository(tmp_path: Path) -> None:
    result = run_cli("status", cwd=tmp_path)
    assert result.returncode == 2
    assert "not inside a civtrack repository" in result.stderr


def test_init_creates_a_checked_repository_and_refuses_to_overwrite(tmp_path: Path) -> None:
    target = tmp_path / "new"
    result = run_cli("init", str(target), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert sorted(p.relative_to(target).as_posix() for p in target.rglob("*")) == [
        ".gitattributes", "civtrack.toml", "plans", "plans/example.yaml", "progress", "progress/.gitkeep",
    ]  # fmt: skip
    assert (target / ".gitattributes").read_text().splitlines()[-1] == "progress/**/*.yaml merge=union"
    assert (target / "civtrack.toml").read_text() == 'lang = "en"\npace_tolerance = 25.0\n'
    check = run_cli("check", "--strict", cwd=target)
    assert check.returncode == 0, check.stdout
    before = (target / "civtrack.toml").read_bytes()
    (target / "civtrack.toml").write_text('lang = "zh"\n')
    again = run_cli("init", str(target), cwd=tmp_path)
    assert again.returncode == 2
    assert "already exists: init does not overwrite" in again.stderr
    assert (target / "civtrack.toml").read_text() == 'lang = "zh"\n' != before.decode()


def test_schema_validates_the_example_plan(tmp_path: Path) -> None:
    import jsonschema
    import yaml

    result = run_cli("schema", cwd=tmp_path)
    schema = json.loads(result.stdout)
    assert schema["title"].startswith("civtrack plan file")
    plan = yaml.safe_load(PLAN)
    # YAML dates are dates; JSON Schema sees the text the editor sees
    plan["period"] = {"start": "2021-01-01", "end": "2021-12-31"}
    plan["indicators"][3]["due"] = "2021-06-30"
    jsonschema.validate(plan, schema)
    bad = {**plan, "colour": "red"}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema)
    progress = json.loads(run_cli("schema", "progress", cwd=tmp_path).stdout)
    assert progress["type"] == "array"


# Every command once through the installed console script, byte for byte as the same run forked from the
# test server (tests/forkserver.py), which the rest of the suite uses: a new command adds its run here.
INSTALLED_RUNS: dict[str, list[str]] = {
    "status": ["status", "--as-of", "2021-07-15"],
    "check": ["check"],
    "record": ["record", "demo/elder-beds", "5", "--date", "2021-03-31"],
    "diff": ["diff", "--as-of", "2021-07-15"],
    "history": ["history", "demo/elder-beds"],
    "report": ["report", "--month", "2021-03"],
    "export": ["export", "--what", "entries"],
    "extract": ["extract", str(SHARED / "seeds" / "binhai-2021.txt")],
    "init": ["init", "new-plans"],
    "schema": ["schema", "progress"],
    "sheet": ["sheet", "--month", "2021-04", "-o", "sheet.xlsx"],
    "import": ["import", "county.csv", "--month", "2021-04"],
    "sources": ["sources"],
}


def test_every_command_has_an_installed_run() -> None:
    from civtrack.commands import COMMANDS

    assert sorted(INSTALLED_RUNS) == sorted(COMMANDS)


@pytest.mark.parametrize("command", sorted(INSTALLED_RUNS))
def test_installed_console_script_and_forked_runs_agree(command: str, tmp_path: Path) -> None:
    runs = {}
    for way in ("installed", "forked"):
        root = tmp_path / way
        write(root, "plans/demo.yaml", PLAN)
        write(root, "progress/demo/2021-03.yaml", PROGRESS)
        git(root, "init", "-q", "-b", "main")
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", "plan")
        write(root, "progress/demo/2021-04.yaml", "- {date: 2021-04-02, indicator: elder-beds, value: 30}\n")
        write(root, "county.csv", "plan,id,value,date,note\ndemo,homes/west,4,2021-04-20,西区四家\n")
        result = run_cli(*INSTALLED_RUNS[command], cwd=root, env=GIT_ENV, installed=way == "installed")
        files = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if ".git" not in p.parts)
        # The random id that ends each entry written (issue 18, D1) differs from run to run, as it must.
        runs[way] = (result.returncode, no_ids(result.stdout.replace(str(root), "ROOT")), result.stderr, files)
    assert runs["installed"] == runs["forked"]
    assert runs["installed"][0] == 0, runs["installed"][2]

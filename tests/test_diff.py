"""`civtrack diff` with real git: new entries, state changes, rewrites and the CI gate."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.gitkit import cli, commit, git, lines, make_repo, record, write

MARCH = "progress/town/2026-03.yaml"
NOV = "progress/town/2026-11.yaml"
AS_OF = ("--as-of", "2026-12-01")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = make_repo(tmp_path / "repo")
    # Written as `record` writes them (tests/test_record.py); recorded for real after the commit below.
    write(
        root,
        MARCH,
        '- {date: 2026-03-01, indicator: elder-beds, value: 300, note: "一批"}\n'
        '- {date: 2026-03-02, indicator: elder-beds, value: 180, note: "二批"}\n'
        "- {date: 2026-03-05, indicator: homes/east, value: 4}\n",
    )
    commit(root, "march")
    return root


def test_record_commit_record_shows_exactly_the_new_entries_and_state_changes(repo: Path) -> None:
    record(repo, "town/elder-beds", "140", "--date", "2026-11-20", "--note", "三批：新增床位", "--by", "养老服务科")
    record(repo, "town/cemetery-plan", "--done", "--date", "2026-06-28")
    head = git(repo, "rev-parse", "--short=10", "HEAD").strip()
    result = cli(repo, "diff", *AS_OF)
    assert result.returncode == 0, result.stderr
    assert lines(result.stdout) == [
        f"HEAD ({head}) → working tree  as of 2026-12-01",
        "",
        "town  城关镇2026年民生实事  completion 14.7% → 38.2%",
        "  indicators",
        "    新增养老床位  480 → 620 张  60.0% → 77.5%  behind → on track",
        "    公墓布点规划         ○ → ✓  0.0% → 100.0%  overdue → done",
        "  entries added (2)",
        "    + 2026-06-28  公墓布点规划       ✓                                  progress/town/2026-06.yaml:1",
        f"    + 2026-11-20  新增养老床位  140 张  “三批：新增床位”  — 养老服务科  {NOV}:1",
        "",
        "entries added 2",
    ]
    assert cli(repo, "diff", *AS_OF, "--fail-on", "rewrite").returncode == 0


def add(root: Path, relpath: str, line: str) -> None:
    with open(root / relpath, "a", encoding="utf-8") as handle:
        handle.write(line)


NOV_ENTRY = "- {date: 2026-11-20, indicator: elder-beds, value: 140}\n"


def test_committed_changes_between_two_revisions(repo: Path) -> None:
    first = git(repo, "rev-parse", "HEAD").strip()
    write(repo, NOV, NOV_ENTRY)
    second = commit(repo, "november")
    write(repo, "plans/town.yaml", "broken: [\n")  # the working tree does not matter for two revisions
    for args in (["HEAD~1", "HEAD"], ["HEAD~1..HEAD"], [f"{first[:7]}..{second[:7]}"], ["HEAD~1.."], ["main~1...main"]):
        result = cli(repo, "diff", *args, *AS_OF, "--format", "json")
        assert result.returncode == 0, (args, result.stderr)
        document = json.loads(result.stdout)
        assert (document["from"]["commit"], document["to"]["commit"]) == (first, second), args
        (plan,) = document["plans"]
        assert [(e["date"], e["value"], e["file"], e["line"]) for e in plan["entries_added"]] == [
            ("2026-11-20", 140, NOV, 1)
        ]
    text = cli(repo, "diff", "HEAD~1", "HEAD", *AS_OF)
    assert lines(text.stdout)[0] == f"HEAD~1 ({first[:10]}) → HEAD ({second[:10]})  as of 2026-12-01"


def test_one_revision_is_compared_with_the_working_tree(repo: Path) -> None:
    write(repo, NOV, NOV_ENTRY)
    commit(repo, "november")
    add(repo, NOV, "- {date: 2026-11-21, indicator: elder-beds, value: 10}\n")
    document = json.loads(cli(repo, "diff", "HEAD~1", *AS_OF, "--format", "json").stdout)
    assert document["to"] == {"rev": None, "commit": None, "working_tree": True}
    assert [e["value"] for e in document["plans"][0]["entries_added"]] == [140, 10]


def test_a_rewritten_entry_and_a_lowered_target_are_flagged_and_fail_the_gate(repo: Path) -> None:
    text = (repo / MARCH).read_text(encoding="utf-8")
    write(
        repo,
        MARCH,
        text.replace("value: 180", "value: 280").replace("- {date: 2026-03-05, indicator: homes/east, value: 4}\n", ""),
    )
    write(
        repo,
        "plans/town.yaml",
        (repo / "plans/town.yaml").read_text(encoding="utf-8").replace("target: 800", "target: 600"),
    )
    result = cli(repo, "diff", *AS_OF)
    assert result.returncode == 0
    assert lines(result.stdout)[2:] == [
        "town  城关镇2026年民生实事  completion 14.7% → 19.3%",
        "  ⚠ target lowered  新增养老床位  800 → 600 张  (easier to meet)",
        f"  ⚠ entry changed   {MARCH}:2  2026-03-02  新增养老床位  value 180 → 280",
        f"  ⚠ entry removed   HEAD:{MARCH}:3  2026-03-05  特困供养设施改造 / 东区  4 家",  # the line in HEAD
        "  indicators",
        "    新增养老床位      480 → 580 张  60.0% → 96.7%  behind → on track",
        "    特困供养设施改造      4 → 0 家   13.3% → 0.0%  behind",
        "      东区                4 → 0 家   20.0% → 0.0%  behind",
        "",
        "entries added 0  ·  ⚠ history or targets rewritten: entry changed 1, entry removed 1, plan changes 1",
    ]
    gate = cli(repo, "diff", *AS_OF, "--fail-on", "rewrite", "--format", "json")
    assert gate.returncode == 1
    (plan,) = json.loads(gate.stdout)["plans"]
    assert json.loads(gate.stdout)["rewritten"] is True
    assert plan["plan_changes"] == [
        {
            "indicator": "elder-beds",
            "field": "target",
            "old": 800,
            "new": 600,
            "change": "lowered",
            "eased": True,
            "rewrite": True,
        }
    ]
    assert plan["entries_changed"] == [
        {
            "file": MARCH,
            "old": {
                "file": MARCH,
                "line": 2,
                "date": "2026-03-02",
                "indicator": "elder-beds",
                "value": 180,
                "note": "二批",
            },
            "new": {
                "file": MARCH,
                "line": 2,
                "date": "2026-03-02",
                "indicator": "elder-beds",
                "value": 280,
                "note": "二批",
            },
            "fields": [{"field": "value", "old": 180, "new": 280}],
        }
    ]
    assert plan["entries_removed"] == [
        {"file": MARCH, "line": 3, "date": "2026-03-05", "indicator": "homes/east", "value": 4}
    ]
    commit(repo, "rewrite")
    assert cli(repo, "diff", "HEAD~1..HEAD", *AS_OF, "--fail-on", "rewrite").returncode == 1


def test_a_raised_target_also_fails_the_gate_but_is_not_called_easier(repo: Path) -> None:
    write(
        repo,
        "plans/town.yaml",
        (repo / "plans/town.yaml").read_text(encoding="utf-8").replace("target: 800", "target: 900"),
    )
    result = cli(repo, "diff", *AS_OF, "--fail-on", "rewrite")
    assert result.returncode == 1
    assert lines(result.stdout)[3] == "  ⚠ target raised  新增养老床位  800 → 900 张"


def test_problems_in_the_new_side_are_shown(repo: Path) -> None:
    add(repo, MARCH, "- {date: 2026-03-09, indicator: elder-beds, val")
    result = cli(repo, "diff", *AS_OF)
    assert result.returncode == 0
    assert lines(result.stdout)[1:3] == [
        "⚠ problems in working tree:",
        f"  {MARCH}:4: error E211: incomplete last entry (interrupted write?): the file ends with a cut-off entry; "
        "complete the entry or delete it (line 4 to the end of the file), then run `civtrack check`",
    ]
    # Scripts read the code, never the words (in the run's language).
    document = json.loads(cli(repo, "--lang", "zh", "diff", *AS_OF, "--format", "json").stdout)
    assert document["problems"] == [
        {
            "path": MARCH, "line": 4, "severity": "error", "code": "E211",
            "message": "最后一条记录不完整（写入中断？）：文件以一条被截断的记录结尾；请补全或删除该记录（第 4 行至文件末尾），"
            "然后运行 `civtrack check`",
        }
    ]  # fmt: skip


def test_no_changes(repo: Path) -> None:
    result = cli(repo, "diff", *AS_OF)
    assert lines(result.stdout)[1:] == ["No changes."]
    assert json.loads(cli(repo, "diff", *AS_OF, "--format", "json").stdout)["plans"] == []


def test_chinese_labels(repo: Path) -> None:
    write(repo, NOV, NOV_ENTRY)
    result = cli(repo, "--lang", "zh", "diff", *AS_OF)
    assert lines(result.stdout)[1:] == [
        "",
        "town  城关镇2026年民生实事  总体完成率 14.7% → 18.2%",
        "  指标变化",
        "    新增养老床位  480 → 620 张  60.0% → 77.5%  滞后 → 正常",
        "  新增记录（1）",
        f"    + 2026-11-20  新增养老床位  140 张    {NOV}:1",
        "",
        "新增记录 1",
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nope"], "civtrack: error E604: unknown revision 'nope'"),
        (["--", "-x"], "civtrack: error E603: '-x' is not a revision (a branch, tag or commit; it must not start with '-')"),
        (
            ["--", "--output=/tmp/x"],
            "civtrack: error E603: '--output=/tmp/x' is not a revision (a branch, tag or commit; it must not start with '-')",
        ),
        (["a", "b", "c"], "civtrack: error E517: give at most two revisions (REV_A REV_B, or REV_A..REV_B)"),
        (["HEAD..HEAD", "HEAD"], "civtrack: error E518: write a range as one argument (A..B), or give two revisions (A B)"),
    ],
)
def test_bad_revisions(repo: Path, args: list[str], message: str) -> None:
    result = cli(repo, "diff", *args)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [message]


def test_outside_git(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "plain", with_git=False)
    result = cli(root, "diff")
    assert result.returncode == 2
    assert result.stderr.splitlines()[0].endswith(
        "error E602: not inside a git repository (run `git init` and commit first)"
    )

"""`civtrack history`: entries in date order, running totals, and who committed each one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.gitkit import cli, commit, make_repo, write

FEB, MARCH, NOV = "progress/town/2026-02.yaml", "progress/town/2026-03.yaml", "progress/town/2026-11.yaml"


def rows(table: str) -> list[list[str]]:
    """The cells of a rich table's body rows (one line per row: the tests keep cells short)."""
    body = table.split("┡", 1)[1]
    return [[cell.strip() for cell in line.split("│")[1:-1]] for line in body.splitlines() if line.startswith("│")]


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = make_repo(tmp_path / "repo")
    write(
        root,
        MARCH,
        '- {date: 2026-03-01, indicator: elder-beds, value: 300, note: "一批"}\n- {date: 2026-03-02, indicator: elder-beds, value: 180}\n- {date: 2026-03-05, indicator: homes/east, value: 4}\n',
    )
    commit(root, "march", when="2026-03-03T10:00:00+08:00", GIT_AUTHOR_NAME="李四", GIT_AUTHOR_EMAIL="lisi@example.org")
    write(
        root,
        FEB,
        "- {date: 2026-02-10, indicator: elder-beds, value: 20, by: 张三}\n- {date: 2026-02-11, indicator: homes/west, value: 2}\n",
    )
    commit(root, "february", when="2026-04-02T09:30:00+08:00")
    write(root, NOV, "- {date: 2026-11-20, indicator: elder-beds, value: 5}\n")  # not committed
    return root


def test_entries_in_date_order_with_running_totals_and_their_commits(repo: Path) -> None:
    result = cli(repo, "history", "town/elder-beds")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0].rstrip() == "新增养老床位  Target 800 张"
    table = rows(result.stdout)
    assert [row[:7] for row in table] == [
        ["2026-02-10", "20", "20", "2.5%", "on track", "", "张三"],
        ["2026-03-01", "300", "320", "40.0%", "on track", "一批", ""],
        ["2026-03-02", "180", "500", "62.5%", "on track", "", ""],
        ["2026-11-20", "5", "505", "63.1%", "behind", "", ""],
    ]
    assert [row[8:] for row in table] == [
        ["王芳", "2026-04-02"],
        ["李四", "2026-03-03"],
        ["李四", "2026-03-03"],
        ["", "not committed"],  # said in the Committed column, the one kept longest on a narrow terminal
    ]
    assert table[3][7] == ""
    assert len(table[0][7]) == 10


def test_json_history(repo: Path) -> None:
    document = json.loads(cli(repo, "history", "town/elder-beds", "--format", "json").stdout)
    assert {k: v for k, v in document.items() if k != "entries"} == {
        "plan": "town",
        "indicator": "elder-beds",
        "name": "新增养老床位",
        "kind": "number",
        "unit": "张",
        "comparator": ">=",
        "accumulate": "sum",
        "git": True,
    }
    first, *_, last = document["entries"]
    assert {k: first[k] for k in ("date", "value", "by", "file", "line", "current", "completion", "state")} == {
        "date": "2026-02-10",
        "value": 20,
        "by": "张三",
        "file": FEB,
        "line": 1,
        "current": 20,
        "completion": 2.5,
        "state": "on-track",
    }
    assert (first["author"], first["email"], first["committed"]) == (
        "王芳",
        "wangfang@example.org",
        "2026-04-02T09:30:00+08:00",
    )
    assert len(first["commit"]) == 40
    assert (last["current"], last["completion"], last["state"], last["commit"], last["author"]) == (
        505,
        63.125,
        "behind",
        None,
        None,
    )


def test_a_part_and_a_parent_with_parts(repo: Path) -> None:
    part = rows(cli(repo, "history", "town/homes/east").stdout)
    assert [row[:5] for row in part] == [["2026-03-05", "4", "4", "20.0%", "on track"]]
    parent = rows(cli(repo, "history", "town/homes").stdout)
    assert [row[:6] for row in parent] == [
        ["2026-02-11", "西区", "2", "2", "6.7%", "on track"],
        ["2026-03-05", "东区", "4", "6", "20.0%", "on track"],
    ]


def test_milestones_and_latest(repo: Path) -> None:
    write(
        repo,
        "progress/town/2026-07.yaml",
        "- {date: 2026-07-02, indicator: cemetery-plan, done: true}\n- {date: 2026-07-03, indicator: report-rate, value: 60}\n",
    )
    write(repo, "progress/town/2026-08.yaml", "- {date: 2026-08-01, indicator: report-rate, value: 85}\n")
    assert [row[:5] for row in rows(cli(repo, "history", "town/cemetery-plan").stdout)] == [
        ["2026-07-02", "✓", "✓", "100.0%", "done"]
    ]
    assert [row[:5] for row in rows(cli(repo, "history", "town/report-rate").stdout)] == [
        ["2026-07-03", "60", "60", "75.0%", "on track"],
        ["2026-08-01", "85", "85", "106.2%", "done"],
    ]


def test_outside_git_there_are_no_commit_columns(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "plain", with_git=False)
    write(root, MARCH, "- {date: 2026-03-01, indicator: elder-beds, value: 300}\n")
    result = cli(root, "history", "town/elder-beds")
    assert rows(result.stdout) == [["2026-03-01", "300", "300", "37.5%", "on track", "", ""]]
    document = json.loads(cli(root, "history", "town/elder-beds", "--format", "json").stdout)
    assert document["git"] is False and document["entries"][0]["commit"] is None
    empty = cli(root, "history", "town/smoke")
    assert empty.stdout.splitlines() == ["成人吸烟率: No entries yet."]


def test_a_file_that_cannot_be_read_stops_the_history(repo: Path) -> None:
    with open(repo / NOV, "a", encoding="utf-8") as handle:
        handle.write("- {date: 2026-11-21, indicator: elder-beds, val")
    result = cli(repo, "history", "town/elder-beds")
    assert result.returncode == 2
    assert result.stderr.splitlines()[0].startswith(f"{NOV}:2: error E211: incomplete last entry (interrupted write?)")
    assert cli(repo, "history", "town/homes").returncode == 0  # that file does not mention homes


def test_unknown_indicator(repo: Path) -> None:
    result = cli(repo, "history", "town/nothing")
    assert result.returncode == 2
    assert result.stderr.startswith("plans/town.yaml: error E203: unknown indicator 'nothing' in plan 'town'")


@pytest.mark.parametrize(
    "content",
    [
        # an alias: the id's bytes are only on another line
        b"- {date: 2026-05-01, indicator: &i elder-beds, value: 1, note: x}\n- {date: 2026-05-02, indicator: *i, value: 7}\n",
        # an escape: the id's bytes are nowhere
        b'- {date: 2026-05-02, indicator: "elder\\x2dbeds", value: 7}\n',
    ],
    ids=["alias", "escape"],
)
def test_history_counts_what_status_counts(repo: Path, content: bytes) -> None:
    """Issue 18 D5: history looked for the indicator's id in the raw bytes and missed entries status counts."""
    if b"*i" not in content:
        content = b"- {date: 2026-05-01, indicator: homes/east, value: 1}\n" + content
    (repo / "progress/town/2026-05.yaml").write_bytes(content)
    status = json.loads(cli(repo, "status", "--as-of", "2026-12-31", "--format", "json").stdout)
    (beds,) = [i for i in status["plans"][0]["indicators"] if i["id"] == "elder-beds"]
    result = cli(repo, "history", "town/elder-beds", "--format", "json")
    assert result.returncode == 0, result.stderr
    history = json.loads(result.stdout)
    assert beds["current"] == 505 + 7 + (1 if b"*i" in content else 0)
    assert history["entries"][-1]["current"] == beds["current"]


def test_history_refuses_a_month_file_status_refuses(repo: Path) -> None:
    """Issue 18 D5: a month file in UTF-16 is refused by status; history used to exit 0 without it."""
    text = "- {date: 2026-05-02, indicator: elder-beds, value: 7}\n"
    (repo / "progress/town/2026-05.yaml").write_bytes(text.encode("utf-16"))
    status = cli(repo, "status", "--as-of", "2026-12-31")
    history = cli(repo, "history", "town/elder-beds")
    assert (status.returncode, history.returncode) == (2, 2)
    assert history.stderr.splitlines()[0] == status.stderr.splitlines()[0]
    assert "progress/town/2026-05.yaml" in history.stderr.splitlines()[0]

"""`civtrack record`, run as the installed command: what it writes, what it refuses, what it prints."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from civtrack.load import load_disk
from civtrack.workspace import Config
from tests.gitkit import cli, make_repo, no_ids, write
from tests.gitkit import lines as _lines

MARCH = "progress/town/2026-03.yaml"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return make_repo(tmp_path / "repo", with_git=False)


def lines(text: str) -> list[str]:
    """Output lines, without the random id that ends each entry written."""
    return _lines(no_ids(text))


def entries(root: Path) -> list[dict]:
    loaded = load_disk(root, Config())
    assert loaded.problems == []
    dumped = [item.entry.model_dump(exclude_none=True) for item in loaded.all_entries()]
    for entry in dumped:
        ident = entry.pop("id", None)  # record writes one; a hand-written entry may have none
        assert ident is None or re.fullmatch(r"[a-z][a-z2-7]{7}", ident)
    return dumped


def test_record_appends_one_line_and_prints_the_new_state(repo: Path) -> None:
    first = cli(repo, "record", "town/elder-beds", "480", "--date", "2026-03-31", "--as-of", "2026-12-01")
    assert first.returncode == 0, first.stderr
    assert lines(first.stdout) == [
        f"Recorded in {MARCH}:1",
        "  - {date: 2026-03-31, indicator: elder-beds, value: 480}",
        "新增养老床位  0 → 480 张  0.0% → 60.0%  behind",
        "as of 2026-12-01",
    ]
    second = cli(
        repo,
        "record",
        "town/elder-beds",
        "140",
        "--date",
        "2026-03-31",
        "--note",
        "两个街道：新增床位",
        "--by",
        "养老服务科",
        "--evidence",
        "民发〔2026〕12号",
        "--unit",
        "张",
        "--as-of",
        "2026-12-01",
    )
    assert second.returncode == 0, second.stderr
    assert lines(second.stdout)[2:] == [
        "新增养老床位  480 → 620 张  60.0% → 77.5%  behind → on track",
        "as of 2026-12-01",
    ]
    assert no_ids((repo / MARCH).read_text(encoding="utf-8")) == (
        "- {date: 2026-03-31, indicator: elder-beds, value: 480}\n"
        '- {date: 2026-03-31, indicator: elder-beds, value: 140, unit: "张", note: "两个街道：新增床位", '
        'by: "养老服务科", evidence: "民发〔2026〕12号"}\n'
    )
    assert cli(repo, "check").returncode == 0


def test_a_part_shows_the_part_and_its_parent(repo: Path) -> None:
    result = cli(repo, "record", "town/homes/east", "5", "--date", "2026-02-10", "--as-of", "2026-07-01")
    assert result.returncode == 0, result.stderr
    assert lines(result.stdout)[2:] == [
        "特困供养设施改造 / 东区  0 → 5 家  0.0% → 25.0%  behind → on track",
        "特困供养设施改造         0 → 5 家  0.0% → 16.7%  behind",
        "as of 2026-07-01",
    ]
    assert entries(repo) == [{"date": __import__("datetime").date(2026, 2, 10), "indicator": "homes/east", "value": 5}]


def test_milestones_latest_and_at_most_indicators(repo: Path) -> None:
    done = cli(repo, "record", "town/cemetery-plan", "--done", "--date", "2026-05-20", "--as-of", "2026-07-01")
    assert lines(done.stdout)[1:3] == [
        "  - {date: 2026-05-20, indicator: cemetery-plan, done: true}",
        "公墓布点规划  ○ → ✓  0.0% → 100.0%  overdue → done",
    ]
    rate = cli(
        repo, "record", "town/report-rate", "76.5", "--unit", "%", "--date", "2026-06-01", "--as-of", "2026-07-01"
    )
    assert lines(rate.stdout)[2] == "社会组织年报率  0 → 76.5 %  0.0% → 95.6%  behind → on track"
    smoke = cli(repo, "record", "town/smoke", "26", "--date", "2026-06-01", "--as-of", "2026-07-01")
    assert lines(smoke.stdout)[2] == "成人吸烟率  30 → 26 %  0.0% → 40.0%  behind → on track"
    undo = cli(repo, "record", "town/cemetery-plan", "--not-done", "--date", "2026-05-21", "--as-of", "2026-07-01")
    assert lines(undo.stdout)[2] == "公墓布点规划  ✓ → ○  100.0% → 0.0%  done → overdue"
    assert cli(repo, "check").returncode == 0


def test_a_negative_correction_follows_a_double_dash(repo: Path) -> None:
    result = cli(repo, "record", "town/elder-beds", "--date", "2026-03-02", "--note", "更正：重复统计", "--", "-5")
    assert result.returncode == 0, result.stderr
    assert no_ids((repo / MARCH).read_text(encoding="utf-8")) == (
        '- {date: 2026-03-02, indicator: elder-beds, value: -5, note: "更正：重复统计"}\n'
    )


def test_any_note_round_trips_through_the_command_line(repo: Path) -> None:
    note = "a: b # not a comment, \"double\" and 'single' quotes \\ 中文 {x: [1]}\nsecond line\ttab - end"
    result = cli(repo, "record", "town/elder-beds", "1", "--date", "2026-03-02", "--note", note, "--by", "- 李 :")
    assert result.returncode == 0, result.stderr
    assert len(no_ids((repo / MARCH).read_text(encoding="utf-8")).splitlines()) == 1
    (entry,) = entries(repo)
    assert (entry["note"], entry["by"]) == (note, "- 李 :")


def test_control_characters_are_refused_as_the_reader_would(repo: Path) -> None:
    result = cli(repo, "record", "town/elder-beds", "1", "--date", "2026-03-02", "--note", "clear\x1b[2J screen")
    assert result.returncode == 2
    assert result.stderr.splitlines()[0] == "civtrack: error IMP11: --note holds a control character (U+001B): delete it"
    assert not (repo / MARCH).exists()


def test_dry_run_checks_and_prints_but_writes_nothing(repo: Path) -> None:
    result = cli(
        repo, "record", "town/elder-beds", "12.5", "--date", "2026-03-02", "--dry-run", "--as-of", "2026-03-02"
    )
    assert result.returncode == 0, result.stderr
    assert lines(result.stdout)[:2] == [
        f"Dry run (nothing written); would record in {MARCH}:1",
        "  - {date: 2026-03-02, indicator: elder-beds, value: 12.5}",
    ]
    assert lines(result.stdout)[2] == "新增养老床位  0 → 12.5 张  0.0% → 1.6%  on track"
    assert sorted(p.name for p in repo.rglob("*")) == sorted(
        p.name for p in make_repo(repo.parent / "fresh", with_git=False).rglob("*")
    )
    assert not (repo / ".civtrack").exists()
    bad = cli(repo, "record", "town/elder-beds", "x", "--dry-run")
    assert bad.returncode == 2


def test_the_language_of_the_labels(repo: Path) -> None:
    result = cli(
        repo, "--lang", "zh", "record", "town/elder-beds", "480", "--date", "2026-03-31", "--as-of", "2026-12-01"
    )
    assert lines(result.stdout)[0] == f"已记录到 {MARCH}:1"
    assert lines(result.stdout)[2] == "新增养老床位  0 → 480 张  0.0% → 60.0%  滞后"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nope/elder-beds", "1"], "plans/nope.yaml: error E305: unknown plan 'nope' (known: town)"),
        (
            ["town/nothing", "1"],
            "plans/town.yaml: error E203: unknown indicator 'nothing' in plan 'town' "
            "(known: elder-beds, homes, report-rate, cemetery-plan, smoke)",
        ),
        (
            ["town/homes/north", "1"],
            "plans/town.yaml:11: error E204: unknown part 'north' of indicator 'homes' (known: east, west)",
        ),
        (
            ["town/elder-beds/east", "1"],
            "plans/town.yaml:6: error E204: unknown part 'east' of indicator 'elder-beds' (known: none: it has no parts)",
        ),
        (
            ["town/homes", "1"],
            "civtrack: error IMP10: indicator 'homes' has parts: record on one of them (town/homes/east, town/homes/west)",
        ),
        (
            ["town/cemetery-plan", "1"],
            "civtrack: error IMP03: 'cemetery-plan' is a milestone: record it with --done, not a value",
        ),
        (
            ["town/cemetery-plan"],
            "civtrack: error IMP03: 'cemetery-plan' is a milestone: record it with --done (or --not-done to correct it)",
        ),
        (["town/elder-beds", "--done"], "civtrack: error IMP03: 'elder-beds' is a number (张): give a value, not --done"),
        (
            ["town/elder-beds"],
            "civtrack: error IMP12: 'elder-beds' is a number: give the value to record (e.g. civtrack record town/elder-beds 12)",
        ),
        (["town/elder-beds", "1", "--unit", "个"], "civtrack: error IMP05: unit '个' differs from the indicator's unit '张'"),
        (
            ["town/cemetery-plan", "--done", "--unit", "个"],
            "civtrack: error IMP05: 'cemetery-plan' has no unit: leave --unit out",
        ),
        (
            ["town/elder-beds", "1", "--date", "2025-12-31"],
            "civtrack: error IMP06: date 2025-12-31 is outside the period of plan 'town' (2026-01-01…2026-12-31, plans/town.yaml)",
        ),
        (
            ["town", "1"],
            "civtrack: error E500: 'town' is not PLAN/INDICATOR or PLAN/INDICATOR/PART "
            "(each an id, a name or a fragment of one, e.g. example/elder-beds or example/床位)",
        ),
    ],
)
def test_invalid_entries_are_refused_and_nothing_is_written(repo: Path, args: list[str], message: str) -> None:
    existing = repo / MARCH
    write(repo, MARCH, "- {date: 2026-03-01, indicator: elder-beds, value: 1}\n")
    before = existing.read_bytes()
    result = cli(repo, "record", *args, "--date", "2026-03-15") if "--date" not in args else cli(repo, "record", *args)
    assert result.returncode == 2
    assert result.stderr.splitlines()[0] == message
    assert "Traceback" not in result.stderr
    assert existing.read_bytes() == before
    assert sorted(p.name for p in (repo / "progress" / "town").iterdir()) == ["2026-03.yaml"]


@pytest.mark.parametrize("value", ["abc", "1,000", "12张", "nan", "inf", "1_000", "１２", "0x10", "", "1e400"])
def test_values_that_are_not_numbers_are_refused(repo: Path, value: str) -> None:
    result = cli(repo, "record", "town/elder-beds", value, "--date", "2026-03-15")
    assert result.returncode == 2
    assert result.stderr.splitlines()[0] == (
        f"civtrack: error IMP04: value '{value}' is not a number (write digits, e.g. 12 or 12.5; a negative one after --: -- -3)"
    )
    assert not (repo / MARCH).exists()


def test_several_problems_are_reported_together(repo: Path) -> None:
    result = cli(repo, "record", "town/homes", "x", "--unit", "张", "--date", "2027-01-01")
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "civtrack: error IMP04: value 'x' is not a number (write digits, e.g. 12 or 12.5; a negative one after --: -- -3)",
        "civtrack: error IMP10: indicator 'homes' has parts: record on one of them (town/homes/east, town/homes/west)",
        "civtrack: error IMP05: unit '张' differs from the indicator's unit '家'",
        "civtrack: error IMP06: date 2027-01-01 is outside the period of plan 'town' (2026-01-01…2026-12-31, plans/town.yaml)",
    ]


def test_a_bad_date_option_is_a_usage_error(repo: Path) -> None:
    result = cli(repo, "record", "town/elder-beds", "1", "--date", "2026-13-01")
    assert result.returncode == 2
    assert "expected a date YYYY-MM-DD, got '2026-13-01'" in result.stderr


def test_an_invalid_plan_is_refused(repo: Path) -> None:
    text = (repo / "plans" / "town.yaml").read_text(encoding="utf-8").replace("id: smoke", "id: elder-beds")
    write(repo, "plans/town.yaml", text)
    result = cli(repo, "record", "town/homes/east", "1", "--date", "2026-03-02")
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "plans/town.yaml:28: error E103: duplicate indicator id 'elder-beds' (first at line 6)",
        "civtrack: error E310: fix the plan first (`civtrack check` lists every problem)",
    ]
    assert not (repo / "progress" / "town").exists()


def test_a_torn_last_entry_is_refused_with_its_line(repo: Path) -> None:
    torn = "- {date: 2026-03-01, indicator: elder-beds, value: 1}\n- {date: 2026-03-02, indicator: elder-beds, val"
    write(repo, MARCH, torn)
    result = cli(repo, "record", "town/elder-beds", "2", "--date", "2026-03-03")
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"{MARCH}:2: error E211: incomplete last entry (interrupted write?): the file ends with a cut-off entry; "
        "complete the entry or delete it (line 2 to the end of the file), then run `civtrack check`",
        f"{MARCH}: error E503: record does not append after an incomplete entry: fix it first; nothing was recorded",
    ]
    assert no_ids((repo / MARCH).read_text(encoding="utf-8")) == torn
    check = cli(repo, "check")
    assert check.returncode == 1
    assert check.stdout.splitlines()[0].startswith(f"{MARCH}:2: error E211: incomplete last entry (interrupted write?)")


def test_a_hand_written_file_without_its_last_newline(repo: Path) -> None:
    hand = "# 三月\n- date: 2026-03-01\n  indicator: elder-beds\n  value: 7"
    write(repo, MARCH, hand)
    result = cli(repo, "record", "town/elder-beds", "2", "--date", "2026-03-03")
    assert result.returncode == 0, result.stderr
    assert lines(result.stdout)[0] == f"Recorded in {MARCH}:5"
    assert (
        no_ids((repo / MARCH).read_text(encoding="utf-8"))
        == hand + "\n- {date: 2026-03-03, indicator: elder-beds, value: 2}\n"
    )
    assert [e["value"] for e in entries(repo)] == [7, 2]


@pytest.mark.parametrize(
    ("content", "first"),
    [
        (
            "{date: 2026-03-01}\n",
            f"{MARCH}:1: error E200: a progress file must be a list of entries ('- date: …'), got a mapping",
        ),
        ("[]\n", None),
        ("  - {date: 2026-03-01, indicator: elder-beds, value: 1}\n", None),  # an entry at column 0 would not belong
        (
            "- {date: 2026-03-01, indicator: elder-beds, value: 1}\n<<<<<<< HEAD\n",
            f"{MARCH}:2: error E012: git merge conflict left in the file",
        ),
    ],
)
def test_a_file_that_cannot_take_an_entry_is_left_alone(repo: Path, content: str, first: str | None) -> None:
    (repo / MARCH).parent.mkdir(parents=True)
    (repo / MARCH).write_text(content, encoding="utf-8")
    result = cli(repo, "record", "town/elder-beds", "2", "--date", "2026-03-03")
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == (
        f"{MARCH}: error E502: cannot append to this file as it stands: fix it first; nothing was recorded"
    )
    if first:
        assert result.stderr.splitlines()[0].startswith(first)
    assert no_ids((repo / MARCH).read_text(encoding="utf-8")) == content


def test_a_month_file_with_an_error_anywhere_is_left_alone(repo: Path) -> None:
    """Not only its last entry: an entry that `check` refuses, in the middle of the file, stops record too."""
    content = (
        "- {date: 2026-03-01, indicator: elder-beds, value: 1}\n"
        "- {date: 2026-03-02, indicator: elder-bed, value: 2}\n"
        "- {date: 2026-03-03, indicator: homes/east, value: 3, unit: 个}\n"
        "- {date: 2026-03-04, indicator: elder-beds, value: 4}\n"
    )
    write(repo, MARCH, content)
    result = cli(repo, "record", "town/elder-beds", "2", "--date", "2026-03-05")
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.splitlines() == [
        f"{MARCH}:2: error E203: unknown indicator 'elder-bed' in plan 'town'",
        f"{MARCH}:3: error E210: unit '个' differs from the indicator's unit '家'",
        f"{MARCH}: error E502: cannot append to this file as it stands: fix it first; nothing was recorded",
    ]
    assert no_ids((repo / MARCH).read_text(encoding="utf-8")) == content


def test_a_plan_that_is_a_link_or_a_pipe_is_named_as_such(repo: Path, tmp_path: Path) -> None:
    """Not "unknown plan 'x' (known: x, …)": the loader lists such files, so record names what they are."""
    (tmp_path / "elsewhere.yaml").write_text((repo / "plans/town.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    (repo / "plans/linked.yaml").symlink_to(tmp_path / "elsewhere.yaml")
    os.mkfifo(repo / "plans/piped.yaml")
    linked = cli(repo, "record", "linked/elder-beds", "2", "--date", "2026-03-05")
    assert (linked.returncode, linked.stderr.splitlines()) == (
        2,
        ["plans/linked.yaml: error E300: symbolic link not followed (it could lead outside the repository)"],
    )
    piped = cli(repo, "record", "piped/elder-beds", "2", "--date", "2026-03-05")
    assert (piped.returncode, piped.stderr.splitlines()) == (
        2,
        ["plans/piped.yaml: error E301: not a regular file (a pipe, socket or device): not read"],
    )
    assert not (repo / "progress/linked").exists() and not (repo / "progress/piped").exists()


def test_a_symlinked_progress_folder_is_refused(repo: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (repo / "progress" / "town").symlink_to(outside, target_is_directory=True)
    result = cli(repo, "record", "town/elder-beds", "2", "--date", "2026-03-03")
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "progress/town: error E511: symbolic link not followed: record writes only real files"
    ]
    assert list(outside.iterdir()) == []


def test_record_reads_only_its_plan_and_the_files_that_mention_the_indicator(repo: Path) -> None:
    write(repo, "plans/other.yaml", "id: other\ntitle: [unclosed\n")
    write(repo, "progress/other/2026-03.yaml", "- {broken\n")
    write(repo, "progress/town/2026-01.yaml", "- {date: 2026-01-05, indicator: homes/east, value: [\n")
    write(repo, "progress/town/2026-02.yaml", "- {date: 2026-02-05, indicator: elder-beds, value: 100}\n")
    result = cli(repo, "record", "town/elder-beds", "20", "--date", "2026-03-03", "--as-of", "2026-03-03")
    assert result.returncode == 0, result.stderr
    assert lines(result.stdout)[2] == "新增养老床位  100 → 120 张  12.5% → 15.0%  on track"
    # The broken file mentions homes: recording on homes is written, and says why the status is missing.
    homes = cli(repo, "record", "town/homes/east", "1", "--date", "2026-03-04")
    assert homes.returncode == 0
    assert lines(homes.stdout) == [f"Recorded in {MARCH}:2", "  - {date: 2026-03-04, indicator: homes/east, value: 1}"]
    assert homes.stderr.splitlines()[-1] == (
        "The indicator's new status cannot be computed: fix the problems above (`civtrack check`)."
    )


@pytest.mark.parametrize(
    "content",
    [
        "# 三月进度（手工录入）\n\n- {date: 2026-03-01, indicator: elder-beds, value: 1}\n",
        "---\n- {date: 2026-03-01, indicator: elder-beds, value: 1}\n",
        "- &first {date: 2026-03-01, indicator: elder-beds, value: 1}\n- *first\n",
        "- date: 2026-03-01\n  indicator: elder-beds\n  value: 1\n  note: |\n    两行\n    说明\n",
        "",
    ],
)
def test_any_readable_list_takes_a_new_entry(repo: Path, content: str) -> None:
    (repo / MARCH).parent.mkdir(parents=True)
    (repo / MARCH).write_text(content, encoding="utf-8")
    result = cli(repo, "record", "town/elder-beds", "2", "--date", "2026-03-03")
    assert result.returncode == 0, result.stderr
    assert (
        no_ids((repo / MARCH).read_text(encoding="utf-8"))
        == content + "- {date: 2026-03-03, indicator: elder-beds, value: 2}\n"
    )
    assert entries(repo)[-1]["value"] == 2


def test_a_file_would_grow_past_the_size_limit(repo: Path) -> None:
    write(repo, "civtrack.toml", "max_file_bytes = 1000\n")  # the plan file is 784 bytes
    content = "- {date: 2026-03-01, indicator: elder-beds, value: 1}\n" * 18  # 990 bytes: 55 more would pass 1000
    write(repo, MARCH, content)
    result = cli(repo, "record", "town/elder-beds", "2", "--date", "2026-03-03")
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"{MARCH}: error E504: the file would exceed max_file_bytes (1000); nothing was recorded"
    ]
    assert no_ids((repo / MARCH).read_text(encoding="utf-8")) == content


def test_quiet_prints_where_the_entry_went_and_reads_no_other_progress(repo: Path) -> None:
    write(repo, "progress/town/2026-01.yaml", "- {date: 2026-01-05, indicator: elder-beds, value: [\n")
    result = cli(repo, "record", "town/elder-beds", "3", "--date", "2026-03-03", "--quiet")
    assert (result.returncode, result.stdout, result.stderr) == (0, f"Recorded in {MARCH}:1\n", "")
    assert (
        no_ids((repo / MARCH).read_text(encoding="utf-8")) == "- {date: 2026-03-03, indicator: elder-beds, value: 3}\n"
    )


def test_one_line_files_are_read_line_by_line_with_the_lines_of_the_file(repo: Path) -> None:
    """history and record parse only the lines that mention the indicator; lines and order stay the file's."""
    text = "".join(
        f"- {{date: 2026-03-{day:02}, indicator: {'elder-beds' if day % 3 == 0 else 'homes/east'}, value: {day}}}\n"
        for day in range(1, 29)
    )
    write(repo, MARCH, "# 三月\n" + text + "- {date: 2026-03-29, indicator: elder-beds, value: [oops}\n")
    result = cli(repo, "history", "town/elder-beds", "--format", "json")
    assert result.returncode == 2
    assert result.stderr.splitlines()[0].startswith(f"{MARCH}:30: error E")  # the line in the file
    write(repo, MARCH, "# 三月\n" + text)
    document = json.loads(cli(repo, "history", "town/elder-beds", "--format", "json").stdout)
    assert [(e["line"], e["value"], e["current"]) for e in document["entries"]][:3] == [
        (4, 3, 3),
        (7, 6, 9),
        (10, 9, 18),
    ]
    assert len(document["entries"]) == 9


def test_a_month_file_that_is_a_pipe_or_a_folder_is_refused_at_once(repo: Path) -> None:
    """Issue 18 D9: record on a month file that is a named pipe waited forever, holding the lock; D13: a
    month file's path that is a folder gave exit 3."""
    (repo / MARCH).parent.mkdir(parents=True)
    os.mkfifo(repo / MARCH)
    (repo / "progress/town/2026-04.yaml").mkdir()
    pipe = cli(repo, "record", "town/elder-beds", "1", "--date", "2026-03-02")
    folder = cli(repo, "record", "town/elder-beds", "1", "--date", "2026-04-02")
    assert (pipe.returncode, pipe.stdout, pipe.stderr) == (
        2, "", f"{MARCH}: error E507: not a regular file (a named pipe): not read; nothing was recorded\n"
    )  # fmt: skip
    assert (folder.returncode, folder.stderr) == (
        2, "progress/town/2026-04.yaml: error E507: not a regular file (a folder): not read; nothing was recorded\n"
    )  # fmt: skip
    (repo / "progress/town/2026-04.yaml").rmdir()
    (repo / "progress/town").rename(repo / "elsewhere")
    (repo / "progress/town").write_text("", encoding="utf-8")
    file = cli(repo, "record", "town/elder-beds", "1", "--date", "2026-03-02")
    assert (file.returncode, file.stderr) == (
        2, "progress/town: error E512: a file, not a folder: nothing was recorded\n"
    )  # fmt: skip


def test_a_year_below_1000_goes_to_a_four_digit_month_file(repo: Path) -> None:
    """Issue 18 D12: glibc's %Y does not pad years below 1000: `--date 0001-01-15` wrote progress/town/1-01.yaml,
    exit 0, and the entry was never counted."""
    text = (repo / "plans/town.yaml").read_text(encoding="utf-8")
    assert "period: {start: 2026-01-01," in text
    (repo / "plans/town.yaml").write_text(text.replace("start: 2026-01-01", "start: 0001-01-01"), encoding="utf-8")
    result = cli(repo, "record", "town/elder-beds", "7", "--date", "0001-01-15", "--as-of", "2026-12-01")
    assert result.returncode == 0, result.stderr
    assert lines(result.stdout)[0] == "Recorded in progress/town/0001-01.yaml:1"
    assert sorted(p.name for p in (repo / "progress/town").iterdir()) == ["0001-01.yaml"]
    assert [e["value"] for e in entries(repo)] == [7]
    assert lines(result.stdout)[2].startswith("新增养老床位  0 → 7 张")


def test_a_file_of_lone_cr_lines_takes_an_entry_in_its_own_line_ending(repo: Path) -> None:
    """Issue 18 D16: record refused a file whose lines end with CR alone (which check accepts), saying only
    "cannot append to this file as it stands". It now appends with the file's line ending."""
    hand = (
        "- {date: 2026-03-01, indicator: elder-beds, value: 1}\r- {date: 2026-03-02, indicator: elder-beds, value: 2}\r"
    )
    write(repo, MARCH, hand)
    result = cli(repo, "record", "town/elder-beds", "4", "--date", "2026-03-05", "-q")
    assert (result.returncode, result.stdout, result.stderr) == (0, f"Recorded in {MARCH}:3\n", "")
    written = (repo / MARCH).read_bytes().decode("utf-8")
    assert no_ids(written) == hand + "- {date: 2026-03-05, indicator: elder-beds, value: 4}\r"
    assert [e["value"] for e in entries(repo)] == [1, 2, 4]
    check = cli(repo, "check", "--strict")
    assert (check.returncode, check.stdout) == (0, "1 plans, 3 entries: 0 errors, 0 warnings\n")

"""Two offices record in the same month file on two branches; git merges them with no conflict."""

from __future__ import annotations

import json
import re
import subprocess
from collections import Counter
from pathlib import Path

from civtrack.load import load_disk
from civtrack.workspace import Config
from tests.gitkit import cli, commit, env, git
from tests.gitkit import record as real_record

MARCH = "progress/example/2026-03.yaml"


def entries(root: Path) -> Counter:
    loaded = load_disk(root, Config())
    assert loaded.problems == []
    return Counter(tuple(sorted(i.entry.model_dump(exclude_none=True).items())) for i in loaded.all_entries())


def append(root: Path, ref: str, value: str, *options: str) -> None:
    """What `record` writes, without starting a process (the negative control only)."""
    import datetime as dt

    from civtrack.model import Entry
    from civtrack.store import format_entry

    fields = dict(zip(options[::2], options[1::2], strict=True))
    entry = Entry(date=dt.date.fromisoformat(fields["--date"]), indicator=ref.split("/", 1)[1], value=int(value),
                  by=fields.get("--by"), note=fields.get("--note"))  # fmt: skip
    with open(root / MARCH, "a", encoding="utf-8") as handle:
        handle.write(format_entry(entry))


def branches(tmp_path: Path, *, attributes: bool) -> Path:
    """A repository made by `civtrack init`, one entry on main, then branches a and b."""
    root = tmp_path / ("union" if attributes else "plain")
    assert cli(tmp_path, "init", str(root)).returncode == 0
    record = real_record if attributes else append
    if not attributes:
        (root / ".gitattributes").unlink()
        (root / MARCH).parent.mkdir(parents=True)
    git(root, "init", "-q", "-b", "main")
    record(root, "example/elder-beds", "100", "--date", "2026-03-01", "--by", "养老服务科")
    commit(root, "base")
    git(root, "checkout", "-q", "-b", "a")
    # The two branches' entries share their date, indicator and reporter: the lines a
    # line-based merge could mix up if an entry took more than one line.
    record(root, "example/elder-beds", "5", "--date", "2026-03-05", "--by", "养老服务科")
    record(root, "example/elder-homes/east", "1", "--date", "2026-03-06", "--note", "东区一家")
    commit(root, "office a")
    git(root, "checkout", "-q", "main")
    git(root, "checkout", "-q", "-b", "b")
    record(root, "example/elder-beds", "6", "--date", "2026-03-05", "--by", "养老服务科")
    record(root, "example/elder-homes/east", "1", "--date", "2026-03-06", "--note", "东区又一家")
    record(root, "example/elder-homes/west", "2", "--date", "2026-03-07")
    commit(root, "office b")
    return root


def test_two_branches_recording_in_the_same_month_merge_cleanly(tmp_path: Path) -> None:
    root = branches(tmp_path, attributes=True)
    on_b = entries(root)
    git(root, "checkout", "-q", "a")
    on_a = entries(root)
    before_merge = git(root, "rev-parse", "HEAD").strip()
    merge = subprocess.run(["git", "merge", "--no-edit", "b"], cwd=root, env=env(), capture_output=True, text=True)
    assert merge.returncode == 0, merge.stdout + merge.stderr
    merged = entries(root)
    assert sum(merged.values()) == 6
    assert merged == on_a | on_b  # every entry of both offices, each once (the base entry once)
    assert (root / MARCH).read_text(encoding="utf-8").count("\n") == 6
    check = cli(root, "check")
    assert (check.returncode, check.stdout + check.stderr) == (0, "1 plans, 6 entries: 0 errors, 0 warnings\n")
    review = json.loads(cli(root, "diff", f"{before_merge}..HEAD", "--as-of", "2026-12-01", "--format", "json").stdout)
    assert review["rewritten"] is False
    assert [(e["date"], e.get("value")) for e in review["plans"][0]["entries_added"]] == [
        ("2026-03-05", 6),
        ("2026-03-06", 1),
        ("2026-03-07", 2),
    ]


def test_without_the_attributes_the_same_merge_conflicts(tmp_path: Path) -> None:
    root = branches(tmp_path, attributes=False)
    git(root, "checkout", "-q", "a")
    merge = subprocess.run(["git", "merge", "--no-edit", "b"], cwd=root, env=env(), capture_output=True, text=True)
    assert merge.returncode == 1
    assert f"CONFLICT (content): Merge conflict in {MARCH}" in merge.stdout


def test_two_branches_recording_the_same_value_both_count(tmp_path: Path) -> None:
    """Issue 18 D1: the same `record` on two branches (same indicator, value, date) used to write the same
    line; git's union merge keeps identical added lines once, so one entry was lost without a conflict.
    Every entry now carries a random id: both lines survive the merge, in a month file that existed before
    the branches and in one each branch created."""
    root = tmp_path / "repo"
    assert cli(tmp_path, "init", str(root)).returncode == 0
    git(root, "init", "-q", "-b", "main")
    real_record(root, "example/elder-beds", "100", "--date", "2026-03-01")
    commit(root, "base")
    for branch in ("a", "b"):
        git(root, "checkout", "-q", "-b", branch, "main")
        real_record(root, "example/elder-beds", "1", "--date", "2026-03-20")  # March: the file existed
        real_record(root, "example/elder-beds", "1", "--date", "2026-04-20")  # April: each branch creates it
        commit(root, f"office {branch}")
    merge = subprocess.run(["git", "merge", "--no-edit", "a"], cwd=root, env=env(), capture_output=True, text=True)
    assert merge.returncode == 0, merge.stdout + merge.stderr
    march = (root / MARCH).read_text(encoding="utf-8").splitlines()
    april = (root / "progress/example/2026-04.yaml").read_text(encoding="utf-8").splitlines()
    assert (len(march), len(april)) == (3, 2)
    for line in (*march, *april):
        assert re.fullmatch(
            r"- \{date: 2026-0[34]-\d\d, indicator: elder-beds, value: 1(00)?, id: [a-z][a-z2-7]{7}\}", line
        )
    loaded = load_disk(root, Config())
    assert loaded.problems == []
    assert sum(i.entry.value for i in loaded.all_entries()) == 104  # 100 + 1 + 1 in March, 1 + 1 in April


def test_check_warns_on_identical_entry_lines(tmp_path: Path) -> None:
    """Lines written by hand (or before entries had ids) that are byte for byte the same: a warning, since a
    union merge would have kept one of them."""
    from civtrack.load import parse_progress

    data = (
        b"- {date: 2026-03-20, indicator: elder-beds, value: 1}\n- {date: 2026-03-21, indicator: elder-beds, value: 1}\n"
        b"- {date: 2026-03-20, indicator: elder-beds, value: 1}\r\n"
    )
    entries, problems = parse_progress(data, MARCH, "example", "2026-03", Config())
    assert len(entries) == 3
    assert [str(p) for p in problems] == [
        f"{MARCH}:3: warning W203: this entry is the same line, byte for byte, as line 1: git's union merge would keep "
        "only one of them; if both happened, add a different `id: ` to each, else delete one"
    ]

"""Two offices record in the same month file on two branches; git merges them with no conflict."""

from __future__ import annotations

import json
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

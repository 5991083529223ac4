"""`status` keeps this repository's plans as evaluated (civtrack.cache.statuses), through the command line.

The promise: whatever changes what a plan is evaluated from (an entry recorded, a month file edited by
hand, the plan file, a setting, the as-of date) is seen by the next run; what is read back is what was
evaluated; a plan with a month file that has a problem is never kept.
"""

from __future__ import annotations

import json
from pathlib import Path

from civtrack.cache.statuses import _mac
from civtrack.cache.store import cache_key
from tests.gitkit import cli, make_repo, record, write

AS_OF = "2026-12-01"


def beds(root: Path, *args: str, **env: str) -> tuple[float, str, dict]:
    """(current, state) of 新增养老床位 at AS_OF, and the whole JSON document."""
    result = cli(root, "status", "--as-of", AS_OF, "--format", "json", *args, **env)
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    item = document["plans"][0]["indicators"][0]
    return item["current"], item["state"], document


def kept_file(root: Path, day: str = AS_OF) -> Path:
    return root / ".civtrack" / "cache" / "statuses" / "town" / f"{day}.json"


def stamp_of(path: Path) -> list:
    return json.loads(path.read_bytes().partition(b"\n")[0])["stamp"]


def test_what_changes_a_plan_is_seen_by_the_next_run(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "town", with_git=False)
    record(root, "town/elder-beds", "480", "--date", "2026-11-02")
    assert beds(root)[:2] == (480, "behind")  # 60.0 % against 91.8 % of the year, less 25 points
    kept = kept_file(root)
    assert stamp_of(kept)[4] == AS_OF
    first = beds(root)[2]
    # Read back: what is kept is what the second run shows (a figure changed on purpose, its MAC made again).
    header, _, payload = kept.read_bytes().partition(b"\n")
    key = cache_key()
    assert key is not None and b'"current":[480,' in payload
    changed = payload.replace(b'"current":[480,', b'"current":[481,')
    kept.write_bytes(json.dumps({"stamp": json.loads(header)["stamp"], "mac": _mac(key, json.loads(header)["stamp"], changed)}).encode() + b"\n" + changed)  # fmt: skip
    assert beds(root)[0] == 481
    kept.unlink()
    assert beds(root)[2] == first
    # An entry recorded: 480 + 140 = 620, 77.5 %: on track.
    record(root, "town/elder-beds", "140", "--date", "2026-11-20")
    assert beds(root)[:2] == (620, "on-track")
    # The month file edited by hand, to the same size (a value's digits swapped).
    month = root / "progress" / "town" / "2026-11.yaml"
    text = month.read_text(encoding="utf-8")
    month.write_text(text.replace("value: 140", "value: 104"), encoding="utf-8")
    assert beds(root)[:2] == (584, "on-track")  # 73.0 %
    # The plan file: a smaller target.
    plan = root / "plans" / "town.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace("target: 800", "target: 584"), encoding="utf-8")
    assert beds(root)[:2] == (584, "done")
    plan.write_text(plan.read_text(encoding="utf-8").replace("target: 584", "target: 800"), encoding="utf-8")
    # A setting: 73.0 % is on track with 25 points of tolerance (the floor 66.8 %), behind with 10 (81.8 %).
    write(root, "civtrack.toml", 'lang = "en"\npace_tolerance = 10.0\n')
    assert beds(root)[:2] == (584, "behind")
    # Another as-of date: entries after it do not count; it has a file of its own beside the first.
    assert beds(root, "--as-of", "2026-11-10")[0] == 480
    assert stamp_of(kept_file(root, "2026-11-10"))[4] == "2026-11-10" and kept.exists()


def test_a_plan_with_a_month_file_that_has_a_problem_is_not_kept(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "town", with_git=False)
    # W202: no newline at the end (a warning: status runs; the file's hash is not kept to key on).
    write(root, "progress/town/2026-10.yaml", "- {date: 2026-10-02, indicator: elder-beds, value: 400}\n")
    write(root, "progress/town/2026-11.yaml", "- {date: 2026-11-02, indicator: elder-beds, value: 80}")
    assert beds(root)[0] == 480
    assert not kept_file(root).exists()
    write(root, "progress/town/2026-11.yaml", "- {date: 2026-11-02, indicator: elder-beds, value: 80}\n")
    assert beds(root)[0] == 480 and kept_file(root).exists()


def test_nothing_is_kept_without_the_cache(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "town", with_git=False)
    write(root, "progress/town/2026-11.yaml", "- {date: 2026-11-02, indicator: elder-beds, value: 480}\n")
    assert beds(root, CIVTRACK_NO_CACHE="1")[0] == 480
    assert not kept_file(root).exists()
    # Markdown shows no rule 10–13 and evaluates rules 1–9 only: nothing to keep either.
    assert cli(root, "status", "--as-of", AS_OF, "--format", "markdown").returncode == 0
    assert not kept_file(root).exists()


def test_a_statuses_folder_that_is_a_link_is_never_written_through(tmp_path: Path) -> None:
    """Issue 18, D6: `.civtrack/cache/statuses` force-added as a link to elsewhere: status works, keeps
    nothing, and writes nothing there."""
    root = make_repo(tmp_path / "town", with_git=False)
    write(root, "progress/town/2026-11.yaml", "- {date: 2026-11-02, indicator: elder-beds, value: 480}\n")
    assert beds(root)[0] == 480  # the cache made
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    statuses = root / ".civtrack" / "cache" / "statuses"
    for old in statuses.rglob("*.json"):
        old.unlink()
    for folder in sorted(statuses.rglob("*"), reverse=True):
        folder.rmdir()
    statuses.rmdir()
    statuses.symlink_to(elsewhere)
    assert beds(root)[0] == 480 and beds(root)[0] == 480
    assert list(elsewhere.iterdir()) == []

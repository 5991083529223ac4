""".pre-commit-hooks.yaml: the hooks a data repository uses, run the way pre-commit runs them."""

from __future__ import annotations

import re
import shlex
import subprocess
from pathlib import Path

import yaml

from tests.gitkit import civtrack_exe, commit, env, git, make_repo, write

HOOKS = yaml.safe_load((Path(__file__).resolve().parents[1] / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
MARCH = "progress/town/2026-03.yaml"


def hook(hook_id: str) -> dict:
    (found,) = [h for h in HOOKS if h["id"] == hook_id]
    return found


def run_hook(root: Path, hook_id: str) -> subprocess.CompletedProcess[str]:
    """As pre-commit does with pass_filenames: false: the entry, in the repository's top folder."""
    program, *args = shlex.split(hook(hook_id)["entry"])
    assert program == "civtrack"
    return subprocess.run([civtrack_exe(), *args], cwd=root, env=env(), capture_output=True, text=True, timeout=120)


def test_the_hooks_are_well_formed() -> None:
    assert [h["id"] for h in HOOKS] == ["civtrack-check", "civtrack-no-rewrite"]
    for h in HOOKS:
        assert {"id", "name", "entry", "language"} <= set(h)
        assert (h["language"], h["pass_filenames"]) == ("python", False)
        pattern = re.compile(h["files"])
        assert pattern.search("plans/town.yaml") and pattern.search(MARCH)
        assert not pattern.search("README.md") and not pattern.search("docs/plans/x.yaml")
    assert re.search(hook("civtrack-check")["files"], "civtrack.toml")


def test_the_check_hook_rejects_a_torn_entry(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo")
    write(root, MARCH, "- {date: 2026-03-01, indicator: elder-beds, value: 1}\n")
    assert run_hook(root, "civtrack-check").returncode == 0
    with open(root / MARCH, "a", encoding="utf-8") as handle:
        handle.write("- {date: 2026-03-02, indicator: elder-beds, va")
    result = run_hook(root, "civtrack-check")
    assert result.returncode == 1
    assert result.stdout.startswith(f"{MARCH}:2: error E211: incomplete last entry (interrupted write?)")


def test_the_no_rewrite_hook_lets_appends_through_and_stops_rewrites(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo", with_git=False)
    git(root, "init", "-q", "-b", "main")
    first = run_hook(root, "civtrack-no-rewrite")  # the first commit: no HEAD yet
    assert first.returncode == 0, first.stderr
    assert first.stdout.splitlines()[0].startswith("HEAD (no commits yet) → working tree")
    commit(root, "plan")
    write(root, MARCH, "- {date: 2026-03-01, indicator: elder-beds, value: 1}\n")
    assert run_hook(root, "civtrack-no-rewrite").returncode == 0
    commit(root, "march")
    write(root, MARCH, "- {date: 2026-03-01, indicator: elder-beds, value: 10}\n")
    result = run_hook(root, "civtrack-no-rewrite")
    assert result.returncode == 1
    assert f"  ⚠ entry changed  {MARCH}:1  2026-03-01  新增养老床位  value 1 → 10\n" in result.stdout

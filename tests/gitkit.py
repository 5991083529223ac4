"""Helpers for the record / diff / history tests: a plan, repositories in temporary folders, real git.

Not named conftest.py on purpose: other branches add tests/conftest.py; this module is imported
by name (pytest puts tests/ on sys.path for test modules in a folder without __init__.py).
"""

from __future__ import annotations

import os
import re
import subprocess
import textwrap
from pathlib import Path

from tests.conftest import civtrack_exe, run_civtrack  # noqa: F401 - civtrack_exe re-exported for the record tests

GITATTRIBUTES = "progress/**/*.yaml merge=union\n"

# Numbers chosen so that the example line comes out exactly at as-of 2026-12-01:
# pace = 334/364 = 91.8%, minus 25 points of tolerance: 60.0% is behind, 77.5% on track.
PLAN = """\
id: town
title: 城关镇2026年民生实事
organization: 城关镇人民政府
period: {start: 2026-01-01, end: 2026-12-31}
indicators:
  - id: elder-beds
    name: 新增养老床位
    section: 一、养老服务
    unit: 张
    target: 800
  - id: homes
    name: 特困供养设施改造
    section: 一、养老服务
    unit: 家
    target: 30
    parts:
      - {id: east, name: 东区, target: 20}
      - {id: west, name: 西区, target: 10}
  - id: report-rate
    name: 社会组织年报率
    unit: "%"
    target: 80
    accumulate: latest
  - id: cemetery-plan
    name: 公墓布点规划
    kind: milestone
    due: 2026-06-30
  - id: smoke
    name: 成人吸烟率
    unit: "%"
    comparator: "<="
    baseline: 30
    target: 20
    accumulate: latest
"""

GIT_ENV = {
    "GIT_AUTHOR_NAME": "王芳",
    "GIT_AUTHOR_EMAIL": "wangfang@example.org",
    "GIT_COMMITTER_NAME": "王芳",
    "GIT_COMMITTER_EMAIL": "wangfang@example.org",
    "GIT_AUTHOR_DATE": "2026-04-01T09:00:00+08:00",
    "GIT_COMMITTER_DATE": "2026-04-01T09:00:00+08:00",
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
}


def env(**extra: str) -> dict[str, str]:
    full = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200", **GIT_ENV, **extra}
    full.pop("CIVTRACK_ROOT", None)
    full.pop("FORCE_COLOR", None)
    return full


def cli(root: Path, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    """Run civtrack's command line in ``root`` (a fork of the test server: see tests/conftest.py)."""
    return run_civtrack(list(args), root, env(**extra))


def git(root: Path, *args: str, **extra: str) -> str:
    result = subprocess.run(["git", *args], cwd=root, env=env(**extra), capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout


def write(root: Path, relpath: str, text: str) -> Path:
    path = root / relpath
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def make_repo(root: Path, *, with_git: bool = True, plan: str = PLAN) -> Path:
    """A civtrack repository with the town plan; a git repository with one commit when ``with_git``."""
    root.mkdir(parents=True, exist_ok=True)
    write(root, "civtrack.toml", 'lang = "en"\npace_tolerance = 25.0\n')
    write(root, "plans/town.yaml", plan)
    (root / "progress").mkdir(exist_ok=True)
    write(root, ".gitattributes", GITATTRIBUTES)
    if with_git:
        git(root, "init", "-q", "-b", "main")
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", "plan")
    return root


def commit(root: Path, message: str, when: str = "2026-04-01T09:00:00+08:00", **extra: str) -> str:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message, GIT_AUTHOR_DATE=when, GIT_COMMITTER_DATE=when, **extra)
    return git(root, "rev-parse", "HEAD").strip()


def record(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    result = cli(root, "record", *args)
    assert result.returncode == 0, result.stderr
    return result


def lines(text: str) -> list[str]:
    """Output lines without rich's trailing padding."""
    return [line.rstrip() for line in text.splitlines()]


ENTRY_ID = re.compile(r", id: [a-z][a-z2-7]{7}\}")


def no_ids(text: str) -> str:
    """Text with the random ids `record` ends each entry with taken out (checked for their form)."""
    return ENTRY_ID.sub("}", text)

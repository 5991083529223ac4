"""The monthly script of docs/reports.md, run as written against a real git repository and remote."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from civtrack.reporting import Month
from tests.conftest import civtrack_exe
from tests.reportkit import FIXTURE, PROJECT

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


def script_from_docs() -> str:
    doc = (PROJECT / "docs" / "reports.md").read_text(encoding="utf-8")
    block = re.search(r"^    #!/bin/sh\n(?:    .*\n|\n)*?    git push --quiet\n", doc, flags=re.M)
    assert block, "the script is missing from docs/reports.md"
    return "".join(line[4:] + "\n" for line in block.group(0).splitlines())


def git(*args: str, cwd: Path) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}  # fmt: skip
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True).stdout


def test_monthly_script_writes_commits_and_pushes_once(tmp_path):
    remote, work = tmp_path / "remote.git", tmp_path / "plans"
    git("init", "--quiet", "--bare", str(remote), cwd=tmp_path)
    shutil.copytree(FIXTURE, work)
    git("init", "--quiet", "-b", "main", cwd=work)
    for key, value in (("user.name", "t"), ("user.email", "t@example.org")):
        git("config", key, value, cwd=work)
    (work / ".venv" / "bin").mkdir(parents=True)
    (work / ".venv" / "bin" / "civtrack").symlink_to(civtrack_exe())
    (work / ".gitignore").write_text(".venv/\n")
    script = work / "monthly-report.sh"
    script.write_text(script_from_docs(), encoding="utf-8")
    script.chmod(0o755)
    git("add", ".", cwd=work)
    git("commit", "--quiet", "-m", "plans", cwd=work)
    git("remote", "add", "origin", str(remote), cwd=work)
    git("push", "--quiet", "-u", "origin", "main", cwd=work)

    env = {k: v for k, v in os.environ.items() if k != "CIVTRACK_ROOT"}
    for _ in range(2):  # the second run finds nothing new to commit
        result = subprocess.run([str(script)], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr
    month = Month.of(dt.date.today()).previous()
    report = work / "reports" / f"{month}.md"
    assert report.read_text(encoding="utf-8").startswith("# Monthly report: ")
    log = git("log", "--format=%s", "origin/main", cwd=work).splitlines()
    assert log == [f"Monthly report {month}", "plans"]
    assert git("show", f"origin/main:reports/{month}.md", cwd=work) == report.read_text(encoding="utf-8")

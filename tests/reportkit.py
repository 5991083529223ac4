"""Helpers of the report and export tests: the fixture repository and the installed `civtrack`.

The fixture (tests/fixtures/report-repo) is a small but realistic repository: two
2021 plans of invented district bureaus, with parts, checkpoints (written and from
`every`), a `latest` rate, a `<=` indicator, milestones, Chinese names and notes,
entries from February to October, and a 2022 plan that a 2021 report leaves out.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from civtrack.compute import fold
from civtrack.load import Repository, load_disk
from civtrack.reporting import Month, Report, build_report
from civtrack.workspace import load_config
from tests.conftest import run_cli

TESTS = Path(__file__).resolve().parent
FIXTURE = TESTS / "fixtures" / "report-repo"
GOLDEN = TESTS / "golden"
PROJECT = TESTS.parent


def run(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return run_cli(*args, cwd=cwd or PROJECT, env=env)


def run_fixture(*args: str, root: Path = FIXTURE, **kwargs) -> subprocess.CompletedProcess:
    """`civtrack --root <fixture> ARGS…`."""
    return run("--root", str(root), *args, **kwargs)


def load_fixture(root: Path = FIXTURE) -> Repository:
    repo = load_disk(root, load_config(root))
    assert not repo.problems, repo.problems
    return repo


def fixture_report(month: str, plans: tuple[str, ...] = ("hexi-2021", "qingshan-2021"), root: Path = FIXTURE) -> Report:
    """The report of the fixture, built in-process as the command builds it."""
    repo = load_fixture(root)
    ledger = fold((e.plan_id, e.entry, (e.month, e.seq)) for e in repo.all_entries())
    return build_report([repo.plans[p].plan for p in plans], ledger, repo.all_entries(), Month.parse(month))


def copy_fixture(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(FIXTURE, root)
    return root


def golden(name: str, actual: str) -> None:
    """Compare with tests/golden/NAME; UPDATE_GOLDEN=1 rewrites the file instead (then review the diff)."""
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(actual, encoding="utf-8", newline="\n")
    expected = path.read_text(encoding="utf-8")
    assert actual == expected, f"{name} differs from the golden file (UPDATE_GOLDEN=1 rewrites it; review the diff)"

"""Shared test helpers: repositories in temporary folders and the installed `civtrack`."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
PROJECT = Path(__file__).resolve().parents[1]


# The suite never writes to the real home's cache folder (civtrack.helpcache's answers, the cache's key):
# a folder of its own for each pytest process, inherited by every process it starts, removed at the end.
_XDG: list[str] = []


def pytest_configure(config: pytest.Config) -> None:
    _XDG.append(tempfile.mkdtemp(prefix="civtrack-test-xdg-"))
    os.environ["XDG_CACHE_HOME"] = _XDG[-1]


def pytest_unconfigure(config: pytest.Config) -> None:
    for folder in _XDG:
        shutil.rmtree(folder, ignore_errors=True)


def civtrack_exe() -> str:
    """The installed console script (the one users run), not an in-process call."""
    beside = Path(sys.executable).parent / "civtrack"
    found = str(beside) if beside.exists() else shutil.which("civtrack")
    assert found, "civtrack is not installed in this environment"
    return found


# Tests run civtrack's command line in a process forked from a server that imported civtrack once
# (tests/forkserver.py), a tenth of the cost of starting the console script. tests/test_cli.py runs
# every command through the installed console script too, and CIVTRACK_TEST_INSTALLED=1 (`make soak`)
# sends every run there.
INSTALLED_ONLY = bool(os.environ.get("CIVTRACK_TEST_INSTALLED"))


def run_civtrack(
    args: list[str],
    cwd: Path,
    env: dict[str, str],
    *,
    input: str | None = None,
    installed: bool = False,
    timeout: float = 120,
) -> subprocess.CompletedProcess[str]:
    """One run of the command line: the installed console script, or a fork of the test server."""
    if installed or INSTALLED_ONLY:
        return subprocess.run(
            [civtrack_exe(), *args],
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            input=input,
            timeout=timeout,
            stdin=None if input is not None else subprocess.DEVNULL,
        )
    from tests.forkserver import run_shared

    return run_shared(list(args), Path(cwd), env, timeout=timeout, input=input)


def run_cli(
    *args: str, cwd: Path, env: dict[str, str] | None = None, input: str | None = None, installed: bool = False
) -> subprocess.CompletedProcess[str]:
    full_env = {key: value for key, value in os.environ.items() if key != "CIVTRACK_ROOT"}
    full_env.update({"NO_COLOR": "1", "COLUMNS": "200", **(env or {})})
    return run_civtrack(list(args), cwd, full_env, input=input, installed=installed)


def write(root: Path, relpath: str, text: str) -> Path:
    path = root / relpath
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """An empty repository root (plans/ and progress/ folders)."""
    (tmp_path / "plans").mkdir()
    (tmp_path / "progress").mkdir()
    return tmp_path

"""`record` under faults: processes killed with SIGKILL mid-write, folders that cannot be written.

`make soak` runs the kill loop ten times longer (CIVTRACK_SOAK=1: 2,000 kills).
"""

from __future__ import annotations

import ctypes
import os
import random
import signal
import subprocess
import time
from pathlib import Path

import pytest

from civtrack import store
from civtrack.load import parse_progress
from civtrack.workspace import Config
from tests import forkserver
from tests.conftest import INSTALLED_ONLY
from tests.forkserver import Spawned
from tests.gitkit import civtrack_exe, cli, env, make_repo

MARCH = "progress/town/2026-03.yaml"
# Issue 7 asks for at least 200 kills at random moments in every run; soak runs 2,000. They come in four
# rounds of their own (each its own repository and random seed), which xdist runs side by side: most of
# a round is waiting for the moment to kill.
KILLS = 2000 if os.environ.get("CIVTRACK_SOAK") else 200
ROUNDS = 4


def record_args(value: int) -> list[str]:
    return ["record", "town/elder-beds", str(value), "--date", "2026-03-15", "--note", f"第{value}次：床位"]


def start_record(root: Path, value: int, **extra: str) -> subprocess.Popen[str] | Spawned:
    """A record that runs while the test waits for the moment to kill it: a process forked from the test's
    fork server (tests/forkserver.py; it starts in milliseconds, so the test spends its time killing, not
    starting Python), or the installed console script under CIVTRACK_TEST_INSTALLED."""
    if not INSTALLED_ONLY:
        return forkserver.shared().spawn(record_args(value), root, env(**extra))
    return subprocess.Popen(
        [civtrack_exe(), *record_args(value)], cwd=root, env=env(**extra), stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def record_time(root: Path) -> float:
    """How long one record takes here, start to exit (the window in which the random kills fall)."""
    began = time.monotonic()
    proc = start_record(root, 1)
    proc.communicate(timeout=60)
    assert proc.returncode == 0
    return time.monotonic() - began


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_kill_9_never_loses_a_confirmed_entry_and_a_torn_one_is_reported(tmp_path: Path, round_: int) -> None:
    """Half of the runs write in small chunks (the test hook) and are killed as soon as the write has
    begun: a real torn entry. The other half are killed at a random moment (often holding the lock)."""
    root = make_repo(tmp_path / "repo", with_git=False)
    path = root / MARCH
    rng = random.Random(20260315 + round_)
    window = 1.2 * record_time(root)  # from before the start to a little after the end
    confirmed: list[int] = [1]
    torn = 0
    kills = KILLS // ROUNDS
    for n in range(kills):
        value = 10_000 + n
        chunked = n % 2 == 0
        size = path.stat().st_size if path.exists() else 0
        proc = start_record(root, value, **({"CIVTRACK_TEST_WRITE_CHUNK": "7:0.01"} if chunked else {}))
        if chunked:
            deadline = time.monotonic() + 60
            while proc.poll() is None and (not path.exists() or path.stat().st_size == size):
                assert time.monotonic() < deadline, "record never started writing (a lock left held?)"
                time.sleep(0.001)
        else:
            time.sleep(rng.uniform(0.0, window))
        proc.send_signal(signal.SIGKILL)
        out, err = proc.communicate(timeout=60)
        if proc.returncode == 0:
            assert out.startswith(f"Recorded in {MARCH}:"), err
            confirmed.append(value)
        else:
            assert proc.returncode == -signal.SIGKILL, err

        data = path.read_bytes() if path.exists() else b""
        entries, problems = parse_progress(data, MARCH, "town", "2026-03", Config())
        values = [item.entry.value for item in entries]
        assert len(values) == len(set(values)) and set(confirmed) <= set(values)
        errors = [p for p in problems if p.severity == "error"]
        if errors:
            tail = store.unterminated_tail(data)
            assert tail is not None
            assert [(p.line, p.message.split(":")[0]) for p in errors] == [(tail.line, store.TORN_MESSAGE)]
            assert tail.line == data.count(b"\n") + 1
            torn += 1
            if torn == 1:  # what a user sees, once: check names the line, record refuses
                check = cli(root, "check")
                assert check.returncode == 1
                assert check.stdout.startswith(f"{MARCH}:{tail.line}: error E211: {store.TORN_MESSAGE}")
                refused = cli(root, "record", "town/elder-beds", "1", "--date", "2026-03-16")
                assert refused.returncode == 2 and path.read_bytes() == data
            # The repair the message asks for: delete the incomplete entry.
            with open(path, "r+b") as handle:
                handle.truncate(tail.offset)
        else:
            # A complete line may miss only its newline (a warning); the next record adds it.
            assert all(p.severity == "warning" and p.line == len(values) for p in problems)
    assert torn >= kills // 4, f"only {torn} torn writes in {kills} kills: the test did not exercise them"
    final = cli(root, "check")
    assert final.returncode == 0, final.stdout + final.stderr
    done = cli(root, "record", "town/elder-beds", "1", "--date", "2026-03-16")  # no lock left behind
    assert done.returncode == 0, done.stderr


def _drop_file_capabilities() -> None:
    """In the child, before exec: remove the capabilities that let root ignore file permissions.

    Dropped from the bounding set, so the exec'd civtrack (still uid 0) is held to the
    owner's permission bits like any user.
    """
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (1, 2, 3):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER
        if libc.prctl(24, cap, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def as_unprivileged(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run civtrack so that file permissions apply to it (root ignores them otherwise)."""
    preexec = _drop_file_capabilities if os.geteuid() == 0 else None
    try:
        return subprocess.run(
            [civtrack_exe(), *args],
            cwd=root,
            env=env(),
            capture_output=True,
            text=True,
            timeout=120,
            preexec_fn=preexec,
        )
    except subprocess.SubprocessError as exc:  # pragma: no cover - a container without CAP_SETPCAP
        pytest.skip(f"cannot run without root's file capabilities here: {exc}")


def test_a_read_only_folder_gives_a_clear_error_and_nothing_half_written(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo", with_git=False)
    (root / ".civtrack" / "locks").mkdir(parents=True)  # the lock can be taken; the progress folder is read-only
    (root / "progress" / "town").mkdir()
    (root / "progress" / "town").chmod(0o555)
    result = as_unprivileged(root, "record", "town/elder-beds", "5", "--date", "2026-03-15")
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"{MARCH}: error E509: cannot write: permission denied (is the folder read-only?); nothing was recorded"
    ]
    assert list((root / "progress" / "town").iterdir()) == []
    dry = as_unprivileged(root, "record", "town/elder-beds", "5", "--date", "2026-03-15", "--dry-run")
    assert dry.returncode == 0, dry.stderr


def test_a_read_only_month_file_is_left_as_it_was(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo", with_git=False)
    (root / ".civtrack" / "locks").mkdir(parents=True)
    month = root / MARCH
    month.parent.mkdir(parents=True)
    month.write_text("- {date: 2026-03-01, indicator: elder-beds, value: 1}\n", encoding="utf-8")
    month.chmod(0o444)
    month.parent.chmod(0o555)
    result = as_unprivileged(root, "record", "town/elder-beds", "5", "--date", "2026-03-15")
    assert result.returncode == 2
    assert "permission denied (is the folder read-only?); nothing was recorded" in result.stderr
    assert month.read_text(encoding="utf-8") == "- {date: 2026-03-01, indicator: elder-beds, value: 1}\n"
    status = as_unprivileged(root, "status", "--format", "json")  # reading still works
    assert status.returncode == 0, status.stderr


def test_a_repository_where_the_lock_cannot_be_made(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo", with_git=False)
    root.chmod(0o555)
    result = as_unprivileged(root, "record", "town/elder-beds", "5", "--date", "2026-03-15")
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"{root / '.civtrack' / 'locks'}: error E506: cannot create the lock for {MARCH}: Permission denied"
    ]
    assert not (root / "progress" / "town").exists()
    root.chmod(0o755)


def test_a_folder_that_cannot_be_listed_is_reported_not_skipped(tmp_path: Path) -> None:
    """Issue 18 D3: a progress folder without permissions was skipped silently: `check` said 0 entries and
    0 errors and every current was 0; `record` exited 3, and `history` exited 3 on an unreadable month file."""
    root = make_repo(tmp_path / "repo", with_git=False)
    (root / MARCH).parent.mkdir(parents=True)
    (root / MARCH).write_text("- {date: 2026-03-01, indicator: elder-beds, value: 300}\n", encoding="utf-8")
    folder = root / "progress" / "town"
    folder.chmod(0)
    try:
        check = as_unprivileged(root, "check")
        status = as_unprivileged(root, "status", "--as-of", "2026-06-01")
        record = as_unprivileged(root, "record", "town/elder-beds", "1", "--date", "2026-03-02")
        history = as_unprivileged(root, "history", "town/elder-beds")
        folder.chmod(0o755)
        (root / MARCH).chmod(0)
        unreadable = as_unprivileged(root, "history", "town/elder-beds")
    finally:
        folder.chmod(0o755)
        (root / MARCH).chmod(0o644)
    listed = "progress/town: error E308: cannot list this folder (permission denied): the files in it are not read"
    assert (check.returncode, check.stdout, check.stderr) == (
        1,
        listed + "\n",
        "1 plans, 0 entries: 1 errors, 0 warnings\n",
    )
    assert (status.returncode, status.stdout) == (2, "")
    assert status.stderr.splitlines()[0] == listed
    assert (record.returncode, record.stdout, record.stderr) == (
        2, "", f"{MARCH}: error E508: cannot read: permission denied; nothing was recorded\n"
    )  # fmt: skip
    assert (history.returncode, history.stderr.splitlines()[0]) == (2, listed)
    assert (unreadable.returncode, unreadable.stderr.splitlines()[0]) == (
        2, f"{MARCH}: error E001: cannot read the file: permission denied"
    )  # fmt: skip
    assert (root / MARCH).read_text(encoding="utf-8").count("\n") == 1


def test_record_never_makes_its_lock_through_a_link(tmp_path: Path) -> None:
    """Issue 18 D6, for the lock folder: `.civtrack` (or a lock file) that is a link made record create files
    where it leads. It refuses instead, and writes nothing."""
    root = make_repo(tmp_path / "repo", with_git=False)
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (root / ".civtrack").symlink_to(outside, target_is_directory=True)
    linked = cli(root, "record", "town/elder-beds", "1", "--date", "2026-03-02")
    assert linked.returncode == 2 and list(outside.iterdir()) == []
    assert linked.stderr.startswith(f"{root}/.civtrack/locks: error E506: cannot create the lock for {MARCH}: ")
    (root / ".civtrack").unlink()
    (root / ".civtrack/locks").mkdir(parents=True)
    victim = outside / "victim"
    victim.write_text("keep\n", encoding="utf-8")
    store.lock_path(root, MARCH).symlink_to(victim)
    file_link = cli(root, "record", "town/elder-beds", "1", "--date", "2026-03-02")
    assert file_link.returncode == 2 and victim.read_text(encoding="utf-8") == "keep\n"
    assert not (root / MARCH).exists()


def test_plans_that_cannot_be_listed_are_not_unknown_plans(tmp_path: Path) -> None:
    """Issue 18 D21: an unlistable plans/ gave only "unknown plan" errors (check), and exit 3 (record,
    history). Now the folder is named, and nothing is called unknown."""
    root = make_repo(tmp_path / "repo", with_git=False)
    (root / MARCH).parent.mkdir(parents=True)
    (root / MARCH).write_text("- {date: 2026-03-01, indicator: elder-beds, value: 300}\n", encoding="utf-8")
    (root / "plans").chmod(0)
    try:
        check = as_unprivileged(root, "check")
        record = as_unprivileged(root, "record", "town/elder-beds", "1", "--date", "2026-03-02")
        history = as_unprivileged(root, "history", "town/elder-beds")
    finally:
        (root / "plans").chmod(0o755)
    assert (check.returncode, check.stdout) == (
        1, "plans: error E308: cannot list this folder (permission denied): the files in it are not read\n"
    )  # fmt: skip
    unreadable = "plans/town.yaml: error E001: cannot read the file: permission denied\n"
    assert (record.returncode, record.stderr) == (2, unreadable)
    assert (history.returncode, history.stderr) == (2, unreadable)

"""Concurrent `record` processes lose nothing and never interleave; a reader never sees half an entry."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from civtrack.load import load_disk
from civtrack.workspace import Config
from tests.gitkit import civtrack_exe, cli, env, make_repo

DRIVER = str(Path(__file__).with_name("record_driver.py"))
MARCH = "progress/town/2026-03.yaml"
# Records per process: 50 under `make soak`, 20 in `make test` (160 records still contend for one lock).
EACH = 50 if os.environ.get("CIVTRACK_SOAK") else 20


def start(*args: str, **extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, DRIVER, *args], env=env(**extra), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def values(root: Path) -> list[int]:
    loaded = load_disk(root, Config())
    assert loaded.problems == []
    return [int(item.entry.value) for item in loaded.all_entries()]


def test_eight_processes_record_many_entries_each_into_one_file(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo", with_git=False)
    workers = [start("write", str(root), str(worker), str(EACH)) for worker in range(1, 9)]
    outputs = [proc.communicate(timeout=300) for proc in workers]
    assert [proc.returncode for proc in workers] == [0] * 8, [err for _, err in outputs]
    confirmed = sorted(int(line) for out, _ in outputs for line in out.split())
    expected = sorted(worker * 1000 + i for worker in range(1, 9) for i in range(EACH))
    assert confirmed == expected
    assert sorted(values(root)) == expected  # exactly 8 × EACH entries, each once
    text = (root / MARCH).read_text(encoding="utf-8")
    assert text.count("\n") == 8 * EACH and all(line.startswith("- {date: 2026-03-15,") for line in text.splitlines())
    for worker in range(1, 9):  # each process's entries stand in the order it wrote them
        mine = [v for v in values(root) if v // 1000 == worker]
        assert mine == sorted(mine)
    check = cli(root, "check")
    assert (check.returncode, check.stdout + check.stderr) == (0, f"1 plans, {8 * EACH} entries: 0 errors, 0 warnings\n")


def test_installed_commands_started_together(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo", with_git=False)
    procs = [
        subprocess.Popen(
            [civtrack_exe(), "record", "town/homes/east", str(n), "--date", "2026-03-20"],
            cwd=root,
            env=env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        for n in range(1, 7)
    ]
    results = [(p.wait(timeout=120), p.stdout.read(), p.stderr.read()) for p in procs]  # type: ignore[union-attr]
    assert [code for code, _, _ in results] == [0] * 6, results
    lines_written = sorted(int(out.splitlines()[0].rsplit(":", 1)[1]) for _, out, _ in results)
    assert lines_written == [1, 2, 3, 4, 5, 6]  # each process appended its own line
    assert sorted(values(root)) == [1, 2, 3, 4, 5, 6]


def test_status_never_sees_half_an_entry_while_records_are_written(tmp_path: Path) -> None:
    """Writers append in small chunks with pauses (the test hook), so readers do catch lines half-written."""
    root = make_repo(tmp_path / "repo", with_git=False)
    stop = tmp_path / "stop"
    reader = start("read", str(root), str(stop))
    slow = {"CIVTRACK_TEST_WRITE_CHUNK": "9:0.003"}
    writers = [start("write", str(root), str(worker), "25", **slow) for worker in (1, 2, 3)]
    outputs = [proc.communicate(timeout=300) for proc in writers]
    assert [proc.returncode for proc in writers] == [0, 0, 0], [err for _, err in outputs]
    stop.touch()
    out, err = reader.communicate(timeout=120)
    assert reader.returncode == 0, out[-2000:] + err
    readings = [float(line) for line in out.split()]
    total = sum(worker * 1000 + i for worker in (1, 2, 3) for i in range(25))
    assert readings[-1] == total
    assert len(readings) >= 5  # the reader really ran while the writers wrote
    assert readings == sorted(readings)


def test_a_held_lock_makes_record_wait_not_fail(tmp_path: Path) -> None:
    from civtrack import store

    root = make_repo(tmp_path / "repo", with_git=False)
    with store.locked(root, MARCH):
        proc = subprocess.Popen(
            [civtrack_exe(), "record", "town/elder-beds", "1", "--date", "2026-03-20"],
            cwd=root, env=env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        time.sleep(1.5)
        assert proc.poll() is None  # waiting for the lock
        assert not (root / MARCH).exists()
    assert proc.wait(timeout=60) == 0
    assert values(root) == [1]
    assert os.listdir(root / ".civtrack") == [".gitignore", "locks"] or sorted(os.listdir(root / ".civtrack")) == [
        ".gitignore",
        "locks",
    ]

"""civtrack/files.py: the one way civtrack opens files (issue 18: D7, D9, D3 and the root fix)."""

from __future__ import annotations

import errno
import os
import stat
import threading
from pathlib import Path

import pytest

from civtrack import files
from civtrack.commands.report import write_atomic
from civtrack.errors import InputError


def test_output_onto_a_regular_file_replaces_it_whole(tmp_path: Path) -> None:
    target = tmp_path / "report.md"
    target.write_text("old report, much longer than the new one\n", encoding="utf-8")
    files.write_output(target, ["# 报告\n", "line\n"])
    assert target.read_text(encoding="utf-8") == "# 报告\nline\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.md"]  # no temporary file left


def test_output_onto_a_named_pipe_writes_into_it_and_keeps_the_pipe(tmp_path: Path) -> None:
    """D7: `-o` onto a FIFO (or a device) used to replace it with a regular file."""
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    received: list[bytes] = []

    def reader() -> None:
        with open(pipe, "rb") as handle:
            received.append(handle.read())

    thread = threading.Thread(target=reader)
    thread.start()
    for _ in range(500):  # the reader has opened its end when a non-blocking writer can open
        try:
            files.write_output(pipe, ["第一行\n", "two\n"])
            break
        except OSError as exc:
            assert exc.errno == errno.ENXIO
            threading.Event().wait(0.01)
    thread.join(10)
    assert received == ["第一行\ntwo\n".encode()]
    assert stat.S_ISFIFO(os.lstat(pipe).st_mode)


def test_output_onto_devices_writes_into_them() -> None:
    """`-o /dev/null` works and leaves the device as it was; `-o /dev/full` fails with ENOSPC."""
    before = os.stat("/dev/null")
    files.write_output(Path("/dev/null"), ["x" * 10_000])
    after = os.stat("/dev/null")
    assert stat.S_ISCHR(after.st_mode) and (after.st_ino, after.st_rdev) == (before.st_ino, before.st_rdev)
    if os.path.exists("/dev/full"):
        with pytest.raises(InputError) as caught:
            write_atomic(Path("/dev/full"), ["x\n"])
        assert str(caught.value) == "/dev/full: error E516: cannot write the report: no space left on the device"
        assert stat.S_ISCHR(os.stat("/dev/full").st_mode)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("pipe", "it is a named pipe that no process reads"),
        ("folder", "it is a folder: give a file name"),
        (".", "it is a folder: give a file name"),  # what typer makes of `-o ''`
        ("file/report.md", "a part of the path is a file, not a folder"),
    ],
)
def test_what_cannot_take_the_output_is_refused_in_words(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, message: str
) -> None:
    """D21: `-o` under a regular file said "File exists", `-o ''` "Device or resource busy"."""
    monkeypatch.chdir(tmp_path)
    os.mkfifo("pipe")
    os.mkdir("folder")
    Path("file").write_text("keep\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        write_atomic(Path(name), ["x\n"])
    assert str(caught.value) == f"{name}: error E516: cannot write the report: {message}"
    assert stat.S_ISFIFO(os.lstat("pipe").st_mode) and Path("file").read_text(encoding="utf-8") == "keep\n"
    assert sorted(os.listdir()) == ["file", "folder", "pipe"] and os.listdir("folder") == []


def test_open_regular_refuses_what_is_not_a_regular_file(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe")  # opening it for reading would wait for a writer forever
    (tmp_path / "folder").mkdir()
    (tmp_path / "file").write_bytes(b"data")
    os.symlink(tmp_path / "file", tmp_path / "link")
    for name, what in (("pipe", "a named pipe"), ("folder", "a folder")):
        with pytest.raises(files.NotRegularFile) as caught:
            files.open_regular(tmp_path / name)
        assert caught.value.strerror == f"not a regular file ({what}): not read"
    with pytest.raises(OSError) as link:
        files.open_regular(tmp_path / "link")
    assert link.value.errno == errno.ELOOP
    assert files.read_regular(tmp_path / "file", 100) == b"data"
    assert files.read_regular(tmp_path / "file", 2) == b"dat"
    assert files.read_regular(tmp_path / "missing", 2) is None

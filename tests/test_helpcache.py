"""civtrack.helpcache: a help printed before is printed again from its bytes, without the command line; the
same bytes as typer prints, in English and Chinese, at any width, with or without colour; any change of its
key (width, language, the sources) renders it again; an unusable cache folder changes nothing.

Runs are in-process (civtrack.start.main, standard output a byte buffer) except the one that checks that an
answer from the cache imports neither typer nor rich."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

import civtrack.cli
from civtrack import helpcache, start


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cache folder of the test's own, a repository (English) as the working folder, and a plain
    80-column output."""
    for name in helpcache.ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)
    # typer reads FORCE_COLOR once, when typer.rich_utils is first imported: in a worker that first
    # imported it during the FORCE_COLOR case below, every later help would be coloured. rich's
    # Console reads FORCE_COLOR itself, at each run, as a process run does.
    import typer.rich_utils

    monkeypatch.setattr(typer.rich_utils, "FORCE_TERMINAL", None)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("COLUMNS", "80")
    repo = tmp_path / "repo"
    (repo / "plans").mkdir(parents=True)
    (repo / "civtrack.toml").write_text('lang = "en"\n', encoding="utf-8")
    monkeypatch.chdir(repo)
    return tmp_path / "xdg" / "civtrack" / "help"


def run(monkeypatch: pytest.MonkeyPatch, entry: Callable[[], None], *args: str) -> bytes:
    """The bytes ``entry`` writes on standard output for ``civtrack *args`` (exit code 0)."""
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", newline="\n", write_through=True)
    monkeypatch.setattr(sys, "stdout", out)
    monkeypatch.setattr(sys, "argv", ["civtrack", *args])
    try:
        entry()
    except SystemExit as exc:
        assert exc.code in (0, None)
    out.flush()
    return out.buffer.getvalue()  # type: ignore[attr-defined]


class Counted:
    """civtrack.cli.main, counting the runs that built the command line."""

    def __init__(self) -> None:
        self.calls = 0
        self.main = civtrack.cli.main

    def __call__(self) -> None:
        self.calls += 1
        self.main()


@pytest.fixture
def cli_runs(monkeypatch: pytest.MonkeyPatch) -> Counted:
    counted = Counted()
    monkeypatch.setattr(civtrack.cli, "main", counted)
    return counted


CASES = [
    (("--help",), "80", None),
    (("--lang", "zh", "--help"), "80", None),
    (("status", "--help"), "80", None),
    (("--lang", "zh", "report", "--help"), "80", None),
    (("--help",), "52", None),
    (("status", "--help", "--lang", "zh"), "52", None),
    (("record", "-h"), "52", None),
    (("--lang", "zh", "status", "--help"), "120", "1"),  # FORCE_COLOR: the escape codes too
]


@pytest.mark.parametrize(("args", "columns", "force_color"), CASES)
def test_cached_help_is_typers_byte_for_byte(
    args: tuple[str, ...], columns: str, force_color: str | None, cache: Path, cli_runs: Counted,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setenv("COLUMNS", columns)
    if force_color:
        monkeypatch.setenv("FORCE_COLOR", force_color)
    typer_prints = run(monkeypatch, civtrack.cli.main, *args)
    assert cli_runs.calls == 1 and not cache.exists()  # the command line itself keeps nothing
    first = run(monkeypatch, start.main, *args)
    assert cli_runs.calls == 2 and len(os.listdir(cache)) == 1
    again = run(monkeypatch, start.main, *args)
    assert cli_runs.calls == 2  # answered from the cache
    assert first == typer_prints and again == typer_prints
    assert (b"\x1b[" in typer_prints) == bool(force_color)
    assert ("用法".encode() in typer_prints) == ("zh" in args) != (b" Usage: " in typer_prints)


def test_a_changed_width_or_language_renders_again(
    cache: Path, cli_runs: Counted, monkeypatch: pytest.MonkeyPatch
) -> None:
    english = run(monkeypatch, start.main, "status", "--help")
    assert run(monkeypatch, start.main, "status", "--help") == english and cli_runs.calls == 1
    monkeypatch.setenv("COLUMNS", "60")
    narrow = run(monkeypatch, start.main, "status", "--help")
    assert cli_runs.calls == 2 and narrow != english and max(map(len, narrow.decode().splitlines())) == 60
    monkeypatch.setenv("COLUMNS", "80")
    Path("civtrack.toml").write_text('lang = "zh"\n', encoding="utf-8")  # the repository's language
    chinese = run(monkeypatch, start.main, "status", "--help")
    assert cli_runs.calls == 3 and "用法：".encode() in chinese
    assert run(monkeypatch, start.main, "status", "--help", "--lang", "en") == english  # --lang en: kept before
    assert cli_runs.calls == 4  # another command line, another key (its text is the same)
    Path("civtrack.toml").write_text('lang = "en"\n', encoding="utf-8")
    assert run(monkeypatch, start.main, "status", "--help") == english and cli_runs.calls == 4
    assert len(os.listdir(cache)) == 4


def test_a_root_given_before_the_command_gives_the_language(
    tmp_path: Path, cache: Path, cli_runs: Counted, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = tmp_path / "other"
    (other / "plans").mkdir(parents=True)
    (other / "civtrack.toml").write_text('lang = "zh"\n', encoding="utf-8")
    english = run(monkeypatch, start.main, "--root", str(other), "--help")
    assert "用法".encode() in english  # the language of --root's civtrack.toml, not the working folder's
    (other / "civtrack.toml").write_text('lang = "en"\n', encoding="utf-8")
    assert "用法".encode() not in run(monkeypatch, start.main, "--root", str(other), "--help")
    assert cli_runs.calls == 2


def test_only_a_help_shown_is_kept(cache: Path, cli_runs: Counted, monkeypatch: pytest.MonkeyPatch) -> None:
    """--help as the value of an option is no help: the command runs, and runs again next time."""
    Path("plans/p.yaml").write_text(
        "id: p\ntitle: P\nperiod: {start: 2024-01-01, end: 2024-12-31}\n"
        "indicators:\n  - {id: a, name: A, target: 10, due: 2024-12-31}\n",
        encoding="utf-8",
    )
    (Path("progress") / "p").mkdir(parents=True)
    for _ in range(2):
        table = run(monkeypatch, start.main, "status", "--owner", "--help", "--as-of", "2024-06-30")
        assert b"as of 2024-06-30" in table
    assert run(monkeypatch, start.main, "--version", "--help") == b"civtrack 0.1.0\n"  # eager: no help
    assert cli_runs.calls == 3 and not cache.exists()


def test_an_unusable_cache_folder_changes_nothing(
    tmp_path: Path, cache: Path, cli_runs: Counted, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder\n", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    typer_prints = run(monkeypatch, civtrack.cli.main, "--help")
    assert run(monkeypatch, start.main, "--help") == typer_prints
    assert run(monkeypatch, start.main, "--help") == typer_prints
    assert cli_runs.calls == 3 and blocker.read_text(encoding="utf-8") == "not a folder\n"
    assert capsys.readouterr().err == ""


def test_an_answer_of_another_key_under_the_same_name_is_not_given(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    wanted = helpcache.key(["--help"])
    helpcache.store(wanted, b"help\n")
    assert helpcache.lookup(wanted) == b"help\n"
    path = cache / os.listdir(cache)[0]
    path.write_bytes(wanted[:-1] + b"!\n" + b"other\n")  # a checksum's collision: the name is the same
    assert helpcache.lookup(wanted) is None


def test_an_answer_others_may_write_or_no_home_folder(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    wanted = helpcache.key(["--help"])
    helpcache.store(wanted, b"help\n")
    (path,) = cache.iterdir()
    assert path.stat().st_mode & 0o777 == 0o600 and helpcache.lookup(wanted) == b"help\n"
    path.chmod(0o622)  # another user could have put escape sequences there
    assert helpcache.lookup(wanted) is None
    monkeypatch.setenv("XDG_CACHE_HOME", "relative")  # ignored, as the XDG specification says
    monkeypatch.setenv("HOME", str(cache.parent.parent.parent / "home"))
    assert helpcache.folder() == str(cache.parent.parent.parent / "home" / ".cache" / "civtrack" / "help")
    monkeypatch.setenv("HOME", "")
    monkeypatch.setattr(os.path, "expanduser", lambda path: path)  # no home folder at all
    assert helpcache.folder() is None and helpcache.lookup(wanted) is None
    helpcache.store(wanted, b"help\n")  # nothing written, no error
    assert not Path("~").exists() and not Path("relative").exists()


def test_the_fingerprint_follows_every_file_but_bytecode(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    (package / "commands" / "__pycache__").mkdir(parents=True)
    (package / "cli.py").write_text("x = 1\n", encoding="utf-8")
    (package / "commands" / "status.md").write_text("Help.\n", encoding="utf-8")
    before = helpcache.fingerprint(str(package))
    assert [path for path, _, _ in before] == ["/cli.py", "/commands/status.md"]
    (package / "commands" / "__pycache__" / "status.cpython-311.pyc").write_bytes(b"\0")
    assert helpcache.fingerprint(str(package)) == before
    (package / "commands" / "status.md").write_text("Help!\n", encoding="utf-8")  # same size, a later time
    os.utime(package / "commands" / "status.md", ns=(1, before[1][2] + 1))
    assert helpcache.fingerprint(str(package)) != before


def test_the_oldest_answers_go(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(helpcache, "KEEP", 3)
    for index in range(5):
        helpcache.store(f"key {index}".encode(), b"text\n")
        os.utime(helpcache._path(f"key {index}".encode()), ns=(index, index))
    assert sorted(os.listdir(cache)) == sorted(
        os.path.basename(helpcache._path(f"key {i}".encode())) for i in (2, 3, 4)
    )


PROBE = """
import sys
sys.argv = ["civtrack", "--help"]
from civtrack.start import main
try:
    main()
except SystemExit:
    pass
print(sorted(name for name in ("typer", "rich", "civtrack.cli", "pydantic") if name in sys.modules))
"""


def test_an_answer_from_the_cache_builds_no_command_line(tmp_path: Path) -> None:
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "xdg"), "COLUMNS": "80"}
    runs = [
        subprocess.run(
            [sys.executable, "-c", PROBE], capture_output=True, text=True, check=False, env=env, cwd=tmp_path
        )
        for _ in range(2)
    ]
    assert [(done.returncode, done.stderr) for done in runs] == [(0, ""), (0, "")]
    first, second = (done.stdout.rsplit("\n", 2) for done in runs)
    assert first[0] == second[0] and "\n Usage: civtrack [OPTIONS] COMMAND [ARGS]..." in first[0]
    assert first[1] == "['civtrack.cli', 'rich', 'typer']" and second[1] == "[]"

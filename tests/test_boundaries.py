"""Exit 3 is never the answer to input (issue 18): every command over boundary inputs — dates in the years
0001 and 9999, huge and negative settings, folders where files belong, named pipes, months at the ends of
the calendar — ends with exit 0, 1 or 2, never an internal error. In-process (civtrack.cli.main, which
turns every exception into exit 3), so that the hundred runs stay within a few seconds."""

from __future__ import annotations

import contextlib
import gc
import io
import os
import sys
from pathlib import Path

import pytest

from civtrack.cli import main

PLAN = """\
id: town
title: 示范县工作要点
period: {{start: {start}, end: {end}}}
indicators:
  - {{id: beds, name: 新增养老床位, unit: 张, target: 800, every: quarter}}
  - {{id: rate, name: 上报率, unit: "%", target: 95, accumulate: latest, checkpoints: [{{by: {end}, value: 95}}]}}
  - {{id: smoke, name: 吸烟率, unit: "%", comparator: "<=", baseline: 30, target: 20}}
  - {{id: plan-doc, name: 编制规划, kind: milestone, due: {end}}}
"""


def run(root: Path, *args: str) -> tuple[int, str]:
    """civtrack ARGS… in ``root``, in-process: its exit code and everything it printed."""
    out, err = io.StringIO(), io.StringIO()
    argv, cwd = sys.argv, os.getcwd()
    sys.argv = ["civtrack", *args]
    os.chdir(root)
    code: int | str | None = 0
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                main()
            except SystemExit as exc:
                code = exc.code
    finally:
        sys.argv = argv
        os.chdir(cwd)
        gc.enable()  # main() disables the cyclic collector for its run
    return (code if isinstance(code, int) else (0 if code is None else 1)), out.getvalue() + err.getvalue()


def make(root: Path, start: str, end: str, month: str, day: str) -> Path:
    (root / "plans").mkdir(parents=True)
    (root / "plans/town.yaml").write_text(PLAN.format(start=start, end=end), encoding="utf-8")
    (root / "progress/town").mkdir(parents=True)
    (root / f"progress/town/{month}.yaml").write_text(
        f"- {{date: {day}, indicator: beds, value: 5}}\n- {{date: {day}, indicator: rate, value: 50}}\n",
        encoding="utf-8",
    )
    return root


COMMANDS = [
    ("check",),
    ("check", "--strict"),
    ("status", "--as-of", "{first}"),
    ("status", "--as-of", "{last}"),
    ("status", "--chart", "--as-of", "{last}"),
    ("status", "--format", "json", "--as-of", "0001-01-01"),
    ("status", "--as-of", "9999-12-31"),
    ("report", "--month", "{month}"),
    ("report", "--month", "{month}", "--format", "html"),
    ("report", "--month", "9999-12"),
    ("report", "--month", "9999-11", "--format", "html"),
    ("report", "--month", "0001-01"),
    ("report", "--month", "0001-02"),
    ("report", "--month", "0000-01"),
    ("export", "--as-of", "{last}"),
    ("export", "entries", "--as-of", "{first}"),
    ("history", "town/beds"),
    ("history", "town/plan-doc"),
    ("record", "town/beds", "1", "--date", "{first}", "--as-of", "{last}"),
    ("record", "town/beds", "1", "--date", "{last}", "--as-of", "9999-12-31"),
    ("record", "town/plan-doc", "--done", "--date", "{last}"),
    ("record", "town/beds", "1", "--date", "0000-01-01"),
    ("record", "town/beds", "1", "--date", "10000-01-01"),
    ("record", "town/beds", "1" + "0" * 5000, "--date", "{first}"),
    ("record", "town/beds", "-1e400", "--date", "{first}"),
    ("schema",),
]
ERAS = {  # the plan's period, its month file and its entries' day
    "year 1": ("0001-01-01", "0001-12-31", "0001-03", "0001-03-15"),
    "year 9999": ("9999-01-01", "9999-12-31", "9999-03", "9999-03-15"),
}
DAMAGE = {
    "none": lambda root: None,
    "max_file_bytes huge": lambda root: (root / "civtrack.toml").write_text("max_file_bytes = 9223372036854775807\n"),
    "max_file_bytes negative": lambda root: (root / "civtrack.toml").write_text("max_file_bytes = -1\n"),
    "pace_tolerance huge": lambda root: (root / "civtrack.toml").write_text("pace_tolerance = 1e308\n"),
    "pace_tolerance negative": lambda root: (root / "civtrack.toml").write_text("pace_tolerance = -5\n"),
    "civtrack.toml a folder": lambda root: (root / "civtrack.toml").mkdir(),
    "month file a folder": None,  # made in the test (it knows the month)
    "month file a pipe": None,
    "plan a folder": lambda root: (root / "plans/other.yaml").mkdir(),
    "plan a pipe": lambda root: os.mkfifo(root / "plans/other.yaml"),
    "progress a file": lambda root: (
        __import__("shutil").rmtree(root / "progress"),
        (root / "progress").write_text("- {date: 2021-01-01, indicator: beds, value: 1}\n"),
    ),
}


# Damage is tried with the commands that read what it spoils (in the year 9999: the other era's dates are
# tried on a sound repository above).
SPOILED = [
    ("check",), ("status", "--chart", "--as-of", "{last}"), ("report", "--month", "{month}", "--format", "html"),
    ("export", "entries", "--as-of", "{last}"), ("history", "town/beds"),
    ("record", "town/beds", "1", "--date", "{last}"),
]  # fmt: skip
CASES = [(era, "none") for era in ERAS] + [("year 9999", damage) for damage in DAMAGE if damage != "none"]


@pytest.mark.parametrize(("era", "damage"), CASES, ids=[f"{e}-{d}" for e, d in CASES])
def test_every_command_exits_0_1_or_2_on_boundary_inputs(tmp_path: Path, era: str, damage: str) -> None:
    start, end, month, day = ERAS[era]
    root = make(tmp_path / "repo", start, end, month, day)
    if damage.startswith("month file"):
        (root / f"progress/town/{month}.yaml").unlink()
        if damage == "month file a folder":
            (root / f"progress/town/{month}.yaml").mkdir()
        else:
            os.mkfifo(root / f"progress/town/{month}.yaml")
    else:
        DAMAGE[damage](root)
    fields = {"first": start, "last": end, "month": month}
    failures = []
    for command in COMMANDS if damage == "none" else SPOILED:
        args = [arg.format(**fields) for arg in command]
        code, output = run(root, *args)
        if code not in (0, 1, 2) or "internal error" in output or "Traceback" in output:
            failures.append(f"{' '.join(args)[:80]} → {code}: {output.strip()[-300:]}")
    assert failures == []


@pytest.mark.parametrize("place", ["a dangling link", "under a regular file", "a link in the way"])
def test_init_never_exits_3_and_leaves_nothing_half_made(tmp_path: Path, place: str) -> None:
    """D13: `init` into a dangling symbolic link, under a regular file, or where a file of its own is a
    dangling link, exited 3 (on a read-only file system it left 3 of its 4 files behind)."""
    target = tmp_path / "repo"
    if place == "a dangling link":
        target.symlink_to(tmp_path / "nowhere")
    elif place == "under a regular file":
        (tmp_path / "file").write_text("")
        target = tmp_path / "file" / "repo"
    else:
        target.mkdir()
        (target / "civtrack.toml").symlink_to(tmp_path / "nowhere")
    before = sorted(p.name for p in tmp_path.rglob("*"))
    code, output = run(tmp_path, "init", str(target))
    assert code == 2 and "internal error" not in output, output
    assert sorted(p.name for p in tmp_path.rglob("*")) == before


def test_command_line_values_are_echoed_escaped_and_cut(tmp_path: Path) -> None:
    """D20: values, references, dates, months and plan ids from the command line were echoed whole and raw:
    escape sequences reached the terminal, and a 5,000-digit value gave a 5 KB message."""
    root = make(tmp_path / "repo", *ERAS["year 9999"])
    esc, huge = "1\x1b[2J", "9" * 5000
    for args in (
        ("record", "town/beds", esc, "--date", "9999-03-01"),
        ("record", "town/beds", huge, "--date", "9999-03-01"),
        ("record", "town/beds", "1.5" + "0" * 5000 + "x", "--date", "9999-03-01"),
        ("record", f"town/{esc}", "1"),
        ("status", "--as-of", esc),
        ("status", "--plan", esc),
        ("report", "--month", esc),
        ("export", "--plan", huge),
    ):
        code, output = run(root, *args)
        assert code == 2, output
        assert "\x1b" not in output and len(output) < 600, (args, output[:200])

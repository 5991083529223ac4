"""Growth tests (issue 18): commands whose input can grow are timed in-process on inputs 8× apart, and the
time must grow less than 20× — only a guard against gross quadratic growth (8× the input, quadratic: 64×).
The real figures belong to `make bench` (benchmarks/)."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from pathlib import Path

from typer.testing import CliRunner

from civtrack.cli import app

PLAN = """\
id: town
title: 示范县工作要点
period: {{start: 2026-01-01, end: {end}-12-31}}
indicators:
  - {{id: beds, name: 新增养老床位, unit: 张, target: 80000, every: month}}
  - {{id: homes, name: 敬老院改造, unit: 家, target: 60, checkpoints: [{{by: 2026-06-30, value: 30}}]}}
"""


def repo(root: Path, years: int, entries: int) -> Path:
    (root / "plans").mkdir(parents=True)
    (root / "plans/town.yaml").write_text(PLAN.format(end=2026 + years - 1), encoding="utf-8")
    folder = root / "progress/town"
    folder.mkdir(parents=True)
    lines = [f"- {{date: 2026-03-{1 + n % 28:02d}, indicator: beds, value: 1, id: e{n:07d}}}\n" for n in range(entries)]
    (folder / "2026-03.yaml").write_text("".join(lines), encoding="utf-8")
    return root


def timed(root: Path, *args: str) -> float:
    """The best of two in-process runs, each without a cache (a cached run would not read the input)."""
    best = float("inf")
    for _ in range(2):
        shutil.rmtree(root / ".civtrack", ignore_errors=True)
        start = time.perf_counter()
        result = CliRunner().invoke(app, ["--root", str(root), *args])
        best = min(best, time.perf_counter() - start)
        assert result.exit_code == 0, result.output
    return best


def assert_grows_less_than_20x(tmp_path: Path, make: Callable[[Path, int], Path], *args: str) -> None:
    small, large = timed(make(tmp_path / "small", 1), *args), timed(make(tmp_path / "large", 8), *args)
    assert large < 20 * max(small, 0.01), (small, large)


def test_html_report_grows_with_the_period_not_its_square(tmp_path: Path) -> None:
    """D10: with `every: month`, the HTML report scanned every checkpoint once per month drawn (a period to
    9999: over 5 minutes). 100 years of months against 800 (before the fix: 0.13 s and 4 s)."""
    assert_grows_less_than_20x(
        tmp_path, lambda root, k: repo(root, 100 * k, 10), "report", "--month", "2026-03", "--format", "html"
    )


def test_history_and_check_grow_with_the_entries(tmp_path: Path) -> None:
    """history over 100 entries against 800; check over 1,000 against 8,000."""
    assert_grows_less_than_20x(tmp_path / "h", lambda root, k: repo(root, 1, 100 * k), "history", "town/beds")
    assert_grows_less_than_20x(tmp_path / "c", lambda root, k: repo(root, 1, 1000 * k), "check")

#!/usr/bin/env python3
"""How long `civtrack sheet` and `civtrack import` take on a 10,000-row sheet (issue 14: "a few seconds").

Builds a repository of 200 plans × 50 number indicators (10,000 items: one row each
in the fill-in workbook), writes the month's sheet with the installed `civtrack sheet`,
fills every value cell with openpyxl (not timed: that is the person's part), and
measures, wall time of the installed command as a subprocess (Python's start-up and
imports included: what a user waits for):

* `civtrack sheet --month 2026-10` (10,000 rows, 200 sheets);
* `civtrack import --dry-run` (every row read and checked, nothing written);
* `civtrack import` (checked, appended to 200 month files, the summary printed);
* `civtrack import` again (every row found already recorded and skipped).

Usage: python -m benchmarks.bench_import [--plans N] [--indicators N]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.run import civtrack_bin


def make_repo(root: Path, plans: int, indicators: int) -> None:
    (root / "plans").mkdir(parents=True)
    (root / "progress").mkdir()
    (root / "civtrack.toml").write_text('lang = "zh"\n', encoding="utf-8")
    for p in range(plans):
        lines = [
            f"id: county-{p:03d}",
            f"title: 第{p}县民政局2026年工作要点",
            "period: {start: 2026-01-01, end: 2026-12-31}",
            "indicators:",
        ]
        for i in range(indicators):
            lines += [
                f"  - id: ind-{i:02d}",
                f"    name: 新增养老服务床位第{i}项",
                f"    section: 第{i // 10}部分",
                "    unit: 张",
                f"    target: {100 + i}",
                f"    owner: 第{i % 5}科",
            ]
        (root / "plans" / f"county-{p:03d}.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def timed(argv: list[str], cwd: Path) -> tuple[float, float]:
    """Wall time and CPU time (user + system) of the command: on a shared machine the CPU time
    says what the command costs, the wall time what its user waited."""
    start, before = time.perf_counter(), os.times()
    result = subprocess.run(argv, cwd=cwd, capture_output=True, text=True)
    elapsed, after = time.perf_counter() - start, os.times()
    if result.returncode != 0:
        sys.exit(f"{' '.join(argv)} failed ({result.returncode}):\n{result.stderr[-2000:]}")
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    return elapsed, cpu


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--plans", type=int, default=200)
    parser.add_argument("--indicators", type=int, default=50)
    args = parser.parse_args(argv)
    from openpyxl import load_workbook

    exe = civtrack_bin()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        make_repo(root, args.plans, args.indicators)
        sheet = timed([exe, "sheet", "--month", "2026-10", "-o", "sheet.xlsx"], root)
        book = load_workbook(root / "sheet.xlsx")
        rows = 0
        for ws in book.worksheets:
            if ws.sheet_state != "visible":
                continue
            for r in range(2, ws.max_row + 1):
                ws.cell(r, 12, r % 17 + 1)
                ws.cell(r, 15, "本月新增")
                rows += 1
        book.save(root / "sheet.xlsx")
        size = (root / "sheet.xlsx").stat().st_size
        dry = timed([exe, "import", "sheet.xlsx", "--dry-run", "--as-of", "2026-10-31"], root)
        real = timed([exe, "import", "sheet.xlsx", "--as-of", "2026-10-31"], root)
        again = timed([exe, "import", "sheet.xlsx", "--as-of", "2026-10-31"], root)
        written = sum(len(p.read_text(encoding="utf-8").splitlines()) for p in (root / "progress").rglob("*.yaml"))
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"{rows:,} rows in {args.plans} sheets ({size / 1e6:.1f} MB); {written:,} entries written")
    print(f"{'':18}{'wall':>8}{'cpu':>8}   (load average {load:.1f} on {os.cpu_count()} cores)")
    for name, (wall, cpu) in (("sheet", sheet), ("import --dry-run", dry), ("import", real), ("import again", again)):
        print(f"  {name:16}{wall:7.2f}s{cpu:7.2f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

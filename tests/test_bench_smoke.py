"""A small smoke of the benchmark runner (the real table is `make bench`, recorded in docs/performance.md)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from benchmarks.generate import generate

ROOT = Path(__file__).resolve().parent.parent


def test_generator_is_deterministic(tmp_path: Path) -> None:
    first = generate(tmp_path / "a", 1_500, seed=5)
    second = generate(tmp_path / "b", 1_500, seed=5)
    assert first == second == {"plans": 2, "files": 24, "entries": 1_500}
    files_a = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file())
    files_b = sorted(p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*") if p.is_file())
    assert files_a == files_b
    assert all((tmp_path / "a" / p).read_bytes() == (tmp_path / "b" / p).read_bytes() for p in files_a)
    journal = (tmp_path / "a" / "ledger.journal").read_text(encoding="utf-8")
    assert journal.count("\n    (") == 1_500  # one posting per entry


def test_runner_prints_the_table(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    run = subprocess.run(
        [sys.executable, "-m", "benchmarks.run", "--sizes", "2k", "--runs", "1", "--json", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert "| case | entries | median | CPU (median) | runs | peak RSS |" in run.stdout
    for case in ("civtrack --version", "status cold (no cache)", "status warm", "status, one month file changed",
                 "check cold (no cache)", "status warm, colour terminal", 'python -c "import civtrack"',
                 "bare yaml-rs parse, one process"):  # fmt: skip
        assert f"| {case} |" in run.stdout
    assert "colour at 2k: status warm, colour terminal / piped = " in run.stdout
    # Issue 19's targets: each a ratio of two cases of this run, with its target and verdict.
    assert "| ratio | entries | measured | target | | the same ratio of CPU times |" in run.stdout
    for ratio, size, target in (("status cold / bare yaml-rs parse", "2k", "≤ 2"),
                                ("status --format json warm / status warm", "2k", "≤ 1.1"),
                                ("report --month warm / status warm", "2k", "≤ 1.5"),
                                ("--version / import civtrack", "—", "≤ 1.5"),
                                ("--help / import civtrack", "—", "≤ 2.5"),
                                ("status, bundled plans / import civtrack", "—", "≤ 4")):  # fmt: skip
        line = next(line for line in run.stdout.splitlines() if line.startswith(f"| {ratio} | {size} | "))
        measured = float(line.split(" | ")[2])
        by_cpu = float(line.split(" | ")[-1].rstrip(" |"))
        assert measured > 0 and by_cpu > 0 and f"| {target} | " in line, line
        assert " | met | " in line or " % | " in line, line
    assert "| peak RSS, every civtrack command (" in run.stdout
    results = json.loads(out.read_text())
    warm = next(r for r in results if r["case"] == "status warm")
    assert warm["size"] == "2k" and len(warm["times"]) == len(warm["cpu"]) == 1 and warm["rss_kb"] > 0
    assert all(r["note"] == "" for r in results), results

"""The benchmark runner behind `make bench`: the table of issue 6, medians and peak memory.

    python -m benchmarks.run                     # 10k, 100k and 1M entries, 5 runs each (under 10 minutes)
    python -m benchmarks.run --sizes 2k --runs 1 # the smoke test CI runs

Each case runs the installed `civtrack` as a user would (a new process each time, output to a pipe) and
records the wall time (median of the runs) and the peak resident memory of the process and its workers
(from wait4). Repositories are generated once into benchmarks/out/ (git-ignored) by benchmarks.generate
and reused while the generator's arguments are the same. `hledger balance` on the equivalent journal runs
beside `civtrack status` when hledger is installed (Debian: apt-get install hledger); at 1M entries it
takes about 45 s and 6 GB, so it runs once there (--hledger-runs).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.generate import generate

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"
AS_OF = "2024-09-30"
SIZES = {"2k": 2_000, "10k": 10_000, "100k": 100_000, "1m": 1_000_000}


@dataclass
class Result:
    times: list[float] = field(default_factory=list)
    rss_kb: int = 0
    note: str = ""

    @property
    def median(self) -> float | None:
        return statistics.median(self.times) if self.times else None


def civtrack_bin() -> str:
    found = Path(sys.executable).parent / "civtrack"
    return str(found) if found.exists() else (shutil.which("civtrack") or "civtrack")


def timed(argv: list[str], cwd: Path, env: dict[str, str] | None = None) -> tuple[float, int, int]:
    """(seconds, peak RSS in KB of the process and the children it waited for, exit code)."""
    start = time.perf_counter()
    process = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    return elapsed, usage.ru_maxrss, process.returncode


def repository(size: str, entries: int) -> Path:
    """The generated repository of ``entries`` entries (made again when missing or stale)."""
    folder = OUT / size
    stamp = folder / "generated.json"
    wanted = {"entries": entries, "seed": 1, "generator": (ROOT / "benchmarks" / "generate.py").stat().st_size}
    if stamp.exists() and json.loads(stamp.read_text()) == wanted:
        return folder
    print(f"generating {size} ({entries} entries) in {folder} ...", file=sys.stderr, flush=True)
    generate(folder, entries, seed=1)
    stamp.write_text(json.dumps(wanted))
    subprocess.run(["git", "init", "-q"], cwd=folder, check=False)
    return folder


def run_case(argv: list[str], cwd: Path, runs: int, before=None, env=None) -> Result:  # noqa: ANN001
    result = Result()
    for _ in range(runs):
        if before is not None:
            before()
        seconds, rss, code = timed(argv, cwd, env)
        if code not in (0, 1):
            result.note = f"exit {code}"
        result.times.append(seconds)
        result.rss_kb = max(result.rss_kb, rss)
    return result


# A console with colour, as in a terminal (rich's FORCE_COLOR), wide enough for the tables: output still
# goes to a pipe, so only the writing of the styles is added.
COLOUR_ENV = {**os.environ, "FORCE_COLOR": "1", "COLUMNS": "200", "TERM": "xterm-256color"}
# Coloured `status` within this factor of the piped one (issue 17).
COLOUR_RATIO = 1.5


def drop_cache(repo: Path) -> None:
    shutil.rmtree(repo / ".civtrack", ignore_errors=True)


class MonthEditor:
    """Changes one month file before each run (appends an entry, then takes it away), as a clerk does."""

    def __init__(self, repo: Path):
        self.path = repo / "progress" / "county-0001-2024" / "2024-09.yaml"
        self.original = self.path.read_bytes()
        self.flip = False

    def __call__(self) -> None:
        self.flip = not self.flip
        extra = b"- date: 2024-09-29\n  indicator: ind-01\n  value: 1\n  note: \xe8\xa1\xa5\xe5\xbd\x95\n"
        self.path.write_bytes(self.original + extra if self.flip else self.original)

    def restore(self) -> None:
        self.path.write_bytes(self.original)


def has_command(name: str) -> bool:
    probe = subprocess.run([civtrack_bin(), name, "--help"], capture_output=True, check=False)
    return probe.returncode == 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10k,100k,1m", help="comma-separated: 2k, 10k, 100k, 1m")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--hledger-runs", type=int, default=1, help="runs of hledger at 1M entries (45 s each)")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument(
        "--sources", choices=("auto", "on", "off"), default="auto",
        help="issue 16's cases (a province of 100 sources × 10k entries; a city of 100 linked parts; "
        "about 2 minutes to generate the first time): auto runs them with the 1m size",
    )  # fmt: skip
    args = parser.parse_args(argv)
    sizes = [s.strip().lower() for s in args.sizes.split(",") if s.strip()]
    exe = civtrack_bin()
    runs = args.runs
    rows: list[tuple[str, str, Result]] = []  # (case, size, result)
    started = time.perf_counter()

    tiny = repository("2k", SIZES["2k"])
    rows.append(("civtrack --version", "", run_case([exe, "--version"], tiny, runs)))
    rows.append(("civtrack --help", "", run_case([exe, "--help"], tiny, runs)))
    if (ROOT / "plans").is_dir():
        rows.append(("status, bundled plans", "", run_case([exe, "--root", str(ROOT), "status"], ROOT, runs)))
    else:
        print("notice: no bundled plans/ in this checkout: case skipped", file=sys.stderr)

    hledger = shutil.which("hledger")
    if hledger is None:
        print("notice: hledger not installed (apt-get install hledger): comparison skipped", file=sys.stderr)
    report = has_command("report")
    record = has_command("record")
    for size in sizes:
        repo = repository(size, SIZES[size])
        status = [exe, "status", "--as-of", AS_OF]
        print(f"running {size} ...", file=sys.stderr, flush=True)
        rows.append(("status cold (no cache)", size, run_case(status, repo, runs, before=lambda r=repo: drop_cache(r))))
        rows.append(("status cold, one process", size, run_case(status, repo, 1, before=lambda r=repo: drop_cache(r),
                                                                env={**os.environ, "CIVTRACK_WORKERS": "1"})))  # fmt: skip
        run_case(status, repo, 1)  # make the cache valid
        rows.append(("status warm", size, run_case(status, repo, runs)))
        rows.append(("status warm, colour terminal", size, run_case(status, repo, runs, env=COLOUR_ENV)))
        rows.append(("status --format json warm", size, run_case([*status, "--format", "json"], repo, runs)))
        editor = MonthEditor(repo)
        try:
            rows.append(("status, one month file changed", size, run_case(status, repo, runs, before=editor)))
        finally:
            editor.restore()
        run_case(status, repo, 1)
        rows.append(
            ("check cold (no cache)", size, run_case([exe, "check"], repo, runs, before=lambda r=repo: drop_cache(r)))
        )
        run_case(status, repo, 1)
        rows.append(("check warm", size, run_case([exe, "check"], repo, runs)))
        if report:
            rows.append(("report --month warm", size, run_case([exe, "report", "--month", "2024-09"], repo, runs)))
        if record:
            target = repo / "progress" / "county-0001-2024" / "2024-12.yaml"
            saved = target.read_bytes()
            try:
                argv_record = [exe, "record", "county-0001-2024/ind-01", "1", "--date", "2024-12-30"]
                rows.append(("record one entry", size, run_case(argv_record, repo, runs)))
            finally:
                target.write_bytes(saved)
        if hledger is not None:
            hl_runs = args.hledger_runs if SIZES[size] >= 1_000_000 else runs
            rows.append(("hledger balance (same entries)", size,
                         run_case([hledger, "-f", "ledger.journal", "balance"], repo, hl_runs)))  # fmt: skip
    if args.sources == "on" or (args.sources == "auto" and "1m" in sizes):
        rows.extend(source_cases(exe, runs))
    if not report:
        print("notice: no `civtrack report` command on this branch: case skipped", file=sys.stderr)
    if not record:
        print("notice: no `civtrack record` command on this branch: case skipped", file=sys.stderr)

    print_table(rows, sizes)
    print(
        f"\n(total {time.perf_counter() - started:.0f} s; medians of {runs} runs; peak RSS of the process and its workers)"
    )
    if args.json:
        args.json.write_text(
            json.dumps(
                [{"case": c, "size": s, "times": r.times, "median": r.median, "rss_kb": r.rss_kb, "note": r.note}
                 for c, s, r in rows],
                indent=1,
            )
        )  # fmt: skip
    return 0


def source_cases(exe: str, runs: int) -> list[tuple[str, str, Result]]:
    """Issue 16 (benchmarks/sources.py): `status --all-sources` in a province of 100 sources of 10,000
    entries each, the first time after a fetch (each source's commit read from git objects, then
    cached) and warm; `status` of a city plan whose indicator has 100 parts linked to them, warm."""
    from benchmarks.sources import make

    print("running sources (generating 100 county repositories the first time) ...", file=sys.stderr, flush=True)
    made = make(OUT / "sources", exe)
    province, city = made["province"], made["city"]
    every = [exe, "status", "--as-of", AS_OF, "--all-sources"]
    rows = [
        (
            "status --all-sources, first read",
            "100×10k",
            run_case(every, province, 1, before=lambda: drop_sources(province)),
        )
    ]
    run_case(every, province, 1)
    rows.append(("status --all-sources warm", "100×10k", run_case(every, province, runs)))
    linked = [exe, "status", "--as-of", AS_OF]
    run_case(linked, city, 1)
    rows.append(("status, 100 linked parts warm", "100×10k", run_case(linked, city, runs)))
    return rows


def drop_sources(repo: Path) -> None:
    """Forget what was read from each source's commits (the clones stay: no fetch)."""
    for folder in (repo / ".civtrack" / "sources").glob("*/civtrack-cache"):
        shutil.rmtree(folder)


# (case, size) → target in seconds, from the issue ("" = any size).
TARGETS: dict[tuple[str, str], float] = {
    ("civtrack --version", ""): 0.150,
    ("civtrack --help", ""): 0.150,
    ("status, bundled plans", ""): 0.300,
    ("status cold (no cache)", "1m"): 10.0,
    ("status warm", "1m"): 1.5,
    ("status, one month file changed", "1m"): 2.0,
    ("check cold (no cache)", "1m"): 15.0,
    ("report --month warm", "1m"): 2.0,
    ("record one entry", "1m"): 0.5,
    ("status --all-sources warm", "100×10k"): 2.0,
    ("status, 100 linked parts warm", "100×10k"): 0.5,
}
RSS_TARGET_MB = 600


def print_table(rows: list[tuple[str, str, Result]], sizes: list[str]) -> None:
    print("| case | entries | median | runs | peak RSS | target |")
    print("|---|---|---|---|---|---|")
    for case, size, result in rows:
        target = TARGETS.get((case, size))
        verdict = ""
        if target is not None and result.median is not None:
            verdict = f"≤ {_secs(target)}: " + (
                "met" if result.median <= target else f"missed by {_secs(result.median - target)}"
            )
        rss = result.rss_kb / 1024
        memory = f"{rss:.0f} MB" + (" (over 600 MB)" if rss > RSS_TARGET_MB and not case.startswith("hledger") else "")
        print(f"| {case} | {size or '—'} | {_fmt(result)} | {len(result.times)} | {memory} | {verdict} |")
    by_case: dict[str, dict[str, Result]] = {}
    for case, size, result in rows:
        by_case.setdefault(case, {})[size] = result
    print()
    for case in ("status cold (no cache)", "status warm", "check cold (no cache)"):
        found = by_case.get(case, {})
        if "100k" in found and "1m" in found:
            ratio = found["1m"].median / found["100k"].median  # type: ignore[operator]
            print(f"growth, {case}: time(1M) / time(100k) = {ratio:.1f} (target ≤ 11)")
    for size in sizes:
        warm = by_case.get("status warm", {}).get(size)
        colour = by_case.get("status warm, colour terminal", {}).get(size)
        if warm and colour and warm.median and colour.median:
            ratio = colour.median / warm.median
            verdict = "met" if ratio <= COLOUR_RATIO else "missed"
            print(f"colour at {size}: status warm, colour terminal / piped = {ratio:.2f} (≤ {COLOUR_RATIO}: {verdict})")
    for size in sizes:
        warm = by_case.get("status warm", {}).get(size)
        cold = by_case.get("status cold (no cache)", {}).get(size)
        theirs = by_case.get("hledger balance (same entries)", {}).get(size)
        if theirs and warm and cold and theirs.median and warm.median and cold.median:
            print(
                f"hledger ratio at {size}: hledger balance {_secs(theirs.median)}; civtrack status warm "
                f"{_secs(warm.median)} (hledger / civtrack = {theirs.median / warm.median:.1f}), "
                f"cold {_secs(cold.median)} ({theirs.median / cold.median:.1f})"
            )


def _secs(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


def _fmt(result: Result) -> str:
    median = result.median
    if median is None:
        return "—"
    return _secs(median) + (f" ({result.note})" if result.note else "")


if __name__ == "__main__":
    sys.exit(main())

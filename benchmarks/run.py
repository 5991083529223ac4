"""The benchmark runner behind `make bench`: the table of issue 6, medians and peak memory, and the ratios
of issue 19, each measured in the same run.

    python -m benchmarks.run                     # 10k, 100k and 1M entries, 5 runs each (under 15 minutes)
    python -m benchmarks.run --sizes 1m          # only the size the ratio targets are set at
    python -m benchmarks.run --sizes 2k --runs 1 # the smoke test CI runs

Each case runs the installed `civtrack` as a user would (a new process each time, output to a pipe) and
records the wall time (median of the runs) and the peak resident memory of the process and its workers
(from wait4). Repositories are generated once into benchmarks/out/ (git-ignored) by benchmarks.generate
and reused while the generator's arguments are the same. `hledger balance` on the equivalent journal runs
beside `civtrack status` when hledger is installed (Debian: apt-get install hledger); at 1M entries it
takes about 45 s and 6 GB, so it runs once there (--hledger-runs).

Absolute times do not hold from one run to the next on a shared machine, so the targets are ratios of two
cases of the same run (RATIOS): cold `status` against a bare yaml-rs parse of the same files in one process
(timed here, as a process like the others: the cost of just reading the text), warm `status --format json`
against the warm table, `report --month` against warm `status`, start-up against `python -c "import
civtrack"`, hledger against civtrack; and peak memory of every civtrack command at 1M against 400 MB.
"""

from __future__ import annotations

import argparse
import compileall
import datetime as dt
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
    cpu: list[float] = field(default_factory=list)  # user + system seconds of the process and its workers
    rss_kb: int = 0
    note: str = ""

    @property
    def median(self) -> float | None:
        return statistics.median(self.times) if self.times else None

    @property
    def cpu_median(self) -> float | None:
        return statistics.median(self.cpu) if self.cpu else None


def civtrack_bin() -> str:
    found = Path(sys.executable).parent / "civtrack"
    return str(found) if found.exists() else (shutil.which("civtrack") or "civtrack")


def timed(argv: list[str], cwd: Path, env: dict[str, str] | None = None) -> tuple[float, int, int, float]:
    """(seconds, peak RSS in KB of the process and the children it waited for, exit code, CPU seconds:
    user + system of the process and those children)."""
    start = time.perf_counter()
    process = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    return elapsed, usage.ru_maxrss, process.returncode, usage.ru_utime + usage.ru_stime


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
        seconds, rss, code, cpu = timed(argv, cwd, env)
        if code not in (0, 1):
            result.note = f"exit {code}"
        result.times.append(seconds)
        result.cpu.append(cpu)
        result.rss_kb = max(result.rss_kb, rss)
    return result


# A console with colour, as in a terminal (rich's FORCE_COLOR), wide enough for the tables: output still
# goes to a pipe, so only the writing of the styles is added.
COLOUR_ENV = {**os.environ, "FORCE_COLOR": "1", "COLUMNS": "200", "TERM": "xterm-256color"}
# Coloured `status` within this factor of the piped one (issue 17).
COLOUR_RATIO = 1.5


# The floor of a cold run: every YAML file civtrack reads (plans/, progress/), read and parsed by yaml-rs in
# one process, nothing else: no check, no validation, no cache.
BARE_PARSE = """
import os, sys, yaml_rs
for top in ("plans", "progress"):
    for folder, _, names in os.walk(top):
        for name in names:
            if name.endswith((".yaml", ".yml")):
                with open(os.path.join(folder, name), "rb") as file:
                    yaml_rs.loads(file.read().decode("utf-8"))
"""


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
    # civtrack's bytecode, as an installed package has it: an editable install compiles on first import, but
    # not where PYTHONDONTWRITEBYTECODE is set (as on the team's machines), and then every run compiles all
    # of civtrack again (0.1 s of CPU at start-up, measured in session 5).
    compileall.compile_dir(str(ROOT / "civtrack"), quiet=1)

    tiny = repository("2k", SIZES["2k"])
    rows.append(('python -c "import civtrack"', "", run_case([sys.executable, "-c", "import civtrack"], tiny, runs)))
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
        rows.append(("bare yaml-rs parse, one process", size, run_case([sys.executable, "-c", BARE_PARSE], repo, runs)))
        rows.append(("status cold (no cache)", size, run_case(status, repo, runs, before=lambda r=repo: drop_cache(r))))
        rows.append(("status cold, one process", size, run_case(status, repo, 1, before=lambda r=repo: drop_cache(r),
                                                                env={**os.environ, "CIVTRACK_WORKERS": "1"})))  # fmt: skip
        run_case(status, repo, 1)  # make the cache valid
        rows.append(("status warm", size, run_case(status, repo, runs)))
        # What the first run of a day costs: each run at another as-of date, every plan evaluated and kept.
        new_dates = [exe, "status", "--as-of", AS_OF]
        fresh = run_case(new_dates, repo, runs, before=NextDate(new_dates, repo))
        rows.append(("status warm, new as-of", size, fresh))
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
                [{"case": c, "size": s, "times": r.times, "median": r.median, "cpu": r.cpu, "rss_kb": r.rss_kb, "note": r.note}
                 for c, s, r in rows],
                indent=1,
            )
        )  # fmt: skip
    return 0


def source_cases(exe: str, runs: int) -> list[tuple[str, str, Result]]:
    """Issue 16 (benchmarks/sources.py): `status --all-sources` in a province of 100 sources of 10,000
    entries each, the first time after a fetch (each source's commit read from git objects, then
    cached), warm, and warm at a new as-of date (its plans evaluated again); `status` of a city plan whose indicator has 100 parts linked to them, warm."""
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
    # What the first run of a day costs: each run at another as-of date, every source plan evaluated and kept.
    new_dates = [exe, "status", "--as-of", AS_OF, "--all-sources"]
    fresh = run_case(new_dates, province, runs, before=NextDate(new_dates, province))
    rows.append(("status --all-sources warm, new as-of", "100×10k", fresh))
    linked = [exe, "status", "--as-of", AS_OF]
    run_case(linked, city, 1)
    rows.append(("status, 100 linked parts warm", "100×10k", run_case(linked, city, runs)))
    return rows


def drop_sources(repo: Path) -> None:
    """Forget what was read from each source's commits (the clones stay: no fetch)."""
    for folder in (repo / ".civtrack" / "sources").glob("*/civtrack-cache"):
        shutil.rmtree(folder)


class NextDate:
    """Moves the --as-of of ``argv`` one day on before each run (from the day after AS_OF): what the first
    run of a day costs. The kept statuses are dropped first, once (not timed), so no run finds its date
    kept by an earlier `make bench`; from the second run on, the earlier dates' are in place, as on a
    user's machine."""

    def __init__(self, argv: list[str], repo: Path):
        self.argv = argv
        self.day = dt.date.fromisoformat(AS_OF)
        drop_statuses(repo)

    def __call__(self) -> None:
        self.day += dt.timedelta(days=1)
        self.argv[self.argv.index("--as-of") + 1] = self.day.isoformat()


def drop_statuses(repo: Path) -> None:
    """Forget the plans as evaluated (civtrack.cache.statuses: this repository's and its sources')."""
    shutil.rmtree(repo / ".civtrack" / "cache" / "statuses", ignore_errors=True)
    for folder in (repo / ".civtrack" / "sources").glob("*/civtrack-cache/statuses-*"):
        shutil.rmtree(folder)


# Issue 16's targets, in seconds (absolute: the cases have no counterpart to be a ratio of).
SOURCE_TARGETS: dict[str, float] = {
    "status --all-sources warm": 2.0,
    "status --all-sources warm, new as-of": 2.0,
    "status, 100 linked parts warm": 0.5,
}


# The targets of issue 19: (what, numerator case, denominator case, sized, "<=" or ">=", target), each a
# ratio of two medians of the same run ("sized": both cases at each size; otherwise size-less cases).
# The figures are set at 1M entries; at other sizes the ratios are printed for comparison.
RATIOS: list[tuple[str, str, str, bool, str, float]] = [
    ("status cold / bare yaml-rs parse", "status cold (no cache)", "bare yaml-rs parse, one process", True, "<=", 2.0),
    ("status --format json warm / status warm", "status --format json warm", "status warm", True, "<=", 1.1),
    ("report --month warm / status warm", "report --month warm", "status warm", True, "<=", 1.5),
    ("--version / import civtrack", "civtrack --version", 'python -c "import civtrack"', False, "<=", 1.5),
    ("--help / import civtrack", "civtrack --help", 'python -c "import civtrack"', False, "<=", 2.5),
    ("status, bundled plans / import civtrack", "status, bundled plans", 'python -c "import civtrack"', False, "<=", 4.0),
    ("hledger / status cold (times faster)", "hledger balance (same entries)", "status cold (no cache)", True, ">=", 4.0),
    ("hledger / status warm (times faster)", "hledger balance (same entries)", "status warm", True, ">=", 25.0),
]
RSS_TARGET_MB = 400  # every civtrack command at 1M entries
NOT_CIVTRACK = ("hledger", "bare yaml-rs", "python -c")


def ratio_rows(
    rows: list[tuple[str, str, Result]], sizes: list[str], cpu: bool = False
) -> list[tuple[str, str, float, str, float, bool]]:
    """(what, size, measured, op, target, met) of every ratio whose two cases ran: of the median wall
    times (the targets), or of the median CPU times (``cpu``: steadier when other work shares the cores,
    but blind to what the second core gains)."""
    found = {
        (case, size): result.cpu_median if cpu else result.median
        for case, size, result in rows
        if result.median and result.cpu_median
    }
    out = []
    for what, top, bottom, sized, op, target in RATIOS:
        for size in sizes if sized else [""]:
            a, b = found.get((top, size)), found.get((bottom, size))
            if a and b:
                ratio = a / b
                out.append((what, size, ratio, op, target, ratio <= target if op == "<=" else ratio >= target))
    return out


def print_table(rows: list[tuple[str, str, Result]], sizes: list[str]) -> None:
    print("| case | entries | median | CPU (median) | runs | peak RSS |")
    print("|---|---|---|---|---|---|")
    for case, size, result in rows:
        rss = result.rss_kb / 1024
        over = rss > RSS_TARGET_MB and size == "1m" and not case.startswith(NOT_CIVTRACK)
        memory = f"{rss:.0f} MB" + (f" (over {RSS_TARGET_MB} MB)" if over else "")
        cpu = _secs(result.cpu_median) if result.cpu_median is not None else "—"
        print(f"| {case} | {size or '—'} | {_fmt(result)} | {cpu} | {len(result.times)} | {memory} |")
    print()
    print("Targets of issue 19 (ratios of medians in this run; the figures are set at 1M entries):")
    print()
    print("| ratio | entries | measured | target | | the same ratio of CPU times |")
    print("|---|---|---|---|---|---|")
    cpu_ratios = {(what, size): ratio for what, size, ratio, *_ in ratio_rows(rows, sizes, cpu=True)}
    for what, size, ratio, op, target, met in ratio_rows(rows, sizes):
        sign = "≤" if op == "<=" else "≥"
        verdict = "met" if met else f"missed by {abs(ratio - target) / target * 100:.0f} %"
        by_cpu = cpu_ratios.get((what, size))
        print(f"| {what} | {size or '—'} | {ratio:.2f} | {sign} {target:g} | {verdict} | {by_cpu:.2f} |")
    for case, size, result in rows:
        if case in SOURCE_TARGETS and result.median is not None:
            limit = SOURCE_TARGETS[case]
            verdict = "met" if result.median <= limit else f"missed by {(result.median - limit) / limit * 100:.0f} %"
            print(f"| {case} (issue 16: seconds) | {size} | {_secs(result.median)} | ≤ {_secs(limit)} | {verdict} | — |")
    for size in sizes:
        mine = [(r.rss_kb, c) for c, s, r in rows if s == size and not c.startswith(NOT_CIVTRACK) and r.times]
        if mine:
            peak, case = max(mine)
            mb = peak / 1024
            verdict = "met" if mb <= RSS_TARGET_MB else f"missed by {mb - RSS_TARGET_MB:.0f} MB"
            print(f"| peak RSS, every civtrack command ({case}) | {size} | {mb:.0f} MB | ≤ {RSS_TARGET_MB} MB | {verdict} | — |")
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
    if shutil.which("hledger") is None:
        print("hledger: not installed (apt-get install hledger): its ratios are not measured")


def _secs(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


def _fmt(result: Result) -> str:
    median = result.median
    if median is None:
        return "—"
    return _secs(median) + (f" ({result.note})" if result.note else "")


if __name__ == "__main__":
    sys.exit(main())

"""How long civtrack.compute takes to evaluate plans, apart from loading (issue 6: `report --month` ≤ 2 s).

    python -m benchmarks.bench_compute [ROOT] [--runs 5]

ROOT defaults to /tmp/bench1m (1,000 plans × 50 indicators, 1,000,000 entries; make one with
`python -m benchmarks.generate --entries 1000000 /tmp/bench1m`). The repository is opened once as
`status` opens it (civtrack.cache.open_snapshot, with its cache), then these are timed in-process,
each the median of ``--runs`` runs:

* (a) ``evaluate`` of every plan at 2024-09-30 on ``snapshot.ledger_at(2024-09-30)``;
* (b) ``plan_completions`` of every plan at each month end January–September 2024, each on
  ``snapshot.ledger_at(month_end)`` (the chart series of `report`);
* (b') the same completions through ``plan_status`` (what (b) replaces), for comparison;
* (c) ``plan_completions`` as (b), but on the full ledger (``snapshot.ledger()``: every day of every
  reference, so each evaluation adds up the days up to its date), as `report` may use it.

The ledgers are built before the clock starts: (a), (b) and (c) time the computation alone. The
time to build them is printed apart.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from civtrack.cache import open_snapshot
from civtrack.compute import evaluate, plan_completions, plan_status
from civtrack.model import Plan
from civtrack.workspace import load_config

AS_OF = dt.date(2024, 9, 30)
MONTH_ENDS = [dt.date(2024, m + 1, 1) - dt.timedelta(days=1) for m in range(1, 9)] + [AS_OF]


def median_time(func: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("root", nargs="?", type=Path, default=Path("/tmp/bench1m"))
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)

    root: Path = args.root
    config = load_config(root)
    start = time.perf_counter()
    snapshot = open_snapshot(root, config)
    plans: list[Plan] = [snapshot.plans[plan_id].plan for plan_id in sorted(snapshot.plans)]
    opened = time.perf_counter() - start
    statuses = sum(1 + len(ind.parts) for plan in plans for ind in plan.indicators)
    entries = sum(snapshot.entry_counts.values())
    print(f"{root}: {len(plans):,} plans, {statuses:,} indicators and parts, {entries:,} entries")
    print(f"opened and plans built in {opened:.2f} s")

    start = time.perf_counter()
    ledgers = {day: snapshot.ledger_at(day) for day in MONTH_ENDS}
    print(f"ledger_at: {(time.perf_counter() - start) / len(MONTH_ENDS):.3f} s per date (not in the times below)")
    tolerance = config.pace_tolerance
    ledger = ledgers[AS_OF]

    def evaluate_all() -> None:
        evaluate(plans, ledger, AS_OF, tolerance)

    def completions_all() -> None:
        for day in MONTH_ENDS:
            at = ledgers[day]
            for plan in plans:
                plan_completions(plan, at.get(plan.id, {}), day)

    def statuses_all() -> None:
        for day in MONTH_ENDS:
            at = ledgers[day]
            for plan in plans:
                plan_status(plan, at, day, tolerance)

    full = snapshot.ledger([plan.id for plan in plans])

    def completions_full() -> float:
        """Timed plan by plan: the full ledger builds a plan's days when it is looked up."""
        seconds = 0.0
        for plan in plans:
            refs = full.get(plan.id, {})
            start = time.perf_counter()
            for day in MONTH_ENDS:
                plan_completions(plan, refs, day)
            seconds += time.perf_counter() - start
        return seconds

    rows = [
        (f"(a) evaluate, all plans at {AS_OF}", evaluate_all, 1),
        (f"(b) plan_completions, all plans at {len(MONTH_ENDS)} month ends", completions_all, len(MONTH_ENDS)),
        (f"(b') plan_status, all plans at {len(MONTH_ENDS)} month ends", statuses_all, len(MONTH_ENDS)),
    ]
    for label, func, dates in rows:
        # The first run also fills what compute keeps per plan object: shown apart.
        first = median_time(func, 1)
        seconds = median_time(func, args.runs)
        per = seconds / (statuses * dates) * 1e6
        print(f"{label:<58} {seconds:7.3f} s  ({per:.2f} µs per indicator or part; first run {first:.3f} s)")
    seconds = statistics.median(completions_full() for _ in range(args.runs))
    per = seconds / (statuses * len(MONTH_ENDS)) * 1e6
    label = f"(c) plan_completions, {len(MONTH_ENDS)} month ends, full ledger"
    print(f"{label:<58} {seconds:7.3f} s  ({per:.2f} µs per indicator or part)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""What rules 10–13 (civtrack.supervision) cost beside rules 1–9, and what the status JSON costs to write
(issue 12: a million-entry `status --format json` within 10% of its time before them).

    python -m benchmarks.bench_supervision [ROOT] [--runs 5]

ROOT defaults to /tmp/bench1m (`python -m benchmarks.generate --entries 1000000 /tmp/bench1m`). The
repository is opened once as `status` opens it (with its cache, the garbage collector off as in the
command); then, in-process, each the median of ``--runs`` runs of CPU time (time.process_time: the machine is shared, its wall clock is not ours):

* (a) ``compute.evaluate`` of every plan at 2024-09-30 (rules 1–9);
* (b) ``supervision.supervise`` of the same, with the last entry dates from the cache's series as
  `status` takes them, and the per-owner tally (rules 1–13): (b) − (a) is what rules 10–13 add;
* (c) the status JSON of every plan as ``json.dumps(indent=2)`` wrote it before, without the new fields;
* (d) the status JSON as it is written now (orjson), with the new fields;
* (e) the status tables laid out (render.table.plan_text, 120 cells, no colour) from (a)'s statuses: the
  table without rules 10–13, as before;
* (f) the same from (b)'s: the table with the warning marker, the stale word and the projection.
  (b) + (f) − (a) − (e) is what the table pays for rules 10–13.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from civtrack.cache import open_snapshot
from civtrack.commands import Opened
from civtrack.compute import evaluate
from civtrack.render.data import plan_dict, status_dict
from civtrack.supervision import OwnerTally, supervise
from civtrack.workspace import load_config

AS_OF = dt.date(2024, 9, 30)


def median_cpu(func: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.process_time()
        func()
        times.append(time.process_time() - start)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("root", nargs="?", type=Path, default=Path("/tmp/bench1m"))
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    gc.disable()  # as civtrack.cli.main does

    root: Path = args.root
    config = load_config(root)
    snapshot = open_snapshot(root, config)
    opened = Opened(root, config, snapshot, "en")
    ids = sorted(snapshot.plans)
    plans = [snapshot.plans[plan_id].plan for plan_id in ids]
    ledger = snapshot.ledger_at(AS_OF, ids)
    items = sum(1 + len(ind.parts) for plan in plans for ind in plan.indicators)
    print(f"{root}: {len(plans):,} plans, {items:,} indicators and parts")

    def evaluated() -> list:
        return evaluate(plans, ledger, AS_OF, config.pace_tolerance)

    def supervised() -> list:
        statuses = supervise(
            plans, ledger, AS_OF, config.pace_tolerance, config.due_soon_days, config.stale_days,
            lambda plan_id: opened.last_entries(plan_id, AS_OF),
        )  # fmt: skip
        tally = OwnerTally()
        for status in statuses:
            tally.add(status)
        tally.summaries()
        return statuses

    before, after = evaluated(), supervised()

    def json_before() -> None:
        for status in before:
            document = {
                "id": status.id, "title": status.title, "organization": status.organization,
                "completion": status.completion, "counts": dict(status.counts),
                "indicators": [status_dict(item) for item in status.indicators],
            }  # fmt: skip
            json.dumps(document, ensure_ascii=False, indent=2)

    def json_after() -> None:
        from civtrack.render.data import _dumps

        for status in after:
            _dumps(plan_dict(status))

    from civtrack.render.table import PLAIN, plan_text

    def table_before() -> None:
        for status in before:
            plan_text(status, "zh", 120, PLAIN)

    def table_after() -> None:
        for status in after:
            plan_text(status, "zh", 120, PLAIN)

    rows = [
        ("(a) evaluate (rules 1–9)", evaluated),
        ("(b) supervise and tally (rules 1–13)", supervised),
        ("(c) status JSON before (json, without rules 10–13)", json_before),
        ("(d) status JSON now (orjson, with rules 10–13)", json_after),
        ("(e) status tables without rules 10–13", table_before),
        ("(f) status tables with rules 10–13", table_after),
    ]
    seconds = {}
    for label, func in rows:
        seconds[label[:3]] = cpu = median_cpu(func, args.runs)
        print(f"{label:<52} {cpu:7.3f} s CPU  ({cpu / items * 1e6:.2f} µs per indicator or part)")
    added = seconds["(b)"] - seconds["(a)"]
    print(f"rules 10–13 add {added:.3f} s ({added / items * 1e6:.2f} µs per item); the JSON writing changes by "
          f"{seconds['(d)'] - seconds['(c)']:+.3f} s")  # fmt: skip
    table = seconds["(b)"] + seconds["(f)"] - seconds["(a)"] - seconds["(e)"]
    print(f"the status table: {seconds['(a)'] + seconds['(e)']:.3f} s before, {seconds['(b)'] + seconds['(f)']:.3f} s "
          f"with rules 10–13 ({table:+.3f} s, {table / items * 1e6:.2f} µs per item)")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

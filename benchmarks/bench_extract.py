#!/usr/bin/env python3
"""How long `civtrack extract` takes on a 25,000-character plan (issue 5: under 1 second).

Builds a plan text of at least 25,000 characters from the seed plans in ../shared/seeds
(whole plans, one after the other, the last one cut at a line), then measures:

* in-process: decode + extract + YAML and JSON rendering, best and median of several runs
  (the first run, which loads OpenCC's and pypinyin's dictionaries, is reported apart);
* end to end: the installed `civtrack extract FILE` as a subprocess, wall time including
  Python's start-up and imports — what a user waits for.

Usage: python -m benchmarks.bench_extract [--chars N] [--runs N]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.run import civtrack_bin

SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"


def plan_text(chars: int) -> str:
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    if not texts:
        sys.exit(f"no seed plans in {SEEDS}")
    out = ""
    while len(out) < chars:
        for text in texts:
            out += text + "\n"
            if len(out) >= chars:
                break
    cut = out.find("\n", chars)
    return out if cut < 0 else out[: cut + 1]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--chars", type=int, default=25_000)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()

    text = plan_text(args.chars)
    data = text.encode("utf-8")

    start = time.perf_counter()
    from civtrack.extract import extract
    from civtrack.extract.decode import decode
    from civtrack.extract.render import to_json, to_yaml

    def once() -> int:
        draft = extract(decode(data, "bench.txt"), source="bench.txt", plan_id="bench")
        to_yaml(draft)
        to_json(draft)
        return len(draft.items)

    items = once()
    first = time.perf_counter() - start
    times = []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        once()
        times.append(time.perf_counter() - t0)

    command = civtrack_bin()
    walls = []
    if command:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "bench.txt"
            path.write_bytes(data)
            for _ in range(max(3, args.runs // 2)):
                t0 = time.perf_counter()
                done = subprocess.run([command, "extract", str(path)], capture_output=True)
                walls.append(time.perf_counter() - t0)
                if done.returncode:
                    sys.exit(done.stderr.decode())

    print(f"plan text: {len(text)} characters, {len(data)} bytes, {items} indicators drafted")
    print(f"in-process, first run (imports and dictionaries included): {first * 1000:.0f} ms")
    print(
        f"in-process, {args.runs} runs: best {min(times) * 1000:.0f} ms, median {statistics.median(times) * 1000:.0f} ms"
    )
    if walls:
        print(
            f"end to end (`civtrack extract FILE`, {len(walls)} runs): "
            f"best {min(walls) * 1000:.0f} ms, median {statistics.median(walls) * 1000:.0f} ms"
        )
    worst = max(walls or [first])
    print(("OK" if worst < 1.0 else "TOO SLOW") + f": slowest end-to-end run {worst * 1000:.0f} ms (limit 1000 ms)")
    return 0 if worst < 1.0 else 1


if __name__ == "__main__":
    sys.exit(main())

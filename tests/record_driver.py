"""A driver run as a separate process by the concurrency tests: the civtrack CLI called in-process, many times.

    python record_driver.py write ROOT WORKER COUNT     # COUNT records of town/elder-beds, values WORKER*1000+i
    python record_driver.py read ROOT STOP_FILE         # `status --format json` until STOP_FILE exists

Starting one process per record would spend the test's time in interpreter start-up; here
each process starts once and then runs `civtrack record` (or `status`) through the same
entry point users run, so the processes still compete for the same file and lock.
"""

from __future__ import annotations

import contextlib
import io
import json
import sys
from pathlib import Path


def invoke(args: list[str]) -> tuple[int, str, str]:
    from civtrack.cli import app
    from civtrack.errors import InputError

    out, err = io.StringIO(), io.StringIO()
    code = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            app(args, standalone_mode=False)
        except InputError as exc:
            print(exc, file=sys.stderr)
            code = 2
        except SystemExit as exc:
            code = int(exc.code or 0)
    return code, out.getvalue(), err.getvalue()


def write(root: str, worker: int, count: int) -> None:
    for i in range(count):
        value = worker * 1000 + i
        code, out, err = invoke(
            ["--root", root, "record", "town/elder-beds", str(value), "--date", "2026-03-15",
             "--note", f"office {worker}: #{i}", "--as-of", "2026-12-31"]
        )  # fmt: skip
        if code != 0 or not out.startswith("Recorded in"):
            print(f"record {value} failed ({code}): {err.strip()}")
            sys.exit(1)
        print(value, flush=True)


def read(root: str, stop_file: str) -> None:
    """Print one line per status run: the current value of elder-beds, or the failure."""
    stop = Path(stop_file)
    last = -1.0
    while True:
        finished = stop.exists()  # one more run after the writers finish
        code, out, err = invoke(["--root", root, "status", "--format", "json", "--as-of", "2026-12-31"])
        if code != 0:
            print(f"FAILED {code}: {err.strip()}", flush=True)
            sys.exit(1)
        (plan,) = json.loads(out)["plans"]
        current = next(i["current"] for i in plan["indicators"] if i["id"] == "elder-beds")
        if current < last:
            print(f"WENT BACK {last} -> {current}", flush=True)
            sys.exit(1)
        last = current
        print(current, flush=True)
        if finished:
            return


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "write":
        write(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    else:
        read(sys.argv[2], sys.argv[3])

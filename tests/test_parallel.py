"""civtrack.parallel: shares in forked children, in order; a failed child's share redone here; and the
commands that use it (`report`, `status`) give the same characters on one process and on several."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from benchmarks.generate import generate
from civtrack.compute import fold
from civtrack.load import load_disk
from civtrack.parallel import MAX_WORKERS, map_shares, workers
from civtrack.render.report_md import report_markdown
from civtrack.reporting import Month, build_report, runs_in
from civtrack.workspace import load_config
from tests.conftest import civtrack_exe


def test_shares_come_back_in_order() -> None:
    results = map_shares(lambda share: [x * 2 for x in share], range(10), 3)
    assert results == [[0, 2, 4, 6], [8, 10, 12, 14], [16, 18]]
    assert map_shares(lambda share: sum(share), [5], 4) == [5]  # one item: no fork
    assert map_shares(lambda share: len(share), list(range(7)), 1) == [7]


def test_a_failed_child_share_is_done_again_here() -> None:
    parent = os.getpid()

    def work(share: list[int]) -> list[int]:
        if os.getpid() != parent and share[0] >= 4:
            raise RuntimeError("a child fails")
        return [x + 100 for x in share]

    assert map_shares(work, list(range(6)), 3) == [[100, 101], [102, 103], [104, 105]]


def test_an_error_here_stops_the_children_and_leaves_no_zombie() -> None:
    parent = os.getpid()

    def work(share: list[int]) -> int:
        if os.getpid() == parent:
            raise ValueError("bad input")
        return len(share)

    before = _children()  # the test process may have children of its own (the suite's fork server)
    with pytest.raises(ValueError, match="bad input"):
        map_shares(work, list(range(8)), 4)
    assert _children() == before  # every child map_shares forked was killed and reaped: none left, not a zombie


def _children() -> set[int]:
    """This process's children, zombies included (Linux: /proc/self/task/*/children)."""
    pids: set[int] = set()
    for task in Path("/proc/self/task").iterdir():
        pids.update(int(pid) for pid in (task / "children").read_text().split())
    return pids


def test_workers_follow_the_environment_and_the_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CIVTRACK_WORKERS", "1")
    assert workers() == 1
    monkeypatch.setenv("CIVTRACK_WORKERS", "3")
    assert workers() == 3
    monkeypatch.setenv("CIVTRACK_WORKERS", "99")
    assert workers() == MAX_WORKERS
    monkeypatch.delenv("CIVTRACK_WORKERS")
    assert workers() == min(len(os.sched_getaffinity(0)), MAX_WORKERS)


@pytest.fixture(scope="module")
def many_plans(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """45 plans: above report's and status's thresholds for forking."""
    root = tmp_path_factory.mktemp("parallel") / "repo"
    counts = generate(root, 45_000, seed=11, journal=False)
    assert counts["plans"] == 45
    return root


def run(root: Path, processes: int, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    env["CIVTRACK_WORKERS"] = str(processes)
    done = subprocess.run([civtrack_exe(), *args], cwd=root, capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.parametrize("fmt", ["markdown", "json", "html"])
def test_report_on_two_processes_is_the_report_on_one(many_plans: Path, fmt: str) -> None:
    one = run(many_plans, 1, "report", "--month", "2024-06", "--format", fmt)
    two = run(many_plans, 2, "report", "--month", "2024-06", "--format", fmt)
    assert two == one
    assert one.count("county-0045-2024") >= 1


def test_report_on_two_processes_is_the_reference(many_plans: Path) -> None:
    """Every entry read and folded, the report built by the pure build_report: the same characters."""
    config = load_config(many_plans)
    full = load_disk(many_plans, config)
    month = Month(2024, 6)
    plans = [full.plans[p].plan for p in sorted(full.plans) if runs_in(full.plans[p].plan, month)]
    ledger = fold((item.plan_id, item.entry, (item.month, item.seq)) for item in full.all_entries())
    expected = report_markdown(build_report(plans, ledger, full.all_entries(), month, config.pace_tolerance), "zh")
    assert run(many_plans, 2, "report", "--month", "2024-06") == expected


def test_status_on_two_processes_is_status_on_one(many_plans: Path) -> None:
    one = run(many_plans, 1, "status", "--as-of", "2024-06-30")
    assert run(many_plans, 2, "status", "--as-of", "2024-06-30") == one
    assert one.count("county-00") == 45


def test_status_json_in_shares_is_the_document_of_one_process(
    many_plans: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    """`status --format json` evaluates and writes its plans in shares, as the tables do: the owners'
    summary, added up in each process and joined in order, and every plan are the characters of the
    one-string document (status_json) of the plans evaluated here in one piece."""
    import datetime as dt

    from civtrack.commands import Globals, open_repository
    from civtrack.commands.status import Filters, _evaluator
    from civtrack.render import data
    from civtrack.supervision import OwnerTally, owners

    day = dt.date(2024, 6, 30)
    opened = open_repository(Globals(root=many_plans, lang=None))
    ids = sorted(opened.plans)
    reference_plans = _evaluator(opened, day, Filters(None, None, None), OwnerTally())(ids)
    expected = data.status_json(reference_plans, day.isoformat(), owners(reference_plans))
    monkeypatch.setattr(data, "PARALLEL_MIN_PLANS", 2)
    for processes in ("1", "3"):
        monkeypatch.setenv("CIVTRACK_WORKERS", processes)
        tally = OwnerTally()
        capfd.readouterr()
        with os.fdopen(os.dup(1), "w", encoding="utf-8") as out:  # the real stdout, as the command's
            evaluate = _evaluator(opened, day, Filters(None, None, None), tally)
            data.write_status_json(out, ids, evaluate, day.isoformat(), tally.summaries, tally)
        written = capfd.readouterr().out
        assert written == expected, processes
    assert expected.count('"owner": ') > 45 and expected.count('"id": "county-00') == 45

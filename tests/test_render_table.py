"""civtrack.render.table: the one writer of `status` tables gives, byte for byte, what rich's Table
prints (characters and ANSI styles), in en and zh, at any width, with and without colour and charts;
and it hands rich every table that must wrap."""

from __future__ import annotations

import datetime as dt
import io
import os
import subprocess
from pathlib import Path

import pytest
from rich.console import Console

from benchmarks.generate import generate
from civtrack.cache import open_snapshot
from civtrack.compute import PlanStatus, evaluate
from civtrack.i18n import label
from civtrack.render import table
from civtrack.render.table import PLAIN, _styles, plan_table, plan_text, status_tables, write_status_tables
from civtrack.reporting import trend_lines
from civtrack.workspace import Config, load_config
from tests.conftest import civtrack_exe

ROOT = Path(__file__).resolve().parent.parent
# No colour; the 16 colours; truecolor; truecolor under NO_COLOR (bold and dim stay, colours go).
SOAK = bool(os.environ.get("CIVTRACK_SOAK"))
CONSOLES = [(None, False), ("standard", False), ("truecolor", False), ("truecolor", True)]


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("gen")
    generate(root, 3_000, seed=7, journal=False)
    return root


def console(width: int, color_system: str | None, no_color: bool = False) -> Console:
    return Console(
        file=io.StringIO(), width=width, color_system=color_system, force_terminal=color_system is not None,
        no_color=no_color, highlight=False, legacy_windows=False,
    )  # fmt: skip


def rich_text(status: PlanStatus, lang: str, out: Console, chart: dict[str, str] | None = None) -> str:
    with out.capture() as captured:
        out.print(plan_table(status, lang, chart))
    return captured.get()


def statuses(root: Path, as_of: str) -> tuple[list[PlanStatus], dict[str, dict[str, str]]]:
    snapshot = open_snapshot(root, load_config(root), use_cache=False)
    plans = [snapshot.plans[p].plan for p in sorted(snapshot.plans)]
    day = dt.date.fromisoformat(as_of)
    return evaluate(plans, snapshot.ledger_at(day), day), trend_lines(plans, snapshot.timelines(), day)


# `make test` takes the widths in turn (every width, language, console and chart still compared, on every
# plan); `make soak` compares every combination.
WIDTHS = (60, 100, 120, 200)


def test_tables_are_rich_tables_byte_for_byte(generated: Path) -> None:
    compared = 0
    turn = 0
    # The start of the period (nothing yet) and a day after its end (overdue, done); mid-year under soak.
    for as_of in ("2024-01-01", "2024-06-30", "2025-03-01") if SOAK else ("2024-01-01", "2025-03-01"):
        evaluated, charts = statuses(generated, as_of)
        for status in evaluated:
            for lang in ("en", "zh"):
                turn += 1
                for width in WIDTHS if SOAK else (WIDTHS[turn % len(WIDTHS)],):
                    for color_system, no_color in CONSOLES:
                        out = console(width, color_system, no_color)
                        for chart in (None, charts[status.id]):
                            text = plan_text(status, lang, width, _styles(out), chart)
                            if text is not None:
                                assert text == rich_text(status, lang, out, chart), (status.id, lang, width)
                                compared += 1
    assert compared >= (200 if SOAK else 40)


def test_bundled_plans_are_rich_tables_byte_for_byte() -> None:
    """The hand-transcribed plans (milestones, `<=` targets, decimals), their names and sections cut to
    20 characters (whole, their sections are wider than 48 cells: rich folds them, test below)."""
    snapshot = open_snapshot(ROOT, load_config(ROOT), use_cache=False)
    compared = 0
    for plan_id in sorted(snapshot.plans):
        plan = snapshot.plans[plan_id].plan
        short = plan.model_copy(update={"indicators": [
            ind.model_copy(update={"name": ind.name[:20], "section": ind.section and ind.section[:20]})
            for ind in plan.indicators
        ]})  # fmt: skip
        for as_of in (plan.period.start + dt.timedelta(days=200), plan.period.end):
            status = evaluate([short], snapshot.ledger_at(as_of), as_of)[0]
            whole = evaluate([plan], snapshot.ledger_at(as_of), as_of)[0]
            for lang in ("en", "zh"):
                for width in (80, 120, 200):
                    for color_system, no_color in CONSOLES:
                        out = console(width, color_system, no_color)
                        assert plan_text(whole, lang, width, _styles(out)) is None
                        text = plan_text(status, lang, width, _styles(out))
                        if text is not None:
                            assert text == rich_text(status, lang, out), (plan_id, lang, width)
                            compared += 1
    assert compared >= 48


def test_colour_is_written_as_rich_writes_it(generated: Path) -> None:
    """Spot check of the codes themselves: a part's dim indent, a bar, a state, the bold header."""
    evaluated, _ = statuses(generated, "2024-06-30")
    text = plan_text(evaluated[0], "en", 200, _styles(console(200, "truecolor")))
    assert text is not None
    assert "┃\x1b[1m \x1b[0m\x1b[1mIndicator" in text
    assert "│ \x1b[2m  └ \x1b[0m" in text
    assert "\x1b[36mon track\x1b[0m" in text or "\x1b[33mbehind  \x1b[0m" in text
    assert plan_text(evaluated[0], "en", 200, PLAIN) == plan_text(evaluated[0], "en", 200, _styles(console(200, None)))
    assert "\x1b" not in plan_text(evaluated[0], "en", 200, PLAIN)  # type: ignore[operator]


def test_table_declines_what_must_wrap(generated: Path) -> None:
    snapshot = open_snapshot(generated, Config(), use_cache=False)
    plan = snapshot.plans[sorted(snapshot.plans)[0]].plan
    day = dt.date(2024, 6, 30)
    status = evaluate([plan], snapshot.ledger_at(day), day)[0]
    assert plan_text(status, "en", 40) is None  # narrower than the table: rich folds it
    long_name = plan.model_copy(
        update={"indicators": [plan.indicators[0].model_copy(update={"name": "很" * 25}), *plan.indicators[1:]]}
    )
    status = evaluate([long_name], snapshot.ledger_at(day), day)[0]
    assert plan_text(status, "en", 200) is None  # a name above 48 cells folds
    # ... and write_status_tables gives rich's folded table for it, in colour too.
    out = console(200, "standard")
    write_status_tables(out, [long_name.id], lambda ids: [status], "en")
    assert out.file.getvalue() == rich_text(status, "en", console(200, "standard"))  # type: ignore[attr-defined]
    assert "很很很很很很很很很很很很很很很很很很很很很很很很" in out.file.getvalue()  # type: ignore[attr-defined]


@pytest.mark.parametrize("color_system", [None, "standard"])
def test_written_tables_equal_rich_for_every_plan_with_forks(
    generated: Path, color_system: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """write_status_tables over forked processes (one per share of plans), with a plan that rich must
    lay out among them: the same bytes as rich printing every table in one process."""
    monkeypatch.setattr(table, "PARALLEL_MIN_INDICATORS", 1)
    monkeypatch.setenv("CIVTRACK_WORKERS", "2")
    evaluated, charts = statuses(generated, "2024-09-30")
    by_id = {status.id: status for status in evaluated}
    ids = list(by_id)
    for chart in (False, True):
        out = console(120, color_system)
        write_status_tables(
            out, ids, lambda share: [by_id[i] for i in share], "zh", (lambda s: charts) if chart else None
        )
        expected = console(120, color_system)
        expected.print(status_tables(evaluated, "zh", charts if chart else None))
        assert out.file.getvalue() == expected.file.getvalue()  # type: ignore[attr-defined]
    narrow = console(60, color_system)  # every table folds at 60 cells: rich lays out each one
    write_status_tables(narrow, ids[:2], lambda share: [by_id[i] for i in share], "en")
    expected = console(60, color_system)
    expected.print(status_tables(evaluated[:2], "en"))
    assert narrow.file.getvalue() == expected.file.getvalue()  # type: ignore[attr-defined]


def test_no_plans_says_so() -> None:
    out = console(80, None)
    write_status_tables(out, [], lambda share: [], "zh")
    assert out.file.getvalue() == label("no_plans", "zh") + "\n"  # type: ignore[attr-defined]


def test_status_in_a_colour_terminal(generated: Path) -> None:
    """The installed command with FORCE_COLOR: rich's coloured tables, whichever writer made them."""
    run = subprocess.run(
        [civtrack_exe(), "status", "--as-of", "2024-09-30", "--plan", "county-0002-2024"],
        cwd=generated, capture_output=True, text=True,
        env={**os.environ, "FORCE_COLOR": "1", "COLUMNS": "120", "TERM": "xterm", "CIVTRACK_NO_CACHE": "1"},
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    evaluated, _ = statuses(generated, "2024-09-30")
    status = next(s for s in evaluated if s.id == "county-0002-2024")
    expected = rich_text(status, "zh", console(120, "standard"))  # the generated civtrack.toml: lang zh
    assert run.stdout == expected
    assert "\x1b[1m" in run.stdout

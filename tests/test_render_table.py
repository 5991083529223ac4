"""civtrack.render.table: the one writer of `status` tables gives, byte for byte, what rich's Table
prints (characters and ANSI styles), in en and zh, at any width, with and without colour and charts;
and it hands rich every table that must wrap."""

from __future__ import annotations

import datetime as dt
import functools
import io
import os
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st
from rich.console import Console

from benchmarks.generate import generate
from civtrack.cache import open_snapshot
from civtrack.commands import Opened, supervised_plans
from civtrack.compute import PlanStatus, evaluate
from civtrack.i18n import label
from civtrack.render import table
from civtrack.render.table import (
    PLAIN,
    _styles,
    plan_table,
    plan_text,
    status_tables,
    write_status_tables,
)
from civtrack.reporting import trend_lines
from civtrack.text import display_width as _w
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
        out.print(plan_table(status, lang, chart, out.width))
    return captured.get()


def statuses(root: Path, as_of: str, supervised: bool = True) -> tuple[list[PlanStatus], dict[str, dict[str, str]]]:
    """Every plan at ``as_of``, with rules 10–13 (as `status` shows them) or, not ``supervised``, rules 1–9
    only; and their sparklines."""
    config = load_config(root)
    snapshot = open_snapshot(root, config, use_cache=False)
    ids = sorted(snapshot.plans)
    plans = [snapshot.plans[p].plan for p in ids]
    day = dt.date.fromisoformat(as_of)
    if supervised:
        evaluated = supervised_plans(Opened(root, config, snapshot, "en"), ids, day)
    else:
        evaluated = evaluate(plans, snapshot.ledger_at(day), day)
    return evaluated, trend_lines(plans, snapshot.timelines(), day)


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
                    # Every console under soak; else one in turn, so that every pair of width and console
                    # comes round once in sixteen turns (rich takes tens of milliseconds a table).
                    for color_system, no_color in CONSOLES if SOAK else [CONSOLES[turn // len(WIDTHS) % len(CONSOLES)]]:
                        out = console(width, color_system, no_color)
                        for chart in (None, charts[status.id]):
                            text = plan_text(status, lang, width, _styles(out), chart)
                            if text is not None:
                                assert text == rich_text(status, lang, out, chart), (status.id, lang, width)
                                compared += 1
    assert compared >= (200 if SOAK else 20)


def test_bundled_plans_are_rich_tables_byte_for_byte() -> None:
    """The hand-transcribed plans (milestones, `<=` targets, decimals), whole (their sections are wider
    than 48 cells: folded as rich folds them) and with their names and sections cut to 20 characters."""
    snapshot = open_snapshot(ROOT, load_config(ROOT), use_cache=False)
    compared = turn = 0
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
                # Every width with every console under soak; else each width and console in turn (rich
                # takes 80 ms to lay out a bundled plan; the property test below covers widths and colours).
                for width in (80, 120, 200):
                    turn += 1
                    for color_system, no_color in CONSOLES if SOAK else [CONSOLES[turn % len(CONSOLES)]]:
                        out = console(width, color_system, no_color)
                        for shown in (whole, status):
                            text = plan_text(shown, lang, width, _styles(out))
                            assert text is not None, (plan_id, lang, width)
                            assert text == rich_text(shown, lang, out), (plan_id, lang, width)
                            compared += 1
    assert compared == 3 * 2 * 2 * 3 * (len(CONSOLES) if SOAK else 1) * 2


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


def test_names_fold_as_rich_folds_them(generated: Path) -> None:
    snapshot = open_snapshot(generated, Config(), use_cache=False)
    plan = snapshot.plans[sorted(snapshot.plans)[0]].plan
    day = dt.date(2024, 6, 30)
    status = evaluate([plan], snapshot.ledger_at(day), day)[0]
    assert plan_text(status, "en", 40) is None  # the name column under its min_width: rich overflows
    long_name = plan.model_copy(
        update={"indicators": [plan.indicators[0].model_copy(update={"name": "很" * 25}), *plan.indicators[1:]]}
    )
    status = evaluate([long_name], snapshot.ledger_at(day), day)[0]
    # A name above 48 cells folds at 48 (24 characters, then 1), here and in rich, in colour too.
    text = plan_text(status, "en", 200, _styles(console(200, "standard")))
    assert text is not None
    assert f"│ {'很' * 24} │" in text
    assert f"│ 很{' ' * 46} │" in text
    out = console(200, "standard")
    write_status_tables(out, [long_name.id], lambda ids: [status], "en")
    assert out.file.getvalue() == text == rich_text(status, "en", console(200, "standard"))  # type: ignore[attr-defined]
    # A control character in a name that must fold: rich's to lay out.
    odd = plan.model_copy(
        update={"indicators": [plan.indicators[0].model_copy(update={"name": "很\t" * 25}), *plan.indicators[1:]]}
    )
    assert plan_text(evaluate([odd], snapshot.ledger_at(day), day)[0], "en", 200) is None


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
        expected.print(status_tables(evaluated, "zh", charts if chart else None, 120))
        assert out.file.getvalue() == expected.file.getvalue()  # type: ignore[attr-defined]
    narrow = console(60, color_system)  # at 60 cells columns go, and rich folds the names
    write_status_tables(narrow, ids[:2], lambda share: [by_id[i] for i in share], "en")
    expected = console(60, color_system)
    expected.print(status_tables(evaluated[:2], "en", None, 60))
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


def bundled(as_of: dt.date) -> list[PlanStatus]:
    """The bundled plans at ``as_of``, with rules 10–13, as `status` shows them."""
    config = load_config(ROOT)
    snapshot = open_snapshot(ROOT, config, use_cache=False)
    return supervised_plans(Opened(ROOT, config, snapshot, "en"), sorted(snapshot.plans), as_of)


def state_cells(text: str) -> list[str]:
    """The last cell of every body row that has one (a folded name's further lines have none)."""
    cells = []
    for line in text.splitlines():
        if line.startswith("│"):
            cell = line.rstrip().rstrip("│").split("│")[-1].strip()
            if cell:
                cells.append(cell)
    return cells


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_tables_fit_every_width_with_every_state_word(lang: str) -> None:
    """The bundled plans at 60, 80, 120 and 160 cells: no line wider than the terminal, and the state of
    every indicator and part in full in its row (with its marker), columns dropped by priority."""
    plans = bundled(dt.date(2021, 9, 30))
    words = {label(state, lang): state for state in ("done", "on-track", "behind", "overdue")}
    stale = label("stale_mark", lang)
    for width in (60, 80, 120, 160):
        out = console(width, None)
        write_status_tables(out, [p.id for p in plans], lambda ids: [p for p in plans if p.id in ids], lang)
        text = out.file.getvalue()  # type: ignore[attr-defined]
        assert max(_w(line) for line in text.splitlines()) <= width, width
        for plan, table_ in zip(plans, text.split("┏")[1:], strict=True):
            shown = []
            for cell in state_cells(table_.split("\n└")[0]):
                marker = "●" if cell.startswith("●") else " "
                word = cell.removeprefix("●").strip().removesuffix(stale).strip()
                shown.append((marker, words[word], cell.endswith(stale)))
            expected = [
                ("●" if plan.watches[item.ref].alert else " ", item.state, plan.watches[item.ref].stale)
                for ind in plan.indicators
                for item in (ind, *ind.parts)
            ]
            assert shown == expected, (plan.id, width)


def test_columns_dropped_by_priority() -> None:
    """binhai-2021 at 2021-09-30 in Chinese: at 160 cells every column; at 80 the bar, the due date and
    the unit go (name, target, current, completion, projection, state stay); at 60 only the name,
    target, current and state."""
    plan = next(p for p in bundled(dt.date(2021, 9, 30)) if p.id == "binhai-2021")

    def heads(width: int) -> list[str]:
        out = console(width, None)
        write_status_tables(out, [plan.id], lambda ids: [plan], "zh")
        line = next(line for line in out.file.getvalue().splitlines() if line.startswith("┃"))  # type: ignore[attr-defined]
        return [cell.strip() for cell in line.strip("┃").split("┃")]

    assert heads(160) == ["指标", "目标", "当前", "单位", "进度", "预计完成", "截止", "状态"]
    assert heads(120) == ["指标", "目标", "当前", "单位", "进度", "预计完成", "截止", "状态"]
    assert heads(80) == ["指标", "目标", "当前", "进度", "预计完成", "状态"]
    assert heads(60) == ["指标", "目标", "当前", "状态"]


def test_markers_and_projection_in_a_row() -> None:
    """binhai-2021 at 2021-09-30: the overdue milestone has a red marker and is not reported; 全体党员轮训
    (0.6 of 1 since 2021-01-01, 272 days; 92 days to 2021-12-31) projects to 0.6 + 0.6/272 × 92 = 0.803
    (80.3%); in colour the marker is written red, the stale word magenta."""
    plan = next(p for p in bundled(dt.date(2021, 9, 30)) if p.id == "binhai-2021")
    out = console(160, None)
    write_status_tables(out, [plan.id], lambda ids: [plan], "en")
    lines = out.file.getvalue().splitlines()  # type: ignore[attr-defined]
    row = next(line for line in lines if "全体党员轮训" in line)
    assert [c.strip() for c in row.strip("│").split("│")][4:] == [
        "██████░░░░  60.0%",
        "80.3%",
        "2021-12-31",
        "on track",
    ]
    row = next(line for line in lines if "举办庆祝建党100周年" in line)
    assert row.rstrip().endswith("│ ● overdue stale  │")
    assert lines[-1].rstrip() == "● red 1  ·  ● yellow 4  ·  stale 11"
    coloured = console(160, "standard")
    write_status_tables(coloured, [plan.id], lambda ids: [plan], "en")
    text = coloured.file.getvalue()  # type: ignore[attr-defined]
    assert "│ \x1b[31m●\x1b[0m \x1b[1;31moverdue\x1b[0m\x1b[35m stale\x1b[0m  │" in text


def test_by_owner_at_80_columns_in_chinese() -> None:
    """status --by owner on the report fixture at 2021-09-30: a table per owner in rank order (rule 13),
    each with its items under their plan's title and its summary line; no line wider than 80 cells."""
    from civtrack.render.owner_table import write_owner_tables
    from civtrack.supervision import owners

    root = ROOT / "tests" / "fixtures" / "report-repo"
    config = load_config(root)
    snapshot = open_snapshot(root, config, use_cache=False)
    plans = supervised_plans(Opened(root, config, snapshot, "zh"), ["hexi-2021", "qingshan-2021"], dt.date(2021, 9, 30))
    out = console(80, None)
    write_owner_tables(out, plans, owners(plans), "zh")
    lines = out.file.getvalue().splitlines()  # type: ignore[attr-defined]
    assert max(_w(line) for line in lines) <= 80
    titles = [line.split("  截至")[0] for line in lines if "  截至 2021-09-30" in line]
    assert titles == ["河西区民政局", "社会救助科", "养老服务科", "青山区民政局", "儿童福利科", "社会事务科"]
    heads = [[cell.strip() for cell in line.strip("┃").split("┃")] for line in lines if line.startswith("┃")]
    assert heads == [["指标", "目标", "当前", "进度", "预计完成", "状态"]] * 6  # the same columns in every table
    summaries = [line.rstrip() for line in lines if line.startswith("完成率")]
    assert summaries[0] == "完成率 78.8% · 4项 · 红色 0 · 橙色 0 · 黄色 1 · 蓝色 0 · 未报送 1"
    assert summaries[4] == "完成率 50.0% · 1项 · 红色 1 · 橙色 0 · 黄色 0 · 蓝色 0 · 未报送 1"
    elder = "\n".join(lines).split("养老服务科  截至")[1].split("青山区民政局  截至")[0]
    assert [line.split("│")[1].strip() for line in elder.splitlines() if line.startswith("│")] == [
        "青山区民政局2021年工作要点", "城乡社区养老服务设施项目", "└ 东湖街道", "└ 青石镇", "└ 河口镇", "新增养老机构床位",
    ]  # fmt: skip
    # Only some owners (status --owner with --by owner): their tables alone.
    out = console(80, None)
    write_owner_tables(out, plans, [s for s in owners(plans) if s.owner == "社会事务科"], "zh")
    assert out.file.getvalue().startswith("社会事务科  截至 2021-09-30")  # type: ignore[attr-defined]
    out = console(80, None)
    write_owner_tables(out, plans, [], "zh")
    assert out.file.getvalue() == "没有符合条件的指标。\n"  # type: ignore[attr-defined]


# --- folding: any names, any width (hypothesis) ------------------------------------------------------

# ASCII words and digits, spaces, Chinese characters, fullwidth punctuation and the ideographic space.
NAME_CHARS = "abcXYZ019 -/%.很工作要点计划民政局党建设養老，。、（）：；“”《》\u3000"
NAMES = st.text(alphabet=NAME_CHARS, min_size=1, max_size=70) | st.builds(
    lambda word, times: " ".join([word] * times),  # long words, repeated
    st.text(alphabet="abcdefghij很工作", min_size=8, max_size=40),
    st.integers(1, 4),
)


@functools.cache
def _bundled_once() -> tuple[PlanStatus, ...]:
    return tuple(bundled(dt.date(2021, 9, 30)))


@settings(max_examples=250 if not SOAK else 3000, deadline=None)
@given(
    plan_index=st.integers(0, 2),
    count=st.integers(1, 6),
    title=NAMES,
    names=st.lists(NAMES, min_size=12, max_size=12),
    sections=st.lists(st.none() | NAMES, min_size=6, max_size=6),
    width=st.integers(40, 160),
    lang=st.sampled_from(["en", "zh"]),
    colours=st.sampled_from(CONSOLES),
    supervised=st.booleans(),
    charted=st.booleans(),
)
def test_folded_names_are_rich_tables_byte_for_byte(
    plan_index: int,
    count: int,
    title: str,
    names: list[str],
    sections: list[str | None],
    width: int,
    lang: str,
    colours: tuple[str | None, bool],
    supervised: bool,
    charted: bool,
) -> None:
    """A bundled plan's first indicators (with their parts, markers and projections, or rules 1-9 only;
    with a Trend column or without) renamed at random, under random sections, the plan's title too: plan_text gives rich's bytes, or
    None. At 60 cells and wider, it gives None only for a title that rich crops where it wraps (an
    ideographic space cut in two at its end)."""
    plan = _bundled_once()[plan_index]
    drawn = iter(names * 4)
    indicators = tuple(
        replace(
            ind,
            name=next(drawn),
            section=sections[index],
            parts=tuple(replace(part, name=next(drawn)) for part in ind.parts[:2]),
        )
        for index, ind in enumerate(plan.indicators[:count])
    )
    status = replace(plan, title=title, indicators=indicators, watches=plan.watches if supervised else {})
    out = console(width, *colours)
    chart = {item.ref: "▁▃▅█"[: 1 + len(item.ref) % 4] for ind in indicators for item in (ind, *ind.parts)}
    chart = chart if charted else None
    text = plan_text(status, lang, width, _styles(out), chart)
    expected = rich_text(status, lang, out, chart)
    if text is not None:
        assert text == expected
        folded = any(line.startswith("│ ") and line.split("│")[2].strip() == "" for line in text.splitlines())
        event("laid out here, names folded" if folded else "laid out here")
    else:
        event("left to rich")
        assert width < 60 or "\u3000" in title


def test_bundled_and_generated_plans_are_laid_out_here(generated: Path) -> None:
    """The share of plans rich lays out: none of the bundled plans (sections 51–62 cells wide) at 60,
    70, 80, 100, 120 and 160 cells in either language, none of the generated ones (names up to 60 cells,
    two thirds of them folding at 80 cells in Chinese) at 60 and up."""
    plans = bundled(dt.date(2021, 9, 30))
    for width in (60, 70, 80, 100, 120, 160):
        for lang in ("en", "zh"):
            assert [p.id for p in plans if plan_text(p, lang, width) is None] == [], (width, lang)
    evaluated, _ = statuses(generated, "2024-09-30")
    folded = 0
    for width in (60, 80, 100, 120):
        for lang in ("en", "zh"):
            for status in evaluated:
                text = plan_text(status, lang, width)
                assert text is not None, (status.id, width, lang)
                folded += any(line.startswith("│ ") and line.split("│")[2].strip() == "" for line in text.splitlines())
    assert folded > len(evaluated)


def test_remembered_cells_are_the_cells_made_plainly(generated: Path) -> None:
    """_cells takes plain cells, numbers and due dates from its memory: the same cells as _cell, _target_text,
    _current_text, _bar and _state_cell make, row after row (the second time from memory)."""
    from civtrack.render import STATE_STYLES
    from civtrack.render.table import _bar, _cell, _cells, _current_text, _projected_text, _state_cell, _target_text

    evaluated, charts = statuses(generated, "2024-06-30")
    out = console(120, "truecolor")
    styles = _styles(out)
    rows = 0
    for _ in range(2):
        for plan in evaluated:
            for status in plan.indicators:
                for item, indent in ((status, False), *((part, True) for part in status.parts)):
                    seen = plan.watches.get(item.ref)
                    style = STATE_STYLES[item.state]
                    plain = [
                        _cell(item.name) if not indent else _cells(item, "zh", styles, None, seen, True, True)[0],
                        _cell(_target_text(item)), _cell(_current_text(item)), _cell(item.unit or ""),
                        _bar(item.completion, item.state, styles),
                        _cell(f"{table.pct(item.completion):>6}", style, styles), _cell(_projected_text(seen)),
                        _cell(charts[plan.id].get(item.ref, ""), style, styles), _cell(item.due.isoformat()),
                        _state_cell(item.state, seen and seen.alert, bool(seen and seen.stale), "zh", styles),
                    ]  # fmt: skip
                    assert _cells(item, "zh", styles, charts[plan.id], seen, True, indent) == plain
                    rows += 1
    assert rows == 2 * 287  # twice the rows of the generated plans
    assert table.fmt(-0.0) == table._number(-0.0) == table._number(0) == "0" and table._number(800.0) == "800"

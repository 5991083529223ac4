"""Narrow terminals (issue 13): history, diff and record's confirmation laid out at 60, 80, 120 and 160
columns in English and Chinese with rich's Console(width=…): no line wider than the terminal, every
state word whole, nothing cut off (no "…"); columns fold, then drop with a line naming them."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from rich.cells import cell_len
from rich.console import Console, RenderableType

from civtrack.i18n import label
from tests.gitkit import commit, make_repo, record, write

WIDTHS = (60, 80, 120, 160)
LANGS = ("en", "zh")
NOTE = "二季度：城南中心投用，另有两处社区嵌入式养老机构完成验收并开始收住老人"


def _render(renderable: RenderableType, width: int) -> list[str]:
    out = Console(width=width, file=io.StringIO(), color_system=None, highlight=False)
    out.print(renderable)
    return out.file.getvalue().splitlines()  # type: ignore[attr-defined]


def _check(lines: list[str], width: int, states: list[str], lang: str) -> None:
    text = "\n".join(lines)
    assert max(cell_len(line) for line in lines) <= width, text
    assert "…" not in text, text
    for state in set(states):
        word = label(state, lang)
        whole = sum(line.count(word) for line in lines)
        assert whole >= states.count(state), (state, text)


@pytest.fixture(scope="module")
def town(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The town plan with entries on a number, a part and a milestone, two commits and long notes."""
    root = make_repo(tmp_path_factory.mktemp("widths") / "town")
    record(root, "town/elder-beds", "300", "--date", "2026-03-31", "--note", "一季度新增床位", "--by", "城关镇养老服务科")
    record(root, "town/homes/east", "4", "--date", "2026-03-20", "--by", "东区")
    commit(root, "q1")
    record(root, "town/elder-beds", "180", "--date", "2026-06-28", "--note", NOTE, "--by", "养老服务科")
    record(root, "town/homes/west", "2", "--date", "2026-06-21")
    record(root, "town/cemetery-plan", "--done", "--date", "2026-06-25")
    record(root, "town/smoke", "26", "--date", "2026-06-30", "--note", "Survey by the county CDC, second round")
    return root


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("ref", ["town/elder-beds", "town/homes", "town/cemetery-plan"])
def test_history_fits(town: Path, ref: str, width: int, lang: str) -> None:
    from civtrack.commands.history import history_steps, history_view
    from civtrack.refs import target
    from civtrack.workspace import load_config

    config = load_config(town)
    found = target(town, ref, config)
    steps, in_git = history_steps(town, found, config)
    assert in_git and steps
    lines = _render(history_view(found, steps, in_git, lang, width), width)
    _check(lines, width, [step.status.state for step in steps], lang)
    text = "\n".join(lines)
    for step in steps:
        assert step.item.entry.date.isoformat() in text  # the date is never folded
    if width >= 160:
        assert label("columns_left_out", lang).split("{")[0] not in text  # everything fits
    if width == 60:
        left_out = label("columns_left_out", lang).split("{")[0]
        assert left_out in text  # and it says what it left out


def test_history_at_80_columns_exactly(town: Path) -> None:
    from civtrack.commands.history import history_steps, history_view
    from civtrack.refs import target
    from civtrack.workspace import load_config

    config = load_config(town)
    found = target(town, "town/elder-beds", config)
    steps, in_git = history_steps(town, found, config)
    lines = [line.rstrip() for line in _render(history_view(found, steps, in_git, "zh", 80), 80)]
    assert lines == [
        "新增养老床位  目标 800 张",
        "┏━━━━━━━━━━━━┳━━━━━━┳━━━━━━┳━━━━━━━━┳━━━━━━┳━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━┓",
        "┃ 日期       ┃ 数值 ┃ 当前 ┃ 完成率 ┃ 状态 ┃ 填报             ┃ 提交日期   ┃",
        "┡━━━━━━━━━━━━╇━━━━━━╇━━━━━━╇━━━━━━━━╇━━━━━━╇━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━┩",
        "│ 2026-03-31 │  300 │  300 │  37.5% │ 正常 │ 城关镇养老服务科 │ 2026-04-01 │",
        "│ 2026-06-28 │  180 │  480 │  60.0% │ 正常 │ 养老服务科       │ 未提交     │",
        "└────────────┴──────┴──────┴────────┴──────┴──────────────────┴────────────┘",
        "终端宽度不足，未显示：说明, 提交, 作者（加宽终端或使用 --format json 可查看）。",
    ]


def _diff(town: Path):
    from civtrack.commands.diff import load_side, sides
    from civtrack.diffing import compare
    from civtrack.workspace import load_config

    config = load_config(town)
    old_side, new_side = sides(town, [])
    return compare(load_side(town, old_side, config), load_side(town, new_side, config), dt.date(2026, 6, 30), 25.0)


@pytest.fixture(scope="module")
def rewritten(town: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The town repository with a lowered target and a changed entry on top (a copy)."""
    import shutil

    root = tmp_path_factory.mktemp("rewritten") / "town"
    shutil.copytree(town, root)
    plan = (root / "plans/town.yaml").read_text(encoding="utf-8")
    write(root, "plans/town.yaml", plan.replace("target: 800", "target: 600"))
    march = (root / "progress/town/2026-03.yaml").read_text(encoding="utf-8")
    write(root, "progress/town/2026-03.yaml", march.replace("value: 300", "value: 310"))
    return root


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("which", ["town", "rewritten"])
def test_diff_fits(which: str, width: int, lang: str, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    from civtrack.render.diff import diff_body, diff_head

    root = request.getfixturevalue(which)
    monkeypatch.chdir(root)  # paths relative to the working folder, as people run it
    diff = _diff(root)
    lines = _render(diff_head(diff, lang, "HEAD", "working tree"), width)
    lines += _render(diff_body(diff, lang, width), width)
    states = [state for plan in diff.plans for change in plan.indicators for state in _shown(change.old, change.new)]
    _check(lines, width, states, lang)
    text = "\n".join(lines)
    for plan in diff.plans:
        for change in plan.added:
            assert change.new is not None
            assert f"{change.new.path}:{change.new.line}" in text  # where, whole


def test_diff_at_60_columns_exactly(town: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from civtrack.render.diff import diff_body

    monkeypatch.chdir(town)  # paths are shown relative to the working folder

    lines = [line.rstrip() for line in _render(diff_body(_diff(town), "zh", 60), 60)]
    assert lines == [
        "",
        "town  城关镇2026年民生实事  总体完成率 10.2% → 44.0%",
        "  指标变化",
        "    新增养老床位",
        "      300 → 480 张  37.5% → 60.0%  正常",
        "    特困供养设施改造",
        "      4 → 6 家  13.3% → 20.0%  滞后",
        "      西区",
        "        0 → 2 家  0.0% → 20.0%  滞后",
        "    公墓布点规划",
        "      ○ → ✓  0.0% → 100.0%  正常 → 已完成",
        "    成人吸烟率",
        "      30 → 26 %  0.0% → 40.0%  滞后 → 正常",
        "  新增记录（4）",
        "    + 2026-06-21  特困供养设施改造 / 西区  2 家",
        "        progress/town/2026-06.yaml:2",
        "    + 2026-06-25  公墓布点规划  ✓",
        "        progress/town/2026-06.yaml:3",
        "    + 2026-06-28  新增养老床位  180 张",
        "        “二季度：城南中心投用，另有两处社区嵌入式养老机构完",
        "        成验收并开始收住老人”  — 养老服务科",
        "        progress/town/2026-06.yaml:1",
        "    + 2026-06-30  成人吸烟率  26 %",
        "        “Survey by the county CDC, second round”",
        "        progress/town/2026-06.yaml:4",
        "",
        "新增记录 4",
    ]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("width", WIDTHS)
def test_change_grid_fits(town: Path, width: int, lang: str) -> None:
    from civtrack.render.diff import change_grid

    diff = _diff(town)
    rows = [(change.name, change.old, change.new) for change in diff.plans[0].indicators]
    lines = _render(change_grid(rows, lang, width=width), width)
    _check(lines, width, [state for _, old, new in rows for state in _shown(old, new)], lang)


def _shown(old, new) -> list[str]:
    """The state words a change shows: one when the state did not change, else before and after."""
    if old is not None and new is not None and old.state == new.state:
        return [new.state]
    return [status.state for status in (old, new) if status is not None]

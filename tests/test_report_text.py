"""`report --format text` (issue 13): the monthly report laid out for a terminal of 60, 80, 120 or 160
columns in English and Chinese (rich's Console(width=…)): no line wider, every state word whole,
nothing cut off; the columns left out named under their table."""

from __future__ import annotations

import io

import pytest
from rich.cells import cell_len
from rich.console import Console

from civtrack.i18n import label
from civtrack.render.report_terminal import report_renderables, report_section
from tests.reportkit import fixture_report, run_fixture


def _text(lang: str, width: int) -> tuple[list[str], list[str]]:
    report = fixture_report("2021-09")
    sections = [report_section(p, lang) for p in report.plans]
    out = Console(width=width, file=io.StringIO(), color_system=None, highlight=False)
    for renderable in report_renderables(report.month, report.summaries, sections, lang, width):
        out.print(renderable)
    states = [item.state for p in report.plans for s in p.status.indicators for item in (s, *s.parts)]
    return out.file.getvalue().splitlines(), states  # type: ignore[attr-defined]


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("width", [60, 80, 120, 160])
def test_report_text_fits(width: int, lang: str) -> None:
    lines, states = _text(lang, width)
    text = "\n".join(lines)
    assert max(cell_len(line) for line in lines) <= width
    assert "…" not in text
    for state in set(states):
        # the "All indicators" table has a row per indicator and part, each with its state whole
        assert sum(line.count(label(state, lang)) for line in lines) >= states.count(state), state
    left_out = label("columns_left_out", lang).split("{")[0]
    assert (left_out in text) == (width <= 80), width


def test_report_text_through_the_command() -> None:
    result = run_fixture("report", "--month", "2021-09", "--format", "text", "--lang", "zh", env={"COLUMNS": "80"})
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[:2] == ["2021年9月工作进展月报", "截至2021-09-30，与2021-08-31比较。"]
    assert max(cell_len(line) for line in lines) <= 80

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
    for renderable in report_renderables(report.month, report.summaries, sections, lang, width, report.supervision):
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


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("width", [60, 80, 160])
def test_report_text_has_the_supervision_sections(width: int, lang: str) -> None:
    """By responsible unit, Warnings and Not reported come before the plans, as in the Markdown; the
    ranking keeps its unit at every width (elsewhere the owner column is the first to go)."""
    report = fixture_report("2021-09")
    lines, _ = _text(lang, width)
    sup = report.supervision
    warnings = f"{label('warnings', lang)}{'（' if lang == 'zh' else ' ('}{len(sup.warnings)}"
    not_reported = sum(len(items) for _, items in sup.not_reported)
    headings = [label("by_owner", lang), warnings, f"{label('not_reported', lang)}"]
    at = [next(i for i, line in enumerate(lines) if line.startswith(h)) for h in headings]
    assert at == sorted(at) and at[-1] < lines.index(report.plans[0].plan.title + f" ({report.plans[0].plan.id})")
    assert str(not_reported) in lines[at[-1]]
    ranking = "\n".join(lines[at[0] : at[1]])
    assert label("owner", lang) in ranking
    first = sup.owners[0]
    assert f"{first.completion:.1f}%" in ranking
    alert_words = [label(f.watch.alert, lang) for f in sup.warnings]
    assert [w for line in lines[at[1] : at[2]] for w in line.split() if w in alert_words] == alert_words

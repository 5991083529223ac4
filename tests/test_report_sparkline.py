"""Sparklines and `civtrack status --chart`."""

from __future__ import annotations

from rich.cells import cell_len

from civtrack.render.sparkline import sparkline
from tests.reportkit import run_fixture


def test_levels():
    assert sparkline([0, 5, 12.5, 30, 50, 62.5, 80, 95, 100, 140]) == "▁▂▂▃▅▅▆▇██"
    assert sparkline([-3]) == "▁"  # floored like completion
    assert sparkline([1, 2], top=2) == "▅█"


def test_width_keeps_the_last_values():
    assert sparkline([100] * 3 + [0] * 12) == "▁" * 12
    assert sparkline([0, 100, 0], width=2) == "█▁"
    assert sparkline([0, 100, 0], width=None) == "▁█▁"
    assert sparkline([]) == ""


def test_status_chart_column():
    result = run_fixture("status", "--as-of", "2021-09-30", "--plan", "qingshan-2021", "--chart")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "Trend" in lines[2]
    rows = {line.split("│")[1].strip(): line for line in lines if line.startswith("│")}
    assert "▁▂▂▂▃▃▄▆█" in rows["新增养老机构床位"]
    assert "▁▁▁▃▃▆▆▆█" in rows["└ 东湖街道"]
    assert "▁▁▁▁▁▁▁▁█" in rows["完成地名普查成果转化应用"]
    # Every row of the table has the same display width: the column lines up.
    assert len({cell_len(line) for line in lines if line[:1] in "┏┃┡│├└"}) == 1


def test_status_without_chart_has_no_trend_column():
    result = run_fixture("status", "--as-of", "2021-09-30", "--plan", "qingshan-2021")
    assert "Trend" not in result.stdout and "▁" not in result.stdout


def test_chart_in_chinese():
    result = run_fixture("--lang", "zh", "status", "--as-of", "2021-09-30", "--plan", "hexi-2021", "--chart")
    assert "走势" in result.stdout
    assert "▁▁▃▃▃▅▅▅█" in result.stdout  # annual-inspection: 24%, 60%, 104%

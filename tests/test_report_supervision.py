"""The report's supervision sections (issue 12): By responsible unit, Warnings, Not reported; the
owners in every list; report --owner; --fail-on red, orange, stale; the projection of the HTML chart.
On the fixture repository at September 2021, in-process where it can be (the command's runs are
forked, not the installed script)."""

from __future__ import annotations

import json
import re

import pytest

from civtrack.render.report_html import report_html
from civtrack.render.report_md import report_markdown
from civtrack.supervision import Supervision
from tests.reportkit import fixture_report, run_fixture


@pytest.fixture(scope="module")
def report():
    return fixture_report("2021-09")


def rows_of(text: str, heading: str) -> list[list[str]]:
    """The body rows of the Markdown table under ``heading`` (a whole line)."""
    lines = text.split(f"\n{heading}\n\n", 1)[1].split("\n\n", 1)[0].splitlines()
    return [[cell.strip() for cell in line.strip("|").split("|")] for line in lines[2:]]


def test_ranking_of_owners(report) -> None:
    """Rule 13 across both plans: 河西区民政局 holds hexi's four indicators (75, 100 capped from 104, 100,
    40: 78.75); 社会救助科 relief-training 62.5 and adviser-coverage 80 (71.25); 养老服务科 the four parts
    of elder-care-projects and elder-beds; ... 社会事务科 the cemetery plan (0)."""
    text = report_markdown(report, "en")
    assert rows_of(text, "## By responsible unit") == [
        ["1", "河西区民政局", "4", "78.8%", "2", "1", "1", "0", "0", "0", "1", "0", "1"],
        ["2", "社会救助科", "2", "71.2%", "0", "2", "0", "0", "0", "0", "0", "0", "0"],
        ["3", "养老服务科", "4", "64.6%", "2", "0", "2", "0", "0", "0", "2", "0", "2"],
        ["4", "青山区民政局", "6", "62.8%", "2", "2", "2", "0", "0", "0", "2", "1", "1"],
        ["5", "儿童福利科", "1", "50.0%", "0", "0", "0", "1", "1", "0", "0", "0", "1"],
        ["6", "社会事务科", "1", "0.0%", "0", "0", "0", "1", "1", "0", "0", "0", "1"],
    ]
    assert [s.completion for s in report.supervision.owners][:2] == [78.75, 71.25]


def test_warnings_red_first_then_by_days(report) -> None:
    """Red (the longest overdue first: 92 days, then 30), yellow (92 days left each, in plan order), blue
    (the service centre, due 2021-10-15: 15 days left, within due_soon_days)."""
    rows = rows_of(report_markdown(report, "en"), "## Warnings (8)")
    assert [(row[0], row[2], row[6], row[7]) for row in rows] == [
        ("**red**", "编制城乡公益性公墓布点规划", "-92", "—"),
        ("**red**", "完成儿童福利机构改造", "-30", "50.0%"),
        ("yellow", "残疾人两项补贴新增覆盖", "92", "53.5%"),
        ("yellow", "低保错保率", "92", "60.2%"),
        ("yellow", "城乡社区养老服务设施项目 / 青石镇", "92", "33.5%"),
        ("yellow", "城乡社区养老服务设施项目 / 河口镇", "92", "44.6%"),
        ("yellow", "新增注册志愿者", "92", "56.2%"),
        ("blue", "建成区社区综合服务中心", "15", "—"),
    ]
    # 新增注册志愿者: 2100 since 2021-01-01 (272 days), 92 days to go: 2100 + 2100/272 × 92 = 2810.29 of 5000.
    volunteers = next(f for f in report.supervision.warnings if f.status.id == "volunteers")
    assert volunteers.watch.projected == pytest.approx(2100 + 2100 / 272 * 92)
    assert rows[6][5] == "1636.3人"  # the gap of Behind


def test_not_reported_by_owner_in_rank_order(report) -> None:
    text = report_markdown(report, "zh")
    owners = re.findall(r"^### (.+)$", text.split("## 未报送（6）", 1)[1].split("\n## ", 1)[0], re.M)
    assert owners == ["河西区民政局（1）", "养老服务科（2）", "青山区民政局（1）", "儿童福利科（1）", "社会事务科（1）"]
    assert rows_of(text, "### 养老服务科（2）") == [
        ["青山区民政局2021年工作要点", "城乡社区养老服务设施项目 / 青石镇", "2021-05-20", "2021-12-31", "**滞后**"],
        ["青山区民政局2021年工作要点", "城乡社区养老服务设施项目 / 河口镇", "2021-07-20", "2021-12-31", "**滞后**"],
    ]
    assert rows_of(text, "### 社会事务科（1）")[0][2] == "从未填报"


def test_supervision_of_shares_equals_one_tally(report) -> None:
    """The ranking merged from one tally per plan (as shares come back from other processes) equals the
    tally of every plan at once."""
    from civtrack.supervision import owners

    assert list(report.supervision.owners) == owners(p.whole for p in report.plans)
    again = Supervision.of(p.supervised for p in reversed(report.plans))
    assert again.owners == report.supervision.owners


def test_one_units_report() -> None:
    """report --owner 养老服务科: its ranking row, its warnings and stale parts; hexi (where it holds
    nothing) left out; qingshan's lists and entries keep its items only (the parent with parts shows
    those parts), while the plan's completion stays the whole plan's."""
    result = run_fixture("report", "--month", "2021-09", "--owner", "养老服务科")
    assert result.returncode == 0, result.stderr
    text = result.stdout
    assert re.findall(r"^## (.+)$", text, re.M) == [
        "By responsible unit", "Warnings (2)", "Not reported (2)", "青山区民政局2021年工作要点 (qingshan-2021)",
    ]  # fmt: skip
    assert rows_of(text, "## By responsible unit") == [
        ["1", "养老服务科", "4", "64.6%", "2", "0", "2", "0", "0", "0", "2", "0", "2"]
    ]
    assert "**Completion 60.3%**" in text
    everything = [row[0] for row in rows_of(text, "### All indicators")]
    assert everything == [
        "**二、提升养老服务水平**",
        "城乡社区养老服务设施项目",
        "└ 东湖街道",
        "└ 青石镇",
        "└ 河口镇",
        "新增养老机构床位",
    ]
    entries = rows_of(text, "### Recorded in September 2021 (2)")
    assert [row[1] for row in entries] == ["城乡社区养老服务设施项目 / 东湖街道", "新增养老机构床位"]


def test_fail_on_warnings_and_stale(tmp_path) -> None:
    """red and stale are in the fixture at September 2021, orange is not; 社会救助科 has neither."""
    codes = {
        what: run_fixture("report", "--month", "2021-09", "--fail-on", what, "-o", str(tmp_path / "r.md")).returncode
        for what in ("red", "orange", "stale")
    }
    assert codes == {"red": 1, "orange": 0, "stale": 1}
    relief = run_fixture(
        "report", "--month", "2021-09", "--owner", "社会救助科", "--fail-on", "red", "--fail-on", "stale"
    )
    assert relief.returncode == 0, relief.stderr


def test_json_supervision(report) -> None:
    from civtrack.render.report_json import report_json

    doc = json.loads(report_json(report))
    assert [o["owner"] for o in doc["owners"]] == [
        "河西区民政局",
        "社会救助科",
        "养老服务科",
        "青山区民政局",
        "儿童福利科",
        "社会事务科",
    ]
    first = doc["warnings"][0]
    assert (first["plan"], first["indicator"], first["alert"], first["days_left"], first["gap"]) == (
        "qingshan-2021", "cemetery-plan", "red", -92, None,
    )  # fmt: skip
    assert [group["owner"] for group in doc["not_reported"]][:2] == ["河西区民政局", "养老服务科"]
    hexi = next(p for p in doc["plans"] if p["id"] == "hexi-2021")
    # (min(100, 100.37) + min(100, 139.18) + 100 (a milestone done) + 53.53) / 4
    assert hexi["projected_completion"] == pytest.approx((100 + 100 + 100 + 53.529411764705884) / 4)


def test_html_owner_column_and_projection(report) -> None:
    """Each bar has its owner; the burn-up goes on, dashed, from the as-of point to the plan's end at the
    projected completion (hexi: 88.38%, y = 20 + 240 × (1 − 0.8838) = 47.88)."""
    page = report_html(report, "en")
    hexi = page.split('id="plan-hexi-2021"', 1)[1].split("</section>", 1)[0]
    assert re.findall(r'<td class="own">([^<]*)</td>', hexi) == ["河西区民政局"] * 4
    line = re.search(r'<polyline class="projection" points="([^"]+)"[^>]*stroke-dasharray="3 4"', hexi)
    assert line is not None
    (x0, _), (x1, y1) = [tuple(map(float, pair.split(","))) for pair in line[1].split()]
    assert x1 == 880 and y1 == pytest.approx(20 + 240 * (1 - 88.38235294117646 / 100), abs=0.01)
    assert x0 < x1
    assert "Projected 88.4%" in hexi


def test_an_owner_with_no_items() -> None:
    result = run_fixture("report", "--month", "2021-09", "--owner", "不存在科")
    assert result.returncode == 0
    assert result.stderr == "civtrack: warning: no plan of the month has an item of 不存在科\n"
    assert result.stdout.endswith("No plan runs in September 2021.\n")

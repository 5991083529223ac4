"""`civtrack report` (Markdown, the default): golden files in en and zh, each section's content,
determinism, -o, --month, --plan, --lang and --fail-on, through the installed command."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import stat

import pytest
from rich.cells import cell_len

from civtrack.commands.report import parse_month
from civtrack.i18n import month_label
from civtrack.reporting import Month
from tests.reportkit import FIXTURE, copy_fixture, golden, run, run_fixture


@pytest.fixture(scope="module")
def en() -> str:
    result = run_fixture("report", "--month", "2021-09")
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def zh() -> str:
    result = run_fixture("report", "--month", "2021-09", "--lang", "zh")
    assert result.returncode == 0, result.stderr
    return result.stdout


def section(text: str, heading: str, plan: str = "qingshan-2021") -> list[str]:
    """The lines under a `### heading` of a plan, up to the next heading."""
    body = text.split(f"({plan})\n", 1)[1]
    lines = body.split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith(f"### {heading}"))
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("#")), len(lines))
    return [line for line in lines[start + 1 : end] if line]


def cells(line: str) -> list[str]:
    """The cells of a Markdown table row (escaped pipes stay inside their cell)."""
    return [c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]]


# --- golden files ---------------------------------------------------------------


def test_golden_en(en):
    golden("report-fixture-2021-09.en.md", en)


def test_golden_zh(zh):
    golden("report-fixture-2021-09.zh.md", zh)


def test_byte_identical_whatever_the_locale_timezone_and_folder(en, tmp_path):
    again = run_fixture(
        "report", "--month", "2021-09", cwd=tmp_path, env={"TZ": "America/Los_Angeles", "LC_ALL": "C", "LANG": "C"}
    )
    assert again.stdout.encode("utf-8") == en.encode("utf-8")


# --- sections with exact figures ------------------------------------------------


def test_headline_completion_and_counts(en, zh):
    assert "**Completion 60.3%** (+15.1 pts since 2021-08-31; expected pace 69.4%)" in en
    assert "**总体完成率 60.3%**（较2021-08-31 +15.1个百分点，预期进度 69.4%）" in zh
    counts = en.split("(qingshan-2021)\n", 1)[1].split("### ", 1)[0]
    table = [cells(line) for line in counts.splitlines() if line.startswith("| ")]
    assert table[1:] == [["done", "3", "+2"], ["on track", "5", "-2"], ["behind", "2", "-1"], ["overdue", "2", "+1"]]


def test_overview_of_several_plans(en):
    overview = en.split("## Overview\n", 1)[1].split("\n## ", 1)[0]
    rows = [cells(line) for line in overview.splitlines() if line.startswith("| ")][1:]
    assert rows == [
        ["河西区民政局2021年工作要点 (hexi-2021)", "78.8%", "+42.5 pts", "2 (+2)", "1 (-1)", "1 (-1)", "0 (±0)"],
        ["青山区民政局2021年工作要点 (qingshan-2021)", "60.3%", "+15.1 pts", "3 (+2)", "5 (-2)", "2 (-1)", "2 (+1)"],
    ]


def test_entries_of_the_month_with_notes(en):
    lines = section(en, "Recorded in September 2021 (8)")
    rows = [cells(line) for line in lines[2:]]
    assert rows[0] == ["2021-09-03", "城乡社区养老服务设施项目 / 东湖街道", "+1个", "东湖街道第四个养老服务站投用,街道任务全部完成", "东湖街道"]  # fmt: skip
    assert rows[1][3] == r"救助政策培训(第三季度) \| 线上直播"  # a pipe in a note is escaped
    assert rows[3] == ["2021-09-22", "新增养老机构床位", "+200张", "青石镇颐养中心投用,全年床位任务完成; evidence: 验收报告 青民〔2021〕45号", "养老服务科 王敏"]  # fmt: skip
    assert rows[4][2] == "✓ done"
    assert [r[2] for r in rows[5:]] == ["88%", "2.1%", "22分钟"]  # levels, not increments
    assert len(rows) == 8


def test_newly_done(en, zh):
    rows = [cells(line) for line in section(en, "Done this month (3)")[2:]]
    assert rows == [
        ["城乡社区养老服务设施项目 / 东湖街道", "4 / 4个", "2021-09-03", "养老服务科"],
        ["新增养老机构床位", "800 / 800张", "2021-09-22", "养老服务科"],
        ["完成地名普查成果转化应用", "✓ done", "2021-09-28", "青山区民政局"],
    ]
    assert [cells(line) for line in section(zh, "本月完成（3）")[2:]][2] == [
        "完成地名普查成果转化应用",
        "✓ 已完成",
        "2021-09-28",
        "青山区民政局",
    ]


def test_overdue_with_days(en, zh):
    rows = [cells(line) for line in section(en, "Overdue (2)")[2:]]
    assert rows == [
        ["编制城乡公益性公墓布点规划", "2021-06-30", "92", "○ not done", "0.0%", "社会事务科"],
        ["完成儿童福利机构改造 (*new this month*)", "2021-08-31", "30", "1 / 2个", "50.0%", "儿童福利科"],
    ]
    assert cells(section(zh, "逾期事项（2）")[3])[0] == "完成儿童福利机构改造（*本月新增*）"
    assert section(en, "Overdue (0)", "hexi-2021") == ["None."]


def test_behind_with_gap(en):
    rows = [cells(line) for line in section(en, "Behind (2)")[2:]]
    assert rows == [
        ["低保错保率", "2.1 / ≤ 1%", "2%", "0.1%", "45.0%", "2021-12-31", "青山区民政局"],
        ["新增注册志愿者", "2100 / 5000人", "3736.3人", "1636.3人", "42.0%", "2021-12-31", "青山区民政局"],
    ]


def test_due_next_month(en):
    rows = [cells(line) for line in section(en, "Due in October 2021 (2)")[2:]]
    assert rows == [
        ["2021-10-15", "建成区社区综合服务中心", "due", "—", "○ not done", "on track", "青山区民政局"],
        ["2021-10-31", "婚姻登记平均等候时间", "due", "≤ 20分钟", "22分钟", "on track", "青山区民政局"],
    ]


def test_lagging_parts_only_for_plans_with_parts(en):
    rows = [cells(line) for line in section(en, "Lagging parts (2)")[2:]]
    assert rows == [
        ["城乡社区养老服务设施项目", "青石镇", "1 / 4个", "3个", "2个", "25.0%", "**behind**", "养老服务科"],
        ["城乡社区养老服务设施项目", "河口镇", "1 / 3个", "2.2个", "1.2个", "33.3%", "**behind**", "养老服务科"],
    ]
    hexi = en.split("(hexi-2021)\n", 1)[1].split("\n## ", 1)[0]
    assert "Lagging parts" not in hexi


def test_all_indicators_with_change(en):
    lines = section(en, "All indicators")
    rows = {cells(line)[0]: cells(line) for line in lines[2:]}
    assert rows["新增养老机构床位"] == ["新增养老机构床位", "800 / 800张", "100.0%", "+25.0 pts", "2021-12-31", "done", "养老服务科"]  # fmt: skip
    assert rows["└ 青石镇"][3] == "±0.0 pts"
    assert rows["**一、兜牢基本民生保障底线**"][1:] == [""] * 6
    assert len(rows) == 12 + 3 + 3  # indicators, parts, section rows


def test_tables_are_well_formed_and_aligned_by_display_width(en, zh):
    for text in (en, zh):
        blocks = re.findall(r"(?:^\|.*\n)+", text, flags=re.M)
        assert len(blocks) >= 10
        for block in blocks:
            lines = block.splitlines()
            assert len({len(cells(line)) for line in lines}) == 1, block
            assert len({cell_len(line) for line in lines}) == 1, block  # columns line up in a terminal
            assert re.fullmatch(r"\|(-+:?\|)+", lines[1]), lines[1]


def test_zh_labels_everywhere(zh):
    for head in (line for line in zh.splitlines() if line.startswith("#")):
        assert not re.search(r"[A-Za-z]{3,}", head.replace("qingshan", "").replace("hexi", "")), head
    assert "pts" not in zh and "evidence" not in zh and "None." not in zh and "on track" not in zh
    for state in ("已完成", "正常", "滞后", "逾期"):
        assert f"| {state}" in zh


# --- options ----------------------------------------------------------------------


def test_output_file_is_written_atomically_with_normal_permissions(tmp_path, en):
    target = tmp_path / "reports" / "2021-09.md"
    result = run_fixture("report", "--month", "2021-09", "-o", str(target))
    assert result.returncode == 0 and result.stdout == ""
    assert target.read_text(encoding="utf-8") == en
    assert sorted(p.name for p in target.parent.iterdir()) == ["2021-09.md"]  # no temporary file left
    mode = stat.S_IMODE(target.stat().st_mode)
    umask = os.umask(0)
    os.umask(umask)
    assert mode == 0o666 & ~umask
    # Replacing an existing report.
    target.write_text("old", encoding="utf-8")
    assert run_fixture("report", "--month", "2021-09", "--lang", "zh", "-o", str(target)).returncode == 0
    assert target.read_text(encoding="utf-8").startswith("# 2021年9月工作进展月报\n")


def test_output_into_an_unwritable_place_is_an_input_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = run_fixture("report", "--month", "2021-09", "-o", str(blocker / "r.md"))
    assert result.returncode == 2
    assert result.stderr.startswith(f"{blocker / 'r.md'}: error: cannot write the report")
    assert "Traceback" not in result.stderr


def test_month_last_is_the_month_before_today():
    assert parse_month("last", dt.date(2022, 1, 10)) == Month(2021, 12)
    assert parse_month(None, dt.date(2021, 10, 31)) == Month(2021, 9)
    assert parse_month("2021-09") == Month(2021, 9)
    result = run_fixture("report", "--month", "last", "--plan", "qingshan-2021")
    previous = Month.of(dt.date.today()).previous()
    assert result.returncode == 0
    assert result.stdout.startswith(f"# Monthly report: {month_label(previous.year, previous.month)}\n")


@pytest.mark.parametrize("month", ["2021-13", "sept", "2021/09", "09-2021"])
def test_bad_month_exits_2(month):
    result = run_fixture("report", "--month", month)
    assert result.returncode == 2
    assert f"expected YYYY-MM or last, got '{month}'" in result.stderr
    assert "Traceback" not in result.stderr


def test_unknown_plan_exits_2():
    result = run_fixture("report", "--month", "2021-09", "--plan", "nope")
    assert result.returncode == 2
    assert "unknown plan 'nope' (known: hexi-2021, qingshan-2021, qingshan-2022)" in result.stderr


def test_plans_running_in_the_month_by_default_and_plan_picks_any():
    default = run_fixture("report", "--month", "2021-09").stdout
    assert "(qingshan-2022)" not in default
    chosen = run_fixture("report", "--month", "2021-09", "--plan", "qingshan-2022", "--plan", "hexi-2021").stdout
    headings = re.findall(r"^## (.*)$", chosen, flags=re.M)
    assert headings == [
        "Overview",
        "By responsible unit",
        "Warnings (1)",
        "Not reported (1)",
        "青山区民政局2022年工作要点 (qingshan-2022)",
        "河西区民政局2021年工作要点 (hexi-2021)",
    ]
    nothing = run_fixture("report", "--month", "2023-05")
    assert nothing.returncode == 0
    assert (
        nothing.stdout
        == "# Monthly report: May 2023\n\nAs of 2023-05-31, compared with 2023-04-30.\n\nNo plan runs in May 2023.\n"
    )


def test_report_lang_overrides_the_global_one():
    assert run_fixture("--lang", "en", "report", "--month", "2021-09", "--lang", "zh").stdout.startswith("# 2021年9月")
    assert run_fixture("--lang", "zh", "report", "--month", "2021-09").stdout.startswith("# 2021年9月")
    assert run_fixture("--lang", "zh", "report", "--month", "2021-09", "--lang", "en").stdout.startswith("# Monthly")


def test_config_lang_is_the_default(tmp_path):
    root = copy_fixture(tmp_path)
    (root / "civtrack.toml").write_text('lang = "zh"\n', encoding="utf-8")
    assert run_fixture("report", "--month", "2021-09", root=root).stdout.startswith("# 2021年9月工作进展月报")


# --- --fail-on --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["--fail-on", "overdue"], 1),  # qingshan-2021: cemetery-plan, children-homes
        (["--fail-on", "overdue", "--plan", "hexi-2021"], 0),
        (["--fail-on", "behind", "--plan", "hexi-2021"], 1),  # disability-subsidy
        (["--fail-on", "overdue", "--fail-on", "behind", "--plan", "hexi-2021"], 1),
        ([], 0),
    ],
)
def test_fail_on_exit_codes(args, code):
    result = run_fixture("report", "--month", "2021-09", *args)
    assert result.returncode == code, result.stderr
    assert result.stdout.startswith("# Monthly report: September 2021\n")  # the report is written first


def test_fail_on_counts_indicators_not_parts(tmp_path):
    # The parent is on track (5 of 8 by 2021-09-30); its part west (1 of 4) is behind.
    root = tmp_path / "repo"
    (root / "plans").mkdir(parents=True)
    (root / "progress" / "p").mkdir(parents=True)
    (root / "plans" / "p.yaml").write_text(
        "id: p\ntitle: 计划\nperiod: {start: 2021-01-01, end: 2021-12-31}\nindicators:\n"
        "  - {id: homes, name: 养老设施, unit: 个, target: 8, parts: [{id: east, name: 东区, target: 4}, {id: west, name: 西区, target: 4}]}\n",
        encoding="utf-8",
    )
    (root / "progress" / "p" / "2021-09.yaml").write_text(
        "- {date: 2021-09-01, indicator: homes/east, value: 4}\n- {date: 2021-09-02, indicator: homes/west, value: 1}\n",
        encoding="utf-8",
    )
    result = run_fixture("report", "--month", "2021-09", "--fail-on", "behind", root=root)
    assert result.returncode == 0, result.stderr
    lagging = [cells(line) for line in section(result.stdout, "Lagging parts (1)", "p")[2:]]
    assert lagging == [["养老设施", "西区", "1 / 4个", "3个", "2个", "25.0%", "**behind**", "unassigned"]]


def test_fail_on_still_writes_the_output_file(tmp_path):
    out = tmp_path / "r.md"
    result = run_fixture("report", "--month", "2021-09", "--fail-on", "overdue", "-o", str(out))
    assert result.returncode == 1 and out.read_text(encoding="utf-8").startswith("# Monthly report")


def test_fail_on_rejects_other_states():
    result = run_fixture("report", "--month", "2021-09", "--fail-on", "done")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


def test_bad_input_files_exit_2_and_name_the_line(tmp_path):
    root = copy_fixture(tmp_path)
    (root / "progress" / "hexi-2021" / "2021-09.yaml").write_text(
        "- date: 2021-09-31\n  indicator: meal-points\n  value: 1\n"
    )
    result = run_fixture("report", "--month", "2021-09", root=root)
    assert result.returncode == 2
    assert "2021-09.yaml:1: error:" in result.stderr and "impossible date" in result.stderr
    assert result.stdout == ""


def test_fixture_is_checked_clean():
    result = run("--root", str(FIXTURE), "check", "--strict")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("fmt", ["markdown", "json", "html"])
def test_edge_plans_in_every_format(tmp_path, fmt):
    # A plan not started yet, and a plan without indicators (completion — / null).
    root = copy_fixture(tmp_path)
    (root / "plans" / "empty.yaml").write_text(
        "id: empty\ntitle: 空计划\nperiod: {start: 2021-01-01, end: 2021-12-31}\n"
    )
    result = run_fixture(
        "report", "--month", "2021-09", "--plan", "qingshan-2022", "--plan", "empty", "--format", fmt, root=root
    )
    assert result.returncode == 0, result.stderr
    if fmt == "markdown":
        assert "**Completion —** (— since 2021-08-31; expected pace —)" in result.stdout
        assert "**Completion 0.0%** (±0.0 pts since 2021-08-31; expected pace 0.0%)" in result.stdout
    elif fmt == "json":
        empty, future = json.loads(result.stdout)["plans"][::-1]
        assert (empty["completion"], empty["completion_change"], empty["series"][0]["expected"]) == (None, None, None)
        assert [p["completion"] for p in future["series"]] == [None] * 12
        assert future["series"][0]["month"] == "2022-01"
    else:
        assert result.stdout.count('class="burnup"') == 2 and 'class="actual"' not in result.stdout


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_golden_bundled(lang: str) -> None:
    """A month of the bundled real plans, as staff would paste it."""
    result = run("report", "--month", "2021-09", "--plan", "binhai-2021", "--lang", lang)
    assert result.returncode == 0, result.stderr
    golden(f"report-binhai-2021-09.{lang}.md", result.stdout)


def test_golden_bundled_json() -> None:
    result = run("report", "--month", "2022-09", "--plan", "fuling-2022", "--format", "json")
    assert result.returncode == 0, result.stderr
    golden("report-fuling-2022-09.json", result.stdout)

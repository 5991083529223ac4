"""`civtrack report --format html`: one self-contained page; its structure parsed with html.parser
and its SVG with xml.etree (the look is checked by rendering it in Chromium: docs/reports.md)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest

from civtrack.render.report_html import STATE_COLOURS, bar
from tests.reportkit import copy_fixture, run_fixture


class Page(HTMLParser):
    """Every element as (tag, attributes, text inside it up to its end) plus the open/close balance."""

    VOID = {"meta", "br", "img", "input", "link", "hr", "rect", "circle", "line", "polyline", "polygon", "path"}

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.elements: list[dict] = []
        self.stack: list[dict] = []
        self.unbalanced: list[str] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        element = {"tag": tag, "attrs": dict(attrs), "text": "", "parents": [e["tag"] for e in self.stack]}
        element["classes"] = set((element["attrs"].get("class") or "").split())
        element["ancestors"] = list(self.stack)
        self.elements.append(element)
        if tag not in self.VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in self.VOID:
            self.stack.pop()

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        if not self.stack or self.stack[-1]["tag"] != tag:
            self.unbalanced.append(tag)
            return
        self.stack.pop()

    def handle_data(self, data):
        for element in self.stack:
            element["text"] += data

    def find(self, tag: str, cls: str | None = None, inside: dict | None = None) -> list[dict]:
        return [
            e
            for e in self.elements
            if e["tag"] == tag
            and (cls is None or cls in e["classes"])
            and (inside is None or any(a is inside for a in e["ancestors"]))
        ]


@pytest.fixture(scope="module")
def en_text() -> str:
    result = run_fixture("report", "--month", "2021-09", "--format", "html")
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def en(en_text) -> Page:
    return Page(en_text)


@pytest.fixture(scope="module")
def zh_text() -> str:
    return run_fixture("report", "--month", "2021-09", "--format", "html", "--lang", "zh").stdout


def test_a_well_formed_page(en, en_text):
    assert en_text.startswith('<!DOCTYPE html>\n<html lang="en">')
    assert en.unbalanced == [] and en.stack == []
    assert en.find("meta")[0]["attrs"] == {"charset": "utf-8"}
    assert en.find("title")[0]["text"] == "Monthly report: September 2021"
    assert en.find("h1")[0]["text"] == "Monthly report: September 2021"


def test_self_contained_no_network(en_text, en):
    assert not en.find("script") and not en.find("link") and not en.find("img") and not en.find("iframe")
    assert not re.search(r"https?:|//[a-z]|@import|url\(", en_text)
    hrefs = [e["attrs"]["href"] for e in en.find("a")]
    assert hrefs == ["#plan-hexi-2021", "#plan-qingshan-2021"]  # the overview links within the page


def test_fonts_fall_back_to_generic_and_cjk_faces(en_text):
    families = re.findall(r"font-family:([^;}]+)", en_text)
    assert families
    for family in families:
        names = [name.strip().strip('"') for name in family.split(",")]
        assert names[-1] == "sans-serif"
        assert {"PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC"} <= set(names)


def test_one_burn_up_chart_per_plan(en):
    sections = en.find("section", "plan")
    assert [s["attrs"]["data-plan"] for s in sections] == ["hexi-2021", "qingshan-2021"]
    for section in sections:
        charts = en.find("svg", "burnup", inside=section)
        assert len(charts) == 1
        assert len(en.find("polyline", "actual", inside=section)) == 1
        assert len(en.find("polyline", "pace", inside=section)) == 1
    assert len(en.find("svg", "burnup")) == 2


def test_burn_up_points(en):
    qingshan = en.find("section", "plan")[1]
    actual = en.find("polyline", "actual", inside=qingshan)[0]["attrs"]["points"].split()
    pace = en.find("polyline", "pace", inside=qingshan)[0]["attrs"]["points"].split()
    assert len(actual) == 1 + 9  # the start, then January to September
    assert len(pace) == 1 + 12  # through December
    y = [float(point.split(",")[1]) for point in pace]
    assert y[-1] == 20  # 100% at the top of the plot (TOP = 20)
    assert y == sorted(y, reverse=True)  # the pace never goes down
    texts = [t["text"] for t in en.find("text", inside=qingshan)]
    assert "60.3%" in texts and "expected pace 69.4%" in texts
    assert [t for t in texts if t in ("Jan", "Sep", "Dec")] == ["Jan", "Sep", "Dec"]


def test_a_bar_per_indicator_and_part_coloured_by_state(en):
    qingshan = en.find("section", "plan")[1]
    rows = [r for r in en.find("tr", inside=qingshan) if "data-ref" in r["attrs"]]
    assert len(rows) == 12 + 3
    assert [r["attrs"]["data-ref"] for r in rows[3:7]] == [
        "elder-care-projects",
        "elder-care-projects/donghu",
        "elder-care-projects/qingshi",
        "elder-care-projects/hekou",
    ]
    for row in rows:
        state = row["attrs"]["data-state"]
        fill = [r for r in en.find("rect", "fill", inside=row)]
        assert len(fill) == 1 and fill[0]["attrs"]["fill"] == STATE_COLOURS[state]
        assert en.find("span", f"s-{state}", inside=row)
    by_ref = {r["attrs"]["data-ref"]: r for r in rows}
    assert by_ref["children-homes"]["attrs"]["data-state"] == "overdue"
    assert "50.0%" in by_ref["children-homes"]["text"] and "完成儿童福利机构改造" in by_ref["children-homes"]["text"]


def test_bar_geometry():
    svg = ET.fromstring(bar(45.0, "behind", pace=74.7))
    rects = svg.findall("rect")
    assert rects[1].get("width") == "117" and rects[1].get("fill") == STATE_COLOURS["behind"]  # 45% of 260
    assert rects[2].get("x") == "193.22"  # the pace tick at 74.7%
    over = ET.fromstring(bar(104.0, "done", pace=74.7))
    assert over.findall("rect")[1].get("width") == "260" and len(over.findall("rect")) == 2  # capped; no tick


def test_svg_is_well_formed_xml(en_text):
    svgs = re.findall(r"<svg.*?</svg>", en_text, flags=re.S)
    assert len(svgs) == 2 + 4 + 15  # two charts, one bar per indicator and part (hexi 4, qingshan 12 + 3)
    for svg in svgs:
        ET.fromstring(svg)


def test_lists_with_labels(en):
    qingshan = en.find("section", "plan")[1]
    titles = [h["text"] for h in en.find("h3", inside=qingshan)]
    assert titles == [
        "Overdue (2)",
        "Behind (2)",
        "Lagging parts (2)",
        "Due in October 2021 (2)",
        "Done this month (3)",
        "All indicators",
        "Recorded in September 2021 (8)",
    ]
    overdue = en.find("div", "overdue", inside=qingshan)[0]
    rows = [[td["text"] for td in en.find("td", inside=tr)] for tr in en.find("tr", inside=overdue)[1:]]
    assert rows == [
        ["编制城乡公益性公墓布点规划", "2021-06-30", "92", "○ not done", "0.0%", "社会事务科"],
        ["完成儿童福利机构改造new this month", "2021-08-31", "30", "1 / 2个", "50.0%", "儿童福利科"],
    ]
    kpis = [k["text"] for k in en.find("div", "kpi", inside=qingshan)]
    assert kpis[0].startswith("Completion60.3%+15.1 pts since 2021-08-31")
    assert kpis[1:] == ["done3+2", "on track5-2", "behind2-1", "overdue2+1"]


def test_chinese_page(zh_text):
    page = Page(zh_text)
    assert zh_text.startswith('<!DOCTYPE html>\n<html lang="zh-CN">')
    assert page.find("h1")[0]["text"] == "2021年9月工作进展月报"
    qingshan = page.find("section", "plan")[1]
    assert [h["text"] for h in page.find("h3", inside=qingshan)][:2] == ["逾期事项（2）", "滞后事项（2）"]
    texts = [t["text"] for t in page.find("text", inside=qingshan)]
    assert "9月" in texts and "预期进度 69.4%" in texts
    assert {s["text"] for s in page.find("span", "pill")} == {"已完成", "正常", "滞后", "逾期", "红色", "黄色", "蓝色"}


def test_text_is_escaped(tmp_path):
    root = copy_fixture(tmp_path)
    plan = root / "plans" / "hexi-2021.yaml"
    plan.write_text(
        plan.read_text(encoding="utf-8").replace("title: 河西区民政局2021年工作要点", 'title: "A <b>&</b> plan"'),
        encoding="utf-8",
    )
    text = run_fixture("report", "--month", "2021-09", "--format", "html", root=root).stdout
    assert "A &lt;b&gt;&amp;&lt;/b&gt; plan" in text and "<b>" not in text


def test_deterministic(en_text):
    assert (
        run_fixture("report", "--month", "2021-09", "--format", "html", env={"TZ": "Asia/Shanghai"}).stdout == en_text
    )

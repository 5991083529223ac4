"""Issue 16: a city and two counties, three real git repositories in a temporary folder.

The city's plan breaks 适老化改造 down by county; 随县 and 广水市 keep their own plans and progress, and the
city's parts take their figures from them (`from:`). Runs go through the test fork server (gitkit.cli);
the installed console script runs `sources` once in tests/test_cli.py.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.gitkit import cli, commit, git, lines, write

AS_OF = "2021-07-01"

COUNTY_PLAN = """\
id: {plan}
title: {title}
organization: {org}
period: {{start: 2021-01-01, end: 2021-12-31}}
indicators:
  - {{id: home-adaptation, name: 适老化改造, unit: 户, target: {target}}}
  - {{id: plan-published, name: 规划印发, kind: milestone, due: 2021-06-30}}
"""

CITY_PLAN = """\
id: city-2021
title: 随州市民政局2021年重点工作
organization: 随州市民政局
period: {start: 2021-01-01, end: 2021-12-31}
indicators:
  - id: home-adaptation
    name: 特殊困难老年人家庭适老化改造
    unit: 户
    parts:
      - {id: suixian, name: 随县, target: 135, from: suixian/suixian-2021/home-adaptation}
      - {id: guangshui, name: 广水市, target: 110, from: guangshui/guangshui-2021/home-adaptation}
      - {id: zengdu, name: 曾都区, target: 115, owner: 曾都区民政局}
"""

SOURCES = """\
lang = "en"

[sources.suixian]
url = "../suixian"
ref = "main"

[sources.guangshui]
url = "../guangshui"
"""


def county(root: Path, plan: str, title: str, org: str, target: int, entries: str, when: str) -> str:
    write(root, f"plans/{plan}.yaml", COUNTY_PLAN.format(plan=plan, title=title, org=org, target=target))
    write(root, f"progress/{plan}/2021-03.yaml", entries)
    git(root, "init", "-q", "-b", "main")
    return commit(root, "plan and March", when)


@pytest.fixture
def region(tmp_path: Path) -> Path:
    """The three repositories; returns the city's (not fetched yet)."""
    county(tmp_path / "suixian", "suixian-2021", "随县民政局2021", "随县民政局", 135,
           "- {date: 2021-03-10, indicator: home-adaptation, value: 40}\n"
           "- {date: 2021-03-25, indicator: home-adaptation, value: 20}\n", "2021-03-31T18:00:00+08:00")  # fmt: skip
    county(tmp_path / "guangshui", "guangshui-2021", "广水市民政局2021", "广水市民政局", 110,
           "- {date: 2021-03-15, indicator: home-adaptation, value: 33}\n", "2021-04-02T10:00:00+08:00")  # fmt: skip
    city = tmp_path / "city"
    write(city, "civtrack.toml", SOURCES)
    write(city, "plans/city-2021.yaml", CITY_PLAN)
    write(
        city, "progress/city-2021/2021-03.yaml", "- {date: 2021-03-20, indicator: home-adaptation/zengdu, value: 12}\n"
    )
    git(city, "init", "-q", "-b", "main")
    commit(city, "city plan")
    return city


def status_json(city: Path, *args: str) -> dict:
    result = cli(city, "status", "--as-of", AS_OF, "--format", "json", *args)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def parts_of(document: dict) -> dict[str, dict]:
    plan = next(p for p in document["plans"] if p["id"] == "city-2021")
    return {part["id"]: part for part in plan["indicators"][0]["parts"]}


def fetch(city: Path) -> None:
    result = cli(city, "sources", "fetch")
    assert result.returncode == 0, result.stderr


def test_city_status_follows_the_counties_commits(region: Path) -> None:
    fetch(region)
    suixian = git(region.parent / "suixian", "rev-parse", "HEAD").strip()
    document = status_json(region)
    parts = parts_of(document)
    assert (parts["suixian"]["current"], parts["guangshui"]["current"], parts["zengdu"]["current"]) == (60, 33, 12)
    assert parts["suixian"]["target"] == 135  # the local target stays
    assert parts["suixian"]["completion"] == pytest.approx(100 * 60 / 135)
    assert parts["suixian"]["last_entry"] == "2021-03-25" and parts["guangshui"]["last_entry"] == "2021-03-15"
    assert parts["suixian"]["from"] == {
        "source": "suixian", "ref": "main", "commit": suixian, "committed": "2021-03-31T18:00:00+08:00",
    }  # fmt: skip
    assert parts["guangshui"]["from"]["ref"] is None  # the remote's HEAD
    assert "from" not in parts["zengdu"]
    parent = document["plans"][0]["indicators"][0]
    assert (parent["current"], parent["target"]) == (105, 360)
    # Evaluated at the same as-of: before the county's entries, nothing counts.
    early = parts_of(status_json(region, "--as-of", "2021-03-12"))
    assert (early["suixian"]["current"], early["guangshui"]["current"]) == (40, 0)
    assert early["guangshui"]["last_entry"] is None


def test_fetching_a_new_county_commit_changes_the_city_figure(region: Path) -> None:
    fetch(region)
    suixian = region.parent / "suixian"
    write(
        suixian, "progress/suixian-2021/2021-04.yaml", "- {date: 2021-04-08, indicator: home-adaptation, value: 15}\n"
    )
    new = commit(suixian, "April", "2021-04-30T17:00:00+08:00")
    assert parts_of(status_json(region))["suixian"]["current"] == 60  # not fetched: the commit in use stays
    listed = cli(region, "sources")
    assert listed.returncode == 0, listed.stderr
    old = git(suixian, "rev-parse", "HEAD~1").strip()
    assert lines(listed.stdout) == [
        "Source     URL           Ref            Commit      Committed   Behind",
        f"suixian    ../suixian    main           {old[:10]}  2021-03-31  30 d, 1 commits",
        f"guangshui  ../guangshui  (remote HEAD)  {git(region.parent / 'guangshui', 'rev-parse', 'HEAD')[:10]}  2021-04-02  up to date",
    ]
    assert parts_of(status_json(region))["suixian"]["current"] == 60  # listing moved nothing
    fetched = cli(region, "sources", "fetch", "suixian")
    assert fetched.returncode == 0, fetched.stderr
    assert fetched.stdout == f"suixian: {new[:10]} (committed 2021-04-30) ← {old[:10]}\n"
    parts = parts_of(status_json(region))
    assert (parts["suixian"]["current"], parts["suixian"]["last_entry"]) == (75, "2021-04-08")
    assert parts["suixian"]["from"]["commit"] == new
    assert "up to date" in cli(region, "sources").stdout


def test_a_county_rewriting_history_is_flagged_by_diff(region: Path) -> None:
    suixian = region.parent / "suixian"
    old = git(suixian, "rev-parse", "HEAD").strip()
    write(region, "civtrack.toml", SOURCES.replace('ref = "main"', f'ref = "{old}"'))
    fetch(region)
    commit(region, "pin suixian")
    # The county rewrites its March: 40 becomes 45, in place of the commit the city pinned.
    write(suixian, "progress/suixian-2021/2021-03.yaml",
          "- {date: 2021-03-10, indicator: home-adaptation, value: 45}\n"
          "- {date: 2021-03-25, indicator: home-adaptation, value: 20}\n")  # fmt: skip
    git(suixian, "commit", "-q", "-a", "--amend", "-m", "plan and March (corrected)")
    new = git(suixian, "rev-parse", "HEAD").strip()
    fetch(region)  # a pinned ref: still the old commit in use
    assert parts_of(status_json(region))["suixian"]["current"] == 60
    write(region, "civtrack.toml", SOURCES.replace('ref = "main"', f'ref = "{new}"'))
    commit(region, "move suixian")
    result = cli(region, "diff", "HEAD~1", "HEAD", "--as-of", AS_OF, "--fail-on", "rewrite")
    assert result.returncode == 1, result.stderr
    assert lines(result.stdout)[-2:] == [
        f"  suixian: {old[:10]} → {new[:10]}  ⚠ history rewritten: the old commit is not an ancestor of the new",
        "    city-2021/home-adaptation/suixian: 60 → 65  (+0 entries)",
    ]
    document = json.loads(cli(region, "diff", "HEAD~1", "HEAD", "--as-of", AS_OF, "--format", "json").stdout)
    assert document["sources"][0]["rewritten"] is True
    assert (document["sources"][0]["old_commit"], document["sources"][0]["new_commit"]) == (old, new)
    assert parts_of(status_json(region))["suixian"]["current"] == 65


def test_a_fetch_that_finds_history_rewritten_warns(region: Path) -> None:
    fetch(region)
    suixian = region.parent / "suixian"
    old = git(suixian, "rev-parse", "HEAD").strip()
    git(suixian, "commit", "-q", "--amend", "-m", "rewritten")
    new = git(suixian, "rev-parse", "HEAD").strip()
    result = cli(region, "sources", "fetch", "suixian")
    assert result.returncode == 0
    assert (
        f"warning SRC12: source 'suixian' rewrote its history: {old[:10]} is not an ancestor of {new[:10]}"
        in result.stderr
    )


def test_an_unreachable_source_keeps_the_last_commit_with_a_warning(region: Path) -> None:
    fetch(region)
    shutil.move(region.parent / "guangshui", region.parent / "moved-away")
    result = cli(region, "sources", "fetch")
    assert result.returncode == 1
    warning = [line for line in result.stderr.splitlines() if "SRC11" in line]
    assert len(warning) == 1 and warning[0].startswith(
        "civtrack.toml:7: warning SRC11: source 'guangshui' could not be fetched ("
    )
    assert "the last fetched commit" in warning[0] and "(committed 2021-04-02, fetched 20" in warning[0]
    status = cli(region, "status", "--as-of", AS_OF, "--format", "json")
    assert status.returncode == 0
    assert "warning SRC11: source 'guangshui' could not be fetched" in status.stderr
    assert parts_of(json.loads(status.stdout))["guangshui"]["current"] == 33  # not zero
    assert "unreachable" in cli(region, "sources").stdout


def test_a_second_run_runs_no_git(region: Path, tmp_path: Path) -> None:
    fetch(region)
    first = status_json(region)
    cache = region / ".civtrack" / "sources" / "suixian" / "civtrack-cache"
    commit_id = git(region.parent / "suixian", "rev-parse", "HEAD").strip()
    # Cached by commit id: the source's plans and series, and what each link gives.
    assert sorted(p.name for p in cache.glob("*.json")) == [f"{commit_id}.json", f"links-{commit_id}.json"]
    no_git = tmp_path / "bin"
    no_git.mkdir()
    (no_git / "python3").symlink_to(shutil.which("python3") or "/usr/bin/python3")
    result = cli(region, "status", "--as-of", AS_OF, "--format", "json", PATH=str(no_git))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == first


def test_all_sources_and_owners_across_them(region: Path) -> None:
    fetch(region)
    document = status_json(region, "--all-sources")
    assert [p["id"] for p in document["plans"]] == ["city-2021", "guangshui/guangshui-2021", "suixian/suixian-2021"]
    county_plan = document["plans"][2]
    assert county_plan["from"]["source"] == "suixian" and county_plan["indicators"][0]["current"] == 60
    # Rule 13 across the city and both counties: the city's linked parts are the city's (their owner
    # defaults to its organization): (60/135 + 33/110) / 2 = 37.2 %; each county holds its number and its
    # milestone (not done): 随县 (44.4 + 0) / 2, 广水市 (30 + 0) / 2; 曾都区 12/115.
    owners = [(o["owner"], o["items"], round(o["completion"], 1)) for o in document["owners"]]
    assert owners == [
        ("随州市民政局", 2, 37.2),
        ("随县民政局", 2, 22.2),
        ("广水市民政局", 2, 15.0),
        ("曾都区民政局", 1, 10.4),
    ]
    only = status_json(region, "--source", "guangshui")
    assert [p["id"] for p in only["plans"]] == ["city-2021", "guangshui/guangshui-2021"]
    table = cli(region, "status", "--as-of", AS_OF, "--source", "suixian")
    assert "(suixian/suixian-2021)" in table.stdout
    markdown = cli(region, "status", "--as-of", AS_OF, "--source", "suixian", "--format", "markdown")
    assert "suixian/suixian-2021" in markdown.stdout
    unknown = cli(region, "status", "--source", "nowhere")
    assert (
        unknown.returncode == 2
        and "unknown source 'nowhere' (sources in civtrack.toml: guangshui, suixian)" in unknown.stderr
    )


# The city's plan with a link of every wrong kind (lines 11–18; see the expected problems below).
BROKEN_LINKS = CITY_PLAN.replace(
    "      - {id: zengdu, name: 曾都区, target: 115, owner: 曾都区民政局}\n",
    "      - {id: zengdu, name: 曾都区, target: 115, from: zengdu/zengdu-2021/home-adaptation}\n"
    "      - {id: a, name: A, target: 1, from: suixian/nope/home-adaptation}\n"
    "      - {id: b, name: B, target: 1, from: suixian/suixian-2021/nope}\n"
    "      - {id: c, name: C, target: 1, from: suixian/suixian-2021/plan-published}\n"
    "      - {id: d, name: D, target: 1, from: suixian}\n"
    "  - {id: beds, name: 床位, unit: 张, target: 135, from: suixian/suixian-2021/home-adaptation}\n"
    "  - {id: done, name: 规划, kind: milestone, from: suixian/suixian-2021/home-adaptation}\n",
).replace("target: 110, from", "target: 100, from")


def check_lines(city: Path) -> list[str]:
    result = cli(city, "check")
    return [line for line in result.stdout.splitlines() if "SRC" in line]


def test_check_reports_each_link_problem_with_its_line_and_code(region: Path) -> None:
    assert check_lines(region) == [
        "plans/city-2021.yaml:10: error SRC02: source 'suixian' is not fetched yet: run `civtrack sources fetch suixian`",
        "plans/city-2021.yaml:11: error SRC02: source 'guangshui' is not fetched yet: run `civtrack sources fetch guangshui`",
    ]
    status = cli(region, "status")
    assert status.returncode == 2 and "SRC02" in status.stderr  # never a silent zero
    fetch(region)
    write(region, "plans/city-2021.yaml", BROKEN_LINKS)
    write(
        region,
        "progress/city-2021/2021-03.yaml",
        "- {date: 2021-03-20, indicator: home-adaptation/suixian, value: 12}\n",
    )
    assert check_lines(region) == [
        "plans/city-2021.yaml:11: warning SRC07: target 100 differs from the target 110 of "
        "guangshui/guangshui-2021/home-adaptation: the local one is kept",
        "plans/city-2021.yaml:12: error SRC01: unknown source 'zengdu' in from: zengdu/zengdu-2021/home-adaptation "
        "(sources in civtrack.toml: guangshui, suixian)",
        "plans/city-2021.yaml:13: error SRC03: unknown plan 'nope' in source 'suixian' at "
        f"{git(region.parent / 'suixian', 'rev-parse', 'HEAD')[:10]} (its plans: suixian-2021)",
        "plans/city-2021.yaml:14: error SRC04: unknown indicator 'nope' in plan 'suixian-2021' of source 'suixian' at "
        f"{git(region.parent / 'suixian', 'rev-parse', 'HEAD')[:10]}",
        "plans/city-2021.yaml:15: error SRC06: a number is linked to a milestone (suixian/suixian-2021/plan-published): "
        "link a number to a number, a milestone to a milestone",
        "plans/city-2021.yaml:16: error SRC09: from: 'suixian' is not source/plan/indicator or source/plan/indicator/part",
        "plans/city-2021.yaml:17: error SRC05: unit '张' differs from the unit '户' of suixian/suixian-2021/home-adaptation "
        "(the figures would not add up)",
        "plans/city-2021.yaml:18: error SRC06: a milestone is linked to a number (suixian/suixian-2021/home-adaptation): "
        "link a number to a number, a milestone to a milestone",
        "progress/city-2021/2021-03.yaml:1: error SRC08: entry on home-adaptation/suixian, which takes its figures from "
        "suixian/suixian-2021/home-adaptation: local entries on a linked item are not counted; remove it",
    ]


@pytest.mark.parametrize(
    ("setting", "why"),
    [
        ('url = "--upload-pack=touch /tmp/x"', "url must not start with '-' (git would read it as an option)"),
        ('url = "../suixian"\nref = "-c core.pager=x"', "ref must not start with '-' (git would read it as an option)"),
        ('url = "ext::sh -c touch% /tmp/x"', "url: ext:: URLs run a command: not allowed"),
        ('url = "../suixian"\nbranch = "main"', "unknown setting 'branch' (known: url, ref)"),
        ('ref = "main"', "url must be given, as text"),
    ],
)
def test_no_option_injection_through_url_or_ref(region: Path, setting: str, why: str) -> None:
    write(region, "civtrack.toml", f'lang = "en"\n\n[sources.suixian]\n{setting}\n')
    result = cli(region, "sources", "fetch")
    assert result.returncode == 2
    assert result.stderr.splitlines() == [f"civtrack.toml:3: error SRC10: source 'suixian': {why}"]
    assert not (region / ".civtrack" / "sources" / "suixian").exists()


def test_a_milestone_links_to_a_milestone_and_latest_to_latest(region: Path) -> None:
    suixian = region.parent / "suixian"
    write(
        suixian, "progress/suixian-2021/2021-05.yaml", "- {date: 2021-05-20, indicator: plan-published, done: true}\n"
    )
    commit(suixian, "published", "2021-05-21T09:00:00+08:00")
    write(region, "plans/city-2021.yaml", CITY_PLAN + (
        "  - {id: published, name: 随县规划印发, kind: milestone, from: suixian/suixian-2021/plan-published}\n"
        "  - {id: latest, name: 随县改造（最新）, unit: 户, target: 135, accumulate: latest, "
        "from: suixian/suixian-2021/home-adaptation}\n"
    ))  # fmt: skip
    fetch(region)
    items = {i["id"]: i for i in status_json(region)["plans"][0]["indicators"]}
    assert (items["published"]["state"], items["published"]["last_entry"]) == ("done", "2021-05-20")
    assert items["latest"]["current"] == 60
    before = {i["id"]: i for i in status_json(region, "--as-of", "2021-05-19")["plans"][0]["indicators"]}
    assert before["published"]["state"] == "on-track" and before["latest"]["current"] == 60


def test_a_linked_item_takes_the_remote_state_at_the_same_as_of(region: Path) -> None:
    """Rule 14: the county judges its own item (here by a checkpoint of 100 by 30 June, which the city's
    part does not have); the city's part shows the county's state, and rule 11 follows it."""
    suixian = region.parent / "suixian"
    plan = (suixian / "plans/suixian-2021.yaml").read_text(encoding="utf-8")
    write(suixian, "plans/suixian-2021.yaml", plan.replace(
        "target: 135}", "target: 135, checkpoints: [{by: 2021-06-30, value: 100}]}"))  # fmt: skip
    commit(suixian, "checkpoint", "2021-04-01T09:00:00+08:00")
    write(region, "civtrack.toml", SOURCES + "\n")  # unchanged settings; fetched below
    fetch(region)
    document = status_json(region)
    suixian_part = parts_of(document)["suixian"]
    # Locally 60 of 135 at 49.7 % of the year is on track (44.4 ≥ 49.7 − 25); the county is behind.
    assert (suixian_part["current"], suixian_part["state"], suixian_part["alert"]) == (60, "behind", "yellow")
    assert parts_of(status_json(region, "--as-of", "2021-06-30"))["suixian"]["state"] == "on-track"
    assert parts_of(document)["guangshui"]["state"] == "on-track"
    county = status_json(region, "--source", "suixian")["plans"][1]["indicators"][0]
    assert county["state"] == "behind"


def test_the_html_report_names_the_commit_of_each_linked_figure(region: Path) -> None:
    fetch(region)
    suixian = git(region.parent / "suixian", "rev-parse", "HEAD").strip()
    guangshui = git(region.parent / "guangshui", "rev-parse", "HEAD").strip()
    result = cli(region, "report", "--month", "2021-03", "--format", "html")
    assert result.returncode == 0, result.stderr
    assert (
        '<h3>Linked figures</h3><ul class="sources">'
        f"<li>随县 (home-adaptation/suixian): from suixian at commit {suixian[:10]} (2021-03-31)</li>"
        f"<li>广水市 (home-adaptation/guangshui): from guangshui at commit {guangshui[:10]} (2021-04-02)</li></ul></section>"
    ) in result.stdout
    zh = cli(region, "report", "--month", "2021-03", "--format", "markdown", "--lang", "zh", "--all-sources")
    assert zh.returncode == 0, zh.stderr
    assert f"### 引用数据\n\n- 计划：来自 suixian 提交 {suixian[:10]}（2021-03-31）\n" in zh.stdout
    assert "随县民政局2021" in zh.stdout and "广水市民政局2021" in zh.stdout


def test_every_report_format_says_where_linked_figures_come_from(region: Path, tmp_path: Path) -> None:
    """JSON as status JSON gives it ("from" on each linked part, and on a source's plan); Word and the
    terminal text end each plan with "Linked figures", as HTML and Markdown do."""
    from docx import Document

    fetch(region)
    suixian = git(region.parent / "suixian", "rev-parse", "HEAD").strip()
    guangshui = git(region.parent / "guangshui", "rev-parse", "HEAD").strip()
    result = cli(region, "report", "--month", "2021-03", "--format", "json", "--source", "suixian")
    assert result.returncode == 0, result.stderr
    plans = {plan["id"]: plan for plan in json.loads(result.stdout)["plans"]}
    parts = {part["id"]: part for part in plans["city-2021"]["indicators"][0]["parts"]}
    assert parts["suixian"]["from"] == {
        "source": "suixian",
        "ref": "main",
        "commit": suixian,
        "committed": "2021-03-31T18:00:00+08:00",
    }
    assert parts["guangshui"]["from"]["commit"] == guangshui
    assert list(parts["suixian"])[-2:] == ["from", "parts"]  # as in status JSON
    assert "from" not in plans["city-2021"] and "from" not in plans["city-2021"]["indicators"][0]
    assert plans["suixian/suixian-2021"]["from"]["commit"] == suixian
    assert list(plans["suixian/suixian-2021"])[-2:] == ["from", "indicators"]

    text = cli(region, "report", "--month", "2021-03", "--format", "text", COLUMNS="120")
    assert text.returncode == 0, text.stderr
    assert "Linked figures" in text.stdout
    assert f"随县 (home-adaptation/suixian): from suixian at commit {suixian[:10]} (2021-03-31)" in text.stdout

    word = tmp_path / "report.docx"
    made = cli(region, "--lang", "zh", "report", "--month", "2021-03", "--format", "docx", "-o", str(word))
    assert made.returncode == 0, made.stderr
    paragraphs = [p.text for p in Document(str(word)).paragraphs]
    at = paragraphs.index("引用数据")
    assert paragraphs[at + 1 : at + 3] == [
        f"随县（home-adaptation/suixian）：来自 suixian 提交 {suixian[:10]}（2021-03-31）",
        f"广水市（home-adaptation/guangshui）：来自 guangshui 提交 {guangshui[:10]}（2021-04-02）",
    ]


def test_a_source_plan_in_the_report_lists_the_entries_of_its_month(region: Path) -> None:
    """The county's plan beside the city's lists what the county recorded in the month (its month file at
    the commit in use), not "None": nothing is silently zero."""
    fetch(region)
    result = cli(region, "report", "--month", "2021-03", "--format", "json", "--all-sources")
    assert result.returncode == 0, result.stderr
    plans = {plan["id"]: plan for plan in json.loads(result.stdout)["plans"]}
    recorded = [(e["date"], e["indicator"], e["value"]) for e in plans["suixian/suixian-2021"]["entries"]]
    assert recorded == [("2021-03-10", "home-adaptation", 40), ("2021-03-25", "home-adaptation", 20)]
    assert [e["value"] for e in plans["guangshui/guangshui-2021"]["entries"]] == [33]
    assert [e["value"] for e in plans["city-2021"]["entries"]] == [12]  # the city's own entries only


def test_a_source_month_is_kept_by_commit_and_read_again_when_its_file_is_spoilt(region: Path, tmp_path: Path) -> None:
    """A second report of the month runs no git; a kept month that does not decode is read again."""
    fetch(region)
    first = cli(region, "report", "--month", "2021-03", "--format", "json", "--source", "suixian")
    assert first.returncode == 0, first.stderr
    commit_id = git(region.parent / "suixian", "rev-parse", "HEAD").strip()
    kept = region / ".civtrack/sources/suixian/civtrack-cache" / f"entries-{commit_id}" / "suixian-2021-2021-03.json"
    assert json.loads(kept.read_bytes())["cols"][3] == [40, 20]  # the values' column
    no_git = tmp_path / "bin"
    no_git.mkdir()
    (no_git / "python3").symlink_to(shutil.which("python3") or "/usr/bin/python3")
    again = cli(region, "report", "--month", "2021-03", "--format", "json", "--source", "suixian", PATH=str(no_git))
    assert (again.returncode, again.stdout) == (0, first.stdout), again.stderr
    # A month without a file is kept as such: no git either.
    april = cli(region, "report", "--month", "2021-05", "--format", "json", "--source", "suixian")
    assert april.returncode == 0, april.stderr
    assert cli(region, "report", "--month", "2021-05", "--format", "json", "--source", "suixian",
               PATH=str(no_git)).stdout == april.stdout  # fmt: skip
    for spoilt in (b"{", b'{"stamp": [1, "0.0.0", 1], "shown": "x", "counted": 0, "cols": null}',
                   kept.read_bytes().replace(b"[40,20]", b"[40]")):  # fmt: skip
        kept.write_bytes(spoilt)
        redone = cli(region, "report", "--month", "2021-03", "--format", "json", "--source", "suixian")
        assert (redone.returncode, redone.stdout) == (0, first.stdout), redone.stderr
        assert json.loads(kept.read_bytes())["cols"][3] == [40, 20]


def test_a_source_plan_is_kept_evaluated_by_commit_and_as_of(region: Path) -> None:
    """`status --all-sources` keeps each source plan as evaluated (civtrack.cache.statuses): a second run
    at the same date reads it back, another date or a new commit is evaluated again."""
    fetch(region)
    first = status_json(region, "--all-sources")
    suixian = region.parent / "suixian"
    old = git(suixian, "rev-parse", "HEAD").strip()
    cache = region / ".civtrack/sources/suixian/civtrack-cache"
    kept = cache / f"statuses-{old}" / "suixian-2021" / f"{AS_OF}.json"
    header, _, payload = kept.read_bytes().partition(b"\n")
    assert json.loads(header)["stamp"][3:5] == [old, AS_OF]
    assert json.loads(payload)["indicators"]["current"] == [60, None]
    # What is kept is what the second run shows (here a figure changed on purpose, its digest made again).
    from civtrack.cache.statuses import _mac
    from civtrack.cache.store import cache_key

    changed = payload.replace(b'"current":[60,', b'"current":[61,')
    stamp = json.loads(header)["stamp"]
    key = cache_key()  # this user's (the runs share $XDG_CACHE_HOME with the tests)
    assert key is not None
    kept.write_bytes(json.dumps({"stamp": stamp, "mac": _mac(key, stamp, changed)}).encode() + b"\n" + changed)
    assert status_json(region, "--all-sources")["plans"][2]["indicators"][0]["current"] == 61
    kept.unlink()
    assert status_json(region, "--all-sources") == first
    # Another date: evaluated there, and kept beside the first.
    assert status_json(region, "--all-sources", "--as-of", "2021-03-20")["plans"][2]["indicators"][0]["current"] == 40
    earlier = kept.with_name("2021-03-20.json")
    assert json.loads(earlier.read_bytes().partition(b"\n")[0])["stamp"][4] == "2021-03-20" and kept.exists()
    # A new commit, fetched: its own folder, its figures.
    write(
        suixian, "progress/suixian-2021/2021-04.yaml", "- {date: 2021-04-08, indicator: home-adaptation, value: 15}\n"
    )
    new = commit(suixian, "April", "2021-04-30T17:00:00+08:00")
    fetch(region)
    assert status_json(region, "--all-sources")["plans"][2]["indicators"][0]["current"] == 75
    assert (cache / f"statuses-{new}" / "suixian-2021" / f"{AS_OF}.json").is_file()
    assert not (cache / f"statuses-{old}").exists()
    # The city's own plan is never kept: its parts follow the counties' commits, not its own files.
    assert not list((region / ".civtrack").glob("**/city-2021.json"))


def test_a_source_with_errors_of_its_own_is_a_warning(region: Path) -> None:
    suixian = region.parent / "suixian"
    write(suixian, "progress/suixian-2021/2021-04.yaml", "- {date: 2021-04-02, indicator: no-such-thing, value: 1}\n")
    commit(suixian, "a slip", "2021-04-03T09:00:00+08:00")
    fetch(region)
    found = [line for line in cli(region, "check").stdout.splitlines() if "SRC13" in line]
    assert found == [
        f"civtrack.toml:3: warning SRC13: source 'suixian' has 1 errors at {git(suixian, 'rev-parse', 'HEAD')[:10]} "
        f"(first: suixian@{git(suixian, 'rev-parse', 'HEAD')[:10]}:progress/suixian-2021/2021-04.yaml:1: error E203: "
        "unknown indicator 'no-such-thing' in plan 'suixian-2021'): its figures may be incomplete"
    ]
    status = cli(region, "status", "--as-of", AS_OF)
    assert status.returncode == 0 and "warning SRC13" in status.stderr


def test_cached_plans_of_the_format_before_from_are_read_again() -> None:
    """Plan rows of cache format 4 had no `from`: they do not rebuild (the cache reads the file again), and
    format 5 marks them as another version."""
    from civtrack.cache import FORMAT
    from civtrack.cache.rows import dump_model, rebuild_model
    from civtrack.model import Part

    part = Part.model_validate({"id": "a", "name": "A", "target": 3, "from": "x/y/z"})
    assert rebuild_model(Part, dump_model(part)) == part
    old = dump_model(part)[:-1]
    with pytest.raises(ValueError, match="fields"):
        rebuild_model(Part, old)
    assert FORMAT == 5


def test_record_refuses_a_linked_part(region: Path) -> None:
    result = cli(region, "record", "city-2021/home-adaptation/suixian", "5", "--date", "2021-04-01")
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "plans/city-2021.yaml:10: error SRC16: 'home-adaptation/suixian' takes its figures from "
        "suixian/suixian-2021/home-adaptation: record its progress in that repository, not here"
    ]
    assert not (region / "progress/city-2021/2021-04.yaml").exists()
    assert cli(region, "record", "city-2021/home-adaptation/zengdu", "5", "--date", "2021-04-01").returncode == 0


def test_a_province_follows_its_cities_links_through_its_own_sources(region: Path) -> None:
    """The province lists the city and 随县 (not 广水市): the city's part linked to 随县 is followed through the
    province's own source of that name; the one linked to 广水市 cannot be, and says so (a warning: the
    province's view is not refused for a city's link)."""
    province = region.parent / "province"
    write(province, "civtrack.toml", '[sources.city]\nurl = "../city"\n\n[sources.suixian]\nurl = "../suixian"\n')
    (province / "plans").mkdir()
    git(province, "init", "-q", "-b", "main")
    fetch(province)
    result = cli(province, "status", "--as-of", AS_OF, "--format", "json", "--source", "city")
    assert result.returncode == 0, result.stderr
    city = json.loads(result.stdout)["plans"][0]
    assert city["id"] == "city/city-2021"
    parts = {part["id"]: part for part in city["indicators"][0]["parts"]}
    assert (parts["suixian"]["current"], parts["guangshui"]["current"], parts["zengdu"]["current"]) == (60, 0, 12)
    assert parts["suixian"]["from"]["source"] == "suixian" and "from" not in parts["guangshui"]
    # Its figures follow other commits than its own: the city's plan is evaluated each time, never kept.
    assert not list((province / ".civtrack").glob("**/statuses-*/*.json"))
    city_commit = git(region, "rev-parse", "HEAD")[:10]
    assert result.stderr.splitlines() == [
        f"city@{city_commit}:plans/city-2021.yaml: warning SRC01: unknown source 'guangshui' in from: "
        "guangshui/guangshui-2021/home-adaptation (sources in civtrack.toml: city, suixian)"
    ]


def test_a_source_never_fetched_and_unreachable_is_an_error(region: Path) -> None:
    write(region, "civtrack.toml", SOURCES.replace('url = "../guangshui"', 'url = "../nowhere"'))
    result = cli(region, "sources", "fetch")
    assert result.returncode == 2
    assert result.stderr.splitlines()[0].startswith(
        "civtrack.toml:7: error SRC15: source 'guangshui': cannot be fetched ("
    )
    assert result.stderr.splitlines()[0].endswith(") and was never fetched")
    offline = cli(region, "sources", "--offline")
    assert lines(offline.stdout)[-1] == "guangshui  ../nowhere  (remote HEAD)  not fetched"


def test_an_indicator_with_parts_cannot_be_linked(region: Path) -> None:
    fetch(region)
    write(region, "plans/city-2021.yaml", CITY_PLAN.replace(
        "    unit: 户\n    parts:", "    unit: 户\n    from: suixian/suixian-2021/home-adaptation\n    parts:"))  # fmt: skip
    assert check_lines(region) == [
        "plans/city-2021.yaml:9: error SRC14: indicator 'home-adaptation' takes its figures from "
        "suixian/suixian-2021/home-adaptation and has parts: link the parts, or the indicator without parts"
    ]


def test_diff_shows_a_source_added(region: Path) -> None:
    fetch(region)
    write(region, "civtrack.toml", SOURCES.split("\n[sources.guangshui]")[0])
    commit(region, "only suixian")
    write(region, "civtrack.toml", SOURCES)
    commit(region, "guangshui added")
    guangshui = git(region.parent / "guangshui", "rev-parse", "HEAD")[:10]
    result = cli(region, "diff", "HEAD~1", "HEAD", "--as-of", AS_OF)
    assert result.returncode == 0, result.stderr
    assert lines(result.stdout)[-3:] == [
        "Sources",
        f"  guangshui: — → HEAD ({guangshui})",
        "    city-2021/home-adaptation/guangshui: — → 33  (+1 entries)",
    ]
    document = json.loads(cli(region, "diff", "HEAD~1", "HEAD", "--as-of", AS_OF, "--format", "json").stdout)
    assert [(m["source"], m["added"], m["removed"]) for m in document["sources"]] == [("guangshui", True, False)]


def test_a_file_url_works_without_a_network(region: Path) -> None:
    url = (region.parent / "suixian").as_uri()
    write(region, "civtrack.toml", SOURCES.replace('url = "../suixian"', f'url = "{url}"'))
    fetch(region)
    assert parts_of(status_json(region))["suixian"]["current"] == 60


def test_every_source_problem_in_chinese(region: Path) -> None:
    """SRC01–SRC17 worded in Chinese (--lang zh), the same codes, lines and exit codes as in English."""

    def zh(*args: str) -> tuple[int, list[str]]:
        result = cli(region, "--lang", "zh", *args)
        return result.returncode, [line for line in (result.stdout + result.stderr).splitlines() if " SRC" in line]

    assert zh("check") == (1, [
        "plans/city-2021.yaml:10: 错误 SRC02: 数据源“suixian”尚未获取：请运行 `civtrack sources fetch suixian`",
        "plans/city-2021.yaml:11: 错误 SRC02: 数据源“guangshui”尚未获取：请运行 `civtrack sources fetch guangshui`",
    ])  # fmt: skip
    write(region, "civtrack.toml", SOURCES.replace('url = "../guangshui"', 'url = "--upload-pack=x"'))
    assert zh("sources", "fetch") == (2, [
        "civtrack.toml:7: 错误 SRC10: 数据源“guangshui”：url 不能以“-”开头（git 会把它当作选项）",
    ])  # fmt: skip
    write(region, "civtrack.toml", SOURCES.replace('url = "../guangshui"', 'url = "../nowhere"'))
    code, found = zh("sources", "fetch")
    assert code == 2 and len(found) == 1
    assert found[0].startswith("civtrack.toml:7: 错误 SRC15: 数据源“guangshui”：无法获取（")
    assert found[0].endswith("），且从未获取过")
    write(region, "civtrack.toml", SOURCES)
    fetch(region)
    assert zh("status", "--source", "nowhere") == (2, [
        "civtrack: 错误 SRC17: 未知数据源“nowhere”（civtrack.toml 中的数据源：guangshui, suixian）",
    ])  # fmt: skip
    assert zh("record", "city-2021/home-adaptation/suixian", "5", "--date", "2021-04-01") == (2, [
        "plans/city-2021.yaml:10: 错误 SRC16: “home-adaptation/suixian”的数据引用自 suixian/suixian-2021/home-adaptation："
        "请在那个仓库中记录其进展，不要在这里记录",
    ])  # fmt: skip

    suixian = region.parent / "suixian"
    old = git(suixian, "rev-parse", "HEAD").strip()
    write(suixian, "progress/suixian-2021/2021-04.yaml", "- {date: 2021-04-02, indicator: no-such-thing, value: 1}\n")
    git(suixian, "add", "-A")
    git(suixian, "commit", "-q", "--amend", "-m", "rewritten, with a slip")
    new = git(suixian, "rev-parse", "HEAD").strip()
    assert zh("sources", "fetch", "suixian")[1] == [
        f"civtrack.toml:3: 警告 SRC12: 数据源“suixian”改写了历史：{old[:10]} 不是 {new[:10]} 的祖先提交",
    ]
    shutil.move(region.parent / "guangshui", region.parent / "moved-away")
    code, found = zh("sources", "fetch", "guangshui")
    assert code == 1 and len(found) == 1
    assert found[0].startswith("civtrack.toml:7: 警告 SRC11: 数据源“guangshui”无法获取（")
    assert "）：继续使用上次获取的提交 " in found[0] and "（提交于 2021-04-02，获取于 20" in found[0]

    write(region, "plans/city-2021.yaml", BROKEN_LINKS + (
        "  - id: both\n    name: 两者\n    unit: 户\n    from: suixian/suixian-2021/home-adaptation\n"
        "    parts: [{id: x, name: X, target: 1}]\n"
    ))  # fmt: skip
    write(
        region,
        "progress/city-2021/2021-03.yaml",
        "- {date: 2021-03-20, indicator: home-adaptation/suixian, value: 12}\n",
    )
    at = new[:10]
    code, found = zh("check")
    assert code == 1
    assert found == [
        f"civtrack.toml:3: 警告 SRC13: 数据源“suixian”在提交 {at} 有 1 个错误（第一个：suixian@{at}:"
        "progress/suixian-2021/2021-04.yaml:1: error E203: unknown indicator 'no-such-thing' in plan 'suixian-2021'）："
        "其数据可能不完整",
        "civtrack.toml:7: 警告 SRC11: " + found[1].split(" SRC11: ")[1],
        "plans/city-2021.yaml:11: 警告 SRC07: 目标 100 与 guangshui/guangshui-2021/home-adaptation 的目标 110 不同：保留本地目标",
        "plans/city-2021.yaml:12: 错误 SRC01: from: zengdu/zengdu-2021/home-adaptation 中的数据源“zengdu”不存在"
        "（civtrack.toml 中的数据源：guangshui, suixian）",
        f"plans/city-2021.yaml:13: 错误 SRC03: 数据源“suixian”（提交 {at}）中没有计划“nope”（其计划：suixian-2021）",
        f"plans/city-2021.yaml:14: 错误 SRC04: 数据源“suixian”（提交 {at}）的计划“suixian-2021”中没有指标“nope”",
        "plans/city-2021.yaml:15: 错误 SRC06: 数值指标关联到了节点任务（suixian/suixian-2021/plan-published）："
        "数值指标只能关联数值指标，节点任务只能关联节点任务",
        "plans/city-2021.yaml:16: 错误 SRC09: from:“suixian”不是 数据源/计划/指标 或 数据源/计划/指标/分项 的形式",
        "plans/city-2021.yaml:17: 错误 SRC05: 单位“张”与 suixian/suixian-2021/home-adaptation 的单位“户”不一致（数字无法相加）",
        "plans/city-2021.yaml:18: 错误 SRC06: 节点任务关联到了数值指标（suixian/suixian-2021/home-adaptation）："
        "数值指标只能关联数值指标，节点任务只能关联节点任务",
        "plans/city-2021.yaml:22: 错误 SRC14: 指标“both”的数据引用自 suixian/suixian-2021/home-adaptation，但它有分项："
        "请关联各分项，或关联没有分项的指标",
        "progress/city-2021/2021-03.yaml:1: 错误 SRC08: “home-adaptation/suixian”的数据引用自 "
        "suixian/suixian-2021/home-adaptation：引用项的本地记录不计入，请删除这条记录",
    ]


def test_git_says_why_in_its_fatal_line() -> None:
    """A failed fetch is named by git's first `fatal:` line, not by the advice after it."""
    from civtrack.sources.gitrepo import git_reason

    advice = [
        "fatal: '../nowhere' does not appear to be a git repository",
        "fatal: Could not read from remote repository.",
        "",
        "Please make sure you have the correct access rights",
        "and the repository exists.",
    ]
    assert git_reason(advice) == "'../nowhere' does not appear to be a git repository"
    assert git_reason(["error: RPC failed; curl 56"]) == "error: RPC failed; curl 56"
    assert git_reason([]) == "git fetch failed"


def test_the_sheet_never_asks_for_a_linked_item(region: Path) -> None:
    """The month's fill-in sheet asks for 曾都区 (recorded here) but not for 随县 and 广水市, whose figures
    come from their own repositories (import would refuse them: SRC16)."""
    import openpyxl

    fetch(region)
    result = cli(region, "sheet", "--month", "2021-07", "-o", "sheet.xlsx")
    assert result.returncode == 0, result.stderr
    sheet = openpyxl.load_workbook(region / "sheet.xlsx").worksheets[0]
    refs = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True) if row[0]]
    assert refs == ["home-adaptation/zengdu"]


def test_history_of_a_linked_part_says_where_its_entries_are(region: Path) -> None:
    fetch(region)
    result = cli(region, "history", "city-2021/随县", COLUMNS="200")
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "特殊困难老年人家庭适老化改造 / 随县: its figures come from suixian/suixian-2021/home-adaptation; its "
        "entries are in that repository (`civtrack status --source suixian`).\n"
    )

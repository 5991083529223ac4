"""Names people type (issue 13): ids, exact names and fragments of PLAN/INDICATOR[/PART] and --plan
(civtrack.refs), resolved the same way by every command; shell completion of the ids."""

from __future__ import annotations

from pathlib import Path

import pytest

from civtrack.refs import Named, Unresolved, match
from tests.gitkit import cli, make_repo, no_ids, write

KNOWN = [
    Named("elder-beds", "新增养老床位"),
    Named("elder-homes", "养老院改造"),
    Named("beds", "家庭养老床位"),
    Named("east", "东区"),
]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("elder-beds", "elder-beds"),  # the id
        ("新增养老床位", "elder-beds"),  # the exact name
        ("新增", "elder-beds"),  # a fragment of one name
        ("HOMES", "elder-homes"),  # a fragment of one id, case ignored
        ("beds", "beds"),  # a fragment of two ids that is also an id: the id
        ("家庭", "beds"),
        ("东", "east"),
    ],
)
def test_one_match(text: str, found: str) -> None:
    assert match(text, KNOWN, "indicator").id == found


def test_ambiguous_fragment_lists_the_candidates_with_their_ids() -> None:
    with pytest.raises(Unresolved) as raised:
        match("养老", KNOWN, "indicator")
    problem = raised.value.problem("plans/town.yaml", None, ("plan", "town"))
    assert (problem.code, problem.message) == (
        "E311",
        "'养老' matches 3 indicators in plan 'town': elder-beds (新增养老床位); elder-homes (养老院改造); "
        "beds (家庭养老床位) (write more of the name, or the id)",
    )
    assert problem.message_in("zh") == (
        "“养老”对应计划“town”中的 3 个指标：elder-beds (新增养老床位); elder-homes (养老院改造); "
        "beds (家庭养老床位)（请多写几个字，或写编号）"
    )


def test_no_match_lists_the_ids() -> None:
    with pytest.raises(Unresolved) as raised:
        match("西区", KNOWN, "part")
    problem = raised.value.problem("plans/town.yaml", 7, ("indicator", "homes"))
    assert str(problem) == (
        "plans/town.yaml:7: error E204: unknown part '西区' of indicator 'homes' (known: elder-beds, elder-homes, beds, east)"
    )
    assert raised.value.candidates == []


def test_two_things_with_the_same_name_are_ambiguous() -> None:
    with pytest.raises(Unresolved) as raised:
        match("同名", [Named("a", "同名"), Named("b", "同名")], "indicator")
    assert [c.id for c in raised.value.candidates] == ["a", "b"]


# --- through the command line --------------------------------------------------------------


@pytest.fixture
def town(tmp_path: Path) -> Path:
    return make_repo(tmp_path / "town")


def test_record_by_name_and_fragment_writes_the_id(town: Path) -> None:
    result = cli(town, "record", "town/新增养老床位", "12", "--date", "2026-03-02")
    assert result.returncode == 0, result.stderr
    result = cli(town, "record", "town/特困/东区", "2", "--date", "2026-03-03")
    assert result.returncode == 0, result.stderr
    result = cli(town, "record", "城关/公墓", "--done", "--date", "2026-03-04")  # the plan by its title too
    assert result.returncode == 0, result.stderr
    assert no_ids((town / "progress/town/2026-03.yaml").read_text(encoding="utf-8")) == (
        "- {date: 2026-03-02, indicator: elder-beds, value: 12}\n"
        "- {date: 2026-03-03, indicator: homes/east, value: 2}\n"
        "- {date: 2026-03-04, indicator: cemetery-plan, done: true}\n"
    )


def test_ambiguous_fragment_is_refused_and_nothing_is_written(town: Path) -> None:
    result = cli(town, "record", "town/率", "5", "--date", "2026-03-02")
    assert result.returncode == 2
    assert result.stderr == (
        "plans/town.yaml: error E311: '率' matches 2 indicators in plan 'town': report-rate (社会组织年报率); "
        "smoke (成人吸烟率) (write more of the name, or the id)\n"
    )
    assert not (town / "progress" / "town" / "2026-03.yaml").exists()
    result = cli(town, "record", "town/homes/区", "5", "--date", "2026-03-02")
    assert result.returncode == 2
    assert result.stderr == (
        "plans/town.yaml:11: error E311: '区' matches 2 parts of indicator 'homes': east (东区); west (西区) "
        "(write more of the name, or the id)\n"
    )
    assert not (town / "progress" / "town" / "2026-03.yaml").exists()


def test_a_part_by_its_name_alone(town: Path) -> None:
    result = cli(town, "record", "town/西区", "2", "--date", "2026-03-02")
    assert result.returncode == 0, result.stderr
    assert no_ids((town / "progress/town/2026-03.yaml").read_text(encoding="utf-8")) == (
        "- {date: 2026-03-02, indicator: homes/west, value: 2}\n"
    )
    result = cli(town, "record", "town/区", "2", "--date", "2026-03-03")
    assert (result.returncode, result.stderr) == (
        2,
        "plans/town.yaml: error E311: '区' matches 2 parts in plan 'town': homes/east (特困供养设施改造 / 东区); "
        "homes/west (特困供养设施改造 / 西区) (write more of the name, or the id)\n",
    )


def test_unknown_name(town: Path) -> None:
    result = cli(town, "history", "town/床铺")
    assert (result.returncode, result.stderr) == (
        2,
        "plans/town.yaml: error E203: unknown indicator '床铺' in plan 'town' "
        "(known: elder-beds, homes, report-rate, cemetery-plan, smoke)\n",
    )
    result = cli(town, "history", "乡村/床位")
    assert (result.returncode, result.stderr) == (2, "plans/乡村.yaml: error E305: unknown plan '乡村' (known: town)\n")


def test_history_by_fragment(town: Path) -> None:
    assert cli(town, "record", "town/elder-beds", "12", "--date", "2026-03-02").returncode == 0
    by_id = cli(town, "history", "town/elder-beds")
    by_name = cli(town, "history", "town/床位")
    assert by_id.returncode == 0 and by_name.stdout == by_id.stdout


def test_plan_option_takes_titles_and_fragments(town: Path) -> None:
    write(town, "plans/village.yaml", (town / "plans/town.yaml").read_text().replace("id: town", "id: village").replace("城关镇", "河西村"))
    by_id = cli(town, "status", "--plan", "village", "--as-of", "2026-06-30", "--format", "csv")
    by_title = cli(town, "status", "--plan", "河西", "--as-of", "2026-06-30", "--format", "csv")
    assert by_id.returncode == 0 and by_title.stdout == by_id.stdout and "village" in by_id.stdout
    both = cli(town, "status", "--plan", "2026", "--format", "csv")
    assert (both.returncode, both.stderr) == (
        2,
        "civtrack: error E311: '2026' matches 2 plans: town (城关镇2026年民生实事); village (河西村2026年民生实事) "
        "(write more of the name, or the id)\n",
    )
    report = cli(town, "report", "--month", "2026-03", "--plan", "河西", "--format", "json")
    assert report.returncode == 0 and '"id": "village"' in report.stdout and '"id": "town"' not in report.stdout


def test_completion_offers_ids(town: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from civtrack.completion import complete_plan, complete_ref

    monkeypatch.chdir(town)
    monkeypatch.delenv("CIVTRACK_ROOT", raising=False)
    assert complete_ref(None, "to") == [("town/", "")]
    assert complete_ref(None, "town/ho") == [
        ("town/homes", "特困供养设施改造"), ("town/homes/east", "东区"), ("town/homes/west", "西区"),
    ]  # fmt: skip
    assert complete_plan(None, "") == ["town"]
    assert complete_ref(None, "nope/x") == []  # an unknown plan completes nothing, silently


def test_shell_completion_through_typer(town: Path) -> None:
    result = cli(
        town, "record", _CIVTRACK_COMPLETE="complete_bash", COMP_WORDS="civtrack record town/ho", COMP_CWORD="2"
    )
    assert result.stdout.split() == ["town/homes", "town/homes/east", "town/homes/west"]
    result = cli(town, _CIVTRACK_COMPLETE="complete_bash", COMP_WORDS="civtrack status --plan t", COMP_CWORD="3")
    assert result.stdout.split() == ["town"]

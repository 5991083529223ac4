"""Drafts as text: the YAML is a plan civtrack accepts, the JSON has the documented shape."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from civtrack.check import check_plan
from civtrack.extract import extract
from civtrack.extract.render import to_data, to_json, to_yaml
from civtrack.load import parse_plan
from civtrack.workspace import Config

SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"
HEADER = "某区民政局2021年工作要点\n一、重点工作\n"


def plan_of(yaml_text: str):
    plan_file, problems = parse_plan(yaml_text.encode("utf-8"), "draft.yaml", Config())
    assert problems == [], yaml_text
    errors = [p for p in check_plan(plan_file) if p.severity == "error"]
    assert errors == [], yaml_text
    return plan_file.plan


def draft_of(text: str):
    return extract(HEADER + text, source="t.txt", plan_id="t-2021")


@pytest.mark.parametrize("seed", sorted(p.name for p in SEEDS.glob("*.txt")) if SEEDS.is_dir() else [])
def test_every_seed_drafts_to_a_plan_check_accepts(seed: str) -> None:
    text = (SEEDS / seed).read_text(encoding="utf-8")
    draft = extract(text, source=seed, plan_id=seed.removesuffix(".txt"))
    plan = plan_of(to_yaml(draft))
    assert plan.id == seed.removesuffix(".txt")
    assert len(plan.indicators) == len(draft.items)


def test_seeds_are_there() -> None:
    assert SEEDS.is_dir(), f"{SEEDS} is missing: the shared/ folder must sit beside the project"


def test_fields_of_a_number_indicator() -> None:
    plan = plan_of(to_yaml(draft_of("2021年底前至少认定命名3个区级社会组织孵化基地。")))
    (ind,) = plan.indicators
    assert (ind.id, ind.name, ind.unit, ind.target, ind.comparator, str(ind.due)) == (
        "qu-ji-she-hui-zu-zhi",
        "区级社会组织孵化基地",
        "个",
        3,
        ">=",
        "2021-12-31",
    )
    assert ind.section == "一、重点工作"
    assert ind.quote == "2021年底前至少认定命名3个区级社会组织孵化基地"
    assert (plan.period.start.isoformat(), plan.period.end.isoformat()) == ("2021-01-01", "2021-12-31")


def test_a_quarterly_count_adds_up_over_the_year() -> None:
    text = to_yaml(draft_of("每季度开展1次养老机构安全检查。"))
    (ind,) = plan_of(text).indicators
    assert (ind.target, ind.every) == (4, "quarter")
    assert "# check: 每季度 1次 × 4 = 4 for the period" in text


def test_a_monthly_count_until_june() -> None:
    (ind,) = plan_of(to_yaml(draft_of("6月底前每月开展1次走访。"))).indicators
    assert (ind.target, ind.every, str(ind.due)) == (6, "month", "2021-06-30")


def test_a_range_keeps_its_stretch_in_a_comment() -> None:
    text = to_yaml(draft_of("全年召开1-2次专题会议。"))
    assert "  target: 1  # stretch: 2\n" in text
    assert plan_of(text).indicators[0].target == 1


def test_parts_that_add_up() -> None:
    (ind,) = plan_of(to_yaml(draft_of("新增养老床位300张，其中东区100张、西区200张。"))).indicators
    assert ind.target == 300
    assert [(p.id, p.name, p.target) for p in ind.parts] == [("dong-qu", "东区", 100), ("xi-qu", "西区", 200)]


def test_parts_that_do_not_add_up_leave_the_target_to_them() -> None:
    text = to_yaml(draft_of("完成360家改造任务。其中随县135家，广水市110家，曾都区60家，高新区、大洪山各20家。"))
    (ind,) = plan_of(text).indicators
    assert ind.target is None and sum(p.target for p in ind.parts) == 345
    assert "# check: the parts add up to 345, not the 360 stated: check the breakdown" in text


def test_at_most_without_a_baseline_is_switched_off() -> None:
    text = to_yaml(draft_of("社会救助审批时限压缩至10个工作日以内。"))
    assert plan_of(text).indicators == []
    assert '  #   comparator: "<="' in text
    assert "needs a baseline above the target" in text


def test_at_most_with_a_baseline_is_tracked() -> None:
    (ind,) = plan_of(to_yaml(draft_of("社会救助审批时限由15个工作日压缩至10个工作日。"))).indicators
    assert (ind.comparator, ind.baseline, ind.target) == ("<=", 15, 10)


def test_milestone() -> None:
    (ind,) = plan_of(to_yaml(draft_of("6月底前编制完成县级城乡公益性公墓布点规划。"))).indicators
    assert (ind.kind, str(ind.due), ind.target, ind.unit) == ("milestone", "2021-06-30", None, None)


def test_a_plan_without_commitments() -> None:
    assert plan_of(to_yaml(draft_of("加强党的建设。"))).indicators == []


def test_awkward_text_is_quoted() -> None:
    draft = draft_of("新建“#1: 示范\\点”\u2028项目3个。")
    assert plan_of(to_yaml(draft)).indicators[0].quote == draft.items[0].quote
    assert "\u2028" not in draft.items[0].quote  # a line separator is a line break, never kept in a quote


def test_json_shape() -> None:
    data = json.loads(to_json(draft_of("全年召开1-2次专题会议。6月底前出台办法。")))
    assert set(data) == {"plan", "indicators"}
    assert data["plan"]["id"] == "t-2021" and data["plan"]["period"] == {"start": "2021-01-01", "end": "2021-12-31"}
    number, milestone = data["indicators"]
    required = {
        "name",
        "kind",
        "quote",
        "target",
        "stretch",
        "unit",
        "comparator",
        "due",
        "recurrence",
        "parts",
        "section",
    }
    assert required <= set(number) and required <= set(milestone)
    assert (
        number["kind"],
        number["target"],
        number["stretch"],
        number["unit"],
        number["comparator"],
        number["due"],
    ) == ("number", 1, 2, "次", ">=", "2021-12-31")
    assert (milestone["kind"], milestone["target"], milestone["unit"], milestone["due"]) == (
        "milestone",
        None,
        None,
        "2021-06-30",
    )


def test_json_parts() -> None:
    (item,) = to_data(draft_of("新增养老床位300张，其中东区100张、西区200张。"))["indicators"]
    assert item["parts"] == [{"name": "东区", "target": 100}, {"name": "西区", "target": 200}]


PIECES = st.sampled_from(
    (
        "新建|开展|完成|不少于|以上|以内|控制在|压缩至|由|提高到|提高|其中|各|分别|每季度|每月|每年|每次|每个县|每人每月"
        "|年底前|6月底前|12月31日前|上半年|第一季度|前|底|力争|确保|1-2|3|30|100|0|1.5|12345|0722-3261234|一|两|十|个|次"
        "|家|张|%|万|亿|余|多|元|万元|个工作日|分钟|养老服务中心|东区|西区|，|。|、|；|“|”|(|)|\n|一、|(二)|1.|第"
        "|2020年|2021年|2022年|2025年|以来|现有|有|已|较上年|《|》|〔|〕|号|+|•|附件|回顾|||#|:|'|\"|\\|\u3000"
    ).split("|")
)


@settings(max_examples=200, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(PIECES, min_size=1, max_size=40))
def test_any_text_drafts_to_a_plan_check_accepts(pieces: list[str]) -> None:
    draft = extract("某区民政局2021年工作要点\n" + "".join(pieces), source="t.txt", plan_id="t-2021")
    plan_of(to_yaml(draft))
    json.loads(to_json(draft))


def test_explain_adds_rules_and_what_was_not_taken() -> None:
    text = HEADER + "新建社区食堂10个（养老科负责）。\n去年新建老年食堂40个。\n出台居家养老服务监管方案。\n"
    draft = extract(text, year=2021)
    data = to_data(draft, explain=True)
    assert [(i["name"], i["rule"], i["owner"]) for i in data["indicators"]] == [
        ("社区食堂", "number with a unit in a goal clause", "养老科"),
        ("出台居家养老服务监管方案", "milestone: a deliverable (出台…)", None),
    ]
    assert data["not_taken"] == [
        {
            "sentence": "去年新建老年食堂40个。",
            "section": "一、重点工作",
            "numbers": [{"number": "40个", "reason": "describes the present or the past (现有, 已, 截至)"}],
        }
    ]
    assert "rule" not in to_data(draft)["indicators"][0] and "not_taken" not in to_data(draft)
    text_yaml = to_yaml(draft, explain=True)
    plan = plan_of(text_yaml)  # still a plan civtrack accepts
    assert [i.owner for i in plan.indicators] == ["养老科", None]
    assert "  # rule: milestone: a deliverable (出台…)\n" in text_yaml
    assert text_yaml.endswith(
        "# Not taken: 1 sentence with a number that is not a target, and why.\n"
        "# - 去年新建老年食堂40个\n#     40个: describes the present or the past (现有, 已, 截至)\n"
    )


def test_a_number_of_5000_digits_is_skipped() -> None:
    """Issue 18, D13: no crash (Python's int-string limit); the number is listed as not taken."""
    draft = extract(HEADER + "新建养老床位" + "9" * 5000 + "张，新增站点12个。\n", year=2021)
    assert [(i.target, i.unit) for i in draft.items] == [(12, "个")]
    (dropped,) = draft.dropped
    assert dropped.numbers == [("9" * 5000, "no unit after it")]
    plan_of(to_yaml(draft))

"""The rules of `civtrack extract`, one hand-written sentence each, with the exact result expected.

The sentences are written for these tests in the language of Chinese annual work
plans; none is taken from the seed plans the scoring test uses.
"""

from __future__ import annotations

import datetime as dt

import pytest

from civtrack.extract import extract
from civtrack.extract.draft import ItemDraft

HEADER = "某区民政局2021年工作要点\n"
END = "2021-12-31"


def items(text: str, year: int | None = None) -> list[ItemDraft]:
    return extract(HEADER + text, source="t.txt", year=year).items


def number(text: str) -> tuple:
    """The one target of a sentence: (name, target, stretch, unit, comparator, due, recurrence)."""
    found = [i for i in items(text) if i.kind == "number"]
    assert len(found) == 1, [(i.name, i.target, i.unit) for i in found]
    i = found[0]
    return (i.name, i.target, i.stretch, i.unit, i.comparator, i.due.isoformat(), i.recurrence)


# --- comparators -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("全年培训社会工作者不少于500人。", ("社会工作者", 500, None, "人", ">=", END, None)),
        ("每个社区至少配备1名专职社工。", ("专职社工", 1, None, "名", ">=", END, "per-unit")),
        ("新建日间照料中心10个以上。", ("日间照料中心", 10, None, "个", ">=", END, None)),
        ("婚姻登记合格率不低于98%。", ("婚姻登记合格率", 98, None, "%", ">=", END, None)),
        ("全区养老机构入住率达到60%。", ("养老机构入住率", 60, None, "%", ">=", END, None)),
        ("力争慈善捐赠额达到2000万元以上。", ("慈善捐赠额", 2000, None, "万元", ">=", END, None)),
        ("新建老年日间照料中心30个。", ("老年日间照料中心", 30, None, "个", ">=", END, None)),
        ("殡葬服务投诉办结时限不超过15天。", ("殡葬服务投诉办结时限", 15, None, "天", "<=", END, None)),
        ("低收入人口动态监测误差率控制在5%以内。", ("低收入人口动态监测误差率", 5, None, "%", "<=", END, None)),
        ("特困供养机构空置率降至20%以下。", ("特困供养机构空置率", 20, None, "%", "<=", END, None)),
        ("社会救助审批时限压缩至10个工作日以内。", ("社会救助审批时限", 10, None, "个工作日", "<=", END, None)),
    ],
)
def test_comparators(sentence: str, expected: tuple) -> None:
    assert number(sentence) == expected


def test_a_rate_is_tracked_as_a_level() -> None:
    (item,) = items("婚姻登记合格率不低于98%。")
    assert item.accumulate == "latest"
    (item,) = items("新建日间照料中心10个以上。")
    assert item.accumulate == "sum"


# --- ranges and stretch goals -----------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("开展1-2次专题培训。", ("专题培训", 1, 2, "次", ">=", END, None)),
        ("建成示范社区3至5个。", ("示范社区", 3, 5, "个", ">=", END, None)),
        ("举办二至三期业务培训班。", ("业务培训班", 2, 3, "期", ">=", END, None)),
        ("全年销售福利彩票3.5亿元，力争突破4亿元。", ("福利彩票", 3.5, 4, "亿元", ">=", END, None)),
    ],
)
def test_ranges_have_a_stretch(sentence: str, expected: tuple) -> None:
    assert number(sentence) == expected


def test_a_range_is_noted() -> None:
    (item,) = items("开展1-2次专题培训。")
    assert item.notes == ["a range: target 1, stretch 2"]


# --- deadlines ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "due", "stated"),
    [
        ("年底前建成区级救助管理站1个。", "2021-12-31", True),
        ("全年新增养老床位300张。", "2021-12-31", False),
        ("新增养老床位300张。", "2021-12-31", False),
        ("2021年底前创建命名示范点10个。", "2021-12-31", True),
        ("6月底前完成摸底排查200户。", "2021-06-30", True),
        ("上半年完成社区工作者招聘50名。", "2021-06-30", True),
        ("第三季度前完成评估30家。", "2021-09-30", True),
        ("9月30日前发放补贴资金500万元。", "2021-09-30", True),
        ("建设3个街道综合养老服务中心，9月底前投入使用。", "2021-09-30", True),
        ("年底前，新建社区服务站20个。", "2021-12-31", True),
    ],
)
def test_deadlines(sentence: str, due: str, stated: bool) -> None:
    found = [i for i in items(sentence) if i.kind == "number"]
    assert [(i.due.isoformat(), i.due_stated) for i in found] == [(due, stated)]
    assert not [i for i in items(sentence) if i.kind == "milestone"]  # the deadline is the number's


def test_a_deadline_after_the_plan_year_is_kept_and_noted() -> None:
    (item,) = items("力争到2025年，全区养老机构护理型床位占比达到55%。")
    assert (item.target, item.unit, item.due) == (55, "%", dt.date(2025, 12, 31))
    assert any("outside the plan's year" in note for note in item.notes)


# --- recurrence --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("每季度开展1次督查。", ("督查", 1, None, "次", ">=", END, "quarterly")),
        ("按季度召开2次联席会议。", ("联席会议", 2, None, "次", ">=", END, "quarterly")),
        ("每月走访特困老人不少于1次。", ("特困老人", 1, None, "次", ">=", END, "monthly")),
        ("每年组织体检1次。", ("组织体检", 1, None, "次", ">=", END, "yearly")),
        ("每次培训不少于2天。", ("培训", 2, None, "天", ">=", END, "per-session")),
        (
            "每个县(市、区)至少有1个未成年人救助保护机构。",
            ("未成年人救助保护机构", 1, None, "个", ">=", END, "per-unit"),
        ),
        ("开展督查不少于1次/季度。", ("开展督查", 1, None, "次", ">=", END, "quarterly")),
    ],
)
def test_recurrence(sentence: str, expected: tuple) -> None:
    assert number(sentence) == expected


def test_a_standard_per_person_is_not_a_monthly_count() -> None:
    (item,) = items("农村低保标准提高到每人每月650元。")
    assert (item.target, item.unit, item.recurrence, item.accumulate) == (650, "元", "per-unit", "latest")


# --- breakdowns --------------------------------------------------------------------------


def test_a_breakdown_in_the_next_sentence_that_does_not_add_up_is_noted() -> None:
    (item,) = items("完成360家特困供养机构改造任务。其中随县135家，广水市110家，曾都区60家，高新区、大洪山各20家。")
    assert (item.name, item.target, item.unit) == ("特困供养机构改造任务", 360, "家")
    assert [(p.name, p.target) for p in item.parts] == [
        ("随县", 135),
        ("广水市", 110),
        ("曾都区", 60),
        ("高新区", 20),
        ("大洪山", 20),
    ]
    assert item.notes == ["the parts add up to 345, not the 360 stated: check the breakdown"]
    assert item.quote.endswith("高新区、大洪山各20家")


def test_a_breakdown_in_the_same_sentence() -> None:
    (item,) = items("新增养老床位300张，其中东区100张、西区200张。")
    assert [(p.name, p.target) for p in item.parts] == [("东区", 100), ("西区", 200)]
    assert item.notes == []


def test_a_breakdown_in_brackets() -> None:
    (item,) = items("改造农村敬老院6所(甲镇2所、乙镇4所)。")
    assert [(p.name, p.target) for p in item.parts] == [("甲镇", 2), ("乙镇", 4)]


def test_one_item_after_其中_is_a_target_of_its_own() -> None:
    found = items("全年新增养老床位1000张，其中护理型床位不少于600张。")
    assert [(i.name, i.target, i.parts) for i in found] == [("养老床位", 1000, []), ("护理型床位", 600, [])]


# --- relative targets and baselines ----------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "target", "unit", "comparator"),
    [
        ("城乡低保标准提高10%。", 10, "%", ">="),
        ("临时救助水平较上年提高5个百分点。", 5, "个百分点", ">="),
        ("福彩销量较上年增长5%。", 5, "%", ">="),
        ("殡葬服务投诉量下降10%。", 10, "%", "<="),
    ],
)
def test_relative_targets_are_flagged(sentence: str, target: int, unit: str, comparator: str) -> None:
    (item,) = items(sentence)
    assert (item.target, item.unit, item.comparator, item.relative) == (target, unit, comparator, True)
    assert "a change relative to a baseline the text does not give: set baseline and target as levels" in item.notes


def test_a_level_from_a_baseline() -> None:
    (item,) = items("困难残疾人生活补贴标准由每人每月70元提高到80元。")
    assert (item.name, item.baseline, item.target, item.relative) == ("困难残疾人生活补贴标准", 70, 80, False)


# --- Chinese numerals -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("开展一次安全督导。", ("安全督导", 1, None, "次", ">=", END, None)),
        ("举办两期业务培训班。", ("业务培训班", 2, None, "期", ">=", END, None)),
        ("召开十二次工作推进会。", ("工作推进会", 12, None, "次", ">=", END, None)),
        ("新建二十个村级互助养老点。", ("村级互助养老点", 20, None, "个", ">=", END, None)),
    ],
)
def test_chinese_numerals_that_count_a_target(sentence: str, expected: tuple) -> None:
    assert number(sentence) == expected


# --- what is not a commitment ------------------------------------------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        # years and dates
        "2021年是“十四五”开局之年。",
        "2021年3月16日印发。",
        # ordinals
        "分第一批、第二批推进试点。",
        "举办第三届公益创投大赛。",
        "局党组2022年第3次会议审议通过。",
        # document numbers
        "根据《关于印发通知》(民发〔2020〕14号)文件要求，推进改革。",
        "依据民发〔2020〕14号文件精神开展工作。",
        # names and slogans
        "认真学习贯彻党的十九届五中全会精神，落实市委十一届九次、十次全会部署。",
        "做好民政事业“十四五”规划编制。",
        "落实习近平总书记提出的“三个着力”重要要求。",
        "进一步深化“1+8+X”救助服务体系。",
        "深化1+8+X救助服务体系建设。",
        "深入推进五社联动。",
        "参加“99公益日”募捐活动，开展6•19全国救助管理机构开放日活动。",
        "开展6.19开放日活动。",
        "实施养老服务“能力提升、效能提升”两大工程。",
        "聚焦“社会组织、婚丧改革、社会服务、干部队伍”四个关键词。",
        "扎实推进社会救助、养老服务、殡葬改革3项重点工作。",
        "推进安全生产专项整治三年行动。",
        "打造城市社区15分钟养老服务圈。",
        # phone numbers and site ids
        "公布救助热线12345和监督电话0722-3261234。",
        "开通12349养老服务热线。",
        "网站标识码4213000001。",
        # quantities that describe the present or a problem
        "全区现有养老机构45家，床位3600张。",
        "截至2020年底，全区共有社会组织860家。",
        "全区仍有300名困境儿童缺乏有效监护。",
        "2020年全区发放救助资金1.2亿元。",
        "全区60岁以上老年人口达18.5万人，占总人口的22%。",
        # qualifiers and articles
        "为80岁以上老年人发放高龄津贴。",
        "对3000人以上的社区配备专职社工。",
        "打造一支高素质民政干部队伍。",
        "落实好残疾人两项补贴。",
        "实施三大行动。",
        "加快殡仪馆二期工程建设。",
    ],
)
def test_not_commitments(sentence: str) -> None:
    assert [(i.name, i.target, i.unit) for i in items(sentence) if i.kind == "number"] == []


def test_list_numbering_is_not_a_target() -> None:
    assert number("(2)推进社区治理，打造2个示范社区。") == ("示范社区", 2, None, "个", ">=", END, None)
    assert number("一是新建养老服务中心5个。") == ("养老服务中心", 5, None, "个", ">=", END, None)
    assert number("3.新建老年食堂4个。") == ("老年食堂", 4, None, "个", ">=", END, None)


# --- milestones -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "name", "due"),
    [
        ("6月底前编制完成县级城乡公益性公墓布点规划。", "编制完成县级城乡公益性公墓布点规划", "2021-06-30"),
        ("上半年完成村(社区)换届选举工作。", "完成村(社区)换届选举工作", "2021-06-30"),
        ("年底前，实现街道综合养老服务中心全覆盖。", "实现街道综合养老服务中心全覆盖", "2021-12-31"),
        ("第一季度完成社区工作者招录。", "完成社区工作者招录", "2021-03-31"),
        ("9月底前出台《殡葬管理办法》。", "出台《殡葬管理办法》", "2021-09-30"),
    ],
)
def test_dated_tasks_without_a_number_are_milestones(sentence: str, name: str, due: str) -> None:
    (item,) = items(sentence)
    assert (item.kind, item.name, item.due.isoformat(), item.target, item.unit) == ("milestone", name, due, None, None)


def test_undated_tasks_are_not_milestones() -> None:
    assert items("全年推进社会救助改革创新，完善社会救助体系。") == []
    assert items("2021年3月16日") == []


# --- plan facts --------------------------------------------------------------------------------


def test_year_and_title_from_the_text() -> None:
    draft = extract("重庆市某区民政局关于印发2022年全区民政工作要点的通知\n2022年全区民政工作要点\n新建5个。")
    assert (draft.plan.year, draft.plan.title, draft.plan.organization) == (
        2022,
        "2022年全区民政工作要点",
        "重庆市某区民政局",
    )


def test_year_from_an_opening_sentence() -> None:
    draft = extract("2023年是全面贯彻党的二十大精神的开局之年。全年新建养老服务中心5个。")
    assert draft.plan.year == 2023
    assert draft.plan.notes == [
        "the text has no title line: the title is made up, check it",
        "the publisher is not named in the text: add organization",
    ]


def test_year_option_wins() -> None:
    draft = extract(HEADER + "年底前新建社区服务站20个。", year=2022)
    assert draft.plan.year == 2022
    assert draft.items[0].due == dt.date(2022, 12, 31)


def test_a_restated_commitment_is_listed_once() -> None:
    found = items(
        "三、养老服务\n新建老年日间照料中心30个。\n附件\n一、民心工程\n1.新建老年日间照料中心30个，新增养老服务床位800张。"
    )
    assert [(i.name, i.target) for i in found] == [("老年日间照料中心", 30), ("养老服务床位", 800)]
    assert found[0].notes == ["restated under 一、民心工程"]


def test_section_is_the_nearest_heading() -> None:
    text = "一、养老服务\n(一)居家养老\n1.建设助餐点。新建老年食堂4个。\n二、社会救助\n救助200人次。"
    found = items(text)
    assert [(i.name, i.section) for i in found] == [("老年食堂", "1.建设助餐点"), ("救助", "二、社会救助")]


# --- context: review sections, headings, tables ---------------------------------------------------


def test_a_section_that_looks_back_holds_no_commitment() -> None:
    text = (
        "一、2020年工作回顾\n全市新建养老服务中心12个，新增床位800张。\n"
        "二、2021年重点任务\n新建养老服务中心15个。\n"
        "三、存在的问题\n仍有12所敬老院需要改造，部分敬老院入住率不足30%。"
    )
    assert [(i.name, i.target) for i in items(text)] == [("养老服务中心", 15)]


def test_a_sentence_opened_by_a_past_year_describes_that_year() -> None:
    assert items("2020年，全市新建养老服务中心12个，新增床位800张。") == []
    assert number("在2020年基础上，低保标准提高5%。")[1:4] == (5, None, "%")


def test_a_change_from_a_past_year_is_relative() -> None:
    found = items("全年新增养老床位500张，较2020年增长10%。")
    assert [(i.name, i.target, i.unit, i.relative) for i in found] == [
        ("养老床位", 500, "张", False),
        ("养老床位", 10, "%", True),
    ]


def test_existence_is_not_a_goal() -> None:
    assert items("全区有困境儿童586名。") == []
    assert number("全区有序推进社区治理，新建示范社区3个。")[:2] == ("示范社区", 3)


def test_a_heading_with_a_target() -> None:
    text = "一、新建养老服务设施30处\n二、推进4项改革\n三、滨海新区2021年20项民心工程"
    assert [(i.name, i.target, i.section) for i in items(text)] == [("养老服务设施", 30, "一、新建养老服务设施30处")]


def test_rows_of_a_task_table() -> None:
    text = "| 序号 | 任务 | 目标 | 责任单位 |\n| 1 | 新建社区养老服务站 | 20个 | 养老科 |\n| 2 | 培训社会工作者 | 300人次 | 社工科 |"
    assert [(i.name, i.target, i.unit) for i in items(text)] == [
        ("社区养老服务站", 20, "个"),
        ("社会工作者", 300, "人次"),
    ]


def test_each_of_several_is_noted() -> None:
    (item,) = items("新增城乡社区养老服务设施和农村幸福院各50个。")
    assert (item.target, item.unit) == (50, "个")
    assert item.notes == ["各: the same target for each of the things named: split it into indicators or parts"]


def test_a_chinese_numeral_after_a_recurrence() -> None:
    (item,) = items("组织老年人体检，每年一次。")
    assert (item.target, item.unit, item.recurrence) == (1, "次", "yearly")


def test_a_magnitude_as_the_unit() -> None:
    assert number("全年销售福利彩票3.5亿。")[1:4] == (3.5, None, "亿")
    assert items("力争实现一万个目标。") == []


def test_the_year_of_a_plan_that_follows_a_review() -> None:
    draft = extract(
        "县民政局2023年重点工作总结及2024年工作思路\n一、2023年工作总结\n新建养老服务中心12个。\n二、2024年工作思路\n新建养老服务中心15个。"
    )
    assert draft.plan.year == 2024
    assert [(i.target, i.due.year) for i in draft.items] == [(15, 2024)]


def test_years_in_the_titles_of_other_documents_do_not_count() -> None:
    draft = extract(
        "发布时间:2022-07-14\n某市民政事业发展规划\n依据《某市第十四个五年规划和2035年远景目标纲要》制定本规划。"
    )
    assert (draft.plan.year, draft.plan.title) == (2022, "某市民政事业发展规划")


def test_background_sections_hold_no_commitment() -> None:
    text = "一、规划背景\n(一)发展基础\n全市累计救助低保对象646.5万人次，将农村特困人员基本生活标准调至年人均不低于10470元。"
    assert items(text) == []


def test_a_rule_parameter_is_not_a_target() -> None:
    assert items("对重度残疾人按照低保标准的30%增发低保金。") == []


def test_a_long_quotation_does_not_hide_what_follows_it() -> None:
    found = items("落实“坚持以人民为中心的发展思想，切实保障困难群众基本生活”的要求，新建30个“幸福食堂”。")
    assert [(i.target, i.unit) for i in found] == [(30, "个")]


# --- issue 15: kinds of phrasing measured on tests/extract_corpus ------------------------------


def targets(text: str) -> list[tuple]:
    found = items(text, year=2024)
    return [(i.target, i.stretch, i.unit, [p.target for p in i.parts]) for i in found if i.kind == "number"]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # a share that is the target; a percentage of something stays a rule's parameter
        ("按照20%的比例确定试点村。", [(20, None, "%", [])]),
        ("年底前40%的乡镇建成服务站。", [(40, None, "%", [])]),
        ("全区60%的社区已建成儿童之家。", []),
        ("按照低保标准的30%增发生活补贴。", []),
        ("占全区总数30%的社区实现互助养老全覆盖。", []),
        # Chinese numerals with a measure word; 一 per unit
        ("撰写两篇调研报告。", [(2, None, "篇", [])]),
        ("每个县(市、区)确定一个婚俗改革实验点。", [(1, None, "个", [])]),
        ("打造一支专业队伍。", []),
        # a range whose unit the noun implies
        ("确定2-3改革创新案例。", [(2, 3, "个", [])]),
        ("1-3月累计办理婚姻登记2000对。", []),
        ("评定3-5星级养老机构。", []),
        # a district named with two units is one part
        ("完成12个项目，其中A区3个街道、3个镇，B县6个。", [(12, None, "个", [6, 6])]),
        ("建设综合服务设施30处，其中新建12处，改建18处。", [(30, None, "处", [12, 18])]),
        # problems found, facts, last year's results
        ("督查发现部分县市火化炉少于3台等问题。", []),
        ("根据督查反馈意见，新建养老床位500张。", [(500, None, "张", [])]),
        ("整改巡察反馈问题15个。", [(15, None, "个", [])]),
        ("累计建成儿童之家150个。", []),
        ("2023年完成农村公墓整治45处，2024年再整治30处。", [(30, None, "处", [])]),
        ("我区户籍人口65万人，老龄化率达24%。", []),
        ("全区养老服务从业人员2600人。", []),
        ("全区城市低保标准为每人每月950元。", []),
        ("2024年城乡低保标准统一为每人每月1000元。", [(1000, None, "元", [])]),
        ("对照去年排名，新建养老服务中心5个。", [(5, None, "个", [])]),
    ],
)
def test_kinds_of_phrasing_of_issue_15(sentence: str, expected: list[tuple]) -> None:
    assert targets(sentence) == expected

"""Tasks without a number become milestones (issue 15)."""

from __future__ import annotations

import pytest

from civtrack.extract.rules import read_sentence


def milestones(sentence: str) -> list[tuple[str, str]]:
    return [(i.name, i.due.isoformat()) for i in read_sentence(sentence, None, 2024) if i.kind == "milestone"]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("制定并发布我区基本养老服务清单。", [("制定并发布我区基本养老服务清单", "2024-12-31")]),
        ("筹建区级慈善总会。", [("筹建区级慈善总会", "2024-12-31")]),
        ("启动区救助管理站改扩建工程。", [("启动区救助管理站改扩建工程", "2024-12-31")]),
        ("全面开展村(居)民自治章程修订工作。", [("开展村(居)民自治章程修订工作", "2024-12-31")]),
        ("做好民政事业“十四五”规划中期评估编制。", [("做好民政事业“十四五”规划中期评估编制", "2024-12-31")]),
        ("对区福利院进行改造提升。", [("区福利院进行改造提升", "2024-12-31")]),
        ("9月底前出台《殡葬管理办法》。", [("出台《殡葬管理办法》", "2024-09-30")]),
        # a list: one milestone per deliverable
        (
            "出台居家养老服务监管方案和养老机构质量评估办法。",
            [("出台居家养老服务监管方案", "2024-12-31"), ("出台养老机构质量评估办法", "2024-12-31")],
        ),
        (
            "开展农村互助养老、家庭养老床位试点。",
            [("开展农村互助养老试点", "2024-12-31"), ("开展家庭养老床位试点", "2024-12-31")],
        ),
        (
            "实施“夏季送清凉”“冬季送温暖”专项行动。",
            [("实施“夏季送清凉”专项行动", "2024-12-31"), ("实施“冬季送温暖”专项行动", "2024-12-31")],
        ),
        ("开展“敬老月”“助残日”等主题活动。", [("开展“敬老月”“助残日”等主题活动", "2024-12-31")]),
        (
            "年内出台养老服务补贴管理办法和家庭养老床位建设规范。",
            [("出台养老服务补贴管理办法", "2024-12-31"), ("出台家庭养老床位建设规范", "2024-12-31")],
        ),
        # an event's day
        ("开展6•19救助管理机构开放日活动。", [("开展6•19救助管理机构开放日活动", "2024-06-19")]),
        ("围绕庆祝建党103周年，举办系列主题活动。", [("举办系列主题活动", "2024-07-01")]),
    ],
)
def test_tasks_that_are_milestones(sentence: str, expected: list[tuple[str, str]]) -> None:
    assert milestones(sentence) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "持续深化养老服务体系建设。",  # goes on
        "不断完善社会救助工作机制。",
        "建立健全困境儿童关爱机制。",  # a state, not a thing
        "开展“精康融合”行动。",  # a campaign without an end
        "推进社区治理现代化。",  # 推进 only with 试点, 全覆盖, 编制 …
        "指导符合条件的党支部建立党总支。",  # someone else's task
        "推动社会力量举办普惠性养老机构。",
        "2021年是中国共产党成立100周年。",  # 成立 inside a noun
        "贯彻落实新修订的地名管理条例。",  # 修订 describing the title
        "累计建成社工站98个，实现乡镇全覆盖。",  # the sequel of a fact
        "2023年，全区出台养老服务地方标准。",  # a past year
        "已出台社区工作者管理办法。",
    ],
)
def test_work_that_is_not_a_milestone(sentence: str) -> None:
    assert milestones(sentence) == []


def test_a_task_restated_in_another_section_is_listed_once() -> None:
    from civtrack.extract import extract

    text = (
        "某区民政局2024年工作计划\n一、养老\n出台养老服务设施专项规划。\n二、殡葬\n出台殡葬服务设施专项规划。\n"
        "三、未成年人保护\n组建滨海新区未成年人救助保护中心。\n四、民心工程\n组建未成年人救助保护中心。\n"
    )
    draft = extract(text)
    assert [(i.name, i.notes[1:]) for i in draft.items] == [
        ("出台养老服务设施专项规划", []),
        ("出台殡葬服务设施专项规划", []),  # 8 characters in common, but another task
        ("组建滨海新区未成年人救助保护中心", ["restated under 四、民心工程"]),
    ]

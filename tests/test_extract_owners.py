"""Owners named in the text (issue 15)."""

from __future__ import annotations

import pytest

from civtrack.extract import extract
from civtrack.extract.owners import only_owner, owner_of


@pytest.mark.parametrize(
    ("text", "owner", "alone"),
    [
        ("牵头单位:养老服务科;责任单位:各乡镇", "养老服务科", True),
        ("责任单位：社会救助科、财务科。", "社会救助科、财务科", True),
        ("（牵头单位：养老科）", "养老科", True),
        ("年底前建成10个站点(养老科负责)", "养老科", False),
        ("出台方案（社会事务处牵头）", "社会事务处", False),
        ("由区福利中心牵头，出台方案", "区福利中心", False),
        ("今年由我们负责的工作", None, False),
        ("会同区委组织部等部门规范社区工作事项清单", None, False),
    ],
)
def test_owner_of_a_sentence(text: str, owner: str | None, alone: bool) -> None:
    assert owner_of(text) == owner
    assert only_owner(text) is alone


def test_an_owner_alone_belongs_to_the_items_since_the_last_owner_in_its_section() -> None:
    text = (
        "某区民政局2024年工作计划\n一、养老服务\n新建老年食堂10个。出台居家养老服务监管方案。\n"
        "责任单位：养老服务科。\n培训护理员300人次（社会工作科负责）。\n新增家庭养老床位200张。\n"
        "二、社会救助\n牵头单位：社会救助科。\n"
    )
    draft = extract(text, year=2024)
    assert [(i.name, i.owner) for i in draft.items] == [
        ("老年食堂", "养老服务科"),
        ("出台居家养老服务监管方案", "养老服务科"),
        ("护理员", "社会工作科"),
        ("家庭养老床位", None),  # the next owner is in another section
    ]


def test_a_task_table_gives_each_row_its_owner_and_deadline() -> None:
    text = (
        "某区民政局2024年工作计划\n| 序号 | 任务 | 目标 | 责任单位 |\n| --- | --- | --- | --- |\n"
        "| 1 | 新建社区养老服务站 | 20个 | 养老科 |\n| 2 | 培训社会工作者 | 300人次 | 社工科、各镇街 |\n"
        "| 3 | 出台居家养老服务监管方案 | 6月底前 | 养老科 |\n新建老年食堂5个。\n"
    )
    draft = extract(text, year=2024)
    assert [(i.name, i.target, i.due.isoformat(), i.owner) for i in draft.items] == [
        ("社区养老服务站", 20, "2024-12-31", "养老科"),
        ("社会工作者", 300, "2024-12-31", "社工科、各镇街"),
        ("出台居家养老服务监管方案", None, "2024-06-30", "养老科"),
        ("老年食堂", 5, "2024-12-31", None),  # after the table: no owner
    ]

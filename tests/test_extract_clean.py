"""Web-page noise removed, the index table kept as facts, traditional text made simplified."""

from __future__ import annotations

from civtrack.extract.clean import clean, drop_romanisation, to_simplified


def test_pipe_index_table() -> None:
    text = (
        "索引号 | 11330283002980620K/2024-152863 | 组配分类 | 计划方案 | 主题分类 | 其他 |\n"
        "---|---|---|---|---|---|\n"
        "公开方式 | 主动公开 | 公开范围 | 面向全社会 | ||\n"
        "发布机构 | 区民政局 | 发文日期 | 2024-05-24 |\n"
        "区民政局2024年工作计划\n"
    )
    cleaned = clean(text)
    assert cleaned.text == "区民政局2024年工作计划"
    assert cleaned.meta["publisher"] == "区民政局"
    assert cleaned.meta["date"] == "2024-05-24"
    assert cleaned.meta["index"] == "11330283002980620K/2024-152863"


def test_bulleted_index_list() -> None:
    text = (
        "  • 索引号\n  • 115001020086702870/2022-00046\n  • 发布机构\n  • 某区民政局\n"
        "  • 标题\n  • 某区民政局关于印发2022年工作要点的通知\n  • 发文字号\n  • 某民发〔2022〕40号\n"
        "  • 有 效 性\n\n2022年工作要点\n"
    )
    cleaned = clean(text)
    assert cleaned.text == "2022年工作要点"
    assert cleaned.meta == {
        "index": "115001020086702870/2022-00046",
        "publisher": "某区民政局",
        "title": "某区民政局关于印发2022年工作要点的通知",
        "number": "某民发〔2022〕40号",
    }


def test_label_and_value_lines() -> None:
    cleaned = clean("发布机构：某县民政局\n发布日期：2022-02-15\n名称规范化管理工作继续推进。")
    assert cleaned.meta == {"publisher": "某县民政局", "date": "2022-02-15"}
    assert cleaned.text == "名称规范化管理工作继续推进。"  # a body line that starts like a label stays


def test_footer_is_removed_and_its_host_kept() -> None:
    text = (
        "正文第一段。\n正文第二段。\n正文第三段。\n(此件主动公开)\n"
        "主办单位:天津市滨海新区民政局\n推荐使用IE8及以上版本浏览器浏览\n网站标识码:1201160042\n联系方式:022-65305660\n"
    )
    cleaned = clean(text)
    assert cleaned.text == "正文第一段。\n正文第二段。\n正文第三段。"
    assert cleaned.meta == {"host": "天津市滨海新区民政局"}


def test_everything_after_a_share_bar_at_the_end_is_dropped() -> None:
    text = "正文。\n" * 5 + "分享文章到:\n相关文章:关于2021年新增500张床位的通知\n"
    assert clean(text).text == "正文。\n" * 4 + "正文。"


def test_page_counters_and_navigation() -> None:
    text = "首页 > 政务公开\n浏览次数：1234次\n字号：大 中 小\n【打印】【关闭】\n正文。"
    assert clean(text).text == "正文。"


def test_romanisation_debris() -> None:
    assert drop_romanisation("推动創(chuàng)新發(fā)展") == "推动創新發展"
    assert drop_romanisation("推动创（chuang4）新") == "推动创新"
    assert drop_romanisation("平台(app)建设") == "平台(app)建设"  # not a romanisation


def test_traditional_to_simplified() -> None:
    assert (
        to_simplified("新建老年日間照料中心30個，養老服務床位「800張」")
        == "新建老年日间照料中心30个，养老服务床位“800张”"
    )
    simplified = "新建老年日间照料中心30个，养老服务床位800张。"
    assert to_simplified(simplified) == simplified


def test_spaces_inside_chinese_text_are_removed() -> None:
    assert clean("争取成为我市首批实验区   县。\n四、 推动基层治理\n支持 IE 8").text == (
        "争取成为我市首批实验区县。\n四、推动基层治理\n支持IE 8"
    )


def test_index_lines_of_label_and_value_pairs() -> None:
    text = (
        "当前位置: 首页\n> 政务公开 > 规划计划 > 计划总结\n"
        "索 引 号 113310247405400961/2024-104569 公开方式 主动公开\n"
        "成文日期 2024-01-11 发布机构 县民政局\n组配分类 计划总结\n"
        "县民政局2024年工作思路\n"
    )
    cleaned = clean(text)
    assert cleaned.text == "县民政局2024年工作思路"
    assert cleaned.meta == {
        "index": "113310247405400961/2024-104569",
        "disclosure": "主动公开",
        "date": "2024-01-11",
        "publisher": "县民政局",
        "category": "计划总结",
    }


def test_a_publication_line() -> None:
    cleaned = clean("发布时间:2022-07-14 11:14 来源: 市民政局 浏览量: 【字体:   打印\n正文。")
    assert cleaned.text == "正文。"
    assert cleaned.meta["date"].startswith("2022-07-14") and cleaned.meta["publisher"] == "市民政局"

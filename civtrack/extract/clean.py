"""Web-copy noise out, simplified Chinese in: the text a plan's sentences are read from.

Plans are copied from government web pages, so the text carries the page around
the document: an index table (索引号 | 发布机构 | 发文日期 …, as a Markdown table or
as a bulleted list), navigation, a footer (主办单位, 网站标识码, 联系方式, 分享文章到
…), and conversion debris such as a romanisation in brackets after a character
("創(chuàng)新"). `clean` removes all of it, keeps what the index table says (it
names the publisher, the date and the title), and converts traditional characters
to simplified ones with OpenCC.

Pure: text in, `Cleaned` out.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache

# Labels of the index tables that government sites put above a document.
META_LABELS: dict[str, str] = {
    "索引号": "index",
    "主题分类": "topic",
    "组配分类": "category",
    "体裁分类": "genre",
    "服务对象分类": "audience",
    "主题词": "keywords",
    "关键词": "keywords",
    "发布机构": "publisher",
    "发文机关": "publisher",
    "发文单位": "publisher",
    "信息来源": "publisher",
    "成文日期": "date",
    "发文日期": "date",
    "发布日期": "date",
    "公开日期": "date",
    "生成日期": "date",
    "印发日期": "date",
    "标题": "title",
    "名称": "title",
    "文件名称": "title",
    "发文字号": "number",
    "文号": "number",
    "有效性": "validity",
    "公开方式": "disclosure",
    "公开范围": "disclosure",
    "公开时限": "disclosure",
    "公开形式": "disclosure",
    "发布时间": "date",
    "来源": "publisher",
    "访问次数": "counter",
    "浏览次数": "counter",
    "浏览量": "counter",
    "点击数": "counter",
}
# Labels that can also begin a sentence of the document: metadata only with a colon or beside another label.
_WEAK_LABELS = frozenset({"标题", "名称", "文件名称", "文号", "关键词", "主题词", "信息来源", "来源"})
_LABELS = "|".join(sorted(META_LABELS, key=len, reverse=True))
_META_LABEL = re.compile(rf"^({_LABELS})(?:\s*[:：]\s*(.*))?$")
_ANY_LABEL = re.compile(rf"({_LABELS})\s*[:：]?")

# Lines of the page around the document: footers, navigation, share buttons, counters.
_FOOTER = re.compile(
    r"^(?:主办单位|承办单位|协办单位|主办|承办|技术支持|运维单位|运行维护|网站标识码|网站识别码|政府网站标识码"
    r"|[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼]?ICP|.{0,8}公网安备|备案号|版权所有|copyright|©"
    r"|联系方式|联系电话|联系我们|电话[:：]|传真[:：]|邮编|邮政编码|地址[:：]|电子邮箱|e-?mail"
    r"|推荐使用|建议使用|.{0,30}浏览器|分享文章到|分享到|分享至|扫一扫|【?打印|打印本页|关闭窗口|【?关闭|【?字体|字号[:：]|【?字号"
    r"|来源[:：]|文章来源|作者[:：]|发布时间|浏览次数|点击数|点击量|点击率|阅读量|阅读次数|访问量|浏览量|访问次数"
    r"|责任编辑|编辑[:：]|审核[:：]|校对[:：]|相关链接|相关文档|相关阅读|相关文章|附件下载|上一篇|下一篇|返回顶部|网站地图"
    r"|无障碍|当前位置|您现在的位置|您当前的位置|首页\s*[>›»]|[>›»]|[【\[]?(?:收藏|纠错|保存)[】\]]?$)",
    re.IGNORECASE,
)
# Footer lines after which nothing of the document follows.
_END_OF_DOCUMENT = re.compile(
    r"^(?:分享文章到|分享到|主办单位|网站标识码|网站识别码|版权所有|copyright|扫一扫)", re.IGNORECASE
)
_DISCLOSURE_NOTE = re.compile(r"^[(（]此件.{0,10}[)）]$")
_TABLE_RULE = re.compile(r"^[\s|:：-]*-{3,}[\s|:：-]*$")
_BULLET = re.compile(r"^[•·●▪◆◇■□○\-*]\s*")
_FOOTER_MAX_LINE = 120

# A romanisation in brackets right after a character: 創(chuàng)新, 发(fā)展, 发(fa1)展.
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
_ROMANISATION = re.compile(rf"(?<=[\u3400-\u9fff])[(（]\s*([a-zA-Zü{_TONED}\u0300-\u036f]{{1,8}}[1-5]?)\s*[)）]")
_SPACES = re.compile(r"[ \t\u3000\xa0\u2002-\u200a\u202f\u205f]+")
_INVISIBLE = re.compile(r"[\u200b-\u200d\u2060\ufeff]")
_LINE_SEPARATORS = re.compile("[\x85\u2028\u2029\x0b\x0c]")
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_QUOTES = str.maketrans({"「": "“", "」": "”", "『": "‘", "』": "’"})


@dataclass
class Cleaned:
    """The document's text, one paragraph a line, and what its index table said."""

    text: str
    meta: dict[str, str] = field(default_factory=dict)


@cache
def _converter():
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional → simplified characters (OpenCC t2s; simplified text passes unchanged)."""
    return _converter().convert(text).translate(_QUOTES)


def drop_romanisation(text: str) -> str:
    """創(chuàng)新 → 創新: remove a bracketed pinyin right after a character."""

    def keep(match: re.Match[str]) -> str:
        syllable = match.group(1)
        marked = any(c in _TONED or "\u0300" <= c <= "\u036f" for c in syllable) or syllable[-1].isdigit()
        return "" if marked else match.group(0)

    return _ROMANISATION.sub(keep, text)


def _squeeze_spaces(line: str) -> str:
    """Remove spaces except between two Latin letters or digits ("部  门" → "部门", "IE 8" stays)."""

    def keep(match: re.Match[str]) -> str:
        before = line[match.start() - 1] if match.start() else ""
        after = line[match.end()] if match.end() < len(line) else ""
        if before.isascii() and after.isascii() and before.isalnum() and after.isalnum():
            return " "
        return ""

    return _SPACES.sub(keep, line).strip()


def _meta_value(value: str) -> str:
    return value.strip(" |•·:：")


def _table_cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def _meta_pairs(line: str) -> dict[str, str] | None:
    """ "成文日期2024-01-11发布机构县民政局" → {date: …, publisher: …}; None if not an index line."""
    if len(line) > 120:
        return None
    found = list(_ANY_LABEL.finditer(line))
    if not found or found[0].start() != 0:
        return None
    first = found[0]
    colon = first.group(0) != first.group(1)
    if first.group(1) in _WEAK_LABELS and not colon and len(found) < 2:
        return None
    pairs: dict[str, str] = {}
    for i, match in enumerate(found):
        end = found[i + 1].start() if i + 1 < len(found) else len(line)
        value = _meta_value(line[match.end() : end])
        if value:
            pairs.setdefault(META_LABELS[match.group(1)], value)
    return pairs


def clean(text: str) -> Cleaned:
    """Remove page noise, romanisation debris and spaces; convert to simplified Chinese."""
    text = unicodedata.normalize("NFC", text)
    text = _INVISIBLE.sub("", text).replace("\r\n", "\n").replace("\r", "\n")
    # Word processors' line separators are line breaks; other control characters are
    # debris. Neither may reach the draft: civtrack's reader refuses them in a plan.
    text = _LINE_SEPARATORS.sub("\n", text)
    text = _CONTROL.sub("", text)
    text = to_simplified(drop_romanisation(text))
    lines = [_squeeze_spaces(line) for line in text.split("\n")]
    meta: dict[str, str] = {}
    kept: list[str] = []
    pending_label: str | None = None  # a bulleted index list: "• 索引号" then "• 1150…"
    for index, line in enumerate(lines):
        if not line:
            pending_label = None
            continue
        bullet = _BULLET.match(line)
        body = line[bullet.end() :] if bullet else line
        if pending_label is not None and bullet:
            meta.setdefault(pending_label, _meta_value(body))
            pending_label = None
            continue
        pending_label = None
        if "|" in line and (_TABLE_RULE.match(line) or any(_META_LABEL.match(c) for c in _table_cells(line) if c)):
            cells = _table_cells(line)
            for i, cell in enumerate(cells):
                label = _META_LABEL.match(cell)
                if label and not label.group(2) and i + 1 < len(cells) and cells[i + 1]:
                    meta.setdefault(META_LABELS[label.group(1)], _meta_value(cells[i + 1]))
            continue
        label = _META_LABEL.match(body) if len(body) <= 80 else None
        if label and not label.group(2):
            if bullet:
                pending_label = META_LABELS[label.group(1)]
            continue
        pairs = _meta_pairs(body)
        if pairs is not None:
            for key, value in pairs.items():
                meta.setdefault(key, value)
            continue
        if len(body) <= _FOOTER_MAX_LINE and _FOOTER.match(body):
            host = re.match(r"^主办单位\s*[:：]\s*(.+)$", body)
            if host:
                meta.setdefault("host", host.group(1).strip())
            if _END_OF_DOCUMENT.match(body) and index > len(lines) * 0.5:
                break
            continue
        if _DISCLOSURE_NOTE.match(body) or (bullet and len(body) <= 6):
            continue
        kept.append(line)
    return Cleaned("\n".join(kept), meta)

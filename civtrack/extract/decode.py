"""Bytes of a plan's text → str: UTF-8 (with or without BOM) or GB18030/GBK, nothing else.

UTF-8 is tried first: a valid UTF-8 file of any length is almost never another
encoding. GB18030 (a superset of GBK and GB2312) decodes most byte strings, so a
successful GB18030 decoding is accepted only when the result reads like Chinese:
Big5 or Shift-JIS text decoded as GBK gives valid but rare characters, which the
share of common characters exposes. Everything else is refused with a message
saying what to do.
"""

from __future__ import annotations

from civtrack.errors import InputError, error
from civtrack.messages import msg

# About 300 of the most frequent characters of Chinese official prose, in both
# simplified and traditional forms. Genuine Chinese text has a third or more of its
# characters here; Big5 or Shift-JIS bytes read as GBK have a few percent.
COMMON = frozenset(
    "的一是不了在人有我他这个们中来上大为和国地到以说时要就出会可也你对生能而子那得于着下自之年过发后作里"
    "用道行所然家种事成方多经么去法学如都同现当没动面起看定天分还进好小部其些主样理心她本前开但因只从想实"
    "日军者意无力它与长把机十民第公此已工使情明性知全三又关点正业外将两高间由问很最重并物手应战向头文体政"
    "美相见被利什二等产或新己制身果加西斯月话合回特代内信表化老给世位次度门任常先海通教儿原东声提立及比员"
    "解水名真论处走义各入几口认条平系气题活尔更别打女变四神总何电数安少报才结反受目太量再感建务做接必场件"
    "计管期市直德资命山金指克许统区保至队形社便空决治展马科司五基眼书非则听白却界达光放强即像难且权思王象"
    "完设式色路记南品住告类求据程北边死张该交规万取拉格望觉术领共确传师观清今切院让识候带导争运笑飞风步改"
    "收根干造言联持组每济车亲极林服快办议往元英士证近失转夫令准布始怎呢存未远叫台单影具罗字爱击流备兵连调"
    "深商算质团集百需价花党华城石级整府离况亚请技际约示复病息究线似官火断精满支视消越器容照须九增研写称企"
    "八功吗包片史委乎查轻易早曾除农找装广显吧阿李标谈吃图念六引历首医局突专费号尽另周较注语仅考落青随选列"
    "武红响虽推势参希古众构房半节土投某案黑维革划敌致陈律足态护七兴派孩验责营星够章音跟志底站严巴例防族供"
    "效续施留讲型料终答紧黄绝奇察母京段依批群项故按河米围江织害斗双境客纪采举杀攻父苏密低朝友诉止细愿千值"
    "們這個來為國發後過會說對時動種從兩問經進關當點開無產現實長與頭還義將體麼樣電話機業學給聽應裡區務員"
    "傳師觀導運陽們訊計劃設數據級縣鄉鎮街組織項處會議養護福利補貼覆蓋標準達層務社區"
)
_MIN_COMMON_SHARE = 0.3


def _is_cjk(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff" or "\u3400" <= char <= "\u4dbf"


def common_share(text: str) -> tuple[int, float]:
    """How many CJK characters the text has, and the share of them that are common."""
    cjk = [c for c in text if _is_cjk(c)]
    if not cjk:
        return 0, 0.0
    return len(cjk), sum(c in COMMON for c in cjk) / len(cjk)


def _reads_as_chinese(text: str) -> bool:
    count, share = common_share(text)
    return count > 0 and share >= _MIN_COMMON_SHARE


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def decode(data: bytes, path: str) -> str:
    """The text of a plan file; InputError (exit 2) naming the file when it cannot be read as Chinese text."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(error(path, 1, "E700"))
    if data.startswith(b"%PDF") or data.startswith(b"PK\x03\x04") or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputError(error(path, 1, "E701"))
    nul = data.find(b"\x00")
    if nul >= 0:
        raise InputError(error(path, _line_of(data, nul), "E702"))
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        utf8_failure = exc.start
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        text = None
    if text is not None and _reads_as_chinese(text):
        return text
    hint = msg("f.save_utf8")
    try:
        if _reads_as_chinese(data.decode("big5")):
            hint = msg("f.big5")
    except UnicodeDecodeError:
        pass
    raise InputError(error(path, _line_of(data, utf8_failure), "E703", hint))

"""Every problem people read, in English and Chinese, under a stable code: the message catalogue.

A problem (civtrack.errors.Problem) holds a key of ``CATALOGUE`` and its arguments, never text; it is
worded in a language only where it is shown (``render_message``), at the edge, so the pure core never
needs to know the language. Scripts match the code, never the text.

Keys: ``CODE`` or ``CODE.variant``. The code is what is printed (``path:line: error E210: …``); a
variant words the same problem for another place (record's options or import's columns, or a second
piece of advice), never another meaning. Keys of fragments (``f.…``) are pieces of text that go into
a message (what a value is, why a file cannot be read), worded in the same language; they have no code.

Codes, by family (docs/format.md, "Problem codes", lists every one; tests/test_messages.py checks
that the catalogue, that table and the code sites agree):

* E0xx: reading a file: encoding (E00x), YAML syntax (E01x–E05x), field values and types (E06x–E09x)
* E1xx: plan files (E10x–E11x); W1xx: warnings about plans
* E2xx: progress entries; W2xx: warnings about entries
* E3xx: the repository's layout (file names, links, duplicate or unknown plans, "fix first")
* E4xx: settings (civtrack.toml) and the repository root
* E5xx: commands' arguments and writes (record, init, report, export, diff)
* E6xx: git (diff, history)
* E7xx: extract
* IMPxx: entries checked before they are written, by `import` (a sheet's rows) and `record` (its
  options): IMP01–IMP16 errors, IMP50–IMP52 warnings (docs/spreadsheets.md; kept from issue 9)

Why a module of its own, beside civtrack/i18n.py (the labels of tables and headings): a message has
a code, a severity and arguments, is raised by the core (not only by renderers) and is checked
against the docs; i18n's labels are words a renderer puts in a table. One table each, each the one
obvious place for its kind.

The module is long (past the ~600 lines of the guide) and stays whole: it is one table, and a message is
found, translated and checked against the docs in one place; split by family, a key would have to be
looked for in several.

Templates take positional ``str.format`` fields ({0}, {1}: Chinese word order differs); literal braces
are doubled. Arguments are text (user text already made safe by yamlsafe.shown) or ``Msg`` fragments.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Msg:
    """A fragment of a message, worded in the language of the message it goes into."""

    key: str
    args: tuple[Any, ...] = ()


def msg(key: str, *args: Any) -> Msg:
    return Msg(key, args)


SEVERITY: dict[str, tuple[str, str]] = {"error": ("error", "错误"), "warning": ("warning", "警告")}

CATALOGUE: dict[str, tuple[str, str]] = {
    # --- E00x: reading a file, its encoding ---------------------------------------------------
    "E001": ("cannot read the file: {0}", "无法读取文件：{0}"),
    "E002": ("file is UTF-32 encoded; save it as UTF-8", "文件是 UTF-32 编码；请另存为 UTF-8"),
    "E003": ("file is UTF-16 encoded; save it as UTF-8", "文件是 UTF-16 编码；请另存为 UTF-8"),
    "E004": (
        "file is UTF-16 encoded (without a byte order mark); save it as UTF-8",
        "文件是 UTF-16 编码（无字节顺序标记）；请另存为 UTF-8",
    ),
    "E005": (
        "file contains a NUL byte (binary data?); save it as UTF-8 text",
        "文件含有 NUL 字节（二进制数据？）；请保存为 UTF-8 文本",
    ),
    "E006": (
        "file is not valid UTF-8 (it looks like GBK/GB18030; convert it with `iconv -f GB18030 -t UTF-8`)",
        "文件不是有效的 UTF-8（看起来是 GBK/GB18030；可用 `iconv -f GB18030 -t UTF-8` 转换）",
    ),
    "E007": ("file is not valid UTF-8 (save it as UTF-8)", "文件不是有效的 UTF-8（请另存为 UTF-8）"),
    "E008": (
        "the line contains an unusual line separator (U+{0}), often pasted from a word processor: "
        "replace it with an ordinary line break or a space",
        "该行含有不常见的分行符（U+{0}），多为从文字处理软件粘贴而来：请换成普通换行或空格",
    ),
    "E009": ("the line contains an invalid character (U+{0}): delete it", "该行含有无效字符（U+{0}）：请删除"),
    "E010": (
        "the line contains an invisible control character (U+{0}): delete it",
        "该行含有不可见的控制字符（U+{0}）：请删除",
    ),
    "E011": (
        "file is larger than the limit of {0} bytes (max_file_bytes)",
        "文件超过 {0} 字节的上限（max_file_bytes）",
    ),
    "E011.hint": (
        "file is larger than the limit of {0} bytes (raise max_file_bytes in civtrack.toml, or split the file)",
        "文件超过 {0} 字节的上限（可在 civtrack.toml 中调高 max_file_bytes，或拆分文件）",
    ),
    # --- E01x–E05x: YAML syntax -----------------------------------------------------------------
    "E012": (
        "git merge conflict left in the file (marker '{0}'): keep the right lines and delete the marker lines",
        "文件中留有 git 合并冲突（标记“{0}”）：保留正确的行，删除标记行",
    ),
    "E013": ("nesting deeper than {0} levels", "嵌套超过 {0} 层"),
    "E014": ("invalid YAML: {0}", "YAML 格式错误：{0}"),
    "E015": ("a character YAML does not allow (code {0})", "YAML 不允许的字符（编码 {0}）"),
    "E020": (
        "tab character in the indentation: YAML indents with spaces only",
        "缩进中有制表符：YAML 只能用空格缩进",
    ),
    "E021": (
        "a quote opened on this line is not closed on it (YAML read on to line {0})",
        "本行开始的引号没有在本行闭合（YAML 一直读到了第 {0} 行）",
    ),
    "E022": ("a value cannot start with '{0}': put the text in quotes", "值不能以“{0}”开头：请给文字加引号"),
    "E023": (
        "a second ':' on this line: put text that contains ': ' in quotes",
        "本行有第二个“:”：含有“: ”的文字请加引号",
    ),
    "E024": (
        "bad indentation: this line is indented more than the field above it",
        "缩进错误：本行比上面的字段缩进得多",
    ),
    "E025": ("a quote opened on this line is never closed", "本行开始的引号始终没有闭合"),
    "E026": (
        "unknown escape (a backslash) in double quotes: use single quotes, or write \\\\ for a backslash",
        "双引号中有未知的转义（反斜杠）：请改用单引号，或把反斜杠写成 \\\\",
    ),
    "E027": ("a field name longer than 1024 characters (YAML's limit)", "字段名超过 1024 个字符（YAML 的上限）"),
    "E028": (
        "a field name without ':' (write name: value), or a line cut short",
        "字段名后缺少“:”（应写作 名称: 值），或该行不完整",
    ),
    "E029": (
        "a '{{' opened on this line is not closed, or a ',' is missing between its items",
        "本行开始的“{{”没有闭合，或其中各项之间缺少“,”",
    ),
    "E030": (
        "a '[' opened on this line is not closed, or a ',' is missing between its items",
        "本行开始的“[”没有闭合，或其中各项之间缺少“,”",
    ),
    "E031": (
        "a value inside '{{ }}' or '[ ]' cannot start with ':': put the text in quotes",
        "“{{ }}”或“[ ]”中的值不能以“:”开头：请给文字加引号",
    ),
    "E032": ("a '[' or '{{' is not closed", "“[”或“{{”没有闭合"),
    "E033": ("a ':' with no field name before it", "“:”前面没有字段名"),
    "E034": (
        "bad indentation: this line does not line up with the fields above it",
        "缩进错误：本行与上面的字段没有对齐",
    ),
    "E035": (
        "bad indentation: this list item does not line up with the items above it",
        "缩进错误：本列表项与上面的各项没有对齐",
    ),
    "E036": (
        "a '- ' list item cannot follow a field on the same line: start it on a new line, indented",
        "列表项“- ”不能跟在同一行的字段后面：请另起一行并缩进",
    ),
    "E037": (
        "a second YAML document starts here ('---'): a file holds one document",
        "此处开始了第二个 YAML 文档（“---”）：一个文件只能有一个文档",
    ),
    "E038": (
        "an alias (*name) refers to no anchor (&name) above it",
        "别名（*name）在上文找不到对应的锚点（&name）",
    ),
    "E039": ("the same anchor (&name) is defined twice", "同一个锚点（&name）定义了两次"),
    "E040": (
        "too many aliases expanded (alias bomb?): YAML aliases are limited",
        "展开的别名过多（别名炸弹？）：YAML 别名有数量限制",
    ),
    "E041": (
        "an alias (*name) refers to the list or mapping that contains it (a loop)",
        "别名（*name）指向包含它的列表或映射（循环引用）",
    ),
    "E042": (
        "aliases expand this file to more than {0} characters of text (max_file_bytes): "
        "write the text where it belongs instead of repeating it through aliases",
        "别名展开后文本超过 {0} 个字符（max_file_bytes）：请把文字写在需要的位置，不要用别名重复",
    ),
    "E043": ("unsupported YAML tag {0}: tags are not allowed", "不支持的 YAML 标签 {0}：不允许使用标签"),
    "E044": ("merge keys (<<) are not supported: write the fields out", "不支持合并键（<<）：请逐个写出字段"),
    "E045": (
        "a field name must be plain text, not a list or a mapping",
        "字段名必须是普通文字，不能是列表或映射",
    ),
    "E046": (
        "the field name '{0}' contains a control character: delete it",
        "字段名“{0}”含有控制字符：请删除",
    ),
    "E047": (
        "duplicate key '{0}' (first at line {1}): YAML would keep only the last one; keep one and delete the other",
        "重复的键“{0}”（首次出现在第 {1} 行）：YAML 只会保留最后一个；请保留一个，删除另一个",
    ),
    "E048": ("the text '{0}' contains a control character: delete it", "文字“{0}”含有控制字符：请删除"),
    "E049": ("impossible date '{0}' ({1})", "不存在的日期“{0}”（{1}）"),
    "E049.field": ("{0}: impossible date '{1}' ({2})", "{0}：不存在的日期“{1}”（{2}）"),
    "E050": ("cannot read '{0}' as {1}", "无法把“{0}”读作 {1}"),
    # --- E06x–E09x: field values and types (plans and entries) ------------------------------------
    "E060": ("unknown field '{0}'", "未知字段“{0}”"),
    "E060.in": ("unknown field '{0}' in {1}", "{1} 中有未知字段“{0}”"),
    "E061": ("missing required field '{0}'", "缺少必填字段“{0}”"),
    "E061.in": ("missing required field '{0}' in {1}", "{1} 缺少必填字段“{0}”"),
    "E062": (
        "indicator: '{0}' is not a reference of the form indicator-id or indicator-id/part-id",
        "indicator：“{0}”不是“指标编号”或“指标编号/分项编号”形式的引用",
    ),
    "E063": (
        "{0}: '{1}' is not an id (lower-case letters, digits and '-', e.g. elder-beds)",
        "{0}：“{1}”不是有效的编号（小写字母、数字和“-”，如 elder-beds）",
    ),
    "E064": ("{0}: must be {1}, got {2}", "{0}：应为 {1}，实际为{2}"),
    "E065": ("{0}: must be {1} or more, got {2}", "{0}：应不小于 {1}，实际为{2}"),
    "E066": ("expected a mapping of fields", "应为字段映射"),
    "E067": ("{0}: expected a mapping of fields, got {1}", "{0}：应为字段映射，实际为{1}"),
    "E068": ("{0}: expected a list, got {1}", "{0}：应为列表，实际为{1}"),
    "E069": ("{0}: expected text, got {1}", "{0}：应为文字，实际为{1}"),
    "E070": ("{0}: expected true or false, got {1}", "{0}：应为 true 或 false，实际为{1}"),
    "E071": ("{0}: {1}", "{0}：{1}"),
    "E071.bare": ("{0}", "{0}"),
    "E080": (
        "{0}: expected a number, got the boolean {1} (yes/no/on/off are booleans in YAML)",
        "{0}：应为数字，实际为布尔值 {1}（YAML 中 yes/no/on/off 是布尔值）",
    ),
    "E081": (
        "{0}: expected a number in plain decimal digits (e.g. 800 or 12.5), got '{1}'",
        "{0}：应为普通的十进制数字（如 800 或 12.5），实际为“{1}”",
    ),
    "E082": (
        "{0}: expected a number, got the text '{1}': write the number alone ({2}) and the unit in the unit field",
        "{0}：应为数字，实际为文字“{1}”：请只写数字（{2}），单位写在 unit 字段",
    ),
    "E083": (
        "{0}: expected a number, got the text '{1}': write a plain number such as 800 or 12.5 "
        "(no quotes, commas or leading zeros)",
        "{0}：应为数字，实际为文字“{1}”：请写普通数字，如 800 或 12.5（不加引号、逗号或前导零）",
    ),
    "E084": (
        "{0}: expected a number, got {1} (not a number, or infinite)",
        "{0}：应为数字，实际为 {1}（非数字或无穷大）",
    ),
    "E085": ("{0}: expected a number, got {1}", "{0}：应为数字，实际为{1}"),
    "E086": ("{0}: the number {1} is too large (the limit is 10^15)", "{0}：数字 {1} 过大（上限为 10^15）"),
    "E087": (
        "{0}: expected a date written YYYY-MM-DD (e.g. 2021-06-30), got {1}",
        "{0}：应为 YYYY-MM-DD 格式的日期（如 2021-06-30），实际为{1}",
    ),
    "E088": (
        "{0}: expected text, got {1} (put yes/no/on/off in quotes to keep them as text)",
        "{0}：应为文字，实际为{1}（yes/no/on/off 加引号才是文字）",
    ),
    "E089": ("{0}: is empty: write the text, or remove the field", "{0}：为空：请填写文字，或删除该字段"),
    # --- E1xx: plan files --------------------------------------------------------------------------
    "E100": ("plan file is empty", "计划文件为空"),
    "E101": (
        "a plan file must be a mapping of fields (id, title, period, indicators), got {0}",
        "计划文件应为字段映射（id、title、period、indicators），实际为{0}",
    ),
    "E102": ("period ends before it starts", "计划期的结束日期早于开始日期"),
    "E103": ("duplicate indicator id '{0}' (first at line {1})", "重复的指标编号“{0}”（首次出现在第 {1} 行）"),
    "E104": ("indicator '{0}': due {1} is before its start {2}", "指标“{0}”：截止日期 {1} 早于开始日期 {2}"),
    "E105": (
        "milestone '{0}' takes no {1} (it is done or not done)",
        "节点任务“{0}”不能有 {1}（它只有完成或未完成）",
    ),
    "E106": ("milestone '{0}' takes no {1}", "节点任务“{0}”不能有 {1}"),
    "E107": (
        "indicator '{0}': parts need accumulate: sum (the parent adds them up)",
        "指标“{0}”：有分项时须为 accumulate: sum（由指标汇总各分项）",
    ),
    "E108": ("duplicate part id '{0}' in '{1}'", "指标“{1}”中有重复的分项编号“{0}”"),
    "E109": (
        "indicator '{0}': target {1} differs from the sum of its parts' targets {2}",
        "指标“{0}”：目标 {1} 与各分项目标之和 {2} 不一致",
    ),
    "E110": (
        "part '{0}': with '<=' the baseline must be above the target",
        "分项“{0}”：比较方式为“<=”时，基数须高于目标",
    ),
    "E111": ("indicator '{0}': missing required field 'target'", "指标“{0}”：缺少必填字段“target”"),
    "E112": (
        "indicator '{0}': with '<=' give a baseline above the target (the level to bring down)",
        "指标“{0}”：比较方式为“<=”时，须给出高于目标的基数（要降低的水平）",
    ),
    "E113": (
        "{0}: target {1} is below the baseline {2}: with '>=' it would be done from the start; to bring a level "
        "down, write comparator: '<=' (and the baseline above the target)",
        "{0}：目标 {1} 低于基数 {2}：比较方式为“>=”时一开始就已完成；若要降低某个水平，请写 comparator: '<='"
        "（并使基数高于目标）",
    ),
    "E114": ("plan id '{0}' differs from the file name '{1}'", "计划编号“{0}”与文件名“{1}”不一致"),
    "W101": (
        "indicator '{0}': due {1} is outside the plan period",
        "指标“{0}”：截止日期 {1} 不在计划期内",
    ),
    "W102": (
        "{0}: target {1} equals the baseline: it is done before any progress; "
        "a '>=' target is the level to reach above the baseline",
        "{0}：目标 {1} 等于基数：没有任何进展就已完成；“>=”的目标应是高于基数、要达到的水平",
    ),
    "W103": (
        "checkpoint {0} of '{1}' is outside its start and due dates",
        "指标“{1}”的阶段目标 {0} 不在其开始与截止日期之间",
    ),
    # --- E2xx: progress entries ----------------------------------------------------------------------
    "E200": (
        "a progress file must be a list of entries ('- date: …'), got {0}",
        "进度文件应为记录列表（“- date: …”），实际为{0}",
    ),
    "E201": ("an entry must be a mapping of fields, got {0}", "每条记录应为字段映射，实际为{0}"),
    "E202": (
        "entry dated {0} is in the file for {1}: move it to {2}.yaml",
        "日期为 {0} 的记录放在了 {1} 的文件中：请移到 {2}.yaml",
    ),
    "E203": ("unknown indicator '{0}' in plan '{1}'", "计划“{1}”中没有指标“{0}”"),
    "E203.known": ("unknown indicator '{0}' in plan '{1}' (known: {2})", "计划“{1}”中没有指标“{0}”（已有：{2}）"),
    "E204": ("unknown part '{0}' of indicator '{1}'", "指标“{1}”没有分项“{0}”"),
    "E204.known": ("unknown part '{0}' of indicator '{1}' (known: {2})", "指标“{1}”没有分项“{0}”（已有：{2}）"),
    "E205": ("indicator '{0}' has parts: record on a part ({1})", "指标“{0}”有分项：请记录到分项（{1}）"),
    "E206": ("'{0}' is a milestone: write done: true, not a value", "“{0}”是节点任务：请写 done: true，不要写数值"),
    "E207": (
        "entry for milestone '{0}' needs done: true or done: false",
        "节点任务“{0}”的记录需要 done: true 或 done: false",
    ),
    "E208": ("'{0}' is a number: write value: N, not done", "“{0}”是数值指标：请写 value: N，不要写 done"),
    "E209": ("entry for '{0}' needs a value", "“{0}”的记录需要数值"),
    "E210": ("unit '{0}' differs from the indicator's unit '{1}'", "单位“{0}”与指标单位“{1}”不一致"),
    "E211": (
        "incomplete last entry (interrupted write?): the file ends with a cut-off entry{1}; complete the entry "
        "or delete it (line {0} to the end of the file), then run `civtrack check`",
        "最后一条记录不完整（写入中断？）：文件以一条被截断的记录结尾{1}；请补全或删除该记录"
        "（第 {0} 行至文件末尾），然后运行 `civtrack check`",
    ),
    "W201": (
        "entry dated {0} is outside the plan period {1}…{2}",
        "日期为 {0} 的记录不在计划期 {1}…{2} 内",
    ),
    "W202": (
        "the file does not end with a newline: if this last entry was cut short by an interrupted write, "
        "correct it; otherwise add the newline",
        "文件末尾没有换行：如果最后这条记录因写入中断而不完整，请改正；否则请补上换行",
    ),
    "W203": (
        "this entry is the same line, byte for byte, as line {0}: git's union merge would keep only one of them; "
        "if both happened, add a different `id: ` to each, else delete one",
        "这条记录与第 {0} 行逐字节相同：git 的 union 合并只会保留其中一条；如果两件事都发生过，"
        "请给每条加上不同的 `id: `，否则删除其中一条",
    ),
    # --- E3xx: the repository's layout -------------------------------------------------------------
    "E300": (
        "symbolic link not followed (it could lead outside the repository)",
        "未跟随符号链接（它可能指向仓库之外）",
    ),
    "E301": (
        "not a regular file (a pipe, socket or device): not read",
        "不是普通文件（管道、套接字或设备）：未读取",
    ),
    "E302": (
        "progress files are named progress/<plan-id>/YYYY-MM.yaml",
        "进度文件应命名为 progress/<计划编号>/YYYY-MM.yaml",
    ),
    "E303": (
        "progress for unknown plan '{0}' (no plans/{0}.yaml)",
        "未知计划“{0}”的进度（没有 plans/{0}.yaml）",
    ),
    "E304": ("duplicate plan id '{0}' (also {1})", "重复的计划编号“{0}”（另见 {1}）"),
    "E305": ("unknown plan '{0}' (known: {1})", "未知计划“{0}”（已有：{1}）"),
    "E305.bare": ("unknown plan '{0}'", "未知计划“{0}”"),
    "E306": ("plan file changed while civtrack read it: run again", "读取过程中计划文件被修改：请重新运行"),
    "E307": (
        "it is a file, not a folder: its entries are not read; progress goes in progress/<plan-id>/",
        "这是文件，不是文件夹：其中的记录未读取；进度应放在 progress/<计划编号>/",
    ),
    "E307.other": ("it is a file, not a folder: not read", "这是文件，不是文件夹：未读取"),
    "E308": (
        "cannot list this folder ({0}): the files in it are not read",
        "无法列出此文件夹（{0}）：其中的文件未读取",
    ),
    "E309": (
        "fix the problems above (`civtrack check` lists them all)",
        "请先修正上述问题（`civtrack check` 会列出全部问题）",
    ),
    "E309.import": (
        "fix the problems above (`civtrack check` lists them all); nothing was imported",
        "请先修正上述问题（`civtrack check` 会列出全部问题）；未导入任何内容",
    ),
    "E310": (
        "fix the plan first (`civtrack check` lists every problem)",
        "请先修正该计划（`civtrack check` 会列出全部问题）",
    ),
    # a name or fragment typed for a plan, an indicator or a part (civtrack.refs) that names several
    "E311": (
        "'{0}' matches {1} plans: {2} (write more of the name, or the id)",
        "“{0}”对应 {1} 个计划：{2}（请多写几个字，或写编号）",
    ),
    "E311.indicator": (
        "'{0}' matches {1} indicators in plan '{3}': {2} (write more of the name, or the id)",
        "“{0}”对应计划“{3}”中的 {1} 个指标：{2}（请多写几个字，或写编号）",
    ),
    "E311.part": (
        "'{0}' matches {1} parts of indicator '{3}': {2} (write more of the name, or the id)",
        "“{0}”对应指标“{3}”的 {1} 个分项：{2}（请多写几个字，或写编号）",
    ),
    "E311.plan_parts": (
        "'{0}' matches {1} parts in plan '{3}': {2} (write more of the name, or the id)",
        "“{0}”对应计划“{3}”中的 {1} 个分项：{2}（请多写几个字，或写编号）",
    ),
    "W301": ("not a plan file (plans/<plan-id>.yaml): ignored", "不是计划文件（plans/<计划编号>.yaml）：已忽略"),
    "W302": (
        "other plans' files have the errors above; {0} computed without them (`civtrack check` lists every problem)",
        "上述错误在其他计划的文件中；{0} 的计算未受其影响（`civtrack check` 会列出全部问题）",
    ),
    "W303": (
        "no plan of the month has an item of {0}: the report lists none",
        "本月没有计划含有 {0} 的事项：报告中没有列出任何事项",
    ),
    # --- E4xx: settings and the repository root ------------------------------------------------------
    "E400": ("root folder does not exist", "根文件夹不存在"),
    "E401": (
        "not inside a civtrack repository (no civtrack.toml or plans/ here or above); "
        "run `civtrack init` or pass --root",
        "不在 civtrack 仓库中（当前及上级文件夹都没有 civtrack.toml 或 plans/）；请运行 `civtrack init` 或指定 --root",
    ),
    "E402": ("{0} (civtrack.toml must be a file)", "{0}（civtrack.toml 必须是文件）"),
    "E403": ("cannot read the settings: {0}", "无法读取设置：{0}"),
    "E404": ("invalid TOML: {0}", "TOML 格式错误：{0}"),
    "E405": ("unknown setting '{0}' (known: {1})", "未知设置“{0}”（可用：{1}）"),
    "E406": ("setting '{0}' must be {1}, got {2}", "设置“{0}”应为{1}，实际为 {2}"),
    "E407": ("lang must be one of {0}", "lang 必须是 {0} 之一"),
    "E408": (
        "max_file_bytes must be a positive number of bytes, at most {0} (1 GiB), got {1}",
        "max_file_bytes 应为正的字节数，最多 {0}（1 GiB），实际为 {1}",
    ),
    "E409": ("{0} must be a number of days, 0 or more, got {1}", "{0} 应为天数（0 或更多），实际为 {1}"),
    "E410": (
        "pace_tolerance must be a number of percentage points, 0 or more, got {0}",
        "pace_tolerance 应为百分点数（0 或更多），实际为 {0}",
    ),
    # --- E5xx: commands' arguments and writes ----------------------------------------------------------
    "E500": (
        "'{0}' is not PLAN/INDICATOR or PLAN/INDICATOR/PART (each an id, a name or a fragment of one, "
        "e.g. example/elder-beds or example/床位)",
        "“{0}”不是 计划/指标 或 计划/指标/分项 的形式（每段可写编号、名称或名称的一部分，如 example/elder-beds 或 "
        "example/床位）",
    ),
    "E502": (
        "cannot append to this file as it stands: fix it first; nothing was recorded",
        "该文件目前的内容无法追加：请先修正；未记录任何内容",
    ),
    "E503": (
        "record does not append after an incomplete entry: fix it first; nothing was recorded",
        "record 不会在不完整的记录之后追加：请先修正；未记录任何内容",
    ),
    "E504": (
        "the file would exceed max_file_bytes ({0}); nothing was recorded",
        "文件将超过 max_file_bytes（{0}）；未记录任何内容",
    ),
    "E505": (
        "another civtrack process has held this file's lock for {0} s; try again",
        "另一个 civtrack 进程占用该文件的锁已有 {0} 秒；请稍后再试",
    ),
    "E506": ("cannot create the lock for {0}: {1}", "无法为 {0} 创建锁：{1}"),
    "E507": ("{0}; nothing was recorded", "{0}；未记录任何内容"),
    "E508": ("cannot read: {0}; nothing was recorded", "无法读取：{0}；未记录任何内容"),
    "E509": ("cannot write: {0}; nothing was recorded", "无法写入：{0}；未记录任何内容"),
    "E510": (
        "the file changed while recording (edited by another program?); nothing was recorded",
        "记录过程中文件被修改（被其他程序编辑？）；未记录任何内容",
    ),
    "E511": ("symbolic link not followed: {0} writes only real files", "未跟随符号链接：{0} 只写入真实的文件"),
    "E512": ("{0}, not a folder: nothing was recorded", "是{0}，不是文件夹：未记录任何内容"),
    "E513": ("already exists: init does not overwrite", "已存在：init 不会覆盖"),
    "E514": ("not a folder", "不是文件夹"),
    "E515": ("cannot write: {0}; nothing was left behind", "无法写入：{0}；没有留下任何文件"),
    "E516": ("cannot write the report: {0}", "无法写出报告：{0}"),
    "E517": (
        "give at most two revisions (REV_A REV_B, or REV_A..REV_B)",
        "最多给出两个版本（REV_A REV_B 或 REV_A..REV_B）",
    ),
    "E518": (
        "write a range as one argument (A..B), or give two revisions (A B)",
        "版本范围请写成一个参数（A..B），或给出两个版本（A B）",
    ),
    "E519": (
        "--encoding: only CSV takes another encoding (JSON Lines is UTF-8; xlsx has none)",
        "--encoding：只有 CSV 可以用其他编码（JSON Lines 是 UTF-8；xlsx 没有编码）",
    ),
    "E520": (
        "this output is a binary file: give -o FILE (or redirect standard output to a file)",
        "输出是二进制文件：请用 -o FILE 指定文件（或把标准输出重定向到文件）",
    ),
    "E521": ("cannot write the schema: {0}", "无法写出 schema：{0}"),
    "E522": (
        "no plan runs in {0}: nothing to fill in (--plan ID makes a sheet for a plan all the same)",
        "{0} 没有执行中的计划：没有需要填报的内容（用 --plan 计划编号 仍可为某个计划生成填报表）",
    ),
    # --- E6xx: git ---------------------------------------------------------------------------------------
    "E600": (
        "git is not installed (or not on PATH): diff and history need it",
        "没有安装 git（或不在 PATH 中）：diff 和 history 需要它",
    ),
    "E601": ("git {0}: {1}", "git {0}：{1}"),
    "E602": (
        "not inside a git repository (run `git init` and commit first)",
        "不在 git 仓库中（请先运行 `git init` 并提交）",
    ),
    "E603": (
        "'{0}' is not a revision (a branch, tag or commit; it must not start with '-')",
        "“{0}”不是版本（应为分支、标签或提交；不能以“-”开头）",
    ),
    "E604": ("unknown revision '{0}'", "未知版本“{0}”"),
    "E604.empty": (
        "unknown revision '{0}' (the repository has no commits yet)",
        "未知版本“{0}”（仓库还没有任何提交）",
    ),
    "E605": (
        "the two revisions have no common ancestor (for A...B)",
        "两个版本没有共同的祖先（A...B 需要）",
    ),
    "E606": ("cannot read the file from git", "无法从 git 读取该文件"),
    "E607": ("git cat-file stopped in the middle of a file", "git cat-file 在读取文件中途停止"),
    # --- E7xx: extract -----------------------------------------------------------------------------------
    "E700": (
        "file is UTF-16 encoded; save it as UTF-8 (or GB18030) plain text",
        "文件是 UTF-16 编码；请另存为 UTF-8（或 GB18030）纯文本",
    ),
    "E701": (
        "this is a PDF or Word/Office file, not plain text; copy its text into a .txt file",
        "这是 PDF 或 Word/Office 文件，不是纯文本；请把其中的文字复制到 .txt 文件",
    ),
    "E702": (
        "file contains NUL bytes (binary data or UTF-16?); save it as UTF-8 plain text",
        "文件含有 NUL 字节（二进制数据或 UTF-16？）；请另存为 UTF-8 纯文本",
    ),
    "E703": (
        "cannot read the text: it is neither UTF-8 nor GB18030/GBK Chinese text. {0}",
        "无法读取文本：它既不是 UTF-8，也不是 GB18030/GBK 中文文本。{0}",
    ),
    "E704": (
        "found no Chinese text to read: is this the text of a work plan?",
        "没有找到可读的中文：这是工作计划的文本吗？",
    ),
    "E705": (
        "cannot tell the plan's year from the text: pass --year YYYY",
        "无法从文本判断计划的年份：请用 --year YYYY 指定",
    ),
    "E706": (
        "file exists: choose another name or pass --force to overwrite it",
        "文件已存在：请换一个名字，或用 --force 覆盖",
    ),
    "E707": ("file is larger than {0} MiB: is it a plan's text?", "文件超过 {0} MiB：这是计划的文本吗？"),
    "E708": ("cannot write file: {0}", "无法写入文件：{0}"),
    # --- IMPxx: entries checked before they are written (import's rows, record's options) -----------------
    "IMP01": ("{0}", "{0}"),
    "IMP01.errors": (
        "plan '{0}' has errors: fix it first (`civtrack check`)",
        "计划“{0}”有错误：请先修正（`civtrack check`）",
    ),
    "IMP02": ("{0}", "{0}"),
    "IMP02.empty": (
        "plan and id must both be filled (the row has values but no item)",
        "plan 和 id 都必须填写（该行有数值，但没有指明事项）",
    ),
    "IMP03.cli_value": (
        "'{0}' is a milestone: record it with --done, not a value",
        "“{0}”是节点任务：请用 --done 记录，不要给数值",
    ),
    "IMP03.cli_missing": (
        "'{0}' is a milestone: record it with --done (or --not-done to correct it)",
        "“{0}”是节点任务：请用 --done 记录（更正时用 --not-done）",
    ),
    "IMP03.cli_done": (
        "'{0}' is a number ({1}): give a value, not --done",
        "“{0}”是数值指标（{1}）：请给出数值，不要用 --done",
    ),
    "IMP03.sheet_value": (
        "'{0}' is a milestone: fill done (yes or no), not value",
        "“{0}”是节点任务：请填 done（是或否），不要填 value",
    ),
    "IMP03.sheet_missing": ("'{0}' is a milestone: fill done (yes or no)", "“{0}”是节点任务：请填 done（是或否）"),
    "IMP03.sheet_done": (
        "'{0}' is a number ({1}): fill value, not done",
        "“{0}”是数值指标（{1}）：请填 value，不要填 done",
    ),
    "IMP04.cli": (
        "value '{0}' is not a number (write digits, e.g. 12 or 12.5; a negative one after --: -- -3)",
        "数值“{0}”不是数字（请写数字，如 12 或 12.5；负数写在 -- 之后：-- -3）",
    ),
    "IMP04.sheet": (
        "value '{0}' is not a number (write digits, e.g. 12, 12.5 or 1,200)",
        "数值“{0}”不是数字（请写数字，如 12、12.5 或 1,200）",
    ),
    "IMP04.cell": ("value {0} is not a number", "数值 {0} 不是数字"),
    "IMP04.large": ("the number {0} is too large (the limit is 10^15)", "数字 {0} 过大（上限为 10^15）"),
    "IMP04.model": ("{0}", "{0}"),
    "IMP05": ("unit '{0}' differs from the indicator's unit '{1}'", "单位“{0}”与指标单位“{1}”不一致"),
    "IMP05.cli_no_unit": ("'{0}' has no unit: leave --unit out", "“{0}”没有单位：请不要用 --unit"),
    "IMP05.sheet_no_unit": ("'{0}' has no unit: leave unit empty", "“{0}”没有单位：unit 请留空"),
    "IMP05.percent": ("a percentage ({0}) where the unit is '{1}'", "填的是百分比（{0}），但单位是“{1}”"),
    "IMP06": (
        "date {0} is outside the period of plan '{1}' ({2}…{3}, {4})",
        "日期 {0} 不在计划“{1}”的计划期内（{2}…{3}，{4}）",
    ),
    "IMP07": ("date {0} is outside the sheet's month {1}", "日期 {0} 不在本表的月份 {1} 内"),
    "IMP08": ("impossible date '{0}'", "不存在的日期“{0}”"),
    "IMP08.empty": (
        "date is empty (fill it, or give --month to date the row's entry)",
        "日期为空（请填写，或用 --month 给该行的记录定日期）",
    ),
    "IMP08.text": (
        "date '{0}' is not a date (write 2026-10-31, 2026/10/31 or 2026年10月31日)",
        "“{0}”不是日期（请写 2026-10-31、2026/10/31 或 2026年10月31日）",
    ),
    "IMP08.serial": (
        "date {0} is not a date (an Excel date number lies between 1 and {1})",
        "{0} 不是日期（Excel 的日期序号在 1 到 {1} 之间）",
    ),
    "IMP08.other": ("date {0} is not a date", "{0} 不是日期"),
    "IMP09": (
        "{0}: a formula saved without its value (open the file in Excel or LibreOffice and save it again)",
        "{0}：公式保存时没有计算结果（请用 Excel 或 LibreOffice 打开后重新保存）",
    ),
    "IMP10.cli": ("indicator '{0}' has parts: record on one of them ({1})", "指标“{0}”有分项：请记录到其中一个（{1}）"),
    "IMP10.sheet": (
        "indicator '{0}' has parts: report on one of them ({1})",
        "指标“{0}”有分项：请填报到其中一个（{1}）",
    ),
    "IMP11": ("{0} is not valid text (it holds bytes that are not UTF-8)", "{0} 不是有效的文字（含有非 UTF-8 字节）"),
    "IMP11.control": ("{0} holds a control character (U+{1}): delete it", "{0} 含有控制字符（U+{1}）：请删除"),
    "IMP12.cli": (
        "'{0}' is a number: give the value to record (e.g. civtrack record {1}/{2} 12)",
        "“{0}”是数值指标：请给出要记录的数值（如 civtrack record {1}/{2} 12）",
    ),
    "IMP12.sheet": ("'{0}' is a number: fill value", "“{0}”是数值指标：请填 value"),
    "IMP13": (
        "merged cells {0} give one value to several rows: unmerge them and fill each row",
        "合并单元格 {0} 把一个值给了多行：请取消合并，逐行填写",
    ),
    "IMP14": ("cannot import '{0}' files: give an .xlsx or .csv file", "无法导入“{0}”文件：请提供 .xlsx 或 .csv 文件"),
    "IMP14.folder": ("a folder, not a file", "是文件夹，不是文件"),
    "IMP14.missing": ("no such file", "文件不存在"),
    "IMP14.encoding": ("not text in UTF-8 or GB18030", "不是 UTF-8 或 GB18030 文本"),
    "IMP14.nul": (
        "not a CSV file (it holds NUL bytes: UTF-16, or binary?)",
        "不是 CSV 文件（含有 NUL 字节：UTF-16 或二进制？）",
    ),
    "IMP14.csv": ("not a CSV file: {0}", "不是 CSV 文件：{0}"),
    "IMP14.no_value": ("no value or done column: nothing to import", "没有 value 或 done 列：没有可导入的内容"),
    "IMP14.no_header": (
        "no header row with plan and id columns in the first rows (the headers of `civtrack sheet`, "
        "in English or Chinese)",
        "前几行中没有含 plan 和 id 列的表头（即 `civtrack sheet` 的英文或中文表头）",
    ),
    "IMP14.workbook": ("cannot read the workbook: {0}", "无法读取工作簿：{0}"),
    "IMP14.no_sheet": ("no sheet with plan and id columns", "没有含 plan 和 id 列的工作表"),
    "IMP15": ("done '{0}' is not yes or no (write yes/no or 是/否)", "done“{0}”不是“是”或“否”（请写 yes/no 或 是/否）"),
    "IMP50": ("already recorded ({0}): skipped", "已有记录（{0}）：已跳过"),
    "IMP51": (
        "plan '{0}' changed since the sheet was made ({1}): check that the rows still fit it",
        "计划“{0}”在制表后有改动（{1}）：请核对各行是否仍然适用",
    ),
    "IMP52": ("column '{0}' is not one civtrack reads: ignored", "列“{0}”不是 civtrack 读取的列：已忽略"),
    # --- SRCxx: sources, other repositories read through git (civtrack/sources/, docs/sources.md) ------------
    "SRC01": (
        "unknown source '{0}' in from: {1} (sources in civtrack.toml: {2})",
        "from: {1} 中的数据源“{0}”不存在（civtrack.toml 中的数据源：{2}）",
    ),
    "SRC02": (
        "source '{0}' is not fetched yet: run `civtrack sources fetch {0}`",
        "数据源“{0}”尚未获取：请运行 `civtrack sources fetch {0}`",
    ),
    "SRC03": (
        "unknown plan '{0}' in source '{1}' at {2} (its plans: {3})",
        "数据源“{1}”（提交 {2}）中没有计划“{0}”（其计划：{3}）",
    ),
    "SRC04": (
        "unknown {0} '{1}' in plan '{2}' of source '{3}' at {4}",
        "数据源“{3}”（提交 {4}）的计划“{2}”中没有{0}“{1}”",
    ),
    "SRC05": (
        "unit '{0}' differs from the unit '{1}' of {2} (the figures would not add up)",
        "单位“{0}”与 {2} 的单位“{1}”不一致（数字无法相加）",
    ),
    "SRC06": (
        "a {0} is linked to a {1} ({2}): link a number to a number, a milestone to a milestone",
        "{0}关联到了{1}（{2}）：数值指标只能关联数值指标，节点任务只能关联节点任务",
    ),
    "SRC07": (
        "target {0} differs from the target {1} of {2}: the local one is kept",
        "目标 {0} 与 {2} 的目标 {1} 不同：保留本地目标",
    ),
    "SRC08": (
        "entry on {0}, which takes its figures from {1}: local entries on a linked item are not counted; remove it",
        "“{0}”的数据引用自 {1}：引用项的本地记录不计入，请删除这条记录",
    ),
    "SRC09": (
        "from: '{0}' is not source/plan/indicator or source/plan/indicator/part",
        "from:“{0}”不是 数据源/计划/指标 或 数据源/计划/指标/分项 的形式",
    ),
    "SRC10": ("source '{0}': {1}", "数据源“{0}”：{1}"),
    "SRC11": (
        "source '{0}' could not be fetched ({1}): the last fetched commit {2} (committed {3}, fetched {4}) "
        "stays in use",
        "数据源“{0}”无法获取（{1}）：继续使用上次获取的提交 {2}（提交于 {3}，获取于 {4}）",
    ),
    "SRC12": (
        "source '{0}' rewrote its history: {1} is not an ancestor of {2}",
        "数据源“{0}”改写了历史：{1} 不是 {2} 的祖先提交",
    ),
    "SRC13": (
        "source '{0}' has {1} errors at {2} (first: {3}): its figures may be incomplete",
        "数据源“{0}”在提交 {2} 有 {1} 个错误（第一个：{3}）：其数据可能不完整",
    ),
    "SRC14": (
        "indicator '{0}' takes its figures from {1} and has parts: link the parts, or the indicator without parts",
        "指标“{0}”的数据引用自 {1}，但它有分项：请关联各分项，或关联没有分项的指标",
    ),
    "SRC15": ("source '{0}': cannot be fetched ({1}) and was never fetched", "数据源“{0}”：无法获取（{1}），且从未获取过"),
    "SRC16": (
        "'{0}' takes its figures from {1}: record its progress in that repository, not here",
        "“{0}”的数据引用自 {1}：请在那个仓库中记录其进展，不要在这里记录",
    ),
    "SRC17": ("unknown source '{0}' (sources in civtrack.toml: {1})", "未知数据源“{0}”（civtrack.toml 中的数据源：{1}）"),
    # --- fragments (no code) ---------------------------------------------------------------------------
    "f.src.table": ("write each source as a [sources.NAME] table", "每个数据源请写成一个 [sources.名称] 表"),
    "f.src.name": ("a source name is an id (lower-case letters, digits, '-')", "数据源名称须为编号（小写字母、数字和“-”）"),
    "f.src.expected_table": ("expected a table with url (and ref)", "应为含 url（及 ref）的表"),
    "f.src.unknown_key": ("unknown setting '{0}' (known: url, ref)", "未知设置“{0}”（可用：url, ref）"),
    "f.src.url_text": ("url must be given, as text", "须给出 url（文字）"),
    "f.src.ref_text": ("ref must be text (a branch, tag or commit)", "ref 须为文字（分支、标签或提交）"),
    "f.src.empty": ("{0} is empty", "{0} 为空"),
    "f.src.dash": ("{0} must not start with '-' (git would read it as an option)", "{0} 不能以“-”开头（git 会把它当作选项）"),
    "f.src.control": ("{0} holds a control character", "{0} 含有控制字符"),
    "f.src.blanks": ("{0} has blanks around it", "{0} 首尾有空白"),
    "f.src.ext": ("{0}: ext:: URLs run a command: not allowed", "{0}：ext:: 地址会运行命令，不允许使用"),
    "f.src.indicator": ("indicator", "指标"),
    "f.src.part": ("part", "分项"),
    "f.src.number": ("number", "数值指标"),
    "f.src.milestone": ("milestone", "节点任务"),
    "f.list": ("a list", "列表"),
    "f.mapping": ("a mapping", "映射"),
    "f.nothing": ("nothing", "空值"),
    "f.boolean": ("the boolean {0}", "布尔值 {0}"),
    "f.date": ("the date {0}", "日期 {0}"),
    "f.value": ("'{0}'", "“{0}”"),
    "f.none": ("none", "无"),
    "f.no_parts": ("none: it has no parts", "无：该指标没有分项"),
    "f.no_unit": ("no unit", "无单位"),
    "f.failed": ("failed", "失败"),
    "f.part_of": ("part '{0}' of '{1}'", "指标“{1}”的分项“{0}”"),
    "f.indicator": ("indicator '{0}'", "指标“{0}”"),
    "f.nul_bytes": (" and {0} NUL bytes", "，另有 {0} 个 NUL 字节"),
    "f.more": ("{0}, … {1} more", "{0}，……另有 {1} 个"),
    "f.save_utf8": (
        "Save it as UTF-8 (or convert it with `iconv -f <encoding> -t UTF-8`).",
        "请另存为 UTF-8（或用 `iconv -f <编码> -t UTF-8` 转换）。",
    ),
    "f.big5": (
        "It looks like Big5: convert it with `iconv -f BIG5 -t UTF-8`.",
        "看起来是 Big5 编码：请用 `iconv -f BIG5 -t UTF-8` 转换。",
    ),
    "f.text": ("{0}", "{0}"),  # text in a language of its own (the system's, git's, a library's)
    "f.date.time": ("the time of day is impossible", "时刻不存在"),
    "f.date.year": ("year {0} is out of range", "年份 {0} 超出范围"),
    "f.date.month": ("month must be in 1..12", "月份须在 1 到 12 之间"),
    "f.date.day": ("day is out of range for month", "日数超出该月的天数"),
    "f.kind.whole": ("a whole number", "整数"),
    "f.kind.number": ("a number", "数字"),
    "f.kind.text": ("text", "文字"),
    "f.toml.twice": ("a setting is given twice", "同一设置出现了两次"),
    "f.toml.table": ("a table is declared twice", "同一个表声明了两次"),
    "f.toml.string": ("a quoted text is never closed", "带引号的文字始终没有闭合"),
    "f.toml.array": ("a '[' is not closed", "“[”没有闭合"),
    "f.toml.inline": ("a '{{' is not closed", "“{{”没有闭合"),
    "f.toml.equals": ("a setting without '=' (write name = value)", "设置缺少“=”（应写作 名称 = 值）"),
    "f.toml.value": ("a value TOML cannot read: put text in double quotes", "TOML 无法读取的值：文字请加双引号"),
    "f.toml.char": (
        "a character TOML does not allow here (a quote left open?)",
        "此处有 TOML 不允许的字符（引号没有闭合？）",
    ),
    "f.toml.other": (
        "this line is not valid TOML (name = value, text in double quotes)",
        "这一行不是有效的 TOML（名称 = 值，文字加双引号）",
    ),
    # the system's words (OSError.strerror) in English as the system says them, in Chinese translated
    "f.sys.enoent": ("{0}", "文件或文件夹不存在"),
    "f.sys.enotdir": ("{0}", "不是文件夹"),
    "f.sys.eisdir": ("{0}", "是文件夹"),
    "f.sys.eexist": ("{0}", "已存在"),
    "f.sys.eacces": ("{0}", "权限不足"),
    "f.sys.enospc": ("{0}", "设备上没有剩余空间"),
    "f.sys.erofs": ("{0}", "只读文件系统"),
    "f.sys.eloop": ("{0}", "符号链接过多或路径是符号链接"),
    "f.out.noname": ("no file name given", "没有给出文件名"),
    "f.out.folder": ("it is a folder: give a file name", "这是文件夹：请给出文件名"),
    "f.out.pipe": ("it is a named pipe that no process reads", "这是没有进程读取的命名管道"),
    "f.lock.folder": ("{0} is a symbolic link or a file, not a folder", "{0} 是符号链接或文件，不是文件夹"),
    "f.lock.file": ("{0} is a symbolic link or not a file", "{0} 是符号链接或不是文件"),
    "f.or": ("{0} or {1}", "{0}或{1}"),
    "f.os.denied": ("permission denied", "权限不足"),
    "f.os.denied_write": ("permission denied (is the folder read-only?)", "权限不足（文件夹是只读的吗？）"),
    "f.os.nospace": ("no space left on the device", "设备上没有剩余空间"),
    "f.os.readonly": ("read-only file system", "只读文件系统"),
    "f.os.link": ("it is a symbolic link (not followed)", "它是符号链接（未跟随）"),
    "f.os.notdir": ("a part of the path is a file, not a folder", "路径中有一部分是文件，不是文件夹"),
    "f.os.isdir": ("it is a folder", "它是文件夹"),
    "f.os.notregular": ("not a regular file ({0}): not read", "不是普通文件（{0}）：未读取"),
    "f.kind.folder": ("a folder", "文件夹"),
    "f.kind.file": ("a file", "文件"),
    "f.kind.pipe": ("a named pipe", "命名管道"),
    "f.kind.socket": ("a socket", "套接字"),
    "f.kind.link": ("a symbolic link", "符号链接"),
    "f.kind.device": ("a device", "设备"),
    "f.kind.other": ("not a regular file", "不是普通文件"),
}


def code_of(key: str) -> str:
    """The printed code of a key: ``E210`` of ``E210``, ``IMP14`` of ``IMP14.folder``."""
    return key.partition(".")[0]


def severity_word(severity: str, lang: str) -> str:
    en, zh = SEVERITY[severity]
    return zh if lang == "zh" else en


def render_message(key: str, args: tuple[Any, ...], lang: str) -> str:
    """The message of ``key`` in ``lang`` (en or zh), its fragments worded in the same language."""
    en, zh = CATALOGUE[key]
    template = zh if lang == "zh" else en
    for arg in args:
        if type(arg) is Msg:
            return template.format(*(render_message(a.key, a.args, lang) if type(a) is Msg else a for a in args))
    return template.format(*args)  # the usual case: text only

"""The Chinese help of every option, keyed by command and option name (the Python parameter's name), and
typer's panel titles: applied while a help is shown in Chinese (civtrack.helplang). ``*`` holds the options
every command has (--lang, --help) and the top level's; a command's own entry wins. An option missing here
keeps its English help (tests/test_help_zh.py lists any)."""

from __future__ import annotations

_PLAN = "只看该计划（可重复）：计划编号、标题或其中一段文字。"
_PLAN_MONTH = "只看该计划（可重复；计划编号、标题或其中一段文字；默认：当月执行中的所有计划）。"
_OUTPUT_FILE = "写入该文件（整体替换，不会写半截），而不是输出到屏幕。"

OPTION_HELP: dict[str, dict[str, str]] = {
    "*": {
        "root": "仓库根目录（默认：$CIVTRACK_ROOT，否则向上查找最近的含 civtrack.toml 或 plans/ 的文件夹）。",
        "lang": "标签和提示的语言：en 或 zh（默认：civtrack.toml 中的设置，否则 en）。",
        "version": "显示版本号并退出。",
        "install_completion": "为当前 shell 安装命令补全。",
        "show_completion": "显示当前 shell 的命令补全脚本，可复制或自行安装。",
        "help": "显示本帮助并退出。",
        "output_format": "输出格式。",
    },
    "status": {
        "as_of": "按该日期统计，格式 YYYY-MM-DD（默认：今天）。",
        "plan": _PLAN,
        "state": "只看处于该状态的指标（可重复）。",
        "owner": "只看该责任单位的事项（可重复）。",
        "alert": "只看有该预警的事项（可重复）。",
        "by": "按责任单位分组，每个单位一行汇总。",
        "chart": "在表格中为每个指标加一条按月完成率的迷你走势图。",
        "source": "加入该数据源的计划，编号写作 数据源/计划（可重复）。",
        "all_sources": "加入所有数据源的计划。",
    },
    "check": {
        "strict": "有警告也判为不通过。",
    },
    "record": {
        "ref": "要填报的指标：编号、名称或其中一段文字，如 example/elder-beds、example/elder-homes/east 或 example/床位。",
        "value": "数值：增量（累计型 accumulate: sum）或当前水平（取最新型 latest）。用 --done 时不填。",
        "date": "记录日期，格式 YYYY-MM-DD（默认：今天）。",
        "done": "里程碑类指标：已完成（更正时可填未完成）。",
        "note": "进展情况（任意文字）。",
        "by": "填报人。",
        "evidence": "佐证材料：文号、链接或文件名。",
        "unit": "单位，与指标的单位核对（如 张）。",
        "dry_run": "只检查并显示这条记录，不写入。",
        "quiet": "只显示记录写到了哪里（不显示新状态，不读取其他进度文件）。",
        "as_of": "显示指标在该日期的状态（默认：今天；记录日期更晚时取记录日期）。",
    },
    "sheet": {
        "month": "填报的月份，格式 YYYY-MM（默认：本月）。",
        "plan": _PLAN_MONTH,
        "owner": "只含该责任单位的事项（可重复）。",
        "output": "要生成的工作簿（.xlsx；默认：月份-填报表.xlsx）。",
    },
    "import": {
        "file": "填好的填报表。",
        "dry_run": "逐行检查并显示汇总，不写入。",
        "month": "每行日期都须在该月内（YYYY-MM），日期留空即该月最后一天（默认：`civtrack sheet` 生成的表取其月份；CSV 不限）。",
        "as_of": "显示该日期的状态（默认：今天；导入的最晚日期更晚时取该日期）。",
    },
    "diff": {
        "revisions": "要比较的版本（默认：HEAD 与工作区）；也可写 REV_A..REV_B。",
        "as_of": "两边都按该日期统计，格式 YYYY-MM-DD（默认：今天）。",
        "fail_on": "有记录被修改或删除、或目标和计划有变动时，以退出码 1 结束。",
    },
    "history": {
        "ref": "指标（或分项）：编号、名称或其中一段文字，如 example/elder-beds 或 example/床位。",
    },
    "report": {
        "month": "报告的月份，YYYY-MM，或 `last`（默认：last，即上个月）。",
        "plan": _PLAN_MONTH,
        "output": _OUTPUT_FILE,
        "owner": "只含该责任单位的事项（可重复）。",
        "fail_on": "有指标处于该状态、有事项带该预警（red、orange）或有事项久未填报（stale）时，以退出码 1 结束（可重复）。",
        "source": "加入该数据源的计划，编号写作 数据源/计划（可重复）。",
        "all_sources": "加入所有数据源的计划。",
    },
    "export": {
        "as_of": "导出该日期及以前的记录，或该日期的状态（默认：今天）。",
        "what": "每行一条：记录（entries），或指标及分项（statuses）。",
        "plan": _PLAN,
        "output": _OUTPUT_FILE,
        "encoding": "CSV 的编码：utf-8-sig 可在 Excel（2016 及以后）和 WPS 中直接打开；中文 Windows 上的旧版 Excel 用 gb18030。",
    },
    "sources": {
        "action": "list（默认）：列出每个数据源及其落后多少；fetch：获取最新内容。",
        "names": "只处理这些数据源（默认：全部）。",
        "offline": "list：不向远端询问每个数据源落后多少。",
    },
    "extract": {
        "file": "计划文本：UTF-8 或 GB18030/GBK，简体或繁体；- 表示从标准输入读取。",
        "plan_id": "计划编号（默认：取自 -o 的文件名，否则取自 FILE 的文件名）。",
        "year": "计划年度（默认：从文本中识别）。",
        "fmt": "输出：计划文件（yaml）或供脚本使用的数据（json）。",
        "output": "写入 OUT，而不是输出到屏幕。",
        "force": "OUT 已存在时覆盖。",
        "explain": "显示找到每一项所用的规则；并在草稿下方列出含数字但未采用的句子及原因。",
    },
    "init": {
        "path": "要建立仓库的文件夹（不存在则新建）。",
    },
    "schema": {
        "which": "哪种文件的 schema：plan（计划）或 progress（进度）。",
        "output": "写入 PATH（自动建立所在文件夹，整体替换文件），而不是输出到屏幕。",
    },
}

# typer's panel titles and markers (module constants of typer.rich_utils, read when a help is rendered).
PANELS: dict[str, str] = {
    "ARGUMENTS_PANEL_TITLE": "参数",
    "OPTIONS_PANEL_TITLE": "选项",
    "COMMANDS_PANEL_TITLE": "命令",
    "DEFAULT_STRING": "[默认：{}]",
    "REQUIRED_LONG_STRING": "[必填]",
}

# The line before a command's usage (click's "Usage: "), and typer's words around a usage error.
USAGE_PREFIX = "用法："
ERROR_PANELS: dict[str, str] = {
    "ERRORS_PANEL_TITLE": "错误",
    "RICH_HELP": "运行 [blue]'{command_path} {help_option}'[/] 查看帮助。",
}

# typer's own usage errors (its vendored click words them in English f-strings, with no gettext): the
# common ones, matched whole on the English text and reworded; anything else stays English. The
# placeholders are the English text's groups, a group named ``inner`` reworded again by VALUE_ERRORS.
USAGE_ERRORS: tuple[tuple[str, str], ...] = (
    (r"No such option: (?P<o>\S+) Did you mean (?P<s>.+)\?", "没有 {o} 这个选项。是不是要用 {s}？"),
    (r"No such option: (?P<o>\S+) \(Possible options: (?P<s>.+)\)", "没有 {o} 这个选项（可用的选项：{s}）"),
    (r"No such option: (?P<o>\S+)", "没有 {o} 这个选项"),
    (r"No such command '(?P<c>.+)'\. Did you mean (?P<s>.+)\?", "没有 {c} 这个命令。是不是要用 {s}？"),
    (r"No such command '(?P<c>.+)'\.", "没有 {c} 这个命令。"),
    (r"Missing command\.", "缺少命令。"),
    (r"Missing argument '(?P<a>.+)'\.", "缺少参数 {a}。"),
    (r"Missing option '(?P<o>.+)'\.", "缺少选项 {o}。"),
    (r"Missing parameter: (?P<p>.+)", "缺少参数：{p}"),
    (r"Option '(?P<o>.+)' requires an argument\.", "选项 {o} 需要一个值。"),
    (r"Option '(?P<o>.+)' requires (?P<n>\d+) arguments\.", "选项 {o} 需要 {n} 个值。"),
    (r"Option '(?P<o>.+)' does not take a value\.", "选项 {o} 不带值。"),
    (r"Got unexpected extra arguments? \((?P<a>.+)\)", "多余的参数（{a}）"),
    (r"Invalid value for (?P<p>.+?): (?P<inner>.+)", "{p} 的值无效：{inner}"),
    (r"Invalid value: (?P<inner>.+)", "值无效：{inner}"),
)
VALUE_ERRORS: tuple[tuple[str, str], ...] = (
    (r"(?:Value error, )?(?P<v>'.*') is not one of (?P<c>.+)\.", "{v} 不是可选的值（{c}）。"),
    (r"(?P<v>'.*') is not a valid integer\.", "{v} 不是整数。"),
    (r"(?P<v>'.*') is not a valid float\.", "{v} 不是数字。"),
    (r"expected a date YYYY-MM-DD, got (?P<v>'.*')", "应为日期 YYYY-MM-DD，而不是 {v}"),
)

"""Help in Chinese (issue 13, "help where typer allows"): <name>.zh.md beside <name>.md, the options' help from
civtrack/commands/options_zh.py, typer's usage errors reworded, chosen by --lang before or after the command
or by civtrack.toml's lang (civtrack.helplang). Runs are forks of the test server (tests/forkserver.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from civtrack.commands import COMMANDS
from civtrack.helplang import config_lang, joined, lang_in_args, reworded
from tests.conftest import run_cli, write

DOCS = Path(__file__).resolve().parents[1] / "civtrack" / "commands"

# What `civtrack --lang zh <command> --help` shows first: the usage line and the help's first line.
HEADERS = {
    "civtrack": (
        "用法：civtrack [OPTIONS] COMMAND [ARGS]...",
        "用 git 管理的 YAML 文件跟踪政府部门工作计划的各项指标。",
    ),
    "status": ("用法：civtrack status [OPTIONS]", "显示每个计划的进展：已完成、正常、滞后或逾期。"),
    "check": (
        "用法：civtrack check [OPTIONS]",
        "检查所有计划文件和进度文件，每个问题按 路径:行号: 错误|警告 代码: 说明 输出一行（代码见 docs/format.md）。",
    ),
    "record": (
        "用法：civtrack record [OPTIONS] {PLAN/INDICATOR[/PART]} [value]",
        "填报进度：在 progress/计划/YYYY-MM.yaml 末尾追加一条记录，写入前先对照计划检查。",
    ),
    "sources": (
        "用法：civtrack sources [OPTIONS] [action] [[NAME]...]...",
        "列出本仓库引用的其他仓库（数据源），或获取它们的最新内容（civtrack sources fetch）。",
    ),
    "sheet": ("用法：civtrack sheet [OPTIONS]", "生成当月的进度填报表（.xlsx），发给各科室和县区局填写。"),
    "import": (
        "用法：civtrack import [OPTIONS] {FILE.xlsx|FILE.csv}",
        "导入填好的填报表（.xlsx 或 .csv）：每个填了内容的行成为一条进度记录，要么全部导入，要么一条不导入。",
    ),
    "diff": (
        "用法：civtrack diff [OPTIONS] [[REV_A [REV_B]]]...",
        "显示两个版本之间的变化：有变动的指标、新增的记录，以及改写。",
    ),
    "history": (
        "用法：civtrack history [OPTIONS] {PLAN/INDICATOR[/PART]}",
        "按日期顺序显示一个指标的每条记录，以及逐条累计的当前值、完成率和状态。",
    ),
    "report": (
        "用法：civtrack report [OPTIONS]",
        "生成每个计划的月度汇总：Markdown、JSON、带图表的 HTML、Word（docx），或在终端中阅读的文本。",
    ),
    "export": (
        "用法：civtrack export [OPTIONS]",
        "把记录或状态导出为扁平的 CSV、JSON Lines 或 Excel 工作簿，供电子表格、pandas 或 DuckDB 使用。",
    ),
    "extract": ("用法：civtrack extract [OPTIONS] {FILE}", "根据工作计划（工作要点、工作计划）的文本起草计划文件。"),
    "init": (
        "用法：civtrack init [OPTIONS] [path]",
        "建立 civtrack.toml、含一份带注释示例计划的 plans/、progress/ 和 .gitattributes。",
    ),
    "schema": (
        "用法：civtrack schema [OPTIONS] [which]",
        "输出计划文件（或进度文件）的 JSON Schema，供编辑器在输入 YAML 时即时校验。",
    ),
}


def _header(stdout: str) -> tuple[str, str]:
    lines = [line.strip() for line in stdout.splitlines() if line.strip()]
    return lines[0], lines[1]


def _help(command: str, where: str, tmp_path: Path) -> str:
    """`--help` of a command (the top level for "civtrack") in Chinese, --lang given ``where``."""
    line = [] if command == "civtrack" else [command]
    if where == "before":
        line = ["--lang", "zh", *line, "--help"]
    elif where == "after":
        line = [*line, "--help", "--lang", "zh"]
    else:  # civtrack.toml's lang, found from a folder below the root
        write(tmp_path, "civtrack.toml", 'lang = "zh"\n')
        (tmp_path / "plans" / "deep").mkdir(parents=True)
        tmp_path = tmp_path / "plans" / "deep"
        line = [*line, "--help"]
    result = run_cli(*line, cwd=tmp_path)
    assert (result.returncode, result.stderr) == (0, "")
    return result.stdout


def test_every_command_has_a_chinese_help() -> None:
    # A command added without its <name>.zh.md shows its English help (civtrack.helplang.zh_doc); this
    # names it, so that it gets one.
    missing = [name for name in ("civtrack", *COMMANDS) if not (DOCS / f"{name}.zh.md").is_file()]
    assert missing == []
    assert sorted(HEADERS) == sorted(("civtrack", *COMMANDS))


def _examples(markdown: str) -> list[str]:
    """The lines of a help's code blocks, comments left out: what the examples run."""
    lines, inside = [], False
    for line in markdown.splitlines():
        if line.startswith("```"):
            inside = not inside
        elif inside:
            lines.append(re.sub(r"\s+#\s.*$", "", line).rstrip())
    return lines


@pytest.mark.parametrize("name", ["civtrack", *COMMANDS])
def test_chinese_examples_run_the_same_commands(name: str) -> None:
    assert (DOCS / f"{name}.zh.md").is_file(), f"civtrack/commands/{name}.zh.md is missing"
    english = (DOCS / f"{name}.md").read_text(encoding="utf-8")
    chinese = (DOCS / f"{name}.zh.md").read_text(encoding="utf-8")
    assert _examples(chinese) == _examples(english)
    assert chinese.count("```") == english.count("```")


@pytest.mark.parametrize("where", ["before", "after", "toml"])
@pytest.mark.parametrize("command", sorted(HEADERS))
def test_chinese_help_header(command: str, where: str, tmp_path: Path) -> None:
    assert _header(_help(command, where, tmp_path)) == HEADERS[command]


def test_english_help_is_unchanged(tmp_path: Path) -> None:
    write(tmp_path, "civtrack.toml", 'lang = "en"\n')
    result = run_cli("status", "--help", cwd=tmp_path)
    assert _header(result.stdout) == (
        "Usage: civtrack status [OPTIONS]",
        "Show where each plan stands: done, on track, behind or overdue.",
    )
    assert "Evaluate at this date, YYYY-MM-DD (default: today)." in result.stdout
    # --lang en after the command wins over the toml's and the --lang before it
    write(tmp_path, "civtrack.toml", 'lang = "zh"\n')
    result = run_cli("--lang", "zh", "status", "--help", "--lang", "en", cwd=tmp_path)
    assert _header(result.stdout)[1] == "Show where each plan stands: done, on track, behind or overdue."


def test_options_and_panels_in_chinese(tmp_path: Path) -> None:
    out = _help("status", "after", tmp_path)
    lines = [line.strip(" │") for line in out.splitlines()]
    assert "╭─ 选项 ─" in out and "Options" not in out
    assert any(re.fullmatch(r"--as-of\s+DATE\s+按该日期统计，格式 YYYY-MM-DD（默认：今天）。", line) for line in lines)
    assert any(re.fullmatch(r"--help\s+-h\s+显示本帮助并退出。", line) for line in lines)
    assert "[默认：table]" in out
    top = _help("civtrack", "before", tmp_path)
    assert "╭─ 命令 ─" in top
    assert any(
        re.fullmatch(r"status\s+显示每个计划的进展：已完成、正常、滞后或逾期。", line.strip(" │"))
        for line in top.splitlines()
    )
    record = _help("record", "before", tmp_path)
    assert "╭─ 参数 ─" in record and "[必填]" in record


def test_every_option_has_chinese_help() -> None:
    import typer

    from civtrack.cli import app
    from civtrack.commands.options_zh import OPTION_HELP

    group = typer.main.get_command(app)
    ctx = typer.Context(group)
    missing = []
    for name, command in [("civtrack", group), *group.commands.items()]:  # type: ignore[attr-defined]
        for param in command.get_params(ctx):
            known = {**OPTION_HELP["*"], **OPTION_HELP.get(name, {})}
            if getattr(param, "help", None) and param.name not in known:
                missing.append(f"{name} {param.name}")
    assert missing == []


def test_a_command_without_chinese_help_falls_back_to_english(monkeypatch: pytest.MonkeyPatch) -> None:
    # What `sources` shows until its sources.zh.md arrives: its English text, typer's words in Chinese.
    from typer.testing import CliRunner

    import civtrack.helplang
    from civtrack.cli import app

    real = civtrack.helplang.zh_doc
    monkeypatch.setattr(civtrack.helplang, "zh_doc", lambda name: None if name == "status" else real(name))
    result = CliRunner().invoke(app, ["status", "--help", "--lang", "zh"], env={"COLUMNS": "200", "NO_COLOR": "1"})
    assert result.exit_code == 0
    assert _header(result.output) == (
        "用法：civtrack status [OPTIONS]",
        "Show where each plan stands: done, on track, behind or overdue.",
    )
    assert "按该日期统计" in result.output
    assert real("no-such-command") is None


@pytest.mark.parametrize("command", ["record", "schema", "status", "history", "diff"])
def test_chinese_help_examples_are_one_a_line(command: str, tmp_path: Path) -> None:
    result = run_cli(command, "--help", "--lang", "zh", cwd=tmp_path)
    lines = [line.strip() for line in result.stdout.splitlines()]
    examples = [line for line in (DOCS / f"{command}.zh.md").read_text().splitlines() if line.startswith("civtrack ")]
    assert examples
    for example in examples:
        assert example.rstrip() in lines, example


def test_chinese_help_at_80_columns_cuts_nothing(tmp_path: Path) -> None:
    result = run_cli("--lang", "zh", "record", "--help", cwd=tmp_path, env={"COLUMNS": "80"})
    from rich.cells import cell_len

    assert max(cell_len(line) for line in result.stdout.splitlines()) <= 80
    panels = result.stdout[result.stdout.index("╭─") :]
    assert "…" not in panels  # rich's mark for a cut cell
    text = re.sub(r"\s", "", result.stdout.replace("│", ""))
    # every word of the options' help is shown, wrapped between Han characters rather than cut
    assert "只检查并显示这条记录，不写入。" in text
    assert "只显示记录写到了哪里（不显示新状态，不读取其他进度文件）。" in text


def test_usage_errors_in_chinese(tmp_path: Path) -> None:
    result = run_cli("--lang", "zh", "status", "--bogus", cwd=tmp_path)
    assert result.returncode == 2
    lines = [line.strip(" │╭╮╰╯─") for line in result.stderr.splitlines()]
    assert lines == [
        "用法：civtrack status [OPTIONS]",
        "运行 'civtrack status -h' 查看帮助。",
        "错误",
        "没有 --bogus 这个选项",
        "",
    ]
    write(tmp_path, "civtrack.toml", 'lang = "zh"\n')
    assert "缺少参数 PLAN/INDICATOR[/PART]。" in run_cli("record", cwd=tmp_path).stderr
    assert "没有 staus 这个命令。是不是要用 'status'？" in run_cli("staus", cwd=tmp_path).stderr
    state = run_cli("status", "--state", "foo", cwd=tmp_path).stderr
    assert "'--state' 的值无效：'foo' 不是可选的值（'done', 'on-track', 'behind', 'overdue'）。" in state
    english = run_cli("status", "--bogus", "--lang", "en", cwd=tmp_path).stderr
    assert "No such option: --bogus" in english and "Try 'civtrack status -h' for help." in english


def test_usage_errors_in_english_after_a_chinese_one_in_process() -> None:
    from typer.testing import CliRunner

    from civtrack.cli import app

    runner = CliRunner()
    env = {"COLUMNS": "200", "NO_COLOR": "1"}
    assert "没有 --bogus 这个选项" in runner.invoke(app, ["--lang", "zh", "check", "--bogus"], env=env).output
    english = runner.invoke(app, ["--lang", "en", "check", "--bogus"], env=env).output
    assert "─ Error ─" in english and "Try 'civtrack check -h' for help." in english


def test_reworded() -> None:
    assert reworded("No such option: --bogus Did you mean --by?") == "没有 --bogus 这个选项。是不是要用 --by？"
    assert reworded("Missing option '--month'.") == "缺少选项 --month。"
    assert reworded("Option '--as-of' requires an argument.") == "选项 --as-of 需要一个值。"
    assert reworded("Got unexpected extra argument (x)") == "多余的参数（x）"
    assert reworded("Invalid value for '--as-of': expected a date YYYY-MM-DD, got '2021-13-01'") == (
        "'--as-of' 的值无效：应为日期 YYYY-MM-DD，而不是 '2021-13-01'"
    )
    assert reworded("Invalid value for 'X': something else") == "'X' 的值无效：something else"
    assert reworded("Something typer says") == "Something typer says"


def test_lang_in_args() -> None:
    assert lang_in_args(["--root", "x", "--lang", "zh", "status"], commands=COMMANDS) == "zh"
    assert lang_in_args(["--lang=zh", "status", "--lang", "en"], commands=COMMANDS) == "zh"  # the command's is its own
    assert lang_in_args(["status", "--lang", "zh"], commands=COMMANDS) is None
    assert lang_in_args(["--root", "status", "--lang", "zh"], commands=COMMANDS) == "zh"  # a folder named status
    assert lang_in_args(["x", "--lang", "zh", "--lang", "en"]) == "en"
    assert lang_in_args(["x", "--", "--lang", "zh"]) is None
    assert lang_in_args(["--lang", "fr"]) is None


def test_config_lang(tmp_path: Path) -> None:
    write(tmp_path, "civtrack.toml", "pace_tolerance = 20\nlang = 'zh'  # 中文\n")
    (tmp_path / "plans" / "a").mkdir(parents=True)
    assert config_lang(cwd=tmp_path / "plans" / "a") == "zh"
    assert config_lang(root=tmp_path, cwd=Path("/")) == "zh"
    (tmp_path / "plans" / "a" / "plans").mkdir()  # a root below, without civtrack.toml: en
    assert config_lang(cwd=tmp_path / "plans" / "a") is None
    write(tmp_path, "civtrack.toml", 'lang = "fr"\n')
    assert config_lang(cwd=tmp_path) is None


def test_joined() -> None:
    assert joined("第一行，\n第二行 `x` 和\n`csv` 已包含\n```\ncivtrack a\n# b\n```") == (
        "第一行，第二行 `x` 和\n`csv` 已包含\n```\ncivtrack a\n# b\n```"
    )


def test_chinese_lines_break_between_han_characters_never_inside_a_path() -> None:
    from civtrack.helplang import cjk_words

    def words(text: str) -> list[str]:
        return [word for _, _, word in cjk_words(text)]

    assert words("计划放在 plans/<计划编号>.yaml，进度") == [
        "计",
        "划",
        "放",
        "在 ",
        "plans/<计划编号>.yaml，",
        "进",
        "度",
    ]
    assert words("（默认：civtrack.toml 中的设置，否则 en）。") == [
        "（默", "认：", "civtrack.toml ", "中", "的", "设", "置，", "否", "则 ", "en）。",
    ]  # fmt: skip
    assert words("如 example/elder-beds、example/床位。") == ["如 ", "example/elder-beds、", "example/床位。"]
    assert words("  abc def ") == ["  abc ", "def "]  # what rich's own gives


def test_root_before_help_finds_its_lang(tmp_path: Path) -> None:
    write(tmp_path / "zh", "civtrack.toml", 'lang = "zh"\n')
    (tmp_path / "en").mkdir()
    for line in (["--root", str(tmp_path / "zh"), "--help"], [f"--root={tmp_path / 'zh'}", "init", "--help"]):
        assert _header(run_cli(*line, cwd=tmp_path / "en").stdout)[0].startswith("用法：civtrack")
    assert _header(run_cli("--help", cwd=tmp_path / "en").stdout)[0].startswith("Usage: civtrack")

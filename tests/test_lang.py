"""--lang before or after the command, for every command (issue 13); init --lang zh."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run_cli, write
from tests.gitkit import GIT_ENV, git, no_ids
from tests.test_cli import INSTALLED_RUNS, PLAN, PROGRESS


def _repository(root: Path) -> Path:
    write(root, "plans/demo.yaml", PLAN)
    write(root, "progress/demo/2021-03.yaml", PROGRESS)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "plan")
    write(root, "progress/demo/2021-04.yaml", "- {date: 2021-04-02, indicator: elder-beds, value: 30}\n")
    write(root, "county.csv", "plan,id,value,date,note\ndemo,homes/west,4,2021-04-20,西区四家\n")
    return root


# What each command says in Chinese when --lang zh is given after it (schema, check and extract print
# the same words in both languages: their output is data, or s13a's message catalogue).
CHINESE = {
    "status": "总体完成率",
    "record": "已记录到",
    "diff": "新增记录",
    "history": "填报",
    "report": "# 2021年3月",
    "init": "已在 new-plans 建立 civtrack 仓库",
    "import": "已导入",
}


@pytest.mark.parametrize("command", sorted(INSTALLED_RUNS))
def test_lang_after_the_command_is_the_lang_before_it(command: str, tmp_path: Path) -> None:
    args = INSTALLED_RUNS[command]
    runs = {}
    for where in ("before", "after"):
        root = _repository(tmp_path / where)
        line = ["--lang", "zh", *args] if where == "before" else [*args, "--lang", "zh"]
        result = run_cli(*line, cwd=root, env=GIT_ENV)
        files = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if ".git" not in p.parts)
        runs[where] = (result.returncode, no_ids(result.stdout.replace(str(root), "ROOT")), result.stderr, files)
    assert runs["before"] == runs["after"]
    assert runs["after"][0] == 0, runs["after"][2]
    if command in CHINESE:
        assert CHINESE[command] in runs["after"][1]


def test_lang_after_the_command_overrides_the_one_before(tmp_path: Path) -> None:
    root = _repository(tmp_path)
    result = run_cli("--lang", "zh", "status", "--as-of", "2021-07-15", "--lang", "en", cwd=root)
    assert "completion" in result.stdout and "总体完成率" not in result.stdout
    result = run_cli("--lang", "en", "report", "--month", "2021-03", "--lang", "zh", cwd=root)
    assert result.stdout.startswith("# 2021年3月")


def test_lang_refuses_other_languages(tmp_path: Path) -> None:
    root = _repository(tmp_path)
    for line in (["--lang", "fr", "status"], ["status", "--lang", "fr"]):
        result = run_cli(*line, cwd=root)
        assert result.returncode == 2
        assert "'fr' is not one of 'en', 'zh'" in result.stderr


def test_init_in_chinese_writes_a_chinese_example(tmp_path: Path) -> None:
    result = run_cli("init", "zh", "--lang", "zh", cwd=tmp_path)
    assert result.stdout == (
        "已在 zh 建立 civtrack 仓库：civtrack.toml, plans/example.yaml, progress/.gitkeep, .gitattributes\n"
        "下一步：修改 plans/example.yaml（或添加自己的计划），然后运行 `civtrack check` 和 `civtrack status`。\n"
    )
    assert (tmp_path / "zh" / "civtrack.toml").read_text() == 'lang = "zh"\npace_tolerance = 25.0\n'
    example = (tmp_path / "zh" / "plans" / "example.yaml").read_text(encoding="utf-8")
    assert example.splitlines()[0] == "# 示例计划：复制本文件并改名（文件名即计划编号），再按实际计划修改。"
    check = run_cli("check", "--strict", cwd=tmp_path / "zh")
    # lang = "zh" in civtrack.toml: check's summary in Chinese too
    assert (check.returncode, check.stdout) == (0, "1 个计划，0 条记录：0 个错误，0 个警告\n")
    status = run_cli("status", "--as-of", "2026-03-01", cwd=tmp_path / "zh")
    assert "总体完成率" in status.stdout  # lang = "zh" from the civtrack.toml written


def test_negative_value_hint(tmp_path: Path) -> None:
    root = _repository(tmp_path)
    result = run_cli("record", "demo/elder-beds", "-5", cwd=root)
    assert result.returncode == 2
    assert "No such option: -5 (a negative value goes after --: civtrack record … -- -5)" in result.stderr
    result = run_cli("--lang", "zh", "record", "demo/elder-beds", "-2.5", cwd=root)
    assert "没有 -2.5 这个选项（负数请写在 -- 之后：civtrack record … -- -2.5）" in result.stderr
    assert not (root / "progress" / "demo" / "2026-12.yaml").exists()
    assert run_cli("record", "demo/elder-beds", "--bogus", cwd=root).stderr.count("negative") == 0


def test_flags_show_no_bool_placeholder(tmp_path: Path) -> None:
    for line in (["--help"], ["record", "--help"], ["status", "--help"]):
        result = run_cli(*line, cwd=tmp_path, env={"COLUMNS": "120"})
        assert result.returncode == 0
        assert "<bool>" not in result.stdout
    assert "<en|zh>" in result.stdout


def test_schema_output_creates_its_folders(tmp_path: Path) -> None:
    result = run_cli("schema", "progress", "-o", "schema/deep/progress.schema.json", cwd=tmp_path)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    written = (tmp_path / "schema" / "deep" / "progress.schema.json").read_text(encoding="utf-8")
    assert written == run_cli("schema", "progress", cwd=tmp_path).stdout
    (tmp_path / "file").write_text("x")
    result = run_cli("schema", "-o", "file/plan.schema.json", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("file/plan.schema.json: error E521: cannot write the schema: ")


@pytest.mark.parametrize("command", ["record", "schema", "status", "history", "diff"])
def test_help_examples_are_one_a_line(command: str, tmp_path: Path) -> None:
    from civtrack.commands import doc

    result = run_cli(command, "--help", cwd=tmp_path, env={"COLUMNS": "200"})
    lines = [line.strip() for line in result.stdout.splitlines()]
    examples = [line for line in doc(command).splitlines() if line.startswith("civtrack ")]
    assert examples
    for example in examples:
        assert example.rstrip() in lines, example

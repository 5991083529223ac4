"""Help in the run's language (issue 13): `civtrack --lang zh status --help`, `civtrack status --help --lang zh`,
or `lang = "zh"` in civtrack.toml.

typer builds the command tree once, at import time, in English (the forked test server and every run share
it). The language is only known once the command line is read, and `--help` is eager: it prints before a
later `--lang` is parsed. So the help is swapped in when it is rendered: the command's text from
``<name>.zh.md`` beside ``<name>.md`` (English when there is none yet), each option's help from
civtrack/commands/options_zh.py, and typer's panel titles, then put back.

Kept cheap: no regular expression is compiled on import (re caches them when a help is shown);
`civtrack --help` reads at most one small civtrack.toml with a regular expression (no tomllib,
no civtrack.workspace), and imports the Chinese table only when the help is Chinese.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

# The keys civtrack keeps the language and the root seen on the command line under, in click's shared
# ctx.meta (read before --help, which is eager: the top level's --root is not parsed yet then).
META_KEY = "civtrack.lang"
ROOT_KEY = "civtrack.root"
LANGS = ("en", "zh")
# Options of the top level that take a value (their value is not a command name).
_GLOBAL_VALUED = ("--root", "--lang")
# Where a line of Chinese may break: between two Han characters or Chinese punctuation marks (rich breaks at
# spaces only, and cuts a run longer than its column with "…"), and after a closing mark; never before a
# closing mark nor after an opening one, nor inside a path (`progress/<计划编号>/…`, `example/床位`).
_CJK = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef"
_OPEN = "（“‘《「『【〔"
_CLOSE = "，。、；：！？）”’》」』】〕…"
_HAN = rf"[{_CJK}{_OPEN}{_CLOSE}\u3000-\u303f]"
_TOML_LANG = r"""(?m)^[ \t]*lang[ \t]*=[ \t]*["']([a-z]+)["'][ \t]*(?:#.*)?$"""


def lang_in_args(args: Sequence[str], *, commands: Sequence[str] = ()) -> str | None:
    """The last --lang given among ``args`` (``--lang zh`` or ``--lang=zh``), reading the top level's
    arguments only up to the command name when ``commands`` are given. None when none is given, or an
    unknown one (click refuses it when it parses the option)."""
    found = value_in_args(args, "--lang", commands=commands)
    return found if found in LANGS else None


def value_in_args(args: Sequence[str], option: str, *, commands: Sequence[str] = ()) -> str | None:
    """The value of the last ``option`` among ``args``, as click will read it (up to ``--``, and up to
    the command name when ``commands`` are given): what `--help` needs before click has parsed it."""
    found = None
    index = 0
    while index < len(args):
        arg = args[index]
        if arg == "--":
            break
        if arg == option and index + 1 < len(args):
            found = args[index + 1]
            index += 2
            continue
        if arg.startswith(option + "="):
            found = arg.split("=", 1)[1]
        elif commands and arg in _GLOBAL_VALUED:
            index += 2
            continue
        elif commands and arg in commands:
            break
        index += 1
    return found


def config_lang(root: str | os.PathLike[str] | None = None, cwd: Path | None = None) -> str | None:
    """``lang`` of civtrack.toml at the root the commands would use (--root, else $CIVTRACK_ROOT, else the
    nearest folder above holding civtrack.toml or plans/), read with a regular expression; None when
    there is none (civtrack.workspace reports a bad file when a command runs)."""
    chosen = root or os.environ.get("CIVTRACK_ROOT")
    try:
        if chosen:
            folders: Sequence[Path] = (Path(chosen).expanduser(),)
        else:
            start = (cwd or Path.cwd()).resolve()
            folders = (start, *start.parents)
        for folder in folders:
            config = folder / "civtrack.toml"
            if config.is_file():
                if config.stat().st_size > 1 << 20:
                    return None
                found = re.search(_TOML_LANG, config.read_text(encoding="utf-8", errors="replace"))
                return found.group(1) if found and found.group(1) in LANGS else None
            if (folder / "plans").is_dir():
                return None
    except OSError:
        return None
    return None


def help_lang(ctx: Any) -> str:
    """The language of the help being shown: --lang after the command, else before it, else civtrack.toml."""
    chosen = ctx.meta.get(META_KEY)
    root = None
    context = ctx
    while context is not None:
        obj = context.obj
        if chosen is None and getattr(obj, "lang", None):
            chosen = obj.lang
        root = root or getattr(obj, "root", None)
        context = context.parent
    return chosen or config_lang(root or ctx.meta.get(ROOT_KEY)) or "en"


def zh_doc(name: str) -> str | None:
    """The Chinese help of a command (``<name>.zh.md`` beside its code), None when it has none yet."""
    path = Path(__file__).parent / "commands" / f"{name}.zh.md"
    try:
        return joined(path.read_text(encoding="utf-8").strip())
    except FileNotFoundError:
        return None


_PUNCT = rf"[{_OPEN}{_CLOSE}\u3000-\u303f\uff00-\uff20]"


def joined(markdown: str) -> str:
    """Chinese Markdown with its paragraphs' line breaks removed where a Han character or Chinese
    punctuation meets them (a Han character beside a Latin word keeps its space): Markdown reads a line break as a space, and Chinese puts none between words.
    Code blocks (the examples) are kept as they are."""
    out: list[str] = []
    in_code = False
    for line in markdown.split("\n"):
        fence = line.startswith("```")
        previous = out[-1] if out else ""
        if (
            not in_code
            and not fence
            and line
            and previous
            and not previous.startswith("```")
            and (
                (re.fullmatch(_HAN, previous[-1]) and re.fullmatch(_HAN, line[0]))
                or re.fullmatch(_PUNCT, previous[-1])
                or re.fullmatch(_PUNCT, line[0])
            )
        ):
            out[-1] = previous + line
        else:
            out.append(line)
        if fence:
            in_code = not in_code
    return "\n".join(out)


def cjk_words(text: str) -> Iterator[tuple[int, int, str]]:
    """rich's ``words`` (rich._wrap: each run of non-space characters with the spaces after it), with
    Chinese runs split where a line may break."""
    han = re.compile(_HAN)
    for found in re.finditer(r"\s*\S+\s*", text):
        start, end, word = found.start(), found.end(), found.group(0)
        first, last = start + len(word) - len(word.lstrip()), start + len(word.rstrip())
        # after a closing mark (，、。） …), then between Han characters of a piece that is no path
        pieces = [first, *(i for i in range(first + 1, last) if text[i - 1] in _CLOSE and text[i] not in _CLOSE)]
        breaks = []
        for a, b in zip(pieces, [*pieces[1:], last], strict=True):
            breaks.append(a)
            if "/" in text[a:b]:  # a path or a reference people type (example/床位): whole
                continue
            breaks += [
                i
                for i in range(a + 1, b)
                if text[i] not in _CLOSE
                and text[i - 1] not in _OPEN
                and han.fullmatch(text[i - 1])
                and han.fullmatch(text[i])
            ]
        breaks[0] = start
        for a, b in zip(breaks, [*breaks[1:], end], strict=True):
            yield a, b, text[a:b]


@contextmanager
def localized(command: Any, ctx: Any, lang: str) -> Iterator[None]:
    """While the help of ``command`` renders, its words in ``lang`` (zh; en is what typer holds)."""
    if lang != "zh":
        yield
        return
    from rich import _wrap
    from typer import rich_utils

    from civtrack.commands.options_zh import OPTION_HELP, PANELS

    name = command.name if ctx.parent is not None else "civtrack"
    saved: list[tuple[Any, str, Any]] = []

    def swap(obj: Any, attr: str, value: Any) -> None:
        saved.append((obj, attr, getattr(obj, attr)))
        setattr(obj, attr, value)

    text = zh_doc(name)
    if text is not None:
        swap(command, "help", text)
    table = {**OPTION_HELP.get("*", {}), **OPTION_HELP.get(name, {})}
    for param in command.get_params(ctx):
        if param.name in table and getattr(param, "help", None) is not None:
            swap(param, "help", table[param.name])
    for sub in getattr(command, "commands", {}).values():
        text = zh_doc(sub.name)
        if text is not None:
            swap(sub, "short_help", text.split("\n", 1)[0])
    for constant, value in PANELS.items():
        swap(rich_utils, constant, value)
    swap(_wrap, "words", cjk_words)  # rich has no setting for it: its module function, while the help renders
    try:
        yield
    finally:
        for obj, attr, value in reversed(saved):
            setattr(obj, attr, value)


def usage_prefix(ctx: Any) -> str | None:
    """click's "Usage: " in the help's language (None: click's own)."""
    if help_lang(ctx) != "zh":
        return None
    from civtrack.commands.options_zh import USAGE_PREFIX

    return USAGE_PREFIX


def reworded(english: str) -> str:
    """One of typer's usage errors in Chinese (civtrack/commands/options_zh.py), else as it is."""
    from civtrack.commands.options_zh import USAGE_ERRORS, VALUE_ERRORS

    for table in (USAGE_ERRORS, VALUE_ERRORS):
        for pattern, chinese in table:
            found = re.fullmatch(pattern, english, re.DOTALL)
            if found:
                words = found.groupdict()
                if "inner" in words:
                    words["inner"] = reworded(words["inner"])
                return chinese.format(**words)
    return english


# typer's words around an error (panel title, "Try … for help"), set while a Chinese error is shown and put
# back when the run ends (civtrack.cli.Group.main): typer prints the error after the command has returned.
_ERROR_SAVED: dict[str, Any] = {}


def localize_error(exc: Any, lang: str) -> None:
    """A usage error of typer shown in ``lang``: its message reworded when it is shown (its words are made
    then, e.g. Missing argument), and typer's words around it."""
    if lang != "zh" or getattr(exc, "_civtrack_zh", False):
        return
    from typer import rich_utils

    from civtrack.commands.options_zh import ERROR_PANELS

    english = exc.format_message
    exc.format_message = lambda: reworded(english())
    exc._civtrack_zh = True
    for constant, value in ERROR_PANELS.items():
        _ERROR_SAVED.setdefault(constant, getattr(rich_utils, constant))
        setattr(rich_utils, constant, value)


def restore_errors() -> None:
    """typer's English words around errors again (the end of a run; in-process tests run many)."""
    if _ERROR_SAVED:
        from typer import rich_utils

        for constant, value in _ERROR_SAVED.items():
            setattr(rich_utils, constant, value)
        _ERROR_SAVED.clear()

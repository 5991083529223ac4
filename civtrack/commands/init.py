"""`civtrack init`: start a new repository of plans and progress."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

GITATTRIBUTES = """\
# Progress files are append-only lists of entries: git's union merge keeps the
# entries of both sides when two offices record in the same month on two branches.
progress/**/*.yaml merge=union
"""


def run(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="Folder to set up (created if missing).")] = Path("."),
) -> None:
    import importlib.resources
    import os

    import tomli_w

    from civtrack.errors import InputError, error
    from civtrack.files import reason_msg
    from civtrack.i18n import label
    from civtrack.workspace import CONFIG_NAME, PLANS_DIR, PROGRESS_DIR, Config

    lang = ctx.obj.lang or "en"
    template = "templates/example.zh.yaml" if lang == "zh" else "templates/example.yaml"
    example = importlib.resources.files("civtrack").joinpath(template).read_text(encoding="utf-8")
    config = Config()
    files = {
        CONFIG_NAME: tomli_w.dumps({"lang": lang, "pace_tolerance": config.pace_tolerance}),
        f"{PLANS_DIR}/example.yaml": example,
        f"{PROGRESS_DIR}/.gitkeep": "",
        ".gitattributes": GITATTRIBUTES,
    }
    # lexists: a dangling symbolic link is there too ("x" below would fail on it).
    existing = [name for name in files if os.path.lexists(path / name)]
    if existing:
        raise InputError([error(str(path / name), None, "E513") for name in existing])
    if os.path.lexists(path) and not path.is_dir():
        raise InputError(error(str(path), None, "E514"))
    made: list[Path] = []  # files and folders created, removed again if a later one fails
    try:
        for name, text in files.items():
            target = path / name
            for folder in reversed(target.parents):
                if not os.path.lexists(folder):
                    folder.mkdir()
                    made.append(folder)
            with open(target, "x", encoding="utf-8") as handle:  # "x": never overwrite, even in a race
                made.append(target)
                handle.write(text)
    except OSError as exc:
        for done in reversed(made):
            try:
                done.rmdir() if done.is_dir() and not done.is_symlink() else done.unlink()
            except OSError:
                pass
        where = Path(exc.filename) if exc.filename else path
        raise InputError(error(str(where), None, "E515", reason_msg(exc))) from None
    typer.echo(label("init_done", lang).format(path=path, files=", ".join(files)))
    typer.echo(label("init_next", lang))

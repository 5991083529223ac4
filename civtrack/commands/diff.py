"""`civtrack diff`: what changed between two revisions (or a revision and the working tree)."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from pathlib import Path

    from civtrack.load import Repository, Source
    from civtrack.workspace import Config


class DiffFormat(StrEnum):
    text = "text"
    json = "json"


class FailOn(StrEnum):
    rewrite = "rewrite"


class Side:
    """One side of the comparison: a commit, or the working tree (commit None)."""

    def __init__(self, rev: str | None, commit: str | None, *, unborn: bool = False):
        self.rev = rev
        self.commit = commit
        self.unborn = unborn  # HEAD of a repository with no commits yet: an empty side

    def name(self, lang: str) -> str:
        from civtrack.git import short
        from civtrack.i18n import label

        if self.unborn:
            return f"{self.rev} ({label('no_commits', lang)})"
        if self.commit is None:
            return label("working_tree", lang)
        return f"{self.rev} ({short(self.commit)})" if self.rev != short(self.commit) else self.rev

    def as_dict(self) -> dict[str, Any]:
        return {"rev": self.rev, "commit": self.commit, "working_tree": self.commit is None and not self.unborn}


def sides(root: Path, revisions: list[str]) -> tuple[Side, Side]:
    """Like git: none = HEAD → working tree; A = A → working tree; A B, A..B; A...B from their merge base."""
    from civtrack.errors import fail
    from civtrack.git import check_revision_text, has_commits, merge_base, resolve

    if len(revisions) > 2:
        raise fail("E517")
    for rev in revisions:
        check_revision_text(rev)
    if len(revisions) == 1 and ".." in revisions[0]:
        three = "..." in revisions[0]
        a, b = revisions[0].split("..." if three else "..", 1)
        a, b = a or "HEAD", b or "HEAD"
        new = Side(b, resolve(root, b))
        old_commit = resolve(root, a)
        if three:
            return Side(f"{a}...{b}", merge_base(root, old_commit, new.commit)), new  # type: ignore[arg-type]
        return Side(a, old_commit), new
    if any(".." in rev for rev in revisions):
        raise fail("E518")
    if not revisions and not has_commits(root):
        # The first commit (e.g. in a pre-commit hook): everything in the working tree is new.
        return Side("HEAD", None, unborn=True), Side(None, None)
    old_rev = revisions[0] if revisions else "HEAD"
    old = Side(old_rev, resolve(root, old_rev))
    if len(revisions) == 2:
        return old, Side(revisions[1], resolve(root, revisions[1]))
    return old, Side(None, None)


def load_side(root: Path, side: Side, config: Config) -> Repository:
    from civtrack import load as loading
    from civtrack.check import check_repository
    from civtrack.git import GitSource

    source: Source
    if side.unborn:
        return loading.Repository()
    if side.commit is None:
        source = loading.DiskSource(root)
        repo = loading.load(source, config)
    else:
        with GitSource(root, side.commit, label=side.rev) as source:
            repo = loading.load(source, config)
    repo.problems.extend(check_repository(repo))
    repo.problems.sort(key=lambda p: (p.path, p.line or 0))
    return repo


def run(
    ctx: typer.Context,
    revisions: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[REV_A [REV_B]]",
            help="Revisions to compare (default: HEAD against the working tree); also REV_A..REV_B.",
            show_default=False,
        ),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of", help="Evaluate both sides at this date, YYYY-MM-DD (default: today).", show_default=False
        ),
    ] = None,
    output_format: Annotated[DiffFormat, typer.Option("--format", help="Output format.")] = DiffFormat.text,
    fail_on: Annotated[
        FailOn | None,
        typer.Option(
            "--fail-on",
            help="Exit 1 when entries were changed or removed, or targets and plans changed.",
            show_default=False,
        ),
    ] = None,
) -> None:
    from civtrack.commands import parse_date, workspace
    from civtrack.diffing import compare
    from civtrack.git import require_repository

    day = parse_date(as_of, "--as-of")
    root, config, lang = workspace(ctx.obj)
    require_repository(root)
    old_side, new_side = sides(root, revisions or [])
    old = load_side(root, old_side, config)
    new = load_side(root, new_side, config)
    result = compare(old, new, day, config.pace_tolerance)
    problems = [p.render(lang) for p in new.errors]
    moved = _source_moves(root, config, old_side, new_side, new, day)
    if output_format is DiffFormat.json:
        import json

        from civtrack.render.diff import diff_json

        # Scripts match each problem's code, never its words.
        found = [p.as_dict(lang) for p in new.errors]
        text = diff_json(result, old_side.as_dict(), new_side.as_dict(), found)
        if moved:  # issue 16: sources whose ref moved, with what they bring
            document = json.loads(text)
            document["sources"] = [move.as_dict() for move in moved]
            text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
        typer.echo(text, nl=False)
    else:
        from civtrack.render.diff import diff_body, diff_head, diff_problems
        from civtrack.richout import console

        out = console()
        # Laid out for the terminal's width: rows that would not fit become two-line records, long notes
        # wrap. The problems stay one a line (`path:line: …`), left for the terminal to wrap.
        old_name, new_name = old_side.name(lang), new_side.name(lang)
        out.print(diff_head(result, lang, old_name, new_name))
        out.print(diff_problems(lang, new_name, problems), soft_wrap=True)
        out.print(diff_body(result, lang, out.width))
        if moved:
            from rich.text import Text

            from civtrack.sources.review import text_lines

            for line, style in text_lines(moved, lang):
                out.print(Text(line, style=style), soft_wrap=True)
    if fail_on is FailOn.rewrite and (result.rewritten or any(move.rewritten for move in moved)):
        raise typer.Exit(1)


def _source_moves(root: Path, config: Config, old_side: Side, new_side: Side, new: Repository, day: Any) -> list:
    """The sources of civtrack.toml whose ref moved between the sides (civtrack.sources.review)."""
    from civtrack.sources.review import moves, sources_at

    old_specs = sources_at(root, old_side.commit, old_side.unborn)
    new_specs = sources_at(root, new_side.commit, new_side.unborn)
    if not old_specs and not new_specs:
        return []
    return moves(root, config, old_specs, new_specs, new.plans, day)

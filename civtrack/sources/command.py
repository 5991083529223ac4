"""`civtrack sources` and `civtrack sources fetch`: the shell around civtrack.sources.gitrepo."""

from __future__ import annotations

import sys
from typing import Any

from civtrack.errors import InputError
from civtrack.sources import gitrepo
from civtrack.sources.config import SourceSpec
from civtrack.sources.gitrepo import _HEX40
from civtrack.sources.messages import problem
from civtrack.yamlsafe import shown


def _specs(globals_: Any, names: list[str]) -> tuple[Any, Any, list[SourceSpec], str]:
    from civtrack.workspace import CONFIG_NAME, display_path, find_root, load_config

    root = find_root(globals_.root)
    config = load_config(root)
    specs = {spec.name: spec for spec in config.sources}
    for name in names:
        if name not in specs:
            raise InputError(problem("SRC17", "civtrack", None, source=shown(name), known=", ".join(sorted(specs))))
    chosen = [specs[name] for name in dict.fromkeys(names)] if names else list(specs.values())
    return root, config, chosen, display_path(root / CONFIG_NAME)


def fetch_sources(globals_: Any, names: list[str]) -> int:
    """Fetch each source; 0 when every one was fetched, 1 when one could not be (its last fetched commit
    stays in use, with a warning naming its date), 2 when one was never fetched and cannot be."""
    import typer

    from civtrack.commands import say, use_lang
    from civtrack.i18n import label

    root, config, specs, config_path = _specs(globals_, names)
    lang = use_lang(globals_, config)
    worst = 0
    for spec in specs:
        done = gitrepo.fetch(root, spec)
        state = done.state
        if done.error is not None:
            if state.commit is None:
                print(say(problem("SRC15", config_path, spec.line, source=spec.name,
                              why=done.error)), file=sys.stderr)  # fmt: skip
                worst = 2
                continue
            print(say(problem("SRC11", config_path, spec.line, source=spec.name, why=done.error, commit=state.commit[:10],
                          committed=(state.committed or "")[:10], fetched=(state.fetched or "never")[:10])),
                  file=sys.stderr)  # fmt: skip
            worst = max(worst, 1)
            continue
        if done.rewritten:
            print(say(problem("SRC12", config_path, spec.line, source=spec.name, old=(done.previous or "")[:10],
                          new=(state.commit or "")[:10])), file=sys.stderr)  # fmt: skip
        moved = "" if done.previous in (None, state.commit) else f" ← {done.previous[:10]}"  # type: ignore[index]
        fetched = label("source_fetched", lang).format(
            name=spec.name, commit=(state.commit or "")[:10], committed=(state.committed or "")[:10]
        )
        typer.echo(fetched + moved)
    return worst


def list_sources(globals_: Any, names: list[str], *, offline: bool) -> None:
    from rich.table import Table

    from civtrack.i18n import label
    from civtrack.richout import console

    root, _, specs, _ = _specs(globals_, names)
    lang = globals_.lang or "en"
    out = console()
    if not specs:
        out.print(label("source_none", lang))
        return
    table = Table(box=None, pad_edge=False, header_style="bold")
    for key in ("source", "source_url", "source_ref", "source_commit", "committed", "source_behind"):
        # Names, commits and dates stay whole; a long URL folds, the rest wraps, at any width.
        whole = key in ("source", "source_commit", "committed")
        table.add_column(
            label(key, lang), no_wrap=whole, overflow="fold", min_width=10 if key == "source_url" else None
        )
    for spec in specs:
        used = gitrepo.in_use(root, spec)
        ref = (spec.ref[:10] if _HEX40.match(spec.ref) else spec.ref) if spec.ref else label("source_head", lang)
        if used is None:
            table.add_row(spec.name, spec.url, ref, f"[yellow]{label('source_not_fetched', lang)}[/]", "", "")
            continue
        commit, committed = used
        behind = "" if offline else _behind(root, spec, commit, committed, lang)
        table.add_row(spec.name, spec.url, ref, commit[:10], committed[:10], behind)
    out.print(table)


def _behind(root: Any, spec: SourceSpec, commit: str, committed: str, lang: str) -> str:
    from civtrack.i18n import label

    far = gitrepo.behind(root, spec, commit, committed)
    if far.why is not None:
        return f"[red]{label('source_unreachable', lang)}[/]"
    if far.commits == 0:
        return f"[green]{label('source_up_to_date', lang)}[/]"
    return f"[yellow]{label('source_days_behind', lang).format(days=far.days, commits=far.commits)}[/]"

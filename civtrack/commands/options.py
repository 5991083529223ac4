"""Options that several commands take in the very same words: declared once, as typer annotations.
(Their Chinese help is in options_zh.py, keyed by the parameter's name.)"""

from __future__ import annotations

from typing import Annotated

import typer

from civtrack.completion import complete_plan

# --plan of the commands that work on a month (report, sheet).
MonthPlans = Annotated[
    list[str] | None,
    typer.Option(
        "--plan",
        autocompletion=complete_plan,
        help="Only this plan (repeatable; its id, title or a fragment of one; default: every plan running in "
        "the month).",
        show_default=False,
    ),
]

# --source and --all-sources (issue 16: the plans of other repositories beside the local ones).
Sources = Annotated[
    list[str] | None,
    typer.Option("--source", metavar="NAME", help="Add this source's plans, as NAME/plan (repeatable).", show_default=False),
]
AllSources = Annotated[bool, typer.Option("--all-sources", help="Add the plans of every source.")]

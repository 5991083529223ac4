"""Every message of civtrack.sources, with its stable problem code, in one place (to move into the
message catalogue as it lands). Each is a format string taking keyword arguments."""

from __future__ import annotations

from civtrack.errors import Problem

# code → (severity, English text)
MESSAGES: dict[str, tuple[str, str]] = {
    "SRC01": ("error", "unknown source '{source}' in from: {ref} (sources in civtrack.toml: {known})"),
    "SRC02": ("error", "source '{source}' is not fetched yet: run `civtrack sources fetch {source}`"),
    "SRC03": ("error", "unknown plan '{plan}' in source '{source}' at {commit} (its plans: {known})"),
    "SRC04": ("error", "unknown {what} '{item}' in plan '{plan}' of source '{source}' at {commit}"),
    "SRC05": ("error", "unit '{local}' differs from the unit '{remote}' of {ref} (the figures would not add up)"),
    "SRC06": (
        "error",
        "a {local} is linked to a {remote} ({ref}): link a number to a number, a milestone to a milestone",
    ),
    "SRC07": ("warning", "target {local} differs from the target {remote} of {ref}: the local one is kept"),
    "SRC08": (
        "error",
        "entry on {item}, which takes its figures from {ref}: local entries on a linked item are not counted; remove it",
    ),
    "SRC09": ("error", "from: '{ref}' is not source/plan/indicator or source/plan/indicator/part"),
    "SRC10": ("error", "source '{source}': {why}"),
    "SRC11": (
        "warning",
        "source '{source}' could not be fetched ({why}): the last fetched commit {commit} (committed {committed}, fetched {fetched}) stays in use",
    ),
    "SRC12": ("warning", "source '{source}' rewrote its history: {old} is not an ancestor of {new}"),
    "SRC13": (
        "warning",
        "source '{source}' has {count} errors at {commit} (first: {first}): its figures may be incomplete",
    ),
    "SRC14": (
        "error",
        "indicator '{item}' takes its figures from {ref} and has parts: link the parts, or the indicator without parts",
    ),
    "SRC15": ("error", "source '{source}': {why}"),
    "SRC16": ("error", "'{item}' takes its figures from {ref}: record its progress in that repository, not here"),
}


def text(code: str, **values: object) -> str:
    return MESSAGES[code][1].format(**values)


def problem(code: str, path: str, line: int | None, **values: object) -> Problem:
    severity, template = MESSAGES[code]
    return Problem(path, line, severity, template.format(**values), code)  # type: ignore[arg-type]

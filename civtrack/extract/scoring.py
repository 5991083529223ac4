"""Scoring drafted milestones against a plan written by hand (issue 15).

../shared/extract-eval/score.py scores numbers and leaves milestones out. Here a drafted
milestone matches a gold one when their due dates are equal (a gold milestone without
`due` is due at its plan's end) and their quotes overlap as score.py has it: one contains
the other, or they share a run of at least 6 characters (of the shorter's length when it
is shorter), after whitespace is removed and full-width signs made ASCII (NFKC). Each
gold milestone and each candidate is matched at most once, in gold order.

    python -m civtrack.extract.scoring plans/fenghua-2024.yaml draft.json

prints the misses, the extras and `milestones: recall=R precision=P matched=M gold=G candidates=C`.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from dataclasses import dataclass

_SPACE = re.compile(r"\s+")


def norm_text(text: str) -> str:
    return _SPACE.sub("", unicodedata.normalize("NFKC", text or ""))


def longest_common_run(a: str, b: str) -> int:
    """The longest common substring's length (dynamic programming, O(len(a)·len(b)))."""
    best = 0
    previous = [0] * (len(b) + 1)
    for ca in a:
        current = [0] * (len(b) + 1)
        for j, cb in enumerate(b, 1):
            if ca == cb:
                current[j] = previous[j - 1] + 1
                best = max(best, current[j])
        previous = current
    return best


def quotes_overlap(gold: str, candidate: str) -> bool:
    g, c = norm_text(gold), norm_text(candidate)
    if not g or not c:
        return False
    return g in c or c in g or longest_common_run(g, c) >= min(6, len(g))


@dataclass
class MilestoneScore:
    gold: int
    candidates: int
    matched: int
    missed: list[str]
    extra: list[str]

    @property
    def recall(self) -> float:
        return self.matched / self.gold if self.gold else 1.0

    @property
    def precision(self) -> float:
        return self.matched / self.candidates if self.candidates else (1.0 if not self.gold else 0.0)

    def line(self) -> str:
        return (
            f"milestones: recall={self.recall:.3f} precision={self.precision:.3f} "
            f"matched={self.matched} gold={self.gold} candidates={self.candidates}"
        )


def score_milestones(gold: list[tuple[str, str]], candidates: list[tuple[str, str]]) -> MilestoneScore:
    """gold and candidates: (due as YYYY-MM-DD, quote)."""
    used: set[int] = set()
    missed: list[str] = []
    for due, quote in gold:
        hit = next(
            (
                i
                for i, (c_due, c_quote) in enumerate(candidates)
                if i not in used and c_due == due and quotes_overlap(quote, c_quote)
            ),
            None,
        )
        if hit is None:
            missed.append(f"{due} {quote}")
        else:
            used.add(hit)
    extra = [f"{due} {quote}" for i, (due, quote) in enumerate(candidates) if i not in used]
    return MilestoneScore(len(gold), len(candidates), len(used), missed, extra)


def gold_milestones(plan: dict) -> list[tuple[str, str]]:
    """(due, quote) of each `kind: milestone` indicator of a plan file read as YAML."""
    end = str(plan["period"]["end"])
    return [
        (str(item.get("due") or end), item.get("quote") or item.get("name", ""))
        for item in plan.get("indicators") or []
        if item.get("kind") == "milestone"
    ]


def draft_milestones(data: dict) -> list[tuple[str, str]]:
    """(due, quote) of each milestone of `civtrack extract --format json` output."""
    return [(item["due"], item["quote"]) for item in data["indicators"] if item.get("kind") == "milestone"]


def main(argv: list[str]) -> int:
    import json

    import yaml

    if len(argv) == 2 and argv[0] == "--corpus":
        print(corpus_table(score_corpus(argv[1], verbose=True)))
        return 0
    if len(argv) != 2:
        print("usage: python -m civtrack.extract.scoring PLAN.yaml EXTRACT.json", file=sys.stderr)
        return 2
    with open(argv[0], encoding="utf-8") as handle:
        plan = yaml.safe_load(handle)
    with open(argv[1], encoding="utf-8") as handle:
        data = json.load(handle)
    result = score_milestones(gold_milestones(plan), draft_milestones(data))
    for line in result.missed:
        print(f"missed: {line}")
    for line in result.extra:
        print(f"extra: {line}")
    print(result.line())
    return 0


# --- the labelled corpus (tests/extract_corpus) ------------------------------------------


@dataclass
class KindScore:
    kind: str
    sentences: int
    expected: int
    found: int
    right: int

    @property
    def recall(self) -> float:
        return self.right / self.expected if self.expected else 1.0

    @property
    def precision(self) -> float:
        return self.right / self.found if self.found else 1.0


_EXPECTED_NUMBER = re.compile(r"^(?P<v>[\d.]+)(?:-(?P<h>[\d.]+))?(?P<u>[^{}\d]+)(?:\{(?P<parts>[\d.,]+)\})?$")


def _expected(text: str, year: int) -> tuple[list[tuple], str | None]:
    """(expected items, expected owner) of a corpus line's right-hand side."""
    items: list[tuple] = []
    owner = None
    for token in (t.strip() for t in text.split(";")):
        if token in ("", "-"):
            continue
        if token.startswith("owner="):
            owner = token[len("owner=") :]
        elif token.startswith("@"):
            items.append(("milestone", f"{year}-{token[1:]}"))
        else:
            m = _EXPECTED_NUMBER.match(token)
            if m is None:
                raise ValueError(f"cannot read the expected item {token!r}")
            parts = tuple(sorted(float(p) for p in m.group("parts").split(","))) if m.group("parts") else ()
            high = float(m.group("h")) if m.group("h") else None
            items.append(("number", float(m.group("v")), high, m.group("u"), parts))
    return items, owner


def _found(item: object) -> tuple:
    if item.kind == "milestone":  # type: ignore[attr-defined]
        return ("milestone", item.due.isoformat())  # type: ignore[attr-defined]
    parts = tuple(sorted(float(p.target) for p in item.parts))  # type: ignore[attr-defined]
    high = float(item.stretch) if item.stretch is not None else None  # type: ignore[attr-defined]
    return ("number", float(item.target), high, item.unit, parts)  # type: ignore[attr-defined]


def score_line(sentence: str, expected_text: str, year: int = 2024) -> tuple[int, int, int, list[str]]:
    """(expected, found, right, what went wrong) for one corpus line. A found item is right when
    it equals an expected one (value, stretch, unit, parts; a milestone's due date) and, when the
    line names an owner, carries that owner."""
    from civtrack.extract import extract

    expected, owner = _expected(expected_text, year)
    draft = extract(f"某区民政局{year}年工作计划\n" + sentence, source="corpus", year=year)
    found = [(_found(item), item.owner) for item in draft.items]
    left = list(expected)
    right = 0
    problems: list[str] = []
    for key, who in found:
        if key in left and (owner is None or who == owner):
            left.remove(key)
            right += 1
        else:
            problems.append(f"extra {key} owner={who}")
    problems += [f"missed {key}" for key in left]
    return len(expected), len(found), right, problems


def score_corpus(folder: str, verbose: bool = False) -> list[KindScore]:
    """Per kind (one file each), the scores of every line of a corpus folder."""
    from pathlib import Path

    scores: list[KindScore] = []
    for path in sorted(Path(folder).glob("*.txt")):
        kind = KindScore(path.stem, 0, 0, 0, 0)
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            sentence, _, expected_text = line.partition(" => ")
            expected, found, right, problems = score_line(sentence.strip(), expected_text)
            kind.sentences += 1
            kind.expected += expected
            kind.found += found
            kind.right += right
            if verbose and problems:
                print(f"{path.stem}: {sentence.strip()}  {problems}")
        scores.append(kind)
    return scores


def corpus_table(scores: list[KindScore]) -> str:
    """The per-kind table of docs/extract.md."""
    lines = [
        "| kind | sentences | expected | drafted | right | recall | precision |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for s in scores:
        lines.append(
            f"| {s.kind} | {s.sentences} | {s.expected} | {s.found} | {s.right} | {s.recall:.2f} | {s.precision:.2f} |"
        )
    total = KindScore("all", *(sum(getattr(s, f) for s in scores) for f in ("sentences", "expected", "found", "right")))
    lines.append(
        f"| **all** | {total.sentences} | {total.expected} | {total.found} | {total.right} "
        f"| {total.recall:.2f} | {total.precision:.2f} |"
    )
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""The interactive review: one proposed coding at a time, one key per decision.

Every decision is saved to the review file the moment it is made (``outputs.export.update_review``
replaces the file in one step), and the file is read again before each save, under a
lock, so a killed session loses nothing, edits made to the file meanwhile are kept, and
two sessions on one file keep each other's decisions. Starting
again resumes at the first coding without a decision.

The session reads keys through a function it is given, so it runs the same in a real
terminal (single keys, no Enter), from a pipe, and under test.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from rich.console import Console
from rich.text import Text

from ..inputs.review_file import NOTHING, latest_decisions, spread_nothing
from ..model import PHRASE_SEPARATOR, Codebook
from ..model.results import Reduction
from .decisions import decision_rows, save_decisions

KEYS_HELP = (
    "[a]ccept  [r]eject  [f]lip polarity  [c]riterion: recode  [n]ew coding  "
    "[0] nothing here  [s]kip  [u]ndo  [q]uit  [?] help"
)
UNCODED_HELP = "[n]ew coding  [0] nothing here  [s]kip  [u]ndo  [q]uit  [?] help"
HELP = """\
a  accept the proposed coding
r  reject it (it drops out of the analysis)
f  flip its polarity (positive <-> negative)
c  recode it to another criterion, same polarity
n  add a coding the rules missed to this sentence (criterion, then + or -)
0  nothing here: the sentence holds no evidence for any criterion (every code of it
   drops out, and the learned coder learns it as a "no" for every criterion)
s  skip: decide later
u  undo the last decision of this session
q  quit (every decision is already saved)"""
_CHOICE_KEYS = "123456789abcdefghijklmnopqrstuvwxyz"


@dataclass(frozen=True)
class ReviewItem:
    """A proposed coding to decide on, or (``criterion`` empty) an uncoded sentence."""

    segment_id: str
    informant: str
    role: str
    line: int
    question: str
    text: str
    criterion: str = ""
    polarity: str = ""
    phrases: tuple[str, ...] = ()
    matched: tuple[str, ...] = ()
    rules: tuple[str, ...] = ()


def review_items(
    reduction: Reduction,
    decisions: pd.DataFrame,
    *,
    criteria: tuple[str, ...] = (),
    informants: tuple[str, ...] = (),
    roles: tuple[str, ...] = (),
    include_decided: bool = False,
    include_uncoded: bool = False,
) -> list[ReviewItem]:
    """The codings to review, in transcript order, after the filters.

    By default only codings without a decision in force are listed, which is what makes
    a new session resume where the last one stopped.
    """
    segments = reduction.segments.set_index("segment_id")
    codings = reduction.codings[reduction.codings["source"] == "auto"]
    keys = ["segment_id", "criterion", "polarity"]
    latest = latest_decisions(spread_nothing(decisions, reduction.codebook.criterion_ids))
    decided = set(zip(*(latest[k] for k in keys), strict=True))
    touched = set(decisions["segment_id"])
    items = []
    for (segment_id, criterion, polarity), group in codings.groupby(keys, sort=False):
        if not include_decided and (segment_id, criterion, polarity) in decided:
            continue
        items.append(
            _item(
                segments,
                segment_id,
                criterion=criterion,
                polarity=polarity,
                phrases=_listed(group["phrases"] if "phrases" in group else group["phrase"]),
                matched=_listed(group["matched"]),
                rules=_listed(group["rule"]),
            )
        )
    if include_uncoded:
        coded = set(reduction.codings["segment_id"])
        for segment_id in segments.index:
            if segment_id not in coded and (include_decided or segment_id not in touched):
                items.append(_item(segments, segment_id))
    order = {segment_id: n for n, segment_id in enumerate(segments.index)}
    items.sort(key=lambda item: order[item.segment_id])
    return [
        item
        for item in items
        if (not criteria or item.criterion in criteria or not item.criterion)
        and (not informants or item.informant in informants)
        and (not roles or item.role in roles)
    ]


def _item(segments: pd.DataFrame, segment_id: str, **coding) -> ReviewItem:
    row = segments.loc[segment_id]
    return ReviewItem(
        segment_id=segment_id,
        informant=str(row["informant"]),
        role=str(row["role"]),
        line=int(row["line"]),
        question=str(row["question"]),
        text=str(row["text"]),
        **coding,
    )


@dataclass
class ReviewSession:
    """Walks a researcher through review items, saving each decision at once."""

    console: Console
    codebook: Codebook
    path: Path
    coder: str
    items: list[ReviewItem]
    read_key: Callable[[], str]
    history: list[tuple[int, list[dict[str, str]]]] = field(default_factory=list)

    def run(self) -> int:
        """Review until the items run out or the researcher quits; returns decisions made."""
        position = 0
        keys = self._keys()
        total = len(self.items)
        if not total:
            self.console.print("Nothing to review: every coding here has a decision.")
            return 0
        while position < total:
            item = self.items[position]
            self._show(item, position, total)
            key = next(keys, "q")
            if key == "q":
                break
            if key == "?":
                self.console.print(HELP, markup=False)
                continue
            if key == "u":
                position = self._undo(position)
                continue
            if key == "s":
                self.console.print("-> skipped", markup=False)
                position += 1
                continue
            rows = self._decide(item, key, keys)
            if rows is None:
                continue
            self._save(rows, remove=False)
            self.history.append((position, rows))
            self.console.print(f"-> {self._describe(rows)}", markup=False)
            if key == "0":  # the sentence is decided whole: its other items too
                while position < total and self.items[position].segment_id == item.segment_id:
                    position += 1
            elif key != "n":
                position += 1
        else:
            self.console.print("End of the codings to review in this selection.")
        made = sum(len(rows) for _, rows in self.history)
        self.console.print(f"{made} decision(s) saved to {self.path}.", markup=False)
        return made

    def _keys(self) -> Iterator[str]:
        """Single keys; a terminal may deliver several at once, and arrows are ignored."""
        while True:
            try:
                chunk = self.read_key()
            except (EOFError, KeyboardInterrupt):
                return
            if not chunk:
                return
            if chunk.startswith("\x1b"):
                continue
            for key in chunk:
                if key in "\x03\x04":
                    return
                if not key.isspace():
                    yield key.lower()

    def _decide(self, item: ReviewItem, key: str, keys: Iterator[str]):
        if key == "n":
            criterion = self._choose_criterion(keys, exclude="")
            polarity = criterion and self._choose_polarity(keys)
            if not (criterion and polarity):
                return None
            return decision_rows("add", item.segment_id, criterion, polarity, self.coder)
        if key == "0":
            return decision_rows(NOTHING, item.segment_id, "", "", self.coder)
        if not item.criterion or key not in "arfc":
            self.console.print(
                f"Unknown key {key!r}. {UNCODED_HELP if not item.criterion else KEYS_HELP}",
                markup=False,
            )
            return None
        action = {"a": "accept", "r": "reject", "f": "flip", "c": "recode"}[key]
        to = self._choose_criterion(keys, exclude=item.criterion) if key == "c" else ""
        if key == "c" and not to:
            return None
        return decision_rows(
            action, item.segment_id, item.criterion, item.polarity, self.coder, to=to
        )

    def _choose_criterion(self, keys: Iterator[str], exclude: str) -> str:
        """A criterion by its key, which is its place in the codebook on every item: the
        criterion being recoded is left out of the menu, not renumbered around."""
        criteria = self.codebook.criteria[: len(_CHOICE_KEYS)]
        menu = "  ".join(
            f"[{_CHOICE_KEYS[n]}] {c.id}" for n, c in enumerate(criteria) if c.id != exclude
        )
        self.console.print(f"Criterion? {menu}  (other key: cancel)", markup=False)
        key = next(keys, "")
        index = _CHOICE_KEYS.find(key) if key else -1
        if not 0 <= index < len(criteria) or criteria[index].id == exclude:
            self.console.print("-> cancelled", markup=False)
            return ""
        return criteria[index].id

    def _choose_polarity(self, keys: Iterator[str]) -> str:
        self.console.print("Polarity? [+] positive  [-] negative  (other key: cancel)")
        key = next(keys, "")
        polarity = {"+": "positive", "p": "positive", "-": "negative", "m": "negative"}.get(key)
        if polarity is None:
            self.console.print("-> cancelled", markup=False)
            return ""
        return polarity

    def _undo(self, position: int) -> int:
        if not self.history:
            self.console.print("-> nothing to undo in this session", markup=False)
            return position
        previous, rows = self.history.pop()
        self._save(rows, remove=True)
        self.console.print(f"-> undone: {self._describe(rows)}", markup=False)
        return previous

    def _save(self, rows: list[dict[str, str]], remove: bool) -> None:
        save_decisions(self.path, rows, undo=remove)

    @staticmethod
    def _describe(rows: list[dict[str, str]]) -> str:
        return ", ".join(
            "nothing here"
            if r["decision"] == NOTHING
            else f"{r['decision']} {r['criterion']} {r['polarity']}"
            for r in rows
        )

    def _show(self, item: ReviewItem, position: int, total: int) -> None:
        console = self.console
        console.print()
        console.rule(
            f"{position + 1}/{total} · {item.informant} ({item.role}) · line {item.line}",
            style="dim",
        )
        if item.question:
            console.print(Text.assemble(("Asked: ", "bold"), item.question), soft_wrap=True)
        console.print(_highlighted(item.text, item.matched), soft_wrap=True)
        if item.criterion:
            label = self.codebook.criterion(item.criterion).label
            sign = "+" if item.polarity == "positive" else "-"
            style = "green" if item.polarity == "positive" else "red"
            console.print(
                Text.assemble(
                    ("Proposed: ", "bold"),
                    (f"{sign} {item.criterion} {item.polarity}", style),
                    f" ({label})",
                ),
                soft_wrap=True,
            )
            phrases = ", ".join(repr(p) for p in item.phrases)
            console.print(
                f"  from {phrases} ({'; '.join(item.rules)})"
                if phrases
                else f"  why: {'; '.join(item.rules)}",  # a suggestion (loop.suggest)
                markup=False,
                soft_wrap=True,
            )
            console.print(KEYS_HELP, markup=False, style="dim")
        else:
            console.print(Text("No coding proposed for this sentence.", style="bold"))
            console.print(UNCODED_HELP, markup=False, style="dim")


def _highlighted(text: str, matched: tuple[str, ...]) -> Text:
    """The sentence with the words that fired shown in reverse video (not colour alone)."""
    out = Text("  " + " ".join(text.split()))
    folded = out.plain.casefold()
    for words in matched:
        words = " ".join(words.split())
        at = folded.find(words.casefold()) if words else -1
        if at >= 0:
            out.stylize("bold reverse", at, at + len(words))
    return out


def _listed(column) -> tuple[str, ...]:
    """The distinct items of a column whose cells may list several (``PHRASE_SEPARATOR``)."""
    return tuple(
        dict.fromkeys(
            item
            for cell in column
            if isinstance(cell, str)
            for item in cell.split(PHRASE_SEPARATOR)
            if item
        )
    )

"""What the workbench shows and decides, without the web: plain data in, JSON-ready out.

The corpus is coded once when the workbench opens; after that every view is the
analysis of that coding with the review file as it is *now* (read again for each
request), so a decision made in a terminal session or typed into the file shows up at
the next refresh, and each decision made here changes the verdicts at once. Decisions
are written by ``loop.decisions``, the code the terminal review writes with.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .. import pipeline
from ..analysis.display import checklist_matrix
from ..coding.coder import CodingResult, code_corpus
from ..inputs.review_file import NOTHING, latest_decisions, read_review, spread_nothing
from ..loop.decisions import ACTIONS, decision_rows, save_decisions
from ..loop.suggest import DEFAULT_COUNT, suggestions
from ..model import POLARITIES, STANCE_SYMBOLS, PathLike
from ..model.errors import InputError
from ..model.results import Conclusion, Reduction
from .texts import interface_text

#: Bounds on what a request may carry: a coder's name, a note, a span of sentences.
MAX_CODER = 80
MAX_NOTE = 2000
MAX_SENTENCES = 200
#: The values a consensus can give a unit (a sentence and a criterion).
CONSENSUS_VALUES = ("positive", "negative", "mixed", "absent")
_KEYS = ["segment_id", "criterion", "polarity"]
#: How the comparison with expected findings names the overall verdict's row.
OVERALL = "(overall)"


class RequestError(ValueError):
    """A request the workbench refuses: what it asked for and why, for the page to show."""


@dataclass
class Workbench:
    """One study under review in the browser, on one review file."""

    transcripts: PathLike | None
    codebook: PathLike | None
    review: Path
    findings: PathLike | None = None
    personal_data: bool = False
    compare: tuple[PathLike, ...] = ()
    coder: str = ""
    #: The queue's filters when the page opens (criterion, role, informant), as the
    #: terminal review's --criterion, --role and --informant.
    filters: dict[str, str] = field(default_factory=dict)
    history: dict[str, list[list[dict[str, str]]]] = field(default_factory=dict)
    #: The queue is ``ektp-qual suggest``'s (``review --browser --suggested``): the
    #: ``count`` sentences worth a decision (suggest's default when None), ranked again
    #: after every decision, instead of the undecided codings.
    suggested: bool = False
    count: int | None = None

    def __post_init__(self) -> None:
        self.corpus, self.book, self.expected = pipeline.load(
            self.transcripts, self.codebook, self.findings
        )
        read_review(self.review)  # a broken review file is refused before anything opens
        self.coding: CodingResult = code_corpus(self.corpus, self.book)
        self._lock = threading.Lock()  # decisions of two browser tabs take turns
        self._segments = set(self.reduction().segments["segment_id"])
        self.language, self.texts = interface_text(self.book.language)
        known = {
            "criterion": self.book.criterion_ids,
            "informant": self.corpus.informants,
            "role": sorted({t.role for t in self.corpus.transcripts}),
        }
        for key, value in self.filters.items():
            if value not in known.get(key, ()):
                raise InputError(
                    f"--{key}", f"{value!r} is not in this study (it has: {', '.join(known[key])})"
                )
        self._disagreements = self._compare()
        self._suggestions: tuple[str, pd.DataFrame] | None = None
        if self.suggested:  # ranked before serving, so the page opens at once
            self._suggested_queue(self.reduction(), read_review(self.review).decisions())

    def reduction(self) -> Reduction:
        """The study's data reduction with the review file's decisions as they are now."""
        return pipeline.data_reduction(
            self.corpus,
            self.book,
            review=self.review,
            personal_data=self.personal_data,
            coding=self.coding,
        )

    # -- what the page shows --------------------------------------------------------------

    def study(self) -> dict:
        """What does not change while reviewing: the interface text, criteria, transcripts."""
        reduction = self.reduction()
        mask = reduction.masker
        segments = reduction.segments
        by_turn = {key: group for key, group in segments.groupby(["informant", "turn"], sort=False)}
        sources = dict(
            zip(reduction.informants["informant"], reduction.informants["source"], strict=True)
        )
        transcripts = []
        for transcript in self.corpus.transcripts:
            turns = []
            answered = 0  # segments count the informant's turns only, from 1
            for turn in transcript.turns:
                speaker = mask(turn.speaker) if mask else turn.speaker
                if turn.is_interviewer:
                    text = mask(turn.text) if mask else turn.text
                    turns.append({"speaker": speaker, "interviewer": True, "text": text})
                    continue
                answered += 1
                group = by_turn.get((transcript.informant, answered))
                sentences = [] if group is None else group[["segment_id", "text"]].values.tolist()
                turns.append({"speaker": speaker, "interviewer": False, "sentences": sentences})
            transcripts.append(
                {
                    "informant": transcript.informant,
                    "role": transcript.role,
                    "source": str(sources.get(transcript.informant, "")),
                    "turns": turns,
                }
            )
        return {
            "language": self.language,
            "texts": self.texts,
            "title": self.book.title or self.book.id,
            "review_file": self.review.name,
            "coder": self.coder,
            "criteria": [
                {
                    "id": c.id,
                    "label": c.label,
                    "short": c.short or c.id[:4],
                }
                for c in self.book.criteria
            ],
            "transcripts": transcripts,
            "questions": dict(zip(segments["segment_id"], segments["question"], strict=True)),
            "comparing": [Path(p).name for p in self.compare],
            "filters": self.filters,
            "suggested": self.suggested,
        }

    def state(self) -> dict:
        """What a decision changes: codings, the queue, verdicts, the matrix."""
        reduction = self.reduction()
        decisions = read_review(self.review).decisions()
        if self.suggested:
            queue = self._suggested_queue(reduction, decisions)
        else:
            queue = self._queue(reduction, decisions)
        return {
            "codings": self._codings(reduction.codings, decisions, queue),
            "queue": queue,
            "conclusions": self._conclusions(pipeline.conclusion_drawing(reduction, self.expected)),
            "matrix": self._matrix(reduction),
            "disagreements": self._disagreement_rows(reduction.codings),
            "decisions": len(decisions),
            "undo": sorted(coder for coder, stack in self.history.items() if stack),
        }

    def _codings(
        self, codings: pd.DataFrame, decisions: pd.DataFrame, queue: list[dict]
    ) -> dict[str, list]:
        """Each sentence's codings for the margin: those in force, proposals rejected, and
        (with ``suggested``) the learned coder's proposals, each with its probability and
        reason."""
        latest = self._latest(decisions).set_index(_KEYS)
        margin: dict[str, list] = {}
        for row in codings.itertuples(index=False):
            margin.setdefault(row.segment_id, []).append(
                {
                    "criterion": row.criterion,
                    "polarity": row.polarity,
                    "method": row.method,
                    "phrases": row.phrases or row.phrase or "",
                    "rule": row.rule,
                    "status": row.source,
                    "coder": row.coder,
                    "note": row.note,
                }
            )
        auto = self.coding.codings.drop_duplicates(_KEYS)
        for row in auto.itertuples(index=False):
            key = (row.segment_id, row.criterion, row.polarity)
            if key in latest.index and latest.loc[key, "decision"] == "reject":
                margin.setdefault(row.segment_id, []).append(
                    {
                        "criterion": row.criterion,
                        "polarity": row.polarity,
                        "method": row.method,
                        "phrases": getattr(row, "phrases", "") or row.phrase or "",
                        "rule": row.rule,
                        "status": "rejected",
                        "coder": str(latest.loc[key, "coder"]),
                        "note": str(latest.loc[key, "note"]),
                    }
                )
        if self.suggested:
            _with_suggestions(margin, queue)
        return margin

    def _latest(self, decisions: pd.DataFrame) -> pd.DataFrame:
        """The decision in force on each code, "nothing here" read as a reject of each."""
        return latest_decisions(spread_nothing(decisions, self.book.criterion_ids))

    def _methods(self) -> dict[tuple[str, str, str], str]:
        """How the rules coded each (sentence, criterion, polarity) they coded."""
        if self.coding.codings.empty:
            return {}
        return self.coding.codings.groupby(_KEYS, sort=False)["method"].first().to_dict()

    def _queue(self, reduction, decisions: pd.DataFrame) -> list[dict]:
        """The undecided codings, with what the page filters them by: the codings the
        terminal review (``loop.review_session.review_items``) lists, in its order."""
        methods = self._methods()
        sources = _sources(reduction)
        auto = reduction.codings[reduction.codings["source"] == "auto"].drop_duplicates(_KEYS)
        latest = self._latest(decisions)
        decided = set(zip(*(latest[k] for k in _KEYS), strict=True))
        order = {segment: n for n, segment in enumerate(reduction.segments["segment_id"])}
        rows = [
            row
            for row in auto.itertuples(index=False)
            if (row.segment_id, row.criterion, row.polarity) not in decided
        ]
        rows.sort(key=lambda row: order[row.segment_id])  # stable: codings keep their order
        return [
            {
                "segment_id": row.segment_id,
                "informant": row.informant,
                "role": row.role,
                "criterion": row.criterion,
                "polarity": row.polarity,
                "method": methods.get((row.segment_id, row.criterion, row.polarity), ""),
                "source": str(sources.get(row.informant, "")),
                "text": row.text,
            }
            for row in rows
        ]

    def _suggested_queue(self, reduction: Reduction, decisions: pd.DataFrame) -> list[dict]:
        """``ektp-qual suggest``'s proposals for the review file as it is now, in its order,
        as queue items: one per proposed code, with the learned coder's probability and
        reason; a sentence with nothing to propose is one item with no criterion.

        The ranking is computed again only when the decisions changed, so a refresh
        without a decision costs nothing; a decided sentence then leaves the queue and
        the next worth a decision comes in. Only this queue trains the learned coder, so
        scikit-learn is imported only with ``suggested``.
        """
        key = decisions.to_csv(index=False)
        if self._suggestions is None or self._suggestions[0] != key:
            table = suggestions(
                reduction.segments,
                reduction.automatic,
                reduction.codings,
                decisions,
                self.book,
                count=self.count or DEFAULT_COUNT,
            )
            self._suggestions = (key, table)
        table = self._suggestions[1]
        methods = self._methods()
        sources = _sources(reduction)
        roles = dict(zip(reduction.segments["segment_id"], reduction.segments["role"], strict=True))
        return [
            {
                "segment_id": row.segment_id,
                "informant": row.informant,
                "role": str(roles.get(row.segment_id, "")),
                "criterion": row.criterion,
                "polarity": row.polarity,
                "method": methods.get(
                    (row.segment_id, row.criterion, row.polarity),
                    "learned" if row.criterion else "",
                ),
                "source": str(sources.get(row.informant, "")),
                "text": row.text,
                "probability": None if pd.isna(row.probability) else round(row.probability, 2),
                "reason": row.reason,
            }
            for row in table.itertuples(index=False)
        ]

    def _conclusions(self, conclusion: Conclusion) -> dict:
        rows = conclusion.conclusions.to_dict("records")
        expected = {}
        if conclusion.comparison is not None:
            expected = {
                r["criterion"]: (r["expected"], bool(r["matches"]))
                for r in conclusion.comparison.to_dict("records")
            }
        overall = conclusion.overall.iloc[0].to_dict()
        return {
            "criteria": [
                {
                    "criterion": r["criterion"],
                    "verdict": r["verdict"],
                    "label": self.book.decision.label(r["verdict"]),
                    "positive": int(r["positive"]),
                    "with_stance": int(r["with_stance"]),
                    "share": None if pd.isna(r["share"]) else round(float(r["share"]), 2),
                    "threshold": float(r["threshold"]),
                    "expected": expected.get(r["criterion"], ("", None))[0],
                    "matches": expected.get(r["criterion"], ("", None))[1],
                }
                for r in rows
            ],
            "overall": {
                "verdict": overall["verdict"],
                "label": overall["label"],
                "met": int(overall["met"]),
                "criteria": int(overall["criteria"]),
                "expected": expected.get(OVERALL, ("", None))[0],
                "matches": expected.get(OVERALL, ("", None))[1],
            },
        }

    def _matrix(self, reduction: Reduction) -> list[dict]:
        """The checklist matrix (the display step's first matrix, without the others)."""
        matrix = checklist_matrix(reduction.stances, reduction.quotes, self.book)
        criteria = self.book.criterion_ids
        return [
            {
                "informant": row["informant"],
                "role": row["role"],
                "cells": [
                    {
                        "stance": row[c],
                        "symbol": STANCE_SYMBOLS.get(row[c], ""),
                        "counts": str(row[f"{c}_counts"]),
                    }
                    for c in criteria
                ],
            }
            for row in matrix.to_dict("records")
        ]

    # -- two coders ------------------------------------------------------------------------

    def _compare(self) -> pd.DataFrame | None:
        if not self.compare:
            return None
        if len(self.compare) != 2:
            raise InputError("--compare", "give two review files to compare, each with --compare")
        return pipeline.agree(
            list(self.compare), self.corpus, self.book, personal_data=self.personal_data
        ).disagreements

    def _disagreement_rows(self, codings: pd.DataFrame) -> list[dict] | None:
        """The two coders' disagreements, each with the consensus value the review file
        now gives it."""
        if self._disagreements is None:
            return None
        coders = [c for c in self._disagreements.columns if c not in _DISAGREEMENT_CONTEXT]
        now = codings.groupby(["segment_id", "criterion"])["polarity"].agg(set).to_dict()
        rows = []
        for row in self._disagreements.to_dict("records"):
            held = now.get((row["segment_id"], row["criterion"]), set())
            rows.append(
                {
                    "segment_id": row["segment_id"],
                    "informant": row["informant"],
                    "criterion": row["criterion"],
                    "text": row["text"],
                    "values": [[coder, str(row[coder])] for coder in coders],
                    "consensus": _value(held),
                }
            )
        return rows

    # -- decisions -------------------------------------------------------------------------

    def decide(self, request: dict) -> dict:
        """Write one decision (or one added coding on several sentences) and return the
        new state."""
        coder = self._coder(request)
        action = _choice(request, "action", ACTIONS)
        note = self._note(request)
        if action == NOTHING:  # about the whole sentence, whatever criterion is shown
            segment_id = self._segment(request.get("segment_id"))
            return self._save(coder, decision_rows(NOTHING, segment_id, "", "", coder, note=note))
        criterion = _choice(request, "criterion", tuple(self.book.criterion_ids))
        polarity = _choice(request, "polarity", POLARITIES)
        if action == "add":
            segment_ids = request.get("segment_ids")
            if not isinstance(segment_ids, list) or not 0 < len(segment_ids) <= MAX_SENTENCES:
                raise RequestError(f"segment_ids: give 1 to {MAX_SENTENCES} sentences")
            segment_ids = [self._segment(s) for s in segment_ids]
        else:
            segment_ids = [self._segment(request.get("segment_id"))]
        to = ""
        if action == "recode":
            to = _choice(request, "to", tuple(self.book.criterion_ids))
            if to == criterion:
                raise RequestError("to: recode to another criterion")
        rows = []
        for segment_id in dict.fromkeys(segment_ids):
            rows += decision_rows(action, segment_id, criterion, polarity, coder, to=to, note=note)
        return self._save(coder, rows)

    def resolve(self, request: dict) -> dict:
        """Settle a disagreement: the consensus value of a sentence and criterion, written as
        the decisions that make the review file give that value."""
        coder = self._coder(request)
        segment_id = self._segment(request.get("segment_id"))
        criterion = _choice(request, "criterion", tuple(self.book.criterion_ids))
        value = _choice(request, "value", CONSENSUS_VALUES)
        note = self._note(request)
        codings = self.reduction().codings
        here = codings[(codings["segment_id"] == segment_id) & (codings["criterion"] == criterion)]
        held = set(here["polarity"])
        auto = self.coding.codings
        proposed = set(
            auto[(auto["segment_id"] == segment_id) & (auto["criterion"] == criterion)]["polarity"]
        )
        rows = []
        for polarity in POLARITIES:
            wanted = value in (polarity, "mixed")
            if wanted:
                action = "accept" if polarity in proposed else "add"
            elif polarity in held:
                action = "reject"
            else:
                continue
            rows += decision_rows(action, segment_id, criterion, polarity, coder, note=note)
        if not rows:
            return self.state()
        return self._save(coder, rows)

    def undo(self, request: dict) -> dict:
        """Take back this coder's last decision made in this workbench."""
        coder = self._coder(request)
        with self._lock:
            stack = self.history.get(coder, [])
            if not stack:
                raise RequestError(self.texts["nothing_to_undo"])
            rows = stack.pop()
            save_decisions(self.review, rows, undo=True)
        return self.state()

    def _save(self, coder: str, rows: list[dict[str, str]]) -> dict:
        with self._lock:
            save_decisions(self.review, rows)
            self.history.setdefault(coder, []).append(rows)
        return self.state()

    def _segment(self, value: object) -> str:
        if not isinstance(value, str) or value not in self._segments:
            raise RequestError("segment_id: no such sentence in this study")
        return value

    @staticmethod
    def _coder(request: dict) -> str:
        coder = request.get("coder")
        if not isinstance(coder, str) or not coder.strip():
            raise RequestError("coder: give your name or initials")
        coder = coder.strip()
        if len(coder) > MAX_CODER or not coder.isprintable():
            raise RequestError(f"coder: at most {MAX_CODER} printable characters")
        return coder

    @staticmethod
    def _note(request: dict) -> str:
        note = request.get("note", "")
        if not isinstance(note, str):
            raise RequestError("note: text expected")
        note = note.strip()
        if len(note) > MAX_NOTE or not all(ch.isprintable() or ch in "\n\t" for ch in note):
            raise RequestError(f"note: at most {MAX_NOTE} characters, no control characters")
        return note


_DISAGREEMENT_CONTEXT = {"segment_id", "informant", "role", "criterion", "text"}


def _sources(reduction: Reduction) -> dict[str, str]:
    """Each informant's transcript file, which the queue filters by."""
    informants = reduction.informants
    return dict(zip(informants["informant"], informants["source"], strict=True))


def _with_suggestions(margin: dict[str, list], queue: list[dict]) -> None:
    """Put each suggestion into its sentence's margin: on the coding the rules gave, its
    probability and reason; a code only the learned coder proposes, as a coding of its own
    to accept or reject (what the terminal's ``review --suggested`` offers)."""
    for item in queue:
        if not item["criterion"]:
            continue
        entries = margin.setdefault(item["segment_id"], [])
        found = next(
            (
                e
                for e in entries
                if (e["criterion"], e["polarity"]) == (item["criterion"], item["polarity"])
                and e["status"] != "rejected"
            ),
            None,
        )
        if found is None:
            found = {
                "criterion": item["criterion"],
                "polarity": item["polarity"],
                "method": item["method"],
                "phrases": "",
                "rule": "",
                "status": "suggested",
                "coder": "",
                "note": "",
            }
            entries.append(found)
        found["probability"] = item["probability"]
        found["reason"] = item["reason"]


def _choice(request: dict, key: str, allowed: tuple[str, ...]) -> str:
    value = request.get(key)
    if value not in allowed:
        raise RequestError(f"{key}: one of {', '.join(allowed)}")
    return value


def _value(polarities: set[str]) -> str:
    """A unit's value from the polarities coded on it (the agreement's categories)."""
    if len(polarities) == 2:
        return "mixed"
    return next(iter(polarities), "absent")

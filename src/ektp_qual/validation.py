"""Checking a codebook against a corpus before trusting the coding.

What ``ektp-qual validate`` reports, beyond the errors that stop every command:
phrases that match nothing, phrases that stand under two criteria or both polarities,
guide questions that the coder would attribute to another criterion, informants with no
coded evidence, and transcripts with more than one informant label.
"""

from __future__ import annotations

from collections import defaultdict

import pandas as pd

from .coding import Coder, CodingResult
from .model import Codebook, Corpus

ISSUE_COLUMNS = ["level", "check", "source", "line", "message"]


def validate(corpus: Corpus, codebook: Codebook) -> pd.DataFrame:
    """Every warning about the inputs, one row each (``level`` is always "warning")."""
    coder = Coder(codebook)
    result = coder.code(corpus)
    rows: list[tuple] = [("warning", "input", n.source, n.line, n.message) for n in corpus.notices]
    rows += _unmatched_phrases(result)
    rows += _ambiguous_phrases(coder)
    rows += _misread_questions(coder)
    coded = set(result.codings["informant"])
    for t in corpus.transcripts:
        if t.informant not in coded:
            rows.append(
                (
                    "warning",
                    "no evidence",
                    t.source,
                    None,
                    f"informant {t.informant} has no coded evidence",
                )
            )
        labels = sorted({turn.speaker for turn in t.turns if not turn.is_interviewer})
        if len(labels) > 1:
            rows.append(
                (
                    "warning",
                    "speaker labels",
                    t.source,
                    None,
                    f"several informant labels ({', '.join(labels)}): a typo in a label, "
                    "or a line such as 'Note: ...' read as a speaker?",
                )
            )
    return pd.DataFrame(rows, columns=ISSUE_COLUMNS)


def _unmatched_phrases(result: CodingResult) -> list[tuple]:
    rows = []
    unmatched = result.unmatched_phrases()
    for (name, polarity), group in unmatched.groupby(["list", "polarity"], sort=False):
        total = len(_phrases_of(result.codebook, name, polarity))
        rows.append(
            (
                "warning",
                "unmatched phrases",
                result.codebook.source,
                None,
                f"{name}.{polarity}: {len(group)} of {total} phrases match nothing in the "
                f"corpus: {', '.join(group['phrase'])}",
            )
        )
    return rows


def _phrases_of(codebook: Codebook, name: str, polarity: str) -> tuple[str, ...]:
    if name == "evaluative":
        return getattr(codebook, f"evaluative_{polarity}")
    return getattr(codebook.criterion(name), polarity)


def _ambiguous_phrases(coder: Coder) -> list[tuple]:
    """Phrases that read the same (same word keys) under two criteria or polarities."""
    places: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for c in coder.codebook.criteria:
        for polarity, phrases in (("positive", c.positive), ("negative", c.negative)):
            for phrase in phrases:
                key = tuple(coder.keys.key(t.text) for t in coder.nlp.make_doc(phrase))
                places[key].append(f"{c.id}.{polarity} ({phrase!r})")
    return [
        (
            "warning",
            "ambiguous phrase",
            coder.codebook.source,
            None,
            f"{' '.join(key)!r} is listed under " + " and ".join(where),
        )
        for key, where in places.items()
        if len({place.split(" ")[0] for place in where}) > 1
    ]


def _misread_questions(coder: Coder) -> list[tuple]:
    rows = []
    for c in coder.codebook.criteria:
        for question in c.questions:
            topic, _ = coder.question_topic(question)
            if topic != c.id:
                found = topic or "no criterion"
                rows.append(
                    (
                        "warning",
                        "guide question",
                        coder.codebook.source,
                        None,
                        f"{c.id} question {question!r} would be read as about {found}; "
                        "answers to it will not be attributed to this criterion",
                    )
                )
    return rows

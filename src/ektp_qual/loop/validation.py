"""Checking a codebook against a corpus before trusting the coding.

What ``ektp-qual validate`` reports, beyond the errors that stop every command:
phrases that match nothing, phrases that stand under two criteria or both polarities,
guide questions that the coder would attribute to another criterion, informants with no
coded evidence, and transcripts with more than one informant label. These are
**warnings**. Beside them come **notes**, which ask nothing of the researcher but say how
the words around the phrases changed the coding: which wish, self, contrast, fix or
quantity word, or negator, changed how many codings, with an example of each.
"""

from __future__ import annotations

from collections import defaultdict

import pandas as pd

from ..coding.coder import Coder, CodingResult
from ..language.privacy import Masker
from ..model import Codebook, Corpus, Notice
from ..model.errors import InputError

ISSUE_COLUMNS = ["level", "check", "source", "line", "message"]
#: How each kind of change reads in a note.
CHANGE_NAMES = {
    "wish": "a wish or a condition",
    "not about the service": "a subject that is not the service",
    "conceded": "the conceded side of a contrast",
    "problem fixed": "a problem told with its fix",
}


def validate(corpus: Corpus, codebook: Codebook) -> pd.DataFrame:
    """Every warning and note about the inputs, one row each (``level``: warning or note)."""
    coder = Coder(codebook)
    result = coder.code(corpus)
    notices = [*corpus.notices, *deciding_role_notices(corpus, codebook)]
    rows: list[tuple] = [("warning", "input", n.source, n.line, n.message) for n in notices]
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
    rows += context_notes(result)
    table = pd.DataFrame(rows, columns=ISSUE_COLUMNS)
    # Shown on the screen: file names and quoted text keep no informant's personal data.
    mask = Masker.for_study(corpus, codebook)
    return table.assign(
        source=table["source"].map(mask.file_name), message=table["message"].map(mask)
    )


def deciding_role_notices(corpus: Corpus, codebook: Codebook) -> list[Notice]:
    """Check ``decision.roles`` against the roles the transcripts have.

    A deciding role no transcript has is almost always a typo; when none of them is
    present every verdict would be "undetermined", so that is an error, not a result.
    """
    wanted = codebook.decision.roles
    if not wanted:
        return []
    present = list(dict.fromkeys(t.role for t in corpus.transcripts))
    missing = [role for role in wanted if role not in present]
    if not missing:
        return []
    listed = ", ".join(repr(r) for r in missing)
    advice = f"the transcripts' roles are {', '.join(repr(r) for r in present)}"
    if len(missing) == len(wanted):
        raise InputError(
            codebook.source,
            f"'decision.roles' names {listed}, which no transcript has, so no informant "
            f"would decide any verdict; {advice}",
            codebook.decision.roles_line,
        )
    return [
        Notice(
            codebook.source,
            codebook.decision.roles_line,
            f"'decision.roles' names {listed}, which no transcript has; {advice}",
        )
    ]


def context_notes(result: CodingResult) -> list[tuple]:
    """Notes on what the words around phrases did: dropped codings by kind and word, and
    codings whose polarity a negator or a word of quantity turned."""
    rows = []
    changes = result.changes
    for change, group in changes.groupby("change", sort=False):
        words = group["word"].str.lower().value_counts()
        listed = ", ".join(f"{w!r} {n}" for w, n in words.head(8).items())
        rows.append(
            (
                "note",
                "context",
                result.codebook.source,
                None,
                f"{len(group)} matched phrase(s) were no evidence as {CHANGE_NAMES[change]}: "
                f"{listed}",
            )
        )
    codings = result.codings
    negated = codings.loc[codings["negated"], "negator"].str.lower().value_counts()
    if not negated.empty:
        listed = ", ".join(f"{w!r} {n}" for w, n in negated.head(8).items())
        rows.append(
            (
                "note",
                "context",
                result.codebook.source,
                None,
                f"{int(negated.sum())} coding(s) turned by a negator: {listed}",
            )
        )
    short = codings["rule"].str.extract(r"a shortage by '([^']*)'")[0].dropna().str.lower()
    if not short.empty:
        listed = ", ".join(f"{w!r} {n}" for w, n in short.value_counts().head(8).items())
        rows.append(
            (
                "note",
                "context",
                result.codebook.source,
                None,
                f"{len(short)} positive phrase(s) read as a shortage: {listed}",
            )
        )
    answers = int((codings["method"] == "answer").sum())
    if answers:
        rows.append(
            (
                "note",
                "context",
                result.codebook.source,
                None,
                f"{answers} short answer(s) coded through what their question proposed",
            )
        )
    return rows


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

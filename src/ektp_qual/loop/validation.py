"""Checking a codebook against a corpus before trusting the coding.

What ``ektp-qual validate`` reports, beyond the errors that stop every command:
phrases listed twice, phrases that stand under two criteria or both polarities, criteria
none of whose phrases matches anything, guide questions that the coder would attribute
to another criterion, informants with no coded evidence, and transcripts with more than
one informant label. These are **warnings**: each is a defect to fix, and ``--strict``
fails on any. Beside them come **notes**, which ask nothing of the researcher: the
phrases that match nothing in this corpus (normal for a codebook written from theory
before the interviews, so a statement of coverage, not a defect), and how the words
around the phrases changed the coding: which wish, self, hearsay, contrast, fix or quantity word,
or negator, changed how many codings, with an example of each.
"""

from __future__ import annotations

from collections import defaultdict

import pandas as pd

from ..coding.coder import Coder, CodingResult
from ..inputs.transcripts import transcriber_note
from ..language.privacy import Masker
from ..model import Codebook, Corpus, Notice
from ..model.errors import InputError

#: ``phrases``: the phrases a row is about, when it is about many (listed apart from the
#: message so that a display can wrap them).
ISSUE_COLUMNS = ["level", "check", "source", "line", "message", "phrases"]
#: How each kind of change reads in a note.
CHANGE_NAMES = {
    "wish": "a wish or a condition",
    "not about the service": "a subject that is not the service",
    "conceded": "the conceded side of a contrast",
    "hearsay": "what others say, before the speaker's own word",
    "problem fixed": "a problem told with its fix",
    "candour": "a candour word opening its clause",
    "neither": "a criterion denied both ways",
    "greeting": "the answer to a greeting that opens the interview",
}


def validate(corpus: Corpus, codebook: Codebook, masker: Masker | None) -> pd.DataFrame:
    """Every warning and note about the inputs, one row each (``level``: warning or note).

    ``masker``: how file names and quoted text are shown (``None``: as they are); the
    caller decides, as for every output, so that privacy is settled in one place.
    """
    coder = Coder(codebook)
    result = coder.code(corpus)
    notices = [*corpus.notices, *deciding_role_notices(corpus, codebook)]
    rows: list[tuple] = [("warning", "input", n.source, n.line, n.message) for n in notices]
    rows += _unmatched_phrases(result)
    rows += _duplicate_phrases(coder)
    rows += _ambiguous_phrases(coder)
    rows += _misread_questions(coder)
    rows += _background_questions(coder, result)
    coded = set(result.codings["informant"])
    for t in corpus.transcripts:
        if t.preamble and transcriber_note(t.preamble):
            rows.append(
                (
                    "note",
                    "preamble",
                    t.source,
                    t.body_line,
                    f"the note before the first turn is kept and not coded: {t.preamble!r}",
                )
            )
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
    rows = [row if len(row) == len(ISSUE_COLUMNS) else (*row, ()) for row in rows]
    order = {"warning": 0, "note": 1}
    rows.sort(key=lambda row: order.get(row[0], 2))
    table = pd.DataFrame(rows, columns=ISSUE_COLUMNS)
    if masker is None:
        return table
    return table.assign(
        source=table["source"].map(masker.file_name),
        message=table["message"].map(masker),
        phrases=table["phrases"].map(lambda phrases: tuple(map(masker, phrases))),
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
    for pattern, told in (
        (r"""asked against by ('[^']*'|"[^"]*")""", "negative phrase(s) asked against, kept"),
        (r"""a good thing lost by ('[^']*'|"[^"]*")""", "positive phrase(s) read as lost"),
        (
            r"""after the refusal ('[^']*'|"[^"]*") to change""",
            "positive coding(s) read as praise after a refusal to change anything",
        ),
    ):
        found = codings["rule"].str.extract(pattern)[0].dropna().str.lower()
        if not found.empty:
            listed = ", ".join(f"{w} {n}" for w, n in found.value_counts().head(8).items())
            rows.append(
                ("note", "context", result.codebook.source, None, f"{len(found)} {told}: {listed}")
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
    judging = (
        codings["rule"]
        .str.extract(
            r"""a short judging answer ('[^']*'|"[^"]*") about (\S+), """
            r"""the topic of ('[^']*'|"[^"]*")"""
        )
        .dropna()
    )
    if not judging.empty:
        found = (judging[0] + " for " + judging[1] + ", the topic of " + judging[2]).value_counts()
        listed = "; ".join(f"{w} ({n})" if n > 1 else w for w, n in found.head(5).items())
        rows.append(
            (
                "note",
                "context",
                result.codebook.source,
                None,
                f"{len(judging)} short judging answer(s) counted for the topic their question "
                f"gave: {listed}",
            )
        )
    return rows


def _unmatched_phrases(result: CodingResult) -> list[tuple]:
    """A note per list on the phrases that found nothing, and a warning for a criterion
    none of whose phrases found anything: that is a codebook that cannot code it."""
    rows = []
    book = result.codebook
    unmatched = result.unmatched_phrases()
    for (name, polarity), group in unmatched.groupby(["list", "polarity"], sort=False):
        total = len(_phrases_of(book, name, polarity))
        rows.append(
            (
                "note",
                "unmatched phrases",
                book.source,
                None,
                f"{name}.{polarity}: {len(group)} of {total} phrases match nothing in the corpus",
                tuple(group["phrase"]),
            )
        )
    for c in book.criteria:
        missed = (unmatched["list"] == c.id).sum()
        if missed == len(c.positive) + len(c.negative):
            rows.append(
                (
                    "warning",
                    "unmatched criterion",
                    book.source,
                    None,
                    f"none of the {missed} phrases of {c.id} matches anything in the corpus: "
                    "nothing can be coded for it but generic judgements",
                )
            )
    return rows


def _duplicate_phrases(coder: Coder) -> list[tuple]:
    """Phrases listed twice in one list: a warning for the same words written twice (a
    slip the second copy hides), a note per list for phrases written differently that
    the coder reads alike (*nggak lama* and *tidak lama*): the second adds nothing."""
    book = coder.codebook
    lists = [
        (("criteria", n, polarity), f"{c.id}.{polarity}", getattr(c, polarity))
        for n, c in enumerate(book.criteria)
        for polarity in ("positive", "negative")
    ]
    lists += [
        (
            ("evaluative", polarity),
            f"evaluative.{polarity}",
            getattr(book, f"evaluative_{polarity}"),
        )
        for polarity in ("positive", "negative")
    ]
    lines = _phrase_lines(book)
    rows = []
    for path, name, phrases in lists:
        first: dict[tuple[str, ...], str] = {}
        alike: list[str] = []
        for index, phrase in enumerate(phrases):
            key = tuple(coder.keys.key(t.text) for t in coder.nlp.make_doc(phrase))
            if key not in first:
                first[key] = phrase
            elif first[key].casefold() == phrase.casefold():
                rows.append(
                    (
                        "warning",
                        "duplicate phrase",
                        book.source,
                        lines(*path, index),
                        f"{phrase!r} is listed twice in {name}; remove one",
                    )
                )
            else:
                alike.append(f"{phrase!r} as {first[key]!r}")
        if alike:
            rows.append(
                (
                    "note",
                    "phrases read alike",
                    book.source,
                    None,
                    f"{name}: {len(alike)} phrase(s) read as one listed before them, so they "
                    "add nothing",
                    tuple(alike),
                )
            )
    return rows


def _phrase_lines(book: Codebook):
    """A function giving the codebook file's line of a phrase (None when not from a file)."""
    from ..inputs.textfile import read_text
    from ..inputs.yamldoc import YamlDocument
    from ..model.errors import InputError

    try:
        doc = YamlDocument(read_text(book.path, "codebook"), book.source) if book.path else None
    except (InputError, OSError):
        doc = None
    return (lambda *path: doc.line(*path)) if doc is not None else (lambda *path: None)


def _phrases_of(codebook: Codebook, name: str, polarity: str) -> tuple[str, ...]:
    if name == "evaluative":
        return getattr(codebook, f"evaluative_{polarity}")
    return getattr(codebook.criterion(name), polarity)


def _ambiguous_phrases(coder: Coder) -> list[tuple]:
    """Phrases that read the same (same word keys) under two criteria or polarities,
    named as written: a word key is the coder's internal form, not what the author typed."""
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
            " and ".join(where) + " read as the same words",
        )
        for key, where in places.items()
        if len({place.split(" ")[0] for place in where}) > 1
    ]


def _background_questions(coder: Coder, result: CodingResult) -> list[tuple]:
    """A note on the questions read as about the informant (``background_questions``),
    whose answers took no topic from them."""
    segments = result.segments
    asked = segments.drop_duplicates("question")["question"]
    background = [q for q in asked if q and coder.read_question(q).background]
    if not background:
        return []
    answers = int(segments["question"].isin(background).sum())
    listed = "; ".join(repr(q) for q in background[:5])
    return [
        (
            "note",
            "context",
            coder.codebook.source,
            None,
            f"{len(background)} question(s) about the informant, not the service, gave "
            f"their {answers} answer sentence(s) no topic: {listed}",
        )
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

"""The data of a qualitative study: transcripts, codebooks and the tables built from them.

Everything here is plain data. Tables are pandas DataFrames whose columns are listed
in the ``*_COLUMNS`` constants below; those lists are the documented contract of the
CSV exports as well.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

#: A file or folder given by its path, as text or as a ``Path``.
PathLike = str | Path

#: One row per sentence of an informant (interviewer turns are context, never segments).
#: ``start``/``end`` are 0-based code-point offsets into the transcript body (the text after
#: the front matter, BOM removed, line ends normalised to ``\n``): ``body[start:end] == text``.
SEGMENT_COLUMNS = [
    "segment_id",  # stable: informant + sentence text + occurrence, not row order
    "informant",
    "role",
    "turn",  # 1-based index of the informant's turn in the transcript
    "sentence",  # 1-based index of the sentence within its turn
    "line",  # 1-based line number in the transcript file where the sentence starts
    "start",
    "end",
    "text",
    "question",  # the interviewer turn this sentence answers ("" before any question)
    "topic",  # criterion id the question asks about (structural coding), or ""
]

#: One row per piece of coded evidence (a phrase match, or a generic judgement in an
#: answer to a guide question).
CODING_COLUMNS = [
    "segment_id",
    "informant",
    "role",
    "criterion",
    "polarity",  # "positive" or "negative", after negation
    "method",  # "phrase", "negated phrase", "structural", "answer" (a short answer read
    # against its question), or "manual" (added in review)
    "phrase",  # the codebook phrase that fired first, as written in the codebook
    "phrases",  # every phrase behind the coding, "; "-separated (the answer, for "answer")
    "negated",  # True when a negator flipped the phrase's polarity
    "start",  # offsets of the segment (sentence) in the transcript body
    "end",
    "text",
    "negator",  # the negating word, or ""
    "matched",  # the words of the transcript that matched, "; "-separated
    "rule",  # human-readable provenance: which lists, words or question made the coding
    "codebook_sha256",
]

#: How ``phrases`` and ``matched`` of a coding list everything behind it.
PHRASE_SEPARATOR = "; "

#: How the rule of a coding begins when an answer to a question of what should change or
#: stay named an aspect of a criterion without judging it: its phrase is that aspect.
ASPECT_RULE = "an aspect of "

#: One row per informant and criterion: the reduced stance.
STANCE_COLUMNS = [
    "informant",
    "role",
    "criterion",
    "stance",  # "positive", "negative", "mixed" or "none"
    "n_positive",  # coded sentences with positive evidence
    "n_negative",  # coded sentences with negative evidence
    "n_reviewed",  # of those, how many a researcher accepted or added in review
]

#: One row per criterion: the verdict and the numbers behind it.
CONCLUSION_COLUMNS = [
    "criterion",
    "verdict",  # "met", "not met" or "undetermined"
    "positive",  # deciding informants with a positive stance
    "with_stance",  # deciding informants whose stance is not "none"
    "share",  # positive / with_stance (empty when undetermined)
    "threshold",
    "rule",
    "deciding_roles",
    "label",
]

STANCES = ("positive", "negative", "mixed", "none")
#: How every display writes a stance (and a coding's polarity) in one character.
STANCE_SYMBOLS = {"positive": "+", "negative": "-", "mixed": "±", "none": "·"}
POLARITIES = ("positive", "negative")
VERDICTS = ("met", "not met", "undetermined")
OVERALL_VERDICTS = ("met", "partly met", "not met", "undetermined")


@dataclass(frozen=True)
class Turn:
    """A speaker turn. Offsets point into the transcript body."""

    speaker: str
    is_interviewer: bool
    text: str
    start: int
    end: int
    line: int
    timestamp: str | None = None


@dataclass
class Transcript:
    """One interview with one informant."""

    informant: str
    role: str
    path: Path | None
    body: str
    body_line: int  # 1-based file line on which the body starts
    turns: list[Turn]
    attributes: dict[str, object] = field(default_factory=dict)
    name: str | None = None  # personal data: never exported unless asked for
    private_attributes: tuple[str, ...] = ()  # front-matter keys never exported
    interviewer_labels: tuple[str, ...] = ()
    preamble: str = ""
    informant_line: int = 2  # file line of the 'informant:' key, for error messages

    @property
    def source(self) -> str:
        return str(self.path) if self.path else f"<{self.informant}>"


@dataclass
class Notice:
    """A warning about the input that does not stop the run."""

    source: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line else self.source
        return f"{where}: {self.message}"


@dataclass
class Corpus:
    """The transcripts of a study, sorted by path."""

    transcripts: list[Transcript]
    root: Path | None = None
    notices: list[Notice] = field(default_factory=list)

    @property
    def informants(self) -> list[str]:
        return [t.informant for t in self.transcripts]


#: What a codebook example must code as, for its criterion.
EXAMPLE_EXPECTATIONS = ("positive", "negative", "none")


@dataclass(frozen=True)
class Example:
    """A sentence a criterion must code positive, negative or not at all (a codebook test)."""

    text: str
    expected: str  # one of EXAMPLE_EXPECTATIONS
    question: str = ""  # the interviewer's question it answers, if any
    line: int | None = None  # line in the codebook file


@dataclass(frozen=True)
class Criterion:
    id: str
    label: str
    positive: tuple[str, ...]
    negative: tuple[str, ...]
    label_en: str = ""
    definition: str = ""
    questions: tuple[str, ...] = ()
    short: str = ""  # abbreviation for narrow displays
    examples: tuple[Example, ...] = ()


@dataclass(frozen=True)
class DecisionRule:
    """How stances become verdicts (docs/formats.md section 3)."""

    rule: str = "share_positive"
    threshold: float = 0.75
    roles: tuple[str, ...] | None = None  # None: every role decides
    labels: tuple[tuple[str, str], ...] = ()  # verdict -> wording in the study's language
    roles_line: int | None = field(default=None, compare=False)  # in the codebook file

    def label(self, verdict: str) -> str:
        return dict(self.labels).get(verdict, "")

    def in_words(self) -> str:
        """The rule as one paragraph, worded once for every output that states it."""
        if self.roles:
            who = ("role " if len(self.roles) == 1 else "roles ") + ", ".join(self.roles)
        else:
            who = "every role"
        return (
            f"Rule {self.rule}: a criterion is met when, of the informants of the deciding "
            f"{who} who hold a stance on it (positive, negative or mixed), a share of at "
            f"least {self.threshold:g} ({self.threshold:.0%}) is positive; not met "
            "otherwise; undetermined when none of them holds a stance. An informant's stance "
            "is positive when more of their coded sentences speak for a criterion than "
            "against it, negative when more speak against, mixed when as many do each. The "
            "study is met when every criterion is met, not met when none is, and partly met "
            "otherwise."
        )


@dataclass(frozen=True)
class Morphology:
    """How words are normalised before matching; defaults come from the language."""

    clitics: tuple[str, ...] = ()
    variants: tuple[tuple[str, str], ...] = ()
    stemmer: str = "none"  # "none" or "sastrawi"
    no_derivation_prefixes: tuple[str, ...] = ()
    stems: tuple[tuple[str, str], ...] = ()  # word -> root where the stemmer errs


@dataclass(frozen=True)
class Discourse:
    """The words that decide whether, and which way, a matched phrase is evidence.

    Defaults come from the codebook's language (see ``discourse``); a codebook adds its own.
    """

    contrast_following: tuple[str, ...] = ()  # "X, tapi Y": the clause after wins
    contrast_conceding: tuple[str, ...] = ()  # "walaupun X, Y": the clause it opens is conceded
    hearsay: tuple[str, ...] = ()  # "katanya lama, tapi ...": what others say, then one's own
    remedy: tuple[str, ...] = ()  # a fix told after a problem: the problem is not evidence
    self: tuple[str, ...] = ()  # subjects that are not the service (one's hearing, a thesis)
    others: tuple[str, ...] = ()  # other citizens as subjects ("ibu-ibu", "other people")
    quantity_before: tuple[str, ...] = ()  # "cuma satu tenda": a facility becomes a shortage
    quantity_after: tuple[str, ...] = ()  # "tendanya cuma satu", "kursinya penuh"
    follow_ups: tuple[str, ...] = ()  # interviewer prompts that only ask to go on
    fillers: tuple[str, ...] = ()  # particles and forms of address in short answers
    question_words: tuple[str, ...] = ()  # "bagaimana", "how": not a yes-or-no question
    affirm: tuple[str, ...] = ()  # short answers that say yes ("Udah.", "Yeah.")
    deny: tuple[str, ...] = ()  # short answers that say no ("Belum.", "Not really.")
    degree: tuple[str, ...] = ()  # words of degree a short judging answer may hold ("banget")
    events: tuple[str, ...] = ()  # words that ask whether something happened ("pernah", "ever")
    small_talk: tuple[str, ...] = ()  # the interview's own day in a question ("hari ini")
    candour: tuple[str, ...] = ()  # "Jujur, ...": opening its clause, frames what follows
    change_questions: tuple[str, ...] = ()  # "Ada saran?": the answer names what lacks
    keep_questions: tuple[str, ...] = ()  # "And keep?": the answer names what is good
    greetings: tuple[str, ...] = ()  # "Selamat sore", "Hiya": an opening turn that greets
    prohibitives: tuple[str, ...] = ()  # "jangan", "don't": a problem asked against stays one
    background_questions: tuple[str, ...] = ()  # "lama tinggal di sini?": not the service
    lost: tuple[str, ...] = ()  # "used to": a good thing before it is one no longer had
    # The language's generic judgements (see ``language.evaluative``), which count like
    # the codebook's own ``evaluative`` lists; kept apart so notes list only its own.
    evaluative_positive: tuple[str, ...] = ()
    evaluative_negative: tuple[str, ...] = ()


@dataclass(frozen=True)
class Codebook:
    id: str
    title: str
    language: str
    criteria: tuple[Criterion, ...]
    negators: tuple[str, ...] = ()
    evaluative_positive: tuple[str, ...] = ()
    evaluative_negative: tuple[str, ...] = ()
    decision: DecisionRule = DecisionRule()
    morphology: Morphology = Morphology()
    negation_window: int = 5
    phrase_gap: int = 2
    clause_breaks: tuple[str, ...] = ()
    irrealis: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    discourse: Discourse = Discourse()
    private_attributes: tuple[str, ...] = ()  # case attributes never exported
    sha256: str = ""
    path: Path | None = None

    @property
    def source(self) -> str:
        return str(self.path) if self.path else f"<codebook {self.id}>"

    @property
    def criterion_ids(self) -> list[str]:
        return [c.id for c in self.criteria]

    def criterion(self, criterion_id: str) -> Criterion:
        for c in self.criteria:
            if c.id == criterion_id:
                return c
        raise KeyError(criterion_id)


@dataclass(frozen=True)
class Findings:
    """Expected verdicts (for example a thesis's) to compare a reproduction with."""

    criteria: tuple[tuple[str, str], ...]
    overall: str | None = None
    source: str = ""
    note: str = ""
    path: Path | None = None

    def expected(self, criterion_id: str) -> str | None:
        return dict(self.criteria).get(criterion_id)

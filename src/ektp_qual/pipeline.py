"""The whole analysis as Python calls: what each CLI command does, for notebooks.

>>> from ektp_qual import analyse
>>> result = analyse()                       # the embedded sample
>>> result.conclusion.conclusions            # a pandas DataFrame
>>> result = analyse("my_interviews/", "my_codebook.yaml")

Each argument takes a path or an object already read (``Corpus``, ``Codebook``,
``Findings``). Without transcripts and codebook, the embedded sample is used, and with
it the thesis's findings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .analysis import conclusion as concl
from .analysis import display as disp
from .analysis import reduction as red
from .codebook import read_codebook
from .coding import Coder
from .corpus import read_corpus
from .errors import InputError
from .findings import read_findings
from .model import Codebook, Corpus, Findings, Notice
from .privacy import Masker
from .review import ReviewFile, ReviewOutcome, apply_review, read_review
from .sample import sample_codebook, sample_findings, sample_transcripts

PathLike = str | Path

#: The tables each step exports, by name (``codings`` is written as ``codings.csv``).
REDUCTION_TABLES = ("informants", "segments", "codings", "stances")
DISPLAY_TABLES = ("checklist_matrix", "role_matrix", "evidence", "segments_by_code")
CONCLUSION_TABLES = ("conclusions", "overall", "triangulation", "negative_evidence", "comparison")
TABLES = REDUCTION_TABLES + DISPLAY_TABLES + CONCLUSION_TABLES


@dataclass
class Reduction:
    """Data reduction: segments, codings, each informant's stance, and quotes."""

    corpus: Corpus
    codebook: Codebook
    segments: pd.DataFrame
    codings: pd.DataFrame
    stances: pd.DataFrame
    quotes: pd.DataFrame
    informants: pd.DataFrame
    notices: list[Notice] = field(default_factory=list)
    review: ReviewOutcome | None = None  # what a researcher's review file changed
    #: Codebook phrases in all, and how many matched nothing in this corpus: a statement
    #: about the codebook's coverage (``validate`` lists them), not a problem with the input.
    codebook_phrases: int = 0
    unmatched_phrases: int = 0

    def tables(self) -> dict[str, pd.DataFrame]:
        tables = (self.informants, self.segments, self.codings, self.stances)
        return dict(zip(REDUCTION_TABLES, tables, strict=True))


@dataclass
class Display:
    """Data display: the matrices."""

    checklist_matrix: pd.DataFrame
    role_matrix: pd.DataFrame
    clustered_matrix: pd.DataFrame
    segments_by_code: pd.DataFrame

    def tables(self) -> dict[str, pd.DataFrame]:
        tables = (
            self.checklist_matrix,
            self.role_matrix,
            self.clustered_matrix,
            self.segments_by_code,
        )
        return dict(zip(DISPLAY_TABLES, tables, strict=True))


@dataclass
class Conclusion:
    """Conclusion drawing and verification."""

    conclusions: pd.DataFrame
    overall: pd.DataFrame
    triangulation: pd.DataFrame
    negative_evidence: pd.DataFrame
    comparison: pd.DataFrame | None = None
    findings: Findings | None = None

    @property
    def reproduces_findings(self) -> bool | None:
        """True when every expected verdict was reached; None without findings."""
        if self.comparison is None:
            return None
        return bool(self.comparison["matches"].dropna().all())

    def tables(self) -> dict[str, pd.DataFrame]:
        tables = (
            self.conclusions,
            self.overall,
            self.triangulation,
            self.negative_evidence,
            self.comparison,
        )
        return {
            name: table
            for name, table in zip(CONCLUSION_TABLES, tables, strict=True)
            if table is not None
        }


@dataclass
class Analysis:
    """All three Miles and Huberman steps on one corpus and codebook."""

    reduction: Reduction
    display: Display
    conclusion: Conclusion

    @property
    def corpus(self) -> Corpus:
        return self.reduction.corpus

    @property
    def codebook(self) -> Codebook:
        return self.reduction.codebook

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every table by its export name (``codings`` is written as ``codings.csv``)."""
        return {**self.reduction.tables(), **self.display.tables(), **self.conclusion.tables()}


def load(
    transcripts: PathLike | Corpus | None = None,
    codebook: PathLike | Codebook | None = None,
    findings: PathLike | Findings | None = None,
) -> tuple[Corpus, Codebook, Findings | None]:
    """Read the inputs; the sample stands in for what is not given."""
    use_sample = transcripts is None and codebook is None
    if findings is None and use_sample:
        findings = sample_findings()
    corpus = (
        transcripts
        if isinstance(transcripts, Corpus)
        else read_corpus(transcripts if transcripts is not None else sample_transcripts())
    )
    book = (
        codebook
        if isinstance(codebook, Codebook)
        else read_codebook(codebook if codebook is not None else sample_codebook())
    )
    return corpus, book, _expected(findings, book)


def _expected(findings: PathLike | Findings | None, book: Codebook) -> Findings | None:
    """Findings read and checked against the codebook's criteria."""
    if findings is None:
        return None
    expected = findings if isinstance(findings, Findings) else read_findings(findings)
    unknown = [cid for cid, _ in expected.criteria if cid not in book.criterion_ids]
    if unknown:
        raise InputError(
            expected.path or "<findings>",
            f"criteria not in the codebook: {', '.join(unknown)} "
            f"(the codebook has {', '.join(book.criterion_ids)})",
        )
    return expected


def informants_table(corpus: Corpus, personal_data: bool = False) -> pd.DataFrame:
    """One row per informant with the case attributes of the front matter."""
    rows = []
    for t in corpus.transcripts:
        row: dict[str, object] = {"informant": t.informant, "role": t.role}
        if personal_data:
            row["name"] = t.name or ""
        row.update(t.attributes)
        row["source"] = t.path.name if t.path else ""
        rows.append(row)
    return pd.DataFrame(rows)


def _with_attributes(table: pd.DataFrame, informants: pd.DataFrame) -> pd.DataFrame:
    """Case attributes appended to an informant-level table (docs/formats.md: carried along)."""
    extra = [c for c in informants.columns if c not in ("role", "source")]
    attributes = informants[extra].rename(
        columns={c: (f"attr_{c}" if c in table.columns and c != "informant" else c) for c in extra}
    )
    return table.merge(attributes, on="informant", how="left")


def reduce(
    transcripts: PathLike | Corpus | None = None,
    codebook: PathLike | Codebook | None = None,
    *,
    review: PathLike | ReviewFile | None = None,
    personal_data: bool = False,
) -> Reduction:
    """Step 1, data reduction: code the corpus, apply a review file if given, and reduce.

    ``review`` is a review file (see ``ektp_qual.review``): rejected codings drop out and
    added ones count. Without it the automatic coding stands alone.
    """
    corpus, book, _ = load(transcripts, codebook, None)
    return _reduce(corpus, book, personal_data, review)


def _reduce(
    corpus: Corpus,
    book: Codebook,
    personal_data: bool,
    review: PathLike | ReviewFile | None = None,
) -> Reduction:
    result = Coder(book).code(corpus)
    segments = result.segments
    decisions = None
    if review is not None:
        decisions = review if isinstance(review, ReviewFile) else read_review(review)
    outcome = apply_review(result.codings, segments, decisions or ReviewFile(), book)
    codings = outcome.codings
    if not personal_data:
        mask = Masker(t.name for t in corpus.transcripts)
        masked: dict[str, str] = {}  # a coding's text is its sentence's: masked once
        segments = segments.assign(
            text=_masked(segments["text"], mask, masked),
            question=_masked(segments["question"], mask, masked),
        )
        codings = codings.assign(text=_masked(codings["text"], mask, masked))
    informants = informants_table(corpus, personal_data)
    stances = red.stances(codings, corpus, book)
    return Reduction(
        corpus=corpus,
        codebook=book,
        segments=_with_attributes(segments, informants),
        codings=_with_attributes(codings, informants),
        stances=_with_attributes(stances, informants),
        quotes=red.quotes(codings),
        informants=informants,
        notices=[*corpus.notices, *outcome.notices],
        review=outcome if decisions is not None else None,
        codebook_phrases=_phrase_count(book),
        unmatched_phrases=len(result.unmatched_phrases()),
    )


def _masked(column: pd.Series, mask: Masker, masked: dict[str, str]) -> pd.Series:
    """The column with personal data masked; ``masked`` remembers each text done."""
    new = [text for text in column.unique() if text not in masked]
    masked.update(zip(new, map(mask, new), strict=True))
    return column.map(masked)


def _phrase_count(book: Codebook) -> int:
    """Every phrase of the codebook: the criteria's and the generic judgements'."""
    total = sum(len(c.positive) + len(c.negative) for c in book.criteria)
    return total + len(book.evaluative_positive) + len(book.evaluative_negative)


def display(reduction: Reduction) -> Display:
    """Step 2, data display: the checklist, role-ordered and clustered matrices."""
    book = reduction.codebook
    stances = reduction.stances
    informants = reduction.informants
    return Display(
        checklist_matrix=_with_attributes(
            disp.checklist_matrix(stances, reduction.quotes, book), informants
        ),
        role_matrix=disp.role_ordered_matrix(stances, book),
        clustered_matrix=disp.conceptually_clustered_matrix(
            reduction.codings, reduction.quotes, book
        ),
        segments_by_code=_with_attributes(
            disp.segments_by_code(reduction.segments, reduction.codings, book), informants
        ),
    )


def conclude(reduction: Reduction, findings: PathLike | Findings | None = None) -> Conclusion:
    """Step 3, conclusion drawing and verification."""
    book = reduction.codebook
    findings = _expected(findings, book)
    conclusions = concl.verdicts(reduction.stances, book)
    overall = concl.overall_verdict(conclusions, book)
    return Conclusion(
        conclusions=conclusions,
        overall=overall,
        triangulation=concl.triangulation(reduction.stances, book),
        negative_evidence=concl.negative_evidence(conclusions, reduction.quotes, book),
        comparison=None
        if findings is None
        else concl.compare_with_findings(conclusions, overall, findings),
        findings=findings,
    )


def analyse(
    transcripts: PathLike | Corpus | None = None,
    codebook: PathLike | Codebook | None = None,
    findings: PathLike | Findings | None = None,
    *,
    review: PathLike | ReviewFile | None = None,
    personal_data: bool = False,
) -> Analysis:
    """Code a corpus and run reduction, display and conclusion: ``ektp-qual code``.

    ``review``: a review file whose decisions are applied to the automatic codings.
    """
    corpus, book, expected = load(transcripts, codebook, findings)
    reduction = _reduce(corpus, book, personal_data, review)
    return Analysis(reduction, display(reduction), conclude(reduction, expected))

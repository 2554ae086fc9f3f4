"""The results of the three Miles and Huberman steps, as plain data.

They live with the model, not with the pipeline that computes them, so that every
writer (terminal, tables, workbook, report, REFI-QDA) reads results without depending
on how they were made.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from . import Codebook, Corpus, Findings, Notice

#: The tables each step exports, by name (``codings`` is written as ``codings.csv``).
REDUCTION_TABLES = ("informants", "segments", "codings", "stances")
DISPLAY_TABLES = ("checklist_matrix", "role_matrix", "evidence", "segments_by_code")
CONCLUSION_TABLES = ("conclusions", "overall", "triangulation", "negative_evidence", "comparison")
TABLES = REDUCTION_TABLES + DISPLAY_TABLES + CONCLUSION_TABLES


@dataclass
class ReviewOutcome:
    """Codings after review, with what the review changed."""

    codings: pd.DataFrame
    accepted: int = 0
    rejected: int = 0
    added: int = 0
    coders: tuple[str, ...] = ()
    notices: list[Notice] = field(default_factory=list)
    #: (segment_id, criterion, polarity) -> decided_at of the decision in force, as
    #: written (exports date the codings a researcher decided by it).
    decided_at: dict[tuple[str, str, str], str] = field(default_factory=dict)


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

"""The results of the three Miles and Huberman steps, as plain data.

They live with the model, not with the pipeline that computes them, so that every
writer (terminal, tables, workbook, report, REFI-QDA) reads results without depending
on how they were made.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from . import Codebook, Corpus, Findings, Notice

#: The tables each step exports, by name (``codings`` is written as ``codings.csv``).
REDUCTION_TABLES = ("informants", "segments", "codings", "stances")
DISPLAY_TABLES = ("checklist_matrix", "role_matrix", "evidence", "segments_by_code")
CONCLUSION_TABLES = ("conclusions", "overall", "triangulation", "negative_evidence", "comparison")
TABLES = REDUCTION_TABLES + DISPLAY_TABLES + CONCLUSION_TABLES
#: Written only when verification was asked for (``--verify``, ``analyse(verify=True)``).
VERIFICATION_TABLES = ("verification", "subgroups", "threshold_sweep")


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
    #: Whether informants' names, NIKs and phone numbers were kept (``--personal-data``):
    #: decided once, when the analysis is made; every writer follows it.
    personal_data: bool = False
    #: The study's masker (``language.privacy.Masker``) unless personal data is kept:
    #: made once with the analysis, and what every writer masks raw text with.
    masker: Any = None
    #: The corpus in numbers per role and in all (``analysis.reduction.corpus_summary``):
    #: what every display of the study reports.
    summary: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: The rules' codings before any review decision (not exported): what the learned
    #: coder and ``suggest`` compare the researcher's decisions with.
    automatic: pd.DataFrame | None = None

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every table of the step by its export name, which is also its field's name."""
        return _by_name(self, REDUCTION_TABLES)


@dataclass
class Display:
    """Data display: the matrices."""

    checklist_matrix: pd.DataFrame
    role_matrix: pd.DataFrame
    evidence: pd.DataFrame  # the conceptually clustered matrix: criterion x theme
    segments_by_code: pd.DataFrame

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every table of the step by its export name, which is also its field's name."""
        return _by_name(self, DISPLAY_TABLES)


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
        """Every table of the step by its export name (``comparison`` only with findings)."""
        return _by_name(self, CONCLUSION_TABLES)


@dataclass(frozen=True)
class VerificationSettings:
    """How hard verification shakes the verdicts; every figure follows from these.

    ``bootstrap`` resamples of the deciding informants and ``ablation`` runs that each
    drop the share ``drop`` of the codebook's phrases, both drawn from ``seed``.
    """

    seed: int = 0
    bootstrap: int = 1000
    ablation: int = 20
    drop: float = 0.2


@dataclass
class Verification:
    """How sure each verdict is: margin, leave-one-out, bootstrap, codebook and threshold
    sensitivity, and the verdict within subgroups (``analysis.verification``)."""

    verification: pd.DataFrame  # one row per criterion, and one for all of them
    subgroups: pd.DataFrame  # attribute value (or role) x criterion
    threshold_sweep: pd.DataFrame  # criterion x threshold
    settings: VerificationSettings
    #: The rule that labels a verdict robust or fragile, in words, as every output states it.
    rule: str = ""

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every table of the verification by its export name."""
        return _by_name(self, VERIFICATION_TABLES)


@dataclass
class Analysis:
    """All three Miles and Huberman steps on one corpus and codebook."""

    reduction: Reduction
    display: Display
    conclusion: Conclusion
    verification: Verification | None = None  # when asked for: how sure each verdict is

    @property
    def corpus(self) -> Corpus:
        return self.reduction.corpus

    @property
    def codebook(self) -> Codebook:
        return self.reduction.codebook

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every table by its export name (``codings`` is written as ``codings.csv``)."""
        tables = {**self.reduction.tables(), **self.display.tables(), **self.conclusion.tables()}
        if self.verification is not None:
            tables.update(self.verification.tables())
        return tables


def _by_name(result: object, names: tuple[str, ...]) -> dict[str, pd.DataFrame]:
    """The result's tables by name: a table is found by its field, never by position."""
    tables = {name: getattr(result, name) for name in names}
    return {name: table for name, table in tables.items() if table is not None}

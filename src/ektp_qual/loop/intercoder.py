"""How far coders agree: coders' files turned into a reliability table, then measured.

The unit of analysis is a **segment and a criterion**: for each informant sentence and
each criterion of the codebook, a coder's value is ``positive``, ``negative``, ``mixed``
(both polarities in the one sentence) or ``absent`` (not coded). A coder's value is
*missing* for the interviews they did not code, so coders who each took part of the
corpus can still be compared (Krippendorff's alpha allows missing values).

What a file says about its coder:

* a **review file** (with a ``decision`` column) is the automatic coding as that coder
  corrected it, exactly as ``ektp-qual code`` would apply it; the coder coded the
  interviews in which they made at least one decision. Automatic codings they left
  undecided there count as accepted, and are reported;
* a **codings file** (``segment_id, criterion, polarity``; for example a ``codings.csv``
  or a coder's manual coding) is a complete coding of the interviews it mentions;
* ``auto`` is the automatic coder, run now on the whole corpus. A ``codings.csv`` the tool
  wrote without review counts as automatic too.

Percent agreement, Cohen's kappa (two coders) and Krippendorff's alpha (nominal) come
from ``analysis.agreement``; when the automatic coder meets a human one, precision,
recall and F1 say how well it finds what the human found, and ``verdicts`` whether the
two codings lead to the same informant stances and the same verdicts.

A **study folder** holds a study's ``codebook.yaml`` and ``transcripts/``; a coder's
file inside one (``validation/<study>/gold.csv``) is read against that study when no
corpus or codebook is given.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..analysis import agreement as stats
from ..analysis.conclusion import overall_verdict
from ..analysis.conclusion import verdicts as verdicts_of
from ..analysis.reduction import stances as stances_of
from ..inputs.review_file import ReviewFile, apply_review, check_criteria, read_review
from ..model import Codebook, Corpus, Notice, PathLike
from ..model.errors import InputError
from ..model.results import Reduction

AUTO = "auto"
#: What each unit is and which values it takes, as the reports say it.
UNIT = (
    "unit: one informant sentence x one criterion; value: positive, negative, mixed "
    "(both in the sentence) or absent (not coded); missing where a coder did not code "
    "the interview"
)
DISAGREEMENT_COLUMNS = ["segment_id", "informant", "role", "criterion", "text"]
#: One row per criterion (and ``overall``) for each automatic coder against each human one.
VERDICT_COLUMNS = [
    "automatic",
    "reference",
    "criterion",
    "stances",  # informant x criterion cells both coded
    "same_stance",
    "stance_agreement",
    "verdict_automatic",
    "verdict_reference",
    "matches",
]
STUDY_CODEBOOK = "codebook.yaml"
STUDY_TRANSCRIPTS = "transcripts"


@dataclass
class Coding:
    """One coder's codings and which interviews they cover."""

    name: str
    codings: pd.DataFrame  # segment_id, criterion, polarity
    informants: frozenset[str]
    automatic: bool = False
    source: str = ""


@dataclass
class Agreement:
    """Agreement between coders, with the tables behind it."""

    coders: tuple[str, ...]
    values: pd.DataFrame  # the reliability table: (segment_id, criterion) x coder
    agreement: pd.DataFrame  # per criterion and overall (analysis.agreement columns)
    detection: pd.DataFrame | None  # automatic coder against each human coder
    disagreements: pd.DataFrame
    verdicts: pd.DataFrame | None = None  # stances and verdicts, automatic against human
    notices: list[Notice] = field(default_factory=list)
    unit: str = UNIT

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every table by its export name."""
        tables = {"agreement": self.agreement, "disagreements": self.disagreements}
        if self.detection is not None:
            tables["detection"] = self.detection
        if self.verdicts is not None:
            tables["verdicts"] = self.verdicts
        return tables


def check_coders(coders: list[PathLike]) -> None:
    """Agreement needs two coders; say so before any work."""
    if len(coders) < 2:
        raise InputError("agree", "give at least two coders (files, or 'auto')")


def agreement_of(
    coders: list[PathLike], reduction: Reduction, *, whole_corpus: bool = False
) -> Agreement:
    """Agreement between coders' files (or ``"auto"``, the automatic coding of
    ``reduction``) on the reduction's corpus.

    ``whole_corpus``: every coder coded every interview, so what a file does not mention
    is absent, not missing.
    """
    check_coders(coders)
    book = reduction.codebook
    everyone = frozenset(reduction.corpus.informants) if whole_corpus else None
    notices: list[Notice] = []
    codings = [
        _coding(name, given, reduction, notices, everyone)
        for name, given in zip(_names(coders), coders, strict=True)
    ]
    values = reliability_table(codings, reduction.segments, book)
    criteria = values.index.get_level_values("criterion").to_series(index=values.index)
    table = stats.agreement_table(values, criteria)
    return Agreement(
        coders=tuple(c.name for c in codings),
        values=values,
        agreement=table.rename(columns={"group": "criterion"}),
        detection=_detection(codings, values, criteria),
        disagreements=disagreements(values, reduction.segments),
        verdicts=_verdicts(codings, reduction),
        notices=notices,
    )


def study_of(coders: list[PathLike]) -> tuple[Path, Path] | None:
    """The study folder (transcripts, codebook) the coders' files all lie in, if any."""
    folders = {Path(c).resolve().parent for c in coders if str(c) != AUTO}
    if len(folders) != 1:
        return None
    folder = folders.pop()
    transcripts, codebook = folder / STUDY_TRANSCRIPTS, folder / STUDY_CODEBOOK
    if transcripts.is_dir() and codebook.is_file():
        return transcripts, codebook
    return None


def _names(coders: list[PathLike]) -> list[str]:
    """A column name per coder: 'auto', or the file's name, made unique."""
    names: list[str] = []
    for given in coders:
        base = AUTO if str(given) == AUTO else Path(given).stem
        name, n = base, 2
        while name in names:
            name, n = f"{base}-{n}", n + 1
        names.append(name)
    return names


def _coding(
    name: str,
    given: PathLike,
    reduction: Reduction,
    notices: list,
    everyone: frozenset[str] | None,
) -> Coding:
    """One coder's codings; ``everyone`` when every coder coded the whole corpus."""
    segments, auto = reduction.segments, reduction.codings
    informant_of = dict(zip(segments["segment_id"], segments["informant"], strict=True))
    if str(given) == AUTO:
        return Coding(name, auto, frozenset(informant_of.values()), automatic=True)
    review = read_review(given, codings=True)
    decisions = review.decisions()
    check_criteria(decisions, review.source, reduction.codebook)
    known = decisions[decisions["segment_id"].isin(informant_of)]
    if len(known) < len(decisions):
        notices.append(
            Notice(
                review.source,
                None,
                f"{len(decisions) - len(known)} row(s) name segments this corpus does not "
                "have (was a transcript edited?); they were left out",
            )
        )
    covered = everyone or frozenset(known["segment_id"].map(informant_of))
    if "decision" not in review.names:
        latest = known.drop_duplicates(["segment_id", "criterion", "polarity"], keep="last")
        automatic = _written_by_the_tool(review)
        return Coding(name, latest, covered, automatic=automatic, source=str(given))
    reviewed = apply_review(auto, segments, known, reduction.codebook).codings
    pending = reviewed[(reviewed["source"] == "auto") & reviewed["informant"].isin(covered)]
    undecided = len(pending.drop_duplicates(["segment_id", "criterion", "polarity"]))
    if undecided:
        notices.append(
            Notice(
                review.source,
                None,
                f"{undecided} automatic coding(s) in the interviews this coder reviewed have "
                "no decision and count as accepted",
            )
        )
    return Coding(name, reviewed, covered, source=str(given))


def _written_by_the_tool(review: ReviewFile) -> bool:
    """A codings.csv from ``ektp-qual code`` without review decisions is the automatic coder."""
    names = review.names
    if "method" not in names or "codebook_sha256" not in names:
        return False
    if "source" not in names:
        return True
    column = names.index("source")
    return all(row[column] == "auto" for row in review.rows if len(row) > column)


def reliability_table(
    codings: list[Coding], segments: pd.DataFrame, codebook: Codebook
) -> pd.DataFrame:
    """Units (segment x criterion) by coders; NaN where a coder did not code the interview."""
    index = pd.MultiIndex.from_product(
        [segments["segment_id"], codebook.criterion_ids], names=["segment_id", "criterion"]
    )
    informant = np.repeat(segments["informant"].to_numpy(), len(codebook.criterion_ids))
    columns = {}
    for coding in codings:
        polarity = (
            coding.codings.drop_duplicates(["segment_id", "criterion", "polarity"])
            .groupby(["segment_id", "criterion"])["polarity"]
            .agg(lambda p: p.iloc[0] if len(p) == 1 else "mixed")
        )
        value = polarity.reindex(index).fillna("absent").astype(object)
        value[~np.isin(informant, list(coding.informants))] = np.nan
        columns[coding.name] = value.to_numpy()
    return pd.DataFrame(columns, index=index)


def disagreements(values: pd.DataFrame, segments: pd.DataFrame) -> pd.DataFrame:
    """The units where coders who both coded them differ, for a consensus meeting."""
    distinct = values.nunique(axis=1, dropna=True)
    table = values[distinct > 1].reset_index()
    context = segments[["segment_id", "informant", "role", "text"]]
    table = table.merge(context, on="segment_id", how="left")
    return table[[*DISAGREEMENT_COLUMNS, *values.columns]].fillna({c: "" for c in values})


def _verdicts(codings: list[Coding], reduction: Reduction) -> pd.DataFrame | None:
    """Stances and verdicts of each automatic coder against each human coder.

    Over the interviews both coded, each coding reduced by the study's decision rule:
    the share of informant x criterion stances that agree, and the verdict per criterion.
    """
    book = reduction.codebook
    place = reduction.segments.set_index("segment_id")[["informant", "role"]]
    rows = []
    for auto in (c for c in codings if c.automatic):
        for human in (c for c in codings if not c.automatic):
            both = auto.informants & human.informants
            corpus = Corpus([t for t in reduction.corpus.transcripts if t.informant in both])
            if not corpus.transcripts:
                continue
            reduced = []
            for coding in (auto, human):
                table = coding.codings[["segment_id", "criterion", "polarity"]].join(
                    place, on="segment_id"
                )
                reduced.append(stances_of(table[table["informant"].isin(both)], corpus, book))
            same = reduced[0]["stance"].to_numpy() == reduced[1]["stance"].to_numpy()
            by_criterion = reduced[0]["criterion"].to_numpy()
            concluded = [verdicts_of(r, book) for r in reduced]
            found = [c.set_index("criterion")["verdict"] for c in concluded]
            found = [
                pd.concat([f, pd.Series({"overall": overall_verdict(c, book)["verdict"].iloc[0]})])
                for f, c in zip(found, concluded, strict=True)
            ]
            for criterion in [*book.criterion_ids, "overall"]:
                cells = same if criterion == "overall" else same[by_criterion == criterion]
                pair = (found[0][criterion], found[1][criterion])
                rows.append(
                    (
                        auto.name,
                        human.name,
                        criterion,
                        len(cells),
                        int(cells.sum()),
                        round(float(cells.mean()), 3),
                        *pair,
                        pair[0] == pair[1],
                    )
                )
    return pd.DataFrame(rows, columns=VERDICT_COLUMNS) if rows else None


def _detection(
    codings: list[Coding], values: pd.DataFrame, criteria: pd.Series
) -> pd.DataFrame | None:
    """Precision, recall and F1 of each automatic coder against each human coder."""
    parts = []
    for auto in (c for c in codings if c.automatic):
        for human in (c for c in codings if not c.automatic):
            table = stats.detection_table(values[auto.name], values[human.name], criteria)
            parts.append(
                table.rename(columns={"group": "criterion"}).assign(
                    automatic=auto.name, reference=human.name
                )
            )
    if not parts:
        return None
    table = pd.concat(parts, ignore_index=True)
    front = ["automatic", "reference", "criterion"]
    return table[[*front, *(c for c in table.columns if c not in front)]]

"""The three Miles and Huberman steps as calls, and ``analyse`` for all of them at once:
what ``code``, ``reduce``, ``display``, ``conclude`` and ``validate`` do. Privacy is
decided here, once (``_masker``)."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from ..analysis import conclusion as concl
from ..analysis import display as disp
from ..analysis import reduction as red
from ..coding.coder import CodingResult
from ..coding.parallel import code_with_jobs
from ..inputs.codebook import read_codebook
from ..inputs.findings import read_findings
from ..inputs.review_file import ReviewFile, apply_review, read_review
from ..inputs.sample import sample_codebook, sample_findings, sample_transcripts
from ..inputs.transcripts import read_corpus
from ..language.privacy import (
    Masker,
    shared_attributes,
    shared_file_name,
    shared_notices,
    unused_private_attributes,
)
from ..loop import validation
from ..loop.validation import deciding_role_notices
from ..model import Codebook, Corpus, Findings, Notice, PathLike, Transcript
from ..model.errors import InputError
from ..model.results import (
    Analysis,
    Conclusion,
    Display,
    Reduction,
    Verification,
    VerificationSettings,
)


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
    deciding_role_notices(corpus, book)  # refuses deciding roles that no transcript has
    return corpus, book, _expected(findings, book)


def validate(
    transcripts: PathLike | Corpus | None = None,
    codebook: PathLike | Codebook | None = None,
    *,
    personal_data: bool = False,
) -> pd.DataFrame:
    """Warnings and notes on a codebook and a corpus, without analysing them:
    ``ektp-qual validate``.

    One row per finding (``level``, ``check``, ``source``, ``line``, ``message``,
    ``phrases``); unless ``personal_data``, file names and quoted text are masked.
    """
    corpus, book, _ = load(transcripts, codebook, None)
    return validation.validate(corpus, book, _masker(corpus, book, personal_data))


def _masker(corpus: Corpus, book: Codebook | None, personal_data: bool) -> Masker | None:
    """The one place where privacy is decided: ``None`` keeps personal data.

    An informant id is the key of every table, so it cannot be masked without losing
    who said what: one that holds a name, NIK or phone number is refused instead."""
    if personal_data:
        return None
    masker = Masker.for_study(corpus, book)
    _refuse_named_ids(corpus.transcripts, masker)
    return masker


def _refuse_named_ids(transcripts: list[Transcript], masker: Masker) -> None:
    for transcript in transcripts:
        if masker.file_name(transcript.informant) != transcript.informant:
            raise InputError(
                transcript.source,
                f"informant id {transcript.informant!r} holds a name, NIK or phone number, "
                "and ids are shown in every table and export: give the informant a code "
                "such as M07 (a name can stay under 'name:'), or pass --personal-data",
                transcript.informant_line,
            )


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


def informants_table(
    corpus: Corpus,
    personal_data: bool = False,
    codebook: Codebook | None = None,
    masker: Masker | None = None,
) -> pd.DataFrame:
    """One row per informant with the case attributes of the front matter.

    Private attributes (the codebook's or the front matter's ``private_attributes``) are
    left out; unless ``personal_data``, the others and the file name are masked like text.
    """
    if masker is None:
        masker = _masker(corpus, codebook, personal_data)
    rows = []
    for t in corpus.transcripts:
        row: dict[str, object] = {"informant": t.informant, "role": t.role}
        if personal_data:
            row["name"] = t.name or ""
        row.update(shared_attributes(t, codebook, masker))
        row["source"] = shared_file_name(t, masker)
        rows.append(row)
    table = pd.DataFrame(rows)
    # An attribute only some transcripts have would otherwise come after ``source``.
    return table[[c for c in table.columns if c != "source"] + ["source"]]


def _with_attributes(table: pd.DataFrame, informants: pd.DataFrame) -> pd.DataFrame:
    """Case attributes appended to an informant-level table (docs/formats.md: carried along).

    Each row takes its informant's attributes by position, which is what the left merge
    gives when every informant has one row of attributes, in a third less time.
    """
    extra = [c for c in informants.columns if c not in ("role", "source")]
    attributes = informants[extra].rename(
        columns={c: (f"attr_{c}" if c in table.columns and c != "informant" else c) for c in extra}
    )
    keys = attributes["informant"]
    at = pd.Index(keys).get_indexer(table["informant"]) if keys.is_unique else None
    added = [c for c in attributes.columns if c != "informant"]
    if at is None or not len(table) or (at < 0).any() or table.columns.isin(added).any():
        return table.merge(attributes, on="informant", how="left")
    taken = {c: attributes[c].array.take(at) for c in added}
    return table.reset_index(drop=True).assign(**taken)


def data_reduction(
    transcripts: PathLike | Corpus | None = None,
    codebook: PathLike | Codebook | None = None,
    *,
    review: PathLike | ReviewFile | None = None,
    personal_data: bool = False,
    coding: CodingResult | None = None,
    learn: bool = False,
    learn_threshold: float | None = None,
    jobs: int | None = None,
) -> Reduction:
    """Step 1, data reduction: code the corpus, apply a review file if given, and reduce.

    ``review`` is a review file (see ``ektp_qual.inputs.review_file``): rejected codings
    drop out and added ones count. Without it the automatic coding stands alone.
    ``coding``: this corpus already coded by this codebook (``code_corpus``), not coded
    again. ``learn``: the learned coder (``coding.learned``) also codes the sentences
    nobody reviewed, where it is at least ``learn_threshold`` sure (None: a threshold
    chosen on the decisions, ``coding.learned.chosen_threshold``). ``jobs``: the most
    processes to code in (None: every core; 1: this process only); a corpus too small to
    gain is coded in this process (``coding.parallel``).
    """
    corpus, book, _ = load(transcripts, codebook, None)
    return _reduce(
        corpus,
        book,
        personal_data,
        review,
        coding=coding,
        learn=learn,
        learn_threshold=learn_threshold,
        jobs=jobs,
    )


def _reduce(
    corpus: Corpus,
    book: Codebook,
    personal_data: bool,
    review: PathLike | ReviewFile | None = None,
    *,
    coding: CodingResult | None = None,
    learn: bool = False,
    learn_threshold: float | None = None,
    jobs: int | None = 1,
) -> Reduction:
    _check_threshold(learn_threshold)
    result = coding if coding is not None else code_with_jobs(corpus, book, jobs)
    segments = result.segments
    decisions = None
    if review is not None:
        decisions = review if isinstance(review, ReviewFile) else read_review(review)
    outcome = apply_review(result.codings, segments, decisions or ReviewFile(), book)
    codings = outcome.codings
    mask = _masker(corpus, book, personal_data)
    if mask is not None:
        masked: dict[str, str] = {}  # a coding's text is its sentence's: masked once
        segments = segments.assign(
            text=_masked(segments["text"], mask, masked),
            question=_masked(segments["question"], mask, masked),
        )
        # What a phrase matched is the informant's words, and a phrase of a codebook
        # written alongside the interviews may name an informant ("go and see Ryan").
        codings = codings.assign(
            **{
                column: _masked(codings[column], mask, masked)
                for column in ("text", "phrase", "phrases", "matched")
            }
        )
    if learn:  # on the masked text: no feature it names can be personal data
        from ..coding.learned import learned_codings  # scikit-learn: only when asked

        found = learned_codings(
            segments,
            result.codings,
            codings,
            decisions.decisions() if decisions is not None else None,
            book,
            threshold=learn_threshold,
        )
        codings = _with_learned(codings, found, segments, book)
    informants = informants_table(corpus, personal_data, book, mask)
    stances = red.stances(codings, corpus, book)
    return Reduction(
        corpus=corpus,
        codebook=book,
        segments=_with_attributes(segments, informants),
        codings=_with_attributes(codings, informants),
        stances=_with_attributes(stances, informants),
        quotes=red.quotes(codings),
        informants=informants,
        notices=shared_notices(
            [
                *corpus.notices,
                *deciding_role_notices(corpus, book),
                *_private_notice(corpus, book),
                *outcome.notices,
            ],
            mask,
        ),
        review=outcome if decisions is not None else None,
        codebook_phrases=_phrase_count(book),
        summary=red.corpus_summary(corpus, segments, codings),
        personal_data=personal_data,
        masker=mask,
        unmatched_phrases=len(result.unmatched_phrases()),
        automatic=result.codings[["segment_id", "criterion", "polarity", "method"]],
    )


def _check_threshold(threshold: float | None) -> None:
    if threshold is not None and not 0 < threshold < 1:
        raise InputError("--learn-threshold", f"must be above 0 and below 1, not {threshold}")


def _with_learned(
    codings: pd.DataFrame, learned: pd.DataFrame, segments: pd.DataFrame, book: Codebook
) -> pd.DataFrame:
    """The codings with the learned coder's added (``method = learned``), in corpus order.

    Every coding then has ``probability`` and ``features``: empty for the rules' and the
    researcher's codings, the model's for its own.
    """
    from ..coding.learned import LEARNED_COLUMNS

    if learned.empty:
        return codings.assign(probability=float("nan"), features="")
    columns = ["segment_id", "informant", "role", "start", "end", "text"]
    rows = learned.merge(segments[columns], on="segment_id", how="left").assign(
        method="learned",
        phrase="",
        phrases="",
        negated=False,
        negator="",
        matched="",
        rule=lambda t: [f"learned coder, p = {p:.2f}" for p in t["probability"]],
        codebook_sha256=book.sha256[:12],
        source="auto",
        coder="",
        note="",
    )
    table = pd.concat(
        [
            codings.assign(probability=float("nan"), features=""),
            rows[[*codings.columns, *LEARNED_COLUMNS]],
        ],
        ignore_index=True,
    )
    # Each learned coding after its sentence's other codings, whose order stays as it was.
    position = dict(zip(segments["segment_id"], range(len(segments)), strict=True))
    table = table.iloc[table["segment_id"].map(position).argsort(kind="stable")]
    table = table.reset_index(drop=True)
    table["negated"] = table["negated"].astype(bool)
    return table


def _masked(column: pd.Series, mask: Masker, masked: dict[str, str]) -> pd.Series:
    """The column with personal data masked; ``masked`` remembers each text done.

    Each distinct text is masked once and put back by its code: ``Series.map`` with a
    dict of every text took three times as long. A column nothing was masked in is
    returned as it is. A column not of strings (an empty table's) is mapped, which makes
    it one.
    """
    codes, texts = pd.factorize(column)
    new = [text for text in texts if text not in masked]
    masked.update(zip(new, map(mask, new), strict=True))
    if column.dtype != "str":
        return column.map(masked)
    done = [masked[text] for text in texts]
    if done == texts.tolist():
        return column
    values = pd.array(done, dtype=column.dtype).take(codes, allow_fill=True)
    return pd.Series(values, index=column.index, name=column.name)


def _private_notice(corpus: Corpus, book: Codebook) -> list[Notice]:
    """A warning on private attributes no transcript has (a misspelt key exports the data)."""
    unused = unused_private_attributes(corpus, book)
    if not unused:
        return []
    return [
        Notice(
            book.source,
            None,
            f"private_attributes names {', '.join(map(repr, unused))}, which no transcript "
            "has: check the spelling against the front matter",
        )
    ]


def _phrase_count(book: Codebook) -> int:
    """Every phrase of the codebook: the criteria's and the generic judgements'."""
    total = sum(len(c.positive) + len(c.negative) for c in book.criteria)
    return total + len(book.evaluative_positive) + len(book.evaluative_negative)


def data_display(reduction: Reduction) -> Display:
    """Step 2, data display: the checklist, role-ordered and clustered matrices."""
    book = reduction.codebook
    stances = reduction.stances
    informants = reduction.informants
    return Display(
        checklist_matrix=_with_attributes(
            disp.checklist_matrix(stances, reduction.quotes, book), informants
        ),
        role_matrix=disp.role_ordered_matrix(stances, book),
        evidence=disp.conceptually_clustered_matrix(reduction.codings, reduction.quotes, book),
        segments_by_code=_with_attributes(
            disp.segments_by_code(reduction.segments, reduction.codings, book), informants
        ),
    )


def conclusion_drawing(
    reduction: Reduction, findings: PathLike | Findings | None = None
) -> Conclusion:
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


#: The short names of the three steps. In a notebook ``reduce`` and ``display`` shadow
#: ``functools.reduce`` and IPython's ``display`` when imported bare: prefer the long ones.
reduce = data_reduction
display = data_display
conclude = conclusion_drawing


def analyse(
    transcripts: PathLike | Corpus | None = None,
    codebook: PathLike | Codebook | None = None,
    findings: PathLike | Findings | None = None,
    *,
    review: PathLike | ReviewFile | None = None,
    personal_data: bool = False,
    verify: bool | VerificationSettings = False,
    coding: CodingResult | None = None,
    learn: bool = False,
    learn_threshold: float | None = None,
    jobs: int | None = None,
) -> Analysis:
    """Code a corpus and run reduction, display and conclusion: ``ektp-qual code``.

    ``review``: a review file whose decisions are applied to the automatic codings.
    ``verify``: also weigh how sure each verdict is (``True`` with the default settings,
    or ``VerificationSettings``); the result's ``verification`` holds the tables.
    ``coding``: the automatic coding of this corpus by this codebook, made before
    (``code_corpus``), so that a review in progress is analysed again after each decision
    without coding everything again. ``learn``: the learned coder codes the sentences
    nobody reviewed as well (``code --learn``), where it is at least ``learn_threshold``
    sure (None: chosen on the decisions by cross-validation). ``jobs``: the most
    processes to code in (None: every core, when the corpus is big enough to gain; 1:
    this process only). The tables are the same either way.
    """
    corpus, book, expected = load(transcripts, codebook, findings)
    if verify is not False:
        from ..analysis import verification as verif  # only when asked

        if verify is not True:
            verif.check_settings(verify)  # before the coding, not after it
    reduction = _reduce(
        corpus,
        book,
        personal_data,
        review,
        coding=coding,
        learn=learn,
        learn_threshold=learn_threshold,
        jobs=jobs,
    )
    result = Analysis(reduction, data_display(reduction), conclusion_drawing(reduction, expected))
    if verify is not False:
        result.verification = verif.verify(reduction, None if verify is True else verify)
    return result


def verify(
    result: Analysis | Reduction,
    settings: VerificationSettings | None = None,
    *,
    seed: int | None = None,
    bootstrap: int | None = None,
    ablation: int | None = None,
    drop: float | None = None,
) -> Verification:
    """How sure each verdict is: ``ektp-qual conclude --verify``.

    Margin, leave-one-out, bootstrap over informants, codebook and threshold sensitivity
    and subgroups, by the study's own decision rule on what ``result`` holds; nothing is
    re-read or re-coded. The keywords change the default ``VerificationSettings`` (or the
    ones given); the same seed gives the same figures.
    """
    from ..analysis import verification as verif

    reduction = result.reduction if isinstance(result, Analysis) else result
    chosen = {
        name: value
        for name, value in (
            ("seed", seed),
            ("bootstrap", bootstrap),
            ("ablation", ablation),
            ("drop", drop),
        )
        if value is not None
    }
    settings = replace(settings or VerificationSettings(), **chosen)
    return verif.verify(reduction, settings)

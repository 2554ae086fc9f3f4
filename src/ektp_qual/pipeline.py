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

from contextlib import ExitStack
from dataclasses import replace
from pathlib import Path
from tempfile import TemporaryDirectory

import pandas as pd

from .analysis import conclusion as concl
from .analysis import display as disp
from .analysis import reduction as red
from .analysis import streaming
from .analysis import verification as verif
from .analysis.keyness import DEFAULT_PER_CRITERION, keyness
from .coding.coder import CodingResult
from .coding.learned import (
    DEFAULT_THRESHOLD,
    LEARNED_COLUMNS,
    Evaluation,
    evaluate,
    learned_codings,
)
from .coding.parallel import CodingPool, code_with_jobs, workers_for
from .inputs.codebook import read_codebook
from .inputs.findings import read_findings
from .inputs.review_file import ReviewFile, apply_review, read_review
from .inputs.sample import sample_codebook, sample_findings, sample_transcripts
from .inputs.survey_stream import ANSWERS_PER_CHUNK, survey_chunks
from .inputs.transcripts import read_corpus
from .language.privacy import (
    Masker,
    shared_attributes,
    shared_file_name,
    shared_notices,
    unused_private_attributes,
)
from .loop import validation
from .loop.intercoder import Agreement, agreement_of, check_coders, study_of
from .loop.suggest import DEFAULT_COUNT, suggestions
from .loop.validation import deciding_role_notices
from .model import Codebook, Corpus, Findings, Notice, PathLike, Transcript
from .model.errors import InputError
from .model.results import (
    TABLES,
    Analysis,
    Conclusion,
    Display,
    Reduction,
    Verification,
    VerificationSettings,
)
from .outputs.export import PYTHON_API, check_writable, csv_bytes, export_names, write_run
from .outputs.stream import TableStream
from .refi.mapping import ImportResult, to_review
from .refi.qde import read_qdpx


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
    """The one place where privacy is decided: ``None`` keeps personal data."""
    return None if personal_data else Masker.for_study(corpus, book)


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
    """Case attributes appended to an informant-level table (docs/formats.md: carried along)."""
    extra = [c for c in informants.columns if c not in ("role", "source")]
    attributes = informants[extra].rename(
        columns={c: (f"attr_{c}" if c in table.columns and c != "informant" else c) for c in extra}
    )
    return table.merge(attributes, on="informant", how="left")


def data_reduction(
    transcripts: PathLike | Corpus | None = None,
    codebook: PathLike | Codebook | None = None,
    *,
    review: PathLike | ReviewFile | None = None,
    personal_data: bool = False,
    coding: CodingResult | None = None,
    learn: bool = False,
    learn_threshold: float = DEFAULT_THRESHOLD,
    jobs: int | None = None,
) -> Reduction:
    """Step 1, data reduction: code the corpus, apply a review file if given, and reduce.

    ``review`` is a review file (see ``ektp_qual.inputs.review_file``): rejected codings
    drop out and added ones count. Without it the automatic coding stands alone.
    ``coding``: this corpus already coded by this codebook (``code_corpus``), not coded
    again. ``learn``: the learned coder (``coding.learned``) also codes the sentences
    nobody reviewed, where it is at least ``learn_threshold`` sure. ``jobs``: the most
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
    learn_threshold: float = DEFAULT_THRESHOLD,
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
        codings = codings.assign(text=_masked(codings["text"], mask, masked))
    if learn:  # on the masked text: no feature it names can be personal data
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


def _check_threshold(threshold: float) -> None:
    if not 0 < threshold < 1:
        raise InputError("--learn-threshold", f"must be above 0 and below 1, not {threshold}")


def _with_learned(
    codings: pd.DataFrame, learned: pd.DataFrame, segments: pd.DataFrame, book: Codebook
) -> pd.DataFrame:
    """The codings with the learned coder's added (``method = learned``), in corpus order.

    Every coding then has ``probability`` and ``features``: empty for the rules' and the
    researcher's codings, the model's for its own.
    """
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
    """The column with personal data masked; ``masked`` remembers each text done."""
    new = [text for text in column.unique() if text not in masked]
    masked.update(zip(new, map(mask, new), strict=True))
    return column.map(masked)


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
    learn_threshold: float = DEFAULT_THRESHOLD,
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
    sure. ``jobs``: the most processes to code in (None: every core, when the corpus is
    big enough to gain; 1: this process only). The tables are the same either way.
    """
    corpus, book, expected = load(transcripts, codebook, findings)
    if verify is not False and verify is not True:
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


def suggest(
    transcripts: PathLike | Corpus | None = None,
    codebook: PathLike | Codebook | None = None,
    *,
    review: PathLike | ReviewFile | None = None,
    count: int = DEFAULT_COUNT,
    learn_threshold: float = DEFAULT_THRESHOLD,
    personal_data: bool = False,
) -> pd.DataFrame:
    """The next ``count`` sentences worth a researcher's decision: ``ektp-qual suggest``.

    Sentences already reviewed in ``review`` are left out; the rest are ranked by how
    likely their coding is wrong (``loop.suggest``). One row per proposed code, with the
    learned coder's probability and the reason; text masked unless ``personal_data``.
    """
    corpus, book, _ = load(transcripts, codebook, None)
    _check_threshold(learn_threshold)
    decisions = _review_of(review)
    reduction = _reduce(corpus, book, personal_data, decisions)
    return suggestions(
        reduction.segments,
        reduction.automatic,
        reduction.codings,
        decisions.decisions(),
        book,
        count=count,
        threshold=learn_threshold,
    )


def evaluate_learned_coder(
    transcripts: PathLike | Corpus | None = None,
    codebook: PathLike | Codebook | None = None,
    *,
    review: PathLike | ReviewFile | None = None,
    learn_threshold: float = DEFAULT_THRESHOLD,
) -> Evaluation:
    """Cross-validated precision, recall and F1 of the learned coder on the researcher's
    decisions, beside the rules', and a learning curve: ``ektp-qual suggest --evaluate``.
    """
    corpus, book, _ = load(transcripts, codebook, None)
    _check_threshold(learn_threshold)
    decisions = _review_of(review)
    reduction = _reduce(corpus, book, False, decisions)  # masked, as code --learn learns
    return evaluate(
        reduction.segments,
        reduction.automatic,
        reduction.codings,
        decisions.decisions(),
        book,
        threshold=learn_threshold,
    )


def suggest_phrases(
    transcripts: PathLike | Corpus | None = None,
    codebook: PathLike | Codebook | None = None,
    *,
    review: PathLike | ReviewFile | None = None,
    per_criterion: int = DEFAULT_PER_CRITERION,
    personal_data: bool = False,
) -> pd.DataFrame:
    """Phrases worth adding to each criterion, by keyness (Dunning's G²) of words and word
    pairs in its coded sentences and answers to its guide questions: ``ektp-qual codebook
    suggest``. The codebook is never changed; examples are masked unless ``personal_data``.
    """
    corpus, book, _ = load(transcripts, codebook, None)
    reduction = _reduce(corpus, book, personal_data, review)
    return keyness(reduction.segments, reduction.codings, book, per_criterion=per_criterion)


def _review_of(review: PathLike | ReviewFile | None) -> ReviewFile:
    if review is None:
        return ReviewFile()
    return review if isinstance(review, ReviewFile) else read_review(review)


def agree(
    coders: list[PathLike],
    transcripts: PathLike | Corpus | None = None,
    codebook: PathLike | Codebook | None = None,
    *,
    whole_corpus: bool = False,
    personal_data: bool = False,
) -> Agreement:
    """Agreement between coders' files (or ``"auto"``, the automatic coder): ``ektp-qual
    agree``.

    Without transcripts and codebook, coders' files inside a study folder
    (``codebook.yaml`` and ``transcripts/`` beside them) are read against that study,
    and other files against the sample. ``whole_corpus``: every coder coded every
    interview, so what a file does not mention is absent, not missing.
    """
    check_coders(coders)
    if transcripts is None and codebook is None:
        transcripts, codebook = study_of(coders) or (None, None)
    corpus, book, _ = load(transcripts, codebook, None)
    reduction = _reduce(corpus, book, personal_data)
    return agreement_of(coders, reduction, whole_corpus=whole_corpus)


def import_project(
    path: PathLike,
    transcripts: PathLike | Corpus | None = None,
    codebook: PathLike | Codebook | None = None,
    *,
    coder: str | None = None,
    personal_data: bool = False,
    offsets: str | None = None,
) -> ImportResult:
    """Another tool's codings (a REFI-QDA project) mapped onto a corpus: ``ektp-qual
    import``.

    Unless ``personal_data``, informants' names, NIK and phone numbers in the imported
    texts, notes and source names (often a file named after the informant) and in the
    notices are masked, as in every other table. ``offsets``: how the project counts
    selection offsets (see ``refi.qde.read_qdpx``); found from the tool by default.
    """
    project = read_qdpx(path, offsets=offsets)
    reduction = data_reduction(transcripts, codebook, personal_data=personal_data)
    # Sources exported masked are found again by masking the corpus the same way, even
    # when this import keeps personal data.
    exported_with = reduction.masker or Masker.for_study(reduction.corpus, reduction.codebook)
    result = to_review(project, reduction, coder=coder, masked_with=exported_with)
    if not personal_data:
        mask = reduction.masker

        def masked(column: str, how) -> pd.Series:
            return result.codings[column].map(lambda v: how(v) if isinstance(v, str) else v)

        result.codings = result.codings.assign(
            source=masked("source", mask.file_name),
            text=masked("text", mask),
            name=masked("name", mask),
            note=masked("note", mask),
        )
        result.notices = shared_notices(result.notices, mask)
    return result


#: Quotes kept per criterion and polarity from each chunk of a streamed survey: the
#: terminal shows the strongest two, one per informant.
_STREAM_QUOTES = 10


def analyse_survey(
    path: PathLike,
    codebook: PathLike | Codebook | None = None,
    findings: PathLike | Findings | None = None,
    *,
    out: PathLike,
    informant: str,
    answer: str,
    question: str | None = None,
    role: str | None = None,
    default_role: str | None = None,
    attributes: list[str] | None = None,
    personal_data: bool = False,
    jobs: int | None = None,
    answers: int = ANSWERS_PER_CHUNK,
    safe_csv: bool = True,
    formats: tuple[str, ...] = ("csv",),
    engine: str = "local",
    scheduler: str | None = None,
    command: str = PYTHON_API,
) -> Analysis:
    """A survey too big for memory, coded in chunks: ``ektp-qual code --survey ... --stream``.

    The CSV is read ``answers`` answers at a time (whole respondents, see
    ``inputs.survey_stream``), each chunk coded (on ``jobs`` processes) and reduced, and
    its per-sentence tables (``segments``, ``codings``, ``segments_by_code``) appended
    to files in ``out`` as they are produced; the informant-level and smaller tables are
    built from the chunks' counts, and every table is put in place at the end as one
    run (see ``outputs.export.write_run``). The tables equal ``analyse`` on
    ``read_survey``'s corpus. The result holds every table but the three per-sentence
    ones, which are on disk only (their fields are empty tables); its quotes are the
    strongest few per criterion. A review file is not applied to a streamed survey.
    ``formats``: ``csv``, ``parquet`` (with the scale extra) or both. ``engine``:
    ``local`` (worker processes here, ``jobs`` of them) or ``dask`` (the chunks' batches
    coded on the Dask cluster at ``scheduler``, or on a local one of ``jobs`` workers;
    see ``coding.cluster``).
    """
    if engine not in ("local", "dask"):
        raise ValueError(f"engine: use 'local' or 'dask', not {engine!r}")
    if not formats or set(formats) - {"csv", "parquet"}:
        raise ValueError(f"formats: csv, parquet or both, not {', '.join(formats) or 'none'}")
    chunks = survey_chunks(
        path,
        informant=informant,
        answer=answer,
        question=question,
        role=role,
        default_role=default_role,
        attributes=attributes,
        answers=answers,
    )
    book = (
        codebook
        if isinstance(codebook, Codebook)
        else read_codebook(codebook if codebook is not None else sample_codebook())
    )
    expected = _expected(findings, book)
    names = [Transcript(n, "", None, "", 1, [], name=n) for n in chunks.names]
    mask = None if personal_data else Masker.for_study(Corpus(names), book)
    tables = [name for name in TABLES if expected is not None or name != "comparison"]
    check_writable(out, export_names(tables, formats), command)
    stream = TableStream(out, safe=safe_csv, formats=tuple(formats))
    parts: dict[str, list[pd.DataFrame]] = {}
    transcripts: list[Transcript] = []
    unmatched: pd.DataFrame | None = None
    try:
        with ExitStack() as workers:
            pool = None
            for chunk in chunks:
                if pool is None and engine == "dask":
                    from .coding.cluster import DaskPool

                    pool = workers.enter_context(DaskPool(book, scheduler, jobs))
                elif pool is None:  # the first chunk tells whether workers pay
                    pool = workers.enter_context(CodingPool(book, workers_for(chunk, jobs)))
                result = pool.code(chunk)
                fired = result.unmatched_phrases()
                unmatched = fired if unmatched is None else unmatched.merge(fired)
                _survey_chunk(chunk, book, result, mask, personal_data, stream, parts)
                transcripts += [_roles_only(t) for t in chunk.transcripts]
        corpus = Corpus(transcripts, None, chunks.notices)
        deciding_role_notices(corpus, book)
        # each part dropped once joined: the chunks' copies would double the peak
        stances = pd.concat(parts.pop("stances"), ignore_index=True)
        quotes = pd.concat(parts.pop("quotes"), ignore_index=True)
        reduction = Reduction(
            corpus=corpus,
            codebook=book,
            segments=pd.DataFrame(columns=parts["segments_columns"][0]),
            codings=pd.DataFrame(columns=parts["codings_columns"][0]),
            stances=stances,
            quotes=quotes,
            informants=pd.concat(parts.pop("informants"), ignore_index=True),
            notices=shared_notices(
                [
                    *chunks.notices,
                    *deciding_role_notices(corpus, book),
                    *_private_notice(corpus, book),
                ],
                mask,
            ),
            codebook_phrases=_phrase_count(book),
            summary=streaming.summary_of_parts(parts["summary"]),
            personal_data=personal_data,
            masker=mask,
            unmatched_phrases=0 if unmatched is None else len(unmatched),
        )
        checklist = pd.concat(parts.pop("checklist"), ignore_index=True)
        role_order = {r: i for i, r in enumerate(dict.fromkeys(checklist["role"]))}
        checklist = checklist.sort_values(
            "role", key=lambda s: s.map(role_order), kind="stable"
        ).reset_index(drop=True)
        shown = Display(
            checklist_matrix=checklist,
            role_matrix=disp.role_ordered_matrix(stances, book),
            evidence=streaming.evidence_of_parts(parts.pop("evidence"), book),
            segments_by_code=pd.DataFrame(columns=parts["segments_by_code_columns"][0]),
        )
        conclusions = concl.verdicts(stances, book)
        against = _quotes_against(conclusions, parts["deciding_quotes"])
        overall = concl.overall_verdict(conclusions, book)
        concluded = Conclusion(
            conclusions=conclusions,
            overall=overall,
            triangulation=concl.triangulation(stances, book),
            negative_evidence=concl.negative_evidence(conclusions, against, book),
            comparison=None
            if expected is None
            else concl.compare_with_findings(conclusions, overall, expected),
            findings=expected,
        )
        analysis = Analysis(reduction, shown, concluded)
        small = {
            name: table
            for name, table in analysis.tables().items()
            if name not in ("segments", "codings", "segments_by_code")
        }
        files: dict[str, bytes | Path] = {}
        if "csv" in formats:
            files.update({f"{n}.csv": csv_bytes(t, safe=safe_csv) for n, t in small.items()})
        if "parquet" in formats:
            from .outputs.parquet import parquet_bytes

            files.update({f"{n}.parquet": parquet_bytes(t) for n, t in small.items()})
        files.update(stream.files())
        write_run(files, out, command)
        stream.release()
    except BaseException:
        stream.discard()
        raise
    finally:
        for spool in parts.get("spool", []):
            spool.cleanup()
    return analysis


def _quotes_against(conclusions: pd.DataFrame, spooled: list[Path]) -> pd.DataFrame:
    """The deciding quotes of every chunk, read back from disk, that go against their
    criterion's verdict: all ``negative_evidence`` can list, and all kept in memory."""
    against = {
        r.criterion: {"met": "negative", "not met": "positive"}.get(r.verdict)
        for r in conclusions.itertuples()
    }
    kept = []
    for path in spooled:
        quotes = pd.read_pickle(path)
        kept.append(quotes[quotes["polarity"] == quotes["criterion"].map(against)])
    return pd.concat(kept, ignore_index=True)


def _roles_only(transcript: Transcript) -> Transcript:
    """The transcript without its text: the corpus a streamed survey keeps in memory."""
    return Transcript(
        transcript.informant,
        transcript.role,
        transcript.path,
        "",
        transcript.body_line,
        [],
        transcript.attributes,
        transcript.name,
        transcript.private_attributes,
        transcript.interviewer_labels,
        informant_line=transcript.informant_line,
    )


def _survey_chunk(chunk, book, result, mask, personal_data, stream, parts) -> None:
    """Reduce one chunk as ``_reduce`` reduces a corpus, write its per-sentence tables,
    and keep what the whole survey's tables are built from."""
    segments = result.segments
    codings = apply_review(result.codings, segments, ReviewFile(), book).codings
    if mask is not None:
        masked: dict[str, str] = {}
        segments = segments.assign(
            text=_masked(segments["text"], mask, masked),
            question=_masked(segments["question"], mask, masked),
        )
        codings = codings.assign(text=_masked(codings["text"], mask, masked))
    informants = informants_table(chunk, personal_data, book, mask)
    stances = _with_attributes(red.stances(codings, chunk, book), informants)
    quotes = red.quotes(codings)
    full_segments = _with_attributes(segments, informants)
    full_codings = _with_attributes(codings, informants)
    by_code = _with_attributes(disp.segments_by_code(full_segments, full_codings, book), informants)
    for name, table in (
        ("segments", full_segments),
        ("codings", full_codings),
        ("segments_by_code", by_code),
    ):
        stream.add(name, table)
        parts.setdefault(f"{name}_columns", [list(table.columns)])
    rule = book.decision
    deciding = quotes if rule.roles is None else quotes[quotes["role"].isin(rule.roles)]
    spool = parts.setdefault("spool", [TemporaryDirectory(prefix="ektp-qual-quotes-")])[0]
    spooled = Path(spool.name) / f"{len(parts.get('stances', []))}.pkl"
    deciding.to_pickle(spooled)  # on disk until the verdicts say which go against them
    best = quotes.sort_values(["strength", "start"], ascending=[False, True], kind="stable")
    best = best.drop_duplicates(["criterion", "polarity", "informant"])
    for name, table in (
        ("stances", stances),
        ("informants", informants),
        ("quotes", best.groupby(["criterion", "polarity"]).head(_STREAM_QUOTES)),
        ("deciding_quotes", spooled),
        ("checklist", _with_attributes(disp.checklist_matrix(stances, quotes, book), informants)),
        ("evidence", streaming.evidence_part(full_codings, quotes)),
        ("summary", red.corpus_summary(chunk, segments, codings)),
    ):
        parts.setdefault(name, []).append(table)

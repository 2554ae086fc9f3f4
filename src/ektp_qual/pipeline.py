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

import pandas as pd

from .analysis import conclusion as concl
from .analysis import display as disp
from .analysis import reduction as red
from .coding.parallel import code_with_jobs
from .inputs.codebook import read_codebook
from .inputs.findings import read_findings
from .inputs.review_file import ReviewFile, apply_review, read_review
from .inputs.sample import sample_codebook, sample_findings, sample_transcripts
from .inputs.transcripts import read_corpus
from .language.privacy import (
    Masker,
    shared_attributes,
    shared_file_name,
    shared_notices,
    unused_private_attributes,
)
from .loop.intercoder import Agreement, agreement_of, check_coders, study_of
from .loop.validation import deciding_role_notices
from .model import Codebook, Corpus, Findings, Notice, PathLike
from .model.errors import InputError
from .model.results import (
    Analysis,
    Conclusion,
    Display,
    Reduction,
)
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
    if masker is None and not personal_data:
        masker = Masker.for_study(corpus, codebook)
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
    jobs: int | None = None,
) -> Reduction:
    """Step 1, data reduction: code the corpus, apply a review file if given, and reduce.

    ``review`` is a review file (see ``ektp_qual.inputs.review_file``): rejected codings
    drop out and added ones count. Without it the automatic coding stands alone.
    ``jobs``: the most processes to code in (None: every core; 1: this process only);
    a corpus too small to gain is coded in this process (``coding.parallel``).
    """
    corpus, book, _ = load(transcripts, codebook, None)
    return _reduce(corpus, book, personal_data, review, jobs)


def _reduce(
    corpus: Corpus,
    book: Codebook,
    personal_data: bool,
    review: PathLike | ReviewFile | None = None,
    jobs: int | None = 1,
) -> Reduction:
    result = code_with_jobs(corpus, book, jobs)
    segments = result.segments
    decisions = None
    if review is not None:
        decisions = review if isinstance(review, ReviewFile) else read_review(review)
    outcome = apply_review(result.codings, segments, decisions or ReviewFile(), book)
    codings = outcome.codings
    mask = None if personal_data else Masker.for_study(corpus, book)
    if mask is not None:
        masked: dict[str, str] = {}  # a coding's text is its sentence's: masked once
        segments = segments.assign(
            text=_masked(segments["text"], mask, masked),
            question=_masked(segments["question"], mask, masked),
        )
        codings = codings.assign(text=_masked(codings["text"], mask, masked))
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
    )


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
    jobs: int | None = None,
) -> Analysis:
    """Code a corpus and run reduction, display and conclusion: ``ektp-qual code``.

    ``review``: a review file whose decisions are applied to the automatic codings.
    ``jobs``: the most processes to code in (None: every core, when the corpus is big
    enough to gain; 1: this process only). The tables are the same either way.
    """
    corpus, book, expected = load(transcripts, codebook, findings)
    reduction = _reduce(corpus, book, personal_data, review, jobs)
    return Analysis(reduction, data_display(reduction), conclusion_drawing(reduction, expected))


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
    result = to_review(project, reduction, coder=coder)
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

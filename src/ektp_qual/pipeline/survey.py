"""A survey too big for memory, coded chunk by chunk: ``analyse_survey`` (``code
--stream``), on worker processes or a Dask cluster."""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path
from tempfile import TemporaryDirectory

import pandas as pd

from ..analysis import conclusion as concl
from ..analysis import display as disp
from ..analysis import reduction as red
from ..analysis import streaming
from ..coding.parallel import CodingPool, workers_for
from ..inputs.codebook import read_codebook
from ..inputs.review_file import ReviewFile, apply_review
from ..inputs.sample import sample_codebook
from ..inputs.survey_stream import ANSWERS_PER_CHUNK, survey_chunks
from ..language.privacy import (
    Masker,
    shared_notices,
)
from ..loop.validation import deciding_role_notices
from ..model import Codebook, Corpus, Findings, PathLike, Transcript
from ..model.results import (
    TABLES,
    Analysis,
    Conclusion,
    Display,
    Reduction,
)
from ..outputs.export import PYTHON_API, check_writable, csv_bytes, export_names, write_run
from ..outputs.stream import TableStream
from .steps import (
    _expected,
    _masked,
    _phrase_count,
    _private_notice,
    _with_attributes,
    informants_table,
)

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
                    from ..coding.cluster import DaskPool

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
            from ..outputs.parquet import parquet_bytes

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

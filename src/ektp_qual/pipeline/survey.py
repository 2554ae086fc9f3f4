"""A survey too big for memory, coded chunk by chunk: ``analyse_survey`` (``code
--stream``), on worker processes or a Dask cluster."""

from __future__ import annotations

import os
import tempfile
import threading
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from tempfile import TemporaryDirectory

import pandas as pd

from ..analysis import conclusion as concl
from ..analysis import display as disp
from ..analysis import reduction as red
from ..analysis import streaming
from ..coding.coder import Coder
from ..coding.parallel import CodingPool, workers_for, workers_for_words
from ..inputs.codebook import read_codebook
from ..inputs.review_file import ReviewFile, apply_review
from ..inputs.sample import sample_codebook
from ..inputs.survey_stream import ANSWERS_PER_CHUNK, SurveyRange, survey_chunks
from ..language.privacy import (
    Masker,
    shared_notices,
)
from ..loop.validation import deciding_role_notices
from ..model import Codebook, Corpus, Findings, PathLike, Transcript
from ..model.errors import InputError
from ..model.results import (
    TABLES,
    Analysis,
    Conclusion,
    Display,
    Reduction,
)
from ..outputs.export import PYTHON_API, check_writable, csv_bytes, export_names, write_run
from ..outputs.stream import KeyedParts, TableStream, merged_runs, write_sorted_run
from .steps import (
    _expected,
    _masked,
    _phrase_count,
    _private_notice,
    _refuse_named_ids,
    _with_attributes,
    informants_table,
)

#: Quotes kept per criterion and polarity from each chunk of a streamed survey: the
#: terminal shows the strongest two, one per informant.
_STREAM_QUOTES = 10

#: Masked texts a worker remembers at most (a few tens of MB of answers).
_MASKED_TEXTS = 100_000


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
    ``inputs.survey_stream``). Each chunk is cut into batches of whole respondents that
    the workers (``jobs`` processes) code, mask and reduce; their rows of the tables
    with a row per sentence or per respondent (``STREAMED_TABLES``) are appended to
    files in ``out`` as they come back, and their counts added up, so memory does not
    grow with the number of respondents. The display and conclusions are drawn from the
    counts, and every table is put in place at the end as one run (see
    ``outputs.export.write_run``). The tables equal ``analyse`` on ``read_survey``'s
    corpus, byte for byte. The result holds the small tables; the streamed ones are on
    disk only (their fields are empty tables with their columns), its corpus has one
    transcript per role, and its quotes are the strongest few per criterion. A review
    file is not applied to a streamed survey.
    ``formats``: ``csv``, ``parquet`` (with the scale extra) or both. ``engine``:
    ``local`` (worker processes here, ``jobs`` of them) or ``dask`` (the batches coded
    on the Dask cluster at ``scheduler``, or on a local one of ``jobs`` workers; see
    ``coding.cluster``).
    """
    if engine not in ("local", "dask"):
        raise ValueError(f"engine: use 'local' or 'dask', not {engine!r}")
    if not formats or set(formats) - {"csv", "parquet"}:
        raise ValueError(f"formats: csv, parquet or both, not {', '.join(formats) or 'none'}")
    book = (
        codebook
        if isinstance(codebook, Codebook)
        else read_codebook(codebook if codebook is not None else sample_codebook())
    )
    with ExitStack() as workers:
        cluster = None
        if engine == "dask":  # started first: its workers build their coders during the scan
            from ..coding.cluster import DaskPool

            cluster = workers.enter_context(DaskPool(book, scheduler, jobs))
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
        expected = _expected(findings, book)
        names = [Transcript(n, "", None, "", 1, [], name=n) for n in chunks.names]
        mask = None if personal_data else Masker.for_study(Corpus(names), book)
        tables = [name for name in TABLES if expected is not None or name != "comparison"]
        check_writable(out, export_names(tables, formats), command)
        stream = TableStream(out, safe=safe_csv, formats=tuple(formats))
        gathered = _Gathered()
        try:
            with ExitStack() as run:
                spool = run.enter_context(TemporaryDirectory(prefix="ektp-qual-quotes-"))
                grouped = KeyedParts()
                run.callback(grouped.cleanup)
                # a remote cluster's workers cannot read or write this machine's files
                local = cluster is None or scheduler is None
                job = _ChunkJob(
                    book, mask, personal_data, tuple(formats), safe_csv, spool if local else None
                )
                waiting: Callable[[], list] | None = None
                for work in _work(chunks, book, jobs, cluster, scheduler, job, local, run):
                    submitted = work()  # the workers code while the next is read or sent
                    if waiting is not None:
                        gathered.add(waiting(), stream, grouped, spool)
                    waiting = submitted
                if waiting is not None:
                    gathered.add(waiting(), stream, grouped, spool)
                if not gathered.roles:
                    raise InputError(chunks.path, "no answers: every answer cell is empty")
                grouped.drain(stream, "checklist_matrix")
                analysis = _survey_analysis(
                    chunks, book, mask, personal_data, expected, gathered, stream
                )
            every = analysis.tables()
            small = {name: t for name, t in every.items() if name not in STREAMED_TABLES}
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
        return analysis


#: The tables of a streamed survey written as its chunks are coded, not held in memory:
#: those with a row per sentence, those with a row per respondent, and the quotes
#: against the verdicts (merged from the chunks' sorted quotes once the verdicts are
#: known).
STREAMED_TABLES = (
    "segments",
    "codings",
    "segments_by_code",
    "stances",
    "informants",
    "checklist_matrix",
    "negative_evidence",
)

#: What a chunk keeps of its deciding quotes for ``negative_evidence``: its columns
#: but the verdict (known at the end), and the offset that orders equal quotes.
_DECIDING = [c for c in concl.NEGATIVE_EVIDENCE_COLUMNS if c != "verdict"] + ["start"]


@dataclass
class _Part:
    """What a worker sends back for a batch of whole respondents: its rows of the
    streamed tables (CSV already formatted, the rows too for Parquet), and the counts
    and few quotes the display and the conclusions are drawn from."""

    csv: dict[str, bytes]
    frames: dict[str, pd.DataFrame]
    checklist: list[tuple[str, bytes | None, pd.DataFrame | None]]
    columns: dict[str, list[str]]
    tally: pd.DataFrame
    roles: list[str]
    attributes: list[str]
    quotes: pd.DataFrame
    evidence: pd.DataFrame
    summary: pd.DataFrame
    unmatched: pd.DataFrame
    deciding: pd.DataFrame | str
    notices: list


@dataclass
class _ChunkJob:
    """A batch of respondents coded, masked and reduced where it is coded (a worker),
    so that the process reading the survey only appends the rows and adds the counts."""

    book: Codebook
    mask: Masker | None
    personal_data: bool
    formats: tuple[str, ...]
    safe: bool
    spool: str | None  # where to leave the deciding quotes (None: send them back)

    def __post_init__(self) -> None:
        self._local = threading.local()

    def __getstate__(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if k != "_local"}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._local = threading.local()

    def _masked_texts(self) -> dict[str, str]:
        """Texts masked so far by this worker thread, for every batch it reduces (survey
        answers repeat: "Tidak ada.", "Cukup baik."), emptied when full so memory stays
        bounded. One per thread: a Dask worker may run batches in threads side by side,
        and a dict filled by one while pandas reads it in another breaks both."""
        masked = getattr(self._local, "masked", None)
        if masked is None or len(masked) > _MASKED_TEXTS:
            masked = self._local.masked = {}
        return masked

    def __call__(self, coder: Coder, batch: list[Transcript] | SurveyRange) -> _Part | list:
        """The batch's part; for a range without an answer, only its notices."""
        notices = []
        if isinstance(batch, SurveyRange):  # rows this worker reads itself
            transcripts, notices = batch.read()
            if not transcripts:
                return notices
        else:
            transcripts = batch
        chunk = Corpus(transcripts)
        result = coder.code(chunk)
        book, mask = self.book, self.mask
        segments = result.segments
        codings = apply_review(result.codings, segments, ReviewFile(), book).codings
        if mask is not None:
            _refuse_named_ids(transcripts, mask)
            masked = self._masked_texts()
            segments = segments.assign(
                text=_masked(segments["text"], mask, masked),
                question=_masked(segments["question"], mask, masked),
            )
            codings = codings.assign(text=_masked(codings["text"], mask, masked))
        informants = informants_table(chunk, self.personal_data, book, mask)
        stances = _with_attributes(red.stances(codings, chunk, book), informants)
        quotes = red.quotes(codings)
        full_segments = _with_attributes(segments, informants)
        full_codings = _with_attributes(codings, informants)
        by_code = _with_attributes(
            disp.segments_by_code(full_segments, full_codings, book), informants
        )
        checklist = _with_attributes(disp.checklist_matrix(stances, quotes, book), informants)
        streamed = {
            "segments": full_segments,
            "codings": full_codings,
            "segments_by_code": by_code,
            "stances": stances,
            "informants": informants,
        }
        parquet = "parquet" in self.formats
        csv = "csv" in self.formats
        rule = book.decision
        deciding = quotes if rule.roles is None else quotes[quotes["role"].isin(rule.roles)]
        deciding = _in_evidence_order(deciding, book)
        if self.spool is not None:
            handle, spooled = tempfile.mkstemp(dir=self.spool, suffix=".run")
            os.close(handle)
            write_sorted_run(deciding, spooled)  # on disk until the verdicts are known
            deciding = spooled
        best = quotes.sort_values(["strength", "start"], ascending=[False, True], kind="stable")
        best = best.drop_duplicates(["criterion", "polarity", "informant"])
        return _Part(
            csv={n: csv_bytes(t, safe=self.safe) for n, t in streamed.items()} if csv else {},
            frames=streamed if parquet else {},
            checklist=[
                (
                    role,
                    csv_bytes(rows, safe=self.safe) if csv else None,
                    rows if parquet else None,
                )
                for role, rows in checklist.groupby("role", sort=False)
            ],
            columns={
                **{n: list(t.columns) for n, t in streamed.items()},
                "checklist_matrix": list(checklist.columns),
            },
            tally=streaming.stance_tally(stances),
            roles=list(dict.fromkeys(t.role for t in transcripts)),
            attributes=list(dict.fromkeys(k for t in transcripts for k in t.attributes)),
            quotes=best.groupby(["criterion", "polarity"]).head(_STREAM_QUOTES),
            evidence=streaming.evidence_part(full_codings, quotes),
            summary=red.corpus_summary(chunk, segments, codings),
            unmatched=result.unmatched_phrases(),
            deciding=deciding,
            notices=notices,
        )


@dataclass
class _Gathered:
    """What the parts of every chunk add up to, in the process that reads the survey:
    counts and a few quotes, nothing per respondent but the evidence matrix's names."""

    columns: dict[str, list[str]] = field(default_factory=dict)
    tallies: list[pd.DataFrame] = field(default_factory=list)
    roles: dict[str, None] = field(default_factory=dict)
    attributes: dict[str, None] = field(default_factory=dict)
    quotes: list[pd.DataFrame] = field(default_factory=list)
    evidence: list[pd.DataFrame] = field(default_factory=list)
    summary: list[pd.DataFrame] = field(default_factory=list)
    unmatched: pd.DataFrame | None = None
    deciding: list[Path] = field(default_factory=list)
    notices: list = field(default_factory=list)

    def add(
        self, parts: list[_Part | list], stream: TableStream, grouped: KeyedParts, spool
    ) -> None:
        """Append a chunk's rows to the streamed tables and keep its counts."""
        for part in parts:
            if isinstance(part, list):  # a range without an answer: its notices
                self.notices.extend(part)
                continue
            for name in ("segments", "codings", "segments_by_code", "stances", "informants"):
                stream.add(name, part.frames.get(name), csv=part.csv.get(name))
            for role, csv, rows in part.checklist:
                grouped.add(role, csv, rows)
            for name, columns in part.columns.items():
                self.columns.setdefault(name, columns)
            self.tallies = [streaming.stance_tally_of_parts([*self.tallies, part.tally])]
            self.roles.update(dict.fromkeys(part.roles))
            self.attributes.update(dict.fromkeys(part.attributes))
            self.quotes.append(part.quotes)
            self.evidence = [streaming.evidence_parts_merged([*self.evidence, part.evidence])]
            self.summary.append(part.summary)
            fired = part.unmatched
            self.unmatched = fired if self.unmatched is None else self.unmatched.merge(fired)
            deciding = part.deciding
            if isinstance(deciding, pd.DataFrame):
                handle, spooled = tempfile.mkstemp(dir=spool, suffix=".run")
                os.close(handle)
                write_sorted_run(deciding, spooled)
                deciding = spooled
            self.deciding.append(Path(deciding))
            self.notices.extend(part.notices)


def _work(chunks, book, jobs, cluster, scheduler, job, local, workers):
    """One after another, the calls that submit a share of the survey to the pool.

    When the rows of a CSV can be cut into ranges of whole respondents
    (``SurveyChunks.ranges``) and the workers share this machine's files, each worker
    reads its own range: this process, which scanned the file once, sends a few numbers
    per range and does no work per answer. Otherwise (a Parquet file, respondents' rows
    spread through the file, a remote cluster) it reads the chunks and sends them."""
    pool = cluster
    if cluster is not None:
        cluster.job = job
        count = cluster.workers if scheduler is None else None
    else:
        count = workers_for_words(chunks.first_words, chunks.respondents, jobs)
    ranges = chunks.ranges(-(-chunks.answers // count)) if local and count else None
    if ranges is not None:
        if pool is None:
            pool = workers.enter_context(CodingPool(book, count, job=job))
        for at in range(0, len(ranges), count):
            yield _submitter(pool, ranges[at : at + count])
        return
    for chunk in chunks:
        if pool is None:  # the first chunk tells whether workers pay
            pool = workers.enter_context(CodingPool(book, workers_for(chunk, jobs), job=job))
        yield _submitter(pool, chunk)


def _submitter(pool, share) -> Callable[[], Callable[[], list]]:
    """The call that submits ``share`` (a chunk, or ranges one per worker) to ``pool``."""
    if isinstance(share, list):
        return lambda: pool.submit_batches(share)
    return lambda: pool.submit(share)


def _survey_analysis(chunks, book, mask, personal_data, expected, gathered, stream) -> Analysis:
    """The survey's analysis from its chunks' counts: the display and the conclusions as
    ``analyse`` draws them; the streamed tables, on disk, are left empty (the quotes
    against the verdicts are written into ``stream`` here)."""
    chunks.notices.extend(gathered.notices)  # those the workers' ranges gave
    # a transcript per role, with every attribute key: what the notices look at
    corpus = Corpus(
        [
            Transcript("", role, None, "", 1, [], dict.fromkeys(gathered.attributes, ""))
            for role in gathered.roles
        ],
        None,
        chunks.notices,
    )
    # a row per role, criterion and stance, with the informants it stands for in ``n``
    tally = gathered.tallies[0]

    def empty(name: str) -> pd.DataFrame:
        return pd.DataFrame(columns=gathered.columns[name])

    reduction = Reduction(
        corpus=corpus,
        codebook=book,
        segments=empty("segments"),
        codings=empty("codings"),
        stances=empty("stances"),
        quotes=pd.concat(gathered.quotes, ignore_index=True),
        informants=empty("informants"),
        notices=shared_notices(
            [
                *chunks.notices,
                *deciding_role_notices(corpus, book),
                *_private_notice(corpus, book),
            ],
            mask,
        ),
        codebook_phrases=_phrase_count(book),
        summary=streaming.summary_of_parts(gathered.summary),
        personal_data=personal_data,
        masker=mask,
        unmatched_phrases=0 if gathered.unmatched is None else len(gathered.unmatched),
    )
    shown = Display(
        checklist_matrix=empty("checklist_matrix"),
        role_matrix=disp.role_ordered_matrix(tally, book, weight="n"),
        evidence=streaming.evidence_of_parts(gathered.evidence, book),
        segments_by_code=empty("segments_by_code"),
    )
    conclusions = concl.verdicts(tally, book, weight="n")
    overall = concl.overall_verdict(conclusions, book)
    concluded = Conclusion(
        conclusions=conclusions,
        overall=overall,
        triangulation=concl.triangulation(tally, book, weight="n"),
        negative_evidence=_negative_evidence(stream, conclusions, gathered.deciding, book),
        comparison=None
        if expected is None
        else concl.compare_with_findings(conclusions, overall, expected),
        findings=expected,
    )
    return Analysis(reduction, shown, concluded)


def _in_evidence_order(quotes: pd.DataFrame, book: Codebook) -> pd.DataFrame:
    """A chunk's deciding quotes in ``negative_evidence``'s order (criterion, strongest
    first, informant, offset), so that the chunks' quotes are merged, not sorted whole."""
    order = {cid: i for i, cid in enumerate(book.criterion_ids)}
    ordered = quotes.sort_values(
        ["criterion", "strength", "informant", "start"],
        key=lambda s: s.map(order).fillna(len(order)) if s.name == "criterion" else s,
        ascending=[True, False, True, True],
        kind="stable",
    )
    return ordered[_DECIDING].reset_index(drop=True)


def _negative_evidence(
    stream: TableStream, conclusions: pd.DataFrame, runs: list[Path], book: Codebook
) -> pd.DataFrame:
    """Write ``negative_evidence`` as ``analyse`` draws it: the chunks' deciding quotes
    (sorted runs on disk) merged, those against their criterion's verdict kept, a block
    at a time, so that memory does not hold every quote against a verdict. Returns the
    empty table with its columns."""
    empty = concl.negative_evidence(conclusions, pd.DataFrame(columns=red.QUOTE_COLUMNS), book)
    against = {
        r.criterion: {"met": "negative", "not met": "positive"}.get(r.verdict)
        for r in conclusions.itertuples()
    }
    verdict = dict(zip(conclusions["criterion"], conclusions["verdict"], strict=True))
    order = {cid: i for i, cid in enumerate(book.criterion_ids)}
    at = {name: n for n, name in enumerate(_DECIDING)}
    c, s, i, o, p = (at[k] for k in ("criterion", "strength", "informant", "start", "polarity"))
    wrote = False
    for block in merged_runs(
        runs,
        key=lambda row: (order.get(row[c], len(order)), -row[s], row[i], row[o]),
        keep=lambda row: row[p] == against.get(row[c]),
    ):
        block["verdict"] = block["criterion"].map(verdict)
        stream.add("negative_evidence", block[list(empty.columns)])
        wrote = True
    if not wrote:
        stream.add("negative_evidence", empty)
    return empty

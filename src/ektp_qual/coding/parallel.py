"""Coding on every core: batches of transcripts coded in worker processes.

Each transcript is coded on its own (segment ids, sentence numbers and the question an
answer follows are counted within it), so a corpus cut into batches of whole
transcripts, coded apart and put back in order, gives the tables one process gives.
The coder is built once per worker, never per batch. Starting workers costs about a
second (a process, then the coder's spaCy pipeline and stemmer), so they are used only
when each would code at least ``WORDS_PER_WORKER`` informant words.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import pandas as pd

from ..model import Codebook, Corpus, Transcript
from .coder import Coder, CodingResult

#: The least informant words worth a worker: a worker takes about 1.5 s to start and
#: build its coder, and one process codes this many words in about as long; below it,
#: a second process costs more than it saves (the survey benchmark measures both; see
#: benchmarks/README.md).
WORDS_PER_WORKER = 200_000

#: Batches per worker: enough to even out transcripts of different lengths, few enough
#: that sending each batch costs little.
_BATCHES_PER_WORKER = 4

#: Batches per worker of each corpus a pool's job is submitted (a streamed survey's
#: chunk): one, since the job has fixed costs of its own (eight batches of a
#: 20,000-answer chunk cost 1.3 to 1.4 times the CPU of two, measured when each call of
#: the coder still read every sentence anew); the chunk after it, submitted before this
#: one is gathered, keeps the workers busy.
_SUBMITTED_PER_WORKER = 1

_coder: Coder | None = None  # the coder of this worker process, built by _start
_job: Callable[[Coder, list[Transcript]], Any] | None = None  # what it does with a batch
_shares: list[list[Transcript]] = []  # the corpus's shares, left by _code_forked for forks

#: What a pool does with a batch of whole transcripts once it has its coder: code them
#: and, say, reduce and format the tables of a streamed survey's chunk (the job is
#: shipped to each worker once, with the codebook).
BatchJob = Callable[[Coder, list[Transcript]], Any]


def available_cores() -> int:
    """The cores this process may run on (a container or ``taskset`` may allow fewer)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def informant_words(corpus: Corpus) -> int:
    """The words the coder reads: informant turns only (a quick count by spaces)."""
    return sum(
        len(turn.text.split())
        for transcript in corpus.transcripts
        for turn in transcript.turns
        if not turn.is_interviewer
    )


def workers_for(corpus: Corpus, jobs: int | None) -> int:
    """How many worker processes to code ``corpus`` with; 1 means in this process.

    ``jobs`` is the most the researcher allows (None: every core). The rule: no more
    workers than transcripts, and each must get ``WORDS_PER_WORKER`` words or more.
    """
    if len(corpus.transcripts) < 2 or jobs == 1:
        return 1  # no words to count: one process was asked for
    return workers_for_words(informant_words(corpus), len(corpus.transcripts), jobs)


def workers_for_words(words: int, transcripts: int, jobs: int | None) -> int:
    """``workers_for`` from the informant words and transcripts alone (a survey's first
    rows, counted when it was scanned)."""
    most = available_cores() if jobs is None else jobs
    if most <= 1 or transcripts < 2:
        return 1
    return max(1, min(most, words // WORDS_PER_WORKER, transcripts))


def code_with_jobs(corpus: Corpus, codebook: Codebook, jobs: int | None = 1) -> CodingResult:
    """Code ``corpus``, in worker processes when it is big enough to gain (``workers_for``).

    The result is the one ``Coder(codebook).code(corpus)`` gives, row for row.
    """
    workers = workers_for(corpus, jobs)
    if workers == 1:
        return Coder(codebook).code(corpus)
    return code_in_workers(corpus, codebook, workers)


def can_fork() -> bool:
    """Whether workers may be forked: the platform forks, and this process runs no other
    thread (a notebook's, a server's: a lock one of them holds when the process forks would
    never be released in the copy). Otherwise workers are spawned and import anew."""
    import multiprocessing
    import threading

    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


def code_aside(corpus: Corpus, codebook: Codebook, meanwhile: Callable[[], object]) -> CodingResult:
    """Code ``corpus`` in one worker process while this one runs ``meanwhile``, then
    return the coding, the one ``Coder(codebook).code(corpus)`` gives.

    ``suggest`` must both code the corpus and import scikit-learn (0.7 s each on the
    sample, the import mostly SciPy's statistics, which scikit-learn loads on import): on
    two free cores it waits for the longer of the two, not their sum. Where this process
    may use one core, cannot fork (a new process would import everything again) or runs
    other threads (a notebook's: a lock one of them holds would never be released in
    the copy), the two run one after the other here.
    """
    import multiprocessing

    if available_cores() < 2 or not can_fork():
        meanwhile()
        return Coder(codebook).code(corpus)
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        coding = pool.submit(_code_all, codebook, corpus)
        meanwhile()
        result = coding.result()
    result.codebook = codebook
    return result


def _code_all(codebook: Codebook, corpus: Corpus) -> CodingResult:
    """A worker's coding of a whole corpus (a bad codebook raises its own error here,
    where a pool's initializer would only break the pool)."""
    result = Coder(codebook).code(corpus)
    result.codebook = None  # the parent has it
    return result


def code_in_workers(corpus: Corpus, codebook: Codebook, workers: int) -> CodingResult:
    """Code ``corpus`` in ``workers`` processes, whatever its size (for tests and
    benchmarks; ``code_with_jobs`` decides when it pays)."""
    if can_fork():
        return _code_forked(corpus, codebook, workers)
    with CodingPool(codebook, workers) as pool:
        return pool.code(corpus)


def _code_forked(corpus: Corpus, codebook: Codebook, workers: int) -> CodingResult:
    """Code ``corpus`` in this process and ``workers - 1`` forked ones.

    Where processes fork, the workers find their share of the corpus in memory, so
    nothing is sent to them, and this process codes a share itself instead of waiting
    (its tables are not sent back either). Each process builds its coder side by side
    with the others: a coder built here before the fork would save CPU but cost its
    build time on the clock. Shares are equal in characters.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    global _shares
    shares = list(_batches(corpus.transcripts, workers))
    if len(shares) < 2:  # one transcript holds nearly all the text
        return Coder(codebook).code(corpus)
    _shares = shares
    try:
        with ProcessPoolExecutor(
            max_workers=len(shares) - 1,
            mp_context=multiprocessing.get_context("fork"),
            initializer=_start,
            initargs=(codebook,),
        ) as pool:
            forked = [pool.submit(_code_share, n) for n in range(1, len(shares))]
            own = Coder(codebook).code(Corpus(shares[0]))
            results = [own, *(future.result() for future in forked)]
    finally:
        _shares = []
    return _joined(results, codebook)


class CodingPool:
    """Worker processes that each built the coder once, for corpus after corpus (the
    chunks of a streamed survey); with one worker, this process codes.

    Use it as a context manager, so that the workers end with it.
    """

    def __init__(self, codebook: Codebook, workers: int, job: BatchJob | None = None) -> None:
        self.codebook = codebook
        self.workers = workers
        self.job = job
        self._pool = None
        self._coder: Coder | None = None

    def __enter__(self) -> CodingPool:
        if self.workers > 1:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            # fork shares the loaded modules with the workers; elsewhere they import anew
            context = multiprocessing.get_context("fork" if can_fork() else "spawn")
            self._pool = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=context,
                initializer=_start,
                initargs=(self.codebook, self.job),
            )
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None

    def code(self, corpus: Corpus) -> CodingResult:
        """The coding of ``corpus``, row for row the one a single coder gives."""
        if self._pool is None:
            if self._coder is None:
                self._coder = Coder(self.codebook)
            return self._coder.code(corpus)
        batches = list(_batches(corpus.transcripts, self.workers * _BATCHES_PER_WORKER))
        return _joined(list(self._pool.map(_code_batch, batches)), self.codebook)

    def submit(self, corpus: Corpus) -> Callable[[], list]:
        """Start the pool's job on ``corpus`` (in batches of whole transcripts, one per
        worker) and return the call that waits for the batches' results, in
        order. The workers code while this process reads the next corpus."""
        assert self.job is not None, "a pool made with a job submits it"
        if self._pool is None:
            if self._coder is None:
                self._coder = Coder(self.codebook)
            done = [self.job(self._coder, corpus.transcripts)]
            return lambda: done
        batches = _batches(corpus.transcripts, self.workers * _SUBMITTED_PER_WORKER)
        futures = [self._pool.submit(_run_batch, batch) for batch in batches]
        return lambda: [future.result() for future in futures]

    def submit_batches(self, batches: list) -> Callable[[], list]:
        """Start the pool's job on each of ``batches`` (say, ranges of a survey that
        the workers read themselves), as ``submit`` does."""
        assert self.job is not None, "a pool made with a job submits it"
        if self._pool is None:
            if self._coder is None:
                self._coder = Coder(self.codebook)
            done = [self.job(self._coder, batch) for batch in batches]
            return lambda: done
        futures = [self._pool.submit(_run_batch, batch) for batch in batches]
        return lambda: [future.result() for future in futures]


def _batches(transcripts: list[Transcript], count: int) -> Iterator[list[Transcript]]:
    """Runs of whole transcripts, in order, of about the same number of characters."""
    total = sum(len(t.body) for t in transcripts) or 1
    batch: list[Transcript] = []
    size, done = 0, 0
    for transcript in transcripts:
        batch.append(transcript)
        size += len(transcript.body)
        if size >= total * (done + 1) / count:
            yield batch
            batch, done = [], done + 1
    if batch:
        yield batch


def _start(codebook: Codebook, job: BatchJob | None = None) -> None:
    """Build this worker's coder once, for every batch it will code."""
    global _coder, _job
    _coder = Coder(codebook)
    _job = job


def _run_batch(transcripts: list[Transcript]) -> Any:
    assert _coder is not None and _job is not None, "the worker's job is set by _start"
    return _job(_coder, transcripts)


def _code_batch(transcripts: list[Transcript]) -> CodingResult:
    assert _coder is not None, "the worker's coder is built by _start"
    result = _coder.code(Corpus(transcripts))
    result.codebook = None  # the parent has it: not sent back with every batch
    return result


def _code_share(n: int) -> CodingResult:
    """Code the ``n``-th share the parent left before it forked, with this worker's coder."""
    assert _coder is not None and _shares, "the parent leaves the shares; _start builds"
    return _code_batch(_shares[n])


def _joined(results: list[CodingResult], codebook: Codebook) -> CodingResult:
    """The batches' tables, one after another, as one coding of the whole corpus."""

    def concat(name: str) -> pd.DataFrame:
        tables = [getattr(result, name) for result in results]
        # an empty batch table has no dtypes to give: it would turn numbers into objects
        filled = [table for table in tables if len(table)] or tables[:1]
        return pd.concat(filled, ignore_index=True) if len(filled) > 1 else filled[0]

    codings = concat("codings")
    codings["negated"] = codings["negated"].astype(bool)
    return CodingResult(
        concat("segments"), codings, codebook, results[0].readings, concat("changes")
    )

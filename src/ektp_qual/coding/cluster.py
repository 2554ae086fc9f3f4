"""Coding on a Dask cluster: the batches ``CodingPool`` gives its workers, sent to the
workers of a ``dask.distributed`` scheduler instead.

Dask is an optional extra (``pip install "ektp-qual[scale]"``), imported only here.
Without a scheduler address a local cluster of worker processes is started on this
machine, forked from this process where the system can (so they start with its imports,
as ``CodingPool``'s workers do, in a fraction of the seconds a new interpreter takes to
import pandas and spaCy); with one, the work goes to that cluster, whose workers need
ektp-qual (and the same version) installed. The codebook is sent to every worker once,
and each worker thread builds its coder from it once and keeps it for every batch: the
workers start building as soon as the pool is entered, so a pool entered before the
input is scanned builds its coders meanwhile. Batches are whole transcripts, gathered
back in corpus order, so the tables are the ones one process gives.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from typing import Any

from ..model import Codebook, Corpus, Transcript
from .coder import Coder, CodingResult
from .parallel import (
    _BATCHES_PER_WORKER,
    _SUBMITTED_PER_WORKER,
    BatchJob,
    _batches,
    _joined,
    available_cores,
)

SCALE_EXTRA = 'pip install "ektp-qual[scale]"'

_local = threading.local()  # each worker thread's coders, by codebook checksum


def _distributed():
    try:
        import distributed
    except ModuleNotFoundError:
        raise ModuleNotFoundError(
            f"the dask engine needs dask.distributed, which is not installed: {SCALE_EXTRA}"
        ) from None
    return distributed


def dask_installed() -> bool:
    """Whether the dask engine can run, without importing dask."""
    import importlib.util

    return importlib.util.find_spec("distributed") is not None


class DaskPool:
    """Code corpus after corpus on a Dask cluster (a context manager, like
    ``CodingPool``): ``scheduler`` is an address such as ``tcp://10.0.0.5:8786``, or None
    for a local cluster of ``workers`` processes. ``job`` may be set after the pool is
    entered (it is sent to the workers with the first batch)."""

    def __init__(
        self,
        codebook: Codebook,
        scheduler: str | None = None,
        workers: int | None = None,
        *,
        processes: bool = True,
        job: BatchJob | None = None,
    ) -> None:
        self.codebook = codebook
        self.job = job
        self.scheduler = scheduler
        self.workers = workers or available_cores()
        self.processes = processes
        self._client = None
        self._cluster = None
        self._book = None
        self._job = None
        self._building: list = []

    def __enter__(self) -> DaskPool:
        distributed = _distributed()
        if self.scheduler is None:
            with _forked_workers():
                self._cluster = distributed.LocalCluster(
                    n_workers=self.workers,
                    threads_per_worker=1,
                    processes=self.processes,
                    dashboard_address=None,
                )
            self._client = distributed.Client(self._cluster)
        else:
            self._client = distributed.Client(self.scheduler)
        self._book = self._client.scatter(self.codebook, broadcast=True)
        # each worker builds its coder now, while this process goes on (say, scanning
        # the survey); the batches queue behind it. Held, or Dask would drop the tasks.
        self._building = [
            self._client.submit(_coder_built, self._book, workers=[address], pure=False)
            for address in self._client.scheduler_info().get("workers", {})
        ]
        return self

    def _sent_job(self):
        """The job, sent to every worker once (on the first batch that needs it)."""
        assert self._client is not None and self.job is not None, "a pool with a job"
        if self._job is None:
            self._job = self._client.scatter(self.job, broadcast=True)
        return self._job

    def __exit__(self, *exc: object) -> None:
        if self._client is not None:
            self._client.close()
        if self._cluster is not None:
            self._cluster.close()
        self._client = self._cluster = None
        self._building = []

    def code(self, corpus: Corpus) -> CodingResult:
        """The coding of ``corpus``, row for row the one a single coder gives."""
        assert self._client is not None, "use DaskPool as a context manager"
        workers = max(1, len(self._client.scheduler_info().get("workers", {})))
        batches = list(_batches(corpus.transcripts, workers * _BATCHES_PER_WORKER))
        futures = self._client.map(_code_batch, batches, book=self._book, pure=False)
        return _joined(self._client.gather(futures), self.codebook)

    def submit(self, corpus: Corpus) -> Callable[[], list]:
        """The pool's job on ``corpus``'s batches, on the cluster (as ``CodingPool.submit``):
        the call returned waits for the batches' results, in order."""
        job = self._sent_job()
        workers = max(1, len(self._client.scheduler_info().get("workers", {})))
        batches = list(_batches(corpus.transcripts, workers * _SUBMITTED_PER_WORKER))
        futures = self._client.map(_run_batch, batches, book=self._book, job=job, pure=False)
        client = self._client
        return lambda: client.gather(futures)

    def submit_batches(self, batches: list) -> Callable[[], list]:
        """The pool's job on each of ``batches`` (ranges of a survey the workers read
        from a file they share with this machine), as ``submit``."""
        job = self._sent_job()
        futures = self._client.map(_run_batch, batches, book=self._book, job=job, pure=False)
        client = self._client
        return lambda: client.gather(futures)


@contextlib.contextmanager
def _forked_workers() -> Iterator[None]:
    """A local cluster's worker processes forked from this one, where the system can."""
    import multiprocessing

    import dask

    if "fork" not in multiprocessing.get_all_start_methods():
        yield
        return
    with dask.config.set({"distributed.worker.multiprocessing-method": "fork"}):
        yield


def _coder_built(book: Codebook) -> None:
    """Build this worker thread's coder before its first batch comes."""
    _coder_for(book)


def _coder_for(book: Codebook) -> Coder:
    """This worker thread's coder for ``book``, built on its first batch."""
    coders = getattr(_local, "coders", None)
    if coders is None:
        coders = _local.coders = {}
    coder = coders.get(book.sha256)
    if coder is None:
        coder = coders[book.sha256] = Coder(book)
    return coder


def _run_batch(transcripts: list[Transcript], book: Codebook, job: BatchJob) -> Any:
    return job(_coder_for(book), transcripts)


def _code_batch(transcripts: list[Transcript], book: Codebook) -> CodingResult:
    """One batch, coded by this worker thread's coder (built on its first batch)."""
    result = _coder_for(book).code(Corpus(transcripts))
    result.codebook = None  # the client has it
    return result
